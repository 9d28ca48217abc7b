//! `ssl.SSLObject`: TLS without I/O. OpenSSL reads the peer's bytes from an incoming
//! [`MemoryBIO`] and writes its own to an outgoing one; the caller moves them (event loops,
//! custom transports). Every operation is non-blocking: when OpenSSL needs more input it raises
//! `SSLWantReadError` after queueing what it has to send.
//!
//! ```text
//! Python:  sslobj = ctx.wrap_bio(incoming, outgoing, server_hostname='example.com')
//! Rust:    let mut sslobj = ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio { server_hostname: Some("example.com"), ..Default::default() })?;
//! ```

use openssl::ssl::Ssl;

use super::bio::MemoryBIO;
use super::certificates::PeerCert;
use super::connection::{self, NoWait};
use super::context::SSLContext;
use super::idna;
use super::kw_values::{pick_str_or_bytes, KwValues};
use super::session::SSLSession;
use super::sni;
use super::sslsocket::WrapSocket;
use super::sslsocket::{_SSLSocket, chain};
use crate::error::{Error, Result};
use crate::ffi::bio as ffi_bio;
use crate::ffi::outbuf::{self, OutBuf};
use crate::path_arg::StrOrBytes;

/// Keyword arguments of `SSLContext.wrap_bio(incoming, outgoing, server_side=False,
/// server_hostname=None)`.
///
/// ```text
/// Python:  ctx.wrap_bio(incoming, outgoing, server_side=True)
/// Rust:    ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio { server_side: true, ..Default::default() })?;
/// Python:  ctx.wrap_bio(incoming, outgoing, server_hostname=b'example.com')
/// Rust:    ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio::default().server_hostname(b"example.com"))?;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct WrapBio<'a> {
    /// `server_side`.
    pub server_side: bool,
    /// `server_hostname`: SNI and, with `check_hostname`, the name to verify. (As `bytes`:
    /// [`WrapBio::server_hostname`].)
    pub server_hostname: Option<&'a str>,
    /// `session`: a session of an earlier connection to resume (clients only).
    pub session: Option<&'a SSLSession>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

impl<'a> WrapBio<'a> {
    /// `server_hostname=` as Python's `str` or `bytes` ([`StrOrBytes`]), as for
    /// [`WrapSocket::server_hostname`].
    ///
    /// ```text
    /// Python:  ctx.wrap_bio(incoming, outgoing, server_hostname=b'localhost')
    /// Rust:    ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio::default().server_hostname(b"localhost"))?;
    /// ```
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// let bio = || ssl::MemoryBIO::new();
    /// // Python: ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname=b'LocalHost').server_hostname
    /// let obj = ctx.wrap_bio(&bio()?, &bio()?, ssl::WrapBio::default().server_hostname(b"LocalHost"))?;
    /// assert_eq!(obj.server_hostname(), Some("LocalHost"));
    /// // Python: ... server_hostname=b'k\xf6nig')  ->  UnicodeDecodeError
    /// let err = ctx.wrap_bio(&bio()?, &bio()?, ssl::WrapBio::default().server_hostname(b"k\xf6nig")).unwrap_err();
    /// assert_eq!(err.to_string(), "'ascii' codec can't decode byte 0xf6 in position 1: ordinal not in range(128)");
    /// # Ok(())
    /// # }
    /// ```
    pub fn server_hostname(mut self, server_hostname: impl Into<StrOrBytes<'a>>) -> Self {
        self.server_hostname = None;
        self._set_by_methods.server_hostname = Some(server_hostname.into());
        self
    }

    /// The `server_hostname` Python would see.
    pub(crate) fn server_hostname_arg(&self) -> Option<StrOrBytes<'a>> {
        pick_str_or_bytes(self.server_hostname, self._set_by_methods.server_hostname)
    }
}

impl<'a> From<WrapBio<'a>> for WrapSocket<'a> {
    /// The same keywords for `wrap_socket`: Python code that builds one set of keyword
    /// arguments for both calls (`ctx.wrap_socket(sock, **kwargs)` and
    /// `ctx.wrap_bio(incoming, outgoing, **kwargs)`) builds a `WrapBio` and converts it; the
    /// two keywords only `wrap_socket` has keep their defaults.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{socket, ssl};
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: kwargs = dict(server_hostname='localhost')
    /// let kwargs = ssl::WrapBio { server_hostname: Some("localhost"), ..Default::default() };
    /// // Python: sslobj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kwargs)
    /// let sslobj = ctx.wrap_bio(&ssl::MemoryBIO::new()?, &ssl::MemoryBIO::new()?, kwargs)?;
    /// // Python: ssock = ctx.wrap_socket(socket.socket(), **kwargs)
    /// let ssock = ctx.wrap_socket(socket::socket(socket::AF_INET, socket::SOCK_STREAM)?, kwargs.into())?;
    /// assert_eq!(sslobj.server_hostname(), ssock.server_hostname());
    /// # Ok(())
    /// # }
    /// ```
    fn from(kw: WrapBio<'a>) -> WrapSocket<'a> {
        WrapSocket {
            server_side: kw.server_side,
            server_hostname: kw.server_hostname,
            session: kw.session,
            _set_by_methods: kw._set_by_methods,
            ..Default::default()
        }
    }
}

impl<'a> TryFrom<WrapSocket<'a>> for WrapBio<'a> {
    type Error = Error;

    /// The keywords of a `wrap_socket` call for `wrap_bio`, which has no
    /// `do_handshake_on_connect` and no `suppress_ragged_eofs`: either one away from its
    /// default is Python's `TypeError` for the unexpected keyword (a keyword that only repeats
    /// its default cannot be told apart in Rust, and passes).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// let (incoming, outgoing) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
    /// // Python: kwargs = dict(server_hostname='localhost')
    /// //         ctx.wrap_bio(incoming, outgoing, **kwargs)
    /// let kwargs = ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() };
    /// ctx.wrap_bio(&incoming, &outgoing, kwargs.try_into()?)?;
    /// // Python: kwargs = dict(server_hostname='localhost', suppress_ragged_eofs=False)
    /// //         ctx.wrap_bio(incoming, outgoing, **kwargs)   # TypeError
    /// let kwargs = ssl::WrapSocket { suppress_ragged_eofs: false, ..kwargs };
    /// let err = ssl::WrapBio::try_from(kwargs).unwrap_err();
    /// assert_eq!(err.to_string(), "SSLContext.wrap_bio() got an unexpected keyword argument 'suppress_ragged_eofs'");
    /// # Ok(())
    /// # }
    /// ```
    fn try_from(kw: WrapSocket<'a>) -> Result<WrapBio<'a>> {
        let defaults = WrapSocket::default();
        for (name, given, default) in [
            (
                "do_handshake_on_connect",
                kw.do_handshake_on_connect,
                defaults.do_handshake_on_connect,
            ),
            (
                "suppress_ragged_eofs",
                kw.suppress_ragged_eofs,
                defaults.suppress_ragged_eofs,
            ),
        ] {
            if given != default {
                return Err(Error::type_error(format!(
                    "SSLContext.wrap_bio() got an unexpected keyword argument '{name}'"
                )));
            }
        }
        Ok(WrapBio {
            server_side: kw.server_side,
            server_hostname: kw.server_hostname,
            session: kw.session,
            _set_by_methods: kw._set_by_methods,
        })
    }
}

/// `ssl.SSLObject`: a TLS connection over two [`MemoryBIO`]s. Created by
/// [`SSLContext::wrap_bio`]; there is no public constructor, as in Python.
///
/// A complete handshake between a client and a server `SSLObject`, with no sockets: whatever
/// one side writes to its `outgoing` buffer is handed to the other's `incoming`, as an event
/// loop would do with the network.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::{ssl, Error};
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
///
/// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
/// let ca = format!("{fixtures}/ca.pem");
/// let client_ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
///
/// // Python: c_in, c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
/// //         client = client_ctx.wrap_bio(c_in, c_out, server_hostname='localhost')
/// let (c_in, c_out) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
/// let mut client = client_ctx.wrap_bio(&c_in, &c_out, ssl::WrapBio { server_hostname: Some("localhost"), ..Default::default() })?;
/// // Python: server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
/// let (s_in, s_out) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
/// let mut server = server_ctx.wrap_bio(&s_in, &s_out, ssl::WrapBio { server_side: true, ..Default::default() })?;
///
/// // Python: try: obj.do_handshake(); return True
/// //         except ssl.SSLWantReadError: return False
/// fn step(obj: &mut ssl::SSLObject) -> Result<bool, Error> {
///     match obj.do_handshake() {
///         Ok(()) => Ok(true),
///         Err(e) if e.is_want_read() => Ok(false),
///         Err(e) => Err(e),
///     }
/// }
/// let (mut client_done, mut server_done) = (false, false);
/// while !(client_done && server_done) {
///     client_done = step(&mut client)?;
///     s_in.write(&c_out.read(-1)?)?; // Python: s_in.write(c_out.read())
///     server_done = step(&mut server)?;
///     c_in.write(&s_out.read(-1)?)?;
/// }
/// assert_eq!(client.version().as_deref(), Some("TLSv1.3"));
///
/// // Python: client.write(b'hello'); s_in.write(c_out.read()); server.read()
/// client.write(b"hello")?;
/// s_in.write(&c_out.read(-1)?)?;
/// assert_eq!(server.read(1024)?, b"hello");
/// // Nothing more has arrived: Python's SSLWantReadError.
/// assert!(server.read(1024).unwrap_err().is_want_read());
/// # Ok(())
/// # }
/// ```
pub struct SSLObject {
    ssl: Ssl,
    incoming: MemoryBIO,
    outgoing: MemoryBIO,
    context: SSLContext,
    server_side: bool,
    server_hostname: Option<String>,
}

impl std::fmt::Debug for SSLObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<ssl.SSLObject object at {:p}>",
            self as *const SSLObject
        )
    }
}

impl Drop for SSLObject {
    fn drop(&mut self) {
        connection::release(&mut self.ssl);
    }
}

impl SSLContext {
    /// `ctx.wrap_bio(incoming, outgoing, server_side=False, server_hostname=None)`: an
    /// [`SSLObject`] over the two buffers. Unlike `wrap_socket`, a missing `server_hostname` on a
    /// `check_hostname` context is not an error (no name is then checked), as in CPython.
    ///
    /// ```text
    /// Python:  sslobj = ctx.wrap_bio(incoming, outgoing, server_hostname='localhost')
    /// Rust:    let mut sslobj = ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio { server_hostname: Some("localhost"), ..Default::default() })?;
    /// ```
    pub fn wrap_bio(
        &self,
        incoming: &MemoryBIO,
        outgoing: &MemoryBIO,
        kw: WrapBio<'_>,
    ) -> Result<SSLObject> {
        // Unlike `wrap_socket`, CPython's `SSLObject._create` lets a server side have a name.
        let server_hostname = kw
            .server_hostname_arg()
            .map(idna::encode_hostname_arg)
            .transpose()?;
        let ssl = connection::new_ssl(self, kw.server_side, server_hostname.as_deref(), |ssl| {
            let rbio = incoming.lock();
            if incoming.same_as(outgoing) {
                ffi_bio::attach(ssl, &rbio, &rbio);
            } else {
                ffi_bio::attach(ssl, &rbio, &outgoing.lock());
            }
            Ok(())
        })?;
        let mut ssl = ssl;
        if let Some(session) = kw.session {
            session.install(&mut ssl, self, kw.server_side)?;
        }
        Ok(SSLObject {
            ssl,
            incoming: incoming.clone(),
            outgoing: outgoing.clone(),
            context: self.clone(),
            server_side: kw.server_side,
            server_hostname,
        })
    }
}

impl SSLObject {
    /// Runs `f` on the connection while both buffers are locked, so no other thread touches
    /// them while OpenSSL does (user callbacks OpenSSL makes meanwhile run with them unlocked).
    fn with_bios<R>(&mut self, f: impl FnOnce(&mut Ssl, Option<&str>) -> R) -> R {
        let (incoming, outgoing) = (self.incoming.shared_bio(), self.outgoing.shared_bio());
        ffi_bio::with_locked(incoming, outgoing, || {
            f(&mut self.ssl, self.server_hostname.as_deref())
        })
    }

    /// `sslobj.do_handshake()`: advance the handshake; `SSLWantReadError` until the peer's
    /// data arrives in `incoming`.
    ///
    /// ```text
    /// Python:  sslobj.do_handshake()
    /// Rust:    sslobj.do_handshake()?;
    /// ```
    pub fn do_handshake(&mut self) -> Result<()> {
        self.with_bios(|ssl, host| connection::do_handshake(ssl, &NoWait, host))
    }

    /// `sslobj.read(len=1024)`: decrypted bytes (no ragged-EOF suppression, as in Python).
    ///
    /// ```text
    /// Python:  data = sslobj.read(1024)
    /// Rust:    let data = sslobj.read(1024)?;
    /// ```
    ///
    /// A `len` no buffer can have is CPython's `MemoryError`/`OverflowError`, never an abort.
    pub fn read(&mut self, len: usize) -> Result<Vec<u8>> {
        outbuf::read_new(len, |buf| self.read_to(buf))
    }

    /// `sslobj.read(len, buffer)`: decrypts into `buffer`, returning the count.
    ///
    /// ```text
    /// Python:  n = sslobj.read(len(buf), buf)
    /// Rust:    let n = sslobj.read_into(&mut buf)?;
    /// ```
    pub fn read_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        self.read_to(&mut OutBuf::from(buffer))
    }

    fn read_to(&mut self, buffer: &mut OutBuf<'_>) -> Result<usize> {
        self.with_bios(|ssl, host| connection::read(ssl, buffer, &NoWait, host))
    }

    /// `sslobj.write(data)`: encrypts `data` into `outgoing`, returning its length.
    ///
    /// ```text
    /// Python:  sslobj.write(b'hello')
    /// Rust:    sslobj.write(b"hello")?;
    /// ```
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.with_bios(|ssl, host| connection::write(ssl, data, &NoWait, host))
    }

    /// `sslobj.unwrap()`: queue close_notify; `SSLWantReadError` until the peer's arrives.
    ///
    /// ```text
    /// Python:  sslobj.unwrap()
    /// Rust:    sslobj.unwrap()?;
    /// ```
    pub fn unwrap(&mut self) -> Result<()> {
        self.with_bios(|ssl, host| connection::shutdown(ssl, &NoWait, host))
    }

    /// `sslobj.pending()`: decrypted bytes buffered inside OpenSSL.
    ///
    /// ```text
    /// Python:  n = sslobj.pending()
    /// Rust:    let n = sslobj.pending();
    /// ```
    pub fn pending(&self) -> usize {
        self.ssl.pending()
    }

    /// `sslobj.getpeercert(binary_form=False)`: as [`SSLSocket::getpeercert`](super::SSLSocket::getpeercert).
    ///
    /// ```text
    /// Python:  sslobj.getpeercert()
    /// Rust:    sslobj.getpeercert(false)?
    /// ```
    pub fn getpeercert(&self, binary_form: bool) -> Result<Option<PeerCert>> {
        connection::getpeercert(&self.ssl, binary_form)
    }

    /// `sslobj.cipher()`.
    ///
    /// ```text
    /// Python:  name, proto, bits = sslobj.cipher()
    /// Rust:    let (name, proto, bits) = sslobj.cipher().expect("handshake done");
    /// ```
    pub fn cipher(&self) -> Option<(String, String, i32)> {
        connection::cipher(&self.ssl)
    }

    /// `sslobj.version()`.
    ///
    /// ```text
    /// Python:  print(sslobj.version())                # TLSv1.3
    /// Rust:    println!("{}", sslobj.version().py_str());
    /// ```
    pub fn version(&self) -> Option<String> {
        connection::version(&self.ssl)
    }

    /// `sslobj.session`: the TLS session, to resume on a later connection.
    ///
    /// ```text
    /// Python:  session = sslobj.session
    /// Rust:    let session = sslobj.session();
    /// ```
    pub fn session(&self) -> Option<SSLSession> {
        SSLSession::of(&self.ssl, self.context())
    }

    /// `sslobj.session = session`: resume `session` (clients, before the handshake).
    ///
    /// ```text
    /// Python:  sslobj.session = session
    /// Rust:    sslobj.set_session(&session)?;
    /// ```
    pub fn set_session(&mut self, session: &SSLSession) -> Result<()> {
        let context = self.context().clone();
        session.install(&mut self.ssl, &context, self.server_side)
    }

    /// `sslobj.session_reused`.
    ///
    /// ```text
    /// Python:  if sslobj.session_reused: ...
    /// Rust:    if sslobj.session_reused() { ... }
    /// ```
    pub fn session_reused(&self) -> bool {
        self.ssl.session_reused()
    }

    /// `sslobj._sslobj`: the C-level object (Python's `_ssl._SSLSocket`), whose chain getters
    /// return [`Certificate`](super::Certificate) objects. An `SSLObject` always has one.
    ///
    /// ```text
    /// Python:  certs = sslobj._sslobj.get_verified_chain()
    /// Rust:    let certs = sslobj._sslobj().get_verified_chain();
    /// ```
    pub fn _sslobj(&self) -> _SSLSocket<'_> {
        _SSLSocket::new(&self.ssl)
    }

    /// `sslobj.get_verified_chain()` (CPython 3.13): the verified chain as DER, leaf first;
    /// `[]` before the handshake or when nothing was verified.
    ///
    /// ```text
    /// Python:  chain = sslobj.get_verified_chain()
    /// Rust:    let chain = sslobj.get_verified_chain();
    /// ```
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        chain::der_list(self._sslobj().get_verified_chain())
    }

    /// `sslobj.get_unverified_chain()` (CPython 3.13): the chain the peer sent, as DER, its own
    /// certificate first; `[]` before the handshake or when the peer sent none.
    ///
    /// ```text
    /// Python:  chain = sslobj.get_unverified_chain()
    /// Rust:    let chain = sslobj.get_unverified_chain();
    /// ```
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        chain::der_list(self._sslobj().get_unverified_chain())
    }

    /// `sslobj.selected_alpn_protocol()`.
    ///
    /// ```text
    /// Python:  proto = sslobj.selected_alpn_protocol()
    /// Rust:    let proto = sslobj.selected_alpn_protocol()?;
    /// ```
    pub fn selected_alpn_protocol(&self) -> Result<Option<String>> {
        connection::selected_alpn_protocol(&self.ssl)
    }

    /// `sslobj.get_channel_binding(cb_type="tls-unique")`.
    ///
    /// ```text
    /// Python:  cb = sslobj.get_channel_binding('tls-unique')
    /// Rust:    let cb = sslobj.get_channel_binding("tls-unique")?;
    /// ```
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        connection::channel_binding(&self.ssl, cb_type)
    }

    /// `sslobj.compression()`.
    ///
    /// ```text
    /// Python:  sslobj.compression()
    /// Rust:    sslobj.compression()
    /// ```
    pub fn compression(&self) -> Option<String> {
        connection::compression(&self.ssl)
    }

    /// `sslobj.verify_client_post_handshake()`.
    ///
    /// ```text
    /// Python:  sslobj.verify_client_post_handshake()
    /// Rust:    sslobj.verify_client_post_handshake()?;
    /// ```
    pub fn verify_client_post_handshake(&mut self) -> Result<()> {
        self.with_bios(|ssl, _| connection::verify_client_post_handshake(ssl))
    }

    /// `sslobj.shared_ciphers()`.
    ///
    /// ```text
    /// Python:  sslobj.shared_ciphers()
    /// Rust:    sslobj.shared_ciphers()
    /// ```
    pub fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
        super::ciphers::shared_ciphers(&self.ssl)
    }

    /// `sslobj.server_side`.
    ///
    /// ```text
    /// Python:  sslobj.server_side
    /// Rust:    sslobj.server_side()
    /// ```
    pub fn server_side(&self) -> bool {
        self.server_side
    }

    /// `sslobj.server_hostname`: the IDNA A-label form of the name given to `wrap_bio`.
    ///
    /// ```text
    /// Python:  sslobj.server_hostname
    /// Rust:    sslobj.server_hostname()
    /// ```
    pub fn server_hostname(&self) -> Option<&str> {
        self.server_hostname.as_deref()
    }

    /// `sslobj.context`: the context in use (an SNI callback may have switched it).
    ///
    /// ```text
    /// Python:  ctx = sslobj.context
    /// Rust:    let ctx = sslobj.context();
    /// ```
    pub fn context(&self) -> &SSLContext {
        self.ssl
            .ex_data(sni::context_index())
            .unwrap_or(&self.context)
    }

    /// `sslobj.context = other`.
    ///
    /// ```text
    /// Python:  sslobj.context = other
    /// Rust:    sslobj.set_context(&other)?;
    /// ```
    pub fn set_context(&mut self, context: &SSLContext) -> Result<()> {
        self.context = context.clone();
        sni::switch_context(&mut self.ssl, context)
    }

    /// The underlying `openssl` connection, for what Python never had (an escape hatch).
    ///
    /// ```text
    /// Python:  (no equivalent)
    /// Rust:    let ssl: &openssl::ssl::SslRef = sslobj.ssl_object();
    /// ```
    pub fn ssl_object(&self) -> &openssl::ssl::SslRef {
        &self.ssl
    }
}
