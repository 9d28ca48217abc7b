//! `ssl::get_server_certificate` and `pyssl getcert` against CPython 3.13's
//! `ssl.get_server_certificate`, on loopback servers run by CPython 3.13 and by pyssl.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::thread;

use pyssl::{socket, ssl};

/// A CPython 3.13 TLS server on `127.0.0.1:<port>` handing out `cert`, one connection after
/// another, until dropped.
struct PythonServer {
    child: Child,
    port: u16,
}

impl PythonServer {
    fn start(cert: &str, key: &str) -> PythonServer {
        PythonServer::start_with_sni(cert, key, None)
    }

    /// With `sni_cert`, a client sending SNI `localhost` gets that certificate instead.
    fn start_with_sni(cert: &str, key: &str, sni_cert: Option<(&str, &str)>) -> PythonServer {
        let code = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
if len(sys.argv) > 3:
    sni_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sni_ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    def pick(sslobj, server_name, _):
        if server_name == 'localhost':
            sslobj.context = sni_ctx
    ctx.sni_callback = pick
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    conn.settimeout(5)
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            s.recv(1)
    except OSError:
        pass
"#;
        let mut args = vec![
            "-c".to_string(),
            code.to_string(),
            common::fixture_str(cert),
            common::fixture_str(key),
        ];
        if let Some((sni_cert, sni_key)) = sni_cert {
            args.push(common::fixture_str(sni_cert));
            args.push(common::fixture_str(sni_key));
        }
        let mut child = common::python313()
            .args(&args)
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("CPython 3.13 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the server prints its port");
        let port = line.trim().parse().expect("a port number");
        PythonServer { child, port }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pyssl TLS server on `127.0.0.1:<port>` (in this process) serving `connections`
/// connections with `cert`.
fn pyssl_server(cert: &str, key: &str, connections: usize) -> u16 {
    let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    context
        .load_cert_chain(common::fixture(cert), &*common::fixture_str(key))
        .unwrap();
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let listener = context
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    thread::spawn(move || {
        for _ in 0..connections {
            if let Ok((mut conn, _)) = listener.accept() {
                let _ = conn.settimeout(Some(5.0));
                let _ = conn.recv(1);
            }
        }
    });
    port
}

/// The fixture's certificate as `DER_cert_to_PEM_cert` writes it.
fn fixture_pem(name: &str) -> String {
    let text = std::fs::read_to_string(common::fixture(name)).unwrap();
    ssl::DER_cert_to_PEM_cert(&ssl::PEM_cert_to_DER_cert(&text).unwrap())
}

/// What CPython 3.13's `ssl.get_server_certificate(('127.0.0.1', port), ...)` returns (the
/// PEM) or raises (`describe_error`'s line, prefixed with `error: `).
fn cpython_get_server_certificate(host: &str, port: u16, kwargs: &str) -> String {
    let code = format!(
        "{}\nimport sys\ntry:\n    sys.stdout.write(ssl.get_server_certificate((sys.argv[1], int(sys.argv[2])){kwargs}))\nexcept Exception as e:\n    print('error: ' + describe_error(e))\n",
        common::PY_DESCRIBE_ERROR
    );
    common::py313(&code, &[host, &port.to_string()])
}

fn rust_outcome(result: pyssl::Result<String>) -> String {
    match result {
        Ok(pem) => pem,
        Err(e) => format!("error: {}\n", common::describe_error(&e)),
    }
}

#[test]
fn pem_from_a_cpython_server_equals_the_fixture_and_cpythons() {
    let server = PythonServer::start("server.pem", "server.key");
    let expected = fixture_pem("server.pem");
    for host in ["127.0.0.1", "localhost"] {
        let pem = ssl::get_server_certificate((host, server.port), Default::default()).unwrap();
        assert_eq!(pem, expected, "{host}");
        assert_eq!(
            cpython_get_server_certificate(host, server.port, ""),
            pem,
            "{host}"
        );
    }
    assert!(expected.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(expected.ends_with("\n-----END CERTIFICATE-----\n"));
}

#[test]
fn the_host_is_sent_as_sni_as_in_cpython() {
    // SNI `localhost` selects server.pem; no SNI (an IP address host) keeps ecdsa.pem.
    let server =
        PythonServer::start_with_sni("ecdsa.pem", "ecdsa.key", Some(("server.pem", "server.key")));
    for (host, fixture) in [("localhost", "server.pem"), ("127.0.0.1", "ecdsa.pem")] {
        let pem = ssl::get_server_certificate((host, server.port), Default::default()).unwrap();
        assert_eq!(pem, fixture_pem(fixture), "{host}");
        assert_eq!(cpython_get_server_certificate(host, server.port, ""), pem);
    }
}

#[test]
fn pem_from_a_pyssl_server_equals_the_fixture_and_cpythons() {
    let port = pyssl_server("ecdsa.pem", "ecdsa.key", 2);
    let pem = ssl::get_server_certificate(("127.0.0.1", port), Default::default()).unwrap();
    assert_eq!(pem, fixture_pem("ecdsa.pem"));
    assert_eq!(cpython_get_server_certificate("127.0.0.1", port, ""), pem);
}

#[test]
fn ca_certs_verifies_but_does_not_check_the_host_name() {
    let ca = common::fixture_str("ca.pem");
    let kwargs = format!(", ca_certs={ca:?}");
    // Signed by the CA but for another name: accepted (check_hostname is off), as in CPython.
    let server = PythonServer::start("wronghost.pem", "wronghost.key");
    let kw = ssl::GetServerCertificate {
        ca_certs: Some(&ca),
        ..Default::default()
    };
    let pem = ssl::get_server_certificate(("127.0.0.1", server.port), kw).unwrap();
    assert_eq!(pem, fixture_pem("wronghost.pem"));
    assert_eq!(
        cpython_get_server_certificate("127.0.0.1", server.port, &kwargs),
        pem
    );
    // Self-signed: CPython's verification error, attribute for attribute.
    let server = PythonServer::start("selfsigned.pem", "selfsigned.key");
    let rust = rust_outcome(ssl::get_server_certificate(("localhost", server.port), kw));
    assert_eq!(
        rust,
        common::oracle_as_linked(
            "error: SSLCertVerificationError|1|'SSL'|'CERTIFICATE_VERIFY_FAILED'|18|'self-signed certificate'|\
             [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate\n"
        )
    );
    assert_eq!(
        common::oracle_as_linked(&cpython_get_server_certificate(
            "localhost",
            server.port,
            &kwargs
        )),
        rust
    );
    // Without ca_certs nothing is verified.
    let pem = ssl::get_server_certificate(("localhost", server.port), Default::default()).unwrap();
    assert_eq!(pem, fixture_pem("selfsigned.pem"));
}

#[test]
fn a_silent_server_times_out_as_in_cpython() {
    // Accepts TCP connections (the kernel's backlog) but never answers the ClientHello.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let started = std::time::Instant::now();
    let rust = rust_outcome(ssl::get_server_certificate(
        ("127.0.0.1", port),
        ssl::GetServerCertificate {
            timeout: 0.5.into(),
            ..Default::default()
        },
    ));
    let elapsed = started.elapsed().as_secs_f64();
    assert!((0.45..3.0).contains(&elapsed), "{elapsed}");
    assert_eq!(
        rust,
        "error: TimeoutError|None|-|-|-|-|The handshake operation timed out\n"
    );
    assert_eq!(
        cpython_get_server_certificate("127.0.0.1", port, ", timeout=0.5"),
        rust
    );
}

#[test]
fn connection_and_address_errors_are_cpythons() {
    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rust = rust_outcome(ssl::get_server_certificate(
        ("127.0.0.1", port),
        Default::default(),
    ));
    assert_eq!(
        rust,
        "error: ConnectionRefusedError|111|-|-|-|-|[Errno 111] Connection refused\n"
    );
    assert_eq!(cpython_get_server_certificate("127.0.0.1", port, ""), rust);
    // `host, port = addr` with an IPv6 4-tuple.
    let e = ssl::get_server_certificate(("::1", port, 0, 0), Default::default()).unwrap_err();
    assert_eq!(e.type_name(), "ValueError");
    assert_eq!(e.to_string(), "too many values to unpack (expected 2)");
}

// ---- pyssl getcert ----------------------------------------------------------------------------

fn getcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("getcert")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the pyssl binary runs")
}

#[test]
fn getcert_prints_exactly_the_pem() {
    let server = PythonServer::start("server.pem", "server.key");
    let port = server.port.to_string();
    let out = getcert(&["127.0.0.1", &port]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        fixture_pem("server.pem")
    );
    assert!(out.stderr.is_empty());
    let out = getcert(&[
        "localhost",
        &port,
        "--cafile",
        &common::fixture_str("ca.pem"),
        "--timeout",
        "5",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        fixture_pem("server.pem")
    );
}

#[test]
fn getcert_errors_are_pythons_str_on_stderr() {
    let server = PythonServer::start("selfsigned.pem", "selfsigned.key");
    let ca = common::fixture_str("ca.pem");
    let code = r#"
import ssl, sys
try:
    ssl.get_server_certificate(('localhost', int(sys.argv[1])), ca_certs=sys.argv[2])
except ssl.SSLError as e:
    print(str(e))
"#;
    let python = common::py313(code, &[&server.port.to_string(), &ca]);
    let out = getcert(&["localhost", &server.port.to_string(), "--cafile", &ca]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        common::oracle_as_linked(&common::strip_location(python.trim_end())) + "\n"
    );

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let out = getcert(&["127.0.0.1", &port, "--timeout", "0.5"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "The handshake operation timed out\n"
    );
    drop(silent);

    let out = getcert(&["127.0.0.1", &port]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "[Errno 111] Connection refused\n"
    );

    let out = getcert(&["127.0.0.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("pyssl getcert HOST PORT [--cafile FILE] [--timeout SECONDS]"));
}
