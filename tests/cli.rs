//! The `pyssl` binary: the demo plays the article, `connect` is its client for real servers,
//! `serve` its server, which survives bad clients.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn pyssl() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyssl"));
    cmd.stdin(Stdio::null());
    cmd
}

#[test]
fn demo_plays_the_article() {
    let out = pyssl().arg("demo").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "   version(): 'TLSv1.3'",
        "   getpeercert(): {}",
        r"   response: 'HTTP/1.1 200 OK\r\n\r\nHello Secure World!'",
        "   cipher(): ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
        "   a self-signed server:  SSL error occurred: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
        "   the wrong host name:   SSL error occurred: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'wrong.example.org'.",
        "   an expired server:     SSL error occurred: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired",
        "   nobody listening:      Socket error occurred: [Errno 111] Connection refused",
    ] {
        let expected = common::oracle_as_linked(expected);
        assert!(stdout.lines().any(|l| l == expected), "missing {expected:?} in:\n{stdout}");
    }
    assert_eq!(
        stdout
            .matches("[server] Connection from: ('127.0.0.1', ")
            .count(),
        2
    );
}

/// A CPython HTTPS server on loopback answering one request; returns it and its port.
fn python_https_server(cert: &str, key: &str) -> (Child, u16) {
    let code = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
with socket.create_server(('127.0.0.1', 0)) as srv:
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            s.recv(4096)
            s.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')
    except ssl.SSLError:
        pass
"#;
    let mut child = common::python313()
        .args([
            "-c",
            code,
            &common::fixture_str(cert),
            &common::fixture_str(key),
        ])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().parse().unwrap())
}

#[test]
fn connect_verifies_a_python_server() {
    let (mut server, port) = python_https_server("server.pem", "server.key");
    let out = pyssl()
        .args([
            "connect",
            "127.0.0.1",
            &port.to_string(),
            "--server-hostname",
            "localhost",
        ])
        .args(["--cafile", &common::fixture_str("ca.pem")])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("version: 'TLSv1.3'\n"), "{stdout}");
    // The verified chain, each certificate as CPython decodes it.
    let decoded = common::py313(
        "import _ssl, sys\nfor f in sys.argv[1:]: print(repr(_ssl._test_decode_cert(f)))",
        &[
            &common::fixture_str("server.pem"),
            &common::fixture_str("ca.pem"),
        ],
    );
    let decoded: Vec<&str> = decoded.lines().collect();
    assert!(
        stdout.contains(&format!("verified chain [0]: {}\n", decoded[0])),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("verified chain [1]: {}\n", decoded[1])),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi\n"),
        "{stdout:?}"
    );
    server.wait().unwrap();
}

#[test]
fn connect_reports_pythons_error_text_and_exits_1() {
    let (mut server, port) = python_https_server("selfsigned.pem", "selfsigned.key");
    let out = pyssl()
        .args([
            "connect",
            "127.0.0.1",
            &port.to_string(),
            "--server-hostname",
            "localhost",
        ])
        .args(["--cafile", &common::fixture_str("ca.pem")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        common::oracle_as_linked(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate\n"
        )
    );
    server.wait().unwrap();
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_keeps_serving_after_bad_clients() {
    keeps_serving_after_bad_clients(&[]);
}

/// The same on the asyncio layer, where a bad client costs a task instead of a thread.
#[cfg(feature = "asyncio")]
#[test]
fn serve_on_asyncio_keeps_serving_after_bad_clients() {
    keeps_serving_after_bad_clients(&["--asyncio"]);
}

fn keeps_serving_after_bad_clients(extra: &[&str]) {
    let mut child = pyssl()
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let port = serving_port(&mut child);
    let server = Server(child);

    // Garbage, plain HTTP, and a client that connects and leaves mid-handshake.
    for junk in [
        &b"\x00\x01garbage\xff"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01",
    ] {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(junk).unwrap();
        let _ = s.shutdown(std::net::Shutdown::Write);
        let _ = s.read_to_end(&mut Vec::new());
    }
    assert_article_reply(port);
    drop(server);
}

#[test]
fn sslkeylogfile_is_honoured_by_create_default_context() {
    let (mut server, port) = python_https_server("server.pem", "server.key");
    let log = std::env::temp_dir().join(format!("pyssl-sslkeylog-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let out = pyssl()
        .args([
            "connect",
            "127.0.0.1",
            &port.to_string(),
            "--server-hostname",
            "localhost",
        ])
        .args(["--cafile", &common::fixture_str("ca.pem")])
        .env("SSLKEYLOGFILE", &log)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.wait().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let labels: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "#",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "EXPORTER_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
        ]
    );
    std::fs::remove_file(&log).unwrap();
}

/// Out of descriptors, `pyssl serve --asyncio` says so on stderr as CPython's asyncio server
/// does (`socket.accept() out of system resource`, through the `log` records it prints as
/// Python's `logging.lastResort` would), pauses accepting, and serves again once descriptors
/// are free.
#[cfg(feature = "asyncio")]
#[test]
fn serve_on_asyncio_survives_running_out_of_descriptors() {
    let mut child = Command::new("sh")
        .args([
            "-c",
            r#"ulimit -n 24; exec "$0" serve --port 0 --asyncio"#,
            env!("CARGO_BIN_EXE_pyssl"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let port = serving_port(&mut child);
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // More connections than the server has descriptors left.
    let held: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let said = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        said,
        "socket.accept() out of system resource: [Errno 24] Too many open files"
    );
    drop(held);
    // Accepting resumes a second later; the queue's dead connections are accepted and dropped.
    std::thread::sleep(Duration::from_millis(2500));
    assert_article_reply(port);
    drop(server);
}

/// The port in `pyssl serve`'s first line, `Serving HTTPS on ('127.0.0.1', PORT)`.
fn serving_port(child: &mut Child) -> u16 {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("Serving HTTPS on ('127.0.0.1', ")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
}

/// A CPython 3.13 client's request to `pyssl serve` on `port` gets the article's reply.
fn assert_article_reply(port: u16) {
    let reply = common::py313(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as s:
    with ctx.wrap_socket(s, server_hostname='localhost') as ss:
        ss.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
        print(repr(ss.recv(4096)))
"#,
        &[&port.to_string(), &common::fixture_str("ca.pem")],
    );
    assert_eq!(
        reply.trim(),
        r"b'HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!'"
    );
}
