//! The methods Python's `SSLSocket` inherits from `socket.socket` unchanged, delegated by name.
//!
//! ```text
//! Python:  ssock.settimeout(5); print(ssock.getpeername(), ssock.fileno())
//! Rust:    ssock.settimeout(Some(5.0))?; println!("{} {}", ssock.getpeername()?, ssock.fileno());
//! ```
//!
//! Python gets these through subclassing; pyssl spells each one out rather than dereferencing
//! to the plain socket, so that no `&SSLSocket` ever turns into a `&socket::socket` whose `send`
//! would put clear text on a TLS connection. The calls that would bypass TLS (`send`, `recv`,
//! their flag variants, `sendall`, `shutdown`, `close`, `dup`, `connect`, `accept`) have
//! Python's `SSLSocket` behaviour instead, in the neighbouring files.

use std::os::fd::RawFd;

use super::SSLSocket;
use crate::error::Result;
use crate::pyrepr::PyRepr;
use crate::socket::{Address, ToAddress};

impl SSLSocket {
    /// `ssock.family` → `ssock.family()`: `AF_INET` (2), `AF_INET6` (10), ...
    pub fn family(&self) -> i32 {
        self.sock.family()
    }

    /// `ssock.type` → `ssock.type_()`: `SOCK_STREAM` (1).
    pub fn type_(&self) -> i32 {
        self.sock.type_()
    }

    /// `ssock.proto` → `ssock.proto()`.
    pub fn proto(&self) -> i32 {
        self.sock.proto()
    }

    /// `ssock.fileno()` → `ssock.fileno()`: the descriptor, `-1` once closed or detached.
    pub fn fileno(&self) -> RawFd {
        self.sock.fileno()
    }

    /// `ssock.settimeout(5)` → `ssock.settimeout(Some(5.0))?`: the timeout every later TLS
    /// operation waits with (`None` blocks, `Some(0.0)` makes the want-errors surface).
    pub fn settimeout(&self, timeout: Option<f64>) -> Result<()> {
        self.sock.settimeout(timeout)
    }

    /// `ssock.gettimeout()` → `ssock.gettimeout()` (also Python's `ssock.timeout`).
    pub fn gettimeout(&self) -> Option<f64> {
        self.sock.gettimeout()
    }

    /// `ssock.setblocking(False)` → `ssock.setblocking(false)?`.
    pub fn setblocking(&self, flag: bool) -> Result<()> {
        self.sock.setblocking(flag)
    }

    /// `ssock.getblocking()` → `ssock.getblocking()`: `false` only for timeout `0.0`.
    pub fn getblocking(&self) -> bool {
        self.sock.getblocking()
    }

    /// `ssock.bind(('', 8443))` → `ssock.bind(("", 8443))?` (a wrapped socket that will
    /// `listen` and `accept` TLS connections).
    pub fn bind(&self, address: impl ToAddress) -> Result<()> {
        self.sock.bind(address)
    }

    /// `ssock.listen()` → `ssock.listen(None)?`; `ssock.listen(5)` → `ssock.listen(5)?`.
    pub fn listen(&self, backlog: impl Into<Option<i32>>) -> Result<()> {
        self.sock.listen(backlog)
    }

    /// `ssock.getpeername()` → `ssock.getpeername()?`.
    pub fn getpeername(&self) -> Result<Address> {
        self.sock.getpeername()
    }

    /// `ssock.getsockname()` → `ssock.getsockname()?`.
    pub fn getsockname(&self) -> Result<Address> {
        self.sock.getsockname()
    }

    /// `ssock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)` →
    /// `ssock.setsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE, 1)?`.
    pub fn setsockopt(&self, level: i32, optname: i32, value: i32) -> Result<()> {
        self.sock.setsockopt(level, optname, value)
    }

    /// `ssock.setsockopt(level, optname, b"...")` →
    /// `ssock.setsockopt_bytes(level, optname, b"...")?`.
    pub fn setsockopt_bytes(&self, level: i32, optname: i32, value: &[u8]) -> Result<()> {
        self.sock.setsockopt_bytes(level, optname, value)
    }

    /// `ssock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)` →
    /// `ssock.getsockopt(socket::SOL_SOCKET, socket::SO_TYPE)?`.
    pub fn getsockopt(&self, level: i32, optname: i32) -> Result<i32> {
        self.sock.getsockopt(level, optname)
    }

    /// `ssock.getsockopt(level, optname, buflen)` →
    /// `ssock.getsockopt_bytes(level, optname, buflen)?`.
    pub fn getsockopt_bytes(&self, level: i32, optname: i32, buflen: usize) -> Result<Vec<u8>> {
        self.sock.getsockopt_bytes(level, optname, buflen)
    }

    /// `ssock.get_inheritable()` → `ssock.get_inheritable()?`.
    pub fn get_inheritable(&self) -> Result<bool> {
        self.sock.get_inheritable()
    }

    /// `ssock.set_inheritable(True)` → `ssock.set_inheritable(true)?`.
    pub fn set_inheritable(&self, inheritable: bool) -> Result<()> {
        self.sock.set_inheritable(inheritable)
    }

    /// `fd = ssock.detach()` → `let fd = ssock.detach();`: Python's `socket.detach`, which
    /// `SSLSocket` inherits: the object becomes closed (`fileno()` is `-1`) without closing the
    /// descriptor, which the caller now owns, and without a close_notify.
    ///
    /// As in Python, what the handshake established stays readable (`cipher()`, `version()`,
    /// `getpeercert()`, `session()`, ...), `do_handshake()` raises `[Errno 9] Bad file
    /// descriptor` and `unwrap()` `SSLError('Underlying socket connection gone')`. One
    /// difference: CPython's `recv`/`send` go on using the descriptor it handed away; pyssl's
    /// raise `SSLError('Underlying socket has been closed.')` (CPython's own text when it
    /// finds the descriptor gone while waiting), as the descriptor is no longer this socket's.
    pub fn detach(&mut self) -> RawFd {
        self.sock.detach()
    }
}

impl PyRepr for SSLSocket {
    /// Python's `repr(ssock)`: `<ssl.SSLSocket fd=3, family=2, type=1, proto=6,
    /// laddr=('127.0.0.1', 50000), raddr=('127.0.0.1', 443)>`.
    fn py_repr(&self) -> String {
        self.sock
            .py_repr()
            .replacen("socket.socket", "ssl.SSLSocket", 1)
    }
}

crate::socket::socket_like_by_inherent_methods!(SSLSocket);
