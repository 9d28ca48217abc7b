//! `ssl.SSLContext` and `ssl.create_default_context`.
//!
//! ```text
//! Python:  context = ssl.create_default_context()
//!          context.load_verify_locations('ca.pem')
//! Rust:    let context = ssl::create_default_context()?;
//!          context.load_verify_locations("ca.pem")?;
//! ```
//!
//! A context is set up step by step as CPython 3.13's `_SSLContext` constructor does, on a raw
//! `SSL_CTX` (not `SslConnector`/`SslAcceptor`, whose defaults differ). Like a Python object it is
//! shared: clones are handles to the same context, setters take `&self`, and sockets keep the
//! context they were wrapped with.

use std::path::Path;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use openssl::error::ErrorStack;
use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslMethod, SslMode, SslOptions, SslVerifyMode, SslVersion,
};
use openssl::x509::X509;

use super::ciphers::{ciphers_of, CipherDict};
use super::constants::{Options, Purpose, SSLMethod, TLSVersion, VerifyFlags, VerifyMode};
use super::errors;
use super::keylog::{self, KeylogSlot};
use super::stats::{CertStoreStats, SessionStats};
use crate::error::{Error, Result, SSLError};
use crate::ffi::ssl as ffi_ssl;

/// CPython's `PY_SSL_DEFAULT_CIPHER_STRING` (the `python` build option, Debian's and upstream's).
pub const _DEFAULT_CIPHERS: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

/// `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`: CPython's default host flags.
const HOSTFLAG_NO_PARTIAL_WILDCARDS: u32 = 0x4;
/// `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`: set when `hostname_checks_common_name` is off.
const HOSTFLAG_NEVER_CHECK_SUBJECT: u32 = 0x20;

/// `ssl.SSLContext`: settings and certificates shared by the connections wrapped with it.
///
/// ```text
/// Python:  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
/// Rust:    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
/// ```
///
/// `Clone` gives another handle to the same context, as a second Python reference would.
/// Reconfiguring a context while other threads wrap sockets with it is safe (an internal lock
/// orders them); connections already created keep what they copied at creation, as in OpenSSL.
#[derive(Clone)]
pub struct SSLContext {
    inner: Arc<Inner>,
}

struct Inner {
    ctx: SslContext,
    protocol: SSLMethod,
    /// `keylog_filename`'s open file, shared with the keylog callback.
    keylog: KeylogSlot,
    /// Python-side state; the write lock also serialises every mutation of `ctx`.
    state: RwLock<State>,
}

#[derive(Debug, Clone, Copy)]
struct State {
    check_hostname: bool,
    post_handshake_auth: bool,
    host_flags: u32,
}

impl std::fmt::Debug for SSLContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<ssl.SSLContext object at {:p}>",
            Arc::as_ptr(&self.inner)
        )
    }
}

impl PartialEq for SSLContext {
    /// Identity, as Python's `is`: two handles to the same context.
    fn eq(&self, other: &SSLContext) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

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

/// `ssl.create_default_context()`: a client context that verifies servers against the system's
/// trust store and checks host names, as CPython 3.13 builds it.
///
/// ```text
/// Python:  context = ssl.create_default_context()
/// Rust:    let context = ssl::create_default_context()?;
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

/// A CPython configuration error from an `ErrorStack` the `openssl` crate collected: the newest
/// error decides, `errno` is its reason code (CPython's `_setSSLError(NULL)`), unless the call
/// left an OS errno (a missing file), which wins as in CPython.
pub(crate) fn config_error(stack: &ErrorStack, errno: i32) -> Error {
    if errno != 0 {
        return Error::from_errno(errno);
    }
    match stack.errors().last() {
        Some(e) => errors::from_code(e.code()),
        None => errors::from_queue(),
    }
}

impl SSLContext {
    /// `ssl.SSLContext(protocol)`: a context set up exactly as CPython 3.13's constructor does.
    ///
    /// ```text
    /// Python:  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    /// Rust:    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// ```
    pub fn new(protocol: SSLMethod) -> Result<SSLContext> {
        let method = match protocol {
            SSLMethod::PROTOCOL_TLS => SslMethod::tls(),
            SSLMethod::PROTOCOL_TLS_CLIENT => SslMethod::tls_client(),
            SSLMethod::PROTOCOL_TLS_SERVER => SslMethod::tls_server(),
            SSLMethod::PROTOCOL_TLSv1 => ffi_ssl::version_method(0),
            SSLMethod::PROTOCOL_TLSv1_1 => ffi_ssl::version_method(1),
            SSLMethod::PROTOCOL_TLSv1_2 => ffi_ssl::version_method(2),
        };
        // CPython's DeprecationWarning texts, through `log` (Rust has no `warnings` module).
        match protocol {
            SSLMethod::PROTOCOL_TLS_CLIENT | SSLMethod::PROTOCOL_TLS_SERVER => {}
            deprecated => log::warn!("ssl.{} is deprecated", deprecated.name()),
        }
        let mut b = SslContextBuilder::new(method).map_err(|e| config_error(&e, 0))?;
        let client = protocol == SSLMethod::PROTOCOL_TLS_CLIENT;
        if client {
            b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
        } else {
            b.set_verify(SslVerifyMode::NONE);
        }
        let all = openssl_sys::SSL_OP_ALL & !openssl_sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS;
        let options = all
            | openssl_sys::SSL_OP_NO_SSLv3
            | openssl_sys::SSL_OP_NO_COMPRESSION
            | openssl_sys::SSL_OP_CIPHER_SERVER_PREFERENCE;
        b.set_options(SslOptions::from_bits_retain(options));
        if b.set_cipher_list(_DEFAULT_CIPHERS).is_err() {
            crate::ffi::err::clear_error();
            return Err(SSLError::single("No cipher can be selected.").into());
        }
        if matches!(
            protocol,
            SSLMethod::PROTOCOL_TLS
                | SSLMethod::PROTOCOL_TLS_CLIENT
                | SSLMethod::PROTOCOL_TLS_SERVER
        ) && b.set_min_proto_version(Some(SslVersion::TLS1_2)).is_err()
        {
            return Err(Error::value(format!(
                "Failed to set minimum protocol 0x{:x}",
                TLSVersion::TLSv1_2.value()
            )));
        }
        b.set_mode(SslMode::RELEASE_BUFFERS);
        let ctx = b.build();
        ffi_ssl::ctx_update_verify_flags(&ctx, 0, openssl_sys::X509_V_FLAG_TRUSTED_FIRST as _);
        ffi_ssl::ctx_set_hostflags(&ctx, HOSTFLAG_NO_PARTIAL_WILDCARDS);
        ffi_ssl::ctx_set_post_handshake_auth(&ctx, false);
        let state = State {
            check_hostname: client,
            post_handshake_auth: false,
            host_flags: HOSTFLAG_NO_PARTIAL_WILDCARDS,
        };
        Ok(SSLContext {
            inner: Arc::new(Inner {
                ctx,
                protocol,
                keylog: KeylogSlot::default(),
                state: RwLock::new(state),
            }),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the `SSL_CTX` with the openssl crate's setters, holding the write lock.
    fn configure<R>(&self, f: impl FnOnce(&mut SslContextBuilder) -> R) -> R {
        let _guard = self.write();
        ffi_ssl::with_builder(&self.inner.ctx, f)
    }

    /// The underlying `openssl` context, for what Python never had (an escape hatch).
    pub fn as_openssl(&self) -> &SslContext {
        &self.inner.ctx
    }

    /// A new `SSL` for one connection, created under the read lock, with the Python-side flags
    /// it must copy at creation (`check_hostname`, `post_handshake_auth`).
    pub(crate) fn new_ssl(&self) -> Result<(Ssl, bool, bool)> {
        let state = self.read();
        let ssl = Ssl::new(&self.inner.ctx).map_err(|e| config_error(&e, 0))?;
        Ok((ssl, state.check_hostname, state.post_handshake_auth))
    }

    /// `ctx.protocol`.
    ///
    /// ```text
    /// Python:  ctx.protocol
    /// Rust:    ctx.protocol()
    /// ```
    pub fn protocol(&self) -> SSLMethod {
        self.inner.protocol
    }

    /// `ctx.options`: the `SSL_OP_*` bits OpenSSL holds for this context.
    ///
    /// ```text
    /// Python:  ctx.options
    /// Rust:    ctx.options()
    /// ```
    pub fn options(&self) -> Options {
        let _guard = self.read();
        Options::from_bits(ffi_ssl::ctx_options(&self.inner.ctx))
    }

    /// Adds option bits: Python's `ctx.options |= bits` (and the seed article's
    /// `context.set_options(ssl.OP_NO_TICKET)`).
    ///
    /// ```text
    /// Python:  ctx.options |= ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3
    /// Rust:    ctx.set_options(ssl::OP_NO_SSLv2 | ssl::OP_NO_SSLv3);
    /// ```
    pub fn set_options(&self, bits: Options) {
        let current = self.options().value();
        let new_bits = bits.value() & !current;
        if new_bits & NO_VERSION_BITS != 0 {
            log::warn!("ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated");
        }
        self.configure(|b| b.set_options(SslOptions::from_bits_retain(new_bits as _)));
    }

    /// Removes option bits: Python's `ctx.options &= ~bits`.
    ///
    /// ```text
    /// Python:  ctx.options &= ~ssl.OP_NO_TICKET
    /// Rust:    ctx.clear_options(ssl::OP_NO_TICKET);
    /// ```
    pub fn clear_options(&self, bits: Options) {
        let current = self.options().value();
        self.configure(|b| {
            b.clear_options(SslOptions::from_bits_retain((bits.value() & current) as _))
        });
    }

    /// `ctx.verify_mode`.
    ///
    /// ```text
    /// Python:  ctx.verify_mode
    /// Rust:    ctx.verify_mode()
    /// ```
    pub fn verify_mode(&self) -> VerifyMode {
        let _guard = self.read();
        let mode = self.inner.ctx.verify_mode();
        if mode.contains(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT) {
            VerifyMode::CERT_REQUIRED
        } else if mode.contains(SslVerifyMode::PEER) {
            VerifyMode::CERT_OPTIONAL
        } else {
            VerifyMode::CERT_NONE
        }
    }

    /// `ctx.verify_mode = mode`; CERT_NONE while `check_hostname` is on is Python's ValueError.
    ///
    /// ```text
    /// Python:  ctx.verify_mode = ssl.CERT_REQUIRED
    /// Rust:    ctx.set_verify_mode(ssl::CERT_REQUIRED)?;
    /// ```
    pub fn set_verify_mode(&self, mode: VerifyMode) -> Result<()> {
        let guard = self.write();
        if mode == VerifyMode::CERT_NONE && guard.check_hostname {
            return Err(Error::value(
                "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
            ));
        }
        ffi_ssl::with_builder(&self.inner.ctx, |b| b.set_verify(openssl_verify_mode(mode)));
        Ok(())
    }

    /// `ctx.check_hostname`.
    ///
    /// ```text
    /// Python:  ctx.check_hostname
    /// Rust:    ctx.check_hostname()
    /// ```
    pub fn check_hostname(&self) -> bool {
        self.read().check_hostname
    }

    /// `ctx.check_hostname = flag`; turning it on upgrades CERT_NONE to CERT_REQUIRED, as Python.
    ///
    /// ```text
    /// Python:  ctx.check_hostname = False
    /// Rust:    ctx.set_check_hostname(false);
    /// ```
    pub fn set_check_hostname(&self, check_hostname: bool) {
        let mut guard = self.write();
        if check_hostname && self.inner.ctx.verify_mode() == SslVerifyMode::NONE {
            ffi_ssl::with_builder(&self.inner.ctx, |b| {
                b.set_verify(openssl_verify_mode(VerifyMode::CERT_REQUIRED))
            });
        }
        guard.check_hostname = check_hostname;
    }

    /// `ctx.verify_flags`.
    ///
    /// ```text
    /// Python:  ctx.verify_flags
    /// Rust:    ctx.verify_flags()
    /// ```
    pub fn verify_flags(&self) -> VerifyFlags {
        let _guard = self.read();
        VerifyFlags::from_bits(ffi_ssl::ctx_verify_flags(&self.inner.ctx) as u64)
    }

    /// Adds verification flags: Python's `ctx.verify_flags |= flags`.
    ///
    /// ```text
    /// Python:  ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    /// Rust:    ctx.set_verify_flags(ssl::VERIFY_X509_STRICT);
    /// ```
    pub fn set_verify_flags(&self, flags: VerifyFlags) {
        let _guard = self.write();
        ffi_ssl::ctx_update_verify_flags(&self.inner.ctx, 0, flags.value() as _);
    }

    /// Removes verification flags: Python's `ctx.verify_flags &= ~flags`.
    ///
    /// ```text
    /// Python:  ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
    /// Rust:    ctx.clear_verify_flags(ssl::VERIFY_X509_STRICT);
    /// ```
    pub fn clear_verify_flags(&self, flags: VerifyFlags) {
        let _guard = self.write();
        ffi_ssl::ctx_update_verify_flags(&self.inner.ctx, flags.value() as _, 0);
    }

    /// `ctx.hostname_checks_common_name`.
    ///
    /// ```text
    /// Python:  ctx.hostname_checks_common_name
    /// Rust:    ctx.hostname_checks_common_name()
    /// ```
    pub fn hostname_checks_common_name(&self) -> bool {
        self.read().host_flags & HOSTFLAG_NEVER_CHECK_SUBJECT == 0
    }

    /// `ctx.hostname_checks_common_name = flag`.
    ///
    /// ```text
    /// Python:  ctx.hostname_checks_common_name = False
    /// Rust:    ctx.set_hostname_checks_common_name(false);
    /// ```
    pub fn set_hostname_checks_common_name(&self, flag: bool) {
        let mut guard = self.write();
        if flag {
            guard.host_flags &= !HOSTFLAG_NEVER_CHECK_SUBJECT;
        } else {
            guard.host_flags |= HOSTFLAG_NEVER_CHECK_SUBJECT;
        }
        ffi_ssl::ctx_set_hostflags(&self.inner.ctx, guard.host_flags);
    }

    /// `ctx.post_handshake_auth`.
    ///
    /// ```text
    /// Python:  ctx.post_handshake_auth
    /// Rust:    ctx.post_handshake_auth()
    /// ```
    pub fn post_handshake_auth(&self) -> bool {
        self.read().post_handshake_auth
    }

    /// `ctx.post_handshake_auth = flag` (TLS 1.3 post-handshake client authentication).
    ///
    /// ```text
    /// Python:  ctx.post_handshake_auth = True
    /// Rust:    ctx.set_post_handshake_auth(true);
    /// ```
    pub fn set_post_handshake_auth(&self, flag: bool) {
        self.write().post_handshake_auth = flag;
    }

    /// `ctx.security_level` (read-only).
    ///
    /// ```text
    /// Python:  ctx.security_level
    /// Rust:    ctx.security_level()
    /// ```
    pub fn security_level(&self) -> i32 {
        let _guard = self.read();
        self.inner.ctx.security_level() as i32
    }

    /// `ctx.minimum_version`.
    ///
    /// ```text
    /// Python:  ctx.minimum_version
    /// Rust:    ctx.minimum_version()
    /// ```
    pub fn minimum_version(&self) -> TLSVersion {
        let _guard = self.read();
        let (min, _) = ffi_ssl::ctx_proto_versions(&self.inner.ctx);
        proto_to_version(min, TLSVersion::MINIMUM_SUPPORTED)
    }

    /// `ctx.maximum_version`.
    ///
    /// ```text
    /// Python:  ctx.maximum_version
    /// Rust:    ctx.maximum_version()
    /// ```
    pub fn maximum_version(&self) -> TLSVersion {
        let _guard = self.read();
        let (_, max) = ffi_ssl::ctx_proto_versions(&self.inner.ctx);
        proto_to_version(max, TLSVersion::MAXIMUM_SUPPORTED)
    }

    /// `ctx.minimum_version = version`.
    ///
    /// ```text
    /// Python:  ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    /// Rust:    ctx.set_minimum_version(ssl::TLSVersion::TLSv1_3)?;
    /// ```
    pub fn set_minimum_version(&self, version: TLSVersion) -> Result<()> {
        if version == TLSVersion::SSLv3 {
            self.clear_options(Options::OP_NO_SSLv3);
        }
        self.set_proto_version(version, true)
    }

    /// `ctx.maximum_version = version`.
    ///
    /// ```text
    /// Python:  ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    /// Rust:    ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2)?;
    /// ```
    pub fn set_maximum_version(&self, version: TLSVersion) -> Result<()> {
        self.set_proto_version(version, false)
    }

    fn set_proto_version(&self, version: TLSVersion, minimum: bool) -> Result<()> {
        if !matches!(
            self.inner.protocol,
            SSLMethod::PROTOCOL_TLS
                | SSLMethod::PROTOCOL_TLS_CLIENT
                | SSLMethod::PROTOCOL_TLS_SERVER
        ) {
            return Err(Error::value(
                "The context's protocol doesn't support modification of highest and lowest version.",
            ));
        }
        if matches!(
            version,
            TLSVersion::SSLv3 | TLSVersion::TLSv1 | TLSVersion::TLSv1_1
        ) {
            log::warn!("ssl.TLSVersion.{version:?} is deprecated");
        }
        let raw = match (version, minimum) {
            (TLSVersion::MINIMUM_SUPPORTED, true) | (TLSVersion::MAXIMUM_SUPPORTED, false) => 0,
            (TLSVersion::MAXIMUM_SUPPORTED, true) => TLSVersion::TLSv1_3.value(),
            (TLSVersion::MINIMUM_SUPPORTED, false) => TLSVersion::TLSv1.value(),
            (v, _) => v.value(),
        };
        let v = match raw {
            0 => None,
            0x300 => Some(SslVersion::SSL3),
            0x301 => Some(SslVersion::TLS1),
            0x302 => Some(SslVersion::TLS1_1),
            0x303 => Some(SslVersion::TLS1_2),
            _ => Some(SslVersion::TLS1_3),
        };
        let ok = self.configure(|b| {
            if minimum {
                b.set_min_proto_version(v)
            } else {
                b.set_max_proto_version(v)
            }
        });
        ok.map_err(|_| {
            crate::ffi::err::clear_error();
            Error::value(format!("Unsupported protocol version 0x{raw:x}"))
        })
    }

    /// `ctx.set_ciphers(cipherlist)`: TLS 1.2-and-below cipher selection with OpenSSL's syntax.
    /// A string that selects nothing is Python's `SSLError('No cipher can be selected.')`.
    ///
    /// ```text
    /// Python:  context.set_ciphers('HIGH:!RC4:!MD5:!3DES')
    /// Rust:    context.set_ciphers("HIGH:!RC4:!MD5:!3DES")?;
    /// ```
    pub fn set_ciphers(&self, cipherlist: &str) -> Result<()> {
        if cipherlist.contains('\0') {
            return Err(Error::value("embedded null character"));
        }
        self.configure(|b| b.set_cipher_list(cipherlist))
            .map_err(|_| {
                crate::ffi::err::clear_error();
                Error::SSLError(SSLError::single("No cipher can be selected."))
            })
    }

    /// `ctx.get_ciphers()`: the enabled ciphers in priority order (TLS 1.3 suites first), as
    /// CPython's list of dicts.
    ///
    /// ```text
    /// Python:  [c['name'] for c in ctx.get_ciphers()]
    /// Rust:    ctx.get_ciphers().iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    /// ```
    pub fn get_ciphers(&self) -> Vec<CipherDict> {
        let _guard = self.read();
        ciphers_of(&self.inner.ctx)
    }

    /// `ctx.num_tickets`: TLS 1.3 session tickets a server sends after a handshake (default 2).
    ///
    /// ```text
    /// Python:  ctx.num_tickets
    /// Rust:    ctx.num_tickets()
    /// ```
    pub fn num_tickets(&self) -> usize {
        let _guard = self.read();
        self.inner.ctx.num_tickets()
    }

    /// `ctx.num_tickets = n`: only on server contexts, never negative (Python's ValueErrors).
    ///
    /// ```text
    /// Python:  ctx.num_tickets = 0
    /// Rust:    ctx.set_num_tickets(0)?;
    /// ```
    pub fn set_num_tickets(&self, num_tickets: i64) -> Result<()> {
        if num_tickets < 0 {
            return Err(Error::value("value must be non-negative"));
        }
        if self.inner.protocol != SSLMethod::PROTOCOL_TLS_SERVER {
            return Err(Error::value("SSLContext is not a server context."));
        }
        self.configure(|b| b.set_num_tickets(num_tickets as usize))
            .map_err(|_| {
                crate::ffi::err::clear_error();
                Error::value("failed to set num tickets.")
            })
    }

    /// `ctx.keylog_filename`: where TLS secrets are logged (NSS key log format), or `None`.
    ///
    /// ```text
    /// Python:  ctx.keylog_filename
    /// Rust:    ctx.keylog_filename()
    /// ```
    pub fn keylog_filename(&self) -> Option<String> {
        let slot = self.inner.keylog.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().map(|k| k.filename.clone())
    }

    /// `ctx.keylog_filename = path`: appends every TLS secret of this context's connections to
    /// the file (for Wireshark); `None` stops. `create_default_context()` sets it from
    /// `SSLKEYLOGFILE`, as CPython does.
    ///
    /// ```text
    /// Python:  ctx.keylog_filename = 'keys.log'
    /// Rust:    ctx.set_keylog_filename(Some("keys.log"))?;
    /// ```
    pub fn set_keylog_filename(&self, filename: Option<&str>) -> Result<()> {
        let opened = filename.map(keylog::open).transpose()?;
        let installed = opened.is_some();
        *self.inner.keylog.lock().unwrap_or_else(|p| p.into_inner()) = opened;
        if installed {
            let slot = self.inner.keylog.clone();
            self.configure(|b| {
                b.set_keylog_callback(move |_, line| keylog::write_line(&slot, line))
            });
        }
        Ok(())
    }

    /// `ctx.cert_store_stats()`: counts of the trust store's certificates, CRLs and CAs.
    ///
    /// ```text
    /// Python:  ctx.cert_store_stats()
    /// Rust:    ctx.cert_store_stats()
    /// ```
    pub fn cert_store_stats(&self) -> CertStoreStats {
        let _guard = self.read();
        let (x509, crl, x509_ca) = crate::ffi::store::cert_store_counts(&self.inner.ctx);
        CertStoreStats { x509, crl, x509_ca }
    }

    /// `ctx.session_stats()`: the session cache's counters.
    ///
    /// ```text
    /// Python:  ctx.session_stats()
    /// Rust:    ctx.session_stats()
    /// ```
    pub fn session_stats(&self) -> SessionStats {
        let _guard = self.read();
        use crate::ffi::store::{self, sess};
        let get = |ctrl| store::session_counter(&self.inner.ctx, ctrl) as i64;
        SessionStats {
            number: get(sess::NUMBER),
            connect: get(sess::CONNECT),
            connect_good: get(sess::CONNECT_GOOD),
            connect_renegotiate: get(sess::CONNECT_RENEGOTIATE),
            accept: get(sess::ACCEPT),
            accept_good: get(sess::ACCEPT_GOOD),
            accept_renegotiate: get(sess::ACCEPT_RENEGOTIATE),
            hits: get(sess::HIT),
            misses: get(sess::MISSES),
            timeouts: get(sess::TIMEOUTS),
            cache_full: get(sess::CACHE_FULL),
        }
    }

    /// `ctx.load_cert_chain(certfile, keyfile=None, password=None)`.
    ///
    /// ```text
    /// Python:  ctx.load_cert_chain('server.crt', 'server.key')
    /// Rust:    ctx.load_cert_chain("server.crt", "server.key")?;
    /// Python:  ctx.load_cert_chain('combined.pem')
    /// Rust:    ctx.load_cert_chain("combined.pem", ssl::LoadCertChain::default())?;
    /// ```
    pub fn load_cert_chain<'a>(
        &self,
        certfile: impl AsRef<Path>,
        kw: impl Into<LoadCertChain<'a>>,
    ) -> Result<()> {
        let kw = kw.into();
        let certfile = certfile.as_ref();
        check_path(certfile)?;
        let keyfile = kw.keyfile.map(Path::new).unwrap_or(certfile);
        check_path(keyfile)?;
        let load = |b: &mut SslContextBuilder| -> Result<()> {
            ffi_ssl::reset_errno();
            if let Err(e) = b.set_certificate_chain_file(certfile) {
                return Err(config_error(&e, ffi_ssl::errno()));
            }
            ffi_ssl::reset_errno();
            if let Err(e) = b.set_private_key_file(keyfile, openssl::ssl::SslFiletype::PEM) {
                return Err(config_error(&e, ffi_ssl::errno()));
            }
            b.check_private_key().map_err(|e| config_error(&e, 0))
        };
        let _guard = self.write();
        ffi_ssl::with_builder(&self.inner.ctx, |b| match kw.password {
            None => load(b),
            Some(password) => {
                let (result, too_long) =
                    ffi_ssl::with_password(&self.inner.ctx, password.as_bytes(), || load(b));
                match too_long {
                    Some(size) => {
                        crate::ffi::err::clear_error();
                        Err(Error::value(format!(
                            "password cannot be longer than {size} bytes"
                        )))
                    }
                    None => result,
                }
            }
        })
    }

    /// `ctx.load_verify_locations(cafile=None, capath=None, cadata=None)`.
    ///
    /// ```text
    /// Python:  context.load_verify_locations('path/to/ca_cert.pem')
    /// Rust:    context.load_verify_locations("path/to/ca_cert.pem")?;
    /// ```
    pub fn load_verify_locations<'a>(&self, kw: impl Into<LoadVerifyLocations<'a>>) -> Result<()> {
        let kw = kw.into();
        if kw.cafile.is_none() && kw.capath.is_none() && kw.cadata.is_none() {
            return Err(Error::type_error(
                "cafile, capath and cadata cannot be all omitted",
            ));
        }
        if let Some(cadata) = kw.cadata {
            let certs = parse_cadata(cadata)?;
            self.configure(|b| -> Result<()> {
                for cert in certs {
                    b.cert_store_mut()
                        .add_cert(cert)
                        .map_err(|e| config_error(&e, 0))?;
                }
                Ok(())
            })?;
        }
        if kw.cafile.is_some() || kw.capath.is_some() {
            let cafile = kw.cafile.map(Path::new);
            let capath = kw.capath.map(Path::new);
            if let Some(p) = cafile {
                check_path(p)?;
            }
            if let Some(p) = capath {
                check_path(p)?;
            }
            self.configure(|b| {
                ffi_ssl::reset_errno();
                b.load_verify_locations(cafile, capath)
                    .map_err(|e| config_error(&e, ffi_ssl::errno()))
            })?;
        }
        Ok(())
    }

    /// `ctx.load_default_certs(purpose=Purpose.SERVER_AUTH)`: the system trust store (honouring
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` as OpenSSL does).
    ///
    /// ```text
    /// Python:  ctx.load_default_certs()
    /// Rust:    ctx.load_default_certs(ssl::Purpose::SERVER_AUTH)?;
    /// ```
    pub fn load_default_certs(&self, _purpose: Purpose) -> Result<()> {
        self.set_default_verify_paths()
    }

    /// `ctx.set_default_verify_paths()`.
    ///
    /// ```text
    /// Python:  ctx.set_default_verify_paths()
    /// Rust:    ctx.set_default_verify_paths()?;
    /// ```
    pub fn set_default_verify_paths(&self) -> Result<()> {
        self.configure(|b| b.set_default_verify_paths())
            .map_err(|e| config_error(&e, 0))
    }
}

/// Option bits whose setting CPython warns about. (`SSL_OP_*` are `c_ulong` before OpenSSL 3.)
#[allow(clippy::unnecessary_cast)]
const NO_VERSION_BITS: u64 = (openssl_sys::SSL_OP_NO_SSLv3
    | openssl_sys::SSL_OP_NO_TLSv1
    | openssl_sys::SSL_OP_NO_TLSv1_1
    | openssl_sys::SSL_OP_NO_TLSv1_2
    | openssl_sys::SSL_OP_NO_TLSv1_3) as u64;

fn openssl_verify_mode(mode: VerifyMode) -> SslVerifyMode {
    match mode {
        VerifyMode::CERT_NONE => SslVerifyMode::NONE,
        VerifyMode::CERT_OPTIONAL => SslVerifyMode::PEER,
        VerifyMode::CERT_REQUIRED => SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT,
    }
}

fn proto_to_version(raw: i32, unlimited: TLSVersion) -> TLSVersion {
    if raw == 0 {
        unlimited
    } else {
        TLSVersion::from_value(raw).unwrap_or(unlimited)
    }
}

/// Paths go to OpenSSL as C strings: a NUL inside is Python's ValueError, not a panic.
fn check_path(p: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    if p.as_os_str().as_bytes().contains(&0) {
        return Err(Error::value("embedded null character"));
    }
    Ok(())
}

/// Parses `cadata` as CPython does: every PEM certificate of a `str`, or back-to-back DER
/// certificates of `bytes`.
fn parse_cadata(cadata: Cadata<'_>) -> Result<Vec<X509>> {
    match cadata {
        Cadata::Pem(text) => {
            if text.is_empty() {
                return Err(Error::value("Empty certificate data"));
            }
            if !text.is_ascii() {
                return Err(Error::type_error(
                    "cadata should be an ASCII string or a bytes-like object",
                ));
            }
            let certs = X509::stack_from_pem(text.as_bytes()).unwrap_or_default();
            crate::ffi::err::clear_error();
            if certs.is_empty() {
                return Err(errors::fixed(
                    "no start line: cadata does not contain a certificate",
                ));
            }
            Ok(certs)
        }
        Cadata::Der(mut bytes) => {
            if bytes.is_empty() {
                return Err(Error::value("Empty certificate data"));
            }
            let mut certs = Vec::new();
            while let Some(len) = der_length(bytes) {
                match X509::from_der(&bytes[..len]) {
                    Ok(c) => certs.push(c),
                    Err(e) if certs.is_empty() => return Err(config_error(&e, 0)),
                    Err(_) => break,
                }
                bytes = &bytes[len..];
            }
            crate::ffi::err::clear_error();
            if certs.is_empty() {
                return Err(errors::fixed(
                    "not enough data: cadata does not contain a certificate",
                ));
            }
            Ok(certs)
        }
    }
}

/// Total length of the DER element (a certificate's outer SEQUENCE) at the start of `b`.
fn der_length(b: &[u8]) -> Option<usize> {
    if b.len() < 2 {
        return None;
    }
    let first = usize::from(b[1]);
    let (header, body) = if first < 0x80 {
        (2, first)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 || b.len() < 2 + n {
            return None;
        }
        let body = b[2..2 + n]
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (2 + n, body)
    };
    let total = header.checked_add(body)?;
    (total <= b.len()).then_some(total)
}
