//! What a callback setter takes: the callable itself, or `None`, as Python assigns either.
//!
//! ```text
//! Python:  ctx.sni_callback = pick
//!          ctx.sni_callback = None
//! Rust:    ctx.set_sni_callback(pick)?;
//!          ctx.set_sni_callback(None)?;
//! ```
//!
//! One trait, [`IntoCallback`], with two impls per kind of callback: every Rust callable of the
//! right signature, and `Option` of the shared callback type (`Option<SNICallback>`, ...). Since
//! the only `Option` impl names its type, a bare `None` infers it, with no `None::<fn(...)>`;
//! `Option<F>` for a closure type `F` is deliberately not an impl (it would make `None`
//! ambiguous again). Closures and `Option` cannot overlap: `Fn` is a fundamental trait, so the
//! compiler knows `Option` never implements it.

use std::sync::Arc;

use super::constants::AlertDescription;
use super::constants::{_TLSContentType, EnumOrInt, MsgType, TLSVersion};
use super::context::SSLContext;
use super::msg_callback::{MsgCallback, MsgConnection};
use super::psk::{PskClientCallback, PskServerCallback};
use super::sni::{SNICallback, SNIConnection};
use crate::error::Result;

/// A callback setter's argument: a callable (`fn` item or closure, with its parameter types
/// written out) to install, or `None` to remove the callback. `Some(shared)` installs a
/// callback already shared as the setter's `Arc` type, such as one read back from a getter.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
///
/// // Python: def pick(ssl_sock, server_name, ctx): return None
/// fn pick(_conn: &mut ssl::SNIConnection, _name: Option<&str>, _ctx: &ssl::SSLContext) -> ssl::Result<Option<ssl::AlertDescription>> {
///     Ok(None)
/// }
/// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// // Python: ctx.sni_callback = pick
/// ctx.set_sni_callback(pick)?;
/// // Python: other.sni_callback = ctx.sni_callback
/// let other = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// other.set_sni_callback(ctx.sni_callback())?;
/// assert!(other.sni_callback().is_some());
/// // Python: ctx.sni_callback = None
/// ctx.set_sni_callback(None)?;
/// assert!(ctx.sni_callback().is_none());
/// # Ok(())
/// # }
/// ```
///
/// A closure needs its parameter types written out (`|conn: &mut ssl::SNIConnection, name:
/// Option<&str>, ctx: &ssl::SSLContext| ...`): Rust infers them only from a bare `Fn` bound. An
/// `Option` holding a closure converts with `.map(|f| Arc::new(f) as ssl::SNICallback)`.
pub trait IntoCallback<C> {
    /// The callback to install, `None` to remove it.
    fn into_callback(self) -> Option<C>;
}

impl<F> IntoCallback<SNICallback> for F
where
    F: Fn(&mut SNIConnection<'_>, Option<&str>, &SSLContext) -> Result<Option<AlertDescription>>
        + Send
        + Sync
        + 'static,
{
    fn into_callback(self) -> Option<SNICallback> {
        Some(Arc::new(self))
    }
}

impl IntoCallback<SNICallback> for Option<SNICallback> {
    fn into_callback(self) -> Option<SNICallback> {
        self
    }
}

impl<F> IntoCallback<PskClientCallback> for F
where
    F: Fn(Option<&str>) -> Result<(Option<String>, Vec<u8>)> + Send + Sync + 'static,
{
    fn into_callback(self) -> Option<PskClientCallback> {
        Some(Arc::new(self))
    }
}

impl IntoCallback<PskClientCallback> for Option<PskClientCallback> {
    fn into_callback(self) -> Option<PskClientCallback> {
        self
    }
}

impl<F> IntoCallback<PskServerCallback> for F
where
    F: Fn(Option<&str>) -> Result<Vec<u8>> + Send + Sync + 'static,
{
    fn into_callback(self) -> Option<PskServerCallback> {
        Some(Arc::new(self))
    }
}

impl IntoCallback<PskServerCallback> for Option<PskServerCallback> {
    fn into_callback(self) -> Option<PskServerCallback> {
        self
    }
}

impl<F> IntoCallback<MsgCallback> for F
where
    F: Fn(
            &MsgConnection<'_>,
            &str,
            EnumOrInt<TLSVersion>,
            EnumOrInt<_TLSContentType>,
            MsgType,
            &[u8],
        ) -> Result<()>
        + Send
        + Sync
        + 'static,
{
    fn into_callback(self) -> Option<MsgCallback> {
        Some(Arc::new(self))
    }
}

impl IntoCallback<MsgCallback> for Option<MsgCallback> {
    fn into_callback(self) -> Option<MsgCallback> {
        self
    }
}
