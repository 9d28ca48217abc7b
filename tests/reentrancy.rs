//! No pyssl lock is held while user code runs: a password, SNI or PSK callback may read and set
//! the very context it belongs to (and the connection's), or wait for another thread that
//! does, as CPython allows; each outcome compared with CPython 3.13. Every scenario runs under
//! a deadline, so a deadlock fails the test instead of hanging it.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use pyssl::{socket, ssl};

/// Runs `f` on its own thread and fails if it takes longer than 60 s (a deadlock).
fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(Duration::from_secs(60))
        .expect("deadlock: the scenario did not finish")
}

/// The context's settings from another thread, joined: deadlocks if the caller holds a lock.
fn from_another_thread(ctx: &ssl::SSLContext) -> String {
    let ctx = ctx.clone();
    thread::spawn(move || settings(&ctx)).join().unwrap()
}

fn settings(ctx: &ssl::SSLContext) -> String {
    format!("{} {}", ctx.options().value(), ctx.verify_mode().value())
}

/// A connected loopback TCP pair with timeouts.
fn tcp_pair() -> (socket::socket, socket::socket) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let client = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let server = listener.accept().unwrap().0;
    for s in [&client, &server] {
        s.settimeout(Some(20.0)).unwrap();
    }
    (client, server)
}

/// Client and server outcomes of one handshake (the client reads the byte the server sends).
fn handshake(
    sctx: &ssl::SSLContext,
    cctx: &ssl::SSLContext,
    hostname: Option<&'static str>,
) -> String {
    let (a, b) = tcp_pair();
    let sctx = sctx.clone();
    let server = thread::spawn(move || {
        let wrap = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        match sctx.wrap_socket(b, wrap) {
            Ok(mut s) => {
                let _ = s.sendall(b"x");
                s.version().unwrap()
            }
            Err(e) => common::describe_error(&e),
        }
    });
    let wrap = ssl::WrapSocket {
        server_hostname: hostname,
        ..Default::default()
    };
    let client = match cctx.wrap_socket(a, wrap) {
        Ok(mut s) => match s.recv(1) {
            Ok(_) => s.version().unwrap(),
            Err(e) => common::describe_error(&e),
        },
        Err(e) => common::describe_error(&e),
    };
    format!("{client} {}", server.join().unwrap())
}

const PY_HELPERS: &str = r#"
import socket, ssl, sys, threading
F = sys.argv[1]
sys.unraisablehook = lambda u: None
out = []
def settings(ctx):
    return f"{int(ctx.options)} {int(ctx.verify_mode)}"
def from_another_thread(ctx):
    r = []
    t = threading.Thread(target=lambda: r.append(settings(ctx))); t.start(); t.join()
    return r[0]
def handshake(sctx, cctx, hostname=None):
    srv = socket.create_server(("127.0.0.1", 0))
    a = socket.create_connection(srv.getsockname()); b = srv.accept()[0]; srv.close()
    a.settimeout(20); b.settimeout(20)
    res = {}
    def serve():
        try:
            s = sctx.wrap_socket(b, server_side=True)
            s.sendall(b"x"); res["s"] = s.version()
        except Exception as e:
            res["s"] = describe_error(e)
    t = threading.Thread(target=serve); t.start()
    try:
        c = cctx.wrap_socket(a, server_hostname=hostname)
        try:
            c.recv(1); res["c"] = c.version()
        except Exception as e:
            res["c"] = describe_error(e)
    except Exception as e:
        res["c"] = describe_error(e)
    t.join()
    return f'{res["c"]} {res["s"]}'
"#;

fn compare(what: &str, ours: Vec<String>, scenario: &str) {
    let code = format!("{}{PY_HELPERS}{scenario}", common::PY_DESCRIBE_ERROR);
    let fixtures = common::fixture_str("");
    let theirs = common::py313(&code, &[fixtures.trim_end_matches('/')]);
    common::assert_outcomes_eq(what, &ours, &theirs);
}

#[test]
fn a_password_callback_may_use_its_own_context() {
    let ours = within(|| {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let seen = Mutex::new(Vec::new());
        let cert = common::fixture_str("server.pem");
        let key = common::fixture_str("server.key");
        let callback = || -> pyssl::Result<Vec<u8>> {
            let mut seen = seen.lock().unwrap();
            seen.push(settings(&ctx));
            seen.push(from_another_thread(&ctx));
            ctx.set_verify_mode(ssl::CERT_OPTIONAL)?;
            // Even a whole load_cert_chain of the same context, from inside.
            ctx.load_cert_chain(&cert, key.as_str())?;
            seen.push(settings(&ctx));
            Ok(b"pyssl-password".to_vec())
        };
        let result = ctx.load_cert_chain(
            &cert,
            ssl::LoadCertChain::default()
                .keyfile(&common::fixture_str("server-encrypted.key"))
                .password(&callback),
        );
        let mut out = seen.into_inner().unwrap();
        out.push(format!("{result:?}"));
        out.push(settings(&ctx));
        out.push(handshake(
            &ctx,
            &common::client_context(),
            Some("localhost"),
        ));
        out
    });
    compare(
        "password callback re-entry",
        ours,
        r#"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def callback():
    out.append(settings(ctx))
    out.append(from_another_thread(ctx))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.load_cert_chain(F + "/server.pem", F + "/server.key")
    out.append(settings(ctx))
    return b"pyssl-password"
ctx.load_cert_chain(F + "/server.pem", F + "/server-encrypted.key", password=callback)
out.append("Ok(())")
out.append(settings(ctx))
out.append(handshake(ctx, ssl.create_default_context(cafile=F + "/ca.pem"), "localhost"))
print("\n".join(out))
"#,
    );
}

#[test]
fn an_sni_callback_may_use_its_context_and_the_connections() {
    let ours = within(|| {
        let sctx = common::server_context();
        let other = common::server_context();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (seen2, other2) = (seen.clone(), other.clone());
        sctx.set_sni_callback(
            move |conn: &mut ssl::SNIConnection, name: Option<&str>, ctx: &ssl::SSLContext| {
                let mut seen = seen2.lock().unwrap();
                seen.push(format!("{name:?}"));
                seen.push(settings(ctx));
                seen.push(from_another_thread(ctx));
                seen.push(settings(conn.context().unwrap()));
                conn.set_context(&other2)?;
                seen.push(from_another_thread(conn.context().unwrap()));
                ctx.set_verify_mode(ssl::CERT_NONE)?;
                // Removing the running callback, then putting another in its place, which
                // removes itself in turn.
                ctx.set_sni_callback(None)?;
                seen.push(format!("{}", ctx.sni_callback().is_some()));
                let seen3 = seen2.clone();
                ctx.set_sni_callback(
                    move |_: &mut ssl::SNIConnection, name: Option<&str>, ctx: &ssl::SSLContext| {
                        seen3.lock().unwrap().push(format!("second {name:?}"));
                        ctx.set_sni_callback(None)?;
                        Ok(None)
                    },
                )?;
                Ok(None)
            },
        )
        .unwrap();
        let first = handshake(&sctx, &common::client_context(), Some("localhost"));
        let second = handshake(&sctx, &common::client_context(), Some("localhost"));
        // Both callbacks removed themselves: the third handshake calls none.
        let third = handshake(&sctx, &common::client_context(), Some("localhost"));
        let mut out = seen.lock().unwrap().clone();
        out.extend([first, second, third, settings(&sctx)]);
        out
    });
    compare(
        "sni callback re-entry",
        ours,
        r#"
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(F + "/server.pem", F + "/server.key")
other = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
other.load_cert_chain(F + "/server.pem", F + "/server.key")
def cb(sock, name, ctx):
    out.append(f"Some({name!r})".replace("'", '"'))
    out.append(settings(ctx))
    out.append(from_another_thread(ctx))
    out.append(settings(sock.context))
    sock.context = other
    out.append(from_another_thread(sock.context))
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sni_callback = None
    out.append(str(ctx.sni_callback is not None).lower())
    def cb2(sock, name, ctx):
        out.append(f'second Some("{name}")')
        ctx.sni_callback = None
    ctx.sni_callback = cb2
sctx.sni_callback = cb
client = lambda: ssl.create_default_context(cafile=F + "/ca.pem")
first = handshake(sctx, client(), "localhost")
second = handshake(sctx, client(), "localhost")
third = handshake(sctx, client(), "localhost")
out += [first, second, third, settings(sctx)]
print("\n".join(out))
"#,
    );
}

const KEY: &[u8] = b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";

#[test]
fn psk_callbacks_may_use_their_contexts() {
    let ours = within(|| {
        let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        cctx.set_check_hostname(false);
        cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
        for ctx in [&sctx, &cctx] {
            ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
            ctx.set_ciphers("PSK").unwrap();
        }
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (seen_c, me_c) = (seen.clone(), cctx.clone());
        cctx.set_psk_client_callback(move |hint: Option<&str>| {
            let mut seen = seen_c.lock().unwrap();
            seen.push(format!("client {hint:?} {}", from_another_thread(&me_c)));
            me_c.set_options(ssl::OP_NO_TICKET)?;
            seen.push(settings(&me_c));
            // Replacing the running callback.
            me_c.set_psk_client_callback(|_: Option<&str>| {
                Ok((Some("id".to_string()), KEY.to_vec()))
            })?;
            Ok((Some("id".to_string()), KEY.to_vec()))
        })
        .unwrap();
        let (seen_s, me_s) = (seen.clone(), sctx.clone());
        sctx.set_psk_server_callback(
            move |identity: Option<&str>| {
                let mut seen = seen_s.lock().unwrap();
                seen.push(format!(
                    "server {identity:?} {}",
                    from_another_thread(&me_s)
                ));
                me_s.set_options(ssl::OP_NO_TICKET)?;
                seen.push(settings(&me_s));
                me_s.set_psk_server_callback(|_: Option<&str>| Ok(KEY.to_vec()), Some("hint"))?;
                Ok(KEY.to_vec())
            },
            Some("hint"),
        )
        .unwrap();
        let result = handshake(&sctx, &cctx, None);
        let mut out = seen.lock().unwrap().clone();
        out.push(result);
        out
    });
    compare(
        "psk callbacks re-entry",
        ours,
        r#"
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
for c in (sctx, cctx):
    c.maximum_version = ssl.TLSVersion.TLSv1_2; c.set_ciphers("PSK")
KEY = bytes(range(16))
def ccb(hint):
    out.append(f'client Some("{hint}") {from_another_thread(cctx)}')
    cctx.options |= ssl.OP_NO_TICKET
    out.append(settings(cctx))
    cctx.set_psk_client_callback(lambda hint: ("id", KEY))
    return ("id", KEY)
def scb(identity):
    out.append(f'server Some("{identity}") {from_another_thread(sctx)}')
    sctx.options |= ssl.OP_NO_TICKET
    out.append(settings(sctx))
    sctx.set_psk_server_callback(lambda identity: KEY, "hint")
    return KEY
cctx.set_psk_client_callback(ccb)
sctx.set_psk_server_callback(scb, "hint")
out.append(handshake(sctx, cctx))
print("\n".join(out))
"#,
    );
}

/// Moves every pending byte from one memory BIO to another.
fn pump(from: &ssl::MemoryBIO, to: &ssl::MemoryBIO) {
    let data = from.read(-1).unwrap();
    to.write(&data).unwrap();
}

/// The sans-I/O form: an SNI and a PSK callback of a server `SSLObject` read the memory BIOs the
/// handshake is using, on their own thread and from another one.
#[test]
fn callbacks_of_an_sslobject_may_use_its_memory_bios() {
    let ours = within(|| {
        let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        cctx.set_check_hostname(false);
        cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
        let bios: Vec<ssl::MemoryBIO> = (0..4).map(|_| ssl::MemoryBIO::new().unwrap()).collect();
        let (c_in, c_out, s_in, s_out) = (&bios[0], &bios[1], &bios[2], &bios[3]);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let pending = {
            let (s_in, s_out) = (s_in.clone(), s_out.clone());
            move || {
                let other = s_in.clone();
                let there = thread::spawn(move || other.pending()).join().unwrap();
                format!("{} {} {there}", s_in.pending(), s_out.pending())
            }
        };
        let (seen_sni, pending_sni) = (seen.clone(), pending.clone());
        sctx.set_sni_callback(
            move |_: &mut ssl::SNIConnection, name: Option<&str>, _: &ssl::SSLContext| {
                seen_sni
                    .lock()
                    .unwrap()
                    .push(format!("sni {name:?} {}", pending_sni()));
                Ok(None)
            },
        )
        .unwrap();
        let seen_psk = seen.clone();
        sctx.set_psk_server_callback(
            move |identity: Option<&str>| {
                let line = format!("psk {identity:?} {}", pending());
                seen_psk.lock().unwrap().push(line);
                Ok(KEY.to_vec())
            },
            None,
        )
        .unwrap();
        cctx.set_psk_client_callback(|_: Option<&str>| Ok((Some("id".to_string()), KEY.to_vec())))
            .unwrap();
        let wrap = |ctx: &ssl::SSLContext, i: &ssl::MemoryBIO, o: &ssl::MemoryBIO, server| {
            let kw = ssl::WrapBio {
                server_side: server,
                server_hostname: (!server).then_some("example.org"),
                ..Default::default()
            };
            ctx.wrap_bio(i, o, kw).unwrap()
        };
        let mut client = wrap(&cctx, c_in, c_out, false);
        let mut server = wrap(&sctx, s_in, s_out, true);
        let mut out = Vec::new();
        for _ in 0..3 {
            let c = client.do_handshake();
            pump(c_out, s_in);
            let s = server.do_handshake();
            pump(s_out, c_in);
            out.push(format!("{:?} {:?}", c.is_ok(), s.is_ok()));
        }
        out.push(format!("{:?}", server.version()));
        let mut lines = seen.lock().unwrap().clone();
        lines.extend(out);
        lines
    });
    compare(
        "sslobject callbacks re-entry",
        ours,
        r#"
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.check_hostname = False; cctx.verify_mode = ssl.CERT_NONE
c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
KEY = bytes(range(16))
def pending():
    r = []
    t = threading.Thread(target=lambda: r.append(s_in.pending)); t.start(); t.join()
    return f"{s_in.pending} {s_out.pending} {r[0]}"
def sni(sock, name, ctx):
    out.append(f'sni Some("{name}") {pending()}')
def psk(identity):
    out.append(f'psk Some("{identity}") {pending()}')
    return KEY
sctx.sni_callback = sni
sctx.set_psk_server_callback(psk)
cctx.set_psk_client_callback(lambda hint: ("id", KEY))
client = cctx.wrap_bio(c_in, c_out, server_hostname="example.org")
server = sctx.wrap_bio(s_in, s_out, server_side=True)
def step(f):
    try:
        f(); return "true"
    except ssl.SSLWantReadError:
        return "false"
rounds = []
for _ in range(3):
    c = step(client.do_handshake); s_in.write(c_out.read())
    s = step(server.do_handshake); c_in.write(s_out.read())
    rounds.append(f"{c} {s}")
out += rounds
out.append(f'Some("{server.version()}")')
print("\n".join(out))
"#,
    );
}

/// A value whose `Drop` uses the context it belongs to: user code, run when a callback holding
/// it is replaced.
struct UsesContextOnDrop(ssl::SSLContext);

impl Drop for UsesContextOnDrop {
    fn drop(&mut self) {
        let _ = self.0.sni_callback();
        let _ = self.0.options();
        let _ = self.0.set_psk_server_callback(None, None);
    }
}

/// Replacing a callback drops the old one (and what it captured) with no lock held. (Rust
/// only: a Python callable's finalizer runs under the GIL, never under a lock of `_ssl`'s.)
#[test]
fn a_replaced_callback_is_dropped_with_no_lock_held() {
    within(|| {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let held = UsesContextOnDrop(ctx.clone());
        ctx.set_sni_callback(
            move |_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| {
                let _ = &held;
                Ok(None)
            },
        )
        .unwrap();
        ctx.set_sni_callback(None).unwrap();
        let held = UsesContextOnDrop(ctx.clone());
        ctx.set_psk_server_callback(
            move |_: Option<&str>| {
                let _ = &held;
                Ok(KEY.to_vec())
            },
            None,
        )
        .unwrap();
        ctx.set_psk_server_callback(|_: Option<&str>| Ok(KEY.to_vec()), None)
            .unwrap();
    });
}
