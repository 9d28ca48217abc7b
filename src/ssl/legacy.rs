//! Names CPython 3.12 removed, kept with CPython 3.11's semantics because real scripts (and the
//! seed article) still use them.
//!
//! ```text
//! Python:  secure_sock = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLS)
//! Rust:    let secure_sock = ssl::wrap_socket(sock, ssl::WrapSocketArgs { ssl_version: ssl::PROTOCOL_TLS, ..Default::default() })?;
//! ```

use super::constants::{SSLMethod, VerifyMode};
use super::context::{LoadCertChain, SSLContext};
use super::sslsocket::{SSLSocket, WrapSocket};
use crate::error::{Error, Result};
use crate::socket;

/// Keyword arguments of the module-level `ssl.wrap_socket(sock, keyfile=None, certfile=None,
/// server_side=False, cert_reqs=CERT_NONE, ssl_version=PROTOCOL_TLS, ca_certs=None,
/// do_handshake_on_connect=True, suppress_ragged_eofs=True, ciphers=None)` (CPython 3.11).
///
/// ```text
/// Python:  ssl.wrap_socket(sock, keyfile=None, certfile=None, server_side=False, ssl_version=ssl.PROTOCOL_TLS)
/// Rust:    ssl::wrap_socket(sock, ssl::WrapSocketArgs { keyfile: None, certfile: None, server_side: false, ssl_version: ssl::PROTOCOL_TLS, ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct WrapSocketArgs<'a> {
    /// `keyfile`.
    pub keyfile: Option<&'a str>,
    /// `certfile`: required for `server_side`.
    pub certfile: Option<&'a str>,
    /// `server_side`.
    pub server_side: bool,
    /// `cert_reqs`: note the default `CERT_NONE` (no verification, as in Python 3.11).
    pub cert_reqs: VerifyMode,
    /// `ssl_version`.
    pub ssl_version: SSLMethod,
    /// `ca_certs`: a CA file to verify the peer with.
    pub ca_certs: Option<&'a str>,
    /// `do_handshake_on_connect`.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`.
    pub suppress_ragged_eofs: bool,
    /// `ciphers`: an OpenSSL cipher string.
    pub ciphers: Option<&'a str>,
}

impl Default for WrapSocketArgs<'_> {
    fn default() -> Self {
        WrapSocketArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            cert_reqs: VerifyMode::CERT_NONE,
            ssl_version: SSLMethod::PROTOCOL_TLS,
            ca_certs: None,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            ciphers: None,
        }
    }
}

/// `ssl.wrap_socket(sock, ...)` as CPython 3.11 defines it (removed in 3.12): a fresh
/// `SSLContext(ssl_version)` with `verify_mode = cert_reqs`, no `server_hostname` (so no SNI and
/// no host name check), then `context.wrap_socket(...)`.
///
/// ```text
/// Python:  ssl_socket = ssl.wrap_socket(bindsocket, keyfile='server.key', certfile='server.crt', server_side=True)
/// Rust:    let ssl_socket = ssl::wrap_socket(bindsocket, ssl::WrapSocketArgs { keyfile: Some("server.key"), certfile: Some("server.crt"), server_side: true, ..Default::default() })?;
/// ```
#[deprecated(
    note = "removed in Python 3.12; use SSLContext::wrap_socket (ssl.wrap_socket() is deprecated, use SSLContext.wrap_socket())"
)]
pub fn wrap_socket(sock: socket::socket, kw: WrapSocketArgs<'_>) -> Result<SSLSocket> {
    log::warn!("ssl.wrap_socket() is deprecated, use SSLContext.wrap_socket()");
    let certfile = kw.certfile.filter(|c| !c.is_empty());
    if kw.server_side && certfile.is_none() {
        return Err(Error::value(
            "certfile must be specified for server-side operations",
        ));
    }
    if kw.keyfile.is_some_and(|k| !k.is_empty()) && certfile.is_none() {
        return Err(Error::value("certfile must be specified"));
    }
    let context = SSLContext::new(kw.ssl_version)?;
    context.set_verify_mode(kw.cert_reqs)?;
    if let Some(ca_certs) = kw.ca_certs.filter(|c| !c.is_empty()) {
        context.load_verify_locations(ca_certs)?;
    }
    if let Some(certfile) = certfile {
        context.load_cert_chain(
            certfile,
            LoadCertChain {
                keyfile: kw.keyfile,
                password: None,
            },
        )?;
    }
    if let Some(ciphers) = kw.ciphers.filter(|c| !c.is_empty()) {
        context.set_ciphers(ciphers)?;
    }
    context.wrap_socket(
        sock,
        WrapSocket {
            server_side: kw.server_side,
            do_handshake_on_connect: kw.do_handshake_on_connect,
            suppress_ragged_eofs: kw.suppress_ragged_eofs,
            ..Default::default()
        },
    )
}
