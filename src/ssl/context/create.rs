//! `ssl.create_default_context()`: the context CPython 3.13 recommends, built step by step as
//! `Lib/ssl.py` builds it.
//!
//! ```text
//! Python:  context = ssl.create_default_context()
//! Rust:    let context = ssl::create_default_context()?;
//! ```

use super::super::constants::{Purpose, SSLMethod, VerifyFlags, VerifyMode};
use super::{
    Cadata, CreateDefaultContext, CreateUnverifiedContext, LoadCertChain, LoadVerifyLocations,
    SSLContext,
};
use crate::error::{Error, Result};
use crate::path_arg::PathArg;

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
    let (cafile, capath) = (kw.cafile_arg(), kw.capath_arg());
    // Python's `if cafile or capath or cadata:` (an empty `str` or `bytes` counts as absent).
    if truthy(cafile) || truthy(capath) || kw.cadata.is_some_and(Cadata::is_truthy) {
        context.load_verify_locations(verify_locations(cafile, capath, kw.cadata))?;
    } else if context.verify_mode() != VerifyMode::CERT_NONE {
        context.load_default_certs(kw.purpose)?;
    }
    apply_sslkeylogfile(&context)?;
    Ok(context)
}

/// `SSLKEYLOGFILE`, when set and not empty, becomes the context's `keylog_filename` (the `str`
/// `os.environ` gives, undecodable bytes and all).
fn apply_sslkeylogfile(context: &SSLContext) -> Result<()> {
    if let Some(keylogfile) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
        context.set_keylog_filename(&keylogfile)?;
    }
    Ok(())
}

/// Python's truth value of an optional path argument.
fn truthy(arg: Option<PathArg<'_>>) -> bool {
    arg.is_some_and(PathArg::is_truthy)
}

/// `load_verify_locations(cafile, capath, cadata)` with the values as given.
fn verify_locations<'a>(
    cafile: Option<PathArg<'a>>,
    capath: Option<PathArg<'a>>,
    cadata: Option<Cadata<'a>>,
) -> LoadVerifyLocations<'a> {
    let mut kw = LoadVerifyLocations {
        cadata,
        ..Default::default()
    };
    kw._set_by_methods.cafile = cafile;
    kw._set_by_methods.capath = capath;
    kw
}

/// `ssl._create_unverified_context()`: a context that verifies nothing (`CERT_NONE`, no host
/// name check), the idiom scripts use to turn verification off. Insecure by design: use it
/// only where Python code did.
///
/// ```text
/// Python:  ctx = ssl._create_unverified_context()
/// Rust:    let ctx = ssl::_create_unverified_context()?;
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
/// // Python: ctx = ssl._create_unverified_context()
/// let ctx = ssl::_create_unverified_context()?;
/// assert_eq!(ctx.protocol(), ssl::PROTOCOL_TLS_CLIENT);
/// assert_eq!(ctx.verify_mode(), ssl::CERT_NONE);
/// assert!(!ctx.check_hostname());
/// # Ok(())
/// # }
/// ```
pub fn _create_unverified_context() -> Result<SSLContext> {
    _create_unverified_context_with(CreateUnverifiedContext::default())
}

/// `ssl._create_unverified_context(protocol, *, cert_reqs, check_hostname, purpose, certfile,
/// keyfile, cafile, capath, cadata)`, step by step as `Lib/ssl.py` (3.11 and 3.13 alike).
///
/// ```text
/// Python:  ctx = ssl._create_unverified_context(cert_reqs=ssl.CERT_REQUIRED, cafile='ca.pem')
/// Rust:    let ctx = ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext { cert_reqs: Some(ssl::CERT_REQUIRED), cafile: Some("ca.pem"), ..Default::default() })?;
/// ```
pub fn _create_unverified_context_with(kw: CreateUnverifiedContext<'_>) -> Result<SSLContext> {
    let protocol = kw.protocol.unwrap_or(match kw.purpose {
        Purpose::SERVER_AUTH => SSLMethod::PROTOCOL_TLS_CLIENT,
        Purpose::CLIENT_AUTH => SSLMethod::PROTOCOL_TLS_SERVER,
    });
    let context = SSLContext::new(protocol)?;
    context.set_check_hostname(kw.check_hostname);
    if let Some(mode) = kw.cert_reqs {
        context.set_verify_mode(mode)?;
    }
    // Python's truth tests: `None`, `''` and `b''` are false; the values themselves pass
    // unchanged.
    let (certfile, keyfile) = (kw.certfile_arg(), kw.keyfile_arg());
    if truthy(keyfile) && !truthy(certfile) {
        return Err(Error::value("certfile must be specified"));
    }
    if let Some(certfile) = certfile.filter(|c| c.is_truthy()) {
        let mut chain = LoadCertChain::default();
        chain._set_by_methods.keyfile = keyfile;
        context.load_cert_chain(certfile, chain)?;
    }
    let (cafile, capath) = (kw.cafile_arg(), kw.capath_arg());
    if truthy(cafile) || truthy(capath) || kw.cadata.is_some_and(Cadata::is_truthy) {
        context.load_verify_locations(verify_locations(cafile, capath, kw.cadata))?;
    } else if context.verify_mode() != VerifyMode::CERT_NONE {
        context.load_default_certs(kw.purpose)?;
    }
    apply_sslkeylogfile(&context)?;
    Ok(context)
}

/// `ssl._create_stdlib_context()`: the same function as [`_create_unverified_context`] (Python
/// binds both names to it).
///
/// ```text
/// Python:  ctx = ssl._create_stdlib_context()
/// Rust:    let ctx = ssl::_create_stdlib_context()?;
/// ```
pub fn _create_stdlib_context() -> Result<SSLContext> {
    _create_unverified_context()
}

/// `ssl._create_stdlib_context(...)` with keyword arguments: [`_create_unverified_context_with`].
///
/// ```text
/// Python:  ctx = ssl._create_stdlib_context(cafile='ca.pem')
/// Rust:    let ctx = ssl::_create_stdlib_context_with(ssl::CreateUnverifiedContext { cafile: Some("ca.pem"), ..Default::default() })?;
/// ```
pub fn _create_stdlib_context_with(kw: CreateUnverifiedContext<'_>) -> Result<SSLContext> {
    _create_unverified_context_with(kw)
}
