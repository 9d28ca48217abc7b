//! `SSLContext._msg_callback` against CPython 3.13: the same loopback exchanges (TLS 1.3,
//! TLS 1.2, a failed verification, a callback that raises, and two `SSLObject`s over memory
//! BIOs) log the same `(direction, version, content_type, msg_type)` sequence on each side, and
//! end with the same outcomes.

mod common;

use std::sync::{Arc, Mutex};

use pyssl::{socket, ssl};

const CASES: &[&str] = &["tls13", "tls12", "unknown_ca", "raises", "bio"];

const PY: &str = r#"
import socket, ssl, sys, threading
fixtures = sys.argv[1]
def fixture(name): return fixtures + "/" + name

def logger(log, side, raise_on=None):
    def msg_cb(conn, direction, version, content_type, msg_type, data):
        log.append(f"{side} {conn.server_side} {direction} {int(version)} {int(content_type)} {int(msg_type)} {bool(data)}")
        if raise_on == direction:
            raise ValueError("stop")
    return msg_cb

def contexts(case):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(fixture("server.pem"), fixture("server.key"))
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(fixture("otherca.pem" if case == "unknown_ca" else "ca.pem"))
    if case == "tls12":
        cctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return sctx, cctx

def over_sockets(case):
    sctx, cctx = contexts(case)
    client_log, server_log, out = [], [], []
    sctx._msg_callback = logger(server_log, "S")
    cctx._msg_callback = logger(client_log, "C", "read" if case == "raises" else None)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0)); listener.listen(1)
    def serve():
        sock, _ = listener.accept()
        try:
            conn = sctx.wrap_socket(sock, server_side=True)
            conn.sendall(conn.recv(1024)); conn.unwrap(); conn.close()
            server_out.append("S ok")
        except Exception as e:
            server_out.append("S " + describe_error(e))
        sock.close()
    server_out = []
    t = threading.Thread(target=serve); t.start()
    sock = socket.create_connection(listener.getsockname())
    try:
        ssock = cctx.wrap_socket(sock, server_hostname="localhost")
        ssock.sendall(b"ping"); data = ssock.recv(1024); ssock.unwrap(); ssock.close()
        out.append("C ok " + repr(data))
    except Exception as e:
        out.append("C " + describe_error(e))
    sock.close()
    t.join(); listener.close()
    if case == "raises":
        # The server meets a connection closed at an unpredictable point: not compared.
        return client_log + out
    return client_log + server_log + out + server_out

def over_bios(case):
    sctx, cctx = contexts(case)
    log = []
    sctx._msg_callback = logger(log, "S")
    cctx._msg_callback = logger(log, "C")
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = cctx.wrap_bio(c_in, c_out, server_hostname="localhost")
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    def step(obj):
        try:
            obj.do_handshake(); return True
        except ssl.SSLWantReadError:
            return False
    done = (False, False)
    while not all(done):
        c = step(client); s_in.write(c_out.read())
        s = step(server); c_in.write(s_out.read())
        done = (c, s)
    client.write(b"ping"); s_in.write(c_out.read())
    log.append("S read " + repr(server.read(1024)))
    return log

for case in sys.argv[2:]:
    print("== " + case)
    for line in (over_bios(case) if case == "bio" else over_sockets(case)):
        print(line)
"#;

type Log = Arc<Mutex<Vec<String>>>;

/// The Python test's `logger(log, side, raise_on)`.
fn logger(log: &Log, side: &'static str, raise_on: Option<&'static str>) -> ssl::MsgCallback {
    let log = log.clone();
    Arc::new(
        move |conn: &ssl::MsgConnection,
              direction: &str,
              version: ssl::EnumOrInt<ssl::TLSVersion>,
              content_type: ssl::EnumOrInt<ssl::_TLSContentType>,
              msg_type: ssl::MsgType,
              data: &[u8]| {
            let server_side = if conn.server_side() { "True" } else { "False" };
            let data = if data.is_empty() { "False" } else { "True" };
            log.lock().unwrap().push(format!(
                "{side} {server_side} {direction} {version} {content_type} {msg_type} {data}"
            ));
            if raise_on == Some(direction) {
                return Err(pyssl::Error::value("stop"));
            }
            Ok(())
        },
    )
}

fn contexts(case: &str) -> (ssl::SSLContext, ssl::SSLContext) {
    let sctx = common::server_context();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let ca = if case == "unknown_ca" {
        "otherca.pem"
    } else {
        "ca.pem"
    };
    cctx.load_verify_locations(common::fixture_str(ca).as_str())
        .unwrap();
    if case == "tls12" {
        cctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    }
    (sctx, cctx)
}

fn over_sockets(case: &str) -> Vec<String> {
    let (sctx, cctx) = contexts(case);
    let (client_log, server_log) = (Log::default(), Log::default());
    sctx.set__msg_callback(Some(logger(&server_log, "S", None)))
        .unwrap();
    let raise_on = (case == "raises").then_some("read");
    cctx.set__msg_callback(Some(logger(&client_log, "C", raise_on)))
        .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        let outcome = (|| -> pyssl::Result<()> {
            let mut conn = sctx.wrap_socket(sock, kw)?;
            let data = conn.recv(1024)?;
            conn.sendall(&data)?;
            conn.unwrap()?;
            Ok(())
        })();
        match outcome {
            Ok(()) => "S ok".to_string(),
            Err(e) => format!("S {}", common::describe_error(&e)),
        }
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let outcome = (|| -> pyssl::Result<Vec<u8>> {
        let mut ssock = cctx.wrap_socket(sock, kw)?;
        ssock.sendall(b"ping")?;
        let data = ssock.recv(1024)?;
        ssock.unwrap()?;
        Ok(data)
    })();
    let client_out = match outcome {
        Ok(data) => format!("C ok {}", pyssl::pyrepr::PyBytes(&data).py_repr()),
        Err(e) => format!("C {}", common::describe_error(&e)),
    };
    let server_out = server.join().unwrap();
    let mut lines = client_log.lock().unwrap().clone();
    if case != "raises" {
        lines.extend(server_log.lock().unwrap().iter().cloned());
    }
    lines.push(client_out);
    if case != "raises" {
        lines.push(server_out);
    }
    lines
}

fn over_bios(case: &str) -> Vec<String> {
    let (sctx, cctx) = contexts(case);
    let log = Log::default();
    sctx.set__msg_callback(Some(logger(&log, "S", None)))
        .unwrap();
    cctx.set__msg_callback(Some(logger(&log, "C", None)))
        .unwrap();
    let bio = || ssl::MemoryBIO::new().unwrap();
    let (c_in, c_out, s_in, s_out) = (bio(), bio(), bio(), bio());
    let kw = ssl::WrapBio {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let mut client = cctx.wrap_bio(&c_in, &c_out, kw).unwrap();
    let kw = ssl::WrapBio {
        server_side: true,
        ..Default::default()
    };
    let mut server = sctx.wrap_bio(&s_in, &s_out, kw).unwrap();
    let step = |obj: &mut ssl::SSLObject| match obj.do_handshake() {
        Ok(()) => true,
        Err(e) if e.is_want_read() => false,
        Err(e) => panic!("{e}"),
    };
    let mut done = (false, false);
    while !(done.0 && done.1) {
        let c = step(&mut client);
        s_in.write(&c_out.read(-1).unwrap()).unwrap();
        let s = step(&mut server);
        c_in.write(&s_out.read(-1).unwrap()).unwrap();
        done = (c, s);
    }
    client.write(b"ping").unwrap();
    s_in.write(&c_out.read(-1).unwrap()).unwrap();
    let data = server.read(1024).unwrap();
    let mut lines = log.lock().unwrap().clone();
    lines.push(format!(
        "S read {}",
        pyssl::pyrepr::PyBytes(&data).py_repr()
    ));
    lines
}

use pyssl::pyrepr::PyRepr;

#[test]
fn message_sequences_match_cpython_313() {
    let fixtures = common::fixture_str("");
    let fixtures = fixtures.trim_end_matches('/');
    let mut args = vec![fixtures];
    args.extend_from_slice(CASES);
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY);
    let theirs = common::py313(&code, &args);
    let mut ours = Vec::new();
    for case in CASES {
        ours.push(format!("== {case}"));
        ours.extend(if *case == "bio" {
            over_bios(case)
        } else {
            over_sockets(case)
        });
    }
    if common::oracle_differs(
        "_msg_callback sequences (their messages follow the linked OpenSSL's handshake)",
    ) {
        // Another OpenSSL sends other messages (3.5: hybrid key shares, other record versions),
        // so the sequences are compared only on the oracle's OpenSSL; the checks below still run.
        eprintln!("ours: {ours:#?}");
    } else {
        common::assert_outcomes_eq("_msg_callback sequences", &ours, &theirs);
    }
    // The sequences hold what test_ssl looks for, so the comparison compares something.
    let tls12 = ours.iter().skip_while(|l| *l != "== tls12");
    let tls12: Vec<&String> = tls12.take_while(|l| *l != "== unknown_ca").collect();
    assert!(tls12.iter().any(|l| *l == "C False read 771 22 12 True")); // SERVER_KEY_EXCHANGE
    assert!(tls12.iter().any(|l| *l == "C False write 771 20 257 True")); // CHANGE_CIPHER_SPEC
}

#[test]
fn setting_and_removing_the_callback() {
    // Python: ctx._msg_callback is None; ctx._msg_callback = msg_cb; ctx._msg_callback = None
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    assert!(ctx._msg_callback().is_none());
    let callback = logger(&Log::default(), "C", None);
    ctx.set__msg_callback(Some(callback.clone())).unwrap();
    assert!(Arc::ptr_eq(&ctx._msg_callback().unwrap(), &callback));
    ctx.set__msg_callback(None).unwrap();
    assert!(ctx._msg_callback().is_none());
    // A `fn` item works as is.
    fn quiet(
        _: &ssl::MsgConnection,
        _: &str,
        _: ssl::EnumOrInt<ssl::TLSVersion>,
        _: ssl::EnumOrInt<ssl::_TLSContentType>,
        _: ssl::MsgType,
        _: &[u8],
    ) -> pyssl::Result<()> {
        Ok(())
    }
    ctx.set__msg_callback(quiet).unwrap();
    assert!(ctx._msg_callback().is_some());
}

#[test]
fn a_removed_callback_is_not_called_and_a_panic_reaches_the_caller() {
    let (sctx, cctx) = contexts("tls13");
    let log = Log::default();
    cctx.set__msg_callback(Some(logger(&log, "C", None)))
        .unwrap();
    let bio = || ssl::MemoryBIO::new().unwrap();
    let (c_in, c_out) = (bio(), bio());
    let kw = ssl::WrapBio {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let mut client = cctx.wrap_bio(&c_in, &c_out, kw).unwrap();
    // Removed after the connection was created: OpenSSL still calls in, pyssl finds no callback,
    // as CPython's C callback finds `msg_cb == NULL`.
    cctx.set__msg_callback(None).unwrap();
    assert!(client.do_handshake().unwrap_err().is_want_read());
    assert!(log.lock().unwrap().is_empty());
    drop(sctx);

    // A panicking callback: caught at OpenSSL's boundary, resumed once OpenSSL has returned.
    cctx.set__msg_callback(
        |_: &ssl::MsgConnection,
         _: &str,
         _: ssl::EnumOrInt<ssl::TLSVersion>,
         _: ssl::EnumOrInt<ssl::_TLSContentType>,
         _: ssl::MsgType,
         _: &[u8]|
         -> pyssl::Result<()> { panic!("callback panicked") },
    )
    .unwrap();
    let mut client = cctx.wrap_bio(&c_in, &c_out, kw).unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.do_handshake()));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"callback panicked"));
    // The buffers are usable afterwards (their locks were released on the way out).
    assert!(c_out.pending() > 0);
}

#[test]
fn a_message_callback_beside_an_sni_switch_does_not_deadlock() {
    // test_ssl's test_msg_callback_deadlock_bpo43577: the server's context has both callbacks
    // and the SNI callback switches to another context mid-handshake; twice.
    let (port, server) = {
        let sctx = common::server_context();
        let other = common::server_context();
        let log = Log::default();
        sctx.set__msg_callback(Some(logger(&log, "S", None)))
            .unwrap();
        sctx.set_sni_callback(
            move |conn: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| {
                conn.set_context(&other).map(|_| None)
            },
        )
        .unwrap();
        let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        listener.bind(("127.0.0.1", 0)).unwrap();
        listener.listen(2).unwrap();
        let port = listener.getsockname().unwrap().port();
        let server = std::thread::spawn(move || {
            for _ in 0..2 {
                let (sock, _) = listener.accept().unwrap();
                let kw = ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                };
                sctx.wrap_socket(sock, kw).unwrap();
            }
            log.lock().unwrap().len()
        });
        (port, server)
    };
    let cctx = common::client_context();
    for _ in 0..2 {
        let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
        let kw = ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        };
        cctx.wrap_socket(sock, kw).unwrap();
    }
    // The first messages (before the switch) reach the first context's callback.
    assert!(server.join().unwrap() > 0);
}
