//! Cipher information against CPython 3.13 on the same OpenSSL: `get_ciphers()` dicts for many
//! cipher strings, `set_ciphers` failures, and `cipher()` / `shared_ciphers()` after real
//! handshakes.

mod common;

use common::{fixture_str, py313};
use pyssl::pyrepr::PyRepr;
use std::thread;

use pyssl::{socket, ssl};

/// CPython 3.13's default cipher string (what `SSLContext()` starts with).
const DEFAULT: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

/// For each argv string: a fresh `SSLContext(PROTOCOL_TLS_CLIENT)`, `set_ciphers(s)`, then one
/// line: the `repr()` of `get_ciphers()`, or the exception's type, repr and str.
const PY_EACH_FRESH: &str = r#"
import ssl, sys
for s in sys.argv[1:]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(s)
    except Exception as e:
        print('ERR', type(e).__name__, repr(e), str(e))
        continue
    print(repr(ctx.get_ciphers()))
"#;

/// One context; for each argv string `set_ciphers(s)` (error line or `ok`), then the list.
const PY_ONE_CONTEXT: &str = r#"
import ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for s in sys.argv[1:]:
    try:
        ctx.set_ciphers(s)
        print('ok')
    except Exception as e:
        print('ERR', type(e).__name__, repr(e), str(e))
    print(repr(ctx.get_ciphers()))
"#;

fn err_line(e: &pyssl::Error) -> String {
    format!("ERR {} {} {}", e.type_name(), e.py_repr(), e)
}

/// A fresh `SSLContext(PROTOCOL_TLS_CLIENT)`, `set_ciphers(s)`, then `get_ciphers()`.
fn ciphers_for(s: &str) -> pyssl::Result<Vec<ssl::CipherDict>> {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    ctx.set_ciphers(s)?;
    Ok(ctx.get_ciphers())
}

fn ours_fresh(strings: &[&str]) -> String {
    let mut out = String::new();
    for s in strings {
        match ciphers_for(s) {
            Ok(list) => out.push_str(&list.py_repr()),
            Err(e) => out.push_str(&err_line(&e)),
        }
        out.push('\n');
    }
    out
}

fn assert_lines_eq(ours: &str, python: &str, strings: &[&str]) {
    let python = &common::oracle_as_linked(python);
    let (o, p): (Vec<_>, Vec<_>) = (ours.lines().collect(), python.lines().collect());
    assert_eq!(
        o.len(),
        p.len(),
        "line count\nours:\n{ours}\npython:\n{python}"
    );
    if !common::cipher_lists_comparable("get_ciphers() for these cipher strings") {
        return;
    }
    for (i, (a, b)) in o.iter().zip(&p).enumerate() {
        assert_eq!(a, b, "line {i} (strings {strings:?})");
    }
}

#[test]
fn get_ciphers_matches_cpython_for_many_cipher_strings() {
    let strings = [
        DEFAULT,
        "HIGH:!RC4:!MD5:!3DES",
        "ALL",
        "DEFAULT",
        "ECDHE+AESGCM",
        "AES128-SHA",
        "@SECLEVEL=0:ALL",
        "aRSA:!kRSA",
        "COMPLEMENTOFALL",
        "RSA:+AES256",
        "-ALL:+ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256,AES256-SHA",
        "XXX",
        "",
        "TLS_AES_128_GCM_SHA256",
    ];
    let ours = ours_fresh(&strings);
    let python = py313(PY_EACH_FRESH, &strings);
    assert_lines_eq(&ours, &python, &strings);
}

#[test]
fn default_list_is_the_17_documented_entries() {
    skip_in_fips!("the 17 entries hold three ChaCha20 suites, the FIPS provider has no ChaCha20 (tests/fips.rs asserts the 14 of FIPS mode)");
    let list = ciphers_for(DEFAULT).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-CHACHA20-POLY1305",
            "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES256-SHA384",
            "ECDHE-RSA-AES256-SHA384",
            "ECDHE-ECDSA-AES128-SHA256",
            "ECDHE-RSA-AES128-SHA256",
            "DHE-RSA-AES256-GCM-SHA384",
            "DHE-RSA-AES128-GCM-SHA256",
            "DHE-RSA-AES256-SHA256",
            "DHE-RSA-AES128-SHA256",
        ]
    );
    let first = &list[0];
    let expected = "{'id': 50336514, 'name': 'TLS_AES_256_GCM_SHA384', 'protocol': 'TLSv1.3', \
        'description': 'TLS_AES_256_GCM_SHA384         TLSv1.3 Kx=any      Au=any   Enc=AESGCM(256)            Mac=AEAD', \
        'strength_bits': 256, 'alg_bits': 256, 'aead': True, 'symmetric': 'aes-256-gcm', \
        'digest': None, 'kea': 'kx-any', 'auth': 'auth-any'}";
    // 1.1.1 pads the description's columns differently.
    let expected = &common::oracle_as_linked(expected);
    assert_eq!(&first.py_repr(), expected);
    assert_eq!(&first.to_string(), expected);
    assert_eq!(first.id, 0x0300_1302);
    assert!(first.digest.is_none() && first.aead);
}

#[test]
fn article_string_lists_140_ciphers() {
    skip_in_fips!("its 140 suites and first six names hold ChaCha20, Camellia and ARIA suites (88 in FIPS mode, compared with CPython by tests/fips.rs)");
    let list = ciphers_for("HIGH:!RC4:!MD5:!3DES").unwrap();
    // `openssl-src` (the `vendored` feature, the matrix's 3.5 row) builds without Camellia: its
    // 28 `HIGH` suites are missing there, and only there.
    let camellia = list.iter().filter(|c| c.name.contains("CAMELLIA")).count();
    let built_with_camellia = ciphers_for("CAMELLIA").is_ok();
    assert_eq!(camellia, if built_with_camellia { 28 } else { 0 });
    // OpenSSL 3.2 took the ten `*-CCM8` suites (64-bit tags) out of `HIGH`.
    let ccm8 = list.iter().filter(|c| c.name.ends_with("CCM8")).count();
    if common::linked_openssl_version_number() >= 0x3020_0000 {
        assert_eq!((list.len() - camellia, ccm8), (130 - 28, 0));
    } else {
        assert_eq!((list.len() - camellia, ccm8), (140 - 28, 10));
    }
    let names: Vec<&str> = list.iter().take(6).map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "DHE-DSS-AES256-GCM-SHA384",
        ]
    );
}

#[test]
fn failed_set_ciphers_leaves_only_tls13_suites_as_cpython() {
    let strings = [
        "ECDHE+AESGCM",
        "XXX",
        "",
        "TLS_AES_128_GCM_SHA256",
        "AES128-SHA",
        "XXX",
        "ALL",
    ];
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let seen: Vec<(Option<pyssl::Error>, Vec<ssl::CipherDict>)> = strings
        .iter()
        .map(|s| (ctx.set_ciphers(s).err(), ctx.get_ciphers()))
        .collect();
    let mut ours = String::new();
    for (err, list) in &seen {
        match err {
            Some(e) => ours.push_str(&err_line(e)),
            None => ours.push_str("ok"),
        }
        ours.push('\n');
        ours.push_str(&list.py_repr());
        ours.push('\n');
    }
    let python = py313(PY_ONE_CONTEXT, &strings);
    assert_lines_eq(&ours, &python, &strings);
    // In plain words. OpenSSL 3.0's SSL_CTX_set_cipher_list installs the list it built before
    // it checks for TLS <= 1.2 ciphers, so a failing `set_ciphers` does NOT keep the previous
    // list: only the three TLS 1.3 suites stay, and CPython reports exactly that.
    // FIPS mode: TLS_CHACHA20_POLY1305_SHA256 is not among them.
    let tls13: &[&str] = if common::fips_mode() {
        &["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"]
    } else {
        &[
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256",
        ]
    };
    assert_eq!(seen[0].1.len(), tls13.len() + 4);
    for i in [1, 2, 3, 5] {
        let (err, list) = &seen[i];
        let e = err.as_ref().expect("set_ciphers must fail");
        assert!(e.is_ssl_error());
        assert_eq!(e.to_string(), "('No cipher can be selected.',)");
        assert_eq!(e.py_repr(), "SSLError('No cipher can be selected.')");
        let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, tls13, "after {:?}", strings[i]);
    }
    assert!(seen[4].0.is_none() && seen[4].1.last().map(|c| c.name.as_str()) == Some("AES128-SHA"));
    // `ALL` (compared with CPython above): 140 suites on 3.0, 88 in FIPS mode.
    let all = if common::fips_mode() { 80 } else { 100 };
    assert!(seen[6].0.is_none() && seen[6].1.len() > all);
}

#[test]
fn embedded_nul_is_value_error_as_in_python() {
    let e = ciphers_for("ALL\0XXX").unwrap_err();
    let python = py313(
        "import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\ntry: ctx.set_ciphers('ALL\\0XXX')\n\
         except Exception as e: print('ERR', type(e).__name__, repr(e), str(e))",
        &[],
    );
    assert_eq!(err_line(&e), python.trim_end());
    assert!(e.is_value_error());
}

/// A handshake over a socket pair, then `cipher()`
/// and `shared_ciphers()` on both ends (and the server's `shared_ciphers()` before it).
const PY_LOOPBACK: &str = r#"
import ssl, socket, threading, sys
cert, key, sc, cc, tls12 = sys.argv[1:]
s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(cert, key); s.set_ciphers(sc)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
c.set_ciphers(cc)
if tls12 == '1':
    c.maximum_version = ssl.TLSVersion.TLSv1_2
a, b = socket.socketpair()
ss = s.wrap_socket(a, server_side=True, do_handshake_on_connect=False)
cs = c.wrap_socket(b, do_handshake_on_connect=False)
print(repr(ss.shared_ciphers()))
t = threading.Thread(target=ss.do_handshake); t.start()
cs.do_handshake(); t.join()
for v in (cs.cipher(), ss.cipher(), cs.shared_ciphers(), ss.shared_ciphers()):
    print(repr(v))
"#;

/// What one handshake shows: the server's `shared_ciphers()` before it, then `cipher()` and
/// `shared_ciphers()` on both ends.
struct Seen {
    server_shared_before: Option<Vec<(String, String, i32)>>,
    client_cipher: Option<(String, String, i32)>,
    server_cipher: Option<(String, String, i32)>,
    client_shared: Option<Vec<(String, String, i32)>>,
    server_shared: Option<Vec<(String, String, i32)>>,
}

/// The same handshake as `PY_LOOPBACK`, with pyssl over a socket pair.
fn loopback_case(server_ciphers: &str, client_ciphers: &str, tls12: bool) -> Seen {
    let (cert, key) = (fixture_str("server.pem"), fixture_str("server.key"));
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    sctx.load_cert_chain(&cert, key.as_str()).unwrap();
    sctx.set_ciphers(server_ciphers).unwrap();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    cctx.set_ciphers(client_ciphers).unwrap();
    if tls12 {
        cctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    }
    let (a, b) = socket::socketpair().unwrap();
    let lazy = |server_side| ssl::WrapSocket {
        server_side,
        do_handshake_on_connect: false,
        ..Default::default()
    };
    let mut ss = sctx.wrap_socket(a, lazy(true)).unwrap();
    let mut cs = cctx.wrap_socket(b, lazy(false)).unwrap();
    let server_shared_before = ss.shared_ciphers();
    let server = thread::spawn(move || {
        ss.do_handshake().unwrap();
        (ss.cipher(), ss.shared_ciphers())
    });
    cs.do_handshake().unwrap();
    let (server_cipher, server_shared) = server.join().unwrap();
    let seen = Seen {
        server_shared_before,
        client_cipher: cs.cipher(),
        server_cipher,
        client_shared: cs.shared_ciphers(),
        server_shared,
    };
    let ours = [
        seen.server_shared_before.py_repr(),
        seen.client_cipher.py_repr(),
        seen.server_cipher.py_repr(),
        seen.client_shared.py_repr(),
        seen.server_shared.py_repr(),
    ]
    .join("\n");
    let tls12_arg = if tls12 { "1" } else { "0" };
    let python = py313(
        PY_LOOPBACK,
        &[&cert, &key, server_ciphers, client_ciphers, tls12_arg],
    );
    assert_eq!(
        ours,
        python.trim_end(),
        "server {server_ciphers:?} client {client_ciphers:?} tls12 {tls12}"
    );
    seen
}

#[test]
fn cipher_and_shared_ciphers_match_cpython_tls13_defaults() {
    let seen = loopback_case(DEFAULT, DEFAULT, false);
    let expected = (
        "TLS_AES_256_GCM_SHA384".to_string(),
        "TLSv1.3".to_string(),
        256,
    );
    assert_eq!(seen.client_cipher, Some(expected.clone()));
    assert_eq!(seen.server_cipher, Some(expected));
    assert_eq!(seen.server_shared_before, None);
    assert_eq!(seen.client_shared, None);
    // FIPS mode lacks the three ChaCha20 suites.
    let shared = if common::fips_mode() { 14 } else { 17 };
    assert_eq!(seen.server_shared.as_ref().map(Vec::len), Some(shared));
}

#[test]
fn cipher_and_shared_ciphers_match_cpython_tls12_subsets() {
    // The server's order decides; only what the client offered is shared.
    let seen = loopback_case(
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA",
        "AES256-SHA:ECDHE-RSA-AES256-GCM-SHA384",
        true,
    );
    assert_eq!(
        seen.client_cipher,
        Some((
            "ECDHE-RSA-AES256-GCM-SHA384".to_string(),
            "TLSv1.2".to_string(),
            256
        ))
    );
    let shared: Vec<String> = seen
        .server_shared
        .unwrap()
        .into_iter()
        .map(|t| t.0)
        .collect();
    // A client capped at TLS 1.2 offers no TLS 1.3 suites, so none are shared.
    assert_eq!(shared, ["ECDHE-RSA-AES256-GCM-SHA384", "AES256-SHA"]);
    // The tuple's middle element is the cipher's protocol, not the negotiated version.
    let seen = loopback_case("AES128-SHA", "AES128-SHA", true);
    assert_eq!(
        seen.server_cipher,
        Some(("AES128-SHA".to_string(), "SSLv3".to_string(), 128))
    );
}

/// Once a context has made a connection its own list is frozen and later `set_ciphers` calls
/// are worked out aside (`src/ssl/context/cipher_lists.rs`): every observable must still be
/// CPython's, including a failing string that leaves only TLS 1.3 suites, an invalid command
/// that changes nothing, and `@SECLEVEL` moving the context's security level.
#[test]
fn set_ciphers_after_the_context_made_a_connection_matches_cpython() {
    let strings = [
        "ECDHE+AESGCM",
        "XXX",
        "AES128-SHA:@SECLEVEL=0",
        "@BOGUS",
        "TLS_AES_128_GCM_SHA256",
        "ALL:@SECLEVEL=1",
        "ECDHE-RSA-AES256-GCM-SHA384",
    ];
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let (incoming, outgoing) = (
        ssl::MemoryBIO::new().unwrap(),
        ssl::MemoryBIO::new().unwrap(),
    );
    let mut objects = vec![ctx
        .wrap_bio(&incoming, &outgoing, Default::default())
        .unwrap()];
    let mut ours = String::new();
    for s in strings {
        match ctx.set_ciphers(s) {
            Ok(()) => ours.push_str("ok"),
            Err(e) => ours.push_str(&err_line(&e)),
        }
        ours.push_str(&format!(
            "\n{}\n{}\n",
            ctx.get_ciphers().py_repr(),
            ctx.security_level()
        ));
        objects.push(
            ctx.wrap_bio(&incoming, &outgoing, Default::default())
                .unwrap(),
        );
    }
    let python = py313(
        r#"
import ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
objects = [ctx.wrap_bio(inc, out)]
for s in sys.argv[1:]:
    try:
        ctx.set_ciphers(s)
        print('ok')
    except Exception as e:
        print('ERR', type(e).__name__, repr(e), str(e))
    print(repr(ctx.get_ciphers()))
    print(ctx.security_level)
    objects.append(ctx.wrap_bio(inc, out))
"#,
        &strings,
    );
    assert_lines_eq(&ours, &python, &strings);
    // The cases that make this test worth having, in plain words.
    let lines: Vec<&str> = ours.lines().collect();
    assert!(lines[3].starts_with("ERR SSLError"), "XXX must fail");
    assert_eq!(lines[8], "0", "@SECLEVEL=0 moves the context's level");
    assert!(lines[9].starts_with("ERR SSLError"), "@BOGUS must fail");
    assert_eq!(lines[10], lines[7], "@BOGUS changes nothing");
    assert_eq!(lines[17], "1");
}

/// The connection made after a late `set_ciphers` negotiates from the new list, one made before
/// from the list it was wrapped with (pyssl's documented difference: CPython's reads the live
/// list when it handshakes, see docs/threads.md).
#[test]
fn a_late_set_ciphers_reaches_later_connections_only() {
    const A: &str = "ECDHE-RSA-AES128-GCM-SHA256";
    const B: &str = "ECDHE-RSA-AES256-GCM-SHA384";
    let server = common::server_context();
    server.set_ciphers(&format!("{A}:{B}")).unwrap();
    let client = common::client_context();
    client
        .set_maximum_version(ssl::TLSVersion::TLSv1_2)
        .unwrap();
    client.set_ciphers(A).unwrap();
    let before = Pair::new(&client, &server);
    client.set_ciphers(B).unwrap();
    let after = Pair::new(&client, &server);
    assert_eq!(before.handshake(), A);
    assert_eq!(after.handshake(), B);
}

/// A client and a server `SSLObject` joined by memory BIOs.
struct Pair {
    client: ssl::SSLObject,
    server: ssl::SSLObject,
    bios: [ssl::MemoryBIO; 4],
}

impl Pair {
    fn new(client: &ssl::SSLContext, server: &ssl::SSLContext) -> Pair {
        let bios = [(); 4].map(|()| ssl::MemoryBIO::new().unwrap());
        let kw = ssl::WrapBio {
            server_hostname: Some("localhost"),
            ..Default::default()
        };
        let client = client.wrap_bio(&bios[0], &bios[1], kw).unwrap();
        let kw = ssl::WrapBio {
            server_side: true,
            ..Default::default()
        };
        let server = server.wrap_bio(&bios[2], &bios[3], kw).unwrap();
        Pair {
            client,
            server,
            bios,
        }
    }

    /// Runs the handshake to the end; the negotiated cipher's name.
    fn handshake(mut self) -> String {
        for _ in 0..10 {
            let c = self.client.do_handshake();
            self.bios[2].write(&self.bios[1].read(-1).unwrap()).unwrap();
            let s = self.server.do_handshake();
            self.bios[0].write(&self.bios[3].read(-1).unwrap()).unwrap();
            if c.is_ok() && s.is_ok() {
                return self.client.cipher().unwrap().0;
            }
        }
        panic!("handshake did not finish");
    }
}

/// An SNI callback that moves a connection to another context brings that context's list, as
/// CPython's connection (which reads its current context's list) gets, also when either
/// context's list was set late (after the context made a connection).
#[test]
fn sni_switch_brings_the_new_contexts_list_also_when_set_late() {
    const A: &str = "ECDHE-RSA-AES128-GCM-SHA256";
    const B: &str = "ECDHE-RSA-AES256-GCM-SHA384";
    let client = common::client_context();
    client
        .set_maximum_version(ssl::TLSVersion::TLSv1_2)
        .unwrap();
    client.set_ciphers(&format!("{A}:{B}")).unwrap();
    // Each case: (the first context's list is late, the second's is late).
    for (first_late, second_late) in [(false, true), (true, false), (true, true)] {
        let set = |ctx: &ssl::SSLContext, list: &str, late: bool| {
            if late {
                // A connection freezes the context's own list; the list set after it is late.
                let bio = ssl::MemoryBIO::new().unwrap();
                let kw = ssl::WrapBio {
                    server_side: true,
                    ..Default::default()
                };
                drop(ctx.wrap_bio(&bio, &bio, kw).unwrap());
            }
            ctx.set_ciphers(list).unwrap();
        };
        let (first, second) = (common::server_context(), common::server_context());
        // `second` frozen with its default list would pick B: only its late list gives A.
        set(&first, B, first_late);
        set(&second, A, second_late);
        first
            .set_sni_callback(
                move |conn: &mut ssl::SNIConnection<'_>, _: Option<&str>, _: &ssl::SSLContext| {
                    conn.set_context(&second)?;
                    Ok(None)
                },
            )
            .unwrap();
        let seen = Pair::new(&client, &first).handshake();
        assert_eq!(
            seen, A,
            "first late: {first_late}, second late: {second_late}"
        );
    }
}

/// The extension `set_ciphersuites` after the context made a connection: `get_ciphers()` shows
/// the new TLS 1.3 suites (and the same TLS 1.2 list), a server connection wrapped afterwards
/// negotiates from them, one wrapped before keeps the suites it was wrapped with.
#[test]
fn a_late_set_ciphersuites_reaches_later_connections_only() {
    skip_in_fips!(
        "it switches a server to TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20"
    );
    const CHACHA: &str = "TLS_CHACHA20_POLY1305_SHA256";
    let client = common::client_context();
    let server = common::server_context();
    let tls12_of = |ctx: &ssl::SSLContext| -> Vec<String> {
        ctx.get_ciphers()
            .into_iter()
            .filter(|c| c.protocol != "TLSv1.3")
            .map(|c| c.name)
            .collect()
    };
    let tls12 = tls12_of(&server);
    let before = Pair::new(&client, &server);
    server.set_ciphersuites(CHACHA).unwrap();
    let after = Pair::new(&client, &server);
    let tls13: Vec<String> = server
        .get_ciphers()
        .into_iter()
        .filter(|c| c.protocol == "TLSv1.3")
        .map(|c| c.name)
        .collect();
    assert_eq!(tls13, [CHACHA]);
    assert_eq!(tls12_of(&server), tls12);
    assert_eq!(before.handshake(), "TLS_AES_256_GCM_SHA384");
    assert_eq!(after.handshake(), CHACHA);
    let e = server.set_ciphersuites("NOT_A_SUITE").unwrap_err();
    assert_eq!(e.py_repr(), "SSLError('No cipher can be selected.')");
}
