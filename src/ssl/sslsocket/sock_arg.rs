//! [`SockArg`]: the `sock` argument of `wrap_socket`, moved in or lent as `&mut`, so that a
//! failed wrap leaves the caller's socket as Python leaves it.
//!
//! ```text
//! Python:  try: ssock = ctx.wrap_socket(sock, server_hostname=host)
//!          except ValueError: sock.sendall(b'plain text still works')
//! Rust:    match ctx.wrap_socket(&mut sock, ssl::WrapSocket { server_hostname: Some(host), ..Default::default() }) {
//!              Err(e) if e.is_value_error() => sock.sendall(b"plain text still works")?, ...
//! ```

use crate::error::Result;
use crate::socket;

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::socket::socket {}
    impl Sealed for &mut crate::socket::socket {}
}

/// What [`SSLContext::wrap_socket`](crate::ssl::SSLContext::wrap_socket) (and the 3.11
/// [`ssl::wrap_socket`](crate::ssl::wrap_socket)) take as `sock`:
///
/// * a [`socket::socket`](struct@socket::socket), moved in: `ctx.wrap_socket(sock, kw)`. The
///   usual form when the plain socket is not needed again (a failed wrap closes it);
/// * `&mut socket::socket`: `ctx.wrap_socket(&mut sock, kw)`, when the code goes on with
///   `sock` after a failure, as Python code can. `sock` ends as Python's variable does: after
///   a success it is detached (`fileno()` is `-1`: the `SSLSocket` owns the descriptor now);
///   after a failure of the argument checks made before Python's `wrap_socket` takes the
///   socket over (`server_hostname can only be specified in client mode`, `check_hostname
///   requires server_hostname`, `session can only be specified in client mode`, a datagram
///   socket's `NotImplementedError('only stream sockets are supported')`, a closed socket's
///   `EBADF`) it is untouched and usable; after a later failure (a failed handshake, a
///   `server_hostname` IDNA cannot encode, a non-blocking socket with
///   `do_handshake_on_connect`, ...) it is detached, and the descriptor closed.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::{socket, ssl};
///
/// let (mut sock, peer) = socket::socketpair()?;
/// let ctx = ssl::create_default_context()?;
/// // Python: try:
/// //             ssock = ctx.wrap_socket(sock)
/// //         except ValueError as e:
/// //             print(e)                  # check_hostname requires server_hostname
/// //             sock.sendall(b'QUIT\r\n')  # still the plain socket
/// match ctx.wrap_socket(&mut sock, Default::default()) {
///     Ok(_ssock) => unreachable!(),
///     Err(e) if e.is_value_error() => {
///         assert_eq!(e.to_string(), "check_hostname requires server_hostname");
///         sock.sendall(b"QUIT\r\n")?;
///     }
///     Err(e) => return Err(e),
/// }
/// assert_eq!(peer.recv(1024)?, b"QUIT\r\n");
/// # Ok(())
/// # }
/// ```
///
/// Sealed: implemented for these two forms only.
pub trait SockArg: sealed::Sealed {
    /// Runs `check` on the socket (the checks Python makes before it detaches it) and, if it
    /// passes, hands the socket over, leaving a lent one detached; if it fails, a lent socket
    /// is left as it was.
    fn checked_socket(
        self,
        check: &dyn Fn(&socket::socket) -> Result<()>,
    ) -> Result<socket::socket>;
}

impl SockArg for socket::socket {
    fn checked_socket(
        self,
        check: &dyn Fn(&socket::socket) -> Result<()>,
    ) -> Result<socket::socket> {
        check(&self)?;
        Ok(self)
    }
}

impl SockArg for &mut socket::socket {
    fn checked_socket(
        self,
        check: &dyn Fn(&socket::socket) -> Result<()>,
    ) -> Result<socket::socket> {
        check(self)?;
        // Python's `sock.detach()`: from here on a failure closes the new owner, not `sock`.
        Ok(self.take())
    }
}
