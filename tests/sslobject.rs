//! The sans-I/O API: `MemoryBIO` semantics and `SSLObject` handshakes and data, between two
//! objects in one thread and against a CPython server through a loop the test drives; each
//! observable compared with CPython 3.13.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

use common::memory_pair::MemoryPair;
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::ssl;

#[test]
fn memory_bio_behaves_as_pythons() {
    let bio = ssl::MemoryBIO::new().unwrap();
    let mut ours = vec![bio.pending().py_repr(), bio.eof().py_repr()];
    ours.push(bio.write(b"foo").unwrap().py_repr());
    ours.push(bio.write(b"").unwrap().py_repr());
    ours.push(bio.pending().py_repr());
    ours.push(PyBytes(&bio.read(1).unwrap()).py_repr());
    ours.push(PyBytes(&bio.read(-1).unwrap()).py_repr());
    ours.push(PyBytes(&bio.read(-1).unwrap()).py_repr());
    bio.write(b"bar").unwrap();
    bio.write_eof();
    ours.push(bio.eof().py_repr());
    ours.push(PyBytes(&bio.read(10).unwrap()).py_repr());
    ours.push(bio.eof().py_repr());
    ours.push(common::describe_error(&bio.write(b"x").unwrap_err()));
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import ssl
bio = ssl.MemoryBIO()
out = [repr(bio.pending), repr(bio.eof), repr(bio.write(b"foo")), repr(bio.write(b"")),
       repr(bio.pending), repr(bio.read(1)), repr(bio.read()), repr(bio.read())]
bio.write(b"bar"); bio.write_eof()
out += [repr(bio.eof), repr(bio.read(10)), repr(bio.eof)]
try:
    bio.write(b"x")
except Exception as e:
    out.append(describe_error(e))
print("\n".join(out))
"#
    );
    let theirs = common::py313(&code, &[]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

/// Moves every pending byte from one object's outgoing buffer to the other's incoming one.
fn pump(from: &ssl::MemoryBIO, to: &ssl::MemoryBIO) -> usize {
    let data = from.read(-1).unwrap();
    to.write(&data).unwrap();
    data.len()
}

#[test]
fn two_objects_handshake_and_talk_in_one_thread() {
    let MemoryPair {
        mut client,
        mut server,
        c_in,
        c_out,
        s_in,
        s_out,
    } = MemoryPair::wrapped();
    assert_eq!(
        client.getpeercert(false).unwrap_err().to_string(),
        "handshake not done yet"
    );
    assert_eq!((client.cipher(), client.version()), (None, None));

    let mut rounds = 0;
    let (mut client_done, mut server_done) = (false, false);
    while !(client_done && server_done) {
        rounds += 1;
        assert!(rounds < 10, "handshake does not converge");
        if !client_done {
            match client.do_handshake() {
                Ok(()) => client_done = true,
                Err(e) => assert!(e.is_want_read(), "{e}"),
            }
        }
        pump(&c_out, &s_in);
        if !server_done {
            match server.do_handshake() {
                Ok(()) => server_done = true,
                Err(e) => assert!(e.is_want_read(), "{e}"),
            }
        }
        pump(&s_out, &c_in);
    }
    assert_eq!(client.version().as_deref(), Some("TLSv1.3"));
    assert_eq!(server.cipher(), client.cipher());
    // CPython 3.13's chains: verified [leaf, ca], sent [leaf]; the server saw no client cert.
    let pem = |name: &str| std::fs::read_to_string(common::fixture(name)).unwrap();
    let der = |name: &str| ssl::PEM_cert_to_DER_cert(&pem(name)).unwrap();
    assert_eq!(
        client.get_verified_chain(),
        [der("server.pem"), der("ca.pem")]
    );
    assert_eq!(client.get_unverified_chain(), [der("server.pem")]);
    assert!(server.get_unverified_chain().is_empty());
    assert!(client
        .getpeercert(false)
        .unwrap()
        .unwrap()
        .py_repr()
        .contains("'localhost'"));

    client.write(b"ping").unwrap();
    pump(&c_out, &s_in);
    assert_eq!(server.read(100).unwrap(), b"ping");
    server.write(b"pong").unwrap();
    pump(&s_out, &c_in);
    assert_eq!(client.read(100).unwrap(), b"pong");
    // Nothing more to read: want-read, not EOF, until the peer closes.
    assert_eq!(
        common::describe_error(&client.read(100).unwrap_err()),
        "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)"
    );
    // Clean shutdown both ways.
    assert!(client.unwrap().unwrap_err().is_want_read());
    pump(&c_out, &s_in);
    assert_eq!(server.read(100).unwrap(), b"");
    server.unwrap().unwrap();
    pump(&s_out, &c_in);
    client.unwrap().unwrap();
}

#[test]
fn first_handshake_step_queues_the_client_hello_as_cpython_does() {
    let ctx = ssl::create_default_context().unwrap();
    let (incoming, outgoing) = (
        ssl::MemoryBIO::new().unwrap(),
        ssl::MemoryBIO::new().unwrap(),
    );
    let mut obj = ctx
        .wrap_bio(
            &incoming,
            &outgoing,
            ssl::WrapBio {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let err = obj.do_handshake().unwrap_err();
    let ours = format!("{}\n{}", common::describe_error(&err), outgoing.pending());
    incoming.write_eof();
    let eof = common::describe_error(&obj.do_handshake().unwrap_err());
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import ssl
ctx = ssl.create_default_context()
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
try:
    obj.do_handshake()
except Exception as e:
    print(describe_error(e)); print(outgoing.pending)
incoming.write_eof()
try:
    obj.do_handshake()
except Exception as e:
    print(describe_error(e))
"#
    );
    // 3.5 sends a bigger ClientHello (a post-quantum key share): lengths differ by version.
    let ours: Vec<String> = format!("{ours}\n{eof}").lines().map(String::from).collect();
    common::assert_outcomes_eq("first handshake steps", &ours, &common::py313(&code, &[]));
}

#[test]
fn an_object_talks_to_a_cpython_server_through_a_driven_loop() {
    let code = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
with socket.create_server(("127.0.0.1", 0)) as srv:
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
        s.sendall(s.recv(100).upper())
        print(s.version(), repr(s.cipher()), flush=True)
"#;
    let mut child = common::python313()
        .args([
            "-c",
            code,
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
        ])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let mut tcp = TcpStream::connect(("127.0.0.1", line.trim().parse::<u16>().unwrap())).unwrap();

    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let (incoming, outgoing) = (
        ssl::MemoryBIO::new().unwrap(),
        ssl::MemoryBIO::new().unwrap(),
    );
    let mut obj = ctx
        .wrap_bio(
            &incoming,
            &outgoing,
            ssl::WrapBio {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    // The loop an event-driven program runs: try, flush what OpenSSL queued, feed what arrives.
    let mut buf = [0u8; 16384];
    let mut drive =
        |obj: &mut ssl::SSLObject,
         tcp: &mut TcpStream,
         step: &mut dyn FnMut(&mut ssl::SSLObject) -> pyssl::Result<bool>| loop {
            let done = match step(obj) {
                Ok(done) => done,
                Err(e) if e.is_want_read() => false,
                Err(e) => panic!("{e}"),
            };
            tcp.write_all(&outgoing.read(-1).unwrap()).unwrap();
            if done {
                return;
            }
            let n = tcp.read(&mut buf).unwrap();
            assert!(n > 0, "server closed");
            incoming.write(&buf[..n]).unwrap();
        };
    drive(&mut obj, &mut tcp, &mut |o| o.do_handshake().map(|_| true));
    obj.write(b"hello over bios").unwrap();
    let mut reply = Vec::new();
    drive(&mut obj, &mut tcp, &mut |o| {
        reply.extend(o.read(100)?);
        Ok(reply.len() >= 15)
    });
    assert_eq!(reply, b"HELLO OVER BIOS");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        rest.trim(),
        format!("{} {}", obj.version().unwrap(), obj.cipher().py_repr())
    );
}
