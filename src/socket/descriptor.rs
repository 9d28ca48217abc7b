//! [`Descriptor`]: a socket's file descriptor, closable by one thread while others are inside
//! calls on it (Python's `srv.close()` from another thread while a server thread sits in
//! `srv.accept()`).
//!
//! ```text
//! Python:  threading.Thread(target=serve).start(); ...; srv.close()
//! Rust:    let srv = Arc::new(srv); thread::spawn({ let srv = srv.clone(); move || serve(&srv) }); ...; srv.close()?;
//! ```
//!
//! The danger in closing a descriptor other threads use is reuse: once `close(N)` returns, the
//! next `open`/`socket`/`accept` anywhere in the process may get N again, and a thread that read
//! N before the close and calls `recv(N)` after it reads someone else's file. So the number is
//! never closed while a call may still use it:
//!
//! * every call on the descriptor [`enter`](Descriptor::enter)s first: it counts itself as a
//!   user and gets the number, or gets `-1` (and counts nothing) once the socket is closed, so
//!   the system call fails with `EBADF`, as it would on a closed Python socket;
//! * [`close`](Descriptor::close) marks the socket closed in the same atomic step that counts it
//!   as a user, so from then on no call can enter. If other users are inside, it wakes them with
//!   `shutdown(SHUT_RDWR)` (a blocked `accept` fails with `EINVAL`, a blocked `recv` returns 0,
//!   a blocked `send` fails with `EPIPE`; on Linux `close` alone wakes none of them). The
//!   shutdown runs while close itself is still counted, so the number is still ours;
//! * whoever leaves last (close itself, or the last call to return) calls `close(N)`. Every call
//!   that could use N has entered before the mark and leaves before that close; every call
//!   after the mark got `-1`. No call can therefore act on a reused N.
//!
//! With no call inside, `close` is a plain `close(2)`, whose error it returns, as Python's does;
//! `shutdown` is only used to wake a call in flight (it ends the connection for every descriptor
//! that shares it, `dup()`s included, where a plain close would not).

use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::ffi::sys;

/// Set once the socket is closed; the users are counted above it.
const CLOSED: usize = 1;
/// One user (a call inside, or `close` itself).
const USER: usize = 2;

/// A descriptor with its user count and closed flag (see the module documentation).
pub(super) struct Descriptor {
    /// The number, `-1` when detached; it changes only through `&mut self`.
    fd: RawFd,
    /// `CLOSED` plus `USER` times the number of calls inside.
    state: AtomicUsize,
}

/// A call inside a [`Descriptor`]: the number it may use until it is dropped.
pub(super) struct InUse<'a> {
    owner: &'a Descriptor,
    fd: RawFd,
}

impl InUse<'_> {
    /// The descriptor, or `-1` if the socket was closed or detached before the call entered.
    pub(super) fn fd(&self) -> RawFd {
        self.fd
    }

    /// Whether the socket was closed while this call was inside (its result then says more
    /// about the wake-up `shutdown` than about the peer).
    pub(super) fn closed_meanwhile(&self) -> bool {
        self.fd != -1 && self.owner.is_closed()
    }
}

impl Drop for InUse<'_> {
    fn drop(&mut self) {
        if self.fd != -1 {
            // A close error has nobody to go to: the `close()` call that asked for it returned.
            let _ = self.owner.leave();
        }
    }
}

impl Descriptor {
    /// Takes over `fd` (an open descriptor the caller owns, or `-1`).
    pub(super) fn new(fd: RawFd) -> Descriptor {
        Descriptor {
            fd,
            state: AtomicUsize::new(0),
        }
    }

    /// Python's `sock.fileno()`: the number, `-1` once closed or detached.
    pub(super) fn fileno(&self) -> RawFd {
        if self.is_closed() {
            -1
        } else {
            self.fd
        }
    }

    /// Whether `close` has been called (a detached socket is not closed, only empty).
    pub(super) fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Starts a call: the number stays open until the returned guard is dropped.
    pub(super) fn enter(&self) -> InUse<'_> {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & CLOSED != 0 || self.fd == -1 {
                return InUse {
                    owner: self,
                    fd: -1,
                };
            }
            match self.state.compare_exchange_weak(
                state,
                state + USER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    return InUse {
                        owner: self,
                        fd: self.fd,
                    }
                }
                Err(now) => state = now,
            }
        }
    }

    /// Ends a call; the last user out of a closed descriptor closes it.
    fn leave(&self) -> io::Result<()> {
        let before = self.state.fetch_sub(USER, Ordering::AcqRel);
        if before == CLOSED | USER {
            // Closed, and nobody else inside, nor able to enter: the number is free to go.
            return sys::close(self.fd);
        }
        Ok(())
    }

    /// Python's `sock.close()`, from any thread (see the module documentation). Closing again
    /// does nothing.
    pub(super) fn close(&self) -> io::Result<()> {
        // Mark closed and count ourselves in one step.
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state & CLOSED != 0 {
                return Ok(());
            }
            match self.state.compare_exchange_weak(
                state,
                (state | CLOSED) + USER,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if self.fd == -1 {
            // Detached: nothing to close (and nobody can be inside).
            self.state.store(CLOSED, Ordering::Release);
            return Ok(());
        }
        if state != 0 {
            // Calls are inside: wake them. We are still counted, so `fd` is still ours.
            let _ = sys::shutdown(self.fd, libc::SHUT_RDWR);
        }
        self.leave()
    }

    /// Python's `sock.detach()`: gives up the number without closing it (`-1` if closed).
    /// `&mut self`: no call can be inside.
    pub(super) fn detach(&mut self) -> RawFd {
        if *self.state.get_mut() & CLOSED != 0 {
            return -1;
        }
        std::mem::replace(&mut self.fd, -1)
    }

    /// Moves the number into a new `Descriptor`, leaving this one detached.
    pub(super) fn take(&mut self) -> Descriptor {
        Descriptor::new(self.detach())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::IntoRawFd;

    fn pair() -> (Descriptor, Descriptor) {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
        (
            Descriptor::new(a.into_raw_fd()),
            Descriptor::new(b.into_raw_fd()),
        )
    }

    /// Whether `fd` is an open descriptor of this process.
    fn is_open(fd: RawFd) -> bool {
        sys::get_nonblocking(fd).is_ok()
    }

    #[test]
    fn the_last_user_closes() {
        let (a, _b) = pair();
        let fd = a.fileno();
        let first = a.enter();
        let second = a.enter();
        assert_eq!((first.fd(), second.fd()), (fd, fd));
        a.close().unwrap();
        assert_eq!(a.fileno(), -1);
        assert!(first.closed_meanwhile());
        // Closed: no new user gets the number.
        assert_eq!(a.enter().fd(), -1);
        assert!(is_open(fd), "still used by two calls");
        drop(first);
        assert!(is_open(fd), "still used by one call");
        drop(second);
        assert!(!is_open(fd), "the last call out closed it");
        a.close().unwrap();
    }

    #[test]
    fn close_without_users_is_a_plain_close() {
        let (a, _b) = pair();
        let fd = a.fileno();
        a.close().unwrap();
        assert!(!is_open(fd));
        assert_eq!(a.fileno(), -1);
    }

    #[test]
    fn detach_gives_the_number_away() {
        let (mut a, _b) = pair();
        let fd = a.fileno();
        assert_eq!(a.detach(), fd);
        assert_eq!((a.fileno(), a.enter().fd()), (-1, -1));
        assert_eq!(a.detach(), -1);
        a.close().unwrap();
        assert!(is_open(fd));
        sys::close(fd).unwrap();
        let (mut c, _d) = pair();
        c.close().unwrap();
        assert_eq!(c.detach(), -1);
    }
}
