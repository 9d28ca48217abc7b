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
    cctx.set_psk_client_callback(move |hint: Option<&str>| {
        hints
            .lock()
            .unwrap()
            .push(hint.map(str::to_string).py_repr());
        Ok((Some(IDENTITY.to_string()), KEY.to_vec()))
    })
    .unwrap();
    let ids = seen_ids.clone();
    sctx.set_psk_server_callback(
        move |identity: Option<&str>| {
            ids.lock()
                .unwrap()
                .push(identity.map(str::to_string).py_repr());
            Ok(server_key.to_vec())
        },
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
        .set_psk_client_callback(|_: Option<&str>| Ok((None, KEY.to_vec())))
        .unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "SSLError|0|None|None|None|None|Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context"
    );
    let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let err = client
        .set_psk_server_callback(|_: Option<&str>| Ok(KEY.to_vec()), None)
        .unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "SSLError|0|None|None|None|None|Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context"
    );
}

/// Client and server outcomes of one loopback handshake.
fn handshake(
    sctx: ssl::SSLContext,
    cctx: &ssl::SSLContext,
    hostname: Option<&'static str>,
) -> Vec<String> {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let wrap = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        match sctx.wrap_socket(conn, wrap) {
            Ok(mut s) => {
                let _ = s.sendall(b"x");
                s.version().unwrap()
            }
            Err(e) => common::describe_error(&e),
        }
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let wrap = ssl::WrapSocket {
        server_hostname: hostname,
        ..Default::default()
    };
    let client = match cctx.wrap_socket(sock, wrap) {
        Ok(mut s) => match s.recv(1) {
            Ok(_) => s.version().unwrap(),
            Err(e) => common::describe_error(&e),
        },
        Err(e) => common::describe_error(&e),
    };
    vec![client, server.join().unwrap()]
}

/// `set_psk_*_callback(None)` takes the callback out of OpenSSL as CPython does (no PSK suites
/// offered or accepted any more), and after an SNI callback switches the connection to another
/// context, that context's PSK server callback answers, as CPython's `ssl_sock.context`'s does.
#[test]
fn psk_callbacks_follow_the_contexts_current_setting() {
    let pair = |tls13: bool| {
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
    };
    let key = |k: &'static [u8]| move |_: Option<&str>| Ok(k.to_vec());
    let client_key =
        |k: &'static [u8]| move |_: Option<&str>| Ok((Some("id".to_string()), k.to_vec()));
    let mut ours = Vec::new();
    for tls13 in [false, true] {
        // The client's callback removed again.
        let (sctx, cctx) = pair(tls13);
        sctx.set_psk_server_callback(key(KEY), None).unwrap();
        cctx.set_psk_client_callback(client_key(KEY)).unwrap();
        cctx.set_psk_client_callback(None).unwrap();
        ours.extend(handshake(sctx, &cctx, None));
        // The server's callback removed again.
        let (sctx, cctx) = pair(tls13);
        sctx.set_psk_server_callback(key(KEY), None).unwrap();
        sctx.set_psk_server_callback(None, None).unwrap();
        cctx.set_psk_client_callback(client_key(KEY)).unwrap();
        ours.extend(handshake(sctx, &cctx, None));
        // An SNI callback switches to a context whose PSK server callback has another key.
        let (sctx, cctx) = pair(tls13);
        let (other, _) = pair(tls13);
        sctx.set_psk_server_callback(key(b"first-context-key"), None)
            .unwrap();
        other.set_psk_server_callback(key(KEY), None).unwrap();
        sctx.set_sni_callback(
            move |conn: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| {
                conn.set_context(&other).map(|_| None)
            },
        )
        .unwrap();
        cctx.set_psk_client_callback(client_key(KEY)).unwrap();
        ours.extend(handshake(sctx, &cctx, Some("example.org")));
    }
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, threading
KEY = bytes(range(16))
def handshake(sctx, cctx, hostname=None):
    srv = socket.create_server(("127.0.0.1", 0))
    res = {}
    def serve():
        conn, _ = srv.accept()
        try:
            s = sctx.wrap_socket(conn, server_side=True); s.sendall(b"x"); res["s"] = s.version()
        except Exception as e:
            res["s"] = describe_error(e)
    t = threading.Thread(target=serve); t.start()
    try:
        c = cctx.wrap_socket(socket.create_connection(srv.getsockname()), server_hostname=hostname)
        try:
            c.recv(1); res["c"] = c.version()
        except Exception as e:
            res["c"] = describe_error(e)
    except Exception as e:
        res["c"] = describe_error(e)
    t.join(); srv.close()
    return [res["c"], res["s"]]
def pair(tls13):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
    for c in (sctx, cctx):
        if tls13:
            c.minimum_version = ssl.TLSVersion.TLSv1_3
        else:
            c.maximum_version = ssl.TLSVersion.TLSv1_2; c.set_ciphers("PSK")
    return sctx, cctx
out = []
for tls13 in (False, True):
    sctx, cctx = pair(tls13)
    sctx.set_psk_server_callback(lambda i: KEY)
    cctx.set_psk_client_callback(lambda h: ("id", KEY)); cctx.set_psk_client_callback(None)
    out += handshake(sctx, cctx)
    sctx, cctx = pair(tls13)
    sctx.set_psk_server_callback(lambda i: KEY); sctx.set_psk_server_callback(None)
    cctx.set_psk_client_callback(lambda h: ("id", KEY))
    out += handshake(sctx, cctx)
    sctx, cctx = pair(tls13)
    other, _ = pair(tls13)
    sctx.set_psk_server_callback(lambda i: b"first-context-key")
    other.set_psk_server_callback(lambda i: KEY)
    def switch(sock, name, ctx, other=other):
        sock.context = other
    sctx.sni_callback = switch
    cctx.set_psk_client_callback(lambda h: ("id", KEY))
    out += handshake(sctx, cctx, "example.org")
print("\n".join(out))
"#
    );
    common::assert_outcomes_eq(
        "PSK callbacks removed and switched",
        &ours,
        &common::py313(&code, &[]),
    );
}

/// `openssl s_client`/`s_server` with a PSK identity or hint given as raw bytes.
fn openssl_psk(args: &[&str], raw_flag: &str, raw: &[u8]) -> std::process::Command {
    use std::os::unix::ffi::OsStrExt;
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(args)
        .args([
            "-tls1_2",
            "-cipher",
            "PSK",
            "-psk",
            "000102030405060708090a0b0c0d0e0f",
        ])
        .arg(raw_flag)
        .arg(std::ffi::OsStr::from_bytes(raw))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    cmd
}

/// A TLS 1.2 PSK server whose callback records the identities it is called with; returns
/// its port and the thread that yields `[outcome, identities]`.
fn recording_server() -> (u16, thread::JoinHandle<Vec<String>>) {
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    sctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    sctx.set_ciphers("PSK").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let ids = seen.clone();
    sctx.set_psk_server_callback(
        move |identity: Option<&str>| {
            ids.lock()
                .unwrap()
                .push(identity.map(str::to_string).py_repr());
            Ok(KEY.to_vec())
        },
        None,
    )
    .unwrap();
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        let outcome = match sctx.wrap_socket(conn, kw) {
            Ok(s) => s.version().unwrap().py_str(),
            Err(e) => common::describe_error(&e),
        };
        vec![outcome, format!("[{}]", seen.lock().unwrap().join(", "))]
    });
    (port, server)
}

const PY_NOT_UTF8: &str = r#"
import socket, ssl, sys
KEY = bytes(range(16))
seen = []
if sys.argv[1] == 'server':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers('PSK')
    ctx.set_psk_server_callback(lambda identity: seen.append(identity) or KEY)
    srv = socket.create_server(('127.0.0.1', 0))
    print('port', srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    try:
        print(ctx.wrap_socket(conn, server_side=True).version())
    except Exception as e:
        print(describe_error(e))
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers('PSK')
    ctx.set_psk_client_callback(lambda hint: seen.append(hint) or ('id', KEY))
    try:
        print(ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2])))).version())
    except Exception as e:
        print(describe_error(e))
print(repr(seen))
"#;

/// The port `openssl s_server -accept 127.0.0.1:0` prints (`ACCEPT 127.0.0.1:PORT`).
fn s_server_port(server: &mut std::process::Child) -> u16 {
    use std::io::BufRead;
    let out = server.stdout.as_mut().unwrap();
    let mut lines = std::io::BufReader::new(out).lines();
    loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(addr) = line.strip_prefix("ACCEPT ") {
            return addr.rsplit(':').next().unwrap().parse().unwrap();
        }
    }
}

/// A client identity (server side) or server hint (client side) that is not UTF-8: CPython
/// cannot make the callback's `str`, so the callback is not called and the handshake fails
/// (`PSK_IDENTITY_NOT_FOUND`); a lossy or absent `str` would hand the callback someone else's
/// identity.
#[test]
fn an_identity_or_hint_that_is_not_utf8_fails_the_handshake_as_in_cpython() {
    let code = format!("{}{PY_NOT_UTF8}", common::PY_DESCRIBE_ERROR);
    let s_client = |port: u16| {
        let connect = format!("127.0.0.1:{port}");
        openssl_psk(
            &["s_client", "-connect", &connect],
            "-psk_identity",
            b"id\xff",
        )
        .status()
        .unwrap()
    };
    // Server side: the client's identity.
    let mut theirs_server = common::PyPeer::start(&code, &["server"]);
    s_client(theirs_server.port());
    let theirs = theirs_server.finish();
    let (port, server) = recording_server();
    s_client(port);
    let ours = server.join().unwrap();
    common::assert_outcomes_eq("a non-UTF-8 identity", &ours, &theirs.join("\n"));
    assert_eq!(ours[1], "[]");

    // Client side: the server's identity hint.
    let s_server = || {
        let mut cmd = openssl_psk(
            &[
                "s_server",
                "-naccept",
                "1",
                "-accept",
                "127.0.0.1:0",
                "-nocert",
            ],
            "-psk_hint",
            b"h\xff",
        );
        // s_server ends a connection when its stdin ends: keep it open until the kill.
        let mut child = cmd.stdin(std::process::Stdio::piped()).spawn().unwrap();
        let port = s_server_port(&mut child);
        (child, port)
    };
    let (mut server, port) = s_server();
    let port_arg = port.to_string();
    let theirs = common::py313(&code, &["client", &port_arg]);
    let _ = server.kill();
    let _ = server.wait();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    cctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    cctx.set_ciphers("PSK").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hints = seen.clone();
    cctx.set_psk_client_callback(move |hint: Option<&str>| {
        hints
            .lock()
            .unwrap()
            .push(hint.map(str::to_string).py_repr());
        Ok((Some("id".to_string()), KEY.to_vec()))
    })
    .unwrap();
    let (mut server, port) = s_server();
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let outcome = match cctx.wrap_socket(sock, ssl::WrapSocket::default()) {
        Ok(s) => s.version().unwrap().py_str(),
        Err(e) => common::describe_error(&e),
    };
    let _ = server.kill();
    let _ = server.wait();
    let ours = vec![outcome, format!("[{}]", seen.lock().unwrap().join(", "))];
    common::assert_outcomes_eq("a non-UTF-8 hint", &ours, &theirs);
    assert_eq!(ours[1], "[]");
}
