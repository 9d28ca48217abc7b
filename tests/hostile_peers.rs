//! Hostile and broken peers, over loopback only.
//!
//! * A pyssl server (the threaded pattern: accept, `settimeout`, `wrap_socket(server_side)`)
//!   and a CPython 3.13 server with the same setup meet the same hostile clients: garbage,
//!   plain HTTP, a truncated ClientHello, an oversized record, a client that leaves or resets
//!   mid-handshake, one that never speaks. Each server-side failure has CPython's kind and
//!   text, and the next normal client is served.
//! * `pyssl serve` (the binary) meets them too, plus 500 idle connections that only its
//!   handshake timeout frees: after each, a normal client is served and the server's open
//!   descriptors (`/proc/<pid>/fd`) return to where they were, its memory (`VmRSS`) stays
//!   bounded, and a fatal alert reaches a client that had sent more than was read.
//! * A pyssl client and a CPython client meet the same misbehaving servers: no close_notify,
//!   a reset, a stall, a truncated record, a chain that does not verify, plain text. Each
//!   ends in the same error kind and text (or the same data), never a hang or a panic.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::thread;
use std::time::Duration;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{socket, ssl};

// ---------------------------------------------------------------------------------------------
// Hostile clients

/// Whether `scripts/sanitize.sh valgrind` runs this binary (timeouts then stretch).
fn under_valgrind() -> bool {
    std::env::var("PYSSL_SANITIZER").as_deref() == Ok("valgrind")
}

/// A ClientHello as a real client sends it (pyssl over memory BIOs); `legacy` caps it at
/// TLS 1.1, which every server here refuses with a `protocol_version` alert.
fn client_hello(legacy: bool) -> Vec<u8> {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_check_hostname(false);
    ctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    if legacy {
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0").unwrap();
        ctx.set_minimum_version(ssl::TLSVersion::TLSv1).unwrap();
        ctx.set_maximum_version(ssl::TLSVersion::TLSv1_1).unwrap();
    }
    let incoming = ssl::MemoryBIO::new().unwrap();
    let outgoing = ssl::MemoryBIO::new().unwrap();
    let mut obj = ctx
        .wrap_bio(&incoming, &outgoing, ssl::WrapBio::default())
        .unwrap();
    let e = obj.do_handshake().unwrap_err();
    assert!(e.is_want_read(), "{e}");
    outgoing.read(-1).unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Hostile {
    Garbage,
    PlainHttp,
    TruncatedHello,
    OversizedRecord,
    LeavesMidHandshake,
    ResetsMidHandshake,
    Idle(Duration),
}

const HOSTILE: [Hostile; 7] = [
    Hostile::Garbage,
    Hostile::PlainHttp,
    Hostile::TruncatedHello,
    Hostile::OversizedRecord,
    Hostile::LeavesMidHandshake,
    Hostile::ResetsMidHandshake,
    Hostile::Idle(Duration::from_millis(1500)),
];

fn connect_raw(port: u16) -> socket::socket {
    let s = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    s.settimeout(Some(10.0)).unwrap();
    s
}

/// Reads until EOF, an error or the socket's timeout.
fn read_to_end(s: &socket::socket) {
    while let Ok(data) = s.recv(65536) {
        if data.is_empty() {
            break;
        }
    }
}

/// Plays `kind` against `port`; returns once the server has had its say.
fn play(kind: Hostile, port: u16) {
    let s = connect_raw(port);
    let send_and_finish = |s: &socket::socket, data: &[u8]| {
        s.sendall(data).unwrap();
        let _ = s.shutdown(socket::SHUT_WR);
        read_to_end(s);
    };
    match kind {
        Hostile::Garbage => send_and_finish(&s, b"\x00\x01garbage\xff\xfe\x80 not TLS at all\r\n"),
        Hostile::PlainHttp => send_and_finish(&s, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        Hostile::TruncatedHello => send_and_finish(&s, &client_hello(false)[..40]),
        Hostile::OversizedRecord => {
            // A handshake record announcing 65535 bytes: past TLS's 2^14 + 2048 limit.
            let mut record = vec![0x16, 0x03, 0x01, 0xff, 0xff];
            record.extend(std::iter::repeat(0x41).take(1000));
            send_and_finish(&s, &record);
        }
        Hostile::LeavesMidHandshake | Hostile::ResetsMidHandshake => {
            s.sendall(&client_hello(false)).unwrap();
            // The server's whole first flight (unread bytes would turn our FIN into a RST):
            // it now waits for our Finished.
            assert!(!s.recv(1).unwrap().is_empty());
            s.settimeout(Some(0.3)).unwrap();
            read_to_end(&s);
            if kind == Hostile::ResetsMidHandshake {
                // SO_LINGER {on, 0 s}: close sends RST instead of FIN.
                let linger: Vec<u8> = [1i32.to_ne_bytes(), 0i32.to_ne_bytes()].concat();
                s.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, &linger)
                    .unwrap();
            }
            s.close().unwrap();
            // Let the server see the FIN or RST before the next client comes.
            thread::sleep(Duration::from_millis(100));
        }
        Hostile::Idle(d) => {
            thread::sleep(d);
            read_to_end(&s);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The threaded server pattern, pyssl and CPython, against the hostile clients

/// Seconds a server-side handshake may take in these tests.
const HANDSHAKE_TIMEOUT: f64 = 1.0;

fn server_context() -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture_str("server.pem").as_str(),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx
}

/// pyssl's threaded server pattern, serving `n` connections one by one: each outcome is
/// `ok` or the failure as `describe_error` prints it.
fn pyssl_server(n: usize) -> (u16, thread::JoinHandle<Vec<String>>) {
    let ctx = server_context();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(8).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        (0..n)
            .map(|_| {
                let (sock, _) = listener.accept().unwrap();
                sock.settimeout(Some(HANDSHAKE_TIMEOUT)).unwrap();
                let wrapped = ctx.wrap_socket(
                    sock,
                    ssl::WrapSocket {
                        server_side: true,
                        ..Default::default()
                    },
                );
                match wrapped {
                    Ok(mut conn) => {
                        let _ = conn.sendall(b"hello");
                        let _ = conn.unwrap();
                        "ok".to_string()
                    }
                    Err(e) => common::describe_error(&e),
                }
            })
            .collect()
    });
    (port, handle)
}

/// The same server in CPython 3.13; prints its port, then one outcome per connection.
const PY_SERVER: &str = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
n, timeout = int(sys.argv[3]), float(sys.argv[4])
with socket.create_server(('127.0.0.1', 0)) as srv:
    print(srv.getsockname()[1], flush=True)
    for _ in range(n):
        sock, _ = srv.accept()
        sock.settimeout(timeout)
        try:
            conn = ctx.wrap_socket(sock, server_side=True)
        except Exception as e:
            sock.close()
            print(describe_error(e), flush=True)
            continue
        try:
            conn.sendall(b'hello')
            conn.unwrap()
        except Exception:
            pass
        conn.close()
        print('ok', flush=True)
"#;

/// A CPython child process that is killed when dropped.
struct Child_(Child);

impl Drop for Child_ {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python_server(n: usize) -> (Child_, u16, BufReader<std::process::ChildStdout>) {
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY_SERVER);
    let mut child = common::python313()
        .args(["-c", &code])
        .args([
            common::fixture_str("server.pem"),
            common::fixture_str("server.key"),
            n.to_string(),
            HANDSHAKE_TIMEOUT.to_string(),
        ])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    (Child_(child), line.trim().parse().unwrap(), out)
}

/// A verifying pyssl client: the server's greeting, or the error.
fn normal_client(port: u16) -> String {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    sock.settimeout(Some(10.0)).unwrap();
    let result = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .and_then(|mut s| {
            let mut all = Vec::new();
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
            loop {
                let data = s.recv(4096)?;
                if data.is_empty() {
                    return Ok(all);
                }
                all.extend(data);
            }
        });
    match result {
        Ok(data) => PyBytes(&data).py_repr(),
        Err(e) => common::describe_error(&e),
    }
}

#[test]
fn threaded_server_fails_each_hostile_client_as_cpython_does_and_serves_the_next() {
    let n = HOSTILE.len() + 1;
    let (port, server) = pyssl_server(n);
    let (_py, py_port, mut py_out) = python_server(n);
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for kind in HOSTILE {
        play(kind, port);
        play(kind, py_port);
        let mut line = String::new();
        py_out.read_line(&mut line).unwrap();
        theirs.push(line.trim_end().to_string());
    }
    assert_eq!(normal_client(port), "b'hello'");
    assert_eq!(normal_client(py_port), "b'hello'");
    let mut line = String::new();
    py_out.read_line(&mut line).unwrap();
    theirs.push(line.trim_end().to_string());
    ours.extend(server.join().unwrap());
    let theirs: Vec<String> = theirs.iter().map(|t| common::oracle_as_linked(t)).collect();
    // On 3.2+ a record-layer reason may read as RECORD_LAYER_FAILURE: rewrite ours alike.
    let ours: Vec<String> = ours.iter().map(|o| common::oracle_as_linked(o)).collect();
    assert_eq!(ours, theirs);
    let expected = [
        "SSLError|1|'SSL'|'WRONG_VERSION_NUMBER'|None|None|[SSL: WRONG_VERSION_NUMBER] wrong version number",
        "SSLError|1|'SSL'|'HTTP_REQUEST'|None|None|[SSL: HTTP_REQUEST] http request",
        "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
        "SSLError|1|'SSL'|'PACKET_LENGTH_TOO_LONG'|None|None|[SSL: PACKET_LENGTH_TOO_LONG] packet length too long",
        "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
        "ConnectionResetError|104|-|-|-|-|[Errno 104] Connection reset by peer",
        "TimeoutError|None|-|-|-|-|The handshake operation timed out",
        "ok",
    ]
    .map(common::oracle_as_linked);
    assert_eq!(ours, expected);
}

// ---------------------------------------------------------------------------------------------
// `pyssl serve` against the hostile clients: descriptors and memory

/// `pyssl serve --port 0 --handshake-timeout 1`, its stderr in a file; killed when dropped.
struct Serve {
    child: Child_,
    port: u16,
    stderr: std::path::PathBuf,
}

fn pyssl_serve() -> Serve {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nth = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let stderr = std::env::temp_dir().join(format!("pyssl-serve-{}-{nth}.err", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(["serve", "--port", "0", "--handshake-timeout"])
        // Under valgrind the test's own clients are slow enough to miss a 1 s deadline.
        .arg(if under_valgrind() { "5" } else { "1" })
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("Serving HTTPS on ('127.0.0.1', ")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Serve {
        child: Child_(child),
        port,
        stderr,
    }
}

impl Serve {
    fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Open descriptors of the server process.
    fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .count()
    }

    /// Resident memory of the server process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Waits (at most `limit`) until the descriptor count is back to `baseline`.
    fn fds_settle(&self, baseline: usize, limit: Duration) -> usize {
        let start = std::time::Instant::now();
        loop {
            let n = self.fds();
            if n <= baseline || start.elapsed() > limit {
                return n;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.stderr);
    }
}

const RESPONSE: &str =
    r"b'HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!'";

#[test]
fn pyssl_serve_survives_hostile_clients_with_flat_descriptors_and_memory() {
    let server = pyssl_serve();
    assert_eq!(normal_client(server.port), RESPONSE);
    let baseline = server.fds_settle(0, Duration::from_millis(300));
    for kind in HOSTILE {
        play(kind, server.port);
        assert_eq!(normal_client(server.port), RESPONSE, "after {kind:?}");
        let fds = server.fds_settle(baseline, Duration::from_secs(5));
        assert_eq!(fds, baseline, "descriptors after {kind:?}");
    }
    let log = server.log();
    for expected in [
        "failed: [SSL: WRONG_VERSION_NUMBER] wrong version number",
        "failed: [SSL: HTTP_REQUEST] http request",
        "failed: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
        "failed: [SSL: PACKET_LENGTH_TOO_LONG] packet length too long",
        "failed: [Errno 104] Connection reset by peer",
        "failed: The handshake operation timed out",
    ] {
        let expected = common::oracle_as_linked(expected);
        let log = common::oracle_as_linked(&log);
        assert!(log.contains(&expected), "{expected:?} not in\n{log}");
    }
    assert!(!log.contains("panicked"), "{log}");

    // 500 clients that connect and never send a byte, twice: the handshake timeout (1 s) frees
    // every one, and the second round costs no more memory than the first.
    let mut rss = Vec::new();
    for round in 0..3 {
        let idle: Vec<socket::socket> = (0..500).map(|_| connect_raw(server.port)).collect();
        let start = std::time::Instant::now();
        while server.fds() < baseline + 500 && start.elapsed() < Duration::from_secs(10) {
            thread::sleep(Duration::from_millis(50));
        }
        assert!(
            server.fds() >= baseline + 500,
            "round {round}: the server holds {} descriptors, not {} + 500",
            server.fds(),
            baseline
        );
        // The server gives up on each one and closes it: every idle client reads EOF.
        for s in &idle {
            s.settimeout(Some(10.0)).unwrap();
            assert_eq!(s.recv(1).unwrap(), b"", "round {round}");
        }
        drop(idle);
        assert_eq!(
            server.fds_settle(baseline, Duration::from_secs(5)),
            baseline,
            "round {round}"
        );
        assert_eq!(normal_client(server.port), RESPONSE, "round {round}");
        rss.push(server.rss_kib());
    }
    // VmRSS moves by several MiB from round to round (glibc's per-thread arenas for 500
    // handler threads at once); a per-connection leak would instead add up over the two later
    // rounds (1,000 connections: 16 KiB each already exceeds the bound).
    let growth = rss[2].saturating_sub(rss[0]);
    // Under a sanitizer (scripts/sanitize.sh) freed memory sits in quarantine and VmRSS means
    // nothing; LeakSanitizer or valgrind checks for leaks instead.
    if std::env::var_os("PYSSL_SANITIZER").is_none() {
        assert!(growth < 16384, "VmRSS grew by {growth} KiB: {rss:?}");
        assert!(rss[1] < 64 * 1024, "VmRSS {rss:?} KiB");
    }
}

#[test]
fn pyssl_serve_fatal_alert_survives_unread_client_data() {
    skip_in_fips!("it sends a TLS 1.1 ClientHello, and TLS 1.0/1.1 need MD5+SHA1, which the FIPS provider lacks");
    let server = pyssl_serve();
    // A TLS 1.1 ClientHello (refused with a protocol_version alert) and, in the same write,
    // more bytes the server will never read. A server that closes at once makes the kernel
    // answer them with RST, which can destroy the alert before the client reads it.
    let mut payload = client_hello(true);
    payload.extend(std::iter::repeat(0u8).take(16 * 1024));
    for _ in 0..5 {
        let s = connect_raw(server.port);
        s.sendall(&payload).unwrap();
        let mut received = Vec::new();
        loop {
            match s.recv(4096) {
                Ok(data) if data.is_empty() => break,
                Ok(data) => received.extend(data),
                Err(e) => panic!("{e} after {received:?}"),
            }
        }
        // One alert record: level fatal (2), protocol_version (70).
        assert_eq!(received.len(), 7, "{received:?}");
        assert_eq!(received[0], 0x15);
        assert_eq!(&received[5..], &[2, 70]);
    }
    assert!(server
        .log()
        .contains("failed: [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol"));
    assert_eq!(normal_client(server.port), RESPONSE);
}

// ---------------------------------------------------------------------------------------------
// Misbehaving servers against a pyssl client and a CPython client

/// Client socket timeout in these cases (under valgrind, which runs code some 30 times
/// slower, a handshake alone can take longer than that).
fn client_timeout() -> f64 {
    if under_valgrind() {
        10.0
    } else {
        0.5
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BadServer {
    /// Sends data, then closes without close_notify.
    NoCloseNotify,
    /// Handshakes, then resets the connection (SO_LINGER 0).
    Resets,
    /// Accepts and never answers the ClientHello.
    StallsHandshake,
    /// Handshakes, then never sends the response.
    StallsResponse,
    /// Sends the first half of a TLS record, then closes.
    TruncatesRecord,
    /// Presents a leaf whose issuer the client does not have.
    UnverifiableChain,
    /// Answers the ClientHello with an HTTP error in clear text, then closes.
    PlainHttp,
    /// Greets in clear text (an SSH banner) and waits.
    PlainBanner,
}

fn tls_server_ctx(cert: &str, key: &str) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture_str(cert).as_str(),
        common::fixture_str(key).as_str(),
    )
    .unwrap();
    ctx.set_num_tickets(0).unwrap();
    ctx
}

/// Serves `n` connections, each misbehaving as `kind` says.
fn bad_server(kind: BadServer, n: usize) -> (u16, thread::JoinHandle<()>) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(4).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        let ctx = match kind {
            BadServer::UnverifiableChain => {
                tls_server_ctx("server-chain-leaf.pem", "server-chain.key")
            }
            _ => tls_server_ctx("server.pem", "server.key"),
        };
        // Each connection in its own thread, so a stall on one does not delay the next.
        let workers: Vec<_> = (0..n)
            .map(|_| {
                let (sock, _) = listener.accept().unwrap();
                let ctx = ctx.clone();
                thread::spawn(move || misbehave(kind, &ctx, sock))
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    });
    (port, handle)
}

/// One connection of a [`bad_server`].
fn misbehave(kind: BadServer, ctx: &ssl::SSLContext, sock: socket::socket) {
    sock.settimeout(Some(10.0)).unwrap();
    let stall = Duration::from_secs_f64(client_timeout() + 1.0);
    let handshake = |sock: socket::socket| {
        ctx.wrap_socket(
            sock,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
    };
    match kind {
        BadServer::NoCloseNotify => {
            let mut conn = handshake(sock).unwrap();
            conn.sendall(b"partial response").unwrap();
            // Let the client read the data before the FIN (no close_notify: pyssl's
            // close, like CPython's, sends none).
            thread::sleep(Duration::from_millis(50));
            conn.close().unwrap();
        }
        BadServer::Resets => {
            let conn = handshake(sock).unwrap();
            let linger: Vec<u8> = [1i32.to_ne_bytes(), 0i32.to_ne_bytes()].concat();
            conn.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, &linger)
                .unwrap();
            conn.close().unwrap();
        }
        BadServer::StallsHandshake => {
            thread::sleep(stall);
            sock.close().unwrap();
        }
        BadServer::StallsResponse => {
            let conn = handshake(sock).unwrap();
            thread::sleep(stall);
            drop(conn);
        }
        BadServer::TruncatesRecord => truncate_record(ctx, sock),
        BadServer::UnverifiableChain => {
            let _ = handshake(sock);
        }
        BadServer::PlainHttp => {
            let _ = sock.recv(4096);
            sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            let _ = sock.shutdown(socket::SHUT_WR);
            thread::sleep(Duration::from_millis(100));
            sock.close().unwrap();
        }
        BadServer::PlainBanner => {
            sock.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n").unwrap();
            // The client fails on the banner and closes; wait for that.
            let _ = sock.recv(4096);
            let _ = sock.recv(4096);
            sock.close().unwrap();
        }
    }
}

/// A TLS server over memory BIOs: handshakes over `sock`, then sends half of one record.
fn truncate_record(ctx: &ssl::SSLContext, sock: socket::socket) {
    let incoming = ssl::MemoryBIO::new().unwrap();
    let outgoing = ssl::MemoryBIO::new().unwrap();
    let mut obj = ctx
        .wrap_bio(
            &incoming,
            &outgoing,
            ssl::WrapBio {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    loop {
        let r = obj.do_handshake();
        sock.sendall(&outgoing.read(-1).unwrap()).unwrap();
        match r {
            Ok(()) => break,
            Err(e) if e.is_want_read() => {
                let data = sock.recv(16384).unwrap();
                assert!(!data.is_empty(), "client left mid-handshake");
                incoming.write(&data).unwrap();
            }
            Err(e) => panic!("{e}"),
        }
    }
    obj.write(b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\n\r\nHello Secure World!")
        .unwrap();
    let record = outgoing.read(-1).unwrap();
    sock.sendall(&record[..record.len() / 2]).unwrap();
    thread::sleep(Duration::from_millis(50));
    sock.close().unwrap();
}

/// A pyssl client: handshake, then read until EOF or an error; prints what it got.
fn pyssl_client(port: u16, suppress_ragged_eofs: bool) -> String {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    sock.settimeout(Some(client_timeout())).unwrap();
    let mut s = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                suppress_ragged_eofs,
                ..Default::default()
            },
        )
        .unwrap();
    if let Err(e) = s.connect(("127.0.0.1", port)) {
        return format!("handshake: {}", common::describe_error(&e));
    }
    let mut data = Vec::new();
    let end = loop {
        match s.recv(4096) {
            Ok(d) if d.is_empty() => break "EOF".to_string(),
            Ok(d) => data.extend(d),
            Err(e) => break common::describe_error(&e),
        }
    };
    format!("read {}: {end}", PyBytes(&data).py_repr())
}

/// The same client in CPython 3.13, run on every `port:suppress` argument side by side;
/// prints one line per argument, in order.
const PY_CLIENT: &str = r#"
import socket, ssl, sys
from concurrent.futures import ThreadPoolExecutor
cafile, timeout = sys.argv[1], float(sys.argv[2])

def client(arg):
    port, suppress = arg.split(':')
    ctx = ssl.create_default_context(cafile=cafile)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    s = ctx.wrap_socket(sock, server_hostname='localhost', suppress_ragged_eofs=suppress == '1')
    try:
        s.connect(('127.0.0.1', int(port)))
    except Exception as e:
        return 'handshake: ' + describe_error(e)
    data = b''
    while True:
        try:
            d = s.recv(4096)
        except Exception as e:
            end = describe_error(e)
            break
        if not d:
            end = 'EOF'
            break
        data += d
    return 'read %r: %s' % (data, end)

with ThreadPoolExecutor(len(sys.argv) - 3) as pool:
    for line in pool.map(client, sys.argv[3:]):
        print(line)
"#;

fn python_clients(cases: &[(u16, bool)]) -> Vec<String> {
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY_CLIENT);
    let mut args = vec![common::fixture_str("ca.pem"), client_timeout().to_string()];
    args.extend(
        cases
            .iter()
            .map(|(port, suppress)| format!("{port}:{}", *suppress as u8)),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::py313(&code, &args)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn misbehaving_servers_end_in_cpythons_error_for_pyssl_clients() {
    let eof = "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol";
    let wrong_version = "SSLError|1|'SSL'|'WRONG_VERSION_NUMBER'|None|None|[SSL: WRONG_VERSION_NUMBER] wrong version number";
    let cases: Vec<(BadServer, bool, String)> = vec![
        (
            BadServer::NoCloseNotify,
            true,
            "read b'partial response': EOF".into(),
        ),
        (
            BadServer::NoCloseNotify,
            false,
            format!("read b'partial response': {eof}"),
        ),
        (
            BadServer::Resets,
            true,
            "read b'': ConnectionResetError|104|-|-|-|-|[Errno 104] Connection reset by peer"
                .into(),
        ),
        (
            BadServer::StallsHandshake,
            true,
            "handshake: TimeoutError|None|-|-|-|-|The handshake operation timed out".into(),
        ),
        (
            BadServer::StallsResponse,
            true,
            "read b'': TimeoutError|None|-|-|-|-|The read operation timed out".into(),
        ),
        (BadServer::TruncatesRecord, true, "read b'': EOF".into()),
        (
            BadServer::TruncatesRecord,
            false,
            format!("read b'': {eof}"),
        ),
        (BadServer::UnverifiableChain, true, "handshake: SSLCertVerificationError|1|'SSL'|'CERTIFICATE_VERIFY_FAILED'|20|'unable to get local issuer certificate'|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate".into()),
        (BadServer::PlainHttp, true, format!("handshake: {wrong_version}")),
        (BadServer::PlainBanner, true, format!("handshake: {wrong_version}")),
    ];
    // The cases run side by side (each has its own server, serving the pyssl client and then
    // the CPython one), to keep the test short.
    let servers: Vec<_> = cases
        .iter()
        .map(|(kind, ..)| bad_server(*kind, 2))
        .collect();
    let ours: Vec<String> = thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .zip(&servers)
            .map(|((kind, suppress, _), (port, _))| {
                scope.spawn(move || {
                    let started = std::time::Instant::now();
                    let ours = pyssl_client(*port, *suppress);
                    let took = started.elapsed();
                    let limit = Duration::from_secs_f64(client_timeout() * 10.0);
                    assert!(took < limit, "{kind:?} took {took:?}");
                    ours
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let theirs = python_clients(
        &cases
            .iter()
            .zip(&servers)
            .map(|((_, suppress, _), (port, _))| (*port, *suppress))
            .collect::<Vec<_>>(),
    );
    for (_, server) in servers {
        server.join().unwrap();
    }
    assert_eq!(theirs.len(), cases.len());
    let mut failures = Vec::new();
    for (((kind, suppress, expected), ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        let (theirs, expected) = (
            common::oracle_as_linked(theirs),
            common::oracle_as_linked(expected),
        );
        let ours = &common::oracle_as_linked(ours);
        if *ours != theirs || *ours != expected {
            failures.push(format!(
                "{kind:?} suppress={suppress}\n  pyssl:   {ours}\n  CPython: {theirs}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
