//! The cipher-string corpus (`tests/cipher_strings.rs`, `tests/fips.rs`): OpenSSL's whole
//! cipher-string grammar, every keyword of `ciphers(1)` in five forms, and every cipher name.

use std::process::Command;

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

/// Every cipher name the system OpenSSL knows (`openssl ciphers ALL:COMPLEMENTOFALL`), asked
/// outside any test environment (no `LD_LIBRARY_PATH`, no `OPENSSL_CONF`): on the FIPS row the
/// names the FIPS provider lacks stay in the table.
fn cipher_names() -> Vec<String> {
    let out = Command::new("openssl")
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("OPENSSL_CONF")
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

/// The table: the grammar strings, five strings per keyword, then every cipher name.
pub fn table() -> Vec<String> {
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
