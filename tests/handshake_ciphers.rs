//! Real loopback handshakes (pyssl client and pyssl server, port 0) with restricted cipher sets:
//! `cipher()`, `shared_ciphers()` and `version()` on both ends equal what CPython 3.13 reports
//! for the same configuration (a CPython client and server in one process, with threads).
//! Then the `set_ciphersuites` extension, which CPython cannot configure, on its own.

mod common;

use std::thread;

use common::{describe_error, fixture_str, PY_DESCRIBE_ERROR};
use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// One configuration: the server's certificate and key files (in `fixtures/`), the server's and
/// the client's `set_ciphers` strings (`""`: leave CPython's default) and whether the client
/// stops at TLS 1.2 (`maximum_version = TLSv1_2`).
struct Case {
    cert: &'static str,
    key: &'static str,
    server_ciphers: &'static str,
    client_ciphers: &'static str,
    tls12: bool,
}

const RSA_PAIR: &str = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384";

const CASES: &[Case] = &[
    // TLS 1.2: the server's order wins (CPython sets OP_CIPHER_SERVER_PREFERENCE).
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: RSA_PAIR,
        client_ciphers: "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
        tls12: true,
    },
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: RSA_PAIR,
        client_ciphers: "ECDHE-RSA-AES256-SHA384",
        tls12: true,
    },
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: RSA_PAIR,
        client_ciphers: "HIGH:!AESGCM",
        tls12: true,
    },
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA",
        client_ciphers: "ALL",
        tls12: true,
    },
    // No cipher in common: both ends fail, each with CPython's error.
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "ECDHE-RSA-AES128-GCM-SHA256",
        client_ciphers: "ECDHE-RSA-AES256-SHA384",
        tls12: true,
    },
    // TLS 1.3 with the defaults, and with a restricted TLS 1.2 list (TLS 1.3 suites unaffected).
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        client_ciphers: "",
        tls12: false,
    },
    Case {
        cert: "server.pem",
        key: "server.key",
        server_ciphers: RSA_PAIR,
        client_ciphers: "ECDHE-RSA-AES256-SHA384",
        tls12: false,
    },
    // ECDSA certificate: RSA-authenticated suites cannot be chosen.
    Case {
        cert: "ecdsa.pem",
        key: "ecdsa.key",
        server_ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
        client_ciphers: "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
        tls12: true,
    },
    Case {
        cert: "ecdsa.pem",
        key: "ecdsa.key",
        server_ciphers: "",
        client_ciphers: "",
        tls12: false,
    },
];

/// Per configuration (5 argv items each, after the CA file): a server thread and a client,
/// each printing `cipher()|shared_ciphers()|version()` after the handshake (or its error).
const PY_HANDSHAKES: &str = r#"
import socket, ssl, sys, threading
def describe(s):
    return f'{s.cipher()!r}|{s.shared_ciphers()!r}|{s.version()!r}'
ca, args = sys.argv[1], sys.argv[2:]
for i in range(0, len(args), 5):
    cert, key, sc, cc, tls12 = args[i:i + 5]
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert, key)
    if sc:
        sctx.set_ciphers(sc)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(ca)
    if cc:
        cctx.set_ciphers(cc)
    if tls12 == '1':
        cctx.maximum_version = ssl.TLSVersion.TLSv1_2
    srv = socket.create_server(('127.0.0.1', 0))
    port = srv.getsockname()[1]
    out = {}
    def serve():
        conn, _ = srv.accept()
        try:
            with sctx.wrap_socket(conn, server_side=True) as s:
                out['server'] = describe(s)
                s.sendall(b'x')
        except Exception as e:
            out['server'] = 'ERR ' + describe_error(e)
    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(('127.0.0.1', port)) as raw:
        try:
            with cctx.wrap_socket(raw, server_hostname='localhost') as c:
                client = describe(c)
                c.recv(1)
        except Exception as e:
            client = 'ERR ' + describe_error(e)
    t.join()
    srv.close()
    print('client', client)
    print('server', out['server'])
"#;

fn describe(s: &ssl::SSLSocket) -> String {
    format!(
        "{}|{}|{}",
        s.cipher().py_repr(),
        s.shared_ciphers().py_repr(),
        s.version().py_repr()
    )
}

fn server_context(cert: &str, key: &str, ciphers: &str) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(fixture_str(cert), fixture_str(key).as_str())
        .unwrap();
    if !ciphers.is_empty() {
        ctx.set_ciphers(ciphers).unwrap();
    }
    ctx
}

fn client_context(ciphers: &str, tls12: bool) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(fixture_str("ca.pem").as_str())
        .unwrap();
    if !ciphers.is_empty() {
        ctx.set_ciphers(ciphers).unwrap();
    }
    if tls12 {
        ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    }
    ctx
}

/// One handshake between `sctx` and `cctx` over loopback; `(client, server)` descriptions.
fn handshake(sctx: &ssl::SSLContext, cctx: &ssl::SSLContext) -> (String, String) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = sctx
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    let handle = thread::spawn(move || match server.accept() {
        Ok((mut conn, _)) => {
            let seen = describe(&conn);
            conn.sendall(b"x").unwrap();
            seen
        }
        Err(e) => format!("ERR {}", describe_error(&e)),
    });
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut c = cctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let client = match c.connect(("127.0.0.1", port)) {
        Ok(()) => {
            let seen = describe(&c);
            c.recv(1).unwrap();
            seen
        }
        Err(e) => format!("ERR {}", describe_error(&e)),
    };
    (client, handle.join().unwrap())
}

#[test]
fn cipher_and_shared_ciphers_match_cpython_in_real_handshakes() {
    let ca = fixture_str("ca.pem");
    let mut args = vec![ca];
    for c in CASES {
        args.push(fixture_str(c.cert));
        args.push(fixture_str(c.key));
        args.push(c.server_ciphers.to_string());
        args.push(c.client_ciphers.to_string());
        args.push(if c.tls12 { "1" } else { "0" }.to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let code = format!("{PY_DESCRIBE_ERROR}\n{PY_HANDSHAKES}");
    let python = common::py313(&code, &args);

    let mut ours = String::new();
    for c in CASES {
        let sctx = server_context(c.cert, c.key, c.server_ciphers);
        let cctx = client_context(c.client_ciphers, c.tls12);
        let (client, server) = handshake(&sctx, &cctx);
        ours.push_str(&format!("client {client}\nserver {server}\n"));
    }
    let python = common::oracle_as_linked(&python);
    let mismatches: Vec<String> = ours
        .lines()
        .zip(python.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("case {}:\n  pyssl:   {a}\n  CPython: {b}", i / 2))
        .collect();
    assert_eq!(ours.lines().count(), python.lines().count(), "{python}");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // The oracle's answers are the interesting ones (server preference, no shared cipher).
    let lines: Vec<&str> = ours.lines().collect();
    assert!(lines[0]
        .starts_with("client ('ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', 128)|None|'TLSv1.2'"));
    assert_eq!(
        lines[1],
        "server ('ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', 128)|[('ECDHE-RSA-AES128-GCM-SHA256', \
         'TLSv1.2', 128), ('ECDHE-RSA-AES256-SHA384', 'TLSv1.2', 256)]|'TLSv1.2'"
    );
    assert!(
        lines[9].starts_with("server ERR SSLError|1|'SSL'|'NO_SHARED_CIPHER'"),
        "{}",
        lines[9]
    );
    assert!(
        lines[10].starts_with("client ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)|None|'TLSv1.3'")
    );
}

#[test]
fn set_ciphersuites_extension_picks_the_tls13_suite() {
    skip_in_fips!(
        "its client offers only TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20"
    );
    // Client side: only ChaCha20 offered, so the server must take it.
    let sctx = server_context("server.pem", "server.key", "");
    let cctx = client_context("", false);
    cctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    let (client, server) = handshake(&sctx, &cctx);
    assert_eq!(
        client,
        "('TLS_CHACHA20_POLY1305_SHA256', 'TLSv1.3', 256)|None|'TLSv1.3'"
    );
    let prefix = "('TLS_CHACHA20_POLY1305_SHA256', 'TLSv1.3', 256)|[('TLS_CHACHA20_POLY1305_SHA256', 'TLSv1.3', 256), ('ECDHE-ECDSA-AES256-GCM-SHA384', 'TLSv1.2', 256)";
    assert!(server.starts_with(prefix), "{server}");

    // Server side: its own choice wins (server preference), among what the client offers.
    let sctx = server_context("server.pem", "server.key", "");
    sctx.set_ciphersuites("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    let (client, _) = handshake(&sctx, &client_context("", false));
    assert_eq!(
        client,
        "('TLS_AES_128_GCM_SHA256', 'TLSv1.3', 128)|None|'TLSv1.3'"
    );
}

#[test]
fn set_ciphersuites_extension_reorders_get_ciphers_and_fails_as_set_ciphers() {
    skip_in_fips!("it lists TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20");
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let tls12_before: Vec<String> = ctx
        .get_ciphers()
        .into_iter()
        .filter(|c| c.protocol != "TLSv1.3")
        .map(|c| c.name)
        .collect();
    ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    let names: Vec<String> = ctx.get_ciphers().into_iter().map(|c| c.name).collect();
    assert_eq!(
        names[..2],
        ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"]
    );
    assert_eq!(
        names[2..],
        tls12_before[..],
        "the TLS 1.2 list is untouched"
    );

    // Unknown names are skipped; an empty string disables TLS 1.3 suites.
    if common::linked_openssl_111() {
        // 1.1.1's SSL_CTX_set_ciphersuites rejects the whole string for one unknown name.
        let err = ctx
            .set_ciphersuites("TLS_NOPE:TLS_AES_256_GCM_SHA384")
            .unwrap_err();
        // The same error (and str) as a failed set_ciphers.
        assert_eq!(
            (err.type_name(), err.to_string().as_str()),
            ("SSLError", "('No cipher can be selected.',)")
        );
        ctx.set_ciphersuites("TLS_AES_256_GCM_SHA384").unwrap();
    } else {
        ctx.set_ciphersuites("TLS_NOPE:TLS_AES_256_GCM_SHA384")
            .unwrap();
    }
    assert_eq!(ctx.get_ciphers()[0].name, "TLS_AES_256_GCM_SHA384");
    assert_eq!(ctx.get_ciphers()[1].protocol, "TLSv1.2");
    ctx.set_ciphersuites("").unwrap();
    assert_eq!(ctx.get_ciphers().len(), tls12_before.len());

    let e = ctx.set_ciphersuites("TLS_NOPE").unwrap_err();
    assert_eq!(
        (e.type_name(), e.to_string()),
        ("SSLError", "('No cipher can be selected.',)".to_string())
    );
    let e = ctx
        .set_ciphersuites("TLS_AES_128_GCM_SHA256\0")
        .unwrap_err();
    assert_eq!(
        (e.type_name(), e.to_string()),
        ("ValueError", "embedded null character".to_string())
    );
}
