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
use std::time::{Duration, Instant};

use openssl::ssl::{Ssl, SslVerifyMode};

use super::certificates::{decode_certificate, PeerCert};
use super::ciphers::cipher_tuple;
use super::constants::SSLMethod;
use super::context::SSLContext;
use super::errors;
use super::idna;
use crate::error::{Error, Result, SSLError, SSLErrorKind};
use crate::ffi::{ssl as ffi_ssl, sys as ffi_sys};
use crate::socket::{self, ToAddress};

/// Keyword arguments of `SSLContext.wrap_socket(sock, server_side=False,
/// do_handshake_on_connect=True, suppress_ragged_eofs=True, server_hostname=None)`.
///
/// ```text
/// Python:  context.wrap_socket(sock, server_hostname='example.com')
/// Rust:    context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("example.com"), ..Default::default() })?;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct WrapSocket<'a> {
    /// `server_side`: accept TLS connections instead of initiating them.
    pub server_side: bool,
    /// `do_handshake_on_connect`: handshake inside `wrap_socket`/`connect`/`accept`.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`: a peer closing without close_notify reads as end of stream.
    pub suppress_ragged_eofs: bool,
    /// `server_hostname`: the name sent as SNI and checked against the certificate.
    pub server_hostname: Option<&'a str>,
}

impl Default for WrapSocket<'_> {
    fn default() -> Self {
        WrapSocket {
            server_side: false,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            server_hostname: None,
        }
    }
}

/// `ssl.SSLSocket`: a socket with TLS on top. Returned by [`SSLContext::wrap_socket`] and by
/// [`SSLSocket::accept`]; there is no public constructor, as in Python.
///
/// It dereferences to its [`socket`](struct@crate::socket::socket), so the inherited socket methods (`bind`,
/// `listen`, `settimeout`, `getsockname`, `fileno`, ...) work as on Python's subclass.
///
/// ```text
/// Python:  secure_sock.sendall(request.encode('utf-8'))
/// Rust:    secure_sock.sendall(request.as_bytes())?;
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
}

impl std::fmt::Debug for SSLSocket {
    /// Python's `repr()`: `<ssl.SSLSocket fd=3, family=2, type=1, proto=0, laddr=(...)>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = format!("{:?}", self.sock);
        f.write_str(&plain.replacen("socket.socket", "ssl.SSLSocket", 1))
    }
}

impl std::ops::Deref for SSLSocket {
    type Target = socket::socket;
    fn deref(&self) -> &socket::socket {
        &self.sock
    }
}

impl AsRawFd for SSLSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

/// Which operation a wait belongs to: it picks CPython's timeout text.
#[derive(Clone, Copy)]
enum Op {
    Handshake,
    Read,
    Write,
}

impl Op {
    fn timeout_text(self) -> &'static str {
        match self {
            Op::Handshake => "The handshake operation timed out",
            Op::Read => "The read operation timed out",
            Op::Write => "The write operation timed out",
        }
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
    pub fn wrap_socket(&self, sock: socket::socket, kw: WrapSocket<'_>) -> Result<SSLSocket> {
        SSLSocket::create(sock, self.clone(), kw)
    }
}

impl SSLSocket {
    fn create(sock: socket::socket, context: SSLContext, kw: WrapSocket<'_>) -> Result<SSLSocket> {
        if sock.getsockopt(socket::SOL_SOCKET, socket::SO_TYPE)? != socket::SOCK_STREAM {
            return Err(Error::NotImplementedError(
                "only stream sockets are supported".into(),
            ));
        }
        if kw.server_side && kw.server_hostname.is_some_and(|h| !h.is_empty()) {
            return Err(Error::value(
                "server_hostname can only be specified in client mode",
            ));
        }
        if context.check_hostname() && kw.server_hostname.map_or(true, str::is_empty) {
            return Err(Error::value("check_hostname requires server_hostname"));
        }
        let server_hostname = kw.server_hostname.map(idna::encode_hostname).transpose()?;
        let mut this = SSLSocket {
            ssl: None,
            sock,
            context,
            server_side: kw.server_side,
            server_hostname,
            do_handshake_on_connect: kw.do_handshake_on_connect,
            suppress_ragged_eofs: kw.suppress_ragged_eofs,
            connected: false,
        };
        match this.sock.getpeername() {
            Ok(_) => this.connected = true,
            Err(e) if matches!(e.errno(), Some(n) if n == libc::ENOTCONN as i64 || n == libc::EINVAL as i64) =>
            {
                this.reject_pre_handshake_data()?;
            }
            Err(e) => return Err(e),
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

    /// CVE-2023-40217: bytes that reached an unconnected-looking socket before TLS existed must
    /// not leak out as if they had come through TLS; CPython closes and raises.
    fn reject_pre_handshake_data(&mut self) -> Result<()> {
        let timeout = self.sock.gettimeout();
        self.sock.setblocking(false)?;
        let probe = self.sock.recv(1);
        self.sock.settimeout(timeout)?;
        match probe {
            Ok(data) if !data.is_empty() => {
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
            Err(e) if matches!(e.errno(), Some(n) if n == libc::ENOTCONN as i64 || n == libc::EINVAL as i64) => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// CPython's `newPySSLSocket`: one `SSL` for this connection, attached to the descriptor.
    fn new_connection(&self) -> Result<Ssl> {
        let protocol = self.context.protocol();
        if self.server_side && protocol == SSLMethod::PROTOCOL_TLS_CLIENT {
            return Err(errors::fixed(
                "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
            ));
        }
        if !self.server_side && protocol == SSLMethod::PROTOCOL_TLS_SERVER {
            return Err(errors::fixed(
                "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
            ));
        }
        let (mut ssl, check_hostname, post_handshake_auth) = self.context.new_ssl()?;
        if !ffi_ssl::set_fd(&mut ssl, self.sock.fileno()) {
            return Err(errors::from_queue());
        }
        ffi_ssl::set_mode(
            &mut ssl,
            (openssl_sys::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | openssl_sys::SSL_MODE_AUTO_RETRY)
                as libc::c_long,
        );
        if post_handshake_auth {
            if self.server_side {
                let mode = ssl.verify_mode();
                if mode.contains(SslVerifyMode::PEER) {
                    ssl.set_verify(
                        mode | SslVerifyMode::from_bits_retain(
                            openssl_sys::SSL_VERIFY_POST_HANDSHAKE,
                        ),
                    );
                }
            } else {
                ffi_ssl::enable_post_handshake_auth(&mut ssl);
            }
        }
        if self.server_side {
            // CPython 3.13 (gh-105293): "Python" plus its NUL, on every server connection.
            ffi_ssl::set_session_id_context(&mut ssl, b"Python\0");
        }
        if let Some(host) = &self.server_hostname {
            configure_hostname(&mut ssl, host, check_hostname)?;
        }
        if self.server_side {
            ssl.set_accept_state();
        } else {
            ssl.set_connect_state();
        }
        Ok(ssl)
    }

    fn deadline(&self) -> Option<Instant> {
        match self.sock.gettimeout() {
            Some(t) if t > 0.0 => Some(Instant::now() + Duration::from_secs_f64(t)),
            _ => None,
        }
    }

    /// `ssock.do_handshake()`: run the TLS handshake now.
    ///
    /// ```text
    /// Python:  ssock.do_handshake()
    /// Rust:    ssock.do_handshake()?;
    /// ```
    pub fn do_handshake(&mut self) -> Result<()> {
        if !self.connected {
            self.sock.getpeername()?;
        }
        let deadline = self.deadline();
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            server_side,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::from_errno(libc::ENOTCONN));
        };
        loop {
            let io = ffi_ssl::do_handshake(ssl);
            let go_on = match io.ssl_error {
                openssl_sys::SSL_ERROR_NONE => {
                    log_handshake(ssl, *server_side);
                    return Ok(());
                }
                openssl_sys::SSL_ERROR_WANT_READ => wait(sock, false, deadline, Op::Handshake)?,
                openssl_sys::SSL_ERROR_WANT_WRITE => wait(sock, true, deadline, Op::Handshake)?,
                _ => false,
            };
            if !go_on {
                let e = errors::from_io(ssl, &io, server_hostname.as_deref());
                if e.is_cert_verification_error() {
                    log::info!("certificate verification failed: {e}");
                }
                return Err(e);
            }
        }
    }
}

/// Waits for the socket to become readable/writable within the operation's deadline, as
/// CPython's `PySSL_select`. `Ok(false)` means "non-blocking: give up with the SSL error".
fn wait(sock: &socket::socket, writable: bool, deadline: Option<Instant>, op: Op) -> Result<bool> {
    let timeout = match sock.gettimeout() {
        None => return Ok(true),
        Some(0.0) => return Ok(false),
        Some(t) => t,
    };
    let fd = sock.fileno();
    if fd < 0 {
        return Err(SSLError::single("Underlying socket has been closed.").into());
    }
    let remaining = match deadline {
        Some(d) => d.saturating_duration_since(Instant::now()),
        None => Duration::from_secs_f64(timeout),
    };
    match ffi_sys::poll_fd(fd, writable, Some(remaining)) {
        Ok(true) => Ok(true),
        Ok(false) => Err(Error::TimeoutError(op.timeout_text().to_string())),
        Err(e) => Err(e.into()),
    }
}

fn log_handshake(ssl: &Ssl, server_side: bool) {
    if log::log_enabled!(log::Level::Debug) {
        let cipher = ssl.current_cipher().map(|c| c.name()).unwrap_or("none");
        let peer = ssl
            .peer_certificate()
            .map(|c| format!("{:?}", c.subject_name()))
            .unwrap_or_else(|| "none".into());
        log::debug!(
            "TLS handshake done ({}): {} {} peer={}",
            if server_side { "server" } else { "client" },
            ssl.version_str(),
            cipher,
            peer
        );
    }
}

/// SNI and, when `check_hostname` was on at wrap time, the name or IP OpenSSL must verify.
fn configure_hostname(ssl: &mut Ssl, host: &str, check_hostname: bool) -> Result<()> {
    if host.is_empty() || host.starts_with('.') {
        return Err(Error::value(
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    let ip: Option<std::net::IpAddr> = host.parse().ok();
    if ip.is_none() {
        ssl.set_hostname(host).map_err(|_| errors::from_queue())?;
    }
    if check_hostname {
        let param = ssl.param_mut();
        let ok = match ip {
            Some(ip) => param.set_ip(ip),
            None => param.set_host(host),
        };
        ok.map_err(|_| errors::from_queue())?;
    }
    Ok(())
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
        if self.connected || self.ssl.is_some() {
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
            server_hostname: None,
        };
        let ssock = self.context.wrap_socket(newsock, kw)?;
        Ok((ssock, addr))
    }

    /// `ssock.read(len=1024)`: up to `len` decrypted bytes (one TLS record at most); `b''` at a
    /// clean close or, with `suppress_ragged_eofs`, at an abrupt one.
    ///
    /// ```text
    /// Python:  data = ssock.read(1024)
    /// Rust:    let data = ssock.read(1024)?;
    /// ```
    pub fn read(&mut self, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        let n = self.read_into(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `ssock.read(len, buffer)`: decrypts into `buffer`, returning the count.
    ///
    /// ```text
    /// Python:  n = ssock.read(len(buf), buf)
    /// Rust:    let n = ssock.read_into(&mut buf)?;
    /// ```
    pub fn read_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        if self.ssl.is_none() {
            return Err(Error::value("Read on closed or unwrapped SSL socket."));
        }
        match self.ssl_read(buffer) {
            Err(e) if e.errno() == Some(errors::code::EOF) && self.suppress_ragged_eofs => {
                log::info!("ragged EOF suppressed: {e}");
                Ok(0)
            }
            other => other,
        }
    }

    /// CPython's C-level `_SSLSocket.read`.
    fn ssl_read(&mut self, buffer: &mut [u8]) -> Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        let deadline = self.deadline();
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::value("Read on closed or unwrapped SSL socket."));
        };
        loop {
            let io = ffi_ssl::read(ssl, buffer);
            let go_on = match io.ssl_error {
                openssl_sys::SSL_ERROR_NONE => return Ok(io.count),
                openssl_sys::SSL_ERROR_WANT_READ => wait(sock, false, deadline, Op::Read)?,
                openssl_sys::SSL_ERROR_WANT_WRITE => wait(sock, true, deadline, Op::Read)?,
                openssl_sys::SSL_ERROR_ZERO_RETURN
                    if ffi_ssl::get_shutdown(ssl) == openssl_sys::SSL_RECEIVED_SHUTDOWN =>
                {
                    return Ok(0)
                }
                _ => false,
            };
            if !go_on {
                return Err(errors::from_io(ssl, &io, server_hostname.as_deref()));
            }
        }
    }

    /// `ssock.write(data)`: encrypts and sends all of `data`, returning its length.
    ///
    /// ```text
    /// Python:  ssock.write(b'hello')
    /// Rust:    ssock.write(b"hello")?;
    /// ```
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        if self.ssl.is_none() {
            return Err(Error::value("Write on closed or unwrapped SSL socket."));
        }
        self.ssl_write(data)
    }

    /// CPython's C-level `_SSLSocket.write`.
    fn ssl_write(&mut self, data: &[u8]) -> Result<usize> {
        if data.len() > i32::MAX as usize {
            return Err(Error::OverflowError(
                "string longer than 2147483647 bytes".into(),
            ));
        }
        let deadline = self.deadline();
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::value("Write on closed or unwrapped SSL socket."));
        };
        if deadline.is_some() {
            wait(sock, true, deadline, Op::Write)?;
        }
        loop {
            let io = ffi_ssl::write(ssl, data);
            let go_on = match io.ssl_error {
                openssl_sys::SSL_ERROR_NONE => return Ok(io.count),
                openssl_sys::SSL_ERROR_WANT_READ => wait(sock, false, deadline, Op::Write)?,
                openssl_sys::SSL_ERROR_WANT_WRITE => wait(sock, true, deadline, Op::Write)?,
                _ => false,
            };
            if !go_on {
                return Err(errors::from_io(ssl, &io, server_hostname.as_deref()));
            }
        }
    }

    /// `ssock.recv(buflen)`: `read(buflen)` on a TLS socket, a plain `recv` otherwise.
    ///
    /// ```text
    /// Python:  response = secure_sock.recv(4096)
    /// Rust:    let response = secure_sock.recv(4096)?;
    /// ```
    pub fn recv(&mut self, buflen: usize) -> Result<Vec<u8>> {
        if self.ssl.is_some() {
            self.read(buflen)
        } else {
            self.sock.recv(buflen)
        }
    }

    /// `ssock.recv_into(buffer)`: receives into `buffer` (pass `&mut buf[..nbytes]` for Python's
    /// `nbytes`), returning the count.
    ///
    /// ```text
    /// Python:  n = ssock.recv_into(buf)
    /// Rust:    let n = ssock.recv_into(&mut buf)?;
    /// ```
    pub fn recv_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        if self.ssl.is_some() {
            self.read_into(buffer)
        } else {
            self.sock.recv_into(buffer)
        }
    }

    /// `ssock.send(data)`: sends all of `data` as TLS records (never a short count, as in
    /// CPython), or a plain `send` without TLS.
    ///
    /// ```text
    /// Python:  ssock.send(b'ping')
    /// Rust:    ssock.send(b"ping")?;
    /// ```
    pub fn send(&mut self, data: &[u8]) -> Result<usize> {
        if self.ssl.is_some() {
            self.ssl_write(data)
        } else {
            self.sock.send(data)
        }
    }

    /// `ssock.sendall(data)`.
    ///
    /// ```text
    /// Python:  secure_sock.sendall(request.encode('utf-8'))
    /// Rust:    secure_sock.sendall(request.as_bytes())?;
    /// ```
    pub fn sendall(&mut self, data: &[u8]) -> Result<()> {
        if self.ssl.is_none() {
            return self.sock.sendall(data);
        }
        let mut sent = 0;
        while sent < data.len() {
            sent += self.send(&data[sent..])?;
        }
        Ok(())
    }

    /// `ssock.pending()`: decrypted bytes buffered inside OpenSSL, readable without the socket.
    ///
    /// ```text
    /// Python:  ssock.pending()
    /// Rust:    ssock.pending()
    /// ```
    pub fn pending(&self) -> usize {
        self.ssl.as_ref().map_or(0, |s| s.pending())
    }

    /// `ssock.getpeercert(binary_form=False)`: the peer's certificate as CPython's dict (`{}`
    /// when it was not verified) or as DER bytes; `None` when the peer sent none.
    ///
    /// ```text
    /// Python:  print(ssock.getpeercert())
    /// Rust:    println!("{}", ssock.getpeercert(false)?.py_repr());
    /// ```
    pub fn getpeercert(&self, binary_form: bool) -> Result<Option<PeerCert>> {
        if self.sock.fileno() < 0 {
            return Err(Error::from_errno(libc::EBADF));
        }
        if !self.connected {
            self.sock.getpeername()?;
        }
        let Some(ssl) = self.ssl.as_ref() else {
            return Err(Error::from_errno(libc::ENOTCONN));
        };
        if !ssl.is_init_finished() {
            return Err(Error::value("handshake not done yet"));
        }
        let Some(cert) = ssl.peer_certificate() else {
            return Ok(None);
        };
        if binary_form {
            let der = cert.to_der().map_err(|_| errors::from_queue())?;
            return Ok(Some(PeerCert::Binary(der)));
        }
        if ffi_ssl::current_ctx_verify_mode(ssl) & openssl_sys::SSL_VERIFY_PEER == 0 {
            return Ok(Some(PeerCert::Empty));
        }
        Ok(Some(PeerCert::Dict(decode_certificate(&cert)?)))
    }

    /// `ssock.cipher()`: `(name, protocol, secret_bits)` of the negotiated cipher, or `None`.
    ///
    /// ```text
    /// Python:  print(ssock.cipher())
    /// Rust:    println!("{}", ssock.cipher().py_repr());
    /// ```
    pub fn cipher(&self) -> Option<(String, String, i32)> {
        let ssl = self.ssl.as_ref()?;
        ssl.current_cipher().map(cipher_tuple)
    }

    /// `ssock.version()`: `'TLSv1.3'`, `'TLSv1.2'`, ... once the handshake is done, else `None`.
    ///
    /// ```text
    /// Python:  print(ssock.version())
    /// Rust:    println!("{}", ssock.version().py_repr());
    /// ```
    pub fn version(&self) -> Option<String> {
        let ssl = self.ssl.as_ref()?;
        if !ssl.is_init_finished() {
            return None;
        }
        let v = ffi_ssl::version_str(ssl);
        (v != "unknown").then_some(v)
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
        &self.context
    }

    /// `ssock.do_handshake_on_connect`.
    pub fn do_handshake_on_connect(&self) -> bool {
        self.do_handshake_on_connect
    }

    /// `ssock.suppress_ragged_eofs`.
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// `ssock.unwrap()`: sends close_notify, waits for the peer's (blocking sockets), and hands
    /// back the plain socket for clear-text use. On a non-blocking socket it raises
    /// `SSLWantReadError` until the peer's close_notify arrives; call it again then.
    ///
    /// ```text
    /// Python:  sock = ssock.unwrap()
    /// Rust:    let sock = ssock.unwrap()?;
    /// ```
    pub fn unwrap(&mut self) -> Result<socket::socket> {
        if self.ssl.is_none() {
            return Err(Error::value(format!("No SSL wrapper around {self:?}")));
        }
        let deadline = self.deadline();
        let SSLSocket {
            ssl: slot,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = slot.as_mut() else {
            return Err(Error::value("No SSL wrapper"));
        };
        let mut zeros = 0;
        let mut seen_zero = false;
        loop {
            if seen_zero {
                ffi_ssl::disable_read_ahead(ssl);
            }
            let io = ffi_ssl::shutdown(ssl);
            if io.ret > 0 {
                break;
            }
            if io.ret == 0 {
                zeros += 1;
                if zeros > 1 {
                    break;
                }
                seen_zero = true;
                continue;
            }
            let (writable, op) = match io.ssl_error {
                openssl_sys::SSL_ERROR_WANT_READ => (false, Op::Read),
                openssl_sys::SSL_ERROR_WANT_WRITE => (true, Op::Write),
                _ => return Err(errors::from_io(ssl, &io, server_hostname.as_deref())),
            };
            if !wait(sock, writable, deadline, op)? {
                return Err(errors::from_io(ssl, &io, server_hostname.as_deref()));
            }
        }
        *slot = None;
        Ok(sock.take())
    }

    /// `ssock.shutdown(how)`: drops the TLS layer without close_notify, then shuts the socket
    /// down, as Python's does.
    ///
    /// ```text
    /// Python:  ssock.shutdown(socket.SHUT_RDWR)
    /// Rust:    ssock.shutdown(socket::SHUT_RDWR)?;
    /// ```
    pub fn shutdown(&mut self, how: i32) -> Result<()> {
        self.ssl = None;
        self.sock.shutdown(how)
    }

    /// `ssock.close()`: drops the TLS layer (no close_notify, as CPython) and closes the socket.
    ///
    /// ```text
    /// Python:  secure_sock.close()
    /// Rust:    secure_sock.close()?;
    /// ```
    pub fn close(&mut self) -> Result<()> {
        self.ssl = None;
        self.sock.close()
    }

    /// The underlying `openssl` connection, for what Python never had (an escape hatch).
    pub fn ssl_object(&self) -> Option<&openssl::ssl::SslRef> {
        self.ssl.as_deref()
    }
}

impl std::io::Read for SSLSocket {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.recv_into(buf).map_err(Into::into)
    }
}

impl std::io::Write for SSLSocket {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.send(buf).map_err(Into::into)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
