//! [`SocketLike`]: what Python's duck typing gives code that takes "a socket, plain or TLS".
//!
//! ```text
//! Python:  def send_line(sock, line): sock.sendall(line.encode() + b'\r\n')
//! Rust:    fn send_line(sock: &mut dyn SocketLike, line: &str) -> pyssl::Result<()> { sock.sendall(format!("{line}\r\n").as_bytes()) }
//! ```

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use super::{socket, Address};
use crate::error::Result;

/// The methods Python code calls on "a socket" without caring whether it is a
/// `socket.socket` or an `ssl.SSLSocket` (an `SSLSocket` *is* a `socket.socket` in Python).
/// Implemented by [`socket::socket`](struct@socket), [`ssl::SSLSocket`](crate::ssl::SSLSocket)
/// and [`ssl::AnySocket`](crate::ssl::AnySocket); each call is the type's own method of the
/// same name, so on an `SSLSocket` `send` encrypts, as Python's does.
///
/// ```text
/// Python:  def command(sock, line):              # any socket, plain or TLS
///              sock.sendall(line + b'\r\n')
///              return sock.recv(1024)
/// Rust:    fn command(sock: &mut dyn SocketLike, line: &[u8]) -> pyssl::Result<Vec<u8>> {
///              sock.sendall(&[line, b"\r\n"].concat())?;
///              sock.recv(1024)
///          }
/// ```
///
/// The trait is object safe (`&mut dyn SocketLike`, `Box<dyn SocketLike>`); generic code
/// (`impl SocketLike`) works too. I/O takes `&mut self` because `SSLSocket`'s does. Setting
/// up a connection (`bind`, `listen`, `connect`, `accept`) is left to the concrete types,
/// whose signatures differ. Bring the trait into scope (`use pyssl::socket::SocketLike;`) to
/// call its methods on a `dyn SocketLike`; on the concrete types the same names are their
/// own methods.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::socket::{self, SocketLike};
/// use pyssl::ssl;
/// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
///
/// // Python: def send_line(sock, line): sock.sendall(line.encode() + b'\r\n')
/// fn send_line(sock: &mut dyn SocketLike, line: &str) -> pyssl::Result<()> {
///     sock.sendall(format!("{line}\r\n").as_bytes())
/// }
///
/// let (mut a, b) = socket::socketpair()?;
/// send_line(&mut a, "plain")?; // a socket.socket
/// assert_eq!(b.recv(1024)?, b"plain\r\n");
///
/// // The same helper on TLS sockets: they send TLS records.
/// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
/// let server = std::thread::spawn(move || -> pyssl::Result<Vec<u8>> {
///     let mut conn = server_ctx.wrap_socket(b, ssl::WrapSocket { server_side: true, ..Default::default() })?;
///     conn.recv(1024)
/// });
/// let ca = format!("{fixtures}/ca.pem");
/// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
/// let tls = ctx.wrap_socket(a, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
/// let mut sock: Box<dyn SocketLike> = Box::new(tls);
/// send_line(&mut *sock, "secret")?;
/// assert_eq!(server.join().unwrap()?, b"secret\r\n");
/// # Ok(())
/// # }
/// ```
pub trait SocketLike: io::Read + io::Write + AsRawFd + fmt::Debug {
    /// `sock.send(data)` → `sock.send(data)?`.
    fn send(&mut self, data: &[u8]) -> Result<usize>;
    /// `sock.send(data, flags)` → `sock.send_flags(data, flags)?`.
    fn send_flags(&mut self, data: &[u8], flags: i32) -> Result<usize>;
    /// `sock.sendall(data)` → `sock.sendall(data)?`.
    fn sendall(&mut self, data: &[u8]) -> Result<()>;
    /// `sock.sendall(data, flags)` → `sock.sendall_flags(data, flags)?`.
    fn sendall_flags(&mut self, data: &[u8], flags: i32) -> Result<()>;
    /// `sock.recv(bufsize)` → `sock.recv(bufsize)?`.
    fn recv(&mut self, bufsize: usize) -> Result<Vec<u8>>;
    /// `sock.recv(bufsize, flags)` → `sock.recv_flags(bufsize, flags)?`.
    fn recv_flags(&mut self, bufsize: usize, flags: i32) -> Result<Vec<u8>>;
    /// `n = sock.recv_into(buffer)` → `let n = sock.recv_into(&mut buffer)?;`.
    fn recv_into(&mut self, buffer: &mut [u8]) -> Result<usize>;
    /// `sock.recv_into(buffer, 0, flags)` → `sock.recv_into_flags(&mut buffer, flags)?`.
    fn recv_into_flags(&mut self, buffer: &mut [u8], flags: i32) -> Result<usize>;
    /// `sock.shutdown(socket.SHUT_WR)` → `sock.shutdown(socket::SHUT_WR)?`.
    fn shutdown(&mut self, how: i32) -> Result<()>;
    /// `sock.close()` → `sock.close()?`.
    fn close(&mut self) -> Result<()>;
    /// `fd = sock.detach()` → `let fd = sock.detach();`.
    fn detach(&mut self) -> RawFd;
    /// `sock.fileno()` → `sock.fileno()`.
    fn fileno(&self) -> RawFd;
    /// `sock.family` → `sock.family()`.
    fn family(&self) -> i32;
    /// `sock.type` → `sock.type_()`.
    fn type_(&self) -> i32;
    /// `sock.proto` → `sock.proto()`.
    fn proto(&self) -> i32;
    /// `sock.settimeout(5)` → `sock.settimeout(Some(5.0))?`.
    fn settimeout(&self, timeout: Option<f64>) -> Result<()>;
    /// `sock.gettimeout()` → `sock.gettimeout()`.
    fn gettimeout(&self) -> Option<f64>;
    /// `sock.setblocking(False)` → `sock.setblocking(false)?`.
    fn setblocking(&self, flag: bool) -> Result<()>;
    /// `sock.getblocking()` → `sock.getblocking()`.
    fn getblocking(&self) -> bool;
    /// `sock.getpeername()` → `sock.getpeername()?`.
    fn getpeername(&self) -> Result<Address>;
    /// `sock.getsockname()` → `sock.getsockname()?`.
    fn getsockname(&self) -> Result<Address>;
    /// `sock.setsockopt(level, optname, 1)` → `sock.setsockopt(level, optname, 1)?`.
    fn setsockopt(&self, level: i32, optname: i32, value: i32) -> Result<()>;
    /// `sock.setsockopt(level, optname, b"...")` → `sock.setsockopt_bytes(level, optname, b"...")?`.
    fn setsockopt_bytes(&self, level: i32, optname: i32, value: &[u8]) -> Result<()>;
    /// `sock.getsockopt(level, optname)` → `sock.getsockopt(level, optname)?`.
    fn getsockopt(&self, level: i32, optname: i32) -> Result<i32>;
    /// `sock.getsockopt(level, optname, buflen)` → `sock.getsockopt_bytes(level, optname, buflen)?`.
    fn getsockopt_bytes(&self, level: i32, optname: i32, buflen: usize) -> Result<Vec<u8>>;
    /// `sock.get_inheritable()` → `sock.get_inheritable()?`.
    fn get_inheritable(&self) -> Result<bool>;
    /// `sock.set_inheritable(True)` → `sock.set_inheritable(true)?`.
    fn set_inheritable(&self, inheritable: bool) -> Result<()>;
}

/// Implements [`SocketLike`] for a type by calling its inherent methods of the same names
/// (`Self::name` paths pick the inherent method over the trait's).
macro_rules! socket_like_by_inherent_methods {
    ($ty:ty) => {
        impl $crate::socket::SocketLike for $ty {
            fn send(&mut self, data: &[u8]) -> $crate::Result<usize> {
                Self::send(self, data)
            }
            fn send_flags(&mut self, data: &[u8], flags: i32) -> $crate::Result<usize> {
                Self::send_flags(self, data, flags)
            }
            fn sendall(&mut self, data: &[u8]) -> $crate::Result<()> {
                Self::sendall(self, data)
            }
            fn sendall_flags(&mut self, data: &[u8], flags: i32) -> $crate::Result<()> {
                Self::sendall_flags(self, data, flags)
            }
            fn recv(&mut self, bufsize: usize) -> $crate::Result<Vec<u8>> {
                Self::recv(self, bufsize)
            }
            fn recv_flags(&mut self, bufsize: usize, flags: i32) -> $crate::Result<Vec<u8>> {
                Self::recv_flags(self, bufsize, flags)
            }
            fn recv_into(&mut self, buffer: &mut [u8]) -> $crate::Result<usize> {
                Self::recv_into(self, buffer)
            }
            fn recv_into_flags(&mut self, buffer: &mut [u8], flags: i32) -> $crate::Result<usize> {
                Self::recv_into_flags(self, buffer, flags)
            }
            fn shutdown(&mut self, how: i32) -> $crate::Result<()> {
                Self::shutdown(self, how)
            }
            fn close(&mut self) -> $crate::Result<()> {
                Self::close(self)
            }
            fn detach(&mut self) -> std::os::fd::RawFd {
                Self::detach(self)
            }
            fn fileno(&self) -> std::os::fd::RawFd {
                Self::fileno(self)
            }
            fn family(&self) -> i32 {
                Self::family(self)
            }
            fn type_(&self) -> i32 {
                Self::type_(self)
            }
            fn proto(&self) -> i32 {
                Self::proto(self)
            }
            fn settimeout(&self, timeout: Option<f64>) -> $crate::Result<()> {
                Self::settimeout(self, timeout)
            }
            fn gettimeout(&self) -> Option<f64> {
                Self::gettimeout(self)
            }
            fn setblocking(&self, flag: bool) -> $crate::Result<()> {
                Self::setblocking(self, flag)
            }
            fn getblocking(&self) -> bool {
                Self::getblocking(self)
            }
            fn getpeername(&self) -> $crate::Result<$crate::socket::Address> {
                Self::getpeername(self)
            }
            fn getsockname(&self) -> $crate::Result<$crate::socket::Address> {
                Self::getsockname(self)
            }
            fn setsockopt(&self, level: i32, optname: i32, value: i32) -> $crate::Result<()> {
                Self::setsockopt(self, level, optname, value)
            }
            fn setsockopt_bytes(
                &self,
                level: i32,
                optname: i32,
                value: &[u8],
            ) -> $crate::Result<()> {
                Self::setsockopt_bytes(self, level, optname, value)
            }
            fn getsockopt(&self, level: i32, optname: i32) -> $crate::Result<i32> {
                Self::getsockopt(self, level, optname)
            }
            fn getsockopt_bytes(
                &self,
                level: i32,
                optname: i32,
                buflen: usize,
            ) -> $crate::Result<Vec<u8>> {
                Self::getsockopt_bytes(self, level, optname, buflen)
            }
            fn get_inheritable(&self) -> $crate::Result<bool> {
                Self::get_inheritable(self)
            }
            fn set_inheritable(&self, inheritable: bool) -> $crate::Result<()> {
                Self::set_inheritable(self, inheritable)
            }
        }
    };
}
pub(crate) use socket_like_by_inherent_methods;

socket_like_by_inherent_methods!(socket);
