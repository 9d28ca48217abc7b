//! Server Name Indication on the server side: `SSLContext.sni_callback`, called during the
//! handshake with the name the client asked for, able to switch the connection to another
//! context (a certificate per name) or refuse it with a TLS alert.
//!
//! ```text
//! Python:  def pick(ssl_sock, server_name, ctx):
//!              ssl_sock.context = contexts.get(server_name, ctx)
//!          ctx.sni_callback = pick
//! Rust:    ctx.set_sni_callback(move |conn: &mut ssl::SNIConnection, server_name: Option<&str>, ctx: &ssl::SSLContext| {
//!              conn.set_context(contexts.get(server_name.unwrap_or("")).unwrap_or(ctx))?;
//!              Ok(None)
//!          })?;
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

use openssl::ex_data::Index;
use openssl::ssl::{NameType, SniError, Ssl, SslAlert, SslRef};

use super::constants::AlertDescription;
use super::context::SSLContext;
use crate::error::{Error, Result};
use crate::ffi::bio as ffi_bio;
use crate::pyrepr::PyRepr;

/// The callable stored in `ctx.sni_callback`: `(connection, server_name, context)` to `Ok(None)`
/// (go on), `Ok(Some(alert))` (refuse with that alert, as a Python callback returning an int),
/// or `Err` (as a Python callback raising: the handshake fails with `HANDSHAKE_FAILURE`).
pub type SNICallback = Arc<
    dyn Fn(&mut SNIConnection<'_>, Option<&str>, &SSLContext) -> Result<Option<AlertDescription>>
        + Send
        + Sync,
>;

/// What the SNI callback receives as Python's `ssl_sock` first argument: the server-side
/// connection being handshaken, whose context it may switch.
pub struct SNIConnection<'a> {
    ssl: &'a mut SslRef,
}

/// Where each `SSL` keeps the `SSLContext` it currently uses (the wrap-time one, or the one an
/// SNI callback switched to), so `SSLSocket::context()` reports what OpenSSL uses.
pub(crate) fn context_index() -> Index<Ssl, SSLContext> {
    static INDEX: OnceLock<Index<Ssl, SSLContext>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL can allocate an ex_data index"))
}

impl SNIConnection<'_> {
    /// `ssl_sock.context`: the context the connection uses now.
    pub fn context(&self) -> Option<&SSLContext> {
        self.ssl.ex_data(context_index())
    }

    /// `ssl_sock.context = other`: switch the connection to `other` (its certificate, trust
    /// store and settings), as CPython does with `SSL_set_SSL_CTX`.
    ///
    /// ```text
    /// Python:  ssl_sock.context = other_context
    /// Rust:    conn.set_context(&other_context)?;
    /// ```
    pub fn set_context(&mut self, context: &SSLContext) -> Result<()> {
        switch_context(self.ssl, context)
    }

    /// `ssl_sock.server_side`: always `true` here.
    pub fn server_side(&self) -> bool {
        self.ssl.is_server()
    }
}

/// `SSL_set_SSL_CTX` plus the bookkeeping of which `SSLContext` that is.
pub(crate) fn switch_context(ssl: &mut SslRef, context: &SSLContext) -> Result<()> {
    context.adopt(ssl)?;
    ssl.set_ex_data(context_index(), context.clone());
    Ok(())
}

/// The function OpenSSL calls after the ClientHello, wrapping the user's callback with
/// CPython's rules: `None` for no (or an IP) name, the alert it returns, `HANDSHAKE_FAILURE` when
/// it fails or panics. `lookup` yields the registering context and its current callback (none:
/// the callback was removed meanwhile, so the handshake just goes on).
pub(crate) fn servername_handler(
    lookup: impl Fn() -> Option<(SSLContext, SNICallback)> + Send + Sync + 'static,
) -> impl Fn(&mut SslRef, &mut SslAlert) -> std::result::Result<(), SniError> + Send + Sync + 'static
{
    move |ssl, alert| {
        let Some((ctx, callback)) = lookup() else {
            return Ok(());
        };
        // CPython decodes the client's name as ASCII before calling back; other bytes fail the
        // handshake with an internal-error alert and the callback is never called.
        let name = match ssl.servername_raw(NameType::HOST_NAME) {
            None => None,
            Some(raw) if raw.is_ascii() => Some(String::from_utf8_lossy(raw).into_owned()),
            Some(raw) => {
                log::warn!(
                    "sni_callback not called: server name {} is not ASCII",
                    crate::pyrepr::PyBytes(raw).py_repr()
                );
                *alert = SslAlert::INTERNAL_ERROR;
                return Err(SniError::ALERT_FATAL);
            }
        };
        let mut conn = SNIConnection { ssl };
        // User code: caught (a panic must not unwind into OpenSSL), and run with no pyssl lock
        // held (an `SSLObject`'s memory BIOs are released meanwhile), as is the drop of the
        // callback's handle (its captures' `Drop` is user code too).
        let result = catch_unwind(AssertUnwindSafe(|| {
            ffi_bio::unlocked(move || callback(&mut conn, name.as_deref(), &ctx))
        }));
        match result {
            Ok(Ok(None)) => Ok(()),
            Ok(Ok(Some(code))) => {
                *alert = ssl_alert(code);
                Err(SniError::ALERT_FATAL)
            }
            Ok(Err(e)) => {
                log::warn!("sni_callback failed: {e}");
                *alert = SslAlert::HANDSHAKE_FAILURE;
                Err(SniError::ALERT_FATAL)
            }
            Err(_) => {
                log::warn!("sni_callback panicked");
                *alert = SslAlert::HANDSHAKE_FAILURE;
                Err(SniError::ALERT_FATAL)
            }
        }
    }
}

/// `AlertDescription` to the `openssl` crate's alert type (every member has one).
fn ssl_alert(code: AlertDescription) -> SslAlert {
    use openssl_sys as s;
    match code.value() {
        s::SSL_AD_CLOSE_NOTIFY => SslAlert::CLOSE_NOTIFY,
        s::SSL_AD_UNEXPECTED_MESSAGE => SslAlert::UNEXPECTED_MESSAGE,
        s::SSL_AD_BAD_RECORD_MAC => SslAlert::BAD_RECORD_MAC,
        s::SSL_AD_RECORD_OVERFLOW => SslAlert::RECORD_OVERFLOW,
        s::SSL_AD_DECOMPRESSION_FAILURE => SslAlert::DECOMPRESSION_FAILURE,
        s::SSL_AD_HANDSHAKE_FAILURE => SslAlert::HANDSHAKE_FAILURE,
        s::SSL_AD_BAD_CERTIFICATE => SslAlert::BAD_CERTIFICATE,
        s::SSL_AD_UNSUPPORTED_CERTIFICATE => SslAlert::UNSUPPORTED_CERTIFICATE,
        s::SSL_AD_CERTIFICATE_REVOKED => SslAlert::CERTIFICATE_REVOKED,
        s::SSL_AD_CERTIFICATE_EXPIRED => SslAlert::CERTIFICATE_EXPIRED,
        s::SSL_AD_CERTIFICATE_UNKNOWN => SslAlert::CERTIFICATE_UNKNOWN,
        s::SSL_AD_ILLEGAL_PARAMETER => SslAlert::ILLEGAL_PARAMETER,
        s::SSL_AD_UNKNOWN_CA => SslAlert::UNKNOWN_CA,
        s::SSL_AD_ACCESS_DENIED => SslAlert::ACCESS_DENIED,
        s::SSL_AD_DECODE_ERROR => SslAlert::DECODE_ERROR,
        s::SSL_AD_DECRYPT_ERROR => SslAlert::DECRYPT_ERROR,
        s::SSL_AD_PROTOCOL_VERSION => SslAlert::PROTOCOL_VERSION,
        s::SSL_AD_INSUFFICIENT_SECURITY => SslAlert::INSUFFICIENT_SECURITY,
        s::SSL_AD_USER_CANCELLED => SslAlert::USER_CANCELLED,
        s::SSL_AD_NO_RENEGOTIATION => SslAlert::NO_RENEGOTIATION,
        s::SSL_AD_UNSUPPORTED_EXTENSION => SslAlert::UNSUPPORTED_EXTENSION,
        s::SSL_AD_CERTIFICATE_UNOBTAINABLE => SslAlert::CERTIFICATE_UNOBTAINABLE,
        s::SSL_AD_UNRECOGNIZED_NAME => SslAlert::UNRECOGNIZED_NAME,
        s::SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE => SslAlert::BAD_CERTIFICATE_STATUS_RESPONSE,
        s::SSL_AD_BAD_CERTIFICATE_HASH_VALUE => SslAlert::BAD_CERTIFICATE_HASH_VALUE,
        s::SSL_AD_UNKNOWN_PSK_IDENTITY => SslAlert::UNKNOWN_PSK_IDENTITY,
        _ => SslAlert::INTERNAL_ERROR,
    }
}

/// `ValueError` for the client-only protocol, as CPython's setter raises it.
pub(crate) fn client_context_error() -> Error {
    Error::value("sni_callback cannot be set on TLS_CLIENT context")
}
