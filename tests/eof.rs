//! End of stream, compared with CPython 3.13 against the same peers: a close with
//! close_notify, one without (ragged), a reset (`SO_LINGER` 0), with `suppress_ragged_eofs`
//! on and off; `recv` returning `b''` versus `SSLEOFError`, `SSLZeroReturnError` and
//! `ConnectionResetError`; and `SSLObject` after `incoming.write_eof()`.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::memory_pair::MemoryPair;
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{select, socket, ssl};

/// Accepts `n` TLS connections on loopback and runs `behaviour` on each, one at a time.
fn serve<F>(n: usize, behaviour: F) -> (u16, thread::JoinHandle<()>)
where
    F: Fn(ssl::SSLSocket) + Send + Sync + 'static,
{
    let (port, server) = common::tls_listener(n as i32);
    let behaviour = Arc::new(behaviour);
    let handle = thread::spawn(move || {
        for _ in 0..n {
            let (conn, _) = server.accept().unwrap();
            conn.settimeout(Some(5.0)).unwrap();
            behaviour(conn);
        }
    });
    (port, handle)
}

fn outcome<T: PyRepr>(r: ssl::Result<T>) -> String {
    match r {
        Ok(v) => v.py_repr(),
        Err(e) => common::describe_error(&e),
    }
}

fn none_or_error(r: ssl::Result<()>) -> String {
    match r {
        Ok(()) => "None".into(),
        Err(e) => common::describe_error(&e),
    }
}

fn bytes(r: ssl::Result<Vec<u8>>) -> String {
    match r {
        Ok(b) => PyBytes(&b).py_repr(),
        Err(e) => common::describe_error(&e),
    }
}

/// How the peer ends the connection, after sending `b'bye'` (once the client said `go`).
#[derive(Clone, Copy)]
enum End {
    /// close_notify (sent without waiting for ours), then close.
    CloseNotify,
    /// close() alone: TCP FIN without close_notify.
    Ragged,
    /// `SO_LINGER` {on, 0} then close(): TCP RST.
    Reset,
}

fn peer(end: End, n: usize) -> (u16, thread::JoinHandle<()>) {
    serve(n, move |mut conn| {
        assert_eq!(conn.recv(2).unwrap(), b"go");
        conn.sendall(b"bye").unwrap();
        match end {
            End::CloseNotify => {
                conn.setblocking(false).unwrap();
                let e = conn.unwrap().unwrap_err();
                assert!(e.is_want_read(), "{e}");
            }
            End::Ragged => {}
            End::Reset => {
                let linger = [1i32.to_ne_bytes(), 0i32.to_ne_bytes()].concat();
                conn.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, &linger)
                    .unwrap();
            }
        }
        conn.close().unwrap();
    })
}

/// What a client sees: three `recv`s, then a `send` and an `unwrap`.
fn pyssl_client(port: u16, suppress_ragged_eofs: bool) -> Vec<String> {
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let mut ss = common::client_context()
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                suppress_ragged_eofs,
                ..Default::default()
            },
        )
        .unwrap();
    ss.sendall(b"go").unwrap();
    // Let the peer's last packets (FIN, RST) arrive before we look.
    thread::sleep(Duration::from_millis(100));
    let mut seen = vec![format!(
        "suppress_ragged_eofs={}",
        suppress_ragged_eofs.py_repr()
    )];
    for _ in 0..3 {
        seen.push(bytes(ss.recv(10)));
    }
    seen.push(outcome(ss.send(b"x")));
    seen.push(outcome(ss.unwrap().map(|_| "unwrapped".to_string())));
    seen
}

const PY_CLIENT: &str = r#"
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[1])
port = int(sys.argv[2])
def outcome(f):
    try:
        return repr(f())
    except Exception as e:
        return describe_error(e)
for suppress in [True, False]:
    ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost',
                         suppress_ragged_eofs=suppress)
    ss.sendall(b'go')
    time.sleep(0.1)
    print('suppress_ragged_eofs=%r' % suppress)
    for _ in range(3):
        print(outcome(lambda: ss.recv(10)))
    print(outcome(lambda: ss.send(b'x')))
    print(outcome(lambda: ss.unwrap() and 'unwrapped'))
    ss.close()
"#;

/// Runs the same four clients (pyssl and CPython, suppress on and off) against `end`.
fn compare(end: End) -> Vec<String> {
    let (port, server) = peer(end, 4);
    let mut ours = pyssl_client(port, true);
    ours.extend(pyssl_client(port, false));
    let theirs = common::py313(
        &format!("{}{PY_CLIENT}", common::PY_DESCRIBE_ERROR),
        &[&common::fixture_str("ca.pem"), &port.to_string()],
    );
    server.join().unwrap();
    common::assert_outcomes_eq("EOF outcomes", &ours, &theirs);
    ours
}

#[test]
fn close_notify_reads_as_empty_every_time_whatever_suppress_says() {
    let seen = compare(End::CloseNotify);
    if common::oracle_differs("this sequence of EOF outcomes (OpenSSL 3.0's)") {
        return;
    }
    for half in seen.chunks(6) {
        assert_eq!(half[1..4], ["b'bye'", "b''", "b''"]);
        // TLS 1.3 leaves our half open: the send works. The peer's kernel answers it with a
        // reset, so our close_notify cannot go out; with the peer's close_notify already in,
        // OpenSSL (and so CPython) calls that failure ZERO_RETURN.
        assert_eq!(half[4], "1");
        assert_eq!(
            half[5],
            "SSLZeroReturnError|6|None|None|None|None|TLS/SSL connection has been closed (EOF)"
        );
    }
}

const EOF: &str = "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol";
/// Once OpenSSL has reported the EOF, its queue is empty: CPython's bare text.
const EOF_AGAIN: &str = "SSLEOFError|8|None|None|None|None|EOF occurred in violation of protocol";
/// A connection that failed is "in init" again for `SSL_shutdown`.
const SHUTDOWN_IN_INIT: &str = "SSLError|1|'SSL'|'SHUTDOWN_WHILE_IN_INIT'|None|None|[SSL: SHUTDOWN_WHILE_IN_INIT] shutdown while in init";

#[test]
fn ragged_eof_is_empty_with_suppress_and_sslerror_without() {
    let seen = compare(End::Ragged);
    if common::oracle_differs("this sequence of EOF outcomes (OpenSSL 3.0's)") {
        return;
    }
    assert_eq!(
        seen,
        [
            "suppress_ragged_eofs=True",
            "b'bye'",
            "b''",
            "b''",
            EOF_AGAIN,
            SHUTDOWN_IN_INIT,
            "suppress_ragged_eofs=False",
            "b'bye'",
            EOF,
            EOF_AGAIN,
            EOF_AGAIN,
            SHUTDOWN_IN_INIT,
        ]
    );
}

#[test]
fn a_reset_is_connection_reset_error_even_with_suppress() {
    let seen = compare(End::Reset);
    if common::oracle_differs("this sequence of EOF outcomes (OpenSSL 3.0's)") {
        return;
    }
    // The reset discards what was still unread (b'bye'); after it the socket reads as EOF.
    let reset = "ConnectionResetError|104|-|-|-|-|[Errno 104] Connection reset by peer";
    let bad_length = "SSLError|1|'SSL'|'BAD_LENGTH'|None|None|[SSL: BAD_LENGTH] bad length";
    assert_eq!(
        seen,
        [
            "suppress_ragged_eofs=True",
            reset,
            "b''",
            "b''",
            bad_length,
            SHUTDOWN_IN_INIT,
            "suppress_ragged_eofs=False",
            reset,
            EOF,
            EOF_AGAIN,
            bad_length,
            SHUTDOWN_IN_INIT,
        ]
    );
}

/// SSLZeroReturnError: our close_notify went first (non-blocking `unwrap()`), then the peer's
/// arrives: `recv` raises instead of returning `b''`, and a second `unwrap()` completes.
#[test]
fn peer_close_notify_after_ours_is_zero_return_error() {
    let (port, server) = serve(2, |mut conn| {
        // The client's close_notify: a clean close.
        assert_eq!(conn.recv(10).unwrap(), b"");
        let plain = conn.unwrap().unwrap();
        // Wait for the client to hang up.
        assert_eq!(plain.recv(1).unwrap(), b"");
    });
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let mut ss = common::client_context()
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    ss.setblocking(false).unwrap();
    let mut ours = vec![outcome(ss.unwrap().map(|_| "unwrapped".to_string()))];
    let err = loop {
        select::select(&[&ss], &[], &[], Some(5.0)).unwrap();
        match ss.recv(10) {
            Err(e) if e.is_want_read() => continue,
            other => break other,
        }
    };
    ours.push(bytes(err));
    let plain = ss.unwrap().unwrap();
    ours.push(format!("{}", plain.gettimeout() == Some(0.0)));
    drop(plain);

    let theirs = common::py313(
        &format!(
            "{}{}",
            common::PY_DESCRIBE_ERROR,
            r#"
import select, socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='localhost')
ss.setblocking(False)
try:
    ss.unwrap(); print("'unwrapped'")
except Exception as e:
    print(describe_error(e))
while True:
    select.select([ss], [], [], 5.0)
    try:
        print(repr(ss.recv(10))); break
    except ssl.SSLWantReadError:
        continue
    except Exception as e:
        print(describe_error(e)); break
plain = ss.unwrap()
print(str(plain.gettimeout() == 0.0).lower())
plain.close()
"#
        ),
        &[&common::fixture_str("ca.pem"), &port.to_string()],
    );
    server.join().unwrap();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(
        ours,
        [
            "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)",
            "SSLZeroReturnError|6|None|None|None|None|TLS/SSL connection has been closed (EOF)",
            "true",
        ]
    );
}

// ---- SSLObject -------------------------------------------------------------------------------

const PY_PAIR: &str = r#"
import ssl, sys
cctx = ssl.create_default_context(cafile=sys.argv[1])
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sctx.load_cert_chain(sys.argv[2], sys.argv[3])
def pair():
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(c_in, c_out, server_hostname='localhost')
    s = sctx.wrap_bio(s_in, s_out, server_side=True)
    def pump():
        s_in.write(c_out.read()); c_in.write(s_out.read())
    cd = sd = False
    for _ in range(10):
        if not cd:
            try: c.do_handshake(); cd = True
            except ssl.SSLWantReadError: pass
        pump()
        if not sd:
            try: s.do_handshake(); sd = True
            except ssl.SSLWantReadError: pass
        pump()
        if cd and sd: break
    return c, s, c_in, c_out, pump
def outcome(f):
    try:
        return repr(f())
    except Exception as e:
        return describe_error(e)
"#;

#[test]
fn sslobject_after_write_eof_is_cpythons() {
    let mut ours = Vec::new();
    // Data, then the transport ends without close_notify.
    let mut p = MemoryPair::handshaken();
    p.server.write(b"hi").unwrap();
    p.pump();
    ours.push(bytes(p.client.read(10)));
    ours.push(bytes(p.client.read(10)));
    p.c_in.write_eof();
    ours.push(format!("{} {}", p.c_in.eof().py_repr(), p.c_in.pending()));
    ours.push(bytes(p.client.read(10)));
    ours.push(bytes(p.client.read(10)));
    ours.push(outcome(p.client.write(b"x")));

    // The peer's close_notify, then the end of the transport: a clean close wins.
    let mut p = MemoryPair::handshaken();
    ours.push(none_or_error(p.server.unwrap()));
    p.pump();
    p.c_in.write_eof();
    ours.push(bytes(p.client.read(10)));
    ours.push(bytes(p.client.read(10)));
    ours.push(none_or_error(p.client.unwrap()));
    ours.push(bytes(p.client.read(10)));
    ours.push(outcome(p.client.write(b"x")));
    ours.push(format!("{} {}", p.c_out.pending(), p.c_in.eof().py_repr()));

    let theirs = common::py313(
        &format!(
            "{}{PY_PAIR}{}",
            common::PY_DESCRIBE_ERROR,
            r#"
c, s, c_in, c_out, pump = pair()
s.write(b'hi'); pump()
print(outcome(lambda: c.read(10)))
print(outcome(lambda: c.read(10)))
c_in.write_eof()
print(c_in.eof, c_in.pending)
print(outcome(lambda: c.read(10)))
print(outcome(lambda: c.read(10)))
print(outcome(lambda: c.write(b'x')))
c, s, c_in, c_out, pump = pair()
print(outcome(s.unwrap))
pump(); c_in.write_eof()
print(outcome(lambda: c.read(10)))
print(outcome(lambda: c.read(10)))
print(outcome(c.unwrap))
print(outcome(lambda: c.read(10)))
print(outcome(lambda: c.write(b'x')))
print(c_out.pending, c_in.eof)
"#
        ),
        &[
            &common::fixture_str("ca.pem"),
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
        ],
    );
    common::assert_outcomes_eq("SSLObject EOF outcomes", &ours, &theirs);
    if common::oracle_differs("this sequence of EOF outcomes (OpenSSL 3.0's)") {
        return;
    }
    let eof = "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol";
    // After the first EOF error OpenSSL has nothing queued: CPython's bare-EOF text.
    let eof_again = "SSLEOFError|8|None|None|None|None|EOF occurred in violation of protocol";
    assert_eq!(
        ours,
        [
            "b'hi'",
            "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)",
            "True 0",
            eof,
            eof_again,
            eof_again,
            "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)",
            "b''",
            "b''",
            "None",
            "SSLZeroReturnError|6|None|None|None|None|TLS/SSL connection has been closed (EOF)",
            "SSLError|1|'SSL'|'PROTOCOL_IS_SHUTDOWN'|None|None|[SSL: PROTOCOL_IS_SHUTDOWN] protocol is shutdown",
            // Our close_notify (one encrypted TLS 1.3 alert record) waits in `outgoing`.
            "24 True",
        ]
    );
}
