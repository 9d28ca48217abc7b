//! `SSLSocket` I/O: the handshake, reads, writes and `unwrap()`, driven as CPython's `_ssl`
//! drives OpenSSL: raw `SSL_*` calls on the descriptor, `poll` on `WANT_READ`/`WANT_WRITE`
//! within one deadline per operation, and CPython's classification of every failure.

use std::time::{Duration, Instant};

use openssl::ssl::Ssl;

use super::SSLSocket;
use crate::error::{Error, Result, SSLError};
use crate::ffi::{ssl as ffi_ssl, sys as ffi_sys};
use crate::socket;
use crate::ssl::errors;

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

impl SSLSocket {
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

impl SSLSocket {
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
