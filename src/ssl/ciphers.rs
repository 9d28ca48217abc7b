//! Cipher information: the dicts of `SSLContext.get_ciphers()` and the tuples of
//! `SSLSocket.cipher()` / `SSLSocket.shared_ciphers()`, read from OpenSSL exactly as CPython's
//! `_ssl` reads them.
//!
//! ```text
//! Python:  for c in ctx.get_ciphers(): print(c['name'], c['protocol'])
//! Rust:    for c in ctx.get_ciphers() { println!("{} {}", c.name, c.protocol); }
//! ```
use std::fmt;

use openssl::ssl::{SslCipherRef, SslRef};

use crate::ffi::cipher as ffi;
use crate::pyrepr::{dict_repr, PyRepr};

/// One entry of Python's `SSLContext.get_ciphers()`: a `dict` with these keys, in this order.
///
/// ```text
/// Python:  c = ctx.get_ciphers()[0]; print(c['name'], c['strength_bits']); print(c)
/// Rust:    let c = &ctx.get_ciphers()[0]; println!("{} {}", c.name, c.strength_bits); println!("{c}");
/// ```
///
/// `Display` and [`PyRepr::py_repr`] both give Python's `repr()` of the dict (what `print(c)`
/// shows), for example
/// `{'id': 50336514, 'name': 'TLS_AES_256_GCM_SHA384', 'protocol': 'TLSv1.3', ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CipherDict {
    /// `c['id']`: `SSL_CIPHER_get_id` (e.g. `50336514` = `0x03001302`).
    pub id: u32,
    /// `c['name']`: OpenSSL's name, e.g. `'ECDHE-RSA-AES128-GCM-SHA256'`.
    pub name: String,
    /// `c['protocol']`: the cipher's minimum protocol (`SSL_CIPHER_get_version`), e.g. `'TLSv1.2'`.
    pub protocol: String,
    /// `c['description']`: `SSL_CIPHER_description` without its trailing newline.
    pub description: String,
    /// `c['strength_bits']`: secret bits.
    pub strength_bits: i32,
    /// `c['alg_bits']`: bits of the algorithm.
    pub alg_bits: i32,
    /// `c['aead']`: whether the cipher is AEAD.
    pub aead: bool,
    /// `c['symmetric']`: cipher long name such as `'aes-256-gcm'`, or `None`.
    pub symmetric: Option<String>,
    /// `c['digest']`: MAC digest long name such as `'sha384'`, or `None` (AEAD).
    pub digest: Option<String>,
    /// `c['kea']`: key exchange such as `'kx-ecdhe'`, `'kx-any'`, or `None`.
    pub kea: Option<String>,
    /// `c['auth']`: authentication such as `'auth-rsa'`, `'auth-any'`, or `None`.
    pub auth: Option<String>,
}

impl PyRepr for CipherDict {
    /// Python's `repr()` of the `get_ciphers()` dict, keys in CPython's order.
    fn py_repr(&self) -> String {
        dict_repr(&[
            ("id", self.id.py_repr()),
            ("name", self.name.py_repr()),
            ("protocol", self.protocol.py_repr()),
            ("description", self.description.py_repr()),
            ("strength_bits", self.strength_bits.py_repr()),
            ("alg_bits", self.alg_bits.py_repr()),
            ("aead", self.aead.py_repr()),
            ("symmetric", self.symmetric.py_repr()),
            ("digest", self.digest.py_repr()),
            ("kea", self.kea.py_repr()),
            ("auth", self.auth.py_repr()),
        ])
    }
}

impl fmt::Display for CipherDict {
    /// Same as Python's `str(d)` = `repr(d)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// CPython's `cipher_to_dict`.
fn cipher_to_dict(cipher: &SslCipherRef) -> CipherDict {
    let f = ffi::cipher_facts(cipher);
    CipherDict {
        // Cipher ids are 0x0300XXXX (two-byte TLS ids) or 0x02XXXXXX (SSLv2): always 32-bit.
        id: f.id as u32,
        name: f.name,
        protocol: f.version,
        description: f.description,
        strength_bits: f.strength_bits,
        alg_bits: f.alg_bits,
        aead: f.aead,
        symmetric: f.symmetric,
        digest: f.digest,
        kea: f.kea,
        auth: f.auth,
    }
}

/// `ctx.get_ciphers()`: as CPython, reports `SSL_get_ciphers` of a throw-away `SSL` of the
/// context, one dict per cipher, TLS 1.3 suites first.
pub(crate) fn ciphers_of_ssl(ssl: &SslRef) -> Vec<CipherDict> {
    ffi::ssl_ciphers(ssl)
        .unwrap_or_default()
        .into_iter()
        .map(cipher_to_dict)
        .collect()
}

/// CPython's `cipher_to_tuple`: `(name, SSL_CIPHER_get_version, secret_bits)`, the value of
/// `SSLSocket.cipher()`, e.g. `('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)`.
pub(crate) fn cipher_tuple(c: &SslCipherRef) -> (String, String, i32) {
    (
        c.name().to_string(),
        c.version().to_string(),
        c.bits().secret,
    )
}

/// `ssock.shared_ciphers()`: on a server after the ClientHello, the ciphers of the server's list
/// (server order) that the client offered, as [`cipher_tuple`]s; `None` on a client or before the
/// ClientHello.
pub(crate) fn shared_ciphers(ssl: &SslRef) -> Option<Vec<(String, String, i32)>> {
    ffi::shared_ciphers(ssl).map(|list| list.into_iter().map(cipher_tuple).collect())
}
