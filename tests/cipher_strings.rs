//! OpenSSL's whole cipher-string grammar through `set_ciphers` + `get_ciphers()`, compared entry
//! for entry and field for field with CPython 3.13: every keyword of the linked OpenSSL's
//! `ciphers(1)` page alone, negated, added and moved, the `+ - !` operators, `@STRENGTH`,
//! `@SECLEVEL=n`, the three separators, every single cipher name, TLS 1.3 names, and malformed
//! strings. Both sides run the whole table in one process each.

mod common;

use std::process::Command;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

/// The keywords `openssl-ciphers(1)` lists for OpenSSL 3.0.
const KEYWORDS: &[&str] = &[
    "DEFAULT",
    "COMPLEMENTOFDEFAULT",
    "ALL",
    "COMPLEMENTOFALL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "eNULL",
    "NULL",
    "aNULL",
    "kRSA",
    "aRSA",
    "RSA",
    "kDHr",
    "kDHd",
    "kDH",
    "kDHE",
    "kEDH",
    "DH",
    "DHE",
    "EDH",
    "ADH",
    "kEECDH",
    "kECDHE",
    "ECDH",
    "ECDHE",
    "EECDH",
    "AECDH",
    "aDSS",
    "DSS",
    "aDH",
    "aECDSA",
    "ECDSA",
    "TLSv1.2",
    "TLSv1.0",
    "SSLv3",
    "AES128",
    "AES256",
    "AES",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "ARIA128",
    "ARIA256",
    "ARIA",
    "CAMELLIA128",
    "CAMELLIA256",
    "CAMELLIA",
    "CHACHA20",
    "3DES",
    "DES",
    "RC4",
    "RC2",
    "IDEA",
    "SEED",
    "MD5",
    "SHA1",
    "SHA",
    "SHA256",
    "SHA384",
    "aGOST",
    "aGOST01",
    "kGOST",
    "GOST94",
    "GOST89MAC",
    "PSK",
    "kPSK",
    "kECDHEPSK",
    "kDHEPSK",
    "kRSAPSK",
    "aPSK",
    "SUITEB128",
    "SUITEB128ONLY",
    "SUITEB192",
    "CBC",
];

/// Hand-written strings for the operators, separators, levels and malformed input.
const GRAMMAR: &[&str] = &[
    "", " ", ":", "::", ",", "XXX", "ALL:XXX", "XXX:ALL", "!ALL", "-ALL", "+ALL", "ALL:!ALL",
    "ALL:-ALL", "ALL:-ALL:AES128-SHA", "ALL:!ALL:AES128-SHA", "-ALL:+AES128-SHA",
    "AES128-SHA:-AES128-SHA", "AES128-SHA:!AES128-SHA:AES128-SHA", "HIGH:!aNULL:!MD5",
    "HIGH:+SHA1", "HIGH:+AES256", "ALL:+kRSA", "ALL:@STRENGTH", "HIGH:@STRENGTH",
    "@STRENGTH", "ECDHE:@STRENGTH:+SHA1", "@SECLEVEL=0", "@SECLEVEL=0:ALL", "@SECLEVEL=1:ALL",
    "@SECLEVEL=2:ALL", "@SECLEVEL=3:ALL", "@SECLEVEL=4:ALL", "@SECLEVEL=5:ALL",
    "ALL:@SECLEVEL=0", "@SECLEVEL=9:ALL", "@SECLEVEL=-1:ALL", "@SECLEVEL=x:ALL", "@FOO:ALL",
    "ALL,!RC4", "ALL !RC4", "ALL, !RC4", "HIGH:MEDIUM", "HIGH,MEDIUM", "HIGH MEDIUM",
    "kRSA+AES", "ECDHE+AESGCM", "ECDHE+AESGCM+SHA384", "aRSA+kECDHE+CHACHA20", "AES+SHA1:!DSS",
    "DEFAULT:!ECDHE", "DEFAULT:-ECDHE:ECDHE", "ALL:COMPLEMENTOFALL", "ALL:COMPLEMENTOFALL:!eNULL",
    "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256:AES128-SHA", "AES128-SHA:TLS_AES_128_GCM_SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256,AES256-SHA", "ECDHE-RSA-AES128-GCM-SHA256 AES256-SHA",
    "ECDHE-RSA-AES128-GCM-SHA256:nonsense:AES256-SHA", "aes128-sha", "High", "+", "-", "!",
    "@", "!+ALL", "ALL::HIGH", "ALL:+", "AES128-SHA:@STRENGTH:@SECLEVEL=0",
    "RSA:+AES256:!SHA256", "EDH+aRSA:!3DES", "PSK:!aPSK", "SRP", "kSRP", "aSRP", "FIPS",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
];

/// Every cipher name the linked OpenSSL knows (`openssl ciphers ALL:COMPLEMENTOFALL`).
fn cipher_names() -> Vec<String> {
    let out = Command::new("openssl")
        .args(["ciphers", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"])
        .output()
        .expect("the openssl command line is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .split(':')
        .map(str::to_string)
        .collect()
}

fn table() -> Vec<String> {
    let mut strings: Vec<String> = GRAMMAR.iter().map(|s| s.to_string()).collect();
    for k in KEYWORDS {
        strings.push(k.to_string());
        strings.push(format!("!{k}"));
        strings.push(format!("ALL:!{k}"));
        strings.push(format!("HIGH:+{k}"));
        strings.push(format!("@SECLEVEL=0:{k}:@STRENGTH"));
    }
    strings.extend(cipher_names());
    strings
}

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
    let strings = table();
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
