//! The counters `SSLContext.cert_store_stats()` and `SSLContext.session_stats()` return, as
//! named Rust types that print as CPython's dicts.
//!
//! ```text
//! Python:  print(ctx.cert_store_stats(), ctx.session_stats())
//! Rust:    println!("{} {}", ctx.cert_store_stats(), ctx.session_stats());
//! ```

use std::fmt;

use crate::pyrepr::{dict_repr, PyRepr};

/// `ctx.cert_store_stats()`: `{'x509': n, 'crl': n, 'x509_ca': n}`.
///
/// ```text
/// Python:  print(ctx.cert_store_stats())
/// Rust:    println!("{}", ctx.cert_store_stats());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CertStoreStats {
    /// `'x509'`: certificates in the trust store.
    pub x509: usize,
    /// `'crl'`: certificate revocation lists in the trust store.
    pub crl: usize,
    /// `'x509_ca'`: certificates that are CAs.
    pub x509_ca: usize,
}

impl PyRepr for CertStoreStats {
    fn py_repr(&self) -> String {
        dict_repr(&[
            ("x509", self.x509.py_repr()),
            ("crl", self.crl.py_repr()),
            ("x509_ca", self.x509_ca.py_repr()),
        ])
    }
}

impl fmt::Display for CertStoreStats {
    /// Python's `print()` of the dict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// `ctx.session_stats()`: OpenSSL's session cache counters (`SSL_CTX_sess_*`), in CPython's key
/// order.
///
/// ```text
/// Python:  ctx.session_stats()['hits']
/// Rust:    ctx.session_stats().hits
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionStats {
    /// `'number'`: sessions in the cache.
    pub number: i64,
    /// `'connect'`: client handshakes started.
    pub connect: i64,
    /// `'connect_good'`: client handshakes completed.
    pub connect_good: i64,
    /// `'connect_renegotiate'`: client renegotiations started.
    pub connect_renegotiate: i64,
    /// `'accept'`: server handshakes started.
    pub accept: i64,
    /// `'accept_good'`: server handshakes completed.
    pub accept_good: i64,
    /// `'accept_renegotiate'`: server renegotiations started.
    pub accept_renegotiate: i64,
    /// `'hits'`: sessions reused from the cache.
    pub hits: i64,
    /// `'misses'`: sessions asked for but not in the cache.
    pub misses: i64,
    /// `'timeouts'`: sessions found but expired.
    pub timeouts: i64,
    /// `'cache_full'`: sessions dropped because the cache was full.
    pub cache_full: i64,
}

impl PyRepr for SessionStats {
    fn py_repr(&self) -> String {
        dict_repr(&[
            ("number", self.number.py_repr()),
            ("connect", self.connect.py_repr()),
            ("connect_good", self.connect_good.py_repr()),
            ("connect_renegotiate", self.connect_renegotiate.py_repr()),
            ("accept", self.accept.py_repr()),
            ("accept_good", self.accept_good.py_repr()),
            ("accept_renegotiate", self.accept_renegotiate.py_repr()),
            ("hits", self.hits.py_repr()),
            ("misses", self.misses.py_repr()),
            ("timeouts", self.timeouts.py_repr()),
            ("cache_full", self.cache_full.py_repr()),
        ])
    }
}

impl fmt::Display for SessionStats {
    /// Python's `print()` of the dict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}
