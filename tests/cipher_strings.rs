//! OpenSSL's whole cipher-string grammar through `set_ciphers` + `get_ciphers()`, compared entry
//! for entry and field for field with CPython 3.13: every keyword of the linked OpenSSL's
//! `ciphers(1)` page alone, negated, added and moved, the `+ - !` operators, `@STRENGTH`,
//! `@SECLEVEL=n`, the three separators, every single cipher name, TLS 1.3 names, and malformed
//! strings. Both sides run the whole table in one process each.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

const PY: &str = r#"
import ssl, sys
for s in sys.argv[1:]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(s)
        print(repr(ctx.get_ciphers()))
    except Exception as e:
        print('ERR', type(e).__name__, str(e), repr(ctx.get_ciphers()))
"#;

#[test]
fn every_cipher_string_selects_what_cpython_selects() {
    let strings = common::cipher_corpus::table();
    assert!(strings.len() >= 250, "only {} strings", strings.len());
    let ours: Vec<String> = strings
        .iter()
        .map(|s| {
            let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
            match ctx.set_ciphers(s) {
                Ok(()) => ctx.get_ciphers().py_repr(),
                Err(e) => format!("ERR {} {e} {}", e.type_name(), ctx.get_ciphers().py_repr()),
            }
        })
        .collect();
    let args: Vec<&str> = strings.iter().map(String::as_str).collect();
    let theirs = common::oracle_as_linked(&common::py313(PY, &args));
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours.len(), theirs.len());
    if !common::cipher_lists_comparable("the cipher lists of every cipher string") {
        return;
    }
    let mismatches: Vec<String> = strings
        .iter()
        .zip(ours.iter().zip(&theirs))
        .filter(|(_, (o, t))| o != t)
        .map(|(s, (o, t))| format!("{s:?}:\n  ours:   {o}\n  theirs: {t}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        strings.len(),
        mismatches.join("\n")
    );
    let failures = ours.iter().filter(|o| o.starts_with("ERR ")).count();
    assert!(
        failures > 20 && failures < strings.len() / 2,
        "{failures} failures"
    );
}

#[test]
fn tls13_suites_are_an_extension_setter() {
    skip_in_fips!("it selects TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20");
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    let names: Vec<String> = ctx
        .get_ciphers()
        .iter()
        .take(2)
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(
        names,
        [
            "TLS_CHACHA20_POLY1305_SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384"
        ]
    );
    let err = ctx.set_ciphersuites("NOT_A_SUITE").unwrap_err();
    assert_eq!(err.to_string(), "('No cipher can be selected.',)");
    assert_eq!(
        ctx.set_ciphersuites("A\0B").unwrap_err().to_string(),
        "embedded null character"
    );
}
