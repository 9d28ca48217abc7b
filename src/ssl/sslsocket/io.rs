//! `SSLSocket` I/O over the shared connection core (`ssl::connection`): the socket is the
//! waiter, so a timeout bounds each operation and a non-blocking socket raises the want-errors.
//!
//! ```text
//! Python:  ssock.sendall(b'ping'); data = ssock.recv(1024)
//! Rust:    ssock.sendall(b"ping")?; let data = ssock.recv(1024)?;
//! ```

use super::SSLSocket;
use crate::error::{Error, Result, SSLError, SSLErrorKind};
use crate::ffi::outbuf::{self, OutBuf};
use crate::socket;
use crate::ssl::connection;
use crate::ssl::errors;

impl SSLSocket {
    /// `ssock.do_handshake()`: run the TLS handshake now.
    ///
    /// ```text
    /// Python:  ssock.do_handshake()
    /// Rust:    ssock.do_handshake()?;
    /// ```
    pub fn do_handshake(&mut self) -> Result<()> {
        // Closed or detached: CPython's `do_handshake` ends by restoring the timeout, which
        // fails on the closed descriptor and replaces whatever it was raising.
        if self.sock.fileno() < 0 {
            return Err(Error::from_errno(libc::EBADF));
        }
        if !self.connected {
            self.sock.getpeername()?;
        }
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::from_errno(libc::ENOTCONN));
        };
        connection::do_handshake(ssl, sock, server_hostname.as_deref())
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
    ///
    /// A `len` no buffer can have is CPython's `MemoryError`/`OverflowError`, never an abort.
    pub fn read(&mut self, len: usize) -> Result<Vec<u8>> {
        self.check_readable()?;
        outbuf::read_new(len, |buf| self.read_to(buf))
    }

    /// `ssock.read(len, buffer)`: decrypts into `buffer`, returning the count.
    ///
    /// ```text
    /// Python:  n = ssock.read(len(buf), buf)
    /// Rust:    let n = ssock.read_into(&mut buf)?;
    /// ```
    pub fn read_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        self.read_to(&mut OutBuf::from(buffer))
    }

    /// Python's checks before a read (they come before `read(len)` allocates).
    fn check_readable(&self) -> Result<()> {
        if self.tls().is_none() {
            return Err(Error::value("Read on closed or unwrapped SSL socket."));
        }
        Ok(())
    }

    /// `read`/`read_into` into a caller's buffer or a new one.
    fn read_to(&mut self, buffer: &mut OutBuf<'_>) -> Result<usize> {
        self.check_readable()?;
        // `Ok(n) => Ok(n)` rather than `other => other`: the success path then builds a fresh
        // `Ok` instead of copying the whole 120-byte `Result` (its error arm is that large).
        match self.ssl_read(buffer) {
            Ok(n) => Ok(n),
            Err(e) if e.errno() == Some(errors::code::EOF) && self.suppress_ragged_eofs => {
                log::info!("ragged EOF suppressed: {e}");
                Ok(0)
            }
            Err(e) => Err(e),
        }
    }

    /// CPython's C-level `_SSLSocket.read`.
    fn ssl_read(&mut self, buffer: &mut OutBuf<'_>) -> Result<usize> {
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::value("Read on closed or unwrapped SSL socket."));
        };
        check_attached(sock)?;
        connection::read(ssl, buffer, sock, server_hostname.as_deref())
    }

    /// `ssock.write(data)`: encrypts and sends all of `data`, returning its length.
    ///
    /// ```text
    /// Python:  ssock.write(b'hello')
    /// Rust:    ssock.write(b"hello")?;
    /// ```
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        if self.tls().is_none() {
            return Err(Error::value("Write on closed or unwrapped SSL socket."));
        }
        self.ssl_write(data)
    }

    /// CPython's C-level `_SSLSocket.write`.
    fn ssl_write(&mut self, data: &[u8]) -> Result<usize> {
        let SSLSocket {
            ssl,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = ssl.as_mut() else {
            return Err(Error::value("Write on closed or unwrapped SSL socket."));
        };
        check_attached(sock)?;
        connection::write(ssl, data, sock, server_hostname.as_deref())
    }

    /// `ssock.recv(buflen)`: `read(buflen)` on a TLS socket, a plain `recv` otherwise.
    ///
    /// ```text
    /// Python:  response = secure_sock.recv(4096)
    /// Rust:    let response = secure_sock.recv(4096)?;
    /// ```
    pub fn recv(&mut self, buflen: usize) -> Result<Vec<u8>> {
        if self.tls().is_some() {
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
        if self.tls().is_some() {
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
        if self.tls().is_some() {
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
        if self.tls().is_none() {
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
        self.tls().map_or(0, |s| s.pending())
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
        let SSLSocket {
            ssl: slot,
            sock,
            server_hostname,
            ..
        } = self;
        let Some(ssl) = slot.as_mut().filter(|_| !sock.is_closed()) else {
            return Err(Error::value(format!("No SSL wrapper around {self:?}")));
        };
        if sock.fileno() < 0 {
            // Detached: CPython's C-level shutdown finds its socket gone.
            return Err(SSLError::new(
                SSLErrorKind::SSLError,
                0,
                "Underlying socket connection gone",
            )
            .into());
        }
        connection::shutdown(ssl, sock, server_hostname.as_deref())?;
        *slot = None;
        Ok(sock.take())
    }
}

/// The TLS layer outlives `detach()` (as in Python), but the descriptor it was attached to
/// belongs to the caller then: refuse to read or write it, with CPython's text for a TLS
/// socket whose descriptor is gone.
fn check_attached(sock: &socket::socket) -> Result<()> {
    if sock.fileno() < 0 {
        return Err(SSLError::single("Underlying socket has been closed.").into());
    }
    Ok(())
}

/// Python's answer to socket flags on a TLS socket.
fn flags_error(call: &str) -> Error {
    Error::value(format!(
        "non-zero flags not allowed in calls to {call}() on <class 'ssl.SSLSocket'>"
    ))
}

/// The socket calls with `flags`: Python's `SSLSocket` refuses non-zero flags while TLS is
/// active (they would bypass it) and passes them to the plain socket otherwise, so no flag
/// variant sends clear text on a TLS connection.
impl SSLSocket {
    /// `ssock.recv(buflen, flags)`.
    pub fn recv_flags(&mut self, buflen: usize, flags: i32) -> Result<Vec<u8>> {
        match (self.tls().is_some(), flags) {
            (true, 0) => self.recv(buflen),
            (true, _) => Err(flags_error("recv")),
            (false, _) => self.sock.recv_flags(buflen, flags),
        }
    }

    /// `ssock.recv_into(buffer, nbytes, flags)`.
    pub fn recv_into_flags(&mut self, buffer: &mut [u8], flags: i32) -> Result<usize> {
        match (self.tls().is_some(), flags) {
            (true, 0) => self.recv_into(buffer),
            (true, _) => Err(flags_error("recv_into")),
            (false, _) => self.sock.recv_into_flags(buffer, flags),
        }
    }

    /// `ssock.send(data, flags)`.
    pub fn send_flags(&mut self, data: &[u8], flags: i32) -> Result<usize> {
        match (self.tls().is_some(), flags) {
            (true, 0) => self.send(data),
            (true, _) => Err(flags_error("send")),
            (false, _) => self.sock.send_flags(data, flags),
        }
    }

    /// `ssock.sendall(data, flags)`.
    pub fn sendall_flags(&mut self, data: &[u8], flags: i32) -> Result<()> {
        match (self.tls().is_some(), flags) {
            (true, 0) => self.sendall(data),
            (true, _) => Err(flags_error("sendall")),
            (false, _) => self.sock.sendall_flags(data, flags),
        }
    }

    /// `ssock.dup()`: not allowed, as in Python.
    pub fn dup(&self) -> Result<socket::socket> {
        Err(Error::NotImplementedError(
            "Can't dup() SSLSocket instances".into(),
        ))
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
