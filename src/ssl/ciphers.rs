//! Cipher information: the dicts of `SSLContext.get_ciphers()` and the tuples of
//! `SSLSocket.cipher()` / `SSLSocket.shared_ciphers()`, read from OpenSSL exactly as CPython's
//! `_ssl` reads them.
//!
//! ```text
//! Python:  for c in ctx.get_ciphers(): print(c['name'], c['protocol'])
//! Rust:    for c in ctx.get_ciphers()? { println!("{} {}", c.name, c.protocol); }
//! ```
// `crate::Error` is large by design (it carries everything Python's exceptions carry).
#![allow(clippy::result_large_err)]

use std::fmt;

use openssl::ssl::{
    Ssl, SslCipherRef, SslContext, SslContextBuilder, SslContextRef, SslMethod, SslMode,
    SslOptions, SslRef, SslVersion,
};

use crate::error::{Error, Result, SSLError};
use crate::ffi::cipher as ffi;
use crate::pyrepr::{dict_repr, PyRepr};

/// One entry of Python's `SSLContext.get_ciphers()`: a `dict` with these keys, in this order.
///
/// ```text
/// Python:  c = ctx.get_ciphers()[0]; print(c['name'], c['strength_bits']); print(c)
/// Rust:    let c = &ctx.get_ciphers()?[0]; println!("{} {}", c.name, c.strength_bits); println!("{c}");
/// ```
///
/// `Display` and [`PyRepr::py_repr`] both give Python's `repr()` of the dict (what `print(c)`
/// shows), for example
/// `{'id': 50336514, 'name': 'TLS_AES_256_GCM_SHA384', 'protocol': 'TLSv1.3', ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CipherDict {
    /// `c['id']`: `SSL_CIPHER_get_id` (e.g. `50336514` = `0x03001302`).
    pub id: u32,
    /// `c['name']`: OpenSSL's name, e.g. `'ECDHE-RSA-AES128-GCM-SHA256'`.
    pub name: String,
    /// `c['protocol']`: the cipher's minimum protocol (`SSL_CIPHER_get_version`), e.g. `'TLSv1.2'`.
    pub protocol: String,
    /// `c['description']`: `SSL_CIPHER_description` without its trailing newline.
    pub description: String,
    /// `c['strength_bits']`: secret bits.
    pub strength_bits: i32,
    /// `c['alg_bits']`: bits of the algorithm.
    pub alg_bits: i32,
    /// `c['aead']`: whether the cipher is AEAD.
    pub aead: bool,
    /// `c['symmetric']`: cipher long name such as `'aes-256-gcm'`, or `None`.
    pub symmetric: Option<String>,
    /// `c['digest']`: MAC digest long name such as `'sha384'`, or `None` (AEAD).
    pub digest: Option<String>,
    /// `c['kea']`: key exchange such as `'kx-ecdhe'`, `'kx-any'`, or `None`.
    pub kea: Option<String>,
    /// `c['auth']`: authentication such as `'auth-rsa'`, `'auth-any'`, or `None`.
    pub auth: Option<String>,
}

impl PyRepr for CipherDict {
    /// Python's `repr()` of the `get_ciphers()` dict, keys in CPython's order.
    fn py_repr(&self) -> String {
        dict_repr(&[
            ("id", self.id.py_repr()),
            ("name", self.name.py_repr()),
            ("protocol", self.protocol.py_repr()),
            ("description", self.description.py_repr()),
            ("strength_bits", self.strength_bits.py_repr()),
            ("alg_bits", self.alg_bits.py_repr()),
            ("aead", self.aead.py_repr()),
            ("symmetric", self.symmetric.py_repr()),
            ("digest", self.digest.py_repr()),
            ("kea", self.kea.py_repr()),
            ("auth", self.auth.py_repr()),
        ])
    }
}

impl fmt::Display for CipherDict {
    /// Same as Python's `str(d)` = `repr(d)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// CPython's `cipher_to_dict`.
fn cipher_to_dict(cipher: &SslCipherRef) -> CipherDict {
    let f = ffi::cipher_facts(cipher);
    CipherDict {
        // Cipher ids are 0x0300XXXX (two-byte TLS ids) or 0x02XXXXXX (SSLv2): always 32-bit.
        id: f.id as u32,
        name: f.name,
        protocol: f.version,
        description: f.description,
        strength_bits: f.strength_bits,
        alg_bits: f.alg_bits,
        aead: f.aead,
        symmetric: f.symmetric,
        digest: f.digest,
        kea: f.kea,
        auth: f.auth,
    }
}

/// `ctx.get_ciphers()`: as CPython, builds a throw-away `SSL` from the context and reports
/// `SSL_get_ciphers` of it, one dict per cipher, TLS 1.3 suites first.
///
/// `SSL_new` fails only when memory runs out; the list is then empty (CPython would raise).
pub(crate) fn ciphers_of(ctx: &SslContextRef) -> Vec<CipherDict> {
    match Ssl::new(ctx) {
        Ok(ssl) => ffi::ssl_ciphers(&ssl)
            .unwrap_or_default()
            .into_iter()
            .map(cipher_to_dict)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// CPython's `cipher_to_tuple`: `(name, SSL_CIPHER_get_version, secret_bits)`, the value of
/// `SSLSocket.cipher()`, e.g. `('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)`.
pub(crate) fn cipher_tuple(c: &SslCipherRef) -> (String, String, i32) {
    (
        c.name().to_string(),
        c.version().to_string(),
        c.bits().secret,
    )
}

/// `ssock.shared_ciphers()`: on a server after the ClientHello, the ciphers of the server's list
/// (server order) that the client offered, as [`cipher_tuple`]s; `None` on a client or before the
/// ClientHello.
pub(crate) fn shared_ciphers(ssl: &SslRef) -> Option<Vec<(String, String, i32)>> {
    ffi::shared_ciphers(ssl).map(|list| list.into_iter().map(cipher_tuple).collect())
}

/// The cipher string CPython builds its contexts with (`--with-ssl-default-suites=python`).
const PY_SSL_DEFAULT_CIPHER_STRING: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

/// A context builder set up as CPython's `_SSLContext(protocol)` constructor does for everything
/// that bears on ciphers (method, options, cipher string, minimum version).
fn default_builder(method: SslMethod) -> Result<SslContextBuilder> {
    let fail = |_| Error::from(SSLError::single("No cipher can be selected."));
    let mut b = SslContextBuilder::new(method).map_err(fail)?;
    b.set_options(
        (SslOptions::ALL & !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS)
            | SslOptions::NO_SSLV2
            | SslOptions::NO_SSLV3
            | SslOptions::NO_COMPRESSION
            | SslOptions::CIPHER_SERVER_PREFERENCE
            | SslOptions::SINGLE_DH_USE
            | SslOptions::SINGLE_ECDH_USE,
    );
    b.set_cipher_list(PY_SSL_DEFAULT_CIPHER_STRING)
        .map_err(fail)?;
    b.set_min_proto_version(Some(SslVersion::TLS1_2))
        .map_err(fail)?;
    b.set_mode(SslMode::RELEASE_BUFFERS);
    Ok(b)
}

/// `_SSLContext(PROTOCOL_TLS_CLIENT)` as far as ciphers go.
fn default_client_context() -> Result<SslContext> {
    Ok(default_builder(SslMethod::tls_client())?.build())
}

/// CPython's `SSLContext.set_ciphers` on a context this module owns exclusively.
fn set_ciphers(ctx: &SslContext, cipher_string: &str) -> Result<()> {
    if cipher_string.contains('\0') {
        return Err(Error::ValueError("embedded null character".to_string()));
    }
    crate::ffi::ssl::with_builder(ctx, |b| b.set_cipher_list(cipher_string))
        .map_err(|_| SSLError::single("No cipher can be selected.").into())
}

/// Test hook: a fresh CPython-default client context, then `ctx.set_ciphers(cipher_string)`,
/// then `ctx.get_ciphers()`.
///
/// ```text
/// Python:  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.set_ciphers(s); ctx.get_ciphers()
/// Rust:    ssl::_ciphers_for_cipher_string(s)?
/// ```
#[doc(hidden)]
pub fn _ciphers_for_cipher_string(cipher_string: &str) -> Result<Vec<CipherDict>> {
    let ctx = default_client_context()?;
    set_ciphers(&ctx, cipher_string)?;
    Ok(ciphers_of(&ctx))
}

/// Test hook: on one CPython-default client context, for each string in turn
/// `ctx.set_ciphers(s)` (its error, if any) and then `ctx.get_ciphers()`. Shows what a failing
/// `set_ciphers` leaves behind: on OpenSSL 3.0 not the previous list but only the TLS 1.3 suites
/// (`SSL_CTX_set_cipher_list` installs the new list before it rejects it), as in CPython.
///
/// ```text
/// Python:  ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
///          for s in strings:
///              try: ctx.set_ciphers(s); err = None
///              except ssl.SSLError as e: err = e
///              out.append((err, ctx.get_ciphers()))
/// Rust:    let out = ssl::_ciphers_after_each(&strings)?;
/// ```
#[doc(hidden)]
pub fn _ciphers_after_each(strings: &[&str]) -> Result<Vec<(Option<Error>, Vec<CipherDict>)>> {
    let ctx = default_client_context()?;
    Ok(strings
        .iter()
        .map(|s| {
            let err = set_ciphers(&ctx, s).err();
            (err, ciphers_of(&ctx))
        })
        .collect())
}

/// What [`_loopback_cipher_info`] observed on both ends of one handshake.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct _LoopbackCiphers {
    /// Server `shared_ciphers()` before the handshake.
    pub server_shared_before: Option<Vec<(String, String, i32)>>,
    /// Client `cipher()` after the handshake.
    pub client_cipher: Option<(String, String, i32)>,
    /// Server `cipher()` after the handshake.
    pub server_cipher: Option<(String, String, i32)>,
    /// Client `shared_ciphers()` after the handshake.
    pub client_shared: Option<Vec<(String, String, i32)>>,
    /// Server `shared_ciphers()` after the handshake.
    pub server_shared: Option<Vec<(String, String, i32)>>,
}

/// Test hook: one handshake over a socket pair between a CPython-default server context (with
/// `certfile`/`keyfile`, `set_ciphers(server_ciphers)`) and a non-verifying CPython-default
/// client context (`set_ciphers(client_ciphers)`, `maximum_version = TLSv1_2` if `tls12`),
/// reporting `cipher()` and `shared_ciphers()` on both ends.
///
/// ```text
/// Python:  s = sctx.wrap_socket(a, server_side=True); c = cctx.wrap_socket(b)  # handshake
///          (c.cipher(), s.cipher(), c.shared_ciphers(), s.shared_ciphers())
/// Rust:    let seen = ssl::_loopback_cipher_info(cert, key, sc, cc, tls12)?;
/// ```
#[doc(hidden)]
pub fn _loopback_cipher_info(
    certfile: &str,
    keyfile: &str,
    server_ciphers: &str,
    client_ciphers: &str,
    tls12: bool,
) -> Result<_LoopbackCiphers> {
    use openssl::ssl::{SslFiletype, SslVerifyMode};
    use std::os::unix::net::UnixStream;

    let setup = |_| Error::from(SSLError::single("loopback setup failed"));
    let mut sb = default_builder(SslMethod::tls_server())?;
    sb.set_certificate_chain_file(certfile).map_err(setup)?;
    sb.set_private_key_file(keyfile, SslFiletype::PEM)
        .map_err(setup)?;
    let sctx = sb.build();
    set_ciphers(&sctx, server_ciphers)?;
    let mut cb = default_builder(SslMethod::tls_client())?;
    cb.set_verify(SslVerifyMode::NONE);
    if tls12 {
        cb.set_max_proto_version(Some(SslVersion::TLS1_2))
            .map_err(setup)?;
    }
    let cctx = cb.build();
    set_ciphers(&cctx, client_ciphers)?;

    let (a, b) = UnixStream::pair().map_err(Error::from)?;
    let server_ssl = Ssl::new(&sctx).map_err(setup)?;
    let server_shared_before = shared_ciphers(&server_ssl);
    let server = std::thread::spawn(move || {
        let stream = server_ssl.accept(a).map_err(|e| e.to_string())?;
        let ssl = stream.ssl();
        Ok::<_, String>((ssl.current_cipher().map(cipher_tuple), shared_ciphers(ssl)))
    });
    let client = Ssl::new(&cctx).map_err(setup)?.connect(b);
    let server = server
        .join()
        .map_err(|_| SSLError::single("loopback server panicked"))?;
    let client = client.map_err(|e| SSLError::single(format!("loopback client: {e}")))?;
    let (server_cipher, server_shared) =
        server.map_err(|e| SSLError::single(format!("loopback server: {e}")))?;
    let ssl = client.ssl();
    Ok(_LoopbackCiphers {
        server_shared_before,
        client_cipher: ssl.current_cipher().map(cipher_tuple),
        server_cipher,
        client_shared: shared_ciphers(ssl),
        server_shared,
    })
}
