//! The calls that name the peer with each datagram: `sendto`, `recvfrom`, `recvfrom_into`.
//!
//! ```text
//! Python:  sock.sendto(b'ping', ('127.0.0.1', 9999)); data, addr = sock.recvfrom(1024)
//! Rust:    sock.sendto(b"ping", ("127.0.0.1", 9999))?; let (data, addr) = sock.recvfrom(1024)?;
//! ```

use std::os::fd::RawFd;

use super::{closed_error, socket, Address, ToAddress};
use crate::error::Result;
use crate::ffi::outbuf::{self, OutBuf};
use crate::ffi::sys::{self, SockAddr};

impl socket {
    /// `sock.sendto(data, address)` → `sock.sendto(data, address)?`: one datagram to
    /// `address` (any [`ToAddress`], resolved for the socket's family as `connect` does);
    /// returns the bytes sent. On a connected stream socket Linux ignores the address, as in
    /// Python.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::socket;
    /// use pyssl::pyrepr::PyRepr;
    ///
    /// // Python: server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    /// //         server.bind(('127.0.0.1', 0))
    /// let server = socket::socket(socket::AF_INET, socket::SOCK_DGRAM)?;
    /// server.bind(("127.0.0.1", 0))?;
    /// // Python: client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    /// //         client.sendto(b'ping', server.getsockname())
    /// let client = socket::socket(socket::AF_INET, socket::SOCK_DGRAM)?;
    /// assert_eq!(client.sendto(b"ping", server.getsockname()?)?, 4);
    /// // Python: data, addr = server.recvfrom(1024); server.sendto(data.upper(), addr)
    /// let (data, addr) = server.recvfrom(1024)?;
    /// assert_eq!(data, b"ping");
    /// let addr = addr.expect("a datagram socket names the sender");
    /// assert_eq!(addr.port(), client.getsockname()?.port()); // ('127.0.0.1', <client port>)
    /// server.sendto(&data.to_ascii_uppercase(), &addr)?;
    /// // Python: buf = bytearray(16); n, addr = client.recvfrom_into(buf)
    /// let mut buf = [0u8; 16];
    /// let (n, from) = client.recvfrom_into(&mut buf)?;
    /// assert_eq!((&buf[..n], from), (&b"PING"[..], Some(server.getsockname()?)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn sendto(&self, data: &[u8], address: impl ToAddress) -> Result<usize> {
        self.sendto_flags(data, 0, address)
    }

    /// `sock.sendto(data, flags, address)` → `sock.sendto_flags(data, flags, address)?`.
    pub fn sendto_flags(&self, data: &[u8], flags: i32, address: impl ToAddress) -> Result<usize> {
        let addr = address.to_address().to_sockaddr(self.family, "sendto")?;
        self.check_call(true, self.timeout_ns(), |fd| {
            sys::sendto(fd, data, flags, &addr)
        })
    }

    /// `data, addr = sock.recvfrom(bufsize)` → `let (data, addr) = sock.recvfrom(bufsize)?;`:
    /// up to `bufsize` bytes and the sender, `None` where Python's is `None` (a connected
    /// stream socket names no sender). A size no buffer can have is CPython's
    /// `MemoryError`/`OverflowError`, never an abort.
    pub fn recvfrom(&self, bufsize: usize) -> Result<(Vec<u8>, Option<Address>)> {
        self.recvfrom_flags(bufsize, 0)
    }

    /// `sock.recvfrom(bufsize, flags)` → `sock.recvfrom_flags(bufsize, flags)?`.
    pub fn recvfrom_flags(&self, bufsize: usize, flags: i32) -> Result<(Vec<u8>, Option<Address>)> {
        let mut from = None;
        let data = outbuf::read_new(bufsize, |buf| {
            let (n, addr) = self.recvfrom_to(buf, flags)?;
            from = Some(addr);
            Ok(n)
        })?;
        Ok((data, sender(from.as_ref())?))
    }

    /// `nbytes, addr = sock.recvfrom_into(buffer)` →
    /// `let (nbytes, addr) = sock.recvfrom_into(&mut buffer)?;` (Python's `nbytes` argument
    /// is a shorter slice: `recvfrom_into(&mut buffer[..nbytes])`).
    pub fn recvfrom_into(&self, buffer: &mut [u8]) -> Result<(usize, Option<Address>)> {
        self.recvfrom_into_flags(buffer, 0)
    }

    /// `sock.recvfrom_into(buffer, 0, flags)` → `sock.recvfrom_into_flags(&mut buffer, flags)?`.
    pub fn recvfrom_into_flags(
        &self,
        buffer: &mut [u8],
        flags: i32,
    ) -> Result<(usize, Option<Address>)> {
        let (n, addr) = self.recvfrom_to(&mut OutBuf::from(buffer), flags)?;
        Ok((n, sender(Some(&addr))?))
    }

    /// One `recvfrom`, waiting as the socket's timeout says.
    fn recvfrom_to(&self, buf: &mut OutBuf<'_>, flags: i32) -> Result<(usize, SockAddr)> {
        let wants = buf.capacity() > 0;
        let recvfrom = |fd: RawFd| sys::recvfrom(fd, buf, flags);
        let (n, addr) = self.check_call(false, self.timeout_ns(), recvfrom)?;
        // As in `recv`: the end of stream a concurrent `close` causes is not the peer's.
        if n == 0 && wants && self.is_closed() {
            return Err(closed_error().into());
        }
        Ok((n, addr))
    }
}

/// CPython's `makesockaddr` for `recvfrom`: no address (length 0) is `None`.
fn sender(addr: Option<&SockAddr>) -> Result<Option<Address>> {
    match addr {
        Some(a) if !a.is_empty() => Address::from_sockaddr(a).map(Some),
        _ => Ok(None),
    }
}
