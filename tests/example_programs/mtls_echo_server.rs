//! `examples/mtls_echo_server.py` and its port, each served the same four clients.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use pyssl::socket;
use pyssl::ssl;

use crate::peers::reset_on_close;
use crate::{both, common, port, python, theirs, Outcome};

/// A running server program whose stdout is read line by line.
pub(crate) struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stdout: String,
}

impl Running {
    pub(crate) fn start(mut cmd: Command, args: &[&str]) -> Running {
        let mut child = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        thread::spawn(move || {
            for line in stdout.lines() {
                if tx.send(line.unwrap()).is_err() {
                    return;
                }
            }
        });
        Running {
            child,
            lines,
            stdout: String::new(),
        }
    }

    /// The next `n` lines the server prints (waiting up to 10 s for each).
    pub(crate) fn expect_lines(&mut self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let line = self
                    .lines
                    .recv_timeout(Duration::from_secs(10))
                    .unwrap_or_else(|e| panic!("the server printed {:?}, then {e}", self.stdout));
                self.stdout.push_str(&line);
                self.stdout.push('\n');
                line
            })
            .collect()
    }

    pub(crate) fn finish(mut self) -> Outcome {
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not exit; it printed {:?}",
                self.stdout
            );
            thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(10)) {
            self.stdout.push_str(&line);
            self.stdout.push('\n');
        }
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut stderr).unwrap();
        Outcome {
            stdout: std::mem::take(&mut self.stdout),
            stderr,
            status: status.code(),
        }
    }
}

/// A test that fails half-way leaves no server behind.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client of the echo server: presents `cert` (if any), sends two lines and returns the
/// echoes, or the error that ended it; with `reset`, it resets the connection after the first.
fn echo_client(port: u16, cert: Option<&str>, reset: bool) -> Result<Vec<Vec<u8>>, pyssl::Error> {
    let ctx = common::client_context();
    if let Some(cert) = cert {
        ctx.load_cert_chain(
            common::fixture(&format!("{cert}.pem")),
            common::fixture_str(&format!("{cert}.key")).as_str(),
        )?;
    }
    let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
    let mut tls = ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )?;
    let mut echoes = Vec::new();
    for line in [&b"hello\n"[..], b"world!\n"] {
        tls.sendall(line)?;
        echoes.push(tls.recv(1024)?);
        if reset {
            reset_on_close(&tls);
            break;
        }
    }
    Ok(echoes)
}

/// `127.0.0.1:<port>` → `127.0.0.1:PORT`: the clients' ports differ from run to run.
pub(crate) fn without_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i + "127.0.0.1:".len()]);
        rest = rest[i + "127.0.0.1:".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push_str("PORT");
    }
    out.push_str(rest);
    out
}

/// Starts the server, connects the five clients one after the other (each once the server
/// has printed what it says about the previous one) and returns how the server ended.
fn serve_five_clients(cmd: Command) -> Outcome {
    let (cert, key, ca) = (
        common::fixture_str("server.pem"),
        common::fixture_str("server.key"),
        common::fixture_str("ca.pem"),
    );
    let args = [&cert, &key, &ca, "--port", "0", "--max-connections", "5"];
    let mut server = Running::start(cmd, &args);
    let first = server.expect_lines(1).remove(0);
    let port: u16 = first
        .strip_prefix("listening on 127.0.0.1:")
        .and_then(|rest| rest.split(',').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first}"));

    let echoes = echo_client(port, Some("client"), false).unwrap();
    assert_eq!(echoes, [&b"hello\n"[..], b"world!\n"]);
    server.expect_lines(2);
    // One that resets the connection after its first line.
    assert_eq!(
        echo_client(port, Some("client"), true).unwrap(),
        [b"hello\n"]
    );
    server.expect_lines(2);
    // Without a certificate, and with one the server's CA did not sign: the server refuses
    // (TLS 1.3 tells the client after its side of the handshake).
    let _ = echo_client(port, None, false); // an alert or a reset, whichever arrives first
    server.expect_lines(1);
    let _ = echo_client(port, Some("selfsigned"), false);
    server.expect_lines(1);
    // A client that connects and leaves without a word of TLS.
    drop(socket::create_connection(("127.0.0.1", port), Default::default()).unwrap());
    server.expect_lines(1);
    let mut out = server.finish();
    out.stdout = without_ports(&out.stdout);
    out
}

#[test]
fn mtls_echo_server_serves_threads_and_stops_from_the_main_thread() {
    let python = theirs(serve_five_clients(python("mtls_echo_server")));
    let rust = serve_five_clients(port("mtls_echo_server"));
    assert_eq!(rust, python, "the port (left) and CPython 3.13 (right)");
    assert_eq!(rust.status, Some(0));
    assert_eq!(rust.stderr, "");
    let client_cert = common::py313(
        "import _ssl, sys; print(_ssl._test_decode_cert(sys.argv[1]))",
        &[&common::fixture_str("client.pem")],
    );
    let expected = common::oracle_as_linked(&format!(
        "listening on 127.0.0.1:PORT, serving 5 connections
127.0.0.1:PORT: TLSv1.3, client certificate {cert}
127.0.0.1:PORT: echoed 13 bytes
127.0.0.1:PORT: TLSv1.3, client certificate {cert}
127.0.0.1:PORT: connection error: [Errno 104] Connection reset by peer
127.0.0.1:PORT: TLS error: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate
127.0.0.1:PORT: rejected the client certificate: self-signed certificate
127.0.0.1:PORT: TLS error: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol
served 5 connections
",
        cert = client_cert.trim()
    ));
    assert_eq!(rust.stdout, expected);
}

#[test]
fn mtls_echo_server_reports_certificates_it_cannot_load() {
    let (cert, key, ca, garbage) = (
        common::fixture_str("server.pem"),
        common::fixture_str("server.key"),
        common::fixture_str("ca.pem"),
        common::fixture_str("garbage.pem"),
    );
    let missing = common::fixture_str("missing.key");
    for (args, stderr) in [
        (
            [cert.as_str(), &missing, &ca],
            "cannot load certificates: [Errno 2] No such file or directory\n",
        ),
        (
            [garbage.as_str(), &key, &ca],
            "cannot load certificates: [SSL] PEM lib\n",
        ),
    ] {
        let out = both("mtls_echo_server", &args);
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (Some(1), "", stderr)
        );
    }
}
