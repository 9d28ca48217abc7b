//! pyssl client against pyssl server over loopback: handshakes, data both ways, the state
//! accessors, end-of-stream semantics and `unwrap()`.

mod common;

use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// Listens on `host` (port 0) and runs `serve` on the first accepted, handshaken connection.
fn serve_one<T: Send + 'static>(
    ctx: ssl::SSLContext,
    host: &str,
    serve: impl FnOnce(ssl::SSLSocket) -> T + Send + 'static,
) -> (u16, thread::JoinHandle<T>) {
    let family = if host.contains(':') {
        socket::AF_INET6
    } else {
        socket::AF_INET
    };
    let listener = socket::socket(family, socket::SOCK_STREAM).unwrap();
    listener.bind((host, 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = ctx
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    let handle = thread::spawn(move || {
        let (conn, _addr) = server.accept().unwrap();
        serve(conn)
    });
    (port, handle)
}

fn connect(ctx: &ssl::SSLContext, host: &str, port: u16, hostname: &str) -> ssl::SSLSocket {
    let family = if host.contains(':') {
        socket::AF_INET6
    } else {
        socket::AF_INET
    };
    let sock = socket::socket(family, socket::SOCK_STREAM).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some(hostname),
                ..Default::default()
            },
        )
        .unwrap();
    ssock.connect((host, port)).unwrap();
    ssock
}

fn recv_exact(s: &mut ssl::SSLSocket, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0u8; 65536];
    while out.len() < n {
        let k = s.recv_into(&mut buf).unwrap();
        assert!(k > 0, "peer closed after {} of {n} bytes", out.len());
        out.extend_from_slice(&buf[..k]);
    }
    out
}

#[test]
fn mutual_tls13_with_data_both_ways() {
    let sctx = common::server_context();
    sctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    sctx.set_verify_mode(ssl::CERT_REQUIRED).unwrap();
    let big: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let expected = big.clone();
    let (port, server) = serve_one(sctx, "127.0.0.1", move |mut conn| {
        let got = recv_exact(&mut conn, expected.len());
        assert!(got == expected, "server received different bytes");
        conn.sendall(&got).unwrap();
        (
            conn.version(),
            conn.cipher(),
            conn.getpeercert(false).unwrap().py_repr(),
            conn.server_side(),
        )
    });
    let cctx = common::client_context();
    cctx.load_cert_chain(
        common::fixture("client.pem"),
        common::fixture_str("client.key").as_str(),
    )
    .unwrap();
    let mut ssock = connect(&cctx, "127.0.0.1", port, "localhost");
    assert_eq!(ssock.version().as_deref(), Some("TLSv1.3"));
    assert_eq!(ssock.server_hostname(), Some("localhost"));
    assert!(!ssock.server_side());
    ssock.sendall(&big).unwrap();
    assert!(recv_exact(&mut ssock, big.len()) == big);
    let (version, cipher, client_cert, server_side) = server.join().unwrap();
    assert!(server_side);
    assert_eq!(version, ssock.version());
    assert_eq!(cipher, ssock.cipher());
    assert_eq!(
        cipher,
        Some(("TLS_AES_256_GCM_SHA384".into(), "TLSv1.3".into(), 256))
    );
    assert!(
        client_cert.contains("(('commonName', 'pyssl test client'),)"),
        "{client_cert}"
    );

    let der = ssock.getpeercert(true).unwrap().unwrap();
    let pem = std::fs::read(common::fixture("server.pem")).unwrap();
    let expected_der = openssl::x509::X509::from_pem(&pem)
        .unwrap()
        .to_der()
        .unwrap();
    assert_eq!(der.as_bytes(), Some(expected_der.as_slice()));
}

#[test]
fn tls12_over_ipv6_verifying_the_ip_address() {
    let sctx = common::server_context();
    sctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    let (port, server) = serve_one(sctx, "::1", |mut conn| {
        conn.sendall(b"hi").unwrap();
        conn.version()
    });
    let mut ssock = connect(&common::client_context(), "::1", port, "::1");
    assert_eq!(ssock.read(2).unwrap(), b"hi");
    assert_eq!(ssock.version().as_deref(), Some("TLSv1.2"));
    assert_eq!(
        ssock.cipher(),
        Some(("ECDHE-RSA-AES256-GCM-SHA384".into(), "TLSv1.2".into(), 256))
    );
    assert_eq!(server.join().unwrap().as_deref(), Some("TLSv1.2"));
}

#[test]
fn pending_counts_buffered_plaintext() {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        conn.sendall(b"12345").unwrap();
        let _ = conn.recv(1);
    });
    let mut ssock = connect(&common::client_context(), "127.0.0.1", port, "localhost");
    assert_eq!(ssock.read(3).unwrap(), b"123");
    assert_eq!(ssock.pending(), 2);
    assert_eq!(ssock.read(10).unwrap(), b"45");
    assert_eq!(ssock.pending(), 0);
    ssock.close().unwrap();
    server.join().unwrap();
}

#[test]
fn unwrap_drops_back_to_plain_text_on_both_sides() {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        assert_eq!(conn.recv(100).unwrap(), b"STARTTLS-END");
        let plain = conn.unwrap().unwrap();
        assert_eq!(plain.recv(100).unwrap(), b"plain hello");
        plain.sendall(b"plain bye").unwrap();
    });
    let mut ssock = connect(&common::client_context(), "127.0.0.1", port, "localhost");
    ssock.sendall(b"STARTTLS-END").unwrap();
    let plain = ssock.unwrap().unwrap();
    plain.sendall(b"plain hello").unwrap();
    assert_eq!(plain.recv(100).unwrap(), b"plain bye");
    server.join().unwrap();
    // After unwrap the SSLSocket has no TLS layer, as in Python.
    assert_eq!(
        ssock.read(1).unwrap_err().to_string(),
        "Read on closed or unwrapped SSL socket."
    );
    assert!(ssock
        .unwrap()
        .unwrap_err()
        .to_string()
        .starts_with("No SSL wrapper around <ssl.SSLSocket"));
}

#[test]
fn clean_close_reads_as_end_of_stream() {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        conn.sendall(b"bye").unwrap();
        // unwrap() sends close_notify and waits for the client's.
        conn.unwrap().unwrap();
    });
    let mut ssock = connect(&common::client_context(), "127.0.0.1", port, "localhost");
    assert_eq!(ssock.recv(10).unwrap(), b"bye");
    assert_eq!(ssock.recv(10).unwrap(), b"");
    assert_eq!(ssock.recv(10).unwrap(), b"");
    ssock.unwrap().unwrap();
    server.join().unwrap();
}

fn ragged_eof(suppress_ragged_eofs: bool) -> ssl::Result<Vec<u8>> {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |conn| {
        // close() drops TLS without close_notify: the client sees a bare TCP FIN.
        conn.close().unwrap();
    });
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut ssock = common::client_context()
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                suppress_ragged_eofs,
                ..Default::default()
            },
        )
        .unwrap();
    ssock.connect(("127.0.0.1", port)).unwrap();
    server.join().unwrap();
    ssock.recv(10)
}

#[test]
fn ragged_eof_is_suppressed_or_raised_as_python_does() {
    assert_eq!(ragged_eof(true).unwrap(), b"");
    let err = ragged_eof(false).unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        common::oracle_as_linked("SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol")
    );
}

#[test]
fn read_timeout() {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        let _ = conn.recv(1);
    });
    let mut ssock = connect(&common::client_context(), "127.0.0.1", port, "localhost");
    ssock.settimeout(Some(0.2)).unwrap();
    let err = ssock.recv(10).unwrap_err();
    assert_eq!(
        common::describe_error(&err),
        "TimeoutError|None|-|-|-|-|The read operation timed out"
    );
    ssock.sendall(b"x").unwrap();
    server.join().unwrap();
}

#[test]
fn encrypted_key_needs_its_password() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let key = common::fixture_str("server-encrypted.key");
    ctx.load_cert_chain(
        common::fixture("server.pem"),
        ssl::LoadCertChain {
            keyfile: Some(&key),
            password: Some("pyssl-password"),
            ..Default::default()
        },
    )
    .unwrap();
    let wrong = ctx
        .load_cert_chain(
            common::fixture("server.pem"),
            ssl::LoadCertChain {
                keyfile: Some(&key),
                password: Some("wrong"),
                ..Default::default()
            },
        )
        .unwrap_err();
    let long = "x".repeat(1025);
    let too_long = ctx
        .load_cert_chain(
            common::fixture("server.pem"),
            ssl::LoadCertChain {
                keyfile: Some(&key),
                password: Some(&long),
                ..Default::default()
            },
        )
        .unwrap_err();
    let missing = ctx
        .load_cert_chain(
            common::fixture("missing.pem"),
            ssl::LoadCertChain::default(),
        )
        .unwrap_err();
    let garbage = ctx
        .load_cert_chain(
            common::fixture("garbage.pem"),
            ssl::LoadCertChain::default(),
        )
        .unwrap_err();
    let mismatch = ctx
        .load_cert_chain(
            common::fixture("server.pem"),
            common::fixture_str("client.key").as_str(),
        )
        .unwrap_err();
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import ssl, sys
cert, key, missing, garbage, other_key = sys.argv[1:6]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
for args, kw in [((cert, key), {'password': 'wrong'}), ((cert, key), {'password': 'x' * 1025}),
                 ((missing,), {}), ((garbage,), {}), ((cert, other_key), {})]:
    try:
        ctx.load_cert_chain(*args, **kw); print('ok')
    except Exception as e:
        print(describe_error(e))
"#
    );
    let theirs = common::py313(
        &code,
        &[
            &common::fixture_str("server.pem"),
            &key,
            &common::fixture_str("missing.pem"),
            &common::fixture_str("garbage.pem"),
            &common::fixture_str("client.key"),
        ],
    );
    let ours: Vec<String> = [wrong, too_long, missing, garbage, mismatch]
        .iter()
        .map(common::describe_error)
        .collect();
    let theirs = common::oracle_as_linked(&theirs);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

#[test]
fn keylog_filename_records_the_tls13_secrets() {
    let path = std::env::temp_dir().join(format!("pyssl-keylog-cs-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        conn.sendall(b"x").unwrap();
    });
    let ctx = common::client_context();
    // Python: ctx.keylog_filename = path   (a pathlib.Path, given back as it was set)
    ctx.set_keylog_filename(&path).unwrap();
    assert_eq!(
        ctx.keylog_filename(),
        Some(ssl::PathArgBuf::Path(path.clone()))
    );
    let mut ssock = connect(&ctx, "127.0.0.1", port, "localhost");
    assert_eq!(ssock.recv(1).unwrap(), b"x");
    server.join().unwrap();
    let log = std::fs::read_to_string(&path).unwrap();
    let labels: Vec<&str> = log.lines().map(|l| l.split(' ').next().unwrap()).collect();
    // CPython's header, then the five TLS 1.3 client secrets in OpenSSL's order.
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
    ctx.set_keylog_filename(None).unwrap();
    assert_eq!(ctx.keylog_filename(), None);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn public_types_cross_threads_as_pythons_do() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ssl::SSLContext>();
    send_sync::<ssl::SSLSocket>();
    send_sync::<socket::socket>();
    send_sync::<pyssl::Error>();
}

#[test]
fn socket_calls_with_flags_never_bypass_tls() {
    let (port, server) = serve_one(common::server_context(), "127.0.0.1", |mut conn| {
        conn.recv(10).unwrap()
    });
    let mut ssock = connect(&common::client_context(), "127.0.0.1", port, "localhost");
    let errors: Vec<String> = [
        ssock.recv_flags(10, socket::MSG_PEEK).unwrap_err(),
        ssock
            .recv_into_flags(&mut [0u8; 4], socket::MSG_PEEK)
            .unwrap_err(),
        ssock.send_flags(b"x", socket::MSG_DONTWAIT).unwrap_err(),
        ssock.sendall_flags(b"x", socket::MSG_DONTWAIT).unwrap_err(),
        ssock.dup().unwrap_err(),
    ]
    .iter()
    .map(common::describe_error)
    .collect();
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl
a, b = socket.socketpair()
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
s = ctx.wrap_socket(a, server_hostname="x", do_handshake_on_connect=False)
for call in (lambda: s.recv(10, socket.MSG_PEEK), lambda: s.recv_into(bytearray(4), 0, socket.MSG_PEEK),
             lambda: s.send(b"x", socket.MSG_DONTWAIT), lambda: s.sendall(b"x", socket.MSG_DONTWAIT),
             lambda: s.dup()):
    try:
        call()
    except Exception as e:
        print(describe_error(e))
"#
    );
    assert_eq!(
        errors,
        common::py313(&code, &[]).lines().collect::<Vec<_>>()
    );
    ssock.sendall(b"fine").unwrap();
    assert_eq!(server.join().unwrap(), b"fine");
}
