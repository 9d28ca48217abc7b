//! `ssl.SSLSocket`: a TLS connection over a [`socket::socket`](struct@crate::socket::socket).
//!
//! ```text
//! Python:  ssock = context.wrap_socket(sock, server_hostname='example.com')
//! Rust:    let mut ssock = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("example.com"), ..Default::default() })?;
//! ```
//!
//! OpenSSL is attached to the socket's descriptor (`SSL_set_fd`) and driven with
//! `SSL_read_ex`/`SSL_write_ex`/`SSL_do_handshake`/`SSL_shutdown`, waiting with `poll` on
//! `WANT_READ`/`WANT_WRITE` exactly as CPython's `_ssl` does: one deadline per operation for
//! sockets with a timeout, `SSLWantReadError`/`SSLWantWriteError` for non-blocking ones, and
//! CPython's classification of every failure.

use std::os::fd::{AsRawFd, RawFd};

use openssl::ssl::Ssl;

use super::certificates::PeerCert;
use super::connection;
use super::context::SSLContext;
use super::errors;
use super::idna;
use super::session::SSLSession;
use super::sni;

mod any;
mod any_queries;
pub(crate) mod chain;
mod datagram;
mod inherited;
mod io;
mod sock_arg;
use super::kw_values::{pick_str_or_bytes, KwValues};
use crate::error::{Error, Result, SSLError, SSLErrorKind};
use crate::path_arg::StrOrBytes;
use crate::socket::{self, ToAddress};
pub use any::AnySocket;
pub use chain::_SSLSocket;
pub use sock_arg::SockArg;

/// Keyword arguments of `SSLContext.wrap_socket(sock, server_side=False,
/// do_handshake_on_connect=True, suppress_ragged_eofs=True, server_hostname=None)`.
///
/// ```text
/// Python:  context.wrap_socket(sock, server_hostname='example.com')
/// Rust:    context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("example.com"), ..Default::default() })?;
/// Python:  context.wrap_socket(sock, server_hostname=b'example.com')
/// Rust:    context.wrap_socket(sock, ssl::WrapSocket::default().server_hostname(b"example.com"))?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct WrapSocket<'a> {
    /// `server_side`: accept TLS connections instead of initiating them.
    pub server_side: bool,
    /// `do_handshake_on_connect`: handshake inside `wrap_socket`/`connect`/`accept`.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`: a peer closing without close_notify reads as end of stream.
    pub suppress_ragged_eofs: bool,
    /// `server_hostname`: the name sent as SNI and checked against the certificate. (As
    /// `bytes`: [`WrapSocket::server_hostname`].)
    pub server_hostname: Option<&'a str>,
    /// `session`: a session of an earlier connection to resume (clients only).
    pub session: Option<&'a SSLSession>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

impl Default for WrapSocket<'_> {
    fn default() -> Self {
        WrapSocket {
            server_side: false,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            server_hostname: None,
            session: None,
            _set_by_methods: KwValues::default(),
        }
    }
}

impl<'a> WrapSocket<'a> {
    /// `server_hostname=` as Python's `str` or `bytes` ([`StrOrBytes`]). As CPython's
    /// `_encode_hostname`: a `str` goes through the IDNA codec, `bytes` are decoded as ASCII
    /// (`UnicodeDecodeError` past 0x7f) and taken as they are.
    ///
    /// ```text
    /// Python:  ctx.wrap_socket(sock, server_hostname=b'localhost')
    /// Rust:    ctx.wrap_socket(sock, ssl::WrapSocket::default().server_hostname(b"localhost"))?;
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

/// `ssl.SSLSocket`: a socket with TLS on top. Returned by [`SSLContext::wrap_socket`] and by
/// [`SSLSocket::accept`]; there is no public constructor, as in Python.
///
/// The socket methods Python's subclass inherits (`bind`, `listen`, `settimeout`, `getsockname`,
/// `fileno`, `detach`, ...) are its own methods of the same names. It is never a plain
/// [`socket`](struct@crate::socket::socket) by accident: there is no `Deref` (nor `AsRef`,
/// `Borrow`, ...) to one, so a helper written for plain sockets does not accept it and cannot
/// send clear text on the TLS connection. Code meant for both takes a
/// [`SocketLike`](crate::socket::SocketLike) (Python's duck typing), or holds an
/// [`AnySocket`](crate::ssl::AnySocket), which STARTTLS upgrades in place.
///
/// ```compile_fail,E0308
/// use pyssl::{socket, ssl};
/// // Python: def send_line(s, line): s.sendall(line.encode() + b'\r\n')
/// fn send_line(s: &socket::socket, line: &str) -> pyssl::Result<()> {
///     s.sendall(format!("{line}\r\n").as_bytes())
/// }
/// fn after_starttls(ssock: &ssl::SSLSocket) -> pyssl::Result<()> {
///     send_line(ssock, "EHLO client") // refused: an SSLSocket is not a plain socket
/// }
/// ```
///
/// The helper written once for both, over [`SocketLike`](crate::socket::SocketLike):
///
/// ```
/// use pyssl::{socket, ssl};
/// use pyssl::socket::SocketLike;
/// // Python: def send_line(s, line): s.sendall(line.encode() + b'\r\n')
/// fn send_line(s: &mut dyn SocketLike, line: &str) -> pyssl::Result<()> {
///     s.sendall(format!("{line}\r\n").as_bytes())
/// }
/// fn after_starttls(ssock: &mut ssl::SSLSocket) -> pyssl::Result<()> {
///     send_line(ssock, "EHLO client") // TLS records, as in Python
/// }
/// ```
///
/// ```text
/// Python:  secure_sock.sendall(request.encode('utf-8'))
/// Rust:    secure_sock.sendall(request.as_bytes())?;
/// ```
///
/// Talking to a server (here a local echo server, whose set-up is hidden; `context` is
/// `create_default_context(cafile=...)` trusting its CA, `sock` a connected socket):
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::{socket, ssl};
/// # fn main() -> Result<(), pyssl::Error> {
/// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// # let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// # server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
/// # let (sock, server_sock) = socket::socketpair()?;
/// # let server = std::thread::spawn(move || -> pyssl::Result<()> {
/// #     let mut conn = server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })?;
/// #     let data = conn.recv(1024)?;
/// #     conn.sendall(&data)
/// # });
/// # let ca = format!("{fixtures}/ca.pem");
/// # let context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
///
/// // Python: ssock = context.wrap_socket(sock, server_hostname='localhost')
/// let mut ssock = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
/// // Python: ssock.write(b'ping'); data = ssock.read(1024)
/// ssock.write(b"ping")?;
/// let data = ssock.read(1024)?;
/// assert_eq!(data, b"ping");
/// // Python: print(ssock.version(), ssock.cipher())
/// assert_eq!(ssock.version().as_deref(), Some("TLSv1.3"));
/// assert_eq!(ssock.cipher().py_repr(), "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)");
/// assert_eq!(ssock.server_hostname(), Some("localhost"));
/// // std::io::Read and Write work too, for ordinary Rust code:
/// // use std::io::Write; writeln!(ssock, "GET / HTTP/1.0\r")?;
/// // Python: ssock.close()
/// ssock.close()?;
/// # server.join().unwrap()?;
/// # Ok(())
/// # }
/// ```
pub struct SSLSocket {
    /// `_sslobj`: `None` before `connect()`, after `close()` and after `unwrap()`.
    ssl: Option<Ssl>,
    sock: socket::socket,
    context: SSLContext,
    server_side: bool,
    server_hostname: Option<String>,
    do_handshake_on_connect: bool,
    suppress_ragged_eofs: bool,
    connected: bool,
    /// `_session`: the session to resume, applied when the connection is created.
    session: Option<SSLSession>,
}

impl std::fmt::Debug for SSLSocket {
    /// Python's `repr()`: `<ssl.SSLSocket fd=3, family=2, type=1, proto=0, laddr=(...)>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::pyrepr::PyRepr::py_repr(self))
    }
}

impl Drop for SSLSocket {
    fn drop(&mut self) {
        self.release();
    }
}

impl AsRawFd for SSLSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

impl SSLContext {
    /// `context.wrap_socket(sock, server_side=False, do_handshake_on_connect=True,
    /// suppress_ragged_eofs=True, server_hostname=None)`.
    ///
    /// ```text
    /// Python:  ssock = context.wrap_socket(sock, server_hostname=hostname)
    /// Rust:    let mut ssock = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some(hostname), ..Default::default() })?;
    /// ```
    ///
    /// A connected socket is wrapped at once (and handshaken unless told otherwise); an
    /// unconnected one is wrapped lazily by [`SSLSocket::connect`]; a listening one hands out
    /// handshaken connections from [`SSLSocket::accept`].
    ///
    /// `sock` is moved in, or lent as `&mut sock` for code that goes on with the plain socket
    /// when the wrap fails, as Python code can ([`SockArg`]: a failed argument check leaves
    /// it usable, a success or a later failure leaves it detached, as in Python).
    ///
    /// The classic pair from Python's documentation, a server that wraps each accepted
    /// connection and a client that wraps its socket before connecting, over loopback:
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{socket, ssl};
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    ///
    /// // Python: context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    /// //         context.load_cert_chain('server.pem', 'server.key')
    /// let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// context.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
    /// // Python: bindsocket = socket.socket(); bindsocket.bind(('127.0.0.1', 0)); bindsocket.listen(5)
    /// let bindsocket = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    /// bindsocket.bind(("127.0.0.1", 0))?;
    /// bindsocket.listen(5)?;
    /// let port = bindsocket.getsockname()?.port();
    /// let server = std::thread::spawn(move || -> pyssl::Result<Vec<u8>> {
    ///     // Python: newsocket, fromaddr = bindsocket.accept()
    ///     //         connstream = context.wrap_socket(newsocket, server_side=True)
    ///     let (newsocket, _fromaddr) = bindsocket.accept()?;
    ///     let mut connstream = context.wrap_socket(newsocket, ssl::WrapSocket { server_side: true, ..Default::default() })?;
    ///     let data = connstream.recv(1024)?;
    ///     connstream.sendall(b"pong")?;
    ///     Ok(data)
    /// });
    ///
    /// // Python: ctx = ssl.create_default_context(cafile='ca.pem')
    /// //         conn = ctx.wrap_socket(socket.socket(socket.AF_INET), server_hostname='localhost')
    /// //         conn.connect(('127.0.0.1', port))
    /// let ca = format!("{fixtures}/ca.pem");
    /// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
    /// let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    /// let mut conn = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
    /// conn.connect(("127.0.0.1", port))?;
    /// conn.sendall(b"ping")?;
    /// assert_eq!(conn.recv(1024)?, b"pong");
    /// assert_eq!(server.join().unwrap()?, b"ping");
    /// # Ok(())
    /// # }
    /// ```
    pub fn wrap_socket(&self, sock: impl SockArg, kw: WrapSocket<'_>) -> Result<SSLSocket> {
        let sock = sock.checked_socket(&|s| SSLSocket::check_arguments(s, self, &kw))?;
        SSLSocket::create(sock, self.clone(), kw)
    }
}

impl SSLSocket {
    fn create(sock: socket::socket, context: SSLContext, kw: WrapSocket<'_>) -> Result<SSLSocket> {
        SSLSocket::check_arguments(&sock, &context, &kw)?;
        let server_hostname = kw
            .server_hostname_arg()
            .map(idna::encode_hostname_arg)
            .transpose()?;
        let mut this = SSLSocket {
            ssl: None,
            sock,
            context,
            server_side: kw.server_side,
            server_hostname,
            do_handshake_on_connect: kw.do_handshake_on_connect,
            suppress_ragged_eofs: kw.suppress_ragged_eofs,
            connected: false,
            session: kw.session.cloned(),
        };
        if this.sock.has_peer()? {
            this.connected = true;
        } else {
            this.reject_pre_handshake_data()?;
        }
        if this.connected {
            this.ssl = Some(this.new_connection()?);
            if this.do_handshake_on_connect {
                if this.sock.gettimeout() == Some(0.0) {
                    return Err(Error::value(
                        "do_handshake_on_connect should not be specified for non-blocking sockets",
                    ));
                }
                this.do_handshake()?;
            }
        }
        Ok(this)
    }

    /// The checks CPython's `SSLSocket._create` makes before it takes the socket over
    /// (`sock.detach()`): a failure here leaves the caller's socket as it was.
    fn check_arguments(
        sock: &socket::socket,
        context: &SSLContext,
        kw: &WrapSocket<'_>,
    ) -> Result<()> {
        // CPython asks the kernel (`SO_TYPE`); every pyssl socket learnt its type from the
        // kernel or created it, so `type_()` is the same answer without a system call.
        if sock.fileno() < 0 {
            return Err(Error::from_errno(libc::EBADF));
        }
        if sock.type_() != socket::SOCK_STREAM {
            return Err(Error::NotImplementedError(
                "only stream sockets are supported".into(),
            ));
        }
        let server_hostname = kw.server_hostname_arg();
        if kw.server_side && server_hostname.is_some_and(StrOrBytes::is_truthy) {
            return Err(Error::value(
                "server_hostname can only be specified in client mode",
            ));
        }
        if kw.server_side && kw.session.is_some() {
            return Err(Error::value("session can only be specified in client mode"));
        }
        if context.check_hostname() && !server_hostname.is_some_and(StrOrBytes::is_truthy) {
            return Err(Error::value("check_hostname requires server_hostname"));
        }
        Ok(())
    }

    /// CVE-2023-40217: bytes that reached an unconnected-looking socket before TLS existed must
    /// not leak out as if they had come through TLS; CPython closes and raises.
    fn reject_pre_handshake_data(&mut self) -> Result<()> {
        let probe = self.sock.recv_into_nowait(&mut [0u8; 1]);
        match probe {
            Ok(n) if n > 0 => {
                const REASON: &str = "Closed before TLS handshake with data in recv buffer.";
                let _ = self.sock.close();
                Err(Error::SSLError(SSLError {
                    kind: SSLErrorKind::SSLError,
                    errno: Some(libc::ENOTCONN as i64),
                    message: REASON.to_string(),
                    library: None,
                    reason: Some(REASON),
                    verify_code: None,
                    verify_message: None,
                }))
            }
            Ok(_) => Ok(()),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTCONN | libc::EINVAL)) => Ok(()),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// CPython's `newPySSLSocket`: one `SSL` for this connection, attached to the descriptor.
    fn new_connection(&self) -> Result<Ssl> {
        let fd = self.sock.fileno();
        let mut ssl = connection::new_ssl(
            &self.context,
            self.server_side,
            self.server_hostname.as_deref(),
            |ssl| {
                if crate::ffi::sockbio::attach(ssl, fd) {
                    Ok(())
                } else {
                    Err(errors::from_queue())
                }
            },
        )?;
        if let Some(session) = &self.session {
            session.install(&mut ssl, &self.context, self.server_side)?;
        }
        Ok(ssl)
    }
}

impl SSLSocket {
    /// `ssock.connect(address)`: TCP connect, then (by default) the TLS handshake.
    ///
    /// ```text
    /// Python:  secure_sock.connect(('example.com', 443))
    /// Rust:    secure_sock.connect(("example.com", 443))?;
    /// ```
    pub fn connect(&mut self, address: impl ToAddress) -> Result<()> {
        self.real_connect(address, false).map(|_| ())
    }

    /// `ssock.connect_ex(address)`: like `connect` but returns the connect errno (0 on
    /// success); handshake errors are still raised.
    ///
    /// ```text
    /// Python:  rc = ssock.connect_ex(('localhost', 443))
    /// Rust:    let rc = ssock.connect_ex(("localhost", 443))?;
    /// ```
    pub fn connect_ex(&mut self, address: impl ToAddress) -> Result<i32> {
        self.real_connect(address, true)
    }

    fn real_connect(&mut self, address: impl ToAddress, connect_ex: bool) -> Result<i32> {
        if self.server_side {
            return Err(Error::value("can't connect in server-side mode"));
        }
        if self.connected || self.tls().is_some() {
            return Err(Error::value(
                "attempt to connect already-connected SSLSocket!",
            ));
        }
        self.ssl = Some(self.new_connection()?);
        let result = (|| {
            let rc = if connect_ex {
                self.sock.connect_ex(address)?
            } else {
                self.sock.connect(address)?;
                0
            };
            if rc == 0 {
                self.connected = true;
                if self.do_handshake_on_connect {
                    self.do_handshake()?;
                }
            }
            Ok(rc)
        })();
        if result.is_err() {
            self.ssl = None;
        }
        result
    }

    /// `ssock.accept()` on a wrapped listening socket: the next connection, handshaken, and the
    /// peer's address.
    ///
    /// ```text
    /// Python:  newsocket, fromaddr = ssl_socket.accept()
    /// Rust:    let (mut newsocket, fromaddr) = ssl_socket.accept()?;
    /// ```
    pub fn accept(&self) -> Result<(SSLSocket, socket::Address)> {
        let (newsock, addr) = self.sock.accept()?;
        let kw = WrapSocket {
            server_side: true,
            do_handshake_on_connect: self.do_handshake_on_connect,
            suppress_ragged_eofs: self.suppress_ragged_eofs,
            ..Default::default()
        };
        let ssock = self.context.wrap_socket(newsock, kw)?;
        Ok((ssock, addr))
    }

    /// `ssock.getpeercert(binary_form=False)`: the peer's certificate as CPython's dict (`{}`
    /// when it was not verified) or as DER bytes; `None` when the peer sent none.
    ///
    /// ```text
    /// Python:  print(ssock.getpeercert())
    /// Rust:    println!("{}", ssock.getpeercert(false)?.py_repr());
    /// ```
    ///
    /// ```
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::{socket, ssl};
    /// # fn main() -> Result<(), pyssl::Error> {
    /// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// # let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// # server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
    /// # let (sock, server_sock) = socket::socketpair()?;
    /// # let server = std::thread::spawn(move || -> pyssl::Result<()> {
    /// #     let mut conn = server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })?;
    /// #     let data = conn.recv(1024)?;
    /// #     conn.sendall(&data)
    /// # });
    /// # let ca = format!("{fixtures}/ca.pem");
    /// # let context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
    /// let ssock = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
    ///
    /// // Python: cert = ssock.getpeercert(); print(cert['subject'], cert['subjectAltName'])
    /// let cert = ssock.getpeercert(false)?.expect("the server sent a certificate");
    /// let cert = cert.as_dict().expect("verified, so decoded");
    /// assert_eq!(cert.subject.py_repr(), "((('organizationName', 'pyssl'),), (('commonName', 'localhost'),))");
    /// assert_eq!(
    ///     cert.subjectAltName.py_repr(), // a tuple, as Python prints it
    ///     "(('DNS', 'localhost'), ('IP Address', '127.0.0.1'), ('IP Address', '0:0:0:0:0:0:0:1'))"
    /// );
    /// assert_eq!(ssl::cert_time_to_seconds(&cert.notAfter)?, 4070908800); // Jan  1 00:00:00 2099 GMT
    ///
    /// // Python: der = ssock.getpeercert(binary_form=True)
    /// let der = ssock.getpeercert(true)?.expect("a certificate");
    /// let pem = std::fs::read_to_string(format!("{fixtures}/server.pem"))?;
    /// assert_eq!(der.as_bytes(), Some(&ssl::PEM_cert_to_DER_cert(&pem)?[..]));
    /// # drop(ssock);
    /// # let _ = server.join();
    /// # Ok(())
    /// # }
    /// ```
    pub fn getpeercert(&self, binary_form: bool) -> Result<Option<PeerCert>> {
        if !self.connected {
            self.sock.getpeername()?;
        }
        let Some(ssl) = self.tls() else {
            // CPython raises AttributeError here (`_sslobj` is None); pyssl reports why: the
            // socket is closed, or was never connected with TLS.
            let closed = self.sock.fileno() < 0;
            return Err(Error::from_errno(if closed {
                libc::EBADF
            } else {
                libc::ENOTCONN
            }));
        };
        connection::getpeercert(ssl, binary_form)
    }

    /// `ssock.cipher()`: `(name, protocol, secret_bits)` of the negotiated cipher, or `None`.
    ///
    /// ```text
    /// Python:  print(ssock.cipher())
    /// Rust:    println!("{}", ssock.cipher().py_repr());
    /// ```
    pub fn cipher(&self) -> Option<(String, String, i32)> {
        connection::cipher(self.tls()?)
    }

    /// `ssock.version()`: `'TLSv1.3'`, `'TLSv1.2'`, ... once the handshake is done, else `None`.
    ///
    /// ```text
    /// Python:  print(ssock.version())                 # TLSv1.3
    /// Rust:    println!("{}", ssock.version().py_str());
    /// ```
    pub fn version(&self) -> Option<String> {
        connection::version(self.tls()?)
    }

    /// `ssock.session`: the TLS session, to resume on a later connection (`None` before the
    /// connection exists). For TLS 1.3 the ticket arrives after the handshake: read first.
    ///
    /// ```text
    /// Python:  session = ssock.session
    /// Rust:    let session = ssock.session();
    /// ```
    pub fn session(&self) -> Option<SSLSession> {
        SSLSession::of(self.tls()?, self.context())
    }

    /// `ssock.session = session`: resume `session` (clients, before the handshake), with
    /// CPython's errors otherwise.
    ///
    /// ```text
    /// Python:  ssock.session = session
    /// Rust:    ssock.set_session(&session)?;
    /// ```
    pub fn set_session(&mut self, session: &SSLSession) -> Result<()> {
        self.session = Some(session.clone());
        let context = self.context().clone();
        let server_side = self.server_side;
        match self.tls_mut() {
            Some(ssl) => session.install(ssl, &context, server_side),
            None => Ok(()),
        }
    }

    /// `ssock.session_reused`: whether the handshake resumed a session (`None` before the
    /// connection exists).
    ///
    /// ```text
    /// Python:  ssock.session_reused
    /// Rust:    ssock.session_reused()
    /// ```
    pub fn session_reused(&self) -> Option<bool> {
        Some(self.tls()?.session_reused())
    }

    /// `ssock.selected_alpn_protocol()`: the protocol ALPN agreed on, or `None`.
    ///
    /// ```text
    /// Python:  ssock.selected_alpn_protocol()
    /// Rust:    ssock.selected_alpn_protocol()?
    /// ```
    pub fn selected_alpn_protocol(&self) -> Result<Option<String>> {
        match self.tls() {
            Some(ssl) => connection::selected_alpn_protocol(ssl),
            None => Ok(None),
        }
    }

    /// `ssock.get_channel_binding(cb_type="tls-unique")`: the RFC 5929 channel binding, `None`
    /// before the handshake.
    ///
    /// ```text
    /// Python:  ssock.get_channel_binding("tls-unique")
    /// Rust:    ssock.get_channel_binding("tls-unique")?
    /// ```
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        match self.tls() {
            Some(ssl) => connection::channel_binding(ssl, cb_type),
            None => connection::channel_binding_unconnected(cb_type),
        }
    }

    /// `ssock.compression()`: the compression algorithm in use, `None` (always, on OpenSSL 3
    /// with CPython's `OP_NO_COMPRESSION`).
    pub fn compression(&self) -> Option<String> {
        connection::compression(self.tls()?)
    }

    /// `ssock.verify_client_post_handshake()`: on a TLS 1.3 server, ask the client for its
    /// certificate now (sent with the next write, read with the next read).
    ///
    /// ```text
    /// Python:  ssock.verify_client_post_handshake()
    /// Rust:    ssock.verify_client_post_handshake()?;
    /// ```
    pub fn verify_client_post_handshake(&mut self) -> Result<()> {
        let Some(ssl) = self.tls_mut() else {
            return Err(Error::value(format!("No SSL wrapper around {self:?}")));
        };
        connection::verify_client_post_handshake(ssl)
    }

    /// `ssock.shared_ciphers()`: on a server, the ciphers of its list (server order) that the
    /// client offered, as `(name, protocol, secret_bits)`; `None` on a client or before the
    /// handshake.
    ///
    /// ```text
    /// Python:  ssock.shared_ciphers()
    /// Rust:    ssock.shared_ciphers()
    /// ```
    pub fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
        super::ciphers::shared_ciphers(self.tls()?)
    }

    /// `ssock.server_side`.
    ///
    /// ```text
    /// Python:  ssock.server_side
    /// Rust:    ssock.server_side()
    /// ```
    pub fn server_side(&self) -> bool {
        self.server_side
    }

    /// `ssock.server_hostname`: the IDNA A-label form of the name given to `wrap_socket`.
    ///
    /// ```text
    /// Python:  ssock.server_hostname
    /// Rust:    ssock.server_hostname()
    /// ```
    pub fn server_hostname(&self) -> Option<&str> {
        self.server_hostname.as_deref()
    }

    /// `ssock.context`: the context this socket was wrapped with.
    ///
    /// ```text
    /// Python:  ssock.context
    /// Rust:    ssock.context()
    /// ```
    pub fn context(&self) -> &SSLContext {
        self.ssl
            .as_ref()
            .and_then(|ssl| ssl.ex_data(sni::context_index()))
            .unwrap_or(&self.context)
    }

    /// `ssock.context = other`: switch this connection to another context (its certificate
    /// and settings), as an SNI callback does.
    ///
    /// ```text
    /// Python:  ssock.context = other_context
    /// Rust:    ssock.set_context(&other_context)?;
    /// ```
    pub fn set_context(&mut self, context: &SSLContext) -> Result<()> {
        self.context = context.clone();
        match self.tls_mut() {
            Some(ssl) => sni::switch_context(ssl, context),
            None => Ok(()),
        }
    }

    /// `ssock.do_handshake_on_connect`.
    pub fn do_handshake_on_connect(&self) -> bool {
        self.do_handshake_on_connect
    }

    /// `ssock.suppress_ragged_eofs`.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// `ssock.shutdown(how)`: drops the TLS layer without close_notify, then shuts the socket
    /// down, as Python's does.
    ///
    /// ```text
    /// Python:  ssock.shutdown(socket.SHUT_RDWR)
    /// Rust:    ssock.shutdown(socket::SHUT_RDWR)?;
    /// ```
    pub fn shutdown(&mut self, how: i32) -> Result<()> {
        self.release();
        self.sock.shutdown(how)
    }

    /// `ssock.close()`: drops the TLS layer (no close_notify, as CPython) and closes the socket.
    ///
    /// ```text
    /// Python:  secure_sock.close()
    /// Rust:    secure_sock.close()?;
    /// ```
    ///
    /// Like [`socket::socket::close`](crate::socket::socket::close) it takes `&self`, so a
    /// wrapped listening socket shared between threads (`Arc<SSLSocket>`) can be closed while a
    /// server thread is blocked in [`accept`](SSLSocket::accept), which then fails with
    /// `[Errno 9] Bad file descriptor`. From the close on, the socket behaves as Python's
    /// closed `SSLSocket` (`_sslobj` is `None`: `cipher()` is `None`, `recv` raises `EBADF`,
    /// `read` `ValueError`, ...); OpenSSL's connection object is freed when the socket is
    /// dropped, and is never used again before that.
    pub fn close(&self) -> Result<()> {
        self.sock.close()
    }

    /// Python's `_sslobj`: the TLS connection, `None` before `connect()`, after `unwrap()`,
    /// and once `close()` has run (through `&self`, so the object itself may still be here).
    fn tls(&self) -> Option<&Ssl> {
        self.ssl.as_ref().filter(|_| !self.sock.is_closed())
    }

    /// [`tls`](SSLSocket::tls), for the calls that drive the connection.
    fn tls_mut(&mut self) -> Option<&mut Ssl> {
        let closed = self.sock.is_closed();
        self.ssl.as_mut().filter(|_| !closed)
    }

    /// Drops the TLS layer without close_notify, keeping its session resumable.
    fn release(&mut self) {
        if let Some(mut ssl) = self.ssl.take() {
            connection::release(&mut ssl);
        }
    }

    /// The underlying `openssl` connection, for what Python never had (an escape hatch).
    pub fn ssl_object(&self) -> Option<&openssl::ssl::SslRef> {
        self.tls().map(|ssl| &**ssl)
    }
}
