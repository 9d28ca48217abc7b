//! Python's `select.select`, over `poll(2)`: what the classic non-blocking TLS loops wait with.
//!
//! ```text
//! Python:  import select
//!          r, w, x = select.select([sock], [], [], 5.0)
//! Rust:    use pyssl::select;
//!          let (r, w, x) = select::select(&[&sock], &[], &[], Some(5.0))?;
//! ```
#![allow(clippy::result_large_err)]

use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::ffi::poll::{self as ffi_poll, PollFd};

/// What `select(2)` counts as readable, writable and exceptional, in `poll(2)`'s bits (the
/// kernel's own `POLLIN_SET`, `POLLOUT_SET` and `POLLEX_SET`): a hung-up or failed descriptor
/// is readable, a failed one writable too.
const READABLE: i16 =
    libc::POLLIN | libc::POLLRDNORM | libc::POLLRDBAND | libc::POLLHUP | libc::POLLERR;
const WRITABLE: i16 = libc::POLLOUT | libc::POLLWRNORM | libc::POLLWRBAND | libc::POLLERR;
const EXCEPTIONAL: i16 = libc::POLLPRI;

/// `select.select(rlist, wlist, xlist[, timeout])`: waits until some of the objects are ready
/// for reading, writing or have an exceptional condition (TCP urgent data), and returns the
/// three lists of those that are, in the order given. `timeout` is seconds (`None` waits
/// forever, `Some(0.0)` polls).
///
/// ```text
/// Python:  select.select([sock], [], [])
/// Rust:    select::select(&[&sock], &[], &[], None)?;
///
/// Python:  r, w, _ = select.select([a, b], [b], [], 0.5)
/// Rust:    let (r, w, _) = select::select(&[&a, &b], &[&b], &[], Some(0.5))?;
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::{select, socket};
///
/// let (a, b) = socket::socketpair()?;
/// // Python: r, w, x = select.select([a, b], [], [], 0)   # nothing to read yet
/// let (r, _w, _x) = select::select(&[&a, &b], &[], &[], Some(0.0))?;
/// assert!(r.is_empty());
///
/// // Python: b.sendall(b'x'); r, w, x = select.select([a, b], [a], [], 1.0)
/// b.sendall(b"x")?;
/// let (r, w, _x) = select::select(&[&a, &b], &[&a], &[], Some(1.0))?;
/// assert_eq!(r.len(), 1);
/// assert_eq!(r[0].fileno(), a.fileno()); // Python: r == [a]
/// assert_eq!(w.len(), 1);
/// # Ok(())
/// # }
/// ```
///
/// Anything with a descriptor can be waited on (`socket`, `SSLSocket`, `TcpStream`,
/// `BorrowedFd`, ...); to mix types in one call, make the lists `&dyn AsRawFd`:
/// `select::select::<dyn AsRawFd>(&[&sock, &stdin], &[], &[], None)`.
///
/// Errors are Python's: a negative timeout is `ValueError('timeout must be non-negative')`,
/// NaN `ValueError('Invalid value NaN (not a number)')`, a closed object (descriptor `-1`)
/// `ValueError('file descriptor cannot be a negative integer (-1)')`, a descriptor that is not
/// open `OSError` `[Errno 9] Bad file descriptor`. Interrupted waits are resumed with the time
/// left (PEP 475). Extension: built on `poll(2)`, it has no `FD_SETSIZE` (1024) limit, where
/// CPython raises `ValueError('filedescriptor out of range in select()')`.
///
/// Like Python's, `select` knows nothing of TLS: bytes already decrypted inside OpenSSL
/// ([`SSLSocket::pending`](crate::ssl::SSLSocket::pending)) do not make a socket readable.
#[allow(clippy::type_complexity)]
pub fn select<'a, T: AsRawFd + ?Sized>(
    rlist: &[&'a T],
    wlist: &[&'a T],
    xlist: &[&'a T],
    timeout: Option<f64>,
) -> Result<(Vec<&'a T>, Vec<&'a T>, Vec<&'a T>)> {
    let timeout = parse_timeout(timeout)?;

    // One pollfd per distinct descriptor, with the events of every list it appears in.
    let mut fds: Vec<PollFd> = Vec::new();
    for (list, events) in [
        (rlist, libc::POLLIN),
        (wlist, libc::POLLOUT),
        (xlist, libc::POLLPRI),
    ] {
        for obj in list {
            let fd = obj.as_raw_fd();
            if fd < 0 {
                return Err(Error::value(format!(
                    "file descriptor cannot be a negative integer ({fd})"
                )));
            }
            match fds.iter_mut().find(|p| p.fd == fd) {
                Some(p) => p.events |= events,
                None => fds.push(PollFd {
                    fd,
                    events,
                    revents: 0,
                }),
            }
        }
    }

    wait(&mut fds, timeout)?;
    if fds.iter().any(|p| p.revents & libc::POLLNVAL != 0) {
        // select(2) fails the whole call on a descriptor that is not open.
        return Err(Error::from_errno(libc::EBADF));
    }

    let ready = |list: &[&'a T], mask: i16| -> Vec<&'a T> {
        list.iter()
            .copied()
            .filter(|obj| {
                let fd = obj.as_raw_fd();
                fds.iter().any(|p| p.fd == fd && p.revents & mask != 0)
            })
            .collect()
    };
    Ok((
        ready(rlist, READABLE),
        ready(wlist, WRITABLE),
        ready(xlist, EXCEPTIONAL),
    ))
}

/// The timeout as CPython's `select` reads it: rounded up to whole nanoseconds, then checked.
fn parse_timeout(timeout: Option<f64>) -> Result<Option<Duration>> {
    match crate::socket::parse_timeout(timeout) {
        Ok(ns) if ns < 0 => Ok(None),
        Ok(ns) => Ok(Some(Duration::from_nanos(ns as u64))),
        // The socket module's text for the same check; select words it differently.
        Err(Error::ValueError(m)) if m == "Timeout value out of range" => {
            Err(Error::value("timeout must be non-negative"))
        }
        Err(e) => Err(e),
    }
}

/// Polls until something is ready or the deadline passes, resuming after `EINTR`.
fn wait(fds: &mut [PollFd], timeout: Option<Duration>) -> Result<()> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let ms = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up: never report a timeout before the deadline.
                left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32
            }
        };
        match ffi_poll::poll(fds, ms) {
            Ok(0) => match deadline {
                // A long timeout is waited in i32-millisecond slices.
                Some(d) if Instant::now() < d => continue,
                _ => return Ok(()),
            },
            Ok(_) => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}
