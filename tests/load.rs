//! Load over loopback through one shared `SSLContext` per side: 2,000 sequential handshakes
//! and 200 concurrent connections (a thread each), zero failures, and the process's open
//! descriptors and resident memory flat afterwards.
//!
//! The two tests share this process's descriptor table and memory, so they run one at a time.

mod common;

use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use pyssl::{socket, ssl};

static SERIAL: Mutex<()> = Mutex::new(());

fn server_context() -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture_str("server.pem").as_str(),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Whether VmRSS bounds mean anything: not under a sanitizer (scripts/sanitize.sh), whose
/// quarantine keeps freed memory resident; LeakSanitizer or valgrind checks for leaks there.
fn rss_checked() -> bool {
    std::env::var_os("PYSSL_SANITIZER").is_none()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Descriptors once the server threads have closed theirs (they may lag the clients a little):
/// at most `baseline`, or whatever is left after 5 s.
fn fds_settle(baseline: usize) -> usize {
    let start = Instant::now();
    loop {
        let n = open_fds();
        if n <= baseline || start.elapsed() > Duration::from_secs(5) {
            return n;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The descriptor count once it stops changing (two equal readings 50 ms apart).
fn fds_steady() -> usize {
    let mut last = open_fds();
    loop {
        thread::sleep(Duration::from_millis(50));
        let n = open_fds();
        if n == last {
            return n;
        }
        last = n;
    }
}

fn listener() -> (socket::socket, u16) {
    let l = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    l.bind(("127.0.0.1", 0)).unwrap();
    l.listen(512).unwrap();
    let port = l.getsockname().unwrap().port();
    (l, port)
}

/// The server side of one connection: handshake, echo one message, close.
fn serve_one(ctx: &ssl::SSLContext, sock: socket::socket) -> ssl::Result<()> {
    sock.settimeout(Some(20.0))?;
    let mut conn = ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        },
    )?;
    let data = conn.recv(1024)?;
    conn.sendall(&data)?;
    conn.close()
}

/// The client side: handshake (verifying), send, read the echo, close.
fn client_once(
    ctx: &ssl::SSLContext,
    port: u16,
    n: usize,
    barrier: Option<&Barrier>,
) -> ssl::Result<()> {
    let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
    sock.settimeout(Some(20.0))?;
    let mut s = ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )?;
    // Concurrent clients hold their connection open until all of them are connected.
    if let Some(b) = barrier {
        b.wait();
    }
    let message = format!("ping {n}");
    s.sendall(message.as_bytes())?;
    let mut echo = Vec::new();
    while echo.len() < message.len() {
        let data = s.recv(1024)?;
        if data.is_empty() {
            break;
        }
        echo.extend(data);
    }
    assert_eq!(echo, message.as_bytes());
    s.close()
}

/// Runs `count` sequential connections against a single-threaded server; returns failures.
fn sequential(server_ctx: &ssl::SSLContext, client_ctx: &ssl::SSLContext, count: usize) -> usize {
    let (l, port) = listener();
    let ctx = server_ctx.clone();
    let server = thread::spawn(move || {
        (0..count)
            .filter(|_| {
                let (sock, _) = l.accept().unwrap();
                serve_one(&ctx, sock).is_err()
            })
            .count()
    });
    let client_failures = (0..count)
        .filter(|&n| client_once(client_ctx, port, n, None).is_err())
        .count();
    client_failures + server.join().unwrap()
}

#[test]
fn two_thousand_sequential_handshakes_through_one_context() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let server_ctx = server_context();
    let client_ctx = common::client_context();
    // Warm up (OpenSSL's lazily loaded tables, the allocator's pools), then measure.
    assert_eq!(sequential(&server_ctx, &client_ctx, 50), 0);
    let fds = fds_steady();
    let rss = rss_kib();
    let started = Instant::now();
    assert_eq!(sequential(&server_ctx, &client_ctx, 2000), 0);
    let took = started.elapsed();
    assert_eq!(fds_settle(fds), fds);
    let growth = rss_kib().saturating_sub(rss);
    eprintln!("2000 sequential handshakes: {took:?}, VmRSS +{growth} KiB");
    assert!(
        !rss_checked() || growth < 8 * 1024,
        "VmRSS grew by {growth} KiB"
    );
    let stats = server_ctx.session_stats();
    assert_eq!(stats.accept_good, 2050);
    assert_eq!(client_ctx.session_stats().connect_good, 2050);
}

/// `clients` connections at once, a server thread and a client thread each; returns failures.
fn concurrent(server_ctx: &ssl::SSLContext, client_ctx: &ssl::SSLContext, clients: usize) -> usize {
    let (l, port) = listener();
    let ctx = server_ctx.clone();
    let server = thread::spawn(move || {
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let (sock, _) = l.accept().unwrap();
                let ctx = ctx.clone();
                thread::spawn(move || serve_one(&ctx, sock).is_err())
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(true))
            .filter(|&failed| failed)
            .count()
    });
    let barrier = Arc::new(Barrier::new(clients));
    let client_threads: Vec<_> = (0..clients)
        .map(|n| {
            let ctx = client_ctx.clone();
            let barrier = barrier.clone();
            thread::spawn(move || client_once(&ctx, port, n, Some(&barrier)).is_err())
        })
        .collect();
    let client_failures = client_threads
        .into_iter()
        .map(|t| t.join().unwrap_or(true))
        .filter(|&failed| failed)
        .count();
    client_failures + server.join().unwrap()
}

#[test]
fn two_hundred_concurrent_connections_through_one_context() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let server_ctx = server_context();
    let client_ctx = common::client_context();
    assert_eq!(concurrent(&server_ctx, &client_ctx, 200), 0);
    let fds = fds_steady();
    let rss = rss_kib();
    let started = Instant::now();
    let mut series = vec![rss];
    for _ in 0..4 {
        assert_eq!(concurrent(&server_ctx, &client_ctx, 200), 0);
        series.push(rss_kib());
    }
    let took = started.elapsed();
    assert_eq!(fds_settle(fds), fds);
    let growth = series[4].saturating_sub(rss);
    eprintln!("4 x 200 concurrent connections: {took:?}, VmRSS (KiB) {series:?}");
    // With 400 threads per round, glibc's per-thread arenas make VmRSS swing by a few MiB
    // from round to round with no trend; a leak of 20 KiB per connection would exceed this.
    assert!(
        !rss_checked() || growth < 16 * 1024,
        "VmRSS grew by {growth} KiB: {series:?}"
    );
    assert_eq!(server_ctx.session_stats().accept_good, 1000);
    assert_eq!(client_ctx.session_stats().connect_good, 1000);
}
