//! `[LIB: REASON]` names come from CPython 3.13's compiled table, not from OpenSSL: a reason
//! OpenSSL knows but that table lacks prints as `[SSL] text` with `reason` None, exactly as
//! CPython 3.13 prints it. Compared with CPython doing the same over loopback.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use pyssl::{socket, ssl};

/// Fatal alerts a peer sends instead of a ServerHello: three CPython's table names
/// (handshake failure, unknown CA, protocol version), two only OpenSSL names (unknown PSK
/// identity, no application protocol), and one nobody names (99).
const ALERTS: [u8; 6] = [40, 48, 70, 115, 120, 99];

/// A peer on 127.0.0.1 that answers the ClientHello with a fatal `alert` and waits for EOF.
fn alerting_peer(alert: u8) -> (u16, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut hello = [0u8; 4096];
        let _ = conn.read(&mut hello).unwrap();
        conn.write_all(&[21, 3, 3, 0, 2, 2, alert]).unwrap();
        let _ = conn.read(&mut hello);
    });
    (port, peer)
}

fn pyssl_client_sees(alert: u8) -> String {
    let (port, peer) = alerting_peer(alert);
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let outcome = common::client_context().wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    );
    peer.join().unwrap();
    match outcome {
        Ok(_) => "handshake succeeded".to_string(),
        Err(e) => common::describe_error(&e),
    }
}

const PY_ALERTS: &str = r#"
import socket, ssl, sys, threading
def peer(srv, alert):
    conn, _ = srv.accept()
    conn.recv(4096)
    conn.sendall(bytes([21, 3, 3, 0, 2, 2, alert]))
    try:
        conn.recv(4096)
    except OSError:
        pass
    conn.close()
ctx = ssl.create_default_context(cafile=sys.argv[1])
for alert in map(int, sys.argv[2:]):
    srv = socket.create_server(("127.0.0.1", 0))
    t = threading.Thread(target=peer, args=(srv, alert)); t.start()
    try:
        ctx.wrap_socket(socket.create_connection(srv.getsockname()), server_hostname="localhost")
        print("handshake succeeded")
    except Exception as e:
        print(describe_error(e))
    t.join(); srv.close()
"#;

#[test]
fn received_alerts_are_named_as_cpython_names_them() {
    let ours: Vec<String> = ALERTS.iter().map(|&a| pyssl_client_sees(a)).collect();
    let code = format!("{}{PY_ALERTS}", common::PY_DESCRIBE_ERROR);
    let ca = common::fixture_str("ca.pem");
    let alerts: Vec<String> = ALERTS.iter().map(u8::to_string).collect();
    let mut args = vec![ca.as_str()];
    args.extend(alerts.iter().map(String::as_str));
    let theirs = common::oracle_as_linked(&common::py313(&code, &args));
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours, theirs);
    // 1.1.1 has no reason string for the last three: `[SSL] unknown error` there.
    let expected = [
        "SSLError|1|'SSL'|'TLSV1_ALERT_UNKNOWN_CA'|None|None|[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca",
        "SSLError|1|'SSL'|None|None|None|[SSL] tlsv1 alert unknown psk identity",
        "SSLError|1|'SSL'|None|None|None|[SSL] tlsv1 alert no application protocol",
        "SSLError|1|'SSL'|None|None|None|[SSL] unknown error",
    ]
    .map(common::oracle_as_linked);
    assert_eq!(ours[1], expected[0]);
    assert_eq!(ours[3..], expected[1..]);
}

const KEY: &[u8] = b"0123456789abcdef";

/// TLS 1.2 PSK where the server knows no identity (its callback returns an empty key):
/// returns (client outcome, server outcome).
fn unknown_psk_identity() -> (String, String) {
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    for ctx in [&sctx, &cctx] {
        ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
        ctx.set_ciphers("PSK").unwrap();
    }
    cctx.set_psk_client_callback(|_: Option<&str>| {
        Ok((Some("stranger".to_string()), KEY.to_vec()))
    })
    .unwrap();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    sctx.set_psk_server_callback(
        move |identity: Option<&str>| {
            seen.lock().unwrap().push(identity.map(str::to_string));
            Ok(Vec::new())
        },
        None,
    )
    .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let side = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        match sctx.wrap_socket(conn, side) {
            Ok(_) => "handshake succeeded".to_string(),
            Err(e) => common::describe_error(&e),
        }
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let client = match cctx.wrap_socket(sock, ssl::WrapSocket::default()) {
        Ok(_) => "handshake succeeded".to_string(),
        Err(e) => common::describe_error(&e),
    };
    let server = server.join().unwrap();
    assert_eq!(*asked.lock().unwrap(), [Some("stranger".to_string())]);
    (client, server)
}

const PY_PSK: &str = r#"
import socket, ssl, threading
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
for c in (sctx, cctx):
    c.maximum_version = ssl.TLSVersion.TLSv1_2; c.set_ciphers("PSK")
cctx.set_psk_client_callback(lambda hint: ("stranger", b"0123456789abcdef"))
sctx.set_psk_server_callback(lambda identity: b"")
srv = socket.create_server(("127.0.0.1", 0))
out = {}
def serve():
    conn, _ = srv.accept()
    try:
        sctx.wrap_socket(conn, server_side=True); out["s"] = "handshake succeeded"
    except Exception as e:
        out["s"] = describe_error(e)
t = threading.Thread(target=serve); t.start()
try:
    cctx.wrap_socket(socket.create_connection(srv.getsockname())); out["c"] = "handshake succeeded"
except Exception as e:
    out["c"] = describe_error(e)
t.join(); srv.close()
print(out["c"]); print(out["s"])
"#;

#[test]
fn unknown_psk_identity_reads_as_cpython_on_both_sides() {
    let (client, server) = unknown_psk_identity();
    let code = format!("{}{PY_PSK}", common::PY_DESCRIBE_ERROR);
    let theirs = common::oracle_as_linked(&common::py313(&code, &[]));
    assert_eq!(format!("{client}\n{server}\n"), theirs);
    assert_eq!(
        client,
        common::oracle_as_linked(
            "SSLError|1|'SSL'|None|None|None|[SSL] tlsv1 alert unknown psk identity"
        )
    );
    assert_eq!(
        server,
        "SSLError|1|'SSL'|'PSK_IDENTITY_NOT_FOUND'|None|None|[SSL: PSK_IDENTITY_NOT_FOUND] psk identity not found"
    );
}
