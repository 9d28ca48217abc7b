//! The peer's certificate chains (CPython 3.13+), at both of Python's levels: the C object
//! behind `ssock._sslobj` (`_ssl._SSLSocket`, here the [`_SSLSocket`] view) returns lists of
//! [`Certificate`] objects or `None`; `SSLSocket.get_verified_chain()` and
//! `get_unverified_chain()` (and `SSLObject`'s) turn each into DER `bytes`, and `None` into `[]`.
//!
//! ```text
//! Python:  chain = ssock.get_verified_chain()                     # [bytes, ...]
//! Rust:    let chain = ssock.get_verified_chain();
//! Python:  certs = ssock._sslobj.get_verified_chain()             # [_ssl.Certificate, ...] or None
//! Rust:    let certs = ssock._sslobj().and_then(|o| o.get_verified_chain());
//! ```
//!
//! Both read what OpenSSL kept from the handshake: the chain its verifier built
//! (`SSL_get0_verified_chain`, leaf up to the trust anchor) and the certificates the peer sent
//! (`SSL_get_peer_cert_chain`). On the server side OpenSSL leaves the client's own certificate
//! out of the latter, and CPython puts it back at index 0, as done here.

use openssl::ssl::SslRef;
use openssl::stack::StackRef;
use openssl::x509::X509;

use super::SSLSocket;
use crate::ssl::certificates::{Certificate, ENCODING_DER};

/// Python's `_ssl._SSLSocket`, the C object ssl.py keeps in `_sslobj`, as far as a port reaches
/// it directly: its chain getters, which return [`Certificate`] objects. Borrowed from an
/// [`SSLSocket`] ([`SSLSocket::_sslobj`]) or an [`SSLObject`](crate::ssl::SSLObject)
/// ([`SSLObject::_sslobj`](crate::ssl::SSLObject::_sslobj)); its other methods are the ones
/// `SSLSocket` and `SSLObject` have themselves.
///
/// ```text
/// Python:  vc = ssock._sslobj.get_verified_chain()
/// Rust:    let vc = ssock._sslobj().unwrap().get_verified_chain();
/// ```
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct _SSLSocket<'a> {
    ssl: &'a SslRef,
}

impl std::fmt::Debug for _SSLSocket<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<_ssl._SSLSocket object>")
    }
}

fn certificates(stack: &StackRef<X509>) -> Vec<Certificate> {
    stack.iter().map(Certificate::new).collect()
}

impl<'a> _SSLSocket<'a> {
    pub(crate) fn new(ssl: &'a SslRef) -> _SSLSocket<'a> {
        _SSLSocket { ssl }
    }

    /// `_sslobj.get_verified_chain()`: the chain OpenSSL's verifier built, leaf first, up to the
    /// trust anchor; `None` before the handshake and when nothing was verified (a server that
    /// asked for no client certificate, or got none).
    ///
    /// ```text
    /// Python:  vc = ssock._sslobj.get_verified_chain()
    /// Rust:    let vc = ssock._sslobj().unwrap().get_verified_chain();
    /// ```
    ///
    /// With verification off (`CERT_NONE`) OpenSSL still builds a chain, from what the peer
    /// sent and the context's trust store (measured with CPython 3.13: a client holding the
    /// server's CA gets `[leaf, ca]` here, `[leaf]` from `get_unverified_chain`).
    pub fn get_verified_chain(&self) -> Option<Vec<Certificate>> {
        self.ssl.verified_chain().map(certificates)
    }

    /// `_sslobj.get_unverified_chain()`: the certificates the peer sent, its own first; `None`
    /// before the handshake and on a server that asked for no client certificate.
    ///
    /// ```text
    /// Python:  uvc = ssock._sslobj.get_unverified_chain()
    /// Rust:    let uvc = ssock._sslobj().unwrap().get_unverified_chain();
    /// ```
    ///
    /// On the server side the client's certificate is put in front of what
    /// `SSL_get_peer_cert_chain` returns, as CPython does. One divergence: a server asking for
    /// an optional client certificate (`CERT_OPTIONAL`) from a client that sends none gets
    /// `[None]` from CPython 3.13 (it inserts the missing certificate), and `Some([])` here.
    pub fn get_unverified_chain(&self) -> Option<Vec<Certificate>> {
        let chain = self.ssl.peer_cert_chain()?;
        if !self.ssl.is_server() {
            return Some(certificates(chain));
        }
        let peer = self.ssl.peer_certificate();
        Some(
            peer.iter()
                .map(|c| Certificate::new(c))
                .chain(chain.iter().map(Certificate::new))
                .collect(),
        )
    }
}

/// ssl.py's conversion: each certificate's `public_bytes(ENCODING_DER)`, `None` as `[]`. DER
/// encoding only fails when out of memory; such a certificate is left out rather than
/// aborting (CPython would raise `MemoryError`).
pub(crate) fn der_list(chain: Option<Vec<Certificate>>) -> Vec<Vec<u8>> {
    chain
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.public_bytes(ENCODING_DER).ok())
        .collect()
}

impl SSLSocket {
    /// `ssock._sslobj`: the C-level object (Python's `_ssl._SSLSocket`), or `None` before
    /// `connect()`, after `close()` and after `unwrap()`, as in Python. A port reaches for it
    /// for the [`Certificate`] objects of the chains.
    ///
    /// ```text
    /// Python:  certs = ssock._sslobj.get_unverified_chain()
    /// Rust:    let certs = ssock._sslobj().unwrap().get_unverified_chain();
    /// ```
    pub fn _sslobj(&self) -> Option<_SSLSocket<'_>> {
        self.tls().map(|ssl| _SSLSocket::new(ssl))
    }

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
        der_list(self._sslobj().and_then(|o| o.get_verified_chain()))
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
        der_list(self._sslobj().and_then(|o| o.get_unverified_chain()))
    }
}
