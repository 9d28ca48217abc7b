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

use openssl::ssl::{Ssl, SslVerifyMode};

use super::certificates::{decode_certificate, PeerCert};
use super::ciphers::cipher_tuple;
use super::constants::SSLMethod;
use super::context::SSLContext;
use super::errors;
use super::idna;

mod chain;
mod io;
use crate::error::{Error, Result, SSLError, SSLErrorKind};
use crate::ffi::ssl as ffi_ssl;
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
