//! The methods Python's `SSLSocket` inherits from `socket.socket` (timeouts, options, names,
//! `get_inheritable`/`set_inheritable`, `bind`/`listen`, `detach`), now delegated by name
//! instead of through `Deref`, compared call for call with CPython 3.13 on the same kind of
//! connection.

mod common;

use std::thread;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{socket, ssl};

/// A TLS server on loopback for `n` connections: each is handshaken, sent `hello`, then held
/// until the client goes (or `hold` seconds pass).
fn hello_server(n: usize, hold: f64) -> (u16, thread::JoinHandle<()>) {
    let (port, listener) = common::tls_listener(n as i32);
    let handle = thread::spawn(move || {
        let workers: Vec<_> = (0..n)
            .map(|_| {
                let (mut conn, _) = listener.accept().unwrap();
                thread::spawn(move || {
                    conn.sendall(b"hello").unwrap();
                    conn.settimeout(Some(hold)).unwrap();
                    while matches!(conn.recv(1024), Ok(data) if !data.is_empty()) {}
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    });
    (port, handle)
}

fn client(port: u16) -> ssl::SSLSocket {
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    common::client_context().wrap_socket(sock, kw).unwrap()
}

fn outcome(r: pyssl::Result<String>) -> String {
    match r {
        Ok(v) => v,
        Err(e) => common::describe_error(&e),
    }
}

fn timeout_repr(t: Option<f64>) -> String {
    t.map_or("None".into(), |t| format!("{t:?}"))
}

/// `fd=5` and port numbers differ between the processes.
fn normalise(line: &str, s: &ssl::SSLSocket) -> String {
    let mut line = line.replace(&format!("fd={}", s.fileno()), "fd=N");
    for addr in [s.getsockname(), s.getpeername()].into_iter().flatten() {
        line = line.replace(&format!(", {})", addr.port()), ", P)");
    }
    line
}

const PY_PRELUDE: &str = r#"
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context(cafile=sys.argv[2])
def client():
    return ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
def outcome(f):
    try:
        return f()
    except Exception as e:
        return describe_error(e)
def normalise(line, s):
    line = line.replace(f'fd={s.fileno()}', 'fd=N')
    for name in (s.getsockname, s.getpeername):
        try:
            line = line.replace(f', {name()[1]})', ', P)')
        except OSError:
            pass
    return line
"#;

fn python(code: &str, port: u16) -> Vec<String> {
    let code = format!("{}{PY_PRELUDE}{code}", common::PY_DESCRIBE_ERROR);
    common::py313(&code, &[&port.to_string(), &common::fixture_str("ca.pem")])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn inherited_methods_of_a_live_sslsocket_answer_as_cpythons() {
    let (port, server) = hello_server(2, 10.0);
    let mut s = client(port);
    let mut ours = Vec::new();
    let mut line = |l: String| ours.push(l);
    line(format!("{} {} {}", s.family(), s.type_(), s.proto()));
    line((s.fileno() >= 0).py_repr());
    line(format!(
        "{} {}",
        timeout_repr(s.gettimeout()),
        s.getblocking().py_repr()
    ));
    s.settimeout(Some(2.5)).unwrap();
    line(format!(
        "{} {}",
        timeout_repr(s.gettimeout()),
        s.getblocking().py_repr()
    ));
    s.setblocking(false).unwrap();
    line(format!(
        "{} {}",
        timeout_repr(s.gettimeout()),
        s.getblocking().py_repr()
    ));
    thread::sleep(std::time::Duration::from_millis(200));
    // Python: ssock.recv(1) on a non-blocking socket: the hello is there, then nothing is.
    line(outcome(s.recv(5).map(|b| PyBytes(&b).py_repr())));
    line(outcome(s.recv(1).map(|b| PyBytes(&b).py_repr())));
    s.settimeout(Some(0.2)).unwrap();
    line(outcome(s.recv(1).map(|b| PyBytes(&b).py_repr())));
    s.setblocking(true).unwrap();
    line(format!(
        "{} {}",
        timeout_repr(s.gettimeout()),
        s.getblocking().py_repr()
    ));
    line(outcome(s.settimeout(Some(-1.0)).map(|_| "None".into())));
    line(outcome(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_TYPE)
            .map(|n| n.py_repr()),
    ));
    line(outcome(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)
            .map(|n| n.py_repr()),
    ));
    s.setsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE, 1)
        .unwrap();
    line(outcome(
        s.getsockopt_bytes(socket::SOL_SOCKET, socket::SO_KEEPALIVE, 4)
            .map(|b| PyBytes(&b).py_repr()),
    ));
    s.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_KEEPALIVE, &[0; 4])
        .unwrap();
    line(outcome(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)
            .map(|n| n.py_repr()),
    ));
    line(outcome(
        s.getsockopt_bytes(socket::SOL_SOCKET, socket::SO_KEEPALIVE, 1025)
            .map(|b| PyBytes(&b).py_repr()),
    ));
    line(outcome(s.get_inheritable().map(|b| b.py_repr())));
    s.set_inheritable(true).unwrap();
    line(outcome(s.get_inheritable().map(|b| b.py_repr())));
    s.set_inheritable(false).unwrap();
    line(outcome(s.get_inheritable().map(|b| b.py_repr())));
    line(s.getsockname().unwrap().host().py_repr());
    line((s.getpeername().unwrap().port() == port).py_repr());
    line(normalise(&s.py_repr(), &s));
    line(outcome(s.dup().map(|_| "dup".into())));
    s.close().unwrap();

    let theirs = python(
        r#"
s = client()
print(int(s.family), int(s.type), s.proto)
print(s.fileno() >= 0)
print(s.gettimeout(), s.getblocking())
s.settimeout(2.5); print(s.gettimeout(), s.getblocking())
s.setblocking(False); print(s.gettimeout(), s.getblocking())
import time; time.sleep(0.2)
print(outcome(lambda: repr(s.recv(5))))
print(outcome(lambda: repr(s.recv(1))))
s.settimeout(0.2); print(outcome(lambda: repr(s.recv(1))))
s.setblocking(True); print(s.gettimeout(), s.getblocking())
print(outcome(lambda: repr(s.settimeout(-1))))
print(outcome(lambda: repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))))
print(outcome(lambda: repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))))
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
print(outcome(lambda: repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 4))))
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, bytes(4))
print(outcome(lambda: repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))))
print(outcome(lambda: repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1025))))
print(outcome(lambda: repr(s.get_inheritable())))
s.set_inheritable(True); print(outcome(lambda: repr(s.get_inheritable())))
s.set_inheritable(False); print(outcome(lambda: repr(s.get_inheritable())))
print(repr(s.getsockname()[0]))
print(s.getpeername()[1] == port)
print(normalise(repr(s), s))
print(outcome(lambda: s.dup() and 'dup'))
s.close()
"#,
        port,
    );
    server.join().unwrap();
    assert_eq!(ours, theirs);
    // The rows that show the timeout reaching the TLS layer.
    assert_eq!(
        ours[6],
        "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)"
    );
    assert_eq!(
        ours[7],
        "TimeoutError|None|-|-|-|-|The read operation timed out"
    );
}

#[test]
fn detach_on_an_sslsocket_is_pythons_socket_detach() {
    // Our end of the detached descriptor stays open: the server stops waiting after 3 s.
    let (port, server) = hello_server(2, 3.0);
    let mut s = client(port);
    // Let the server's hello arrive, so that what CPython reads after detach is defined.
    s.settimeout(Some(5.0)).unwrap();
    thread::sleep(std::time::Duration::from_millis(200));
    let before = s.fileno();
    let target = std::fs::read_link(format!("/proc/self/fd/{before}")).unwrap();
    let fd = s.detach();
    let mut ours = vec![
        (fd == before).py_repr(),
        s.fileno().py_repr(),
        s.py_repr(),
        s.cipher().py_repr(),
        s.version().py_repr(),
        s.pending().py_repr(),
        outcome(s.getpeercert(false).map(|c| c.is_some().py_repr())),
        s.session().is_some().py_repr(),
        s.get_verified_chain().len().py_repr(),
        s.server_hostname().py_repr(),
        format!(
            "{} {}",
            timeout_repr(s.gettimeout()),
            s.getblocking().py_repr()
        ),
        outcome(s.do_handshake().map(|_| "None".into())),
        outcome(s.unwrap().map(|_| "unwrapped".into())),
        outcome(s.getpeername().map(|a| a.py_repr())),
        s.detach().py_repr(),
    ];
    // Where pyssl differs: CPython goes on reading TLS records from the descriptor it handed
    // away; pyssl no longer touches it, and says so as CPython does when, waiting, it finds
    // the descriptor gone (a one-argument `SSLError`, whose `str()` is its args tuple).
    let recv_after_detach = outcome(s.recv(3).map(|b| PyBytes(&b).py_repr()));
    assert_eq!(
        recv_after_detach,
        "SSLError|None|None|None|None|None|('Underlying socket has been closed.',)"
    );
    assert_eq!(
        outcome(s.sendall(b"x").map(|_| "None".into())),
        "SSLError|None|None|None|None|None|('Underlying socket has been closed.',)"
    );
    s.close().unwrap();
    ours.push(format!("{} {}", s.cipher().py_repr(), s.fileno()));
    // The descriptor is the caller's now, still open. (It stays open until the process exits:
    // adopting a raw descriptor takes `unsafe`, which these tests do not use.)
    assert_eq!(
        std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap(),
        target
    );

    let theirs = python(
        r#"
s = client()
s.settimeout(5.0)
import time; time.sleep(0.2)
before = s.fileno()
fd = s.detach()
print(fd == before)
print(s.fileno())
print(repr(s))
print(s.cipher())
print(repr(s.version()))
print(s.pending())
print(outcome(lambda: repr(s.getpeercert() is not None)))
print(s.session is not None)
print(len(s.get_verified_chain()))
print(repr(s.server_hostname))
print(s.gettimeout(), s.getblocking())
print(outcome(lambda: repr(s.do_handshake())))
print(outcome(lambda: s.unwrap() and 'unwrapped'))
print(outcome(lambda: repr(s.getpeername())))
print(s.detach())
recv = outcome(lambda: repr(s.recv(3)))
s.close()
print(s.cipher(), s.fileno())
print(recv)
socket.socket(fileno=fd).close()
"#,
        port,
    );
    server.join().unwrap();
    assert_eq!(theirs.last().map(String::as_str), Some("b'hel'"));
    assert_eq!(ours, theirs[..theirs.len() - 1]);
    assert_eq!(ours[3], "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)");
    assert_eq!(
        ours[12],
        "SSLError|0|None|None|None|None|Underlying socket connection gone"
    );
}

#[test]
fn get_inheritable_and_set_inheritable_as_cpython() {
    let mut ours = Vec::new();
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    ours.push(s.get_inheritable().unwrap().py_repr());
    s.set_inheritable(true).unwrap();
    ours.push(s.get_inheritable().unwrap().py_repr());
    // A duplicate is never inheritable; the original keeps its flag.
    let d = s.dup().unwrap();
    ours.push(format!(
        "{} {}",
        d.get_inheritable().unwrap().py_repr(),
        s.get_inheritable().unwrap().py_repr()
    ));
    s.set_inheritable(false).unwrap();
    ours.push(s.get_inheritable().unwrap().py_repr());
    let (a, b) = socket::socketpair().unwrap();
    ours.push(format!(
        "{} {}",
        a.get_inheritable().unwrap().py_repr(),
        b.get_inheritable().unwrap().py_repr()
    ));
    // Wrapping keeps the descriptor, and so its flag.
    a.set_inheritable(true).unwrap();
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        do_handshake_on_connect: false,
        ..Default::default()
    };
    let wrapped = common::client_context().wrap_socket(a, kw).unwrap();
    ours.push(wrapped.get_inheritable().unwrap().py_repr());

    let theirs = common::py313(
        r#"
import socket, ssl, sys
s = socket.socket()
print(s.get_inheritable())
s.set_inheritable(True); print(s.get_inheritable())
d = s.dup(); print(d.get_inheritable(), s.get_inheritable())
s.set_inheritable(False); print(s.get_inheritable())
a, b = socket.socketpair(); print(a.get_inheritable(), b.get_inheritable())
a.set_inheritable(True)
ctx = ssl.create_default_context(cafile=sys.argv[1])
w = ctx.wrap_socket(a, server_hostname='localhost', do_handshake_on_connect=False)
print(w.get_inheritable())
"#,
        &[&common::fixture_str("ca.pem")],
    );
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(
        ours,
        [
            "False",
            "True",
            "False True",
            "False",
            "False False",
            "True"
        ]
    );
}

#[test]
fn a_wrapped_socket_binds_listens_and_accepts_as_in_python() {
    // Python: ssock = ctx.wrap_socket(socket.socket(), server_side=True)
    //         ssock.bind(('127.0.0.1', 0)); ssock.listen(); conn, addr = ssock.accept()
    let kw = ssl::WrapSocket {
        server_side: true,
        ..Default::default()
    };
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let ssock = common::server_context().wrap_socket(sock, kw).unwrap();
    ssock.bind(("127.0.0.1", 0)).unwrap();
    ssock.listen(None).unwrap();
    ssock.settimeout(Some(10.0)).unwrap();
    assert!(ssock.getblocking());
    let port = ssock.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (mut conn, addr) = ssock.accept().unwrap();
        let line = conn.recv(1024).unwrap();
        conn.sendall(&[b"echo: ", &line[..]].concat()).unwrap();
        (addr.host().to_string(), conn.version())
    });
    let theirs = python(
        r#"
s = client()
s.sendall(b'ping')
print(s.recv(1024), s.version())
"#,
        port,
    );
    let (peer_host, version) = server.join().unwrap();
    assert_eq!(theirs, ["b'echo: ping' TLSv1.3"]);
    assert_eq!(
        (peer_host.as_str(), version.as_deref()),
        ("127.0.0.1", Some("TLSv1.3"))
    );
}
