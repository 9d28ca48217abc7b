//! `SSLSocket.get_verified_chain()` and `SSLSocket.get_unverified_chain()` (CPython 3.13+): the
//! peer's certificates as DER `bytes`, leaf first.
//!
//! ```text
//! Python:  chain = ssock.get_verified_chain()
//! Rust:    let chain = ssock.get_verified_chain();
//! ```
//!
//! Both read what OpenSSL kept from the handshake: the chain its verifier built
//! (`SSL_get0_verified_chain`, leaf up to the trust anchor) and the certificates the peer sent
//! (`SSL_get_peer_cert_chain`). On the server side OpenSSL leaves the client's own certificate
//! out of the latter, and CPython puts it back at index 0, as done here.

use openssl::ssl::SslRef;
use openssl::stack::StackRef;
use openssl::x509::{X509Ref, X509};

use super::SSLSocket;

/// DER of each certificate, in order. `i2d_X509` only fails when out of memory; such a
/// certificate is left out rather than aborting (CPython would raise `MemoryError`).
fn der_list<'a>(certs: impl Iterator<Item = &'a X509Ref>) -> Vec<Vec<u8>> {
    certs.filter_map(|c| c.to_der().ok()).collect()
}

fn stack_ders(stack: Option<&StackRef<X509>>) -> Vec<Vec<u8>> {
    stack.map_or_else(Vec::new, |s| der_list(s.iter()))
}

/// The verifier's chain of a connection (shared with `SSLObject`).
pub(crate) fn verified_chain(ssl: &SslRef) -> Vec<Vec<u8>> {
    stack_ders(ssl.verified_chain())
}

/// The peer's sent chain, with a client's own certificate first on the server side.
pub(crate) fn unverified_chain(ssl: &SslRef) -> Vec<Vec<u8>> {
    let Some(chain) = ssl.peer_cert_chain() else {
        return Vec::new();
    };
    if !ssl.is_server() {
        return der_list(chain.iter());
    }
    match ssl.peer_certificate() {
        Some(peer) => der_list(std::iter::once(&*peer).chain(chain.iter())),
        None => Vec::new(),
    }
}

impl SSLSocket {
    /// `ssock.get_verified_chain()` (3.13+): the chain OpenSSL verified, leaf first, as DER
    /// certificates; `[]` before the handshake or when the peer sent no certificate.
    ///
    /// ```text
    /// Python:  for der in ssock.get_verified_chain(): print(ssl.DER_cert_to_PEM_cert(der))
    /// Rust:    for der in ssock.get_verified_chain() { println!("{}", ssl::DER_cert_to_PEM_cert(&der)); }
    /// ```
    ///
    /// With verification off (`CERT_NONE`) OpenSSL still builds a chain, from what the peer
    /// sent and the context's trust store: Python's docstring says it then "acts the same as
    /// `get_unverified_chain`", which holds only when the store adds nothing (measured with
    /// CPython 3.13: a client holding the server's CA gets `[leaf, ca]` here, `[leaf]` there).
    /// Python raises `AttributeError` when the socket has no TLS layer yet (never connected,
    /// or closed); this returns `[]` there.
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        self.tls()
            .map(|ssl| &**ssl)
            .map_or_else(Vec::new, verified_chain)
    }

    /// `ssock.get_unverified_chain()` (3.13+): the certificates the peer sent, as DER, its own
    /// certificate first; `[]` before the handshake or when the peer sent none.
    ///
    /// ```text
    /// Python:  chain = ssock.get_unverified_chain()
    /// Rust:    let chain = ssock.get_unverified_chain();
    /// ```
    ///
    /// On the server side the client's certificate is put in front of what
    /// `SSL_get_peer_cert_chain` returns, as CPython does. One divergence: a server asking for
    /// an optional client certificate (`CERT_OPTIONAL`) from a client that sends none gets an
    /// `AttributeError` from CPython 3.13 (its C layer inserts `None` into the list); this
    /// returns `[]`, which is what Python means there. Python raises `AttributeError` too when
    /// the socket has no TLS layer yet (never connected, or closed); this returns `[]`.
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        self.tls()
            .map(|ssl| &**ssl)
            .map_or_else(Vec::new, unverified_chain)
    }
}
