//! A user callback that panics inside a handshake fails the handshake exactly as a raising
//! Python callback does in CPython 3.13 (PSK client and server, TLS 1.2 and 1.3, SNI), and never
//! aborts the process. (A panicking password callback unwinds out of `load_cert_chain`, Rust's
//! form of the callable's exception propagating: tests/trust_store.rs.) Sockets carry a timeout,
//! so a regression fails instead of hanging.

mod common;

use std::thread;

use pyssl::{socket, ssl};

const KEY: &[u8] = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
const TIMEOUT: Option<f64> = Some(20.0);

/// Client and server outcomes of one loopback handshake: the version, or the error (the
/// client reads one byte, which the server sends, so TLS 1.3 failures after the client's
/// Finished show too).
fn handshake(
    sctx: ssl::SSLContext,
    cctx: ssl::SSLContext,
    hostname: Option<&'static str>,
) -> Vec<String> {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    listener.settimeout(TIMEOUT).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        conn.settimeout(TIMEOUT).unwrap();
        let wrap = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        match sctx.wrap_socket(conn, wrap) {
            Ok(mut s) => {
                let v = s.version().unwrap();
                let _ = s.sendall(b"x");
                v
            }
            Err(e) => common::describe_error(&e),
        }
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    sock.settimeout(TIMEOUT).unwrap();
    let wrap = ssl::WrapSocket {
        server_hostname: hostname,
        ..Default::default()
    };
    let client = match cctx.wrap_socket(sock, wrap) {
        Ok(mut s) => {
            let v = s.version().unwrap();
            match s.recv(1) {
                Ok(_) => v,
                Err(e) => common::describe_error(&e),
            }
        }
        Err(e) => common::describe_error(&e),
    };
    vec![client, server.join().unwrap()]
}

/// A PSK client and server pair; `tls13` picks the version, TLS 1.2 with PSK ciphers.
fn psk_pair(tls13: bool) -> (ssl::SSLContext, ssl::SSLContext) {
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    for ctx in [&sctx, &cctx] {
        if tls13 {
            ctx.set_minimum_version(ssl::TLSVersion::TLSv1_3).unwrap();
        } else {
            ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
            ctx.set_ciphers("PSK").unwrap();
        }
    }
    (sctx, cctx)
}

fn psk_scenario(tls13: bool, client_panics: bool) -> Vec<String> {
    let (sctx, cctx) = psk_pair(tls13);
    cctx.set_psk_client_callback(move |_: Option<&str>| {
        if client_panics {
            panic!("psk client callback panics on purpose");
        }
        Ok((Some("id".to_string()), KEY.to_vec()))
    })
    .unwrap();
    sctx.set_psk_server_callback(
        move |_: Option<&str>| {
            if !client_panics {
                panic!("psk server callback panics on purpose");
            }
            Ok(KEY.to_vec())
        },
        Some("hint"),
    )
    .unwrap();
    handshake(sctx, cctx, None)
}

fn sni_scenario() -> Vec<String> {
    let sctx = common::server_context();
    sctx.set_sni_callback(
        |_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| {
            panic!("sni callback panics on purpose")
        },
    )
    .unwrap();
    handshake(sctx, common::client_context(), Some("localhost"))
}

const PY: &str = r#"
import socket, ssl, sys, threading
F = sys.argv[1]
KEY = bytes(range(16))
sys.unraisablehook = lambda u: None
def handshake(sctx, cctx, hostname=None):
    srv = socket.create_server(("127.0.0.1", 0)); srv.settimeout(20)
    out = {}
    def serve():
        conn, _ = srv.accept(); conn.settimeout(20)
        try:
            s = sctx.wrap_socket(conn, server_side=True)
            out["s"] = s.version(); s.sendall(b"x")
        except Exception as e:
            out["s"] = describe_error(e)
    t = threading.Thread(target=serve); t.start()
    sock = socket.create_connection(srv.getsockname()); sock.settimeout(20)
    try:
        c = cctx.wrap_socket(sock, server_hostname=hostname)
        v = c.version()
        try:
            c.recv(1); out["c"] = v
        except Exception as e:
            out["c"] = describe_error(e)
    except Exception as e:
        out["c"] = describe_error(e)
    t.join(); srv.close()
    return [out["c"], out["s"]]
def psk_pair(tls13):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
    for c in (sctx, cctx):
        if tls13:
            c.minimum_version = ssl.TLSVersion.TLSv1_3
        else:
            c.maximum_version = ssl.TLSVersion.TLSv1_2; c.set_ciphers("PSK")
    return sctx, cctx
def psk_scenario(tls13, client_raises):
    sctx, cctx = psk_pair(tls13)
    def ccb(hint):
        if client_raises:
            raise ValueError("psk client callback raises on purpose")
        return ("id", KEY)
    def scb(identity):
        if not client_raises:
            raise ValueError("psk server callback raises on purpose")
        return KEY
    cctx.set_psk_client_callback(ccb)
    sctx.set_psk_server_callback(scb, "hint")
    return handshake(sctx, cctx)
def sni_scenario():
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(F + "/server.pem", F + "/server.key")
    def cb(sock, name, ctx):
        raise ValueError("sni callback raises on purpose")
    sctx.sni_callback = cb
    return handshake(sctx, ssl.create_default_context(cafile=F + "/ca.pem"), "localhost")
out = []
for tls13 in (False, True):
    for client_raises in (True, False):
        out += psk_scenario(tls13, client_raises)
out += sni_scenario()
print("\n".join(out))
"#;

#[test]
fn panicking_handshake_callbacks_fail_as_raising_python_ones() {
    let mut ours = Vec::new();
    for tls13 in [false, true] {
        for client_panics in [true, false] {
            ours.extend(psk_scenario(tls13, client_panics));
        }
    }
    ours.extend(sni_scenario());
    let code = format!("{}{PY}", common::PY_DESCRIBE_ERROR);
    let fixtures = common::fixture_str("");
    let theirs = common::py313(&code, &[fixtures.trim_end_matches('/')]);
    common::assert_outcomes_eq("panicking callbacks", &ours, &theirs);
    // No scenario completes: each callback's failure ends its handshake.
    assert!(
        ours.iter().all(|o| o.contains('|')),
        "a handshake succeeded: {ours:?}"
    );
}
