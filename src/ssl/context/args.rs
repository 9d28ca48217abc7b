//! The keyword arguments of `SSLContext` methods and `create_default_context`, as structs with
//! Python's names and defaults (API.md section 3), plus the shortcuts for Python's positional
//! forms.

use super::super::constants::Purpose;

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
    /// `password`: decrypts an encrypted key (a Python `str`).
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
