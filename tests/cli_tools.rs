//! `pyssl ciphers` and `pyssl decode-cert`, user tools and fidelity probes: with `--repr` their
//! output is exactly CPython 3.13's `print(...)`, on inputs nobody here wrote (CPython's own test
//! certificates).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn pyssl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(args)
        .output()
        .unwrap()
}

const CIPHER_STRINGS: &[&str] = &[
    "DEFAULT",
    "ALL",
    "HIGH:!RC4:!MD5:!3DES",
    "ECDHE+AESGCM",
    "AES128-SHA",
    "@SECLEVEL=0:ALL",
    "aRSA:!kRSA",
    "COMPLEMENTOFALL",
    "RSA:+AES256",
    "!aNULL:AES",
    "-ALL:+AES128-SHA:AES256-SHA",
    "+HIGH",
    "kECDHE:@STRENGTH",
    "CHACHA20",
    "ECDHE-RSA-AES128-GCM-SHA256,AES256-SHA",
    "PSK",
    "SUITEB128",
    "CAMELLIA",
    "ARIA",
    "!ALL:AES128-SHA",
];

#[test]
fn ciphers_repr_is_cpythons_print() {
    let code = r#"
import ssl, sys
for s in sys.argv[1:]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(s); print(ctx.get_ciphers())
    except ssl.SSLError as e:
        print("ERR", e)
"#;
    let theirs = common::oracle_as_linked(&common::py313(code, CIPHER_STRINGS));
    let compare = common::cipher_lists_comparable("the cipher lists `pyssl ciphers` prints");
    for (s, expected) in CIPHER_STRINGS.iter().zip(theirs.lines()) {
        let out = pyssl(&["ciphers", "--repr", "--", s]);
        if !compare {
            continue;
        }
        if let Some(err) = expected.strip_prefix("ERR ") {
            assert_eq!(out.status.code(), Some(1), "{s}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                format!("{err}\n"),
                "{s}"
            );
        } else {
            assert!(
                out.status.success(),
                "{s}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{expected}\n"),
                "{s}"
            );
        }
    }
}

#[test]
fn ciphers_table_and_errors() {
    let out = pyssl(&["ciphers", "ECDHE+AESGCM"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("name "), "{text}");
    assert!(lines[1].starts_with("TLS_AES_256_GCM_SHA384           TLSv1.3  any        any      AESGCM(256)            AEAD    256"), "{text}");
    // FIPS mode lacks TLS_CHACHA20_POLY1305_SHA256.
    let count = if common::fips_mode() {
        "6 ciphers"
    } else {
        "7 ciphers"
    };
    assert_eq!(lines.last().copied(), Some(count));
    let out = pyssl(&["ciphers", "NOPE"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "('No cipher can be selected.',)\n"
    );
    // Without `--` a string starting with `-` is still taken as the string when it is the last
    // argument; with `--` anything goes.
    let out = pyssl(&["ciphers", "--", "-ALL:+AES128-SHA:AES256-SHA"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// CPython 3.13's own test certificates, found through the interpreter.
fn certdata() -> Vec<PathBuf> {
    let dir = common::py313(
        "import os, test; print(os.path.join(os.path.dirname(test.__file__), 'certdata'))",
        &[],
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.trim())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    files.sort();
    files
}

#[test]
fn decode_cert_repr_is_cpythons_print_for_cpythons_test_data() {
    let files = certdata();
    assert!(files.len() > 20, "{files:?}");
    let code = r#"
import ssl, sys
for f in sys.argv[1:]:
    try:
        print(ssl._ssl._test_decode_cert(f))
    except Exception as e:
        print("ERR", e)
"#;
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let theirs = common::py313(code, &args);
    let mut mismatches = Vec::new();
    for (file, expected) in args.iter().zip(theirs.lines()) {
        let out = pyssl(&["decode-cert", file, "--repr"]);
        let ours = if out.status.success() {
            String::from_utf8_lossy(&out.stdout)
                .trim_end_matches('\n')
                .to_string()
        } else {
            assert_eq!(out.status.code(), Some(1));
            format!(
                "ERR {}",
                String::from_utf8_lossy(&out.stderr).trim_end_matches('\n')
            )
        };
        if ours != expected {
            mismatches.push(format!("{file}:\n  ours:   {ours}\n  theirs: {expected}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(theirs.lines().filter(|l| l.starts_with("ERR ")).count() > 2);
}

#[test]
fn decode_cert_readable_form() {
    let out = pyssl(&["decode-cert", &common::fixture_str("server.pem")]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "subject:\n    organizationName: 'pyssl'\n    commonName: 'localhost'\nissuer:\n    \
         organizationName: 'pyssl'\n    commonName: 'pyssl test CA'\nversion: 3\nserialNumber: 1002\n\
         notBefore: Jan  1 00:00:00 2020 GMT\nnotAfter: Jan  1 00:00:00 2099 GMT\nsubjectAltName:\n    \
         DNS: 'localhost'\n    IP Address: '127.0.0.1'\n    IP Address: '0:0:0:0:0:0:0:1'\n"
    );
    let out = pyssl(&["decode-cert", &common::fixture_str("missing.pem")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "(\"Can't open file\",)\n"
    );
}

#[test]
fn a_non_utf8_argument_is_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("ciphers")
        .arg(std::ffi::OsStr::from_bytes(b"\xff"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "argument is not valid UTF-8: \"\\xFF\"\n"
    );
}
