//! [`AnySocket`]: one variable for a connection that switches between clear text and TLS
//! (STARTTLS, and back with `unwrap()`), as a Python variable is rebound.
//!
//! ```text
//! Python:  sock = ctx.wrap_socket(sock, server_hostname=host)    # STARTTLS
//! Rust:    sock.wrap_socket(&ctx, ssl::WrapSocket { server_hostname: Some(host), ..Default::default() })?;
//! Python:  sock = sock.unwrap()                                   # back to clear text
//! Rust:    sock.unwrap()?;
//! ```

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use super::{SSLSocket, WrapSocket};
use crate::error::{Error, Result};
use crate::pyrepr::PyRepr;
use crate::socket::{self, Address};
use crate::ssl::SSLContext;

/// A socket that is plain or TLS, and can change from one to the other in place: what a Python
/// variable holds when a protocol upgrades with STARTTLS (`sock = ctx.wrap_socket(sock, ...)`)
/// and drops TLS again (`sock = sock.unwrap()`). Its socket methods are those of
/// [`SocketLike`](crate::socket::SocketLike) (bring the trait into scope), each the method of
/// the socket it holds, so the same helper code serves both phases. The TLS queries a script
/// makes after STARTTLS (`sock.version()`, `sock.cipher()`, `sock.getpeercert()`, ...) are its
/// own methods (Python's `AttributeError` while it is plain); other TLS-only calls go through
/// the [`Tls`](AnySocket::Tls) variant.
///
/// Named for what it stands in for: Python's "any socket" (a `socket.socket`, which an
/// `SSLSocket` also is), in a type that says at every use that it may be either.
///
/// An SMTP-style client (the server side is hidden), one `command` helper for both phases:
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::socket::{self, SocketLike};
/// use pyssl::ssl;
/// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// # let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// # server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
/// # let (client, server) = socket::socketpair()?;
/// # let server = std::thread::spawn(move || -> pyssl::Result<()> {
/// #     let mut conn = ssl::AnySocket::from(server);
/// #     assert_eq!(conn.recv(1024)?, b"STARTTLS\r\n");
/// #     conn.sendall(b"220 Go ahead\r\n")?;
/// #     conn.wrap_socket(&server_ctx, ssl::WrapSocket { server_side: true, ..Default::default() })?;
/// #     assert_eq!(conn.recv(1024)?, b"EHLO client\r\n");
/// #     conn.sendall(b"250 localhost\r\n")?;
/// #     Ok(())
/// # });
/// # let ca = format!("{fixtures}/ca.pem");
/// # let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
/// // Python: def command(sock, line):
/// //             sock.sendall(line + b'\r\n'); return sock.recv(1024)
/// fn command(sock: &mut dyn SocketLike, line: &[u8]) -> pyssl::Result<Vec<u8>> {
///     sock.sendall(&[line, b"\r\n"].concat())?;
///     sock.recv(1024)
/// }
///
/// let mut sock = ssl::AnySocket::from(client); // Python: sock = socket.create_connection(...)
/// assert_eq!(command(&mut sock, b"STARTTLS")?, b"220 Go ahead\r\n");
/// // Python: sock = ctx.wrap_socket(sock, server_hostname='localhost')
/// sock.wrap_socket(&ctx, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
/// assert_eq!(command(&mut sock, b"EHLO client")?, b"250 localhost\r\n"); // over TLS
/// assert_eq!(sock.version()?.as_deref(), Some("TLSv1.3")); // Python: sock.version()
/// # server.join().unwrap()?;
/// # Ok(())
/// # }
/// ```
pub enum AnySocket {
    /// A plain `socket.socket`: `send` puts clear text on the wire.
    Plain(socket::socket),
    /// An `ssl.SSLSocket`: `send` sends TLS records.
    Tls(SSLSocket),
}

impl AnySocket {
    /// `sock = ctx.wrap_socket(sock, ...)` → `sock.wrap_socket(&ctx, ssl::WrapSocket { ... })?`:
    /// STARTTLS, in place.
    ///
    /// ```text
    /// Python:  conn = ctx.wrap_socket(conn, server_side=True)
    /// Rust:    conn.wrap_socket(&ctx, ssl::WrapSocket { server_side: true, ..Default::default() })?;
    /// ```
    ///
    /// Failures leave what Python leaves in the variable: the checks made before
    /// `wrap_socket` takes the socket over (`check_hostname requires server_hostname`, ...) leave
    /// it untouched; a later failure (a handshake error, say) leaves it closed (Python's
    /// `wrap_socket` has detached it by then). On a socket that is TLS already this is
    /// `ValueError` (Python would start a second handshake on the raw descriptor).
    pub fn wrap_socket(&mut self, context: &SSLContext, kw: WrapSocket<'_>) -> Result<()> {
        let AnySocket::Plain(sock) = self else {
            return Err(Error::value(
                "wrap_socket() needs a plain socket: this one is an SSLSocket already",
            ));
        };
        // A lent socket is left as Python leaves its variable (see `SockArg`).
        *self = AnySocket::Tls(context.wrap_socket(sock, kw)?);
        Ok(())
    }

    /// `sock = sock.unwrap()` → `sock.unwrap()?`: close_notify both ways, then clear text
    /// again on the same connection ([`SSLSocket::unwrap`]).
    ///
    /// On a non-blocking socket waiting for the peer's close_notify (`SSLWantReadError`) it
    /// stays TLS; call again. On a plain socket it is `ValueError('No SSL wrapper around
    /// <socket.socket ...>')`, the text of an `SSLSocket` without TLS (in Python a plain
    /// socket has no `unwrap` at all).
    pub fn unwrap(&mut self) -> Result<()> {
        match self {
            AnySocket::Tls(tls) => {
                let plain = tls.unwrap()?;
                *self = AnySocket::Plain(plain);
                Ok(())
            }
            AnySocket::Plain(sock) => Err(Error::value(format!("No SSL wrapper around {sock:?}"))),
        }
    }
}

impl From<socket::socket> for AnySocket {
    fn from(sock: socket::socket) -> AnySocket {
        AnySocket::Plain(sock)
    }
}

impl From<SSLSocket> for AnySocket {
    fn from(sock: SSLSocket) -> AnySocket {
        AnySocket::Tls(sock)
    }
}

/// `$body` with `$s` bound to the socket inside, whichever variant holds it. The trait
/// `SocketLike` is deliberately not imported in this file: each call below is the inner type's
/// own method.
macro_rules! on_inner {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            AnySocket::Plain($s) => $body,
            AnySocket::Tls($s) => $body,
        }
    };
}

impl crate::socket::SocketLike for AnySocket {
    fn send(&mut self, data: &[u8]) -> Result<usize> {
        on_inner!(self, s => s.send(data))
    }
    fn send_flags(&mut self, data: &[u8], flags: i32) -> Result<usize> {
        on_inner!(self, s => s.send_flags(data, flags))
    }
    fn sendall(&mut self, data: &[u8]) -> Result<()> {
        on_inner!(self, s => s.sendall(data))
    }
    fn sendall_flags(&mut self, data: &[u8], flags: i32) -> Result<()> {
        on_inner!(self, s => s.sendall_flags(data, flags))
    }
    fn recv(&mut self, bufsize: usize) -> Result<Vec<u8>> {
        on_inner!(self, s => s.recv(bufsize))
    }
    fn recv_flags(&mut self, bufsize: usize, flags: i32) -> Result<Vec<u8>> {
        on_inner!(self, s => s.recv_flags(bufsize, flags))
    }
    fn recv_into(&mut self, buffer: &mut [u8]) -> Result<usize> {
        on_inner!(self, s => s.recv_into(buffer))
    }
    fn recv_into_flags(&mut self, buffer: &mut [u8], flags: i32) -> Result<usize> {
        on_inner!(self, s => s.recv_into_flags(buffer, flags))
    }
    fn shutdown(&mut self, how: i32) -> Result<()> {
        on_inner!(self, s => s.shutdown(how))
    }
    fn close(&mut self) -> Result<()> {
        on_inner!(self, s => s.close())
    }
    fn detach(&mut self) -> RawFd {
        on_inner!(self, s => s.detach())
    }
    fn fileno(&self) -> RawFd {
        on_inner!(self, s => s.fileno())
    }
    fn family(&self) -> i32 {
        on_inner!(self, s => s.family())
    }
    fn type_(&self) -> i32 {
        on_inner!(self, s => s.type_())
    }
    fn proto(&self) -> i32 {
        on_inner!(self, s => s.proto())
    }
    fn settimeout(&self, timeout: Option<f64>) -> Result<()> {
        on_inner!(self, s => s.settimeout(timeout))
    }
    fn gettimeout(&self) -> Option<f64> {
        on_inner!(self, s => s.gettimeout())
    }
    fn setblocking(&self, flag: bool) -> Result<()> {
        on_inner!(self, s => s.setblocking(flag))
    }
    fn getblocking(&self) -> bool {
        on_inner!(self, s => s.getblocking())
    }
    fn getpeername(&self) -> Result<Address> {
        on_inner!(self, s => s.getpeername())
    }
    fn getsockname(&self) -> Result<Address> {
        on_inner!(self, s => s.getsockname())
    }
    fn setsockopt(&self, level: i32, optname: i32, value: i32) -> Result<()> {
        on_inner!(self, s => s.setsockopt(level, optname, value))
    }
    fn setsockopt_bytes(&self, level: i32, optname: i32, value: &[u8]) -> Result<()> {
        on_inner!(self, s => s.setsockopt_bytes(level, optname, value))
    }
    fn getsockopt(&self, level: i32, optname: i32) -> Result<i32> {
        on_inner!(self, s => s.getsockopt(level, optname))
    }
    fn getsockopt_bytes(&self, level: i32, optname: i32, buflen: usize) -> Result<Vec<u8>> {
        on_inner!(self, s => s.getsockopt_bytes(level, optname, buflen))
    }
    fn get_inheritable(&self) -> Result<bool> {
        on_inner!(self, s => s.get_inheritable())
    }
    fn set_inheritable(&self, inheritable: bool) -> Result<()> {
        on_inner!(self, s => s.set_inheritable(inheritable))
    }
}

impl io::Read for AnySocket {
    /// The inner socket's `Read` (`recv_into`, decrypting on TLS).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        on_inner!(self, s => io::Read::read(s, buf))
    }
}

impl io::Write for AnySocket {
    /// The inner socket's `Write` (`send`, encrypting on TLS).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        on_inner!(self, s => io::Write::write(s, buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsRawFd for AnySocket {
    fn as_raw_fd(&self) -> RawFd {
        on_inner!(self, s => s.as_raw_fd())
    }
}

impl PyRepr for AnySocket {
    /// The held socket's repr: `<socket.socket ...>` or `<ssl.SSLSocket ...>`.
    fn py_repr(&self) -> String {
        on_inner!(self, s => s.py_repr())
    }
}

impl fmt::Debug for AnySocket {
    /// Python's `repr(sock)` of the socket held (see [`PyRepr`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}
