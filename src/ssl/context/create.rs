//! `ssl.create_default_context()`: the context CPython 3.13 recommends, built step by step as
//! `Lib/ssl.py` builds it.
//!
//! ```text
//! Python:  context = ssl.create_default_context()
//! Rust:    let context = ssl::create_default_context()?;
//! ```

use super::super::constants::{Purpose, SSLMethod, VerifyFlags, VerifyMode};
use super::{CreateDefaultContext, LoadVerifyLocations, SSLContext};
use crate::error::Result;

/// `ssl.create_default_context()`: a client context that verifies servers against the system's
/// trust store and checks host names, as CPython 3.13 builds it.
///
/// ```text
/// Python:  context = ssl.create_default_context()
/// Rust:    let context = ssl::create_default_context()?;
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::ssl;
///
/// // Python: context = ssl.create_default_context()
/// let context = ssl::create_default_context()?;
/// assert_eq!(context.protocol(), ssl::PROTOCOL_TLS_CLIENT);
/// assert_eq!(context.verify_mode(), ssl::CERT_REQUIRED);
/// assert!(context.check_hostname());
/// // Python: print(repr(context.verify_flags))
/// assert_eq!(
///     context.verify_flags().py_repr(),
///     "<VerifyFlags.VERIFY_X509_STRICT|VERIFY_X509_TRUSTED_FIRST|VERIFY_X509_PARTIAL_CHAIN: 557088>"
/// );
/// # Ok(())
/// # }
/// ```
pub fn create_default_context() -> Result<SSLContext> {
    create_default_context_with(CreateDefaultContext::default())
}

/// `ssl.create_default_context(purpose, *, cafile, capath, cadata)` with its keyword arguments.
///
/// ```text
/// Python:  ssl.create_default_context(cafile='ca.pem')
/// Rust:    ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some("ca.pem"), ..Default::default() })?;
/// ```
///
/// A server context that trusts one CA (for client certificates), as the keyword call reads:
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
/// let ca = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ca.pem");
///
/// // Python: ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=ca)
/// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
///     purpose: ssl::Purpose::CLIENT_AUTH,
///     cafile: Some(ca),
///     ..Default::default()
/// })?;
/// assert_eq!(ctx.protocol(), ssl::PROTOCOL_TLS_SERVER);
/// assert_eq!(ctx.verify_mode(), ssl::CERT_NONE); // set CERT_REQUIRED to demand client certs
/// // Python: print(ctx.cert_store_stats())
/// assert_eq!(ctx.cert_store_stats().to_string(), "{'x509': 1, 'crl': 0, 'x509_ca': 1}");
/// # Ok(())
/// # }
/// ```
///
/// Like 3.13 it adds `VERIFY_X509_PARTIAL_CHAIN | VERIFY_X509_STRICT` (3.11 does not: see
/// `docs/python-versions.md`).
pub fn create_default_context_with(kw: CreateDefaultContext<'_>) -> Result<SSLContext> {
    let context = match kw.purpose {
        Purpose::SERVER_AUTH => {
            let c = SSLContext::new(SSLMethod::PROTOCOL_TLS_CLIENT)?;
            c.set_verify_mode(VerifyMode::CERT_REQUIRED)?;
            c.set_check_hostname(true);
            c
        }
        Purpose::CLIENT_AUTH => SSLContext::new(SSLMethod::PROTOCOL_TLS_SERVER)?,
    };
    context
        .set_verify_flags(VerifyFlags::VERIFY_X509_PARTIAL_CHAIN | VerifyFlags::VERIFY_X509_STRICT);
    if kw.cafile.is_some() || kw.capath.is_some() || kw.cadata.is_some() {
        context.load_verify_locations(LoadVerifyLocations {
            cafile: kw.cafile,
            capath: kw.capath,
            cadata: kw.cadata,
        })?;
    } else if context.verify_mode() != VerifyMode::CERT_NONE {
        context.load_default_certs(kw.purpose)?;
    }
    if let Some(keylogfile) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
        context.set_keylog_filename(keylogfile.to_str())?;
    }
    Ok(context)
}
