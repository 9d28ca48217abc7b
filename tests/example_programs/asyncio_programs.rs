//! The asyncio example programs (`examples/asyncio_*.py`) and their ports on `pyssl::asyncio`,
//! run against the same loopback peers: the STARTTLS program (both ends in one process), the
//! echo client against servers that echo, present an untrusted certificate, refuse, never
//! answer or hang up, and the echo server with clients that echo and that reset.

use pyssl::socket;
use pyssl::ssl;

use crate::mtls_echo_server::{without_ports, Running};
use crate::peers::{refused_port, reset_on_close, server, server_context, until_closed};
use crate::{both, common, port, python, theirs};

#[test]
fn asyncio_starttls_upgrades_the_streams_as_cpython() {
    let out = both(
        "asyncio_starttls",
        &[
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
            &common::fixture_str("ca.pem"),
        ],
    );
    assert_eq!((out.status, out.stderr.as_str()), (Some(0), ""));
    assert!(
        out.stdout
            .contains("client: STARTTLS -> 220 go ahead\nclient: now TLSv1.3\n"),
        "{}",
        out.stdout
    );
}

/// A TLS server presenting `cert` that echoes lines; with `hang_up`, it answers nothing and
/// ends the session (close_notify) after the first line.
fn line_server(cert: &str, hang_up: bool) -> (u16, std::sync::Arc<socket::socket>) {
    let ctx = server_context(cert);
    server(move |conn| {
        let Ok(mut tls) = ctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        ) else {
            return;
        };
        while let Ok(data) = tls.recv(1024) {
            if data.is_empty() {
                return;
            }
            if hang_up {
                let _ = tls.unwrap();
                return;
            }
            if tls.sendall(&data).is_err() {
                return;
            }
        }
    })
}

fn client(port: u16, messages: &[&str]) -> crate::Outcome {
    let (port, ca) = (port.to_string(), common::fixture_str("ca.pem"));
    let mut args = vec!["localhost", &port, &ca];
    args.extend_from_slice(messages);
    both("asyncio_echo_client", &args)
}

#[test]
fn asyncio_echo_client_echoes_and_fails_as_cpython() {
    let (port, _server) = line_server("server", false);
    let out = client(port, &["hello", "world"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (
            Some(0),
            "connected to localhost with TLS_AES_256_GCM_SHA384\necho: hello\necho: world\n"
        )
    );
    let (port, _server) = line_server("selfsigned", false);
    let out = client(port, &["hello"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (
            Some(2),
            common::oracle_as_linked("certificate rejected: self-signed certificate\n").as_str()
        )
    );
    let (port, _unused) = refused_port();
    let out = client(port, &["hello"]);
    assert_eq!(
        (out.status, out.stdout),
        (
            Some(3),
            format!("cannot connect: Connect call failed ('127.0.0.1', {port})\n")
        )
    );
    let (port, _server) = line_server("server", true);
    let out = client(port, &["hello", "world"]);
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (
            Some(5),
            "connected to localhost with TLS_AES_256_GCM_SHA384\nthe server hung up\n"
        )
    );
}

#[test]
fn asyncio_echo_client_gives_up_on_a_silent_server_as_cpython() {
    // Accepts, reads the ClientHello, never answers: the 5 s handshake timeout aborts the
    // connection with sslproto's ConnectionAbortedError, which the script does not catch.
    let (port, _server) = server(|mut conn| until_closed(&mut conn));
    let out = client(port, &["hello"]);
    assert_eq!(
        (out.status, out.stdout.as_str(), out.stderr.as_str()),
        (
            Some(1),
            "",
            "ConnectionAbortedError: SSL handshake is taking longer than 5.0 seconds: aborting the connection\n"
        )
    );
}

/// Starts the echo server program for three connections: a client echoing two lines, one
/// that resets the connection after its first line, and one more that echoes.
fn serve_three_clients(cmd: std::process::Command) -> crate::Outcome {
    let (cert, key) = (
        common::fixture_str("server.pem"),
        common::fixture_str("server.key"),
    );
    let mut server = Running::start(cmd, &[&cert, &key, "--connections", "3"]);
    let first = server.expect_lines(1).remove(0);
    let port: u16 = first
        .strip_prefix("serving on 127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{first}"));
    let echo = |lines: &[&[u8]], reset: bool| {
        let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
        let mut tls = common::client_context()
            .wrap_socket(
                sock,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )
            .unwrap();
        tls.settimeout(Some(10.0)).unwrap();
        let mut echoes = Vec::new();
        for line in lines {
            tls.sendall(line).unwrap();
            echoes.push(tls.recv(1024).unwrap());
        }
        if reset {
            reset_on_close(&tls);
        }
        echoes
    };
    assert_eq!(
        echo(&[b"hello\n", b"world\n"], false),
        [&b"hello\n"[..], b"world\n"]
    );
    server.expect_lines(2);
    assert_eq!(echo(&[b"one\n"], true), [b"one\n"]);
    server.expect_lines(2);
    assert_eq!(echo(&[b"last\n"], false), [b"last\n"]);
    server.expect_lines(3);
    let mut out = server.finish();
    out.stdout = without_ports(&out.stdout);
    out
}

#[test]
fn asyncio_echo_server_serves_and_stops_as_cpython() {
    let python = theirs(serve_three_clients(python("asyncio_echo_server")));
    let rust = serve_three_clients(port("asyncio_echo_server"));
    assert_eq!(rust, python, "the port (left) and CPython 3.13 (right)");
    assert_eq!(rust.status, Some(0));
}
