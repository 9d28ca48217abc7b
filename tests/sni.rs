//! Server Name Indication: the server's `sni_callback` sees the name the client sent, switches
//! the certificate by name, or refuses with an alert; each scenario compared with CPython 3.13
//! running the same server and client.

mod common;

use std::sync::{Arc, Mutex};
use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

fn context(cert: &str, key: &str) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(common::fixture(cert), common::fixture_str(key).as_str())
        .unwrap();
    ctx
}

/// One line for a client's or server's outcome: the peer certificate's common name, or the error.
fn outcome(result: pyssl::Result<String>) -> String {
    match result {
        Ok(s) => s,
        Err(e) => common::describe_error(&e),
    }
}

fn common_name(ssock: &ssl::SSLSocket) -> pyssl::Result<String> {
    let cert = ssock.getpeercert(false)?.and_then(|c| c.as_dict().cloned());
    Ok(cert.map_or("no certificate".into(), |c| c.subject.py_repr()))
}

/// A pyssl server whose callback runs `scenario`; returns its port, the names its callback saw
/// and its outcome.
fn pyssl_server(
    scenario: &'static str,
) -> (u16, Arc<Mutex<Vec<String>>>, thread::JoinHandle<String>) {
    let ctx = context("server.pem", "server.key");
    let other = context("wronghost.pem", "wronghost.key");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_by_callback = seen.clone();
    ctx.set_sni_callback(
        move |conn: &mut ssl::SNIConnection, name: Option<&str>, _ctx: &ssl::SSLContext| {
            seen_by_callback.lock().unwrap().push(name.py_repr());
            match scenario {
                "switch" if name == Some("wrong.example.org") => {
                    conn.set_context(&other).map(|_| None)
                }
                "switch" => Ok(None),
                "deny" => Ok(Some(ssl::ALERT_DESCRIPTION_ACCESS_DENIED)),
                _ => Err(pyssl::Error::value("callback failed on purpose")),
            }
        },
    )
    .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(5).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        let mut results = Vec::new();
        for _ in 0..2 {
            let (conn, _) = listener.accept().unwrap();
            let wrapped = ctx.wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            );
            results.push(outcome(wrapped.map(|mut s| {
                let _ = s.recv(1);
                "handshake done".to_string()
            })));
        }
        results.join("\n")
    });
    (port, seen, handle)
}

fn pyssl_client(port: u16, hostname: &str) -> String {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some(hostname),
                ..Default::default()
            },
        )
        .unwrap();
    outcome(ssock.connect(("127.0.0.1", port)).and_then(|_| {
        let name = common_name(&ssock);
        ssock.sendall(b"x")?;
        name
    }))
}

/// CPython: the same server and a client in one process; then a CPython client for `port`.
const PY: &str = r#"
import socket, ssl, sys, threading
fixtures, scenario, hostname, rust_port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.unraisablehook = lambda u: None
def ctx_for(name):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(f"{fixtures}/{name}.pem", f"{fixtures}/{name}.key")
    return c
ctx, other, seen = ctx_for("server"), ctx_for("wronghost"), []
def cb(sock, name, c):
    seen.append(name)
    if scenario == "switch":
        if name == "wrong.example.org":
            sock.context = other
        return None
    if scenario == "deny":
        return ssl.ALERT_DESCRIPTION_ACCESS_DENIED
    raise ValueError("callback failed on purpose")
ctx.sni_callback = cb
server_result = []
srv = socket.create_server(("127.0.0.1", 0))
def serve():
    conn, _ = srv.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        s.recv(1)
        server_result.append("handshake done")
    except Exception as e:
        server_result.append(describe_error(e))
t = threading.Thread(target=serve); t.start()
def client(port):
    cctx = ssl.create_default_context(cafile=f"{fixtures}/ca.pem")
    s = cctx.wrap_socket(socket.socket(), server_hostname=hostname)
    try:
        s.connect(("127.0.0.1", port))
        cert = s.getpeercert()
        s.sendall(b"x")
        return repr(cert["subject"])
    except Exception as e:
        return describe_error(e)
print(client(srv.getsockname()[1]))
t.join()
print(server_result[0])
print(seen)
print(client(rust_port))
"#;

fn scenario(name: &'static str, hostname: &str) {
    let (port, seen, server) = pyssl_server(name);
    let ours_client = pyssl_client(port, hostname);
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY);
    let fixtures = common::fixture_str("");
    let out = common::py313(
        &code,
        &[
            fixtures.trim_end_matches('/'),
            name,
            hostname,
            &port.to_string(),
        ],
    );
    let out = common::oracle_as_linked(&out);
    let theirs: Vec<&str> = out.lines().collect();
    let ours_server = server.join().unwrap();
    let ours_server: Vec<&str> = ours_server.lines().collect();
    assert_eq!(
        ours_client, theirs[0],
        "{name}: pyssl client vs CPython client"
    );
    assert_eq!(
        ours_server[0], theirs[1],
        "{name}: pyssl server vs CPython server"
    );
    assert_eq!(
        ours_server[1], theirs[1],
        "{name}: pyssl server with a CPython client"
    );
    assert_eq!(
        theirs[3], theirs[0],
        "{name}: CPython client against the pyssl server"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(
        format!("[{}]", seen[..1].join(", ")),
        theirs[2],
        "{name}: names seen"
    );
}

#[test]
fn sni_switches_the_certificate_by_name() {
    scenario("switch", "wrong.example.org");
    scenario("switch", "localhost");
}

#[test]
fn sni_callback_sees_no_name_for_an_ip_address() {
    scenario("switch", "127.0.0.1");
}

#[test]
fn sni_callback_refuses_with_an_alert() {
    scenario("deny", "localhost");
}

#[test]
fn sni_callback_failure_is_a_handshake_failure() {
    scenario("fail", "localhost");
}

#[test]
fn sni_callback_setter_rules() {
    let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let err = client
        .set_sni_callback(
            |_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| Ok(None),
        )
        .unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "ValueError|None|-|-|-|-|sni_callback cannot be set on TLS_CLIENT context"
    );
    let server = context("server.pem", "server.key");
    assert!(server.sni_callback().is_none());
    server
        .set_servername_callback(
            |_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| Ok(None),
        )
        .unwrap();
    assert!(server.sni_callback().is_some());
    server.set_sni_callback(None).unwrap();
    assert!(server.sni_callback().is_none());
}
