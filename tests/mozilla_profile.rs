//! The Mozilla profile extension (`SSLContext::apply_mozilla_profile`): what it sets, and what
//! clients see on the wire (suites, groups, versions, DHE parameters), next to a CPython-default
//! server context that differs exactly where the guidelines say it should.

mod common;

use std::process::{Command, Stdio};
use std::thread;

use pyssl::{socket, ssl};

const TLS13: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

const INTERMEDIATE_TLS12: [&str; 9] = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
];

fn server_ctx(profile: Option<ssl::MozillaProfile>) -> ssl::SSLContext {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        purpose: ssl::Purpose::CLIENT_AUTH,
        ..Default::default()
    })
    .unwrap();
    if let Some(p) = profile {
        ctx.apply_mozilla_profile(p).unwrap();
    }
    ctx.load_cert_chain(
        common::fixture_str("server.pem").as_str(),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx
}

fn names(ctx: &ssl::SSLContext) -> Vec<String> {
    ctx.get_ciphers().into_iter().map(|c| c.name).collect()
}

#[test]
fn intermediate_sets_mozillas_suites_version_and_client_preference() {
    skip_in_fips!("Mozilla's suites hold three ChaCha20 ones; the FIPS provider has no ChaCha20");
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    assert_ne!(
        (ctx.options() & ssl::OP_CIPHER_SERVER_PREFERENCE).value(),
        0
    );
    ctx.apply_mozilla_profile(ssl::MozillaProfile::Intermediate)
        .unwrap();
    let expected: Vec<String> = TLS13
        .iter()
        .chain(INTERMEDIATE_TLS12.iter())
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names(&ctx), expected);
    assert_eq!(ctx.minimum_version(), ssl::TLSVersion::TLSv1_2);
    assert_eq!(ctx.maximum_version(), ssl::TLSVersion::MAXIMUM_SUPPORTED);
    assert_eq!(
        (ctx.options() & ssl::OP_CIPHER_SERVER_PREFERENCE).value(),
        0
    );
    // Every other CPython default is left alone.
    assert_ne!((ctx.options() & ssl::OP_NO_COMPRESSION).value(), 0);
    assert_eq!(ctx.verify_mode(), ssl::CERT_NONE);
}

#[test]
fn modern_is_tls13_only() {
    skip_in_fips!("Mozilla's TLS 1.3 suites include TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20");
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.apply_mozilla_profile(ssl::MozillaProfile::Modern)
        .unwrap();
    assert_eq!(ctx.minimum_version(), ssl::TLSVersion::TLSv1_3);
    assert_eq!(&names(&ctx)[..3], &TLS13[..]);
    assert_eq!(ssl::MozillaProfile::Modern.ciphers(), "");
}

#[test]
fn pinned_protocol_contexts_refuse_as_minimum_version_does() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2).unwrap();
    let err = ctx
        .apply_mozilla_profile(ssl::MozillaProfile::Intermediate)
        .unwrap_err();
    let python = ctx
        .set_minimum_version(ssl::TLSVersion::TLSv1_2)
        .unwrap_err();
    assert_eq!(err.to_string(), python.to_string());
    assert_eq!(
        err.to_string(),
        "The context's protocol doesn't support modification of highest and lowest version."
    );
}

/// Serves `n` connections with `ctx` (handshake, then a one-line reply naming the cipher and,
/// for TLS 1.2 DHE, nothing more); failures are ignored (the client reports them).
fn serve(ctx: ssl::SSLContext, n: usize) -> (u16, thread::JoinHandle<()>) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(8).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        for _ in 0..n {
            let (sock, _) = listener.accept().unwrap();
            sock.settimeout(Some(5.0)).unwrap();
            if let Ok(mut conn) = ctx.wrap_socket(
                sock,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            ) {
                let _ = conn.sendall(b"ok\n");
                let _ = conn.unwrap();
            }
        }
    });
    (port, handle)
}

/// `openssl s_client` with `args`: whether the handshake succeeded, and its "Server Temp Key".
fn s_client(port: u16, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-CAfile", &common::fixture_str("ca.pem")])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the openssl command line tool");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let temp_key = text
        .lines()
        .find_map(|l| l.strip_prefix("Server Temp Key: "))
        .unwrap_or("")
        .to_string();
    let ok = text.contains("Verify return code: 0 (ok)") && !text.contains("Cipher is (NONE)");
    (ok, temp_key)
}

#[test]
fn groups_on_the_wire_intermediate_versus_cpythons_default() {
    let cases: [(&[&str], bool, &str, bool); 6] = [
        (&["-groups", "X25519"], true, "X25519, 253 bits", true),
        (
            &["-groups", "P-256"],
            true,
            "ECDH, prime256v1, 256 bits",
            true,
        ),
        (
            &["-groups", "P-384"],
            true,
            "ECDH, secp384r1, 384 bits",
            true,
        ),
        (&["-groups", "P-521"], false, "", true),
        (&["-groups", "X448"], false, "", true),
        (&["-tls1_1"], false, "", false),
    ];
    let (port, server) = serve(
        server_ctx(Some(ssl::MozillaProfile::Intermediate)),
        cases.len(),
    );
    let (py_port, py_server) = serve(server_ctx(None), cases.len());
    for (args, ok, key, python_ok) in cases {
        let (got_ok, got_key) = s_client(port, args);
        assert_eq!((got_ok, got_key.as_str()), (ok, key), "{args:?}");
        let (got_python_ok, _) = s_client(py_port, args);
        assert_eq!(got_python_ok, python_ok, "CPython default, {args:?}");
    }
    server.join().unwrap();
    py_server.join().unwrap();
}

/// A pyssl client limited to TLS 1.2 and one cipher: the cipher it got, or the error text.
fn tls12_client(port: u16, cipher: &str) -> String {
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    ctx.set_ciphers(cipher).unwrap();
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    match ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    ) {
        Ok(s) => format!("{:?}", s.cipher().unwrap()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn tls12_suites_on_the_wire() {
    skip_in_fips!(
        "its client offers ECDHE-RSA-CHACHA20-POLY1305; the FIPS provider has no ChaCha20"
    );
    let (port, server) = serve(server_ctx(Some(ssl::MozillaProfile::Intermediate)), 4);
    assert_eq!(
        tls12_client(port, "ECDHE-RSA-CHACHA20-POLY1305"),
        r#"("ECDHE-RSA-CHACHA20-POLY1305", "TLSv1.2", 256)"#
    );
    // DHE works, over RFC 7919's ffdhe2048.
    assert_eq!(
        tls12_client(port, "DHE-RSA-AES256-GCM-SHA384"),
        r#"("DHE-RSA-AES256-GCM-SHA384", "TLSv1.2", 256)"#
    );
    // The CBC suites CPython's defaults still offer are refused.
    for cbc in ["ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES128-SHA256"] {
        assert_eq!(
            tls12_client(port, cbc),
            common::oracle_as_linked(
                "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure"
            )
        );
    }
    server.join().unwrap();
    let (py_port, py_server) = serve(server_ctx(None), 1);
    assert_eq!(
        tls12_client(py_port, "ECDHE-RSA-AES256-SHA384"),
        r#"("ECDHE-RSA-AES256-SHA384", "TLSv1.2", 256)"#
    );
    py_server.join().unwrap();
}

#[test]
fn dhe_group_is_ffdhe2048() {
    let (port, server) = serve(server_ctx(Some(ssl::MozillaProfile::Intermediate)), 1);
    let (ok, key) = s_client(port, &["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"]);
    assert!(ok);
    assert_eq!(key, "DH, 2048 bits");
    server.join().unwrap();
}
