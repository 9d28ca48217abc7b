//! Every example (the seed article's snippets, ported) runs and prints what the article's
//! Python prints, offline, against servers on loopback.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `target/<profile>/examples/<name>`: `cargo test` builds the examples beside the tests.
fn example(name: &str) -> Command {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path: PathBuf = dir.join("examples").join(name);
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    let mut cmd = Command::new(path);
    cmd.stdin(Stdio::null());
    cmd
}

fn run(name: &str, args: &[&str]) -> String {
    let out = example(name).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn seed_client_talks_to_its_local_server() {
    let out = run("seed_client", &[]);
    assert_eq!(out, "HTTP/1.1 200 OK\r\n\r\nHello Secure World!\n");
}

#[test]
fn seed_server_serves_a_python_client() {
    let mut child = example("seed_server")
        .args(["--port", "0", "--connections", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = line
        .trim()
        .strip_prefix("Listening on ('127.0.0.1', ")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    // The article's server runs PROTOCOL_TLS without client certificates: a verifying Python
    // client with our CA talks to it.
    let reply = common::py313(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as s:
    with ctx.wrap_socket(s, server_hostname='localhost') as ss:
        ss.sendall(b'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
        data = b''
        while True:
            chunk = ss.recv(4096)
            if not chunk: break
            data += chunk
        print(repr(data))
"#,
        &[port, &common::fixture_str("ca.pem")],
    );
    assert_eq!(
        reply.trim(),
        r"b'HTTP/1.1 200 OK\r\n\r\nHello Secure World!'"
    );
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(
        rest.starts_with("Connection from: ('127.0.0.1', "),
        "{rest}"
    );
}

#[test]
fn seed_error_handling_reports_each_failure_as_python_does() {
    let out = run("seed_error_handling", &[]);
    let lines: Vec<&str> = out.lines().collect();
    let expected = common::oracle_as_linked(
        "SSL error occurred: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate
SSL error occurred: [SSL: WRONG_VERSION_NUMBER] wrong version number
Socket error occurred: [Errno 111] Connection refused",
    );
    assert_eq!(lines, expected.lines().collect::<Vec<_>>());
}

#[test]
fn seed_no_verification_accepts_an_untrusted_server() {
    let out = run("seed_no_verification", &[]);
    assert_eq!(out, "version: 'TLSv1.3'\ngetpeercert(): {}\n");
}

#[test]
fn seed_best_practices_verify_the_server() {
    let out = run("seed_best_practices", &[]);
    let lines: Vec<&str> = out.lines().collect();
    let options = "options: <Options.OP_NO_TICKET|OP_NO_COMPRESSION|OP_ENABLE_MIDDLEBOX_COMPAT|OP_CIPHER_SERVER_PREFERENCE|OP_NO_SSLv3|OP_ALL: 2186428496>";
    if common::linked_openssl_111() {
        // 1.1.1's SSL_OP_ALL also holds OP_LEGACY_SERVER_CONNECT (0x4).
        assert_eq!(lines[0], "options: <Options.OP_LEGACY_SERVER_CONNECT|OP_NO_TICKET|OP_NO_COMPRESSION|OP_ENABLE_MIDDLEBOX_COMPAT|OP_CIPHER_SERVER_PREFERENCE|OP_NO_SSLv3|OP_ALL: 2186428500>");
    } else {
        assert_eq!(lines[0], options);
    }
    let selected = common::py313(
        "import ssl; c = ssl.create_default_context(); c.set_ciphers('HIGH:!RC4:!MD5:!3DES'); print(len(c.get_ciphers()))",
        &[],
    );
    if common::cipher_lists_comparable("how many ciphers HIGH:!RC4:!MD5:!3DES selects") {
        assert_eq!(lines[1], format!("ciphers selected: {}", selected.trim()));
    }
    assert_eq!(lines[2], "version: 'TLSv1.3'");
    assert_eq!(
        lines[3],
        "cipher: ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)"
    );
    let server_cert = common::py313(
        "import _ssl, sys; print(repr(_ssl._test_decode_cert(sys.argv[1])))",
        &[&common::fixture_str("server.pem")],
    );
    assert_eq!(lines[4], format!("peer: {}", server_cert.trim()));
}

#[test]
fn logging_example_shows_handshakes_failures_and_ragged_eofs_but_no_secrets() {
    let out = example("logging")
        .env("RUST_LOG", "pyssl=debug")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8(out.stderr).unwrap();
    for expected in [
        "TLS handshake (client) with localhost",
        "TLS handshake done (client): TLSv1.3 TLS_AES_256_GCM_SHA384 peer=",
        "ragged EOF suppressed: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
        "certificate verification failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
    ] {
        let expected = common::oracle_as_linked(expected);
        assert!(log.contains(&expected), "missing {expected:?} in:\n{log}");
    }
    assert!(!log.contains("SECRET"), "key material in the log:\n{log}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        common::oracle_as_linked("refused: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate\n")
    );
}

#[test]
fn cert_expiry_port_counts_days_as_the_python_does() {
    let days = || {
        common::py313(
            "import ssl, time; print(int((ssl.cert_time_to_seconds('Jan  1 00:00:00 2099 GMT') - time.time()) // 86400))",
            &[],
        )
        .trim()
        .to_string()
    };
    let before = days();
    let out = run("cert_expiry", &[]);
    let after = days();
    let line = out.trim_end();
    assert!(line.starts_with("localhost:"), "{line}");
    let tail = |d: &str| format!(" expires Jan  1 00:00:00 2099 GMT ({d} days left)");
    assert!(
        line.ends_with(&tail(&before)) || line.ends_with(&tail(&after)),
        "{line}"
    );
}

#[test]
fn mtls_service_port_names_the_client() {
    assert_eq!(run("mtls_service", &[]), "hello pyssl test client: ping\n");
}
