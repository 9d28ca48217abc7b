//! Python's `socket` module: what `ssl` scripts use of it, over `libc`.
//!
//! ```text
//! Python:  import socket
//!          sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//!          sock.settimeout(5)
//!          sock.connect(("example.com", 443))
//!          conn = socket.create_connection(("example.com", 443))
//! Rust:    use pyssl::socket;
//!          let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
//!          sock.settimeout(Some(5.0))?;
//!          sock.connect(("example.com", 443))?;
//!          let conn = socket::create_connection(("example.com", 443), Default::default())?;
//! ```
//!
//! Python's class `socket.socket` is the struct [`socket`](struct@socket) (lowercase, as Python spells it);
//! the function [`socket()`] is its constructor, so `socket.socket(...)` ports as
//! `socket::socket(...)`. Errors are Python's: `[Errno 111] Connection refused` is
//! `Error::OSError` (its `type_name()` is `ConnectionRefusedError`), a timeout is
//! `Error::TimeoutError("timed out")`, a resolver failure `Error::gaierror`.
//!
//! Timeouts behave as CPython's: with `settimeout(Some(secs))` the descriptor is
//! non-blocking and every blocking call waits with `poll` up to the deadline;
//! `settimeout(Some(0.0))` is non-blocking (`EAGAIN` surfaces as `BlockingIOError`,
//! `[Errno 11] Resource temporarily unavailable`); `settimeout(None)` is blocking.
#![allow(non_camel_case_types)]
// `crate::Error` is large (its SSLError variant); boxing it is the error module's call, not ours.
#![allow(clippy::result_large_err)]

mod address;
mod constants;
mod datagram;
mod descriptor;
mod exceptions;
mod functions;
mod like;
mod message;
mod unpack;

pub use address::{Address, ToAddress};
pub use constants::*;
pub use exceptions::{gaierror, herror};
pub use functions::*;
pub(crate) use like::socket_like_by_inherent_methods;
pub use like::SocketLike;
pub use message::{RecvMsg, RecvMsgInto, CMSG_LEN, CMSG_SPACE};
pub use unpack::AddressTuple;

use std::fmt;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, OSError, Result};
use crate::ffi::outbuf::{self, OutBuf};
use crate::ffi::sys;
use crate::pyrepr::PyRepr;
use descriptor::Descriptor;

/// A timeout in CPython's representation: nanoseconds, `-1` for `None` (blocking).
type TimeoutNs = i64;

const NO_TIMEOUT: TimeoutNs = -1;

/// CPython's `socket_parse_timeout`: `None` → blocking, else seconds rounded up to whole
/// nanoseconds; NaN, negative and out-of-range values raise Python's errors.
pub(crate) fn parse_timeout(timeout: Option<f64>) -> Result<TimeoutNs> {
    let secs = match timeout {
        None => return Ok(NO_TIMEOUT),
        Some(s) => s,
    };
    if secs.is_nan() {
        return Err(Error::value("Invalid value NaN (not a number)"));
    }
    // _PyTime_ROUND_TIMEOUT is _PyTime_ROUND_UP: away from zero.
    let ns = secs * 1e9;
    let ns = if ns >= 0.0 { ns.ceil() } else { ns.floor() };
    if !((i64::MIN as f64) <= ns && ns < -(i64::MIN as f64)) {
        return Err(Error::OverflowError(
            "timestamp out of range for platform time_t".into(),
        ));
    }
    let ns = ns as i64;
    if ns < 0 {
        return Err(Error::value("Timeout value out of range"));
    }
    Ok(ns)
}

/// CPython's `_PyTime_AsSecondsDouble`: nanoseconds back to float seconds.
pub(crate) fn timeout_secs(ns: TimeoutNs) -> Option<f64> {
    if ns < 0 {
        None
    } else if ns % 1_000_000_000 == 0 {
        Some((ns / 1_000_000_000) as f64)
    } else {
        Some(ns as f64 / 1e9)
    }
}

/// Python's `socket.timeout`/`TimeoutError('timed out')`.
fn timed_out() -> Error {
    Error::TimeoutError("timed out".into())
}

/// What a call on a closed socket fails with (`[Errno 9] Bad file descriptor`).
fn closed_error() -> io::Error {
    io::Error::from_raw_os_error(libc::EBADF)
}

fn is_would_block(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EAGAIN))
}

/// Python's `socket.socket` class: a socket descriptor plus Python's timeout state.
///
/// Methods take `&self` (the descriptor calls are thread-safe and the timeout is atomic, so
/// `socket` is `Send + Sync`), except [`close`](socket::close) and
/// [`detach`](socket::detach). The socket is closed when dropped.
///
/// Python's `sock.type` is [`type_()`](socket::type_) (`type` is a Rust keyword; the trailing
/// underscore is PEP 8's own convention for such names), `sock.family` is
/// [`family()`](socket::family), `sock.proto` is [`proto()`](socket::proto).
///
/// `Debug` (and [`PyRepr`]) print Python's repr:
/// `<socket.socket fd=3, family=2, type=1, proto=0, laddr=('127.0.0.1', 0)>`.
///
/// Invariant the `ssl` layer relies on: whenever the timeout is `Some(_)` the descriptor has
/// `O_NONBLOCK`, and whenever it is `None` the descriptor is blocking.
pub struct socket {
    fd: Descriptor,
    family: i32,
    type_: i32,
    proto: i32,
    timeout: AtomicI64,
}

/// `socket.socket(family, type)` → `socket::socket(family, type_)`: a new, unconnected
/// socket with protocol 0 and the default timeout ([`getdefaulttimeout`]).
///
/// ```text
/// Python:  sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
/// Rust:    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
/// ```
///
/// An argument Python's call leaves out is `None` (Python's defaults: `AF_INET`,
/// `SOCK_STREAM`), as with `sock.listen()` → `sock.listen(None)`; Python's `proto` is
/// [`socket::new`](socket::new)'s third argument, its `fileno=fd` is
/// `socket::socket::try_from(fd)`:
///
/// ```text
/// Python:  sock = socket.socket()
/// Rust:    let sock = socket::socket(None, None)?;
/// Python:  sock = socket.socket(socket.AF_INET6)
/// Rust:    let sock = socket::socket(socket::AF_INET6, None)?;
/// Python:  sock = socket.socket(type=socket.SOCK_DGRAM)
/// Rust:    let sock = socket::socket(None, socket::SOCK_DGRAM)?;
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::socket;
/// // Python: sock = socket.socket(); print(sock.family, sock.type, sock.proto, sock.gettimeout())
/// let sock = socket::socket(None, None)?;
/// assert_eq!((sock.family(), sock.type_(), sock.proto(), sock.gettimeout()), (socket::AF_INET, socket::SOCK_STREAM, 0, None));
/// // Python: repr(socket.socket(socket.AF_INET6))
/// let sock6 = socket::socket(socket::AF_INET6, None)?;
/// assert!(sock6.py_repr().ends_with(", family=10, type=1, proto=0, laddr=('::', 0, 0, 0)>"));
/// # Ok(())
/// # }
/// ```
///
/// A plain TCP echo over loopback, server and client:
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::socket;
///
/// // Python: srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
/// //         srv.bind(('127.0.0.1', 0)); srv.listen()
/// let srv = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
/// srv.bind(("127.0.0.1", 0))?;
/// srv.listen(None)?;
/// // Python: host, port = srv.getsockname()
/// let addr = srv.getsockname()?;
/// assert_eq!(addr.host(), "127.0.0.1");
/// let server = std::thread::spawn(move || -> pyssl::Result<()> {
///     // Python: conn, addr = srv.accept(); conn.sendall(conn.recv(1024))
///     let (conn, _addr) = srv.accept()?;
///     conn.sendall(&conn.recv(1024)?)
/// });
///
/// // Python: sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
/// //         sock.settimeout(5); sock.connect(('127.0.0.1', port))
/// let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
/// sock.settimeout(Some(5.0))?;
/// sock.connect(("127.0.0.1", addr.port()))?;
/// assert_eq!(sock.getpeername()?, addr);
/// sock.sendall(b"echo")?;
/// assert_eq!(sock.recv(1024)?, b"echo");
/// server.join().unwrap()?;
/// # Ok(())
/// # }
/// ```
pub fn socket(family: impl Into<Option<i32>>, type_: impl Into<Option<i32>>) -> Result<socket> {
    socket::new(family.into().unwrap_or(-1), type_.into().unwrap_or(-1), 0)
}

impl socket {
    /// `socket.socket(family, type, proto)` → `socket::socket::new(family, type_, proto)`.
    /// As in Python, `-1` means the default (`AF_INET`, `SOCK_STREAM`, `0`); adding
    /// `SOCK_NONBLOCK` to `type_` gives a socket with timeout `0.0`. The descriptor is
    /// close-on-exec.
    pub fn new(family: i32, type_: i32, proto: i32) -> Result<socket> {
        let family = if family == -1 { AF_INET } else { family };
        let type_ = if type_ == -1 { SOCK_STREAM } else { type_ };
        let proto = if proto == -1 { 0 } else { proto };
        let fd = sys::socket(family, type_, proto)?;
        let timeout = if type_ & SOCK_NONBLOCK != 0 {
            0
        } else {
            functions::default_timeout_ns()
        };
        // A new descriptor is non-blocking exactly when the type asked for it.
        let mode = Some(type_ & SOCK_NONBLOCK != 0);
        socket::init(fd, family, type_, proto, timeout, mode)
    }

    /// CPython's `init_sockobject`: record the fields and put the descriptor in the mode the
    /// timeout asks for. `nonblocking` is the descriptor's mode when the caller knows it (a
    /// descriptor it just made), which spares the `fcntl` calls, as CPython spares them.
    pub(crate) fn init(
        fd: OwnedFd,
        family: i32,
        type_: i32,
        proto: i32,
        timeout: TimeoutNs,
        nonblocking: Option<bool>,
    ) -> Result<socket> {
        if nonblocking != Some(timeout >= 0) {
            sys::set_nonblocking(fd.as_raw_fd(), timeout >= 0)?;
        }
        Ok(socket {
            fd: Descriptor::new(fd.into_raw_fd()),
            family,
            type_: type_ & !(SOCK_NONBLOCK | SOCK_CLOEXEC),
            proto,
            timeout: AtomicI64::new(timeout),
        })
    }

    /// Crate hook: a `socket` over a descriptor the crate owns (Python's
    /// `socket.socket(fileno=fd)`). Family, type and protocol are read from the kernel
    /// (`getsockname`, `SO_TYPE`, `SO_PROTOCOL`). The timeout is the default timeout, except
    /// that a descriptor already in `O_NONBLOCK` mode gets timeout `0.0` (CPython would report
    /// `None` while leaving it non-blocking; pyssl keeps its mode/timeout invariant instead).
    pub(crate) fn from_owned_fd(fd: OwnedFd) -> Result<socket> {
        let raw = fd.as_raw_fd();
        let family = sys::getsockname(raw)?.family();
        let type_ = sys::getsockopt_int(raw, SOL_SOCKET, SO_TYPE)?;
        let proto = sys::getsockopt_int(raw, SOL_SOCKET, SO_PROTOCOL)?;
        let nonblocking = sys::get_nonblocking(raw)?;
        let timeout = if nonblocking {
            0
        } else {
            functions::default_timeout_ns()
        };
        socket::init(fd, family, type_, proto, timeout, Some(nonblocking))
    }

    /// Crate hook for `SSLSocket.unwrap()`: moves the descriptor and its state into a new
    /// `socket`, leaving this one closed (fd -1), as Python's `detach()` would.
    pub(crate) fn take(&mut self) -> socket {
        socket {
            fd: self.fd.take(),
            family: self.family,
            type_: self.type_,
            proto: self.proto,
            timeout: AtomicI64::new(self.timeout.load(Ordering::SeqCst)),
        }
    }

    /// `From` conversions cannot fail: what the kernel will not tell us comes from the std
    /// type, and a descriptor whose mode cannot be changed stays as it is, with the timeout
    /// that matches its mode.
    fn from_std_fd(fd: OwnedFd, family: i32) -> socket {
        let raw = fd.as_raw_fd();
        let family = sys::getsockname(raw).map(|a| a.family()).unwrap_or(family);
        let type_ = sys::getsockopt_int(raw, SOL_SOCKET, SO_TYPE).unwrap_or(SOCK_STREAM);
        let proto = sys::getsockopt_int(raw, SOL_SOCKET, SO_PROTOCOL).unwrap_or(IPPROTO_TCP);
        let nonblocking = sys::get_nonblocking(raw).unwrap_or(false);
        let mut timeout = if nonblocking {
            0
        } else {
            functions::default_timeout_ns()
        };
        if timeout >= 0 && !nonblocking && sys::set_nonblocking(raw, true).is_err() {
            timeout = NO_TIMEOUT;
        }
        socket {
            fd: Descriptor::new(fd.into_raw_fd()),
            family,
            type_,
            proto,
            timeout: AtomicI64::new(timeout),
        }
    }

    // ---- properties -------------------------------------------------------------------------

    /// `sock.family` → `sock.family()`: `AF_INET` (2), `AF_INET6` (10), ...
    pub fn family(&self) -> i32 {
        self.family
    }

    /// `sock.type` → `sock.type_()`: `SOCK_STREAM` (1), `SOCK_DGRAM` (2), ... (without the
    /// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags, as Python 3.7+ reports it).
    pub fn type_(&self) -> i32 {
        self.type_
    }

    /// `sock.proto` → `sock.proto()`.
    pub fn proto(&self) -> i32 {
        self.proto
    }

    /// `sock.fileno()` → `sock.fileno()`: the descriptor, `-1` once closed or detached.
    pub fn fileno(&self) -> RawFd {
        self.fd.fileno()
    }

    /// Runs `f` on the descriptor, kept open until `f` returns even if another thread closes
    /// the socket meanwhile (`-1` if it is closed already, so that the call fails with
    /// `EBADF`, as on a closed Python socket).
    fn with_fd<T>(&self, f: impl FnOnce(RawFd) -> T) -> T {
        f(self.fd.enter().fd())
    }

    // ---- timeouts ---------------------------------------------------------------------------

    /// `sock.settimeout(5)` → `sock.settimeout(Some(5.0))?`; `settimeout(None)` →
    /// `settimeout(None)` (blocking); `settimeout(0)` → `settimeout(Some(0.0))` (non-blocking).
    /// Negative values are `ValueError('Timeout value out of range')`, NaN is
    /// `ValueError('Invalid value NaN (not a number)')`.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::{socket, Error};
    ///
    /// let (a, _b) = socket::socketpair()?;
    /// // Python: a.settimeout(0.05); a.recv(1)  ->  TimeoutError: timed out
    /// a.settimeout(Some(0.05))?;
    /// assert_eq!(a.gettimeout(), Some(0.05));
    /// match a.recv(1) {
    ///     Err(Error::TimeoutError(msg)) => assert_eq!(msg, "timed out"),
    ///     other => panic!("expected a timeout, got {other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn settimeout(&self, timeout: Option<f64>) -> Result<()> {
        let ns = parse_timeout(timeout)?;
        self.set_timeout_ns(ns)
    }

    fn set_timeout_ns(&self, ns: TimeoutNs) -> Result<()> {
        self.timeout.store(ns, Ordering::SeqCst);
        self.with_fd(|fd| sys::set_nonblocking(fd, ns >= 0))?;
        Ok(())
    }

    /// `sock.gettimeout()` → `sock.gettimeout()`: `None` (blocking), `Some(0.0)`
    /// (non-blocking) or `Some(secs)`.
    pub fn gettimeout(&self) -> Option<f64> {
        timeout_secs(self.timeout_ns())
    }

    fn timeout_ns(&self) -> TimeoutNs {
        self.timeout.load(Ordering::SeqCst)
    }

    /// `sock.setblocking(False)` → `sock.setblocking(false)?` (= `settimeout(Some(0.0))`);
    /// `setblocking(True)` = `settimeout(None)`.
    pub fn setblocking(&self, flag: bool) -> Result<()> {
        self.set_timeout_ns(if flag { NO_TIMEOUT } else { 0 })
    }

    /// `sock.getblocking()` → `sock.getblocking()`: false only for timeout `0.0` (a socket
    /// with a positive timeout counts as blocking, as in Python).
    pub fn getblocking(&self) -> bool {
        self.timeout_ns() != 0
    }

    // ---- the call loop ----------------------------------------------------------------------

    /// CPython's `sock_call_ex`: run `f` until it succeeds, waiting with `poll` before each
    /// attempt when `timeout > 0`, retrying `EINTR`, and retrying `EAGAIN` while time remains.
    ///
    /// The descriptor stays open for the whole loop. If another thread closes the socket
    /// meanwhile (which wakes this call), the call fails as CPython's ends up failing once it
    /// notices: `EBADF`.
    fn call<T>(
        &self,
        writing: bool,
        timeout: TimeoutNs,
        mut f: impl FnMut(RawFd) -> io::Result<T>,
    ) -> std::result::Result<T, CallError> {
        let inside = self.fd.enter();
        match self.call_on(inside.fd(), writing, timeout, &mut f) {
            Err(_) if inside.closed_meanwhile() => Err(CallError::Os(closed_error())),
            result => result,
        }
    }

    fn call_on<T>(
        &self,
        fd: RawFd,
        writing: bool,
        timeout: TimeoutNs,
        f: &mut impl FnMut(RawFd) -> io::Result<T>,
    ) -> std::result::Result<T, CallError> {
        let mut deadline: Option<Instant> = None;
        loop {
            // CPython's `internal_select` counts a closed socket (fd -1) as ready, so that the
            // call fails at once with EBADF rather than after the whole timeout.
            if timeout > 0 && fd != -1 {
                let interval = match deadline {
                    Some(d) => {
                        let now = Instant::now();
                        if now > d {
                            return Err(CallError::Timeout);
                        }
                        d - now
                    }
                    None => {
                        let t = Duration::from_nanos(timeout as u64);
                        deadline = Some(Instant::now() + t);
                        t
                    }
                };
                match sys::poll_fd(fd, writing, Some(interval)) {
                    Ok(true) => {}
                    Ok(false) => return Err(CallError::Timeout),
                    Err(e) => return Err(CallError::Os(e)),
                }
            }
            let err = loop {
                match f(fd) {
                    Ok(v) => return Ok(v),
                    Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
                    Err(e) => break e,
                }
            };
            if timeout > 0 && is_would_block(&err) {
                continue;
            }
            return Err(CallError::Os(err));
        }
    }

    fn check(&self, r: std::result::Result<usize, CallError>) -> Result<usize> {
        r.map_err(CallError::into_error)
    }

    // ---- connection set-up ------------------------------------------------------------------

    /// `sock.bind(("", 8443))` → `sock.bind(("", 8443))?`.
    pub fn bind(&self, address: impl ToAddress) -> Result<()> {
        let addr = address.to_address().to_sockaddr(self.family, "bind")?;
        self.with_fd(|fd| sys::bind(fd, &addr))?;
        Ok(())
    }

    /// `sock.listen()` → `sock.listen(None)?`; `sock.listen(5)` → `sock.listen(5)?`. The
    /// default backlog is `min(SOMAXCONN, 128)` and a negative backlog counts as 0, as in
    /// CPython.
    pub fn listen(&self, backlog: impl Into<Option<i32>>) -> Result<()> {
        let backlog = backlog.into().unwrap_or(SOMAXCONN.min(128)).max(0);
        self.with_fd(|fd| sys::listen(fd, backlog))?;
        Ok(())
    }

    /// `conn, addr = sock.accept()` → `let (conn, addr) = sock.accept()?;`. The new socket
    /// has this socket's family, type and protocol and the default timeout.
    pub fn accept(&self) -> Result<(socket, Address)> {
        let (fd, peer) = self.check_call(false, self.timeout_ns(), sys::accept)?;
        // accept4 without SOCK_NONBLOCK hands out a blocking descriptor.
        let conn = socket::init(
            fd,
            self.family,
            self.type_,
            self.proto,
            functions::default_timeout_ns(),
            Some(false),
        )?;
        let addr = Address::from_sockaddr(&peer)?;
        Ok((conn, addr))
    }

    fn check_call<T>(
        &self,
        writing: bool,
        timeout: TimeoutNs,
        f: impl FnMut(RawFd) -> io::Result<T>,
    ) -> Result<T> {
        self.call(writing, timeout, f)
            .map_err(CallError::into_error)
    }

    /// `sock.connect(("example.com", 443))` → `sock.connect(("example.com", 443))?`. Names
    /// are resolved for the socket's family (`getaddrinfo`, first result). With a timeout the
    /// connect waits up to it (`TimeoutError('timed out')`); with timeout `0.0` it raises
    /// `BlockingIOError` `[Errno 115] Operation now in progress`.
    pub fn connect(&self, address: impl ToAddress) -> Result<()> {
        let addr = address.to_address().to_sockaddr(self.family, "connect")?;
        self.internal_connect(&addr).map_err(CallError::into_error)
    }

    /// `sock.connect_ex(addr)` → `sock.connect_ex(addr)?`: the errno instead of an
    /// `OSError` (`0` on success, `111` for refused, `11` (`EAGAIN`) on timeout). Address
    /// errors (bad names, ...) still raise, as in Python.
    pub fn connect_ex(&self, address: impl ToAddress) -> Result<i32> {
        let addr = address
            .to_address()
            .to_sockaddr(self.family, "connect_ex")?;
        Ok(match self.internal_connect(&addr) {
            Ok(()) => 0,
            Err(CallError::Timeout) => libc::EAGAIN,
            Err(CallError::Os(e)) => e.raw_os_error().unwrap_or(libc::EIO),
        })
    }

    /// CPython's `internal_connect`, with the descriptor kept open throughout (see `call`).
    fn internal_connect(&self, addr: &sys::SockAddr) -> std::result::Result<(), CallError> {
        let inside = self.fd.enter();
        match self.connect_on(inside.fd(), addr) {
            Err(_) if inside.closed_meanwhile() => Err(CallError::Os(closed_error())),
            result => result,
        }
    }

    fn connect_on(&self, fd: RawFd, addr: &sys::SockAddr) -> std::result::Result<(), CallError> {
        let err = match sys::connect(fd, addr) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let timeout = self.timeout_ns();
        let errno = err.raw_os_error();
        let wait = if errno == Some(libc::EINTR) {
            // The connection goes on asynchronously: wait for it unless non-blocking.
            timeout != 0
        } else {
            timeout > 0 && errno == Some(libc::EINPROGRESS)
        };
        if !wait {
            return Err(CallError::Os(err));
        }
        // Wait for writability (with the timeout, or forever after EINTR on a blocking
        // socket), then read the outcome from SO_ERROR.
        let deadline = (timeout > 0).then(|| Instant::now() + Duration::from_nanos(timeout as u64));
        loop {
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match sys::poll_fd(fd, true, left) {
                Ok(true) => {}
                Ok(false) => return Err(CallError::Timeout),
                Err(e) => return Err(CallError::Os(e)),
            }
            let so_error = sys::getsockopt_int(fd, SOL_SOCKET, SO_ERROR).map_err(CallError::Os)?;
            match so_error {
                0 | libc::EISCONN => return Ok(()),
                libc::EINTR | libc::EAGAIN if deadline.is_some() => continue,
                n => return Err(CallError::Os(io::Error::from_raw_os_error(n))),
            }
        }
    }

    // ---- data -------------------------------------------------------------------------------

    /// `sock.send(data)` → `sock.send(data)?`: bytes sent (maybe fewer than `data.len()`).
    pub fn send(&self, data: &[u8]) -> Result<usize> {
        self.send_flags(data, 0)
    }

    /// `sock.send(data, flags)` → `sock.send_flags(data, flags)?` (`MSG_*` flags).
    pub fn send_flags(&self, data: &[u8], flags: i32) -> Result<usize> {
        self.check(self.call(true, self.timeout_ns(), |fd| sys::send(fd, data, flags)))
    }

    /// `sock.sendall(data)` → `sock.sendall(data)?`: sends everything. With a timeout, the
    /// timeout bounds the whole call (Python 3.5+), not each chunk.
    pub fn sendall(&self, data: &[u8]) -> Result<()> {
        self.sendall_flags(data, 0)
    }

    /// `sock.sendall(data, flags)` → `sock.sendall_flags(data, flags)?`.
    pub fn sendall_flags(&self, data: &[u8], flags: i32) -> Result<()> {
        let timeout = self.timeout_ns();
        let deadline = (timeout > 0).then(|| Instant::now() + Duration::from_nanos(timeout as u64));
        let mut rest = data;
        while !rest.is_empty() {
            let interval = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(timed_out());
                    }
                    left.as_nanos().min(i64::MAX as u128) as i64
                }
                None => timeout,
            };
            let n = self.check(self.call(true, interval, |fd| sys::send(fd, rest, flags)))?;
            rest = &rest[n..];
        }
        Ok(())
    }

    /// `sock.recv(bufsize)` → `sock.recv(bufsize)?`: up to `bufsize` bytes; empty at EOF.
    pub fn recv(&self, bufsize: usize) -> Result<Vec<u8>> {
        self.recv_flags(bufsize, 0)
    }

    /// `sock.recv(bufsize, flags)` → `sock.recv_flags(bufsize, flags)?` (`MSG_PEEK`, ...).
    /// A size no buffer can have is CPython's `MemoryError`/`OverflowError`, never an abort.
    pub fn recv_flags(&self, bufsize: usize, flags: i32) -> Result<Vec<u8>> {
        outbuf::read_new(bufsize, |buf| self.recv_to(buf, flags))
    }

    /// `n = sock.recv_into(buffer)` → `let n = sock.recv_into(&mut buffer)?;` (Python's
    /// `nbytes` argument is a shorter slice: `recv_into(&mut buffer[..nbytes])`).
    pub fn recv_into(&self, buffer: &mut [u8]) -> Result<usize> {
        self.recv_into_flags(buffer, 0)
    }

    /// `sock.recv_into(buffer, 0, flags)` → `sock.recv_into_flags(&mut buffer, flags)?`.
    pub fn recv_into_flags(&self, buffer: &mut [u8], flags: i32) -> Result<usize> {
        self.recv_to(&mut OutBuf::from(buffer), flags)
    }

    /// One `recv` (waiting as the socket's timeout says) into a caller's buffer or a new one.
    fn recv_to(&self, buf: &mut OutBuf<'_>, flags: i32) -> Result<usize> {
        let wants = buf.capacity() > 0;
        let n = self.check(self.call(false, self.timeout_ns(), |fd| sys::recv(fd, buf, flags)))?;
        // The end of stream that the wake-up `shutdown` of a concurrent `close` produces is
        // not the peer's: report the closed socket, as CPython does once it notices.
        if n == 0 && wants && self.fd.is_closed() {
            return Err(closed_error().into());
        }
        Ok(n)
    }

    /// One `recv` that never waits, whatever the socket's timeout: the result of Python's
    /// `sock.setblocking(False); sock.recv_into(buf); sock.settimeout(old)`, with
    /// `MSG_DONTWAIT` instead of the three `fcntl` calls that dance takes. The `io::Error` is
    /// what `recv_into` would raise (`Error::from`), left unconverted so that an expected
    /// errno costs nothing.
    pub(crate) fn recv_into_nowait(&self, buffer: &mut [u8]) -> io::Result<usize> {
        self.with_fd(|fd| loop {
            match sys::recv(fd, &mut OutBuf::from(&mut *buffer), libc::MSG_DONTWAIT) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        })
    }

    /// Whether `getpeername` succeeds: `Ok(false)` for `ENOTCONN` (not connected), the error
    /// `sock.getpeername()` raises for any other errno (CPython's `SSLSocket._create` test).
    pub(crate) fn has_peer(&self) -> Result<bool> {
        match self.with_fd(sys::getpeername) {
            Ok(_) => Ok(true),
            Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => Ok(false),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// `sock.shutdown(socket.SHUT_RDWR)` → `sock.shutdown(socket::SHUT_RDWR)?`.
    pub fn shutdown(&self, how: i32) -> Result<()> {
        self.with_fd(|fd| sys::shutdown(fd, how))?;
        Ok(())
    }

    // ---- life cycle -------------------------------------------------------------------------

    /// `sock.close()` → `sock.close()?`: closes the descriptor (`fileno()` becomes `-1`);
    /// closing again does nothing. `ECONNRESET` from `close` is ignored, as in CPython.
    ///
    /// It takes `&self`, so a socket shared between threads (`Arc<socket>`) can be closed by
    /// one while another is blocked in it: Python's way of stopping a server thread that sits
    /// in `accept()`. The blocked call wakes at once and fails with `OSError` `[Errno 9] Bad
    /// file descriptor`, the error CPython raises there too (with a timeout, once its wait
    /// runs out; a blocking CPython `accept` is not woken by `close` on Linux and waits for the
    /// next connection). The descriptor is closed when the last call using it has returned, so
    /// no call ever acts on a descriptor number reused by a new file (`docs/threads.md`).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use std::sync::Arc;
    /// use pyssl::socket;
    ///
    /// // Python: srv = socket.create_server(('127.0.0.1', 0))
    /// let srv = Arc::new(socket::create_server(("127.0.0.1", 0), Default::default())?);
    /// // Python: def serve():
    /// //             while True: conn, addr = srv.accept(); conn.close()
    /// //         t = threading.Thread(target=serve); t.start()
    /// let server = srv.clone();
    /// let t = std::thread::spawn(move || -> pyssl::Result<()> {
    ///     loop {
    ///         let (conn, _addr) = server.accept()?;
    ///         conn.close()?;
    ///     }
    /// });
    /// std::thread::sleep(std::time::Duration::from_millis(100));
    /// // Python: srv.close(); t.join()     # serve() ends with OSError: [Errno 9] Bad file descriptor
    /// srv.close()?;
    /// let err = t.join().unwrap().unwrap_err();
    /// assert_eq!(err.to_string(), "[Errno 9] Bad file descriptor");
    /// # Ok(())
    /// # }
    /// ```
    pub fn close(&self) -> Result<()> {
        match self.fd.close() {
            Err(e) if e.raw_os_error() != Some(libc::ECONNRESET) => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Whether [`close`](socket::close) was called (a detached socket has `fileno()` `-1`
    /// too, but is not closed).
    pub(crate) fn is_closed(&self) -> bool {
        self.fd.is_closed()
    }

    /// `fd = sock.detach()` → `let fd = sock.detach();`: gives up the descriptor without
    /// closing it; the socket then behaves as closed. (Rust code may prefer
    /// `IntoRawFd::into_raw_fd`.)
    pub fn detach(&mut self) -> RawFd {
        self.fd.detach()
    }

    // ---- names ------------------------------------------------------------------------------

    /// `sock.getpeername()` → `sock.getpeername()?`: `('93.184.215.14', 443)`; unconnected:
    /// `OSError` `[Errno 107] Transport endpoint is not connected`.
    pub fn getpeername(&self) -> Result<Address> {
        Address::from_sockaddr(&self.with_fd(sys::getpeername)?)
    }

    /// `sock.getsockname()` → `sock.getsockname()?`: `('0.0.0.0', 0)` before `bind`.
    pub fn getsockname(&self) -> Result<Address> {
        Address::from_sockaddr(&self.with_fd(sys::getsockname)?)
    }

    // ---- options ----------------------------------------------------------------------------

    /// `sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)` →
    /// `sock.setsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR, 1)?` (integer options).
    pub fn setsockopt(&self, level: i32, optname: i32, value: i32) -> Result<()> {
        self.with_fd(|fd| sys::setsockopt_int(fd, level, optname, value))?;
        Ok(())
    }

    /// `sock.setsockopt(level, optname, b"...")` →
    /// `sock.setsockopt_bytes(level, optname, b"...")?` (options that take a struct).
    pub fn setsockopt_bytes(&self, level: i32, optname: i32, value: &[u8]) -> Result<()> {
        self.with_fd(|fd| sys::setsockopt_bytes(fd, level, optname, value))?;
        Ok(())
    }

    /// `sock.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)` →
    /// `sock.getsockopt(socket::SOL_SOCKET, socket::SO_TYPE)?` (integer options).
    pub fn getsockopt(&self, level: i32, optname: i32) -> Result<i32> {
        Ok(self.with_fd(|fd| sys::getsockopt_int(fd, level, optname))?)
    }

    /// `sock.getsockopt(level, optname, buflen)` →
    /// `sock.getsockopt_bytes(level, optname, buflen)?`: the raw option bytes. `buflen` must
    /// be 1..=1024 (`OSError('getsockopt buflen out of range')` otherwise, as in CPython, whose
    /// C `int` argument makes a `buflen` beyond it an `OverflowError`). Python's `buflen` of 0
    /// means the integer form: `sock.getsockopt(level, optname, 0)` ports as
    /// `sock.getsockopt(level, optname)?`.
    pub fn getsockopt_bytes(&self, level: i32, optname: i32, buflen: usize) -> Result<Vec<u8>> {
        if i32::try_from(buflen).is_err() {
            return Err(Error::OverflowError(
                "signed integer is greater than maximum".into(),
            ));
        }
        if buflen == 0 || buflen > 1024 {
            return Err(Error::OSError(OSError {
                errno: None,
                strerror: Some("getsockopt buflen out of range".into()),
                filename: None,
            }));
        }
        Ok(self.with_fd(|fd| sys::getsockopt_bytes(fd, level, optname, buflen))?)
    }

    /// `sock.get_inheritable()` → `sock.get_inheritable()?`: whether the descriptor survives
    /// `exec` into a child process. `false` for every socket pyssl makes (close-on-exec, as
    /// in Python); a closed socket is `OSError` `[Errno 9] Bad file descriptor`.
    pub fn get_inheritable(&self) -> Result<bool> {
        Ok(self.with_fd(sys::get_inheritable)?)
    }

    /// `sock.set_inheritable(True)` → `sock.set_inheritable(true)?`: clears (or, with `false`,
    /// sets) the descriptor's close-on-exec flag.
    pub fn set_inheritable(&self, inheritable: bool) -> Result<()> {
        self.with_fd(|fd| sys::set_inheritable(fd, inheritable))?;
        Ok(())
    }

    /// `sock.dup()` → `sock.dup()?`: a new socket on a duplicate descriptor, with the same
    /// family, type and protocol and the default timeout.
    pub fn dup(&self) -> Result<socket> {
        let fd = self.with_fd(sys::dup_cloexec)?;
        // The duplicate shares the original's mode, which another handle may have changed.
        socket::init(
            fd,
            self.family,
            self.type_,
            self.proto,
            functions::default_timeout_ns(),
            None,
        )
    }
}

/// What the call loop can end with (CPython distinguishes a timeout from an OS error so that
/// `connect_ex` can return `EAGAIN` for it).
enum CallError {
    Timeout,
    Os(io::Error),
}

impl CallError {
    fn into_error(self) -> Error {
        match self {
            CallError::Timeout => timed_out(),
            CallError::Os(e) => Error::from(e),
        }
    }
}

impl Drop for socket {
    /// Closes the descriptor, as CPython's finalizer does (errors are ignored).
    fn drop(&mut self) {
        let _ = self.close();
    }
}

impl PyRepr for socket {
    /// Python's `repr(sock)`: `<socket.socket fd=3, family=2, type=1, proto=0,
    /// laddr=('127.0.0.1', 0)>`, plus `raddr=(...)` when connected; closed sockets print
    /// `<socket.socket [closed] fd=-1, family=2, type=1, proto=0>`.
    fn py_repr(&self) -> String {
        let fd = self.fileno();
        let closed = fd == -1;
        let mut s = format!(
            "<socket.socket{} fd={}, family={}, type={}, proto={}",
            if closed { " [closed]" } else { "" },
            fd,
            self.family,
            self.type_,
            self.proto
        );
        if !closed {
            // Python omits an address that is falsy (the empty AF_UNIX name).
            let shown = |a: &Address| a.unix_path().map_or(true, |p| !p.is_empty());
            if let Ok(laddr) = self.getsockname() {
                if shown(&laddr) {
                    s.push_str(&format!(", laddr={laddr}"));
                }
            }
            if let Ok(raddr) = self.getpeername() {
                if shown(&raddr) {
                    s.push_str(&format!(", raddr={raddr}"));
                }
            }
        }
        s.push('>');
        s
    }
}

impl fmt::Debug for socket {
    /// Python's `repr(sock)` (see [`PyRepr`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

impl AsRawFd for socket {
    fn as_raw_fd(&self) -> RawFd {
        self.fileno()
    }
}

impl IntoRawFd for socket {
    /// Like [`detach`](socket::detach): the caller owns the descriptor afterwards.
    fn into_raw_fd(mut self) -> RawFd {
        self.detach()
    }
}

impl TryFrom<OwnedFd> for socket {
    type Error = Error;

    /// `socket.socket(fileno=fd)` → `socket::socket::try_from(fd)?`: family, type and
    /// protocol come from the kernel. A descriptor in `O_NONBLOCK` mode gets timeout `0.0`,
    /// others the default timeout.
    fn try_from(fd: OwnedFd) -> Result<socket> {
        socket::from_owned_fd(fd)
    }
}

impl From<TcpStream> for socket {
    /// Adopts a connected std stream (its descriptor, family and blocking mode).
    fn from(stream: TcpStream) -> socket {
        let family = match stream.local_addr() {
            Ok(std::net::SocketAddr::V6(_)) => AF_INET6,
            _ => AF_INET,
        };
        socket::from_std_fd(OwnedFd::from(stream), family)
    }
}

impl From<TcpListener> for socket {
    /// Adopts a listening std socket (its descriptor, family and blocking mode).
    fn from(listener: TcpListener) -> socket {
        let family = match listener.local_addr() {
            Ok(std::net::SocketAddr::V6(_)) => AF_INET6,
            _ => AF_INET,
        };
        socket::from_std_fd(OwnedFd::from(listener), family)
    }
}

impl io::Read for &socket {
    /// `recv_into`, with pyssl errors mapped to `io::Error` (timeouts are `TimedOut`).
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.recv_into(buf)?)
    }
}

impl io::Read for socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl io::Write for &socket {
    /// `send`, with pyssl errors mapped to `io::Error`.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(self.send(buf)?)
    }

    /// `sendall`.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        Ok(self.sendall(buf)?)
    }

    /// Nothing is buffered.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl io::Write for socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        (&*self).write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_and_print_as_cpython() {
        assert_eq!(parse_timeout(None).unwrap(), -1);
        assert_eq!(parse_timeout(Some(0.2)).unwrap(), 200_000_000);
        assert_eq!(parse_timeout(Some(1e-10)).unwrap(), 1);
        assert_eq!(
            timeout_secs(parse_timeout(Some(1e-10)).unwrap()),
            Some(1e-9)
        );
        assert_eq!(timeout_secs(5_000_000_000), Some(5.0));
        assert_eq!(timeout_secs(-1), None);
        assert_eq!(
            parse_timeout(Some(-1.0)).unwrap_err(),
            Error::value("Timeout value out of range")
        );
        assert_eq!(
            parse_timeout(Some(f64::NAN)).unwrap_err(),
            Error::value("Invalid value NaN (not a number)")
        );
        assert_eq!(
            parse_timeout(Some(1e300)).unwrap_err(),
            Error::OverflowError("timestamp out of range for platform time_t".into())
        );
    }
}
