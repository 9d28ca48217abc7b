//! How a TLS stream ends, step by step, against CPython 3.13's asyncio: a peer (CPython's
//! blocking `ssl`, so that it ends exactly as told) truncates without close_notify, resets,
//! sends close_notify, stays silent through our close_notify (shutdown timeout), never answers
//! the handshake (handshake timeout), or drops it; the same client script runs under CPython's
//! asyncio and as its pyssl port, and must print the same lines.
#![cfg(feature = "asyncio")]

mod common;

use common::{fixture_str, PyPeer};
use pyssl::asyncio;
use pyssl::pyrepr::{PyBytes, PyRepr};

/// The peer: listens, prints its port, then behaves as `mode` says.
const PY_PEER: &str = r#"
import socket, ssl, sys, os, time, struct
fixtures, mode = sys.argv[1], sys.argv[2]
cert = fixtures + ('/selfsigned' if mode == 'selfsigned' else '/server')
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert + '.pem', cert + '.key')
lsock = socket.create_server(('127.0.0.1', 0))
print('port', lsock.getsockname()[1], flush=True)
conn, _ = lsock.accept()
conn.settimeout(5)
linger0 = struct.pack('ii', 1, 0)
if mode == 'no_handshake':
    time.sleep(1.5)
    sys.exit()
if mode == 'handshake_eof':
    conn.recv(4096)
    conn.close()
    sys.exit()
if mode == 'handshake_reset':
    conn.recv(4096)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger0)
    conn.close()
    sys.exit()
try:
    s = ctx.wrap_socket(conn, server_side=True)
except ssl.SSLError as e:
    print('peer handshake', type(e).__name__, flush=True)
    sys.exit()
s.sendall(b'partial data')
print('peer got', s.recv(100), flush=True)
if mode == 'truncate':
    os.close(s.detach())
elif mode == 'reset':
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger0)
    s.close()
elif mode in ('close_notify', 'close_notify_before_drain'):
    s.unwrap().close()
elif mode == 'silent':
    time.sleep(1.5)
elif mode in ('client_closes', 'drop'):
    print('peer recv', s.recv(100), flush=True)
    s.unwrap().close()
"#;

/// The client script; `silent` closes first and waits for the peer's close_notify.
const PY_CLIENT: &str = r#"
import asyncio, gc, ssl, sys, time
fixtures, mode, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
def say(*a): print(*a, flush=True)
def exc(e): return f'{type(e).__name__}: {e} / {e!r}'
async def main():
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    hostname = 'wrong.example' if mode == 'wrong_hostname' else None
    try:
        reader, writer = await asyncio.open_connection(
            'localhost', port, ssl=True if mode == 'ssl_true' else ctx, server_hostname=hostname,
            ssl_handshake_timeout=0.5, ssl_shutdown_timeout=0.5)
    except Exception as e:
        say('open_connection', exc(e))
        return
    say('read', repr(await reader.read(100)))
    writer.write(b'ack')
    if mode == 'close_notify_before_drain':
        # The peer answers 'ack' with close_notify and its close, which come in while the
        # loop is blocked here, between write() and drain().
        await asyncio.sleep(0)
        time.sleep(0.3)
        try:
            await writer.drain()
            say('drain ok')
        except Exception as e:
            say('drain', exc(e))
        writer.close()
        return
    await writer.drain()
    if mode == 'drop':
        del reader, writer
        gc.collect()
        await asyncio.sleep(0.5)
        say('dropped')
        return
    if mode in ('silent', 'client_closes'):
        writer.close()
        say('is_closing', writer.is_closing())
        try:
            await writer.wait_closed()
            say('closed')
        except Exception as e:
            say('closed', exc(e))
        try:
            say('read', repr(await reader.read(100)))
        except Exception as e:
            say('read', exc(e))
        return
    await asyncio.sleep(0.2)
    for i in range(2):
        try:
            say('read', repr(await reader.read(100)))
        except Exception as e:
            say('read', exc(e))
    say('at_eof', reader.at_eof())
    say('exception', repr(reader.exception()))
    say('is_closing', writer.is_closing())
    try:
        writer.write(b'more')
        say('write ok')
    except Exception as e:
        say('write', exc(e))
    try:
        await writer.drain()
        say('drain ok')
    except Exception as e:
        say('drain', exc(e))
    writer.close()
    try:
        await writer.wait_closed()
        say('closed')
    except Exception as e:
        say('closed', exc(e))
asyncio.run(main())
"#;

fn exc_line(e: &pyssl::Error) -> String {
    format!("{}: {e}", e.type_name())
}

fn exc(e: &pyssl::Error) -> String {
    format!("{}: {e} / {}", e.type_name(), e.py_repr())
}

/// The pyssl port of `PY_CLIENT`.
async fn pyssl_client(mode: &str, port: u16) -> Vec<String> {
    let mut out = Vec::new();
    let ctx = common::client_context();
    let opened = asyncio::open_connection(
        "localhost",
        port,
        asyncio::OpenConnection {
            ssl: if mode == "ssl_true" {
                true.into()
            } else {
                (&ctx).into()
            },
            server_hostname: (mode == "wrong_hostname").then_some("wrong.example"),
            ssl_handshake_timeout: Some(0.5),
            ssl_shutdown_timeout: Some(0.5),
            ..Default::default()
        },
    )
    .await;
    let (mut reader, writer) = match opened {
        Ok(streams) => streams,
        Err(e) => {
            out.push(format!("open_connection {}", exc(&e)));
            return out;
        }
    };
    let read = reader.read(100).await.unwrap();
    out.push(format!("read {}", PyBytes(&read).py_repr()));
    writer.write(b"ack").unwrap();
    if mode == "close_notify_before_drain" {
        tokio::task::yield_now().await;
        std::thread::sleep(std::time::Duration::from_millis(300));
        match writer.drain().await {
            Ok(()) => out.push("drain ok".into()),
            Err(e) => out.push(format!("drain {}", exc(&e))),
        }
        writer.close();
        return out;
    }
    writer.drain().await.unwrap();
    if mode == "drop" {
        drop(reader);
        drop(writer);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        out.push("dropped".into());
        return out;
    }
    if mode == "silent" || mode == "client_closes" {
        writer.close();
        out.push(format!("is_closing {}", writer.is_closing().py_str()));
        match writer.wait_closed().await {
            Ok(()) => out.push("closed".into()),
            Err(e) => out.push(format!("closed {}", exc(&e))),
        }
        match reader.read(100).await {
            Ok(data) => out.push(format!("read {}", PyBytes(&data).py_repr())),
            Err(e) => out.push(format!("read {}", exc(&e))),
        }
        return out;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    for _ in 0..2 {
        match reader.read(100).await {
            Ok(data) => out.push(format!("read {}", PyBytes(&data).py_repr())),
            Err(e) => out.push(format!("read {}", exc(&e))),
        }
    }
    out.push(format!("at_eof {}", reader.at_eof().py_str()));
    let exception = reader
        .exception()
        .map_or("None".to_string(), |e| e.py_repr());
    out.push(format!("exception {exception}"));
    out.push(format!("is_closing {}", writer.is_closing().py_str()));
    match writer.write(b"more") {
        Ok(()) => out.push("write ok".into()),
        Err(e) => out.push(format!("write {}", exc(&e))),
    }
    match writer.drain().await {
        Ok(()) => out.push("drain ok".into()),
        Err(e) => out.push(format!("drain {}", exc(&e))),
    }
    writer.close();
    match writer.wait_closed().await {
        Ok(()) => out.push("closed".into()),
        Err(e) => out.push(format!("closed {}", exc(&e))),
    }
    out
}

/// CPython's text without its `(_ssl.c:NNN)` locations (a line may hold two: `str` and `repr`).
fn strip_locations(line: &str) -> String {
    let mut line = line.to_string();
    loop {
        let stripped = common::strip_location(&line);
        if stripped == line {
            return line;
        }
        line = stripped;
    }
}

/// Runs `mode` with CPython's client, then with pyssl's on each runtime; asserts the same
/// lines from the clients and from the peers. Returns CPython's client lines.
fn compare(mode: &str) -> Vec<String> {
    let fixtures = fixture_str("").trim_end_matches('/').to_string();
    let mut peer = PyPeer::start(PY_PEER, &[&fixtures, mode]);
    let port = peer.port().to_string();
    let theirs = PyPeer::start(PY_CLIENT, &[&fixtures, mode, &port]).finish();
    // CPython's text as the OpenSSL pyssl links words it (1.1.1: "self signed certificate").
    let theirs: Vec<String> = theirs
        .iter()
        .map(|l| common::oracle_as_linked(&strip_locations(l)))
        .collect();
    let their_peer = peer.finish();
    for runtime in common::runtimes() {
        let mut peer = PyPeer::start(PY_PEER, &[&fixtures, mode]);
        let port = peer.port();
        let ours = runtime.block_on(pyssl_client(mode, port));
        assert_eq!(ours, theirs, "{mode}: the client's steps");
        assert_eq!(peer.finish(), their_peer, "{mode}: what the peer saw");
    }
    theirs
}

#[test]
fn truncation_without_close_notify_reads_as_the_end_of_the_stream() {
    let theirs = compare("truncate");
    assert_eq!(theirs[1..3], ["read b''", "read b''"]);
}

#[test]
fn close_notify_from_the_peer_ends_the_stream() {
    let theirs = compare("close_notify");
    assert!(theirs.contains(&"drain ConnectionResetError: Connection lost / ConnectionResetError('Connection lost')".to_string()), "{theirs:#?}");
}

/// The peer's close_notify and close arrive between `write()` and `drain()`: CPython's loop,
/// blocked there, has not read them, and `drain()` returns. pyssl's connection task, on a
/// multi-thread runtime, has processed them by then; `drain()` still answers as CPython's,
/// since the application has not seen the loss yet.
#[test]
fn a_loss_between_write_and_drain_is_not_drains_error() {
    let theirs = compare("close_notify_before_drain");
    assert_eq!(theirs, ["read b'partial data'", "drain ok"]);
}

#[test]
fn a_reset_is_the_readers_exception_from_then_on() {
    let theirs = compare("reset");
    assert!(
        theirs.contains(
            &"exception ConnectionResetError(104, 'Connection reset by peer')".to_string()
        ),
        "{theirs:#?}"
    );
}

#[test]
fn a_peer_silent_through_close_notify_is_the_shutdown_timeout() {
    let theirs = compare("silent");
    assert!(
        theirs.contains(
            &"closed TimeoutError: SSL shutdown timed out / TimeoutError('SSL shutdown timed out')"
                .to_string()
        ),
        "{theirs:#?}"
    );
}

#[test]
fn close_sends_close_notify_and_waits_for_the_peers() {
    let theirs = compare("client_closes");
    assert_eq!(theirs.last().unwrap(), "read b''");
    assert!(theirs.contains(&"closed".to_string()), "{theirs:#?}");
}

#[test]
fn dropping_the_streams_closes_with_close_notify() {
    assert_eq!(compare("drop"), ["read b'partial data'", "dropped"]);
}

#[test]
fn ssl_true_is_create_default_context() {
    let theirs = compare("ssl_true");
    assert!(
        theirs[0].contains("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"),
        "{theirs:#?}"
    );
}

#[test]
fn a_peer_that_never_answers_the_handshake_is_the_handshake_timeout() {
    let theirs = compare("no_handshake");
    assert_eq!(theirs, ["open_connection ConnectionAbortedError: SSL handshake is taking longer than 0.5 seconds: aborting the connection / ConnectionAbortedError('SSL handshake is taking longer than 0.5 seconds: aborting the connection')"]);
}

#[test]
fn a_handshake_cut_short_is_a_connection_reset() {
    assert_eq!(
        compare("handshake_eof"),
        ["open_connection ConnectionResetError:  / ConnectionResetError()"]
    );
    assert_eq!(
        compare("handshake_reset"),
        ["open_connection ConnectionResetError: [Errno 104] Connection reset by peer / ConnectionResetError(104, 'Connection reset by peer')"]
    );
}

#[test]
fn certificate_and_hostname_failures_are_cpythons_verification_errors() {
    let theirs = compare("selfsigned");
    assert!(theirs[0].starts_with("open_connection SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self"), "{theirs:#?}");
    let theirs = compare("wrong_hostname");
    assert!(
        theirs[0].contains("Hostname mismatch, certificate is not valid for 'wrong.example'."),
        "{theirs:#?}"
    );
}

#[test]
fn tls_options_are_checked_as_cpython_checks_them() {
    let runtime = &common::runtimes()[0];
    // A listener that never accepts: the keyword checks come before connecting, the timeouts'
    // after (in `SSLProtocol`), as in CPython.
    let (port, _listener) = common::tls_listener(16);
    let ctx = common::client_context();
    let cases: Vec<(asyncio::OpenConnection<'_>, &str)> = vec![
        (
            asyncio::OpenConnection {
                server_hostname: Some("x"),
                ..Default::default()
            },
            "ValueError: server_hostname is only meaningful with ssl",
        ),
        (
            asyncio::OpenConnection {
                ssl_handshake_timeout: Some(1.0),
                ..Default::default()
            },
            "ValueError: ssl_handshake_timeout is only meaningful with ssl",
        ),
        (
            asyncio::OpenConnection {
                ssl_shutdown_timeout: Some(1.0),
                ..Default::default()
            },
            "ValueError: ssl_shutdown_timeout is only meaningful with ssl",
        ),
        (
            asyncio::OpenConnection {
                limit: 0,
                ..Default::default()
            },
            "ValueError: Limit cannot be <= 0",
        ),
        (
            asyncio::OpenConnection {
                ssl: (&ctx).into(),
                ssl_handshake_timeout: Some(0.0),
                ..Default::default()
            },
            "ValueError: ssl_handshake_timeout should be a positive number, got 0.0",
        ),
        (
            asyncio::OpenConnection {
                ssl: (&ctx).into(),
                ssl_shutdown_timeout: Some(-1.0),
                ..Default::default()
            },
            "ValueError: ssl_shutdown_timeout should be a positive number, got -1.0",
        ),
    ];
    let theirs = common::py313(
        r#"
import asyncio, ssl, sys
async def main():
    ctx = ssl.create_default_context()
    port = int(sys.argv[1])
    for kw in [dict(server_hostname='x'), dict(ssl_handshake_timeout=1.0),
               dict(ssl_shutdown_timeout=1.0), dict(limit=0),
               dict(ssl=ctx, ssl_handshake_timeout=0.0), dict(ssl=ctx, ssl_shutdown_timeout=-1.0)]:
        try:
            await asyncio.open_connection('127.0.0.1', port, **kw)
        except Exception as e:
            print(f'{type(e).__name__}: {e}')
asyncio.run(main())
"#,
        &[&port.to_string()],
    );
    let expected: Vec<&str> = cases.iter().map(|c| c.1).collect();
    let ours: Vec<String> = cases
        .into_iter()
        .map(|(kw, _)| {
            let e = runtime
                .block_on(asyncio::open_connection("127.0.0.1", port, kw))
                .expect_err("refused");
            format!("{}: {e}", e.type_name())
        })
        .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(ours, expected);
    assert_eq!(
        ours[4],
        "ValueError: ssl_handshake_timeout should be a positive number, got 0.0"
    );
    // Nobody listening, and a name that does not resolve.
    let closed = {
        let sock = pyssl::socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
        sock.getsockname().unwrap().port()
    };
    let theirs = common::py313(
        r#"
import asyncio, sys
async def main():
    for host in ['127.0.0.1', 'nonexistent.invalid']:
        try:
            await asyncio.open_connection(host, int(sys.argv[1]))
        except Exception as e:
            print(f'{type(e).__name__}: {e} / {e!r}')
asyncio.run(main())
"#,
        &[&closed.to_string()],
    );
    let ours: Vec<String> = ["127.0.0.1", "nonexistent.invalid"]
        .iter()
        .map(|host| {
            let e = runtime
                .block_on(asyncio::open_connection(host, closed, Default::default()))
                .expect_err("nobody listens");
            exc(&e)
        })
        .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert!(
        ours[0]
            .starts_with("ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', "),
        "{ours:?}"
    );
    // asyncio.run() inside a running loop: CPython's RuntimeError, not tokio's panic.
    let theirs = common::py313(
        r#"
import asyncio
async def main():
    coro = asyncio.sleep(0)
    try:
        asyncio.run(coro)
    except RuntimeError as e:
        print(f'{type(e).__name__}: {e}')
    coro.close()
asyncio.run(main())
"#,
        &[],
    );
    let nested = runtime.block_on(async { asyncio::run(async { Ok(()) }) });
    assert_eq!(format!("{}\n", exc_line(&nested.unwrap_err())), theirs);
    // Outside a runtime: asyncio's RuntimeError, not a panic.
    let e = poll_once(asyncio::open_connection(
        "127.0.0.1",
        port,
        Default::default(),
    ));
    assert_eq!(
        e.format_exception_only(),
        "RuntimeError: no running event loop"
    );
}

/// Polls a future once with no runtime around it; it must be ready with an error.
fn poll_once<T>(fut: impl std::future::Future<Output = pyssl::Result<T>>) -> pyssl::Error {
    let mut fut = std::pin::pin!(fut);
    struct Noop;
    impl std::task::Wake for Noop {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
    let mut cx = std::task::Context::from_waker(&waker);
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(e)) => e,
        _ => panic!("expected an immediate error"),
    }
}

/// `write()`, `close()`, then `drain()`: the close schedules the loss, and CPython's `drain()`
/// yields once (`sleep(0)`), which runs it, so `drain()` raises. pyssl's connection task may
/// run on another thread, before `drain()` (the blocking pause, which CPython's loop sits out,
/// gives it the time) or after its yield: `drain()` must see that loss either way.
const PY_DRAIN_AFTER_CLOSE: &str = r#"
import asyncio, time
async def main():
    server = await asyncio.start_server(lambda r, w: None, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b'x')
    writer.close()
    time.sleep(0.01)
    try:
        await writer.drain()
        print('drain ok')
    except Exception as e:
        print('drain', repr(e))
    server.close()
asyncio.run(main())
"#;

#[test]
fn drain_after_close_raises_the_loss_close_scheduled() {
    let theirs = common::py313(PY_DRAIN_AFTER_CLOSE, &[]);
    assert_eq!(
        theirs.trim(),
        "drain ConnectionResetError('Connection lost')"
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for runtime in common::runtimes() {
        for round in 0..100 {
            let ours = runtime.block_on(async {
                let kw = asyncio::OpenConnection::default();
                let (_reader, writer) = asyncio::open_connection("127.0.0.1", port, kw)
                    .await
                    .unwrap();
                writer.write(b"x").unwrap();
                writer.close();
                if round % 2 == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                match writer.drain().await {
                    Ok(()) => "drain ok".to_string(),
                    Err(e) => format!("drain {}", e.py_repr()),
                }
            });
            assert_eq!(ours, theirs.trim());
            drop(listener.accept().unwrap());
        }
    }
}
