//! `ssl` constants and enums against CPython 3.13 on the same OpenSSL: every constant's value,
//! `repr()` and `str()` of members and composite flags, `get_protocol_name`, `_ASN1Object`.

mod common;

use common::py313;
use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

/// Names in `dir(ssl)` that other files of pyssl define (sockets, certificates, ciphers). They
/// are checked by those files' tests; listing them here keeps this test exhaustive: a constant
/// Python has that is in neither list fails.
const OWNED_ELSEWHERE: &[&str] = &[
    "PEM_FOOTER",
    "PEM_HEADER",
    "SOCK_STREAM",
    "SOL_SOCKET",
    "SO_TYPE",
    "_DEFAULT_CIPHERS",
    "_RESTRICTED_SERVER_CIPHERS",
];

/// Python prints ints (and IntEnum/IntFlag members) as `int(v)`, others as `repr(v)`.
const DUMP_CONSTANTS: &str = r#"
import ssl
for name in sorted(dir(ssl)):
    if name.startswith('__'):
        continue
    v = getattr(ssl, name)
    if isinstance(v, bool):
        text = repr(v)
    elif isinstance(v, int):
        text = str(int(v))
    elif isinstance(v, (str, tuple, list)):
        text = repr(v)
    else:
        continue
    print(name, text, sep='\t')
"#;

fn int(v: impl Into<i128>) -> String {
    v.into().to_string()
}

/// Every constant of `ssl` this file owns, rendered as `DUMP_CONSTANTS` renders Python's.
fn rust_constants() -> Vec<(&'static str, String)> {
    #[cfg_attr(not(ossl300), allow(unused_mut))]
    let mut table = vec![
        (
            "ALERT_DESCRIPTION_ACCESS_DENIED",
            int(ssl::ALERT_DESCRIPTION_ACCESS_DENIED.value()),
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE",
            int(ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE.value()),
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE",
            int(ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE.value()),
        ),
        (
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE",
            int(ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE.value()),
        ),
        (
            "ALERT_DESCRIPTION_BAD_RECORD_MAC",
            int(ssl::ALERT_DESCRIPTION_BAD_RECORD_MAC.value()),
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED",
            int(ssl::ALERT_DESCRIPTION_CERTIFICATE_EXPIRED.value()),
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_REVOKED",
            int(ssl::ALERT_DESCRIPTION_CERTIFICATE_REVOKED.value()),
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN",
            int(ssl::ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN.value()),
        ),
        (
            "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE",
            int(ssl::ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE.value()),
        ),
        (
            "ALERT_DESCRIPTION_CLOSE_NOTIFY",
            int(ssl::ALERT_DESCRIPTION_CLOSE_NOTIFY.value()),
        ),
        (
            "ALERT_DESCRIPTION_DECODE_ERROR",
            int(ssl::ALERT_DESCRIPTION_DECODE_ERROR.value()),
        ),
        (
            "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE",
            int(ssl::ALERT_DESCRIPTION_DECOMPRESSION_FAILURE.value()),
        ),
        (
            "ALERT_DESCRIPTION_DECRYPT_ERROR",
            int(ssl::ALERT_DESCRIPTION_DECRYPT_ERROR.value()),
        ),
        (
            "ALERT_DESCRIPTION_HANDSHAKE_FAILURE",
            int(ssl::ALERT_DESCRIPTION_HANDSHAKE_FAILURE.value()),
        ),
        (
            "ALERT_DESCRIPTION_ILLEGAL_PARAMETER",
            int(ssl::ALERT_DESCRIPTION_ILLEGAL_PARAMETER.value()),
        ),
        (
            "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY",
            int(ssl::ALERT_DESCRIPTION_INSUFFICIENT_SECURITY.value()),
        ),
        (
            "ALERT_DESCRIPTION_INTERNAL_ERROR",
            int(ssl::ALERT_DESCRIPTION_INTERNAL_ERROR.value()),
        ),
        (
            "ALERT_DESCRIPTION_NO_RENEGOTIATION",
            int(ssl::ALERT_DESCRIPTION_NO_RENEGOTIATION.value()),
        ),
        (
            "ALERT_DESCRIPTION_PROTOCOL_VERSION",
            int(ssl::ALERT_DESCRIPTION_PROTOCOL_VERSION.value()),
        ),
        (
            "ALERT_DESCRIPTION_RECORD_OVERFLOW",
            int(ssl::ALERT_DESCRIPTION_RECORD_OVERFLOW.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE",
            int(ssl::ALERT_DESCRIPTION_UNEXPECTED_MESSAGE.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNKNOWN_CA",
            int(ssl::ALERT_DESCRIPTION_UNKNOWN_CA.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY",
            int(ssl::ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNRECOGNIZED_NAME",
            int(ssl::ALERT_DESCRIPTION_UNRECOGNIZED_NAME.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE",
            int(ssl::ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE.value()),
        ),
        (
            "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION",
            int(ssl::ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION.value()),
        ),
        (
            "ALERT_DESCRIPTION_USER_CANCELLED",
            int(ssl::ALERT_DESCRIPTION_USER_CANCELLED.value()),
        ),
        ("CERT_NONE", int(ssl::CERT_NONE.value())),
        ("CERT_OPTIONAL", int(ssl::CERT_OPTIONAL.value())),
        ("CERT_REQUIRED", int(ssl::CERT_REQUIRED.value())),
        (
            "CHANNEL_BINDING_TYPES",
            ssl::CHANNEL_BINDING_TYPES.py_repr(),
        ),
        ("HAS_ALPN", ssl::HAS_ALPN.py_repr()),
        ("HAS_ECDH", ssl::HAS_ECDH.py_repr()),
        (
            "HAS_NEVER_CHECK_COMMON_NAME",
            ssl::HAS_NEVER_CHECK_COMMON_NAME.py_repr(),
        ),
        ("HAS_NPN", ssl::HAS_NPN.py_repr()),
        ("HAS_PSK", ssl::HAS_PSK.py_repr()),
        ("HAS_SNI", ssl::HAS_SNI.py_repr()),
        ("HAS_SSLv2", ssl::HAS_SSLv2.py_repr()),
        ("HAS_SSLv3", ssl::HAS_SSLv3.py_repr()),
        ("HAS_TLSv1", ssl::HAS_TLSv1.py_repr()),
        ("HAS_TLSv1_1", ssl::HAS_TLSv1_1.py_repr()),
        ("HAS_TLSv1_2", ssl::HAS_TLSv1_2.py_repr()),
        ("HAS_TLSv1_3", ssl::HAS_TLSv1_3.py_repr()),
        ("OPENSSL_VERSION", ssl::OPENSSL_VERSION.py_repr()),
        ("OPENSSL_VERSION_INFO", ssl::OPENSSL_VERSION_INFO.py_repr()),
        ("OPENSSL_VERSION_NUMBER", int(*ssl::OPENSSL_VERSION_NUMBER)),
        ("OP_ALL", int(ssl::OP_ALL.value())),
        (
            "OP_CIPHER_SERVER_PREFERENCE",
            int(ssl::OP_CIPHER_SERVER_PREFERENCE.value()),
        ),
        (
            "OP_ENABLE_MIDDLEBOX_COMPAT",
            int(ssl::OP_ENABLE_MIDDLEBOX_COMPAT.value()),
        ),
        (
            "OP_LEGACY_SERVER_CONNECT",
            int(ssl::OP_LEGACY_SERVER_CONNECT.value()),
        ),
        ("OP_NO_COMPRESSION", int(ssl::OP_NO_COMPRESSION.value())),
        ("OP_NO_RENEGOTIATION", int(ssl::OP_NO_RENEGOTIATION.value())),
        ("OP_NO_SSLv2", int(ssl::OP_NO_SSLv2.value())),
        ("OP_NO_SSLv3", int(ssl::OP_NO_SSLv3.value())),
        ("OP_NO_TICKET", int(ssl::OP_NO_TICKET.value())),
        ("OP_NO_TLSv1", int(ssl::OP_NO_TLSv1.value())),
        ("OP_NO_TLSv1_1", int(ssl::OP_NO_TLSv1_1.value())),
        ("OP_NO_TLSv1_2", int(ssl::OP_NO_TLSv1_2.value())),
        ("OP_NO_TLSv1_3", int(ssl::OP_NO_TLSv1_3.value())),
        ("OP_SINGLE_DH_USE", int(ssl::OP_SINGLE_DH_USE.value())),
        ("OP_SINGLE_ECDH_USE", int(ssl::OP_SINGLE_ECDH_USE.value())),
        ("PROTOCOL_SSLv23", int(ssl::PROTOCOL_SSLv23.value())),
        ("PROTOCOL_TLS", int(ssl::PROTOCOL_TLS.value())),
        ("PROTOCOL_TLS_CLIENT", int(ssl::PROTOCOL_TLS_CLIENT.value())),
        ("PROTOCOL_TLS_SERVER", int(ssl::PROTOCOL_TLS_SERVER.value())),
        ("PROTOCOL_TLSv1", int(ssl::PROTOCOL_TLSv1.value())),
        ("PROTOCOL_TLSv1_1", int(ssl::PROTOCOL_TLSv1_1.value())),
        ("PROTOCOL_TLSv1_2", int(ssl::PROTOCOL_TLSv1_2.value())),
        ("SSL_ERROR_EOF", int(ssl::SSL_ERROR_EOF.value())),
        (
            "SSL_ERROR_INVALID_ERROR_CODE",
            int(ssl::SSL_ERROR_INVALID_ERROR_CODE.value()),
        ),
        ("SSL_ERROR_SSL", int(ssl::SSL_ERROR_SSL.value())),
        ("SSL_ERROR_SYSCALL", int(ssl::SSL_ERROR_SYSCALL.value())),
        (
            "SSL_ERROR_WANT_CONNECT",
            int(ssl::SSL_ERROR_WANT_CONNECT.value()),
        ),
        ("SSL_ERROR_WANT_READ", int(ssl::SSL_ERROR_WANT_READ.value())),
        (
            "SSL_ERROR_WANT_WRITE",
            int(ssl::SSL_ERROR_WANT_WRITE.value()),
        ),
        (
            "SSL_ERROR_WANT_X509_LOOKUP",
            int(ssl::SSL_ERROR_WANT_X509_LOOKUP.value()),
        ),
        (
            "SSL_ERROR_ZERO_RETURN",
            int(ssl::SSL_ERROR_ZERO_RETURN.value()),
        ),
        (
            "VERIFY_ALLOW_PROXY_CERTS",
            int(ssl::VERIFY_ALLOW_PROXY_CERTS.value()),
        ),
        (
            "VERIFY_CRL_CHECK_CHAIN",
            int(ssl::VERIFY_CRL_CHECK_CHAIN.value()),
        ),
        (
            "VERIFY_CRL_CHECK_LEAF",
            int(ssl::VERIFY_CRL_CHECK_LEAF.value()),
        ),
        ("VERIFY_DEFAULT", int(ssl::VERIFY_DEFAULT.value())),
        (
            "VERIFY_X509_PARTIAL_CHAIN",
            int(ssl::VERIFY_X509_PARTIAL_CHAIN.value()),
        ),
        ("VERIFY_X509_STRICT", int(ssl::VERIFY_X509_STRICT.value())),
        (
            "VERIFY_X509_TRUSTED_FIRST",
            int(ssl::VERIFY_X509_TRUSTED_FIRST.value()),
        ),
        ("_OPENSSL_API_VERSION", ssl::_OPENSSL_API_VERSION.py_repr()),
    ];
    #[cfg(ossl300)]
    table.extend([
        ("OP_ENABLE_KTLS", int(ssl::OP_ENABLE_KTLS.value())),
        (
            "OP_IGNORE_UNEXPECTED_EOF",
            int(ssl::OP_IGNORE_UNEXPECTED_EOF.value()),
        ),
    ]);
    table
}

#[test]
fn every_constant_matches_python() {
    let python = py313(&format!("{}{DUMP_CONSTANTS}", linked_overlay()), &[]);
    if !common::same_openssl_as_oracle() {
        // The overlay took these from pyssl: check them against each other instead, as
        // CPython's test_openssl_version does.
        let (major, minor, fix, patch, _) = *ssl::OPENSSL_VERSION_INFO;
        let prefix = if major >= 3 {
            format!("OpenSSL {major}.{minor}.{patch}")
        } else {
            format!("OpenSSL {major}.{minor}.{fix}")
        };
        assert!(
            ssl::OPENSSL_VERSION.starts_with(&prefix),
            "{}",
            *ssl::OPENSSL_VERSION
        );
        assert_eq!(*ssl::OPENSSL_VERSION_NUMBER >> 28, u64::from(major));
    }
    let rust = rust_constants();
    let mut problems = Vec::new();
    let mut seen = 0;
    for line in python.lines() {
        let (name, value) = line.split_once('\t').expect("name<TAB>value");
        if OWNED_ELSEWHERE.contains(&name) {
            continue;
        }
        seen += 1;
        match rust.iter().find(|(n, _)| *n == name) {
            None => problems.push(format!("{name}: missing in pyssl (Python: {value})")),
            Some((_, ours)) if ours != value => {
                problems.push(format!("{name}: pyssl {ours}, Python {value}"))
            }
            Some(_) => {}
        }
    }
    for (name, ours) in &rust {
        if !python.lines().any(|l| l.split('\t').next() == Some(name)) {
            problems.push(format!(
                "{name}: pyssl has {ours}, Python has no such constant"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "constants differ from CPython 3.13:\n{}",
        problems.join("\n")
    );
    assert_eq!(seen, rust.len());
}

/// Python run before the oracle's code when CPython links another OpenSSL than pyssl: makes its
/// `ssl` module what CPython builds on pyssl's OpenSSL. `Options` is rebuilt by CPython's own
/// `IntFlag._convert_` (as ssl.py does) from `_ssl`'s `OP_*` values with the linked version's
/// known differences (1.1.1: `SSL_OP_ALL` is 0x80000054, no `OP_ENABLE_KTLS` nor
/// `OP_IGNORE_UNEXPECTED_EOF`), so every flag repr, name and str below is Python's own answer for
/// those members; the version constants are set to pyssl's (checked separately against each
/// other). Empty when the oracle links pyssl's OpenSSL.
fn linked_overlay() -> String {
    if common::same_openssl_as_oracle() {
        return api_version_overlay();
    }
    let mut code = String::from(
        "import enum, ssl, types, _ssl\n\
         _ns = {k: getattr(_ssl, k) for k in dir(_ssl) if k.startswith('OP_')}\n",
    );
    if common::linked_openssl_111() {
        code.push_str(
            "_ns['OP_ALL'] = 0x80000054\n\
             for _k in ('OP_ENABLE_KTLS', 'OP_IGNORE_UNEXPECTED_EOF'):\n    \
             del _ns[_k]; delattr(ssl, _k)\n",
        );
    }
    code.push_str(
        "enum.IntFlag._convert_('Options', 'ssl', lambda n: n.startswith('OP_'), \
         source=types.SimpleNamespace(**_ns))\n",
    );
    code.push_str(&format!(
        "ssl.OPENSSL_VERSION = {}\nssl.OPENSSL_VERSION_NUMBER = {}\n\
         ssl.OPENSSL_VERSION_INFO = {}\nssl._OPENSSL_API_VERSION = {}\n",
        ssl::OPENSSL_VERSION.py_repr(),
        *ssl::OPENSSL_VERSION_NUMBER,
        ssl::OPENSSL_VERSION_INFO.py_repr(),
        ssl::_OPENSSL_API_VERSION.py_repr(),
    ));
    code.push_str("del enum, types, _ssl, _ns\n");
    code
}

/// `_OPENSSL_API_VERSION` is the version of the headers a build compiled against, not of the
/// library it runs on: on the FIPS row CPython runs on pyssl's OpenSSL 3.0.22 but was compiled
/// against the system's 3.0.19 headers. When the two differ, the overlay sets CPython's to
/// pyssl's (said on stderr); pyssl's is then checked against the headers it compiled with.
/// Empty when they are equal.
fn api_version_overlay() -> String {
    let theirs = py313("import ssl; print(repr(ssl._OPENSSL_API_VERSION))", &[]);
    let ours = ssl::_OPENSSL_API_VERSION.py_repr();
    if theirs.trim_end() == ours {
        return String::new();
    }
    eprintln!(
        "not comparing _OPENSSL_API_VERSION with CPython: it was compiled against OpenSSL {}, \
         pyssl against {ours}",
        theirs.trim_end()
    );
    // pyssl runs on the library whose headers it compiled with (each matrix row builds both).
    assert_eq!(
        ours,
        ssl::OPENSSL_VERSION_INFO.py_repr(),
        "pyssl's _OPENSSL_API_VERSION against the linked OPENSSL_VERSION_INFO"
    );
    format!("import ssl\nssl._OPENSSL_API_VERSION = {ours}\n")
}

/// Runs every Python expression in one CPython 3.13 process and returns `repr()` (or `str()`)
/// of each, one per line.
fn python_eval(exprs: &[String], func: &str) -> Vec<String> {
    let code = format!(
        "import sys, ssl\nfor e in sys.argv[1:]:\n    print({func}(eval(e)).replace('\\n', '\\\\n'))\n"
    );
    let args: Vec<&str> = exprs.iter().map(String::as_str).collect();
    let out = py313(&format!("{}{code}", linked_overlay()), &args);
    let lines: Vec<String> = out.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), exprs.len(), "one output line per expression");
    lines
}

fn assert_all_equal(cases: &[(String, String)], func: &str) {
    let exprs: Vec<String> = cases.iter().map(|(e, _)| e.clone()).collect();
    let python = python_eval(&exprs, func);
    let mismatches: Vec<String> = cases
        .iter()
        .zip(&python)
        .filter(|((_, ours), theirs)| ours != *theirs)
        .map(|((e, ours), theirs)| format!("{func}({e}):\n  pyssl:  {ours}\n  Python: {theirs}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// A deterministic spread of values: each single bit, and pseudo-random mixes of member bits
/// and stray bits.
fn sample_values(width: u32, member_bits: u64) -> Vec<u64> {
    let mut values: Vec<u64> = (0..width).map(|i| 1u64 << i).collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..150 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = match i % 3 {
            0 => x & member_bits,
            1 => x & member_bits | (x >> 32) & 0x3,
            _ => x,
        };
        values.push(if width < 64 {
            v & ((1 << width) - 1)
        } else {
            v
        });
    }
    values
}

fn flag_cases() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for (name, member) in ssl::Options::members() {
        cases.push((format!("ssl.Options.{name}"), member.py_repr()));
        cases.push((format!("ssl.{name}"), member.py_repr()));
        cases.push((format!("~ssl.{name}"), (!member).py_repr()));
    }
    for (name, member) in ssl::VerifyFlags::members() {
        cases.push((format!("ssl.VerifyFlags.{name}"), member.py_repr()));
        cases.push((format!("ssl.{name}"), member.py_repr()));
        cases.push((format!("~ssl.{name}"), (!member).py_repr()));
    }
    let all_options = ssl::Options::members()
        .iter()
        .fold(0, |m, (_, v)| m | v.value());
    for v in sample_values(64, all_options) {
        let o = ssl::Options::from_bits(v);
        cases.push((format!("ssl.Options({v})"), o.py_repr()));
        if v != u64::MAX {
            cases.push((format!("~ssl.Options({v})"), (!o).py_repr()));
        }
    }
    for v in sample_values(21, 0x8_80ED) {
        let f = ssl::VerifyFlags::from_bits(v);
        cases.push((format!("ssl.VerifyFlags({v})"), f.py_repr()));
        cases.push((format!("~ssl.VerifyFlags({v})"), (!f).py_repr()));
    }
    let named = [
        ("ssl.Options(0)", ssl::Options::from_bits(0)),
        ("ssl.Options(1)", ssl::Options::from_bits(1)),
        (
            "ssl.Options(0x80000004)",
            ssl::Options::from_bits(0x8000_0004),
        ),
        (
            "ssl.Options(0x82520050)",
            ssl::Options::from_bits(0x8252_0050),
        ),
        ("ssl.Options(1 << 40)", ssl::Options::from_bits(1 << 40)),
        (
            "~ssl.Options(0xFFFFFFFF)",
            !ssl::Options::from_bits(0xFFFF_FFFF),
        ),
        ("~ssl.Options(2**63)", !ssl::Options::from_bits(1 << 63)),
        (
            "ssl.OP_ALL | ssl.OP_LEGACY_SERVER_CONNECT",
            ssl::OP_ALL | ssl::OP_LEGACY_SERVER_CONNECT,
        ),
        (
            "ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3",
            ssl::OP_NO_SSLv2 | ssl::OP_NO_SSLv3,
        ),
        (
            "ssl.OP_ALL & ssl.OP_NO_SSLv3",
            ssl::OP_ALL & ssl::OP_NO_SSLv3,
        ),
        (
            "ssl.OP_ALL ^ ssl.Options(0x10)",
            ssl::OP_ALL ^ ssl::Options::from_bits(0x10),
        ),
        (
            "ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1",
            ssl::OP_NO_TLSv1 | ssl::OP_NO_TLSv1_1,
        ),
    ];
    for (e, v) in named {
        cases.push((e.to_string(), v.py_repr()));
    }
    let named = [
        (
            "ssl.VerifyFlags(0x88020)",
            ssl::VerifyFlags::from_bits(0x8_8020),
        ),
        ("ssl.VerifyFlags(13)", ssl::VerifyFlags::from_bits(13)),
        ("ssl.VerifyFlags(8)", ssl::VerifyFlags::from_bits(8)),
        (
            "ssl.VERIFY_CRL_CHECK_CHAIN | ssl.VERIFY_X509_STRICT",
            ssl::VERIFY_CRL_CHECK_CHAIN | ssl::VERIFY_X509_STRICT,
        ),
        (
            "ssl.VERIFY_CRL_CHECK_CHAIN & ~ssl.VERIFY_CRL_CHECK_LEAF",
            ssl::VERIFY_CRL_CHECK_CHAIN & !ssl::VERIFY_CRL_CHECK_LEAF,
        ),
    ];
    for (e, v) in named {
        cases.push((e.to_string(), v.py_repr()));
    }
    cases
}

fn enum_cases() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for m in ssl::VerifyMode::members() {
        cases.push((format!("ssl.VerifyMode.{}", m.name()), m.py_repr()));
        cases.push((format!("ssl.{}", m.name()), m.py_repr()));
    }
    for m in ssl::TLSVersion::members() {
        cases.push((format!("ssl.TLSVersion.{}", m.name()), m.py_repr()));
    }
    for m in ssl::SSLMethod::members() {
        cases.push((format!("ssl._SSLMethod.{}", m.name()), m.py_repr()));
        cases.push((format!("ssl.{}", m.name()), m.py_repr()));
    }
    cases.push(("ssl.PROTOCOL_SSLv23".into(), ssl::PROTOCOL_SSLv23.py_repr()));
    cases.push((
        "ssl._SSLMethod.PROTOCOL_SSLv23".into(),
        ssl::SSLMethod::PROTOCOL_SSLv23.py_repr(),
    ));
    for m in ssl::AlertDescription::members() {
        cases.push((format!("ssl.AlertDescription.{}", m.name()), m.py_repr()));
        cases.push((format!("ssl.{}", m.name()), m.py_repr()));
    }
    for m in ssl::SSLErrorNumber::members() {
        cases.push((format!("ssl.SSLErrorNumber.{}", m.name()), m.py_repr()));
        cases.push((format!("ssl.{}", m.name()), m.py_repr()));
    }
    for m in ssl::Purpose::members() {
        cases.push((format!("ssl.Purpose.{}", m.name()), m.py_repr()));
    }
    cases
}

#[test]
fn flag_reprs_match_python() {
    assert_all_equal(&flag_cases(), "repr");
}

#[test]
fn enum_reprs_match_python() {
    assert_all_equal(&enum_cases(), "repr");
}

#[test]
fn enum_member_lists_match_python() {
    let names = |ms: Vec<&str>| ms.join(",");
    let cases = vec![
        (
            "','.join(ssl.Options.__members__)".to_string(),
            names(ssl::Options::members().iter().map(|(n, _)| *n).collect()),
        ),
        (
            "','.join(ssl.VerifyFlags.__members__)".to_string(),
            names(
                ssl::VerifyFlags::members()
                    .iter()
                    .map(|(n, _)| *n)
                    .collect(),
            ),
        ),
        (
            "','.join(ssl.VerifyMode.__members__)".to_string(),
            names(
                ssl::VerifyMode::members()
                    .iter()
                    .map(|m| m.name())
                    .collect(),
            ),
        ),
        (
            "','.join(ssl.TLSVersion.__members__)".to_string(),
            names(
                ssl::TLSVersion::members()
                    .iter()
                    .map(|m| m.name())
                    .collect(),
            ),
        ),
        (
            "','.join(ssl._SSLMethod.__members__)".to_string(),
            names(ssl::SSLMethod::members().iter().map(|m| m.name()).collect()),
        ),
        (
            "','.join(ssl.AlertDescription.__members__)".to_string(),
            names(
                ssl::AlertDescription::members()
                    .iter()
                    .map(|m| m.name())
                    .collect(),
            ),
        ),
        (
            "','.join(ssl.SSLErrorNumber.__members__)".to_string(),
            names(
                ssl::SSLErrorNumber::members()
                    .iter()
                    .map(|m| m.name())
                    .collect(),
            ),
        ),
        (
            "','.join(ssl.Purpose.__members__)".to_string(),
            names(ssl::Purpose::members().iter().map(|m| m.name()).collect()),
        ),
    ];
    assert_all_equal(&cases, "str");
    assert_eq!(ssl::AlertDescription::members().len(), 27);
}

#[test]
fn str_of_members_matches_python() {
    let mut cases: Vec<(String, String)> = Vec::new();
    for (name, member) in ssl::Options::members() {
        cases.push((format!("ssl.Options.{name}"), member.to_string()));
    }
    for (name, member) in ssl::VerifyFlags::members() {
        cases.push((format!("ssl.VerifyFlags.{name}"), member.to_string()));
    }
    for m in ssl::VerifyMode::members() {
        cases.push((format!("ssl.{}", m.name()), m.to_string()));
    }
    for m in ssl::TLSVersion::members() {
        cases.push((format!("ssl.TLSVersion.{}", m.name()), m.to_string()));
    }
    for m in ssl::SSLMethod::members() {
        cases.push((format!("ssl.{}", m.name()), m.to_string()));
    }
    for m in ssl::AlertDescription::members() {
        cases.push((format!("ssl.{}", m.name()), m.to_string()));
    }
    for m in ssl::SSLErrorNumber::members() {
        cases.push((format!("ssl.{}", m.name()), m.to_string()));
    }
    for m in ssl::Purpose::members() {
        cases.push((format!("ssl.Purpose.{}", m.name()), m.to_string()));
    }
    cases.push((
        "ssl.Options(0x82520050)".into(),
        ssl::Options::from_bits(0x8252_0050).to_string(),
    ));
    cases.push(("~ssl.OP_NO_SSLv3".into(), (!ssl::OP_NO_SSLv3).to_string()));
    cases.push((
        "ssl.OPENSSL_VERSION".into(),
        ssl::OPENSSL_VERSION.to_string(),
    ));
    cases.push((
        "ssl.OPENSSL_VERSION_NUMBER".into(),
        ssl::OPENSSL_VERSION_NUMBER.to_string(),
    ));
    cases.push((
        "ssl.OPENSSL_VERSION_INFO".into(),
        ssl::OPENSSL_VERSION_INFO.to_string(),
    ));
    cases.push((
        "ssl._OPENSSL_API_VERSION".into(),
        ssl::_OPENSSL_API_VERSION.to_string(),
    ));
    assert_all_equal(&cases, "str");
}

#[test]
fn flag_names_match_python() {
    let mut cases: Vec<(String, String)> = Vec::new();
    for v in [
        0u64,
        1,
        4,
        0x10,
        0x8000_0004,
        0x8252_0050,
        0xFDFF_FFFF,
        1 << 40,
    ] {
        let name = ssl::Options::from_bits(v).name();
        cases.push((
            format!("ssl.Options({v}).name"),
            name.unwrap_or_else(|| "None".into()),
        ));
    }
    for v in [0u64, 8, 12, 13, 0x8_8020] {
        let name = ssl::VerifyFlags::from_bits(v).name();
        cases.push((
            format!("ssl.VerifyFlags({v}).name"),
            name.unwrap_or_else(|| "None".into()),
        ));
    }
    assert_all_equal(&cases, "str");
}

#[test]
fn get_protocol_name_matches_python() {
    let codes: Vec<i32> = (-3..=20).chain([99, 771, -1]).collect();
    let cases: Vec<(String, String)> = codes
        .iter()
        .map(|&c| {
            (
                format!("ssl.get_protocol_name({c})"),
                ssl::get_protocol_name(c).to_string(),
            )
        })
        .chain([(
            "ssl.get_protocol_name(ssl.PROTOCOL_TLS_CLIENT)".to_string(),
            ssl::get_protocol_name(ssl::PROTOCOL_TLS_CLIENT).to_string(),
        )])
        .collect();
    assert_all_equal(&cases, "str");
}

#[test]
fn asn1_objects_match_python() {
    let odd = ssl::_ASN1Object {
        nid: 0,
        shortname: "it's".into(),
        longname: "tab\there".into(),
        oid: None,
    };
    let mut cases: Vec<(String, String)> = vec![(
        "tuple.__new__(ssl._ASN1Object, (0, \"it's\", 'tab\\there', None))".into(),
        odd.py_repr(),
    )];
    for m in ssl::Purpose::members() {
        let v = m.value();
        cases.push((format!("ssl.Purpose.{}.value", m.name()), v.py_repr()));
        cases.push((format!("ssl._ASN1Object('{}')", m.oid()), v.py_repr()));
        cases.push((format!("ssl.Purpose.{}.nid", m.name()), m.nid().to_string()));
        cases.push((
            format!("ssl.Purpose.{}.shortname", m.name()),
            m.shortname().py_repr(),
        ));
        cases.push((
            format!("ssl.Purpose.{}.longname", m.name()),
            m.longname().py_repr(),
        ));
        cases.push((format!("ssl.Purpose.{}.oid", m.name()), m.oid().py_repr()));
    }
    assert_all_equal(&cases, "repr");
    assert!(ssl::Purpose::SERVER_AUTH == ssl::Purpose::SERVER_AUTH.value());
    assert!(ssl::Purpose::CLIENT_AUTH != ssl::Purpose::SERVER_AUTH.value());
}

#[test]
fn invalid_enum_values_raise_as_python() {
    let code = r#"
import ssl
for cls, v in [(ssl.VerifyMode, 5), (ssl._SSLMethod, 1), (ssl.TLSVersion, 5),
               (ssl.AlertDescription, 1), (ssl.SSLErrorNumber, 9)]:
    try:
        cls(v)
    except ValueError as e:
        print(e)
"#;
    let python: Vec<String> = py313(code, &[]).lines().map(str::to_string).collect();
    let ours: Vec<String> = vec![
        ssl::VerifyMode::try_from(5).unwrap_err().to_string(),
        ssl::SSLMethod::try_from(1).unwrap_err().to_string(),
        ssl::TLSVersion::try_from(5).unwrap_err().to_string(),
        ssl::AlertDescription::try_from(1).unwrap_err().to_string(),
        ssl::SSLErrorNumber::try_from(9).unwrap_err().to_string(),
    ];
    assert_eq!(ours, python);
    assert!(ssl::VerifyMode::try_from(5).unwrap_err().is_value_error());
    assert_eq!(
        ssl::TLSVersion::try_from(771).ok(),
        Some(ssl::TLSVersion::TLSv1_2)
    );
    assert_eq!(
        ssl::TLSVersion::from_value(-2),
        Some(ssl::TLSVersion::MINIMUM_SUPPORTED)
    );
}

#[test]
fn operators_behave_as_python_ints() {
    // Python: OP_NO_SSLv3 in ctx.options ; IntEnum ordering ; int comparisons.
    let opts = ssl::Options::from_bits(0x8252_0050);
    assert!(opts.contains(ssl::OP_NO_SSLv3));
    assert!(!opts.contains(ssl::OP_NO_TLSv1));
    let mut o = ssl::OP_NO_TLSv1;
    o |= ssl::OP_NO_TLSv1_1;
    assert_eq!(o.value(), 0x1400_0000);
    o &= ssl::OP_NO_TLSv1_1;
    assert_eq!(o, ssl::OP_NO_TLSv1_1);
    assert_eq!(o, 0x1000_0000u64);
    assert!(ssl::TLSVersion::MAXIMUM_SUPPORTED < ssl::TLSVersion::SSLv3);
    assert!(ssl::TLSVersion::TLSv1_3 > ssl::TLSVersion::TLSv1_2);
    assert_eq!(ssl::CERT_REQUIRED, 2);
    assert!(*ssl::OPENSSL_VERSION_INFO >= (1, 1, 1, 0, 0));
    assert!(ssl::OPENSSL_VERSION_NUMBER >= 0x1010_1000);
}
