//! Certificate verification failures and other client-side errors, each compared with what a
//! CPython 3.13 client gets from the same server: exception type, errno, library, reason,
//! verify code and message, and `str(e)` (without CPython's `(_ssl.c:NNN)`).

mod common;

use std::thread;

use pyssl::{socket, ssl};

/// A pyssl TLS server with a fixture certificate that handshakes `connections` clients,
/// ignoring their failures.
fn server(cert: &str, key: &str, connections: usize) -> u16 {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(common::fixture(cert), common::fixture_str(key).as_str())
        .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(5).unwrap();
    let port = listener.getsockname().unwrap().port();
    thread::spawn(move || {
        for _ in 0..connections {
            let Ok((conn, _)) = listener.accept() else {
                return;
            };
            let _ = ctx.wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            );
        }
    });
    port
}

/// Our client: `create_default_context(cafile=ca.pem)`, `wrap_socket(server_hostname=...)`.
fn rust_client(port: u16, host: &str, hostname: &str) -> String {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some(hostname),
                ..Default::default()
            },
        )
        .unwrap();
    match ssock.connect((host, port)) {
        Ok(()) => "connected".to_string(),
        Err(e) => common::describe_error(&e),
    }
}

fn python_client(port: u16, host: &str, hostname: &str) -> String {
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, sys
host, port, hostname, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=cafile)
s = ctx.wrap_socket(socket.socket(), server_hostname=hostname)
try:
    s.connect((host, port)); print("connected")
except Exception as e:
    print(describe_error(e))
"#
    );
    common::py313(
        &code,
        &[
            host,
            &port.to_string(),
            hostname,
            &common::fixture_str("ca.pem"),
        ],
    )
    .trim_end()
    .to_string()
}

fn same_as_cpython(cert: &str, key: &str, host: &str, hostname: &str, expected: &str) {
    let port = server(cert, key, 2);
    let ours = rust_client(port, host, hostname);
    let theirs = common::oracle_as_linked(&python_client(port, host, hostname));
    assert_eq!(
        ours, theirs,
        "pyssl and CPython disagree for {cert} as {hostname}"
    );
    assert!(
        ours.ends_with(&common::oracle_as_linked(expected)),
        "{ours}"
    );
}

#[test]
fn self_signed_server() {
    same_as_cpython(
        "selfsigned.pem",
        "selfsigned.key",
        "127.0.0.1",
        "localhost",
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
    );
}

#[test]
fn expired_server() {
    same_as_cpython(
        "expired.pem",
        "expired.key",
        "127.0.0.1",
        "localhost",
        "certificate has expired",
    );
}

#[test]
fn not_yet_valid_server() {
    same_as_cpython(
        "notyetvalid.pem",
        "notyetvalid.key",
        "127.0.0.1",
        "localhost",
        "certificate is not yet valid",
    );
}

#[test]
fn hostname_mismatch() {
    same_as_cpython(
        "server.pem",
        "server.key",
        "127.0.0.1",
        "wrong.example.org",
        "Hostname mismatch, certificate is not valid for 'wrong.example.org'.",
    );
}

#[test]
fn wrong_host_certificate() {
    same_as_cpython(
        "wronghost.pem",
        "wronghost.key",
        "127.0.0.1",
        "localhost",
        "Hostname mismatch, certificate is not valid for 'localhost'.",
    );
}

#[test]
fn ip_address_mismatch() {
    same_as_cpython(
        "wronghost.pem",
        "wronghost.key",
        "127.0.0.1",
        "127.0.0.1",
        "IP address mismatch, certificate is not valid for '127.0.0.1'.",
    );
}

#[test]
fn good_server_by_name_and_by_ip() {
    same_as_cpython(
        "server.pem",
        "server.key",
        "127.0.0.1",
        "localhost",
        "connected",
    );
    same_as_cpython(
        "server.pem",
        "server.key",
        "127.0.0.1",
        "127.0.0.1",
        "connected",
    );
}

#[test]
fn unknown_issuer() {
    // The chain's leaf is signed by an intermediate the client was never given.
    same_as_cpython(
        "server-chain-leaf.pem",
        "server-chain.key",
        "127.0.0.1",
        "localhost",
        "unable to get local issuer certificate",
    );
}

#[test]
fn connection_refused() {
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    unused.bind(("127.0.0.1", 0)).unwrap();
    let port = unused.getsockname().unwrap().port();
    drop(unused);
    let ours = rust_client(port, "127.0.0.1", "localhost");
    assert_eq!(ours, python_client(port, "127.0.0.1", "localhost"));
    assert_eq!(
        ours,
        "ConnectionRefusedError|111|-|-|-|-|[Errno 111] Connection refused"
    );
}

#[test]
fn plain_text_peer() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        use std::io::{Read, Write};
        for mut s in listener.incoming().take(2).flatten() {
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
            let _ = s.read(&mut [0u8; 4096]);
        }
    });
    let ours = rust_client(port, "127.0.0.1", "localhost");
    assert_eq!(
        ours,
        common::oracle_as_linked(&python_client(port, "127.0.0.1", "localhost"))
    );
    assert_eq!(ours, common::oracle_as_linked("SSLError|1|'SSL'|'WRONG_VERSION_NUMBER'|None|None|[SSL: WRONG_VERSION_NUMBER] wrong version number"));
}

#[test]
fn handshake_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ctx = ssl::create_default_context().unwrap();
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    sock.settimeout(Some(0.3)).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let err = ssock.connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "TimeoutError|None|-|-|-|-|The handshake operation timed out"
    );
    drop(listener);
}

#[test]
fn bad_cipher_string() {
    let ctx = ssl::create_default_context().unwrap();
    let err = ctx.set_ciphers("XXX").unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "SSLError|None|None|None|None|None|('No cipher can be selected.',)"
    );
}

#[test]
fn handshake_on_a_closed_socket() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_check_hostname(false);
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut ssock = ctx.wrap_socket(sock, ssl::WrapSocket::default()).unwrap();
    let err = ssock.do_handshake().unwrap_err();
    assert_eq!(
        err.to_string(),
        "[Errno 107] Transport endpoint is not connected"
    );
    ssock.close().unwrap();
    let err = ssock.do_handshake().unwrap_err();
    assert_eq!(err.to_string(), "[Errno 9] Bad file descriptor");
    let err = ssock.getpeercert(false).unwrap_err();
    assert_eq!(err.to_string(), "[Errno 9] Bad file descriptor");
}
