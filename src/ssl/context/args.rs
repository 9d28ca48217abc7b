//! The keyword arguments of `SSLContext` methods and `create_default_context`, as structs with
//! Python's names and defaults (API.md section 3), plus the shortcuts for Python's positional
//! forms.
//!
//! ```text
//! Python:  ctx.load_cert_chain('cert.pem', password='secret')
//! Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain { password: Some("secret"), ..Default::default() })?;
//! ```
//!
//! A field holds what Python code passes most (`&str`, and through it `&String`), so a literal
//! stays plain. A value of another type Python accepts there (a path, `bytes`, a callable
//! password) is given with the struct's method of the same name, which takes every such type:
//! `ssl::LoadVerifyLocations::default().capath(b"certs/")`. (A field cannot take both: a
//! literal's `Some("x")` fixes its type as `&str`, and a generic field makes every literal that
//! leaves it out ambiguous.) Those values live in a field Rust code never writes, so every
//! literal ends with `..Default::default()`.

use super::super::constants::{Purpose, SSLMethod, VerifyMode};
use super::super::kw_values::{cadata_keyword, path_keywords, pick, KwValues};
use crate::path_arg::{from_str_or_bytes, AsPathArg, PathArg};

/// Keyword arguments of `SSLContext.load_cert_chain(certfile, keyfile=None, password=None)`.
///
/// ```text
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem')
/// Rust:    ctx.load_cert_chain("cert.pem", "key.pem")?;
/// Python:  ctx.load_cert_chain('cert.pem', password='secret')
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain { password: Some("secret"), ..Default::default() })?;
/// Python:  ctx.load_cert_chain(cert, keyfile=pathlib.Path('key.pem'), password=b'secret')
/// Rust:    ctx.load_cert_chain(cert, ssl::LoadCertChain::default().keyfile(Path::new("key.pem")).password(b"secret"))?;
/// Python:  ctx.load_cert_chain('cert.pem', password=get_password)
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().password(&get_password))?;
/// ```
///
/// The field itself holds a `&str`; a path or `bytes` there does not compile (give it with the
/// method):
///
/// ```compile_fail,E0308
/// use std::path::Path;
/// let kw = pyssl::ssl::LoadCertChain { keyfile: Some(Path::new("key.pem")), ..Default::default() };
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadCertChain<'a> {
    /// `keyfile`: the private key's file; `None` reads the key from `certfile`. (A path or
    /// `bytes`: [`LoadCertChain::keyfile`].)
    pub keyfile: Option<&'a str>,
    /// `password`: decrypts an encrypted key, as a Python `str`. (`bytes` or a callable:
    /// [`LoadCertChain::password`].)
    pub password: Option<&'a str>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

impl<'a> LoadCertChain<'a> {
    /// `keyfile=` given as any Python file name: `str`, `bytes` or path ([`AsPathArg`]).
    ///
    /// ```text
    /// Python:  ctx.load_cert_chain(certfile=BYTES_ONLYCERT, keyfile=BYTES_ONLYKEY)
    /// Rust:    ctx.load_cert_chain(BYTES_ONLYCERT, ssl::LoadCertChain::default().keyfile(BYTES_ONLYKEY))?;
    /// ```
    pub fn keyfile(mut self, keyfile: &'a (impl AsPathArg + ?Sized)) -> Self {
        self.keyfile = None;
        self._set_by_methods.keyfile = Some(keyfile.as_path_arg());
        self
    }

    /// `password=` in any form Python takes: `str`, `bytes`, or a callable returning the
    /// password (see [`Password`]).
    ///
    /// ```text
    /// Python:  ctx.load_cert_chain('cert.pem', password=b'secret')
    /// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().password(b"secret"))?;
    /// Python:  ctx.load_cert_chain('cert.pem', password=lambda: b'secret')
    /// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().password(&|| Ok(b"secret".to_vec())))?;
    /// ```
    pub fn password(mut self, password: impl Into<Password<'a>>) -> Self {
        self.password = None;
        self._set_by_methods.password = Some(password.into());
        self
    }

    /// The `keyfile` Python would see.
    pub(crate) fn keyfile_arg(&self) -> Option<PathArg<'a>> {
        pick(self.keyfile, self._set_by_methods.keyfile)
    }

    /// The `password` Python would see.
    pub(crate) fn password_arg(&self) -> Option<Password<'a>> {
        self.password
            .map(Password::Text)
            .or(self._set_by_methods.password)
    }
}

/// The second argument of `load_cert_chain`: the keyword struct, or a bare file name (any
/// [`AsPathArg`]), which is the `keyfile` as Python's second positional argument.
///
/// ```text
/// Python:  ctx.load_cert_chain(certfile, keyfile)
/// Rust:    ctx.load_cert_chain(&certfile, &keyfile)?;
/// ```
pub trait LoadCertChainArg {
    /// The keyword arguments this stands for.
    fn load_cert_chain_kw(&self) -> LoadCertChain<'_>;
}

impl LoadCertChainArg for LoadCertChain<'_> {
    fn load_cert_chain_kw(&self) -> LoadCertChain<'_> {
        *self
    }
}

impl<T: AsPathArg + ?Sized> LoadCertChainArg for T {
    fn load_cert_chain_kw(&self) -> LoadCertChain<'_> {
        LoadCertChain::default().keyfile(self)
    }
}

/// `password` of `SSLContext.load_cert_chain` in each form Python accepts: `str`, `bytes`, or a
/// callable returning the password, called only when OpenSSL meets an encrypted key. Given
/// with [`LoadCertChain::password`], which converts each form.
///
/// ```text
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password=b'secret')
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().keyfile("key.pem").password(b"secret"))?;
/// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password=get_password)
/// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().keyfile("key.pem").password(&get_password))?;
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

from_str_or_bytes!(Password, Text, Bytes);

impl<'a, F> From<&'a F> for Password<'a>
where
    F: Fn() -> crate::Result<Vec<u8>>,
{
    /// A callable (a closure or `fn`): `.password(&get_password)`.
    fn from(callback: &'a F) -> Password<'a> {
        Password::Callback(callback)
    }
}

/// `cadata` of `load_verify_locations`: PEM text (`str`) or concatenated DER (`bytes`). The
/// struct's `.cadata(...)` method converts either (`&str`, `&String` to `Pem`; `&[u8]`,
/// `b"..."`, `&Vec<u8>` to `Der`).
#[derive(Debug, Clone, Copy)]
pub enum Cadata<'a> {
    /// Python `str`: one or more PEM certificates.
    Pem(&'a str),
    /// Python `bytes`: one or more DER certificates back to back.
    Der(&'a [u8]),
}

from_str_or_bytes!(Cadata, Pem, Der);

impl Cadata<'_> {
    /// Python's `bool(cadata)`.
    pub(crate) fn is_truthy(self) -> bool {
        match self {
            Cadata::Pem(t) => !t.is_empty(),
            Cadata::Der(b) => !b.is_empty(),
        }
    }
}

/// Keyword arguments of `SSLContext.load_verify_locations(cafile=None, capath=None,
/// cadata=None)`.
///
/// ```text
/// Python:  context.load_verify_locations('path/to/ca_cert.pem')
/// Rust:    context.load_verify_locations("path/to/ca_cert.pem")?;
/// Python:  context.load_verify_locations(capath='certs/')
/// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations { capath: Some("certs/"), ..Default::default() })?;
/// Python:  context.load_verify_locations(CERTFILE, capath=BYTES_CAPATH)
/// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations::default().cafile(CERTFILE).capath(BYTES_CAPATH))?;
/// Python:  context.load_verify_locations(cadata=pem_text)
/// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations::default().cadata(&pem_text))?;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadVerifyLocations<'a> {
    /// `cafile`: a PEM file of trusted certificates (and CRLs). (A path or `bytes`:
    /// [`LoadVerifyLocations::cafile`].)
    pub cafile: Option<&'a str>,
    /// `capath`: a directory of hashed certificate files. (A path or `bytes`:
    /// [`LoadVerifyLocations::capath`].)
    pub capath: Option<&'a str>,
    /// `cadata`: certificates given directly.
    pub cadata: Option<Cadata<'a>>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

path_keywords!(LoadVerifyLocations {
    cafile, cafile_arg: "cafile";
    capath, capath_arg: "capath";
});
cadata_keyword!(LoadVerifyLocations);

/// The argument of `load_verify_locations`: the keyword struct, or a bare file name (any
/// [`AsPathArg`]), which is the `cafile` as Python's first positional argument.
///
/// ```text
/// Python:  ctx.load_verify_locations(cafile)
/// Rust:    ctx.load_verify_locations(&cafile)?;
/// ```
pub trait LoadVerifyLocationsArg {
    /// The keyword arguments this stands for.
    fn load_verify_locations_kw(&self) -> LoadVerifyLocations<'_>;
}

impl LoadVerifyLocationsArg for LoadVerifyLocations<'_> {
    fn load_verify_locations_kw(&self) -> LoadVerifyLocations<'_> {
        *self
    }
}

impl<T: AsPathArg + ?Sized> LoadVerifyLocationsArg for T {
    fn load_verify_locations_kw(&self) -> LoadVerifyLocations<'_> {
        LoadVerifyLocations::default().cafile(self)
    }
}

/// Keyword arguments of `ssl.create_default_context(purpose=Purpose.SERVER_AUTH, *,
/// cafile=None, capath=None, cadata=None)`.
///
/// ```text
/// Python:  ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile='ca.pem')
/// Rust:    ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, cafile: Some("ca.pem"), ..Default::default() })?;
/// Python:  ssl.create_default_context(cafile=pathlib.Path('ca.pem'))
/// Rust:    ssl::create_default_context_with(ssl::CreateDefaultContext::default().cafile(Path::new("ca.pem")))?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CreateDefaultContext<'a> {
    /// `purpose`: `SERVER_AUTH` makes a client context, `CLIENT_AUTH` a server context.
    pub purpose: Purpose,
    /// `cafile`. (A path or `bytes`: [`CreateDefaultContext::cafile`].)
    pub cafile: Option<&'a str>,
    /// `capath`. (A path or `bytes`: [`CreateDefaultContext::capath`].)
    pub capath: Option<&'a str>,
    /// `cadata`.
    pub cadata: Option<Cadata<'a>>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

impl Default for CreateDefaultContext<'_> {
    fn default() -> Self {
        CreateDefaultContext {
            purpose: Purpose::SERVER_AUTH,
            cafile: None,
            capath: None,
            cadata: None,
            _set_by_methods: KwValues::default(),
        }
    }
}

path_keywords!(CreateDefaultContext {
    cafile, cafile_arg: "cafile";
    capath, capath_arg: "capath";
});
cadata_keyword!(CreateDefaultContext);

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
    /// `certfile`. (A path or `bytes`: [`CreateUnverifiedContext::certfile`].)
    pub certfile: Option<&'a str>,
    /// `keyfile`. (A path or `bytes`: [`CreateUnverifiedContext::keyfile`].)
    pub keyfile: Option<&'a str>,
    /// `cafile`. (A path or `bytes`: [`CreateUnverifiedContext::cafile`].)
    pub cafile: Option<&'a str>,
    /// `capath`. (A path or `bytes`: [`CreateUnverifiedContext::capath`].)
    pub capath: Option<&'a str>,
    /// `cadata`.
    pub cadata: Option<Cadata<'a>>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
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
            _set_by_methods: KwValues::default(),
        }
    }
}

path_keywords!(CreateUnverifiedContext {
    certfile, certfile_arg: "certfile";
    keyfile, keyfile_arg: "keyfile";
    cafile, cafile_arg: "cafile";
    capath, capath_arg: "capath";
});
cadata_keyword!(CreateUnverifiedContext);
