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

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use openssl::error::ErrorStack;
use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslMethod, SslMode, SslOptions, SslRef, SslVerifyMode,
    SslVersion,
};
use openssl::x509::X509Ref;

mod args;
mod bitmasks;
mod cipher_lists;
mod create;
mod msg;
mod profiles;
mod trust;

pub use args::{
    Cadata, CreateDefaultContext, CreateUnverifiedContext, LoadCertChain, LoadCertChainArg,
    LoadVerifyLocations, LoadVerifyLocationsArg, Password,
};
pub use create::{
    _create_stdlib_context, _create_stdlib_context_with, _create_unverified_context,
    _create_unverified_context_with, create_default_context, create_default_context_with,
};
pub use profiles::MozillaProfile;

use super::alpn;
use super::callback_arg::IntoCallback;
use super::certificates::{CertDict, PeerCertCache};
use super::ciphers::{ciphers_of_ssl, CipherDict};
use super::constants::{Options, SSLMethod, TLSVersion, VerifyMode};
use super::errors;
use super::keylog::{self, KeylogSlot};
use super::msg_callback::MsgCallback;
use super::psk::{self, PskClientCallback, PskServerCallback};
use super::sni::{self, SNICallback};
use super::stats::{CertStoreStats, SessionStats};
use crate::error::{Error, Result, SSLError};
use crate::ffi::dh::DhReadError;
use crate::ffi::ssl as ffi_ssl;
use crate::path_arg::{AsPathArg, OptionalPathArg, PathArgBuf};
use crate::pyrepr::PyRepr;
use crate::warnings;
use cipher_lists::{CipherLists, List};

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
    /// `sni_callback`, read by the servername handler at each handshake.
    sni: RwLock<Option<SNICallback>>,
    /// The ALPN protocols in wire format, read by the server's selection callback.
    alpn: Arc<RwLock<Option<Vec<u8>>>>,
    /// The PSK callbacks (CPython 3.13), read by OpenSSL-level handlers at each handshake.
    psk_client: RwLock<Option<PskClientCallback>>,
    psk_server: RwLock<Option<PskServerCallback>>,
    /// `_msg_callback`, read by the OpenSSL-level message handler.
    msg: RwLock<Option<MsgCallback>>,
    /// Python-side state; the write lock also serialises every mutation of `ctx`.
    state: RwLock<State>,
    /// The last peer certificate `getpeercert()` decoded on this context's connections.
    peer_certs: PeerCertCache,
}

#[derive(Debug)]
struct State {
    check_hostname: bool,
    post_handshake_auth: bool,
    host_flags: u32,
    /// The frozen/late cipher lists that keep connections off a list being freed.
    ciphers: CipherLists,
    /// The OpenSSL-level handlers installed so far (`Handler` bits).
    handlers: u8,
}

/// An OpenSSL-level callback of the context. Each is installed at most once and then reads the
/// context's current Python-level value: installing again would drop the closure OpenSSL holds
/// while a handshake (on another thread, or the very callback that asked) may be running it.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Handler {
    Keylog = 1,
    AlpnSelect = 2,
    Servername = 4,
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
    ///
    /// A client context verifies the server and its host name by default; a server context
    /// asks nothing of its clients:
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// // Python: client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    /// let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// assert_eq!(client.verify_mode(), ssl::CERT_REQUIRED);
    /// assert!(client.check_hostname());
    /// assert_eq!(client.minimum_version(), ssl::TLSVersion::TLSv1_2);
    /// // Python: client.options & ssl.OP_NO_COMPRESSION  (0x82520050 in all on OpenSSL 3)
    /// assert!(client.options().contains(ssl::OP_NO_COMPRESSION | ssl::OP_CIPHER_SERVER_PREFERENCE));
    ///
    /// // Python: server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    /// let server = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// assert_eq!(server.verify_mode(), ssl::CERT_NONE);
    /// assert!(!server.check_hostname());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Python's `ssl.SSLContext()` without a protocol (deprecated since 3.10) is
    /// `SSLContext::new(None)`: `PROTOCOL_TLS`, with CPython's two DeprecationWarnings,
    /// `ssl.SSLContext() without protocol argument is deprecated.` and `ssl.PROTOCOL_TLS is
    /// deprecated` (see [`crate::warnings`]).
    ///
    /// ```text
    /// Python:  ctx = ssl.SSLContext()
    /// Rust:    let ctx = ssl::SSLContext::new(None)?;
    /// ```
    #[track_caller]
    pub fn new(protocol: impl Into<Option<SSLMethod>>) -> Result<SSLContext> {
        let protocol = match protocol.into() {
            Some(protocol) => protocol,
            None => {
                warnings::deprecated("ssl.SSLContext() without protocol argument is deprecated.")?;
                SSLMethod::PROTOCOL_TLS
            }
        };
        SSLContext::with_method(protocol)
    }

    #[track_caller]
    fn with_method(protocol: SSLMethod) -> Result<SSLContext> {
        let method = match protocol {
            SSLMethod::PROTOCOL_TLS => SslMethod::tls(),
            SSLMethod::PROTOCOL_TLS_CLIENT => SslMethod::tls_client(),
            SSLMethod::PROTOCOL_TLS_SERVER => SslMethod::tls_server(),
            SSLMethod::PROTOCOL_TLSv1 => ffi_ssl::version_method(0),
            SSLMethod::PROTOCOL_TLSv1_1 => ffi_ssl::version_method(1),
            SSLMethod::PROTOCOL_TLSv1_2 => ffi_ssl::version_method(2),
        };
        // CPython's DeprecationWarning, attributed to the caller's line (`crate::warnings`).
        match protocol {
            SSLMethod::PROTOCOL_TLS_CLIENT | SSLMethod::PROTOCOL_TLS_SERVER => {}
            deprecated => {
                warnings::deprecated(&format!("ssl.{} is deprecated", deprecated.name()))?
            }
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
            ciphers: CipherLists::default(),
            handlers: 0,
        };
        Ok(SSLContext {
            inner: Arc::new(Inner {
                ctx,
                protocol,
                keylog: KeylogSlot::default(),
                sni: RwLock::new(None),
                alpn: Arc::default(),
                psk_client: RwLock::new(None),
                psk_server: RwLock::new(None),
                msg: RwLock::new(None),
                state: RwLock::new(state),
                peer_certs: PeerCertCache::default(),
            }),
        })
    }

    /// The `getpeercert()` dict of a peer certificate on one of this context's connections
    /// (decoded once for a run of connections that show the same certificate).
    pub(crate) fn decode_peer_certificate(&self, cert: &X509Ref) -> Result<CertDict> {
        self.inner.peer_certs.decode(cert)
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

    /// Runs `install` on the `SSL_CTX` unless `handler` is installed already.
    fn install_once(&self, handler: Handler, install: impl FnOnce(&mut SslContextBuilder)) {
        let mut state = self.write();
        if state.handlers & handler as u8 == 0 {
            state.handlers |= handler as u8;
            ffi_ssl::with_builder(&self.inner.ctx, install);
        }
    }

    /// The underlying `openssl` context, for what Python never had (an escape hatch).
    pub fn as_openssl(&self) -> &SslContext {
        &self.inner.ctx
    }

    /// A new `SSL` for one connection, created under the read lock, with the Python-side flags
    /// it must copy at creation (`check_hostname`, `post_handshake_auth`).
    pub(crate) fn new_ssl(&self) -> Result<(Ssl, bool, bool)> {
        let state = self.read();
        state.ciphers.freeze();
        let ssl = self.ssl_with_late_lists(&state)?;
        Ok((ssl, state.check_hostname, state.post_handshake_auth))
    }

    /// `SSL_new` plus the cipher lists set since the freeze (see `cipher_lists`).
    fn ssl_with_late_lists(&self, state: &State) -> Result<Ssl> {
        let mut ssl = Ssl::new(&self.inner.ctx).map_err(|e| config_error(&e, 0))?;
        if state.ciphers.has_late() {
            state.ciphers.apply(&mut ssl);
        }
        Ok(ssl)
    }

    /// `ssl_sock.context = self` from an SNI callback: `SSL_set_SSL_CTX` under this context's
    /// lock. The connection then reads this context's cipher lists as CPython's does; when it
    /// has a list of its own (from its first context's late lists), or this context has late
    /// lists, it gets a copy of this context's current lists instead.
    pub(crate) fn adopt(&self, ssl: &mut SslRef) -> Result<()> {
        let state = self.read();
        state.ciphers.freeze();
        let had_own = crate::ffi::cipher::cipher_list_identity(ssl)
            != crate::ffi::cipher::ctx_cipher_list_identity(ssl.ssl_context());
        ssl.set_ssl_context(&self.inner.ctx)
            .map_err(|e| config_error(&e, 0))?;
        if !had_own && !state.ciphers.has_late() {
            return Ok(());
        }
        let fresh;
        let current: &SslRef = match state.ciphers.stand_in() {
            Some(stand_in) => stand_in,
            None => {
                fresh = Ssl::new(&self.inner.ctx).map_err(|e| config_error(&e, 0))?;
                &fresh
            }
        };
        cipher_lists::copy_lists(ssl, current).map_err(|e| config_error(&e, 0))
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
    ///
    /// Turning verification off takes two steps, in Python's order:
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{ssl, Error};
    ///
    /// let ctx = ssl::create_default_context()?;
    /// // Python: ctx.verify_mode = ssl.CERT_NONE   # ValueError while check_hostname is on
    /// let err = ctx.set_verify_mode(ssl::CERT_NONE).unwrap_err();
    /// assert_eq!(
    ///     err,
    ///     Error::ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.".into())
    /// );
    /// // Python: ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    /// ctx.set_check_hostname(false);
    /// ctx.set_verify_mode(ssl::CERT_NONE)?;
    /// assert_eq!(ctx.verify_mode(), ssl::CERT_NONE);
    /// # Ok(())
    /// # }
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
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    /// ctx.set_minimum_version(ssl::TLSVersion::TLSv1_3)?;
    /// // Python: print(repr(ctx.minimum_version), repr(ctx.maximum_version))
    /// assert_eq!(ctx.minimum_version().py_repr(), "<TLSVersion.TLSv1_3: 772>");
    /// assert_eq!(ctx.maximum_version().py_repr(), "<TLSVersion.MAXIMUM_SUPPORTED: -1>");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
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
    #[track_caller]
    pub fn set_maximum_version(&self, version: TLSVersion) -> Result<()> {
        self.set_proto_version(version, false)
    }

    #[track_caller]
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
            warnings::deprecated(&format!("ssl.TLSVersion.{version:?} is deprecated"))?;
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
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: ctx.set_ciphers('ECDHE+AESGCM:!ECDSA')
    /// ctx.set_ciphers("ECDHE+AESGCM:!ECDSA")?;
    /// // Python: names = [c['name'] for c in ctx.get_ciphers()]
    /// let names: Vec<String> = ctx.get_ciphers().into_iter().map(|c| c.name).collect();
    /// // TLS 1.3 suites come first (set_ciphers leaves them), then what the string selected.
    /// assert_eq!(names[0], "TLS_AES_256_GCM_SHA384");
    /// // Python: names[-2:]
    /// assert_eq!(
    ///     names[names.len() - 2..],
    ///     ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]
    /// );
    ///
    /// // Python: ctx.set_ciphers('NOPE')  ->  ssl.SSLError: ('No cipher can be selected.',)
    /// let err = ctx.set_ciphers("NOPE").unwrap_err();
    /// assert!(err.is_ssl_error());
    /// assert_eq!(err.to_string(), "('No cipher can be selected.',)");
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ciphers(&self, cipherlist: &str) -> Result<()> {
        self.set_cipher_list(List::Tls12, cipherlist)
    }

    /// Extension (Python's `ssl` has no setter for it): the TLS 1.3 cipher suites, in OpenSSL's
    /// `SSL_CTX_set_ciphersuites` syntax (`TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256`).
    /// `set_ciphers` only governs TLS 1.2 and below.
    ///
    /// ```text
    /// Python:  (no equivalent)
    /// Rust:    ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")?;
    /// ```
    pub fn set_ciphersuites(&self, ciphersuites: &str) -> Result<()> {
        self.set_cipher_list(List::Tls13, ciphersuites)
    }

    /// `set_ciphers`/`set_ciphersuites`: CPython's `ValueError` for a NUL, its one
    /// `SSLError` for whatever OpenSSL refused.
    fn set_cipher_list(&self, which: List, list: &str) -> Result<()> {
        crate::error::check_no_nul_character(list)?;
        let ok = self
            .write()
            .ciphers
            .set(&self.inner.ctx, which, list)
            .map_err(|e| config_error(&e, 0))?;
        if !ok {
            crate::ffi::err::clear_error();
            return Err(Error::SSLError(SSLError::single(
                "No cipher can be selected.",
            )));
        }
        Ok(())
    }

    /// `ctx.get_ciphers()`: the enabled ciphers in priority order (TLS 1.3 suites first), as
    /// CPython's list of dicts.
    ///
    /// ```text
    /// Python:  [c['name'] for c in ctx.get_ciphers()]
    /// Rust:    ctx.get_ciphers().iter().map(|c| c.name.clone()).collect::<Vec<_>>()
    /// ```
    ///
    /// Each entry is a [`CipherDict`] with Python's keys as fields; `py_repr()` prints the dict:
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// ctx.set_ciphers("ECDHE+AESGCM")?;
    /// // Python: c = [c for c in ctx.get_ciphers() if c['protocol'] == 'TLSv1.2'][0]
    /// let c = ctx.get_ciphers().into_iter().find(|c| c.protocol == "TLSv1.2").unwrap();
    /// // Python: print(c['name'], c['protocol'], c['aead'])
    /// assert_eq!((c.name.as_str(), c.protocol.as_str(), c.aead), ("ECDHE-ECDSA-AES256-GCM-SHA384", "TLSv1.2", true));
    /// assert_eq!(c.symmetric.py_repr(), "'aes-256-gcm'");
    /// assert_eq!(c.digest.py_repr(), "None");
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ciphers(&self) -> Vec<CipherDict> {
        let state = self.read();
        if let Some(stand_in) = state.ciphers.stand_in() {
            return ciphers_of_ssl(stand_in);
        }
        // `SSL_new` fails only without memory; the list is then empty (CPython would raise).
        match Ssl::new(&self.inner.ctx) {
            Ok(ssl) => ciphers_of_ssl(&ssl),
            Err(_) => Vec::new(),
        }
    }

    /// `ctx.set_ecdh_curve(name)`: the one elliptic curve for ECDH key exchange (on OpenSSL 3,
    /// CPython sets it as the only group).
    ///
    /// ```text
    /// Python:  ctx.set_ecdh_curve('prime256v1')
    /// Rust:    ctx.set_ecdh_curve("prime256v1")?;
    /// ```
    ///
    /// As CPython, which reads the name with its file-name converter, `name` is a `str`, a
    /// `bytes` or even a path (any [`AsPathArg`]): a NUL in it is `ValueError('embedded null
    /// byte')`, an unknown name `ValueError` with the name's `repr()` (`'nope'`, `b'nope'`).
    pub fn set_ecdh_curve(&self, name: impl AsPathArg) -> Result<()> {
        let name = name.as_path_arg();
        let nid = crate::ffi::obj::sn2nid(&name.c_path()?);
        if nid == 0 {
            return Err(Error::value(format!(
                "unknown elliptic curve name {}",
                name.py_repr()
            )));
        }
        let _guard = self.write();
        if ffi_ssl::ctx_set1_group(&self.inner.ctx, nid) {
            Ok(())
        } else {
            Err(errors::from_queue())
        }
    }

    /// `ctx.load_dh_params(path)`: Diffie-Hellman parameters for `DHE` ciphers, from a PEM file.
    ///
    /// ```text
    /// Python:  ctx.load_dh_params('dhparams.pem')
    /// Rust:    ctx.load_dh_params("dhparams.pem")?;
    /// ```
    ///
    /// As CPython: the file is read by OpenSSL's PEM reader, which stops at the first block (or
    /// at once when there is none: `[PEM: NO_START_LINE] no start line`); a file that cannot be
    /// opened or read is the `OSError` of its errno, whose `filename` is `path` as given
    /// (`'dh.pem'`, `b'dh.pem'`, `PosixPath('dh.pem')`). `path` is any [`AsPathArg`].
    pub fn load_dh_params(&self, path: impl AsPathArg) -> Result<()> {
        let path = path.as_path_arg();
        // `c_path` is also CPython's NUL check ('embedded null byte'), made before the open.
        let os_error = |errno| {
            crate::ffi::err::clear_error();
            Error::OSError(crate::error::OSError::from_errno(errno).with_filename(path))
        };
        let dh = match crate::ffi::dh::read_dh_params(&path.c_path()?) {
            Ok(dh) => dh,
            Err(DhReadError::Open(errno)) => return Err(os_error(errno)),
            Err(DhReadError::Read(0)) => return Err(errors::from_queue()),
            Err(DhReadError::Read(errno)) => return Err(os_error(errno)),
        };
        self.configure(|b| b.set_tmp_dh(&dh))
            .map_err(|e| config_error(&e, 0))
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
    pub fn keylog_filename(&self) -> Option<PathArgBuf> {
        let slot = self.inner.keylog.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().map(|k| k.filename.clone())
    }

    /// `ctx.keylog_filename = path`: appends every TLS secret of this context's connections to
    /// the file (for Wireshark); `None` stops. `create_default_context()` sets it from
    /// `SSLKEYLOGFILE`, as CPython does.
    ///
    /// ```text
    /// Python:  ctx.keylog_filename = 'keys.log'
    /// Rust:    ctx.set_keylog_filename("keys.log")?;
    /// Python:  ctx.keylog_filename = None
    /// Rust:    ctx.set_keylog_filename(None)?;
    /// ```
    ///
    /// `filename` is a path in any form Python takes (`str`, `bytes`, a path: any
    /// [`AsPathArg`]), or `None`; `keylog_filename()` then returns it in that form.
    /// As CPython: the previous file is closed first, so a file that cannot be opened leaves
    /// `keylog_filename` at `None`; a file that cannot be written (`/dev/full`) is accepted and
    /// its failing writes are ignored.
    pub fn set_keylog_filename(&self, filename: impl OptionalPathArg) -> Result<()> {
        *self.inner.keylog.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let opened = filename.optional_path_arg().map(keylog::open).transpose()?;
        let installed = opened.is_some();
        *self.inner.keylog.lock().unwrap_or_else(|p| p.into_inner()) = opened;
        if installed {
            let slot = self.inner.keylog.clone();
            self.install_once(Handler::Keylog, |b| {
                b.set_keylog_callback(move |_, line| keylog::write_line(&slot, line))
            });
        }
        Ok(())
    }

    /// `ctx.set_alpn_protocols(protocols)`: the protocols to offer (client) or accept, in order
    /// of preference (server: its own order wins; no overlap means no ALPN, not a failure).
    ///
    /// ```text
    /// Python:  ctx.set_alpn_protocols(['h2', 'http/1.1'])
    /// Rust:    ctx.set_alpn_protocols(&["h2", "http/1.1"])?;
    /// ```
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{socket, ssl};
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// let (sock, server_sock) = socket::socketpair()?;
    ///
    /// // Python: server_ctx.set_alpn_protocols(['http/1.1'])     # this server has no HTTP/2
    /// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
    /// server_ctx.set_alpn_protocols(&["http/1.1"])?;
    /// let server = std::thread::spawn(move || -> pyssl::Result<Option<String>> {
    ///     let conn = server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })?;
    ///     conn.selected_alpn_protocol()
    /// });
    ///
    /// // Python: ctx.set_alpn_protocols(['h2', 'http/1.1'])
    /// let ca = format!("{fixtures}/ca.pem");
    /// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
    /// ctx.set_alpn_protocols(&["h2", "http/1.1"])?;
    /// let ssock = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
    /// // Python: ssock.selected_alpn_protocol()  ->  'http/1.1'
    /// assert_eq!(ssock.selected_alpn_protocol()?.as_deref(), Some("http/1.1"));
    /// assert_eq!(server.join().unwrap()?.as_deref(), Some("http/1.1"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_alpn_protocols(&self, alpn_protocols: &[&str]) -> Result<()> {
        let wire = alpn::wire_format(alpn_protocols)?;
        *self.inner.alpn.write().unwrap_or_else(|p| p.into_inner()) = Some(wire.clone());
        // Cannot fail for a well-formed list other than by lack of memory, as in CPython.
        self.configure(|b| drop(b.set_alpn_protos(&wire)));
        let shared = self.inner.alpn.clone();
        self.install_once(Handler::AlpnSelect, |b| {
            b.set_alpn_select_callback(move |_, client| alpn::select(&shared, client))
        });
        crate::ffi::err::clear_error();
        Ok(())
    }

    /// `ctx.set_psk_client_callback(callback)` (CPython 3.13): the client's pre-shared key for
    /// the server's identity hint; `None` removes it. Not on `PROTOCOL_TLS_SERVER` contexts.
    ///
    /// ```text
    /// Python:  ctx.set_psk_client_callback(lambda hint: ('id', key))
    /// Rust:    ctx.set_psk_client_callback(move |_: Option<&str>| Ok((Some("id".into()), key.clone())))?;
    /// Python:  ctx.set_psk_client_callback(None)
    /// Rust:    ctx.set_psk_client_callback(None)?;
    /// ```
    ///
    /// `callback` is any [`IntoCallback`]: a closure (parameter types written out), a `fn`, or
    /// `None`.
    pub fn set_psk_client_callback(
        &self,
        callback: impl IntoCallback<PskClientCallback>,
    ) -> Result<()> {
        if self.inner.protocol == SSLMethod::PROTOCOL_TLS_SERVER {
            return Err(errors::fixed(
                "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context",
            ));
        }
        psk_supported()?;
        let callback = callback.into_callback();
        let install = callback.is_some();
        // The replaced callback is dropped after the lock is released: its `Drop` is user code.
        let _replaced = std::mem::replace(
            &mut *self
                .inner
                .psk_client
                .write()
                .unwrap_or_else(|p| p.into_inner()),
            callback,
        );
        // As CPython: the C callback while there is a callable, NULL after `None`.
        #[cfg(not(osslconf = "OPENSSL_NO_PSK"))]
        {
            let _guard = self.write();
            crate::ffi::psk::set_client_callback::<psk::Handlers>(&self.inner.ctx, install);
        }
        Ok(())
    }

    /// `ctx.set_psk_server_callback(callback, identity_hint=None)` (CPython 3.13): the server's
    /// key for a client identity; `None` removes it. Not on `PROTOCOL_TLS_CLIENT` contexts.
    ///
    /// ```text
    /// Python:  ctx.set_psk_server_callback(lambda identity: key, 'hint')
    /// Rust:    ctx.set_psk_server_callback(move |_: Option<&str>| Ok(key.clone()), Some("hint"))?;
    /// Python:  ctx.set_psk_server_callback(None)
    /// Rust:    ctx.set_psk_server_callback(None, None)?;
    /// ```
    ///
    /// `callback` is any [`IntoCallback`]: a closure (parameter types written out), a `fn`, or
    /// `None`.
    pub fn set_psk_server_callback(
        &self,
        callback: impl IntoCallback<PskServerCallback>,
        identity_hint: Option<&str>,
    ) -> Result<()> {
        if self.inner.protocol == SSLMethod::PROTOCOL_TLS_CLIENT {
            return Err(errors::fixed(
                "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context",
            ));
        }
        psk_supported()?;
        if let Some(hint) = identity_hint {
            crate::error::check_no_nul_character(hint)?;
        }
        let _guard = self.write();
        if !crate::ffi::ssl::ctx_use_psk_identity_hint(&self.inner.ctx, identity_hint) {
            crate::ffi::err::clear_error();
            return Err(Error::value("failed to set identity hint"));
        }
        drop(_guard);
        let callback = callback.into_callback();
        let install = callback.is_some();
        // The replaced callback is dropped after the lock is released: its `Drop` is user code.
        let _replaced = std::mem::replace(
            &mut *self
                .inner
                .psk_server
                .write()
                .unwrap_or_else(|p| p.into_inner()),
            callback,
        );
        #[cfg(not(osslconf = "OPENSSL_NO_PSK"))]
        {
            let _guard = self.write();
            crate::ffi::psk::set_server_callback::<psk::Handlers>(&self.inner.ctx, install);
        }
        Ok(())
    }

    /// The PSK client callback, for the OpenSSL-level handler.
    pub(crate) fn psk_client_callback(&self) -> Option<PskClientCallback> {
        self.inner
            .psk_client
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The PSK server callback, for the OpenSSL-level handler.
    pub(crate) fn psk_server_callback(&self) -> Option<PskServerCallback> {
        self.inner
            .psk_server
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `ctx.sni_callback`: the server's Server Name Indication callback, if set.
    ///
    /// ```text
    /// Python:  ctx.sni_callback is None
    /// Rust:    ctx.sni_callback().is_none()
    /// ```
    pub fn sni_callback(&self) -> Option<SNICallback> {
        self.inner
            .sni
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `ctx.sni_callback = callback`: called on the server during each handshake as
    /// `callback(connection, server_name, context)` with the name the client sent (`None` for no
    /// name or an IP address). It may switch the connection to another context
    /// ([`SNIConnection::set_context`](crate::ssl::SNIConnection::set_context)) and returns
    /// `Ok(None)` to go on, `Ok(Some(alert))` to refuse with that alert; an `Err` (or a panic) fails the handshake with
    /// `HANDSHAKE_FAILURE`, as a Python exception would. It runs with no pyssl lock held, so it
    /// may read or change this context, the connection's, or remove itself, as in Python. Not
    /// allowed on `PROTOCOL_TLS_CLIENT` contexts.
    ///
    /// ```text
    /// Python:  ctx.sni_callback = pick
    /// Rust:    ctx.set_sni_callback(pick)?;
    /// Python:  ctx.sni_callback = lambda sock, name, ctx: None
    /// Rust:    ctx.set_sni_callback(|_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| Ok(None))?;
    /// Python:  ctx.sni_callback = None
    /// Rust:    ctx.set_sni_callback(None)?;
    /// ```
    ///
    /// `callback` is any [`IntoCallback`]: a `fn` item, a closure (parameter types written
    /// out), `None`, or `Some` of a shared [`SNICallback`] (such as another context's
    /// [`sni_callback`](SSLContext::sni_callback)).
    pub fn set_sni_callback(&self, callback: impl IntoCallback<SNICallback>) -> Result<()> {
        self.install_sni_callback(callback.into_callback())
    }

    /// `ctx.set_servername_callback(callback)`: the older spelling of `sni_callback`.
    ///
    /// ```text
    /// Python:  ctx.set_servername_callback(cb)
    /// Rust:    ctx.set_servername_callback(cb)?;
    /// Python:  ctx.set_servername_callback(None)
    /// Rust:    ctx.set_servername_callback(None)?;
    /// ```
    pub fn set_servername_callback(&self, callback: impl IntoCallback<SNICallback>) -> Result<()> {
        self.set_sni_callback(callback)
    }

    fn install_sni_callback(&self, callback: Option<SNICallback>) -> Result<()> {
        if self.inner.protocol == SSLMethod::PROTOCOL_TLS_CLIENT {
            return Err(sni::client_context_error());
        }
        let install = callback.is_some();
        // The replaced callback is dropped after the lock is released: its `Drop` is user code.
        let _replaced = std::mem::replace(
            &mut *self.inner.sni.write().unwrap_or_else(|p| p.into_inner()),
            callback,
        );
        if install {
            let weak = Arc::downgrade(&self.inner);
            let lookup = move || {
                let inner = weak.upgrade()?;
                let cb = inner
                    .sni
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()?;
                Some((SSLContext { inner }, cb))
            };
            self.install_once(Handler::Servername, |b| {
                b.set_servername_callback(sni::servername_handler(lookup))
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
}

/// CPython's answer where OpenSSL was built without PSK.
fn psk_supported() -> Result<()> {
    if cfg!(osslconf = "OPENSSL_NO_PSK") {
        return Err(Error::NotImplementedError(
            "TLS-PSK is not supported by your OpenSSL version.".into(),
        ));
    }
    Ok(())
}

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
