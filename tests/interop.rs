//! Interoperability with real CPython on loopback: a Python `ssl` server accepts the pyssl
//! client, a pyssl server accepts a Python `ssl` client, and both ends see the same version,
//! cipher and peer certificate (the dicts compared with CPython's own decoding).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// `repr(_ssl._test_decode_cert(path))` from CPython 3.13.
fn python_decoding(fixture: &str) -> String {
    common::py313(
        "import _ssl, sys; print(repr(_ssl._test_decode_cert(sys.argv[1])))",
        &[&common::fixture_str(fixture)],
    )
    .trim_end()
    .to_string()
}

fn spawn_python(code: &str, args: &[&str]) -> Child {
    common::python313()
        .arg("-c")
        .arg(code)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 3.13 runs")
}

const PY_SERVER: &str = r#"
import socket, ssl, sys
certfile, keyfile, cafile, max_version = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(certfile, keyfile)
ctx.load_verify_locations(cafile)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.maximum_version = getattr(ssl.TLSVersion, max_version)
with socket.create_server(('127.0.0.1', 0)) as srv:
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
        data = s.recv(1024)
        s.sendall(data.upper())
        print(s.version())
        print(repr(s.cipher()))
        print(repr(s.getpeercert()))
"#;

fn rust_client_to_python_server(max_version: &str) {
    let mut child = spawn_python(
        PY_SERVER,
        &[
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
            &common::fixture_str("ca.pem"),
            max_version,
        ],
    );
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut port = String::new();
    out.read_line(&mut port).unwrap();
    let port: u16 = port.trim().parse().expect("python prints its port");

    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    ctx.load_cert_chain(
        common::fixture("client.pem"),
        common::fixture_str("client.key").as_str(),
    )
    .unwrap();
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    ssock.sendall(b"hello from rust").unwrap();
    let mut reply = Vec::new();
    while reply.len() < 15 {
        let chunk = ssock.recv(1024).unwrap();
        assert!(!chunk.is_empty(), "server closed early");
        reply.extend(chunk);
    }
    assert_eq!(reply, b"HELLO FROM RUST");
    let ours = [
        ssock.version().unwrap(),
        ssock.cipher().py_repr(),
        ssock.getpeercert(false).unwrap().py_repr(),
    ];
    ssock.close().unwrap();

    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    let theirs: Vec<&str> = rest.lines().collect();
    assert_eq!(ours[0], theirs[0], "version");
    assert_eq!(ours[1], theirs[1], "cipher");
    assert_eq!(
        ours[2],
        python_decoding("server.pem"),
        "server certificate seen by pyssl"
    );
    assert_eq!(
        theirs[2],
        python_decoding("client.pem"),
        "client certificate seen by CPython"
    );
    let expected = if max_version == "TLSv1_2" {
        "TLSv1.2"
    } else {
        "TLSv1.3"
    };
    assert_eq!(ours[0], expected);
}

#[test]
fn rust_client_python_server_tls13() {
    rust_client_to_python_server("TLSv1_3");
}

#[test]
fn rust_client_python_server_tls12() {
    rust_client_to_python_server("TLSv1_2");
}

const PY_CLIENT: &str = r#"
import socket, ssl, sys
port, cafile, certfile, keyfile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
ctx.load_cert_chain(certfile, keyfile)
with socket.create_connection(('127.0.0.1', port)) as sock:
    with ctx.wrap_socket(sock, server_hostname='localhost') as s:
        s.sendall(b'hello from python')
        data = b''
        while len(data) < 17:
            data += s.recv(1024)
        print(data.decode())
        print(s.version())
        print(repr(s.cipher()))
        print(repr(s.getpeercert()))
"#;

#[test]
fn python_client_rust_server() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture("server.pem"),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    ctx.set_verify_mode(ssl::CERT_REQUIRED).unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = ctx
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    let handle = thread::spawn(move || {
        let (mut conn, _addr) = server.accept().unwrap();
        let data = conn.recv(1024).unwrap();
        conn.sendall(&data.to_ascii_uppercase()).unwrap();
        let seen = [
            conn.version().unwrap(),
            conn.cipher().py_repr(),
            conn.getpeercert(false).unwrap().py_repr(),
        ];
        // Wait for the client to finish reading before closing.
        let _ = conn.recv(1);
        seen
    });
    let out = common::py313(
        PY_CLIENT,
        &[
            &port.to_string(),
            &common::fixture_str("ca.pem"),
            &common::fixture_str("client.pem"),
            &common::fixture_str("client.key"),
        ],
    );
    let ours = handle.join().unwrap();
    let theirs: Vec<&str> = out.lines().collect();
    assert_eq!(theirs[0], "HELLO FROM PYTHON");
    assert_eq!(ours[0], theirs[1], "version");
    assert_eq!(ours[1], theirs[2], "cipher");
    assert_eq!(
        ours[2],
        python_decoding("client.pem"),
        "client certificate seen by pyssl"
    );
    assert_eq!(
        theirs[3],
        python_decoding("server.pem"),
        "server certificate seen by CPython"
    );
}
