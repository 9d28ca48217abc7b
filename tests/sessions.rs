//! Session resumption in TLS 1.2 and TLS 1.3, the `SSLSession` fields and the session setter's
//! errors, observed the same way with pyssl and with CPython 3.13.

mod common;

use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// A pyssl server answering `connections` clients with one byte each.
fn server(
    max: ssl::TLSVersion,
    connections: usize,
) -> (u16, ssl::SSLContext, thread::JoinHandle<()>) {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture("server.pem"),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx.set_maximum_version(max).unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(5).unwrap();
    let port = listener.getsockname().unwrap().port();
    let sctx = ctx.clone();
    let handle = thread::spawn(move || {
        for _ in 0..connections {
            let (conn, _) = listener.accept().unwrap();
            let mut s = sctx
                .wrap_socket(
                    conn,
                    ssl::WrapSocket {
                        server_side: true,
                        ..Default::default()
                    },
                )
                .unwrap();
            s.sendall(b"x").unwrap();
            let _ = s.recv(1);
        }
    });
    (port, ctx, handle)
}

fn connect(ctx: &ssl::SSLContext, port: u16, session: Option<&ssl::SSLSession>) -> ssl::SSLSocket {
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let mut s = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                session,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(s.recv(1).unwrap(), b"x");
    s
}

fn observe(max: ssl::TLSVersion) -> Vec<String> {
    let (port, sctx, handle) = server(max, 3);
    let cctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let mut first = connect(&cctx, port, None);
    let session = first.session().unwrap();
    let mut seen = vec![
        first.session_reused().py_repr(),
        session.id().len().to_string(),
        session.has_ticket().py_repr(),
        session.timeout().to_string(),
        session.ticket_lifetime_hint().to_string(),
        (session.time() > 1_600_000_000).py_repr(),
    ];
    seen.push(common::describe_error(
        &first.set_session(&session).unwrap_err(),
    ));
    first.sendall(b"y").unwrap();
    first.close().unwrap();

    let mut second = connect(&cctx, port, Some(&session));
    seen.push(second.session_reused().py_repr());
    seen.push((second.session().unwrap() == session).py_repr());
    second.sendall(b"y").unwrap();
    second.close().unwrap();

    // A session from another context is refused at connect time.
    let other = ssl::create_default_context().unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut third = other
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                session: Some(&session),
                ..Default::default()
            },
        )
        .unwrap();
    seen.push(common::describe_error(
        &third.connect(("127.0.0.1", port)).unwrap_err(),
    ));
    let mut last = connect(&cctx, port, None);
    last.sendall(b"y").unwrap();
    drop(last);
    handle.join().unwrap();
    let stats = sctx.session_stats();
    seen.push(format!(
        "{} {} {}",
        stats.accept_good, stats.hits, stats.misses
    ));
    seen
}

const PY: &str = r#"
import socket, ssl, sys, threading
fixtures, max_version = sys.argv[1], getattr(ssl.TLSVersion, sys.argv[2])
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(f"{fixtures}/server.pem", f"{fixtures}/server.key")
sctx.maximum_version = max_version
srv = socket.create_server(("127.0.0.1", 0))
port = srv.getsockname()[1]
def serve():
    for _ in range(3):
        conn, _ = srv.accept()
        with sctx.wrap_socket(conn, server_side=True) as s:
            s.sendall(b"x"); s.recv(1)
t = threading.Thread(target=serve); t.start()
cctx = ssl.create_default_context(cafile=f"{fixtures}/ca.pem")
def connect(ctx, session=None):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost", session=session)
    assert s.recv(1) == b"x"
    return s
first = connect(cctx)
session = first.session
seen = [repr(first.session_reused), str(len(session.id)), repr(session.has_ticket), str(session.timeout),
        str(session.ticket_lifetime_hint), repr(session.time > 1_600_000_000)]
try:
    first.session = session
except Exception as e:
    seen.append(describe_error(e))
first.sendall(b"y"); first.close()
second = connect(cctx, session)
seen += [repr(second.session_reused), repr(second.session == session)]
second.sendall(b"y"); second.close()
third = ssl.create_default_context().wrap_socket(socket.socket(), server_hostname="localhost", session=session)
try:
    third.connect(("127.0.0.1", port))
except Exception as e:
    seen.append(describe_error(e))
last = connect(cctx); last.sendall(b"y"); last.close()
t.join()
st = sctx.session_stats()
seen.append(f"{st['accept_good']} {st['hits']} {st['misses']}")
print("\n".join(seen))
"#;

fn compare(max: ssl::TLSVersion, name: &str) {
    let ours = observe(max);
    let code = format!("{}{PY}", common::PY_DESCRIBE_ERROR);
    let theirs = common::py313(
        &code,
        &[common::fixture_str("").trim_end_matches('/'), name],
    );
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>(), "{name}");
    assert_eq!(ours[7], "True", "{name}: the second connection resumed");
}

#[test]
fn tls12_sessions_resume_as_in_cpython() {
    compare(ssl::TLSVersion::TLSv1_2, "TLSv1_2");
}

#[test]
fn tls13_sessions_resume_as_in_cpython() {
    compare(ssl::TLSVersion::TLSv1_3, "TLSv1_3");
}

#[test]
fn sessions_are_for_clients_only() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let (port, _sctx, handle) = server(ssl::TLSVersion::TLSv1_3, 1);
    let cctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let mut c = connect(&cctx, port, None);
    let session = c.session().unwrap();
    c.sendall(b"y").unwrap();
    handle.join().unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let err = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_side: true,
                session: Some(&session),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "session can only be specified in client mode"
    );
}
