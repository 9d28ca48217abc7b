//! TLS-PSK (CPython 3.13): pre-shared keys instead of certificates, through a client callback
//! (server hint to identity and key) and a server callback (identity to key).
//!
//! ```text
//! Python:  ctx.set_psk_client_callback(lambda hint: ('client-id', key))
//! Rust:    ctx.set_psk_client_callback(move |_hint: Option<&str>| Ok((Some("client-id".to_string()), key.clone())))?;
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use openssl::ssl::SslRef;

use super::context::SSLContext;
use super::sni;
use crate::error::Result;
use crate::ffi::bio as ffi_bio;

/// `set_psk_client_callback`'s callable: the server's identity hint (`None` in TLS 1.3 or
/// without a hint) to `(identity, psk)`; an empty key or an `Err` fails the handshake.
pub type PskClientCallback =
    Arc<dyn Fn(Option<&str>) -> Result<(Option<String>, Vec<u8>)> + Send + Sync>;

/// `set_psk_server_callback`'s callable: the client's identity to the key (empty: unknown).
pub type PskServerCallback = Arc<dyn Fn(Option<&str>) -> Result<Vec<u8>> + Send + Sync>;

/// The hint or identity as the callback's `str` (`None` when absent or empty); `Err` when
/// the bytes are not UTF-8, which CPython cannot decode either: it then fails the handshake
/// without calling the callback (checked with `openssl s_client`/`s_server`).
fn text(bytes: Option<&[u8]>) -> std::result::Result<Option<&str>, std::str::Utf8Error> {
    match bytes.filter(|b| !b.is_empty()) {
        None => Ok(None),
        Some(b) => std::str::from_utf8(b).map(Some),
    }
}

/// Runs the user's callback; its error or panic means "no PSK", as a raising Python callback
/// does in CPython (reported, then 0). A panic must not unwind through OpenSSL's C frames; no
/// pyssl lock is held meanwhile (an `SSLObject`'s memory BIOs are released), also while the
/// callback's own handle is dropped (its captures' `Drop` is user code too).
fn call<T>(what: &str, callback: impl FnOnce() -> Result<T>) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(|| ffi_bio::unlocked(callback))) {
        Ok(Ok(value)) => Some(value),
        Ok(Err(e)) => {
            log::warn!("{what} failed: {e}");
            None
        }
        Err(_) => {
            log::warn!("{what} panicked");
            None
        }
    }
}

/// The OpenSSL-level handlers: the connection's current context's callbacks (as CPython reads
/// `ssl_sock.context`'s), with CPython's rules.
pub(crate) struct Handlers;

#[cfg(not(osslconf = "OPENSSL_NO_PSK"))]
impl crate::ffi::psk::PskHandler for Handlers {
    /// CPython's `psk_client_callback` rules: identity NUL-terminated within OpenSSL's limit,
    /// key non-empty and within its limit; any failure means no PSK.
    fn client(ssl: &mut SslRef, hint: Option<&[u8]>, identity: &mut [u8], psk: &mut [u8]) -> usize {
        let Some(callback) = current_context(ssl).and_then(|c| c.psk_client_callback()) else {
            return 0;
        };
        let Ok(hint) = text(hint) else {
            log::warn!("psk client callback: the server's identity hint is not UTF-8");
            return 0;
        };
        let Some((id, key)) = call("psk client callback", move || callback(hint)) else {
            return 0;
        };
        let id = id.unwrap_or_default();
        if id.len() + 1 > identity.len() || key.len() > psk.len() || key.is_empty() {
            log::warn!("psk client callback: identity or key too long, or empty key");
            return 0;
        }
        identity[..id.len()].copy_from_slice(id.as_bytes());
        identity[id.len()] = 0;
        psk[..key.len()].copy_from_slice(&key);
        key.len()
    }

    /// CPython's `psk_server_callback` rules.
    fn server(ssl: &mut SslRef, identity: Option<&[u8]>, psk: &mut [u8]) -> usize {
        let Some(callback) = current_context(ssl).and_then(|c| c.psk_server_callback()) else {
            return 0;
        };
        let Ok(identity) = text(identity) else {
            log::warn!("psk server callback: the client's identity is not UTF-8");
            return 0;
        };
        let Some(key) = call("psk server callback", move || callback(identity)) else {
            return 0;
        };
        if key.len() > psk.len() {
            log::warn!("psk server callback: key too long");
            return 0;
        }
        psk[..key.len()].copy_from_slice(&key);
        key.len()
    }
}

/// The `SSLContext` the connection uses now (the wrap-time one, or an SNI callback's choice).
fn current_context(ssl: &SslRef) -> Option<SSLContext> {
    ssl.ex_data(sni::context_index()).cloned()
}
