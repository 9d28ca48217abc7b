//! TLS-PSK (CPython 3.13): pre-shared keys in TLS 1.2 (with an identity hint) and TLS 1.3, a
//! wrong key, and the wrong-side errors, compared with CPython 3.13 doing the same.

mod common;

use std::sync::{Arc, Mutex};
use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

const KEY: &[u8] = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
const IDENTITY: &str = "psk-identity-é";

/// Returns (client outcome, server outcome, hints the client saw, identities the server saw).
fn run(tls13: bool, server_key: &'static [u8]) -> Vec<String> {
    let seen_hints = Arc::new(Mutex::new(Vec::new()));
    let seen_ids = Arc::new(Mutex::new(Vec::new()));
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    if tls13 {
        sctx.set_minimum_version(ssl::TLSVersion::TLSv1_3).unwrap();
        cctx.set_minimum_version(ssl::TLSVersion::TLSv1_3).unwrap();
    } else {
        for ctx in [&sctx, &cctx] {
            ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
            ctx.set_ciphers("PSK").unwrap();
        }
    }
    let hints = seen_hints.clone();
    cctx.set_psk_client_callback(Some(move |hint: Option<&str>| {
        hints
            .lock()
            .unwrap()
            .push(hint.map(str::to_string).py_repr());
        Ok((Some(IDENTITY.to_string()), KEY.to_vec()))
    }))
    .unwrap();
    let ids = seen_ids.clone();
    sctx.set_psk_server_callback(
        Some(move |identity: Option<&str>| {
            ids.lock()
                .unwrap()
                .push(identity.map(str::to_string).py_repr());
            Ok(server_key.to_vec())
        }),
        Some("server-hint"),
    )
    .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        match sctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        ) {
            Ok(mut s) => {
                let v = s.version().unwrap();
                let _ = s.sendall(b"x");
                v
            }
            Err(e) => common::describe_error(&e),
        }
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let client = match cctx.wrap_socket(sock, ssl::WrapSocket::default()) {
        Ok(mut s) => {
            let v = s.version().unwrap();
            match s.recv(1) {
                Ok(_) => v,
                Err(e) => common::describe_error(&e),
            }
        }
        Err(e) => common::describe_error(&e),
    };
    let server = server.join().unwrap();
    let hints = format!("[{}]", seen_hints.lock().unwrap().join(", "));
    let ids = format!("[{}]", seen_ids.lock().unwrap().join(", "));
    vec![client, server, hints, ids]
}

const PY: &str = r#"
import socket, ssl, sys, threading
KEY = bytes(range(16))
IDENTITY = "psk-identity-é"
def run(tls13, server_key):
    hints, ids = [], []
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
    if tls13:
        sctx.minimum_version = cctx.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        for c in (sctx, cctx):
            c.maximum_version = ssl.TLSVersion.TLSv1_2; c.set_ciphers("PSK")
    def ccb(hint):
        hints.append(hint); return (IDENTITY, KEY)
    def scb(identity):
        ids.append(identity); return server_key
    cctx.set_psk_client_callback(ccb)
    sctx.set_psk_server_callback(scb, "server-hint")
    srv = socket.create_server(("127.0.0.1", 0))
    out = {}
    def serve():
        conn, _ = srv.accept()
        try:
            s = sctx.wrap_socket(conn, server_side=True)
            out["s"] = s.version(); s.sendall(b"x")
        except Exception as e:
            out["s"] = describe_error(e)
    t = threading.Thread(target=serve); t.start()
    try:
        c = cctx.wrap_socket(socket.create_connection(srv.getsockname()))
        v = c.version()
        try:
            c.recv(1); out["c"] = v
        except Exception as e:
            out["c"] = describe_error(e)
    except Exception as e:
        out["c"] = describe_error(e)
    t.join(); srv.close()
    return [out["c"], out["s"], repr(hints), repr(ids)]
for tls13, key in [(False, KEY), (True, KEY), (False, b"wrong-key-wrong!"), (True, b"wrong-key-wrong!")]:
    print("\n".join(run(tls13, key)))
"#;

#[test]
fn psk_handshakes_match_cpython() {
    let mut ours = Vec::new();
    for (tls13, key) in [
        (false, KEY),
        (true, KEY),
        (false, &b"wrong-key-wrong!"[..]),
        (true, &b"wrong-key-wrong!"[..]),
    ] {
        ours.extend(run(tls13, key));
    }
    let code = format!("{}{PY}", common::PY_DESCRIBE_ERROR);
    // The alert a wrong TLS 1.2 key ends in changed after 3.0 (3.5: illegal parameter).
    common::assert_outcomes_eq("PSK handshakes", &ours, &common::py313(&code, &[]));
    assert_eq!(ours[0], "TLSv1.2");
    assert_eq!(ours[2], "['server-hint']");
    assert_eq!(ours[3], "['psk-identity-é']");
}

#[test]
fn psk_callbacks_belong_to_one_side() {
    let server = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let err = server
        .set_psk_client_callback(Some(|_: Option<&str>| Ok((None, KEY.to_vec()))))
        .unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "SSLError|0|None|None|None|None|Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context"
    );
    let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let err = client
        .set_psk_server_callback(Some(|_: Option<&str>| Ok(KEY.to_vec())), None)
        .unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "SSLError|0|None|None|None|None|Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context"
    );
}
