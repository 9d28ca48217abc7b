//! The keyword arguments of `SSLContext` methods and `create_default_context`, as structs with
//! Python's names and defaults (API.md section 3), plus the shortcuts for Python's positional
//! forms.
//!
//! ```text
//! Python:  ctx.load_cert_chain('cert.pem', password='secret')
//! Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain { password: Some("secret"), ..Default::default() })?;
//! ```

use super::super::constants::{Purpose, SSLMethod, VerifyMode};

/// Keyword arguments of `SSLContext.load_cert_chain(certfile, keyfile=None, password=None)`.
///
/// A bare string is the `keyfile`, as Python's second positional argument:
/// ```text
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem')
/// Rust:    ctx.load_cert_chain("cert.pem", "key.pem")?;
/// Python:  ctx.load_cert_chain('cert.pem', password='secret')
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain { password: Some("secret"), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadCertChain<'a> {
    /// `keyfile`: the private key's file; `None` reads the key from `certfile`.
    pub keyfile: Option<&'a str>,
    /// `password`: decrypts an encrypted key (a Python `str`; [`LoadCertChainWith`] takes the
    /// `bytes` and callable forms).
    pub password: Option<&'a str>,
}

impl<'a> From<&'a str> for LoadCertChain<'a> {
    fn from(keyfile: &'a str) -> LoadCertChain<'a> {
        LoadCertChain {
            keyfile: Some(keyfile),
            password: None,
        }
    }
}

impl<'a> From<&'a String> for LoadCertChain<'a> {
    /// The key file as a `String` the caller holds: `ctx.load_cert_chain(&cert, &key)?`.
    fn from(keyfile: &'a String) -> LoadCertChain<'a> {
        LoadCertChain::from(keyfile.as_str())
    }
}

/// `password` of `SSLContext.load_cert_chain` in each form Python accepts: `str`, `bytes`, or a
/// callable returning the password, called only when OpenSSL meets an encrypted key.
///
/// ```text
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password=b'secret')
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChainWith { keyfile: Some("key.pem"), password: Some(ssl::Password::Bytes(b"secret")) })?;
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password=get_password)
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChainWith { keyfile: Some("key.pem"), password: Some(ssl::Password::Callback(&get_password)) })?;
/// ```
///
/// A callback returns the password's bytes (`Ok(b"secret".to_vec())`) or the error to raise,
/// which `load_cert_chain` returns unchanged, as Python propagates the callable's exception
/// (a panic unwinds out of `load_cert_chain` the same way). It runs with no lock held: like a
/// Python callable it may read or set the very context it loads, or wait for threads that do.
#[derive(Clone, Copy)]
pub enum Password<'a> {
    /// A Python `str` (its UTF-8 bytes are the password).
    Text(&'a str),
    /// A Python `bytes`/`bytearray`.
    Bytes(&'a [u8]),
    /// A Python callable with no arguments.
    Callback(&'a dyn Fn() -> crate::Result<Vec<u8>>),
}

impl std::fmt::Debug for Password<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::Text(_) => f.write_str("Password::Text(..)"),
            Password::Bytes(_) => f.write_str("Password::Bytes(..)"),
            Password::Callback(_) => f.write_str("Password::Callback(..)"),
        }
    }
}

impl<'a> From<&'a str> for Password<'a> {
    fn from(password: &'a str) -> Password<'a> {
        Password::Text(password)
    }
}

impl<'a> From<&'a String> for Password<'a> {
    fn from(password: &'a String) -> Password<'a> {
        Password::Text(password)
    }
}

impl<'a> From<&'a [u8]> for Password<'a> {
    fn from(password: &'a [u8]) -> Password<'a> {
        Password::Bytes(password)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Password<'a> {
    fn from(password: &'a [u8; N]) -> Password<'a> {
        Password::Bytes(password)
    }
}

impl<'a> From<&'a Vec<u8>> for Password<'a> {
    fn from(password: &'a Vec<u8>) -> Password<'a> {
        Password::Bytes(password)
    }
}

/// Keyword arguments of `SSLContext.load_cert_chain(certfile, keyfile=None, password=None)` with
/// a password of any Python form ([`Password`]); [`LoadCertChain`] is the shorter spelling for
/// the common `str` password.
///
/// ```text
/// Python:  ctx.load_cert_chain('cert.pem', password=lambda: b'secret')
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChainWith { password: Some(ssl::Password::Callback(&|| Ok(b"secret".to_vec()))), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadCertChainWith<'a> {
    /// `keyfile`: the private key's file; `None` reads the key from `certfile`.
    pub keyfile: Option<&'a str>,
    /// `password`: decrypts an encrypted key.
    pub password: Option<Password<'a>>,
}

impl<'a> From<LoadCertChain<'a>> for LoadCertChainWith<'a> {
    fn from(kw: LoadCertChain<'a>) -> LoadCertChainWith<'a> {
        LoadCertChainWith {
            keyfile: kw.keyfile,
            password: kw.password.map(Password::Text),
        }
    }
}

impl<'a> From<&'a str> for LoadCertChainWith<'a> {
    fn from(keyfile: &'a str) -> LoadCertChainWith<'a> {
        LoadCertChain::from(keyfile).into()
    }
}

impl<'a> From<&'a String> for LoadCertChainWith<'a> {
    fn from(keyfile: &'a String) -> LoadCertChainWith<'a> {
        LoadCertChain::from(keyfile.as_str()).into()
    }
}

/// `cadata` of `load_verify_locations`: PEM text (`str`) or concatenated DER (`bytes`).
#[derive(Debug, Clone, Copy)]
pub enum Cadata<'a> {
    /// Python `str`: one or more PEM certificates.
    Pem(&'a str),
    /// Python `bytes`: one or more DER certificates back to back.
    Der(&'a [u8]),
}

/// Keyword arguments of `SSLContext.load_verify_locations(cafile=None, capath=None,
/// cadata=None)`.
///
/// A bare string is the `cafile`, as Python's first positional argument:
/// ```text
/// Python:  context.load_verify_locations('path/to/ca_cert.pem')
/// Rust:    context.load_verify_locations("path/to/ca_cert.pem")?;
/// Python:  context.load_verify_locations(capath='certs/')
/// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations { capath: Some("certs/"), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadVerifyLocations<'a> {
    /// `cafile`: a PEM file of trusted certificates (and CRLs).
    pub cafile: Option<&'a str>,
    /// `capath`: a directory of hashed certificate files.
    pub capath: Option<&'a str>,
    /// `cadata`: certificates given directly.
    pub cadata: Option<Cadata<'a>>,
}

impl<'a> From<&'a str> for LoadVerifyLocations<'a> {
    fn from(cafile: &'a str) -> LoadVerifyLocations<'a> {
        LoadVerifyLocations {
            cafile: Some(cafile),
            ..Default::default()
        }
    }
}

impl<'a> From<&'a String> for LoadVerifyLocations<'a> {
    /// The CA file as a `String` the caller holds: `ctx.load_verify_locations(&cafile)?`.
    fn from(cafile: &'a String) -> LoadVerifyLocations<'a> {
        LoadVerifyLocations::from(cafile.as_str())
    }
}

/// Keyword arguments of `ssl.create_default_context(purpose=Purpose.SERVER_AUTH, *,
/// cafile=None, capath=None, cadata=None)`.
///
/// ```text
/// Python:  ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile='ca.pem')
/// Rust:    ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, cafile: Some("ca.pem"), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CreateDefaultContext<'a> {
    /// `purpose`: `SERVER_AUTH` makes a client context, `CLIENT_AUTH` a server context.
    pub purpose: Purpose,
    /// `cafile`.
    pub cafile: Option<&'a str>,
    /// `capath`.
    pub capath: Option<&'a str>,
    /// `cadata`.
    pub cadata: Option<Cadata<'a>>,
}

impl Default for CreateDefaultContext<'_> {
    fn default() -> Self {
        CreateDefaultContext {
            purpose: Purpose::SERVER_AUTH,
            cafile: None,
            capath: None,
            cadata: None,
        }
    }
}

/// Keyword arguments of `ssl._create_unverified_context(protocol=None, *, cert_reqs=CERT_NONE,
/// check_hostname=False, purpose=Purpose.SERVER_AUTH, certfile=None, keyfile=None, cafile=None,
/// capath=None, cadata=None)` (also `_create_stdlib_context`).
///
/// ```text
/// Python:  ssl._create_unverified_context(cafile='ca.pem')
/// Rust:    ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext { cafile: Some("ca.pem"), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CreateUnverifiedContext<'a> {
    /// `protocol`: `None` picks `PROTOCOL_TLS_CLIENT` for `SERVER_AUTH`, `PROTOCOL_TLS_SERVER`
    /// for `CLIENT_AUTH`.
    pub protocol: Option<SSLMethod>,
    /// `cert_reqs`: `Some(CERT_NONE)` by default; `None` keeps the protocol's default.
    pub cert_reqs: Option<VerifyMode>,
    /// `check_hostname`.
    pub check_hostname: bool,
    /// `purpose`.
    pub purpose: Purpose,
    /// `certfile`.
    pub certfile: Option<&'a str>,
    /// `keyfile`.
    pub keyfile: Option<&'a str>,
    /// `cafile`.
    pub cafile: Option<&'a str>,
    /// `capath`.
    pub capath: Option<&'a str>,
    /// `cadata`.
    pub cadata: Option<Cadata<'a>>,
}

impl Default for CreateUnverifiedContext<'_> {
    fn default() -> Self {
        CreateUnverifiedContext {
            protocol: None,
            cert_reqs: Some(VerifyMode::CERT_NONE),
            check_hostname: false,
            purpose: Purpose::SERVER_AUTH,
            certfile: None,
            keyfile: None,
            cafile: None,
            capath: None,
            cadata: None,
        }
    }
}
