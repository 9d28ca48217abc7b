//! TLS-PSK (CPython 3.13): pre-shared keys instead of certificates, through a client callback
//! (server hint to identity and key) and a server callback (identity to key).
//!
//! ```text
//! Python:  ctx.set_psk_client_callback(lambda hint: ('client-id', key))
//! Rust:    ctx.set_psk_client_callback(Some(move |_hint: Option<&str>| Ok((Some("client-id".to_string()), key.clone()))))?;
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLock};

use openssl::error::ErrorStack;
use openssl::ssl::SslRef;

use crate::error::Result;
use crate::ffi::bio as ffi_bio;

/// `set_psk_client_callback`'s callable: the server's identity hint (`None` in TLS 1.3 or
/// without a hint) to `(identity, psk)`; an empty key or an `Err` fails the handshake.
pub type PskClientCallback =
    Arc<dyn Fn(Option<&str>) -> Result<(Option<String>, Vec<u8>)> + Send + Sync>;

/// `set_psk_server_callback`'s callable: the client's identity to the key (empty: unknown).
pub type PskServerCallback = Arc<dyn Fn(Option<&str>) -> Result<Vec<u8>> + Send + Sync>;

/// Where a context keeps its current PSK callbacks (the OpenSSL-level handlers read them).
pub(crate) type Slot<T> = Arc<RwLock<Option<T>>>;

fn text(bytes: Option<&[u8]>) -> Option<String> {
    bytes
        .filter(|b| !b.is_empty())
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::to_string)
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

/// The client handler: CPython's `psk_client_callback` rules (identity NUL-terminated within
/// OpenSSL's limit, key non-empty and within its limit; any failure means no PSK).
// The closure type is the `openssl` crate's callback signature; naming it adds nothing.
#[allow(clippy::type_complexity)]
pub(crate) fn client_handler(
    slot: Slot<PskClientCallback>,
) -> impl Fn(
    &mut SslRef,
    Option<&[u8]>,
    &mut [u8],
    &mut [u8],
) -> std::result::Result<usize, ErrorStack>
       + Send
       + Sync
       + 'static {
    move |_, hint, identity, psk| {
        let Some(callback) = slot.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return Ok(0);
        };
        let Some((id, key)) = call("psk client callback", move || {
            callback(text(hint).as_deref())
        }) else {
            return Ok(0);
        };
        let id = id.unwrap_or_default();
        if id.len() + 1 > identity.len() || key.len() > psk.len() || key.is_empty() {
            log::warn!("psk client callback: identity or key too long, or empty key");
            return Ok(0);
        }
        identity[..id.len()].copy_from_slice(id.as_bytes());
        identity[id.len()] = 0;
        psk[..key.len()].copy_from_slice(&key);
        Ok(key.len())
    }
}

/// The server handler: CPython's `psk_server_callback` rules.
#[allow(clippy::type_complexity)]
pub(crate) fn server_handler(
    slot: Slot<PskServerCallback>,
) -> impl Fn(&mut SslRef, Option<&[u8]>, &mut [u8]) -> std::result::Result<usize, ErrorStack>
       + Send
       + Sync
       + 'static {
    move |_, identity, psk| {
        let Some(callback) = slot.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return Ok(0);
        };
        let Some(key) = call("psk server callback", move || {
            callback(text(identity).as_deref())
        }) else {
            return Ok(0);
        };
        if key.len() > psk.len() {
            log::warn!("psk server callback: key too long");
            return Ok(0);
        }
        psk[..key.len()].copy_from_slice(&key);
        Ok(key.len())
    }
}
