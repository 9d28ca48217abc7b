//! `pyssl serve` reads the request head up to its blank line, within 8192 bytes and the request
//! deadline, answers, and ends with close_notify (never a reset). Each client runs against
//! `pyssl serve --profile python` (threaded, and with `--features asyncio` also on the asyncio
//! layer, `--asyncio`) and against its CPython 3.13 twin (`scripts/cpython-https-server.py`),
//! which must all give the exact answer.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pyssl::{socket, ssl};

const OK: &str =
    "HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!";
const TOO_LARGE: &str = "HTTP/1.1 431 Request Header Fields Too Large\r\n\
Content-Length: 0\r\nConnection: close\r\n\r\n";
const TIMED_OUT: &str =
    "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
/// How the client saw the connection end when the server sent close_notify.
const CLOSE_NOTIFY: &str = "close_notify";
/// The servers' `--request-timeout` here, in seconds.
const REQUEST_TIMEOUT: f64 = 1.0;

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    name: &'static str,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command`, which prints `Serving HTTPS on ('127.0.0.1', PORT)` first.
fn start(name: &'static str, mut command: Command) -> Server {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
        .unwrap_or_else(|| panic!("{name}: unexpected first line {line:?}"));
    Server { child, port, name }
}

/// `pyssl serve --profile python` with extra arguments, and a 1 s request deadline.
fn pyssl_serve(extra: &[&str]) -> Command {
    let mut pyssl = Command::new(env!("CARGO_BIN_EXE_pyssl"));
    pyssl.args(["serve", "--port", "0", "--profile", "python"]);
    pyssl.args(["--request-timeout", &REQUEST_TIMEOUT.to_string()]);
    pyssl.args(extra);
    pyssl
}

/// `pyssl serve --profile python` (threaded, and on asyncio when the feature is on) and the
/// CPython twin, all with a 1 s request deadline.
fn servers() -> Vec<Server> {
    let timeout = REQUEST_TIMEOUT.to_string();
    let mut cpython = common::python313();
    cpython.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/cpython-https-server.py"
    ));
    cpython.args([
        &common::fixture_str("server.pem"),
        &common::fixture_str("server.key"),
        "0",
        &timeout,
    ]);
    let mut servers = vec![start("pyssl", pyssl_serve(&[])), start("CPython", cpython)];
    if cfg!(feature = "asyncio") {
        servers.push(start("pyssl --asyncio", pyssl_serve(&["--asyncio"])));
    }
    servers
}

/// A verified TLS connection to `port`, for which a TCP EOF without close_notify is an error.
fn connect(port: u16) -> ssl::SSLSocket {
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut conn = common::client_context()
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                suppress_ragged_eofs: false,
                ..Default::default()
            },
        )
        .unwrap();
    conn.settimeout(Some(5.0)).unwrap();
    conn.connect(("127.0.0.1", port)).unwrap();
    conn
}

/// Everything the server sends until the end, and how it ended: [`CLOSE_NOTIFY`], or the error
/// (a TCP EOF without close_notify is `SSLEOFError`, a reset `ConnectionResetError`).
fn read_to_end(conn: &mut ssl::SSLSocket) -> (String, String) {
    let mut received = Vec::new();
    let ending = loop {
        match conn.recv(4096) {
            Ok(data) if data.is_empty() => break CLOSE_NOTIFY.to_string(),
            Ok(data) => received.extend_from_slice(&data),
            Err(e) => break common::describe_error(&e),
        }
    };
    (String::from_utf8(received).unwrap(), ending)
}

/// Asserts that nothing arrives for `pause`: the server is still waiting for the rest.
fn assert_no_answer_yet(conn: &mut ssl::SSLSocket, pause: f64, server: &str) {
    conn.settimeout(Some(pause)).unwrap();
    match conn.recv(4096) {
        Err(e) if e.is_timeout() => {}
        other => panic!("{server}: answered an unfinished request: {other:?}"),
    }
    conn.settimeout(Some(5.0)).unwrap();
}

#[test]
fn a_request_in_several_records_is_read_to_its_blank_line() {
    let pieces = [
        "GET / HT",
        "TP/1.1\r\nHost: local",
        "host\r\nAccept: */*\r\n",
        "\r",
        "\n",
    ];
    for server in servers() {
        let mut conn = connect(server.port);
        for piece in &pieces[..pieces.len() - 1] {
            conn.sendall(piece.as_bytes()).unwrap();
            assert_no_answer_yet(&mut conn, 0.2, server.name);
        }
        conn.sendall(pieces[pieces.len() - 1].as_bytes()).unwrap();
        let reply = read_to_end(&mut conn);
        assert_eq!(reply, (OK.into(), CLOSE_NOTIFY.into()), "{}", server.name);
    }
}

#[test]
fn bare_lf_line_ends_are_accepted() {
    for server in servers() {
        let mut conn = connect(server.port);
        conn.sendall(b"GET / HTTP/1.0\n\n").unwrap();
        let reply = read_to_end(&mut conn);
        assert_eq!(reply, (OK.into(), CLOSE_NOTIFY.into()), "{}", server.name);
    }
}

/// A head of `len` bytes, blank line included.
fn head_of_length(len: usize) -> Vec<u8> {
    let start = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: ";
    let mut head = start.to_vec();
    head.resize(len - 4, b'a');
    head.extend_from_slice(b"\r\n\r\n");
    head
}

#[test]
fn a_head_of_8192_bytes_is_read_and_one_longer_gets_431() {
    for server in servers() {
        for (len, expected) in [(8192, OK), (8193, TOO_LARGE), (20_000, TOO_LARGE)] {
            let mut conn = connect(server.port);
            conn.sendall(&head_of_length(len)).unwrap();
            let reply = read_to_end(&mut conn);
            assert_eq!(
                reply,
                (expected.into(), CLOSE_NOTIFY.into()),
                "{}: {len}",
                server.name
            );
        }
    }
}

#[test]
fn a_head_never_finished_gets_408_at_the_deadline() {
    for server in servers() {
        let mut conn = connect(server.port);
        let start = Instant::now();
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
            .unwrap();
        // A trickle does not move the deadline.
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(300));
            conn.sendall(b"X").unwrap();
        }
        let reply = read_to_end(&mut conn);
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(
            reply,
            (TIMED_OUT.into(), CLOSE_NOTIFY.into()),
            "{}",
            server.name
        );
        assert!(
            (REQUEST_TIMEOUT - 0.1..REQUEST_TIMEOUT + 1.0).contains(&elapsed),
            "{}: {elapsed} s",
            server.name
        );
    }
}

#[test]
fn a_client_that_sends_nothing_gets_close_notify_at_the_deadline() {
    for server in servers() {
        let mut conn = connect(server.port);
        let start = Instant::now();
        let reply = read_to_end(&mut conn);
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(
            reply,
            (String::new(), CLOSE_NOTIFY.into()),
            "{}",
            server.name
        );
        assert!(
            (REQUEST_TIMEOUT - 0.1..REQUEST_TIMEOUT + 1.0).contains(&elapsed),
            "{}: {elapsed} s",
            server.name
        );
    }
}

#[test]
fn timeouts_outside_a_day_are_refused() {
    for (option, what) in [
        ("--request-timeout", "request"),
        ("--handshake-timeout", "handshake"),
    ] {
        for value in ["0", "-1", "nan", "inf", "86400.5", "1e300", "ten"] {
            let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
                .args(["serve", "--port", "0", option, value])
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert_eq!(
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                    String::from_utf8_lossy(&out.stderr).into_owned()
                ),
                (
                    Some(1),
                    String::new(),
                    format!("invalid {what} timeout {value:?}\n")
                ),
            );
        }
    }
}

/// The value of `"key": value` in the one-line JSON `scripts/hold-connections.py` prints.
#[cfg(feature = "asyncio")]
fn json_field<'a>(json: &'a str, key: &str) -> &'a str {
    let start = json
        .find(&format!("\"{key}\": "))
        .unwrap_or_else(|| panic!("no {key} in {json}"))
        + key.len()
        + 4;
    let rest = &json[start..];
    let end = if rest.starts_with('{') {
        rest.find('}').map_or(rest.len(), |i| i + 1)
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    &rest[..end]
}

/// Past the threaded server's cap (1,024 connections at once, one thread each): on asyncio
/// one thread holds 1,100 handshaken connections at the same time (CPython's asyncio as their
/// client) and then answers every one. `scripts/serve-10k.sh` does the same with 10,000.
#[cfg(feature = "asyncio")]
#[test]
fn on_asyncio_one_thread_holds_more_connections_than_the_threaded_cap_and_answers_all() {
    const N: usize = 1100;
    let mut command = Command::new("sh");
    // As many descriptors as the hard limit allows (the soft one may be 1,024).
    command.args([
        "-c",
        r#"ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@""#,
        env!("CARGO_BIN_EXE_pyssl"),
        "serve",
        "--port",
        "0",
        "--asyncio",
    ]);
    let server = start("pyssl --asyncio", command);
    let out = common::python313()
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/hold-connections.py"
        ))
        .args([
            server.port.to_string(),
            N.to_string(),
            common::fixture_str("ca.pem"),
            server.child.id().to_string(),
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fields = ["held", "answered", "server_threads", "errors"].map(|k| json_field(&report, k));
    assert_eq!(fields, ["1100", "1100", "1", "{}"], "{report}");
}
