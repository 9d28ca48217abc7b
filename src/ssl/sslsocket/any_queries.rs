//! The TLS queries of an [`AnySocket`]: after `sock = ctx.wrap_socket(sock, ...)` a Python
//! script asks the same variable `sock.version()`, `sock.cipher()`, `sock.getpeercert()`.
//!
//! ```text
//! Python:  print(sock.version(), sock.cipher())
//! Rust:    println!("{} {}", sock.version()?.py_repr(), sock.cipher()?.py_repr());
//! ```
//!
//! Each is the [`SSLSocket`] method of the same name while the variable holds TLS. On a plain
//! socket Python has no such attribute, and each is Python's
//! `AttributeError: 'socket' object has no attribute 'version'`, so every one returns a
//! `Result` (the `SSLSocket` methods that cannot fail return their value bare).

use super::{AnySocket, SSLSocket};
use crate::error::{Error, Result};
use crate::ssl::PeerCert;

impl AnySocket {
    /// The TLS socket held, or the `AttributeError` Python raises for `name` on a plain one.
    fn tls_only(&self, name: &str) -> Result<&SSLSocket> {
        match self {
            AnySocket::Tls(tls) => Ok(tls),
            AnySocket::Plain(_) => Err(Error::AttributeError(format!(
                "'socket' object has no attribute '{name}'"
            ))),
        }
    }

    /// `sock.version()` → `sock.version()?` ([`SSLSocket::version`]).
    ///
    /// ```text
    /// Python:  print(sock.version())
    /// Rust:    println!("{}", sock.version()?.py_str());
    /// ```
    pub fn version(&self) -> Result<Option<String>> {
        Ok(self.tls_only("version")?.version())
    }

    /// `sock.cipher()` → `sock.cipher()?` ([`SSLSocket::cipher`]).
    ///
    /// ```text
    /// Python:  name = sock.cipher()[0]
    /// Rust:    let name = sock.cipher()?.subscript()?.0;   // ssl::Subscript
    /// ```
    pub fn cipher(&self) -> Result<Option<(String, String, i32)>> {
        Ok(self.tls_only("cipher")?.cipher())
    }

    /// `sock.shared_ciphers()` → `sock.shared_ciphers()?` ([`SSLSocket::shared_ciphers`]).
    pub fn shared_ciphers(&self) -> Result<Option<Vec<(String, String, i32)>>> {
        Ok(self.tls_only("shared_ciphers")?.shared_ciphers())
    }

    /// `sock.compression()` → `sock.compression()?` ([`SSLSocket::compression`]).
    pub fn compression(&self) -> Result<Option<String>> {
        Ok(self.tls_only("compression")?.compression())
    }

    /// `sock.getpeercert()` → `sock.getpeercert(false)?` ([`SSLSocket::getpeercert`]).
    ///
    /// ```text
    /// Python:  cert = sock.getpeercert()
    /// Rust:    let cert = sock.getpeercert(false)?;
    /// ```
    pub fn getpeercert(&self, binary_form: bool) -> Result<Option<PeerCert>> {
        self.tls_only("getpeercert")?.getpeercert(binary_form)
    }

    /// `sock.selected_alpn_protocol()` → `sock.selected_alpn_protocol()?`
    /// ([`SSLSocket::selected_alpn_protocol`]).
    pub fn selected_alpn_protocol(&self) -> Result<Option<String>> {
        self.tls_only("selected_alpn_protocol")?
            .selected_alpn_protocol()
    }

    /// `sock.get_channel_binding('tls-unique')` → `sock.get_channel_binding("tls-unique")?`
    /// ([`SSLSocket::get_channel_binding`]).
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        self.tls_only("get_channel_binding")?
            .get_channel_binding(cb_type)
    }

    /// `sock.session_reused` → `sock.session_reused()?` ([`SSLSocket::session_reused`]).
    pub fn session_reused(&self) -> Result<Option<bool>> {
        Ok(self.tls_only("session_reused")?.session_reused())
    }
}
