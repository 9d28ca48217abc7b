//! A failed `wrap_socket` leaves the caller's socket as Python leaves it (`ssl::SockArg`): the
//! argument checks made before Python's `wrap_socket` detaches the socket leave it usable,
//! anything later leaves it detached. For each kind of failure, CPython and pyssl run the same
//! program and print what the socket is afterwards: `fileno()`, `repr()`, a plain `send` and
//! `recv` on it.

mod common;

use std::thread;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{socket, ssl};

/// The cases, in the order both programs run them.
const CASES: [&str; 8] = [
    "wrapped",
    "server_side with server_hostname",
    "check_hostname without server_hostname",
    "datagram socket",
    "closed socket",
    "server_hostname IDNA cannot encode",
    "non-blocking with do_handshake_on_connect",
    "handshake fails",
];

/// The module-level 3.11 `ssl.wrap_socket` cases.
const LEGACY_CASES: [&str; 5] = [
    "server_side without certfile",
    "keyfile without certfile",
    "certfile missing",
    "datagram socket",
    "handshake fails",
];

const PY_PROGRAM: &str = r#"
import socket, ssl, sys, threading
cert, key, ca, legacy = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == 'legacy'

def tls_peer(peer):
    def serve():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        try:
            with ctx.wrap_socket(peer, server_side=True) as conn:
                conn.recv(10)
        except OSError:
            pass
    t = threading.Thread(target=serve)
    t.start()
    return t

def pair(case):
    if case == 'datagram socket':
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(('127.0.0.1', 0))
        u.connect(u.getsockname())
        return u, u
    a, b = socket.socketpair()
    if case == 'closed socket':
        a.close()
    if case == 'non-blocking with do_handshake_on_connect':
        a.setblocking(False)
    if case == 'handshake fails':
        b.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n')
    return a, b

def attempt(case, s):
    client = ssl.create_default_context(cafile=ca)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if legacy:
        kw = {'server_side without certfile': dict(server_side=True),
              'keyfile without certfile': dict(keyfile=key),
              'certfile missing': dict(certfile=cert + '.missing')}.get(case, {})
        return ssl.wrap_socket(s, **kw)
    if case == 'server_side with server_hostname':
        return server.wrap_socket(s, server_side=True, server_hostname='localhost')
    if case == 'check_hostname without server_hostname':
        return client.wrap_socket(s)
    if case == 'server_hostname IDNA cannot encode':
        return client.wrap_socket(s, server_hostname='a..b')
    return client.wrap_socket(s, server_hostname='localhost')

def report(case):
    s, peer = pair(case)
    fd = s.fileno()
    port = s.getsockname()[1] if s.family == socket.AF_INET else None
    t = tls_peer(peer) if case == 'wrapped' else None
    try:
        ssock = attempt(case, s)
        print(case + ': wrapped')
        ssock.close()
    except Exception as e:
        print(case + ': ' + describe_error(e))
    if t:
        t.join()
    print('  fileno:', 'same' if fd >= 0 and s.fileno() == fd else s.fileno())
    r = repr(s).replace('fd=%d,' % fd, 'fd=N,')
    print('  repr:', r.replace(str(port), 'PORT') if port else r)
    try:
        s.send(b'ping')
        print('  send:', peer.recv(10))
    except Exception as e:
        print('  send:', describe_error(e))
    try:
        peer.send(b'pong')
    except OSError:
        pass
    try:
        print('  recv:', s.recv(10))
    except Exception as e:
        print('  recv:', describe_error(e))
"#;

/// CPython's output for the cases.
fn theirs(legacy: bool) -> String {
    let cases = if legacy {
        &LEGACY_CASES[..]
    } else {
        &CASES[..]
    };
    let names: Vec<String> = cases.iter().map(|c| format!("'{c}'")).collect();
    let loop_ = format!("for case in [{}]:\n    report(case)\n", names.join(", "));
    let code = format!("{}{PY_PROGRAM}{loop_}", common::PY_DESCRIBE_ERROR);
    let args = [
        common::fixture_str("server.pem"),
        common::fixture_str("server.key"),
        common::fixture_str("ca.pem"),
        if legacy { "legacy" } else { "context" }.to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if legacy {
        common::run_python(common::python311(), &code, &args)
    } else {
        common::py313(&code, &args)
    }
}

/// The socket of a case and its peer (`None` when the socket talks to itself).
fn pair(case: &str) -> (socket::socket, Option<socket::socket>) {
    if case == "datagram socket" {
        let u = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
        u.bind(("127.0.0.1", 0)).unwrap();
        u.connect(u.getsockname().unwrap()).unwrap();
        return (u, None);
    }
    let (a, b) = socket::socketpair().unwrap();
    match case {
        "closed socket" => a.close().unwrap(),
        "non-blocking with do_handshake_on_connect" => a.setblocking(false).unwrap(),
        "handshake fails" => b.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n").unwrap(),
        _ => {}
    }
    (a, Some(b))
}

fn error_line(r: pyssl::Result<impl Sized>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => common::describe_error(&e),
    }
}

/// One case in pyssl, printed as the Python program prints it. `sock` is lent (`&mut`).
fn report(case: &str, legacy: bool, out: &mut String) {
    let (mut s, peer) = pair(case);
    let fd = s.fileno();
    let port = (s.family() == socket::AF_INET).then(|| s.getsockname().unwrap().port());
    let tls_peer = (case == "wrapped").then(|| {
        let peer = peer.as_ref().unwrap().dup().unwrap();
        thread::spawn(move || {
            let kw = ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            };
            if let Ok(mut conn) = common::server_context().wrap_socket(peer, kw) {
                let _ = conn.recv(10);
            }
        })
    });
    let ca = common::fixture_str("ca.pem");
    let result = if legacy {
        let (cert, key) = (
            common::fixture_str("server.pem"),
            common::fixture_str("server.key"),
        );
        let missing = format!("{cert}.missing");
        let kw = match case {
            "server_side without certfile" => ssl::WrapSocketArgs {
                server_side: true,
                ..Default::default()
            },
            "keyfile without certfile" => ssl::WrapSocketArgs {
                keyfile: Some(&key),
                ..Default::default()
            },
            "certfile missing" => ssl::WrapSocketArgs {
                certfile: Some(&missing),
                ..Default::default()
            },
            _ => Default::default(),
        };
        #[allow(deprecated)]
        ssl::wrap_socket(&mut s, kw)
    } else {
        let client = ssl::create_default_context_with(ssl::CreateDefaultContext {
            cafile: Some(&ca),
            ..Default::default()
        })
        .unwrap();
        let server = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let hostname = |h| ssl::WrapSocket {
            server_hostname: Some(h),
            ..Default::default()
        };
        match case {
            "server_side with server_hostname" => server.wrap_socket(
                &mut s,
                ssl::WrapSocket {
                    server_side: true,
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            ),
            "check_hostname without server_hostname" => {
                client.wrap_socket(&mut s, Default::default())
            }
            "server_hostname IDNA cannot encode" => client.wrap_socket(&mut s, hostname("a..b")),
            _ => client.wrap_socket(&mut s, hostname("localhost")),
        }
    };
    match result {
        Ok(ssock) => {
            out.push_str(&format!("{case}: wrapped\n"));
            ssock.close().unwrap();
        }
        Err(e) => out.push_str(&format!("{case}: {}\n", common::describe_error(&e))),
    }
    if let Some(t) = tls_peer {
        t.join().unwrap();
    }
    let fileno = if fd >= 0 && s.fileno() == fd {
        "same".to_string()
    } else {
        s.fileno().to_string()
    };
    out.push_str(&format!("  fileno: {fileno}\n"));
    let r = s.py_repr().replace(&format!("fd={fd},"), "fd=N,");
    let r = match port {
        Some(p) => r.replace(&p.to_string(), "PORT"),
        None => r,
    };
    out.push_str(&format!("  repr: {r}\n"));
    let peer = peer.as_ref().unwrap_or(&s);
    let sent = s.send(b"ping").and_then(|_| peer.recv(10));
    out.push_str(&match sent {
        Ok(data) => format!("  send: {}\n", PyBytes(&data).py_repr()),
        Err(e) => format!("  send: {}\n", error_line(Err::<(), _>(e))),
    });
    let _ = peer.send(b"pong");
    out.push_str(&match s.recv(10) {
        Ok(data) => format!("  recv: {}\n", PyBytes(&data).py_repr()),
        Err(e) => format!("  recv: {}\n", error_line(Err::<(), _>(e))),
    });
}

fn ours(legacy: bool) -> String {
    let cases = if legacy {
        &LEGACY_CASES[..]
    } else {
        &CASES[..]
    };
    let mut out = String::new();
    for case in cases {
        report(case, legacy, &mut out);
    }
    out
}

#[test]
fn a_failed_wrap_leaves_the_socket_as_cpython_leaves_it() {
    let theirs = theirs(false);
    // The argument checks leave the socket usable; the rest leave it detached.
    assert!(
        theirs.contains("check_hostname without server_hostname: ValueError|None|-|-|-|-|check_hostname requires server_hostname\n  fileno: same\n"),
        "{theirs}"
    );
    assert!(
        theirs.contains("handshake fails: SSLError|1|'SSL'|'WRONG_VERSION_NUMBER'|None|None|[SSL: WRONG_VERSION_NUMBER] wrong version number\n  fileno: -1\n"),
        "{theirs}"
    );
    // Both through the same rewrite: off OpenSSL 3.0 only the wording may differ.
    assert_eq!(
        common::oracle_as_linked(&ours(false)),
        common::oracle_as_linked(&theirs)
    );
}

#[test]
fn a_failed_module_level_wrap_socket_leaves_the_socket_as_cpython_311_leaves_it() {
    let theirs = theirs(true);
    assert!(
        theirs.contains("certfile missing: FileNotFoundError|2|"),
        "{theirs}"
    );
    assert_eq!(
        common::oracle_as_linked(&ours(true)),
        common::oracle_as_linked(&theirs)
    );
}

#[test]
fn any_socket_keeps_its_plain_socket_after_a_failed_argument_check() {
    let (a, b) = socket::socketpair().unwrap();
    let mut sock = ssl::AnySocket::from(a);
    let ctx = ssl::create_default_context().unwrap();
    let err = sock.wrap_socket(&ctx, Default::default()).unwrap_err();
    assert_eq!(err.to_string(), "check_hostname requires server_hostname");
    use pyssl::socket::SocketLike;
    sock.sendall(b"still plain").unwrap();
    assert_eq!(b.recv(64).unwrap(), b"still plain");
}
