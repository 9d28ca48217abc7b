//! The datagram and message calls Python's `SSLSocket` inherits from `socket.socket` and
//! overrides so that they never bypass TLS: `sendto`, `recvfrom` and `recvfrom_into` raise
//! `ValueError` while TLS is active and are the plain socket's otherwise; `sendmsg`, `recvmsg`
//! and `recvmsg_into` always raise `NotImplementedError`.
//!
//! ```text
//! Python:  ssock.recvfrom(1024)
//!          ValueError: recvfrom not allowed on instances of <class 'ssl.SSLSocket'>
//! Rust:    ssock.recvfrom(1024)  // Err(ValueError("recvfrom not allowed on instances of <class 'ssl.SSLSocket'>"))
//! ```

use super::SSLSocket;
use crate::error::{Error, Result};
use crate::socket::{Address, RecvMsg, RecvMsgInto, ToAddress};

/// Python's `ValueError` for a datagram call on a TLS socket.
fn not_allowed(call: &str) -> Error {
    Error::value(format!(
        "{call} not allowed on instances of <class 'ssl.SSLSocket'>"
    ))
}

/// Python's `NotImplementedError` for a message call on any `SSLSocket`.
fn not_implemented(call: &str) -> Error {
    Error::NotImplementedError(format!(
        "{call} not allowed on instances of <class 'ssl.SSLSocket'>"
    ))
}

impl SSLSocket {
    /// `ssock.sendto(data, address)` → `ssock.sendto(data, address)?`: `ValueError('sendto not
    /// allowed on instances of <class 'ssl.SSLSocket'>')` while TLS is active (clear text
    /// would bypass it), the plain socket's `sendto` otherwise (before `connect`, after
    /// `close`).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{socket, ssl};
    /// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// # let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// # server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
    /// # let (sock, server_sock) = socket::socketpair()?;
    /// # let server = std::thread::spawn(move || -> pyssl::Result<()> {
    /// #     let mut conn = server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })?;
    /// #     // The client leaves without reading its session tickets: its close may reset the
    /// #     // connection, so the server's read ends either way.
    /// #     let _ = conn.recv(1024);
    /// #     Ok(())
    /// # });
    /// # let ca = format!("{fixtures}/ca.pem");
    /// # let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
    /// let ssock = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
    /// // Python: ssock.sendto(b'x', ('127.0.0.1', 9))   # ValueError
    /// let err = ssock.sendto(b"x", ("127.0.0.1", 9)).unwrap_err();
    /// assert_eq!(err.to_string(), "sendto not allowed on instances of <class 'ssl.SSLSocket'>");
    /// // Python: ssock.recvmsg(1024)                     # NotImplementedError
    /// let err = ssock.recvmsg(1024, 0, 0).unwrap_err();
    /// assert_eq!(err.type_name(), "NotImplementedError");
    /// # drop(ssock);
    /// # server.join().unwrap()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn sendto(&self, data: &[u8], address: impl ToAddress) -> Result<usize> {
        self.sendto_flags(data, 0, address)
    }

    /// `ssock.sendto(data, flags, address)` → `ssock.sendto_flags(data, flags, address)?`.
    pub fn sendto_flags(&self, data: &[u8], flags: i32, address: impl ToAddress) -> Result<usize> {
        if self.tls().is_some() {
            return Err(not_allowed("sendto"));
        }
        self.sock.sendto_flags(data, flags, address)
    }

    /// `data, addr = ssock.recvfrom(bufsize)` → `let (data, addr) = ssock.recvfrom(bufsize)?;`:
    /// `ValueError` while TLS is active, the plain socket's `recvfrom` otherwise.
    pub fn recvfrom(&self, bufsize: usize) -> Result<(Vec<u8>, Option<Address>)> {
        self.recvfrom_flags(bufsize, 0)
    }

    /// `ssock.recvfrom(bufsize, flags)` → `ssock.recvfrom_flags(bufsize, flags)?`.
    pub fn recvfrom_flags(&self, bufsize: usize, flags: i32) -> Result<(Vec<u8>, Option<Address>)> {
        if self.tls().is_some() {
            return Err(not_allowed("recvfrom"));
        }
        self.sock.recvfrom_flags(bufsize, flags)
    }

    /// `nbytes, addr = ssock.recvfrom_into(buffer)` →
    /// `let (nbytes, addr) = ssock.recvfrom_into(&mut buffer)?;`: `ValueError` while TLS is
    /// active, the plain socket's `recvfrom_into` otherwise.
    pub fn recvfrom_into(&self, buffer: &mut [u8]) -> Result<(usize, Option<Address>)> {
        self.recvfrom_into_flags(buffer, 0)
    }

    /// `ssock.recvfrom_into(buffer, 0, flags)` → `ssock.recvfrom_into_flags(&mut buffer, flags)?`.
    pub fn recvfrom_into_flags(
        &self,
        buffer: &mut [u8],
        flags: i32,
    ) -> Result<(usize, Option<Address>)> {
        if self.tls().is_some() {
            return Err(not_allowed("recvfrom_into"));
        }
        self.sock.recvfrom_into_flags(buffer, flags)
    }

    /// `ssock.sendmsg(buffers, ancdata, flags, address)` →
    /// `ssock.sendmsg(&buffers, &ancdata, flags, address)?`: always `NotImplementedError('sendmsg
    /// not allowed on instances of <class 'ssl.SSLSocket'>')`, as in Python, TLS or not.
    pub fn sendmsg(
        &self,
        _buffers: &[&[u8]],
        _ancdata: &[(i32, i32, &[u8])],
        _flags: i32,
        _address: Option<Address>,
    ) -> Result<usize> {
        Err(not_implemented("sendmsg"))
    }

    /// `ssock.recvmsg(bufsize, ancbufsize, flags)` → `ssock.recvmsg(bufsize, ancbufsize,
    /// flags)?`: always `NotImplementedError`, as in Python.
    pub fn recvmsg(&self, _bufsize: usize, _ancbufsize: usize, _flags: i32) -> Result<RecvMsg> {
        Err(not_implemented("recvmsg"))
    }

    /// `ssock.recvmsg_into(buffers, ancbufsize, flags)` → `ssock.recvmsg_into(&mut buffers,
    /// ancbufsize, flags)?`: always `NotImplementedError`, as in Python.
    pub fn recvmsg_into(
        &self,
        _buffers: &mut [&mut [u8]],
        _ancbufsize: usize,
        _flags: i32,
    ) -> Result<RecvMsgInto> {
        Err(not_implemented("recvmsg_into"))
    }
}
