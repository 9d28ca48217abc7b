//! The `libc` calls behind [`crate::socket`]: sockets, socket options, `poll`, `getaddrinfo`,
//! `getnameinfo`, `gethostname`. Each function here is a safe wrapper that returns
//! `std::io::Result` (the calling thread's errno on failure) or, for the resolver, a
//! [`GaiError`]. Nothing here knows about Python; `crate::socket` turns these results into
//! Python's values and exceptions.

use std::ffi::CStr;
use std::io;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use super::outbuf::OutBuf;

/// A socket address as the kernel sees it: a `sockaddr_storage` and its length.
#[derive(Clone, Copy)]
pub(crate) struct SockAddr {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl SockAddr {
    pub(super) fn empty() -> SockAddr {
        // SAFETY: sockaddr_storage is plain old data; all-zero bytes are a valid value.
        let storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
        SockAddr {
            storage,
            len: mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }

    /// `AF_INET` address from its parts.
    pub(crate) fn inet(ip: Ipv4Addr, port: u16) -> SockAddr {
        let mut a = SockAddr::empty();
        // SAFETY: sockaddr_storage is larger than and suitably aligned for sockaddr_in; the
        // pointer comes from a live exclusive borrow.
        let sin = unsafe { &mut *(&mut a.storage as *mut _ as *mut libc::sockaddr_in) };
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_port = port.to_be();
        sin.sin_addr = libc::in_addr {
            s_addr: u32::from_ne_bytes(ip.octets()),
        };
        a.len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        a
    }

    /// `AF_INET6` address from its parts.
    pub(crate) fn inet6(ip: Ipv6Addr, port: u16, flowinfo: u32, scope_id: u32) -> SockAddr {
        let mut a = SockAddr::empty();
        // SAFETY: sockaddr_storage is larger than and suitably aligned for sockaddr_in6; the
        // pointer comes from a live exclusive borrow.
        let sin6 = unsafe { &mut *(&mut a.storage as *mut _ as *mut libc::sockaddr_in6) };
        sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
        sin6.sin6_port = port.to_be();
        sin6.sin6_flowinfo = flowinfo.to_be();
        sin6.sin6_addr = libc::in6_addr {
            s6_addr: ip.octets(),
        };
        sin6.sin6_scope_id = scope_id;
        a.len = mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t;
        a
    }

    /// `AF_UNIX` address for a path (a leading NUL = abstract namespace, whose length counts);
    /// `None` when the path does not fit `sun_path`.
    pub(crate) fn unix(path: &[u8]) -> Option<SockAddr> {
        let mut a = SockAddr::empty();
        // SAFETY: sockaddr_storage is larger than and suitably aligned for sockaddr_un; the
        // pointer comes from a live exclusive borrow.
        let sun = unsafe { &mut *(&mut a.storage as *mut _ as *mut libc::sockaddr_un) };
        let abstract_name = path.first() == Some(&0);
        // A filesystem path needs room for its terminating NUL.
        let room = sun.sun_path.len() - usize::from(!abstract_name);
        if path.len() > room {
            return None;
        }
        sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (dst, &src) in sun.sun_path.iter_mut().zip(path) {
            *dst = src as libc::c_char;
        }
        let offset = mem::size_of::<libc::sa_family_t>();
        let len = offset + path.len() + usize::from(!abstract_name);
        a.len = len as libc::socklen_t;
        Some(a)
    }

    /// Copies a `sockaddr` returned by the resolver.
    fn from_raw(addr: *const libc::sockaddr, len: libc::socklen_t) -> SockAddr {
        let mut a = SockAddr::empty();
        let n = (len as usize).min(mem::size_of::<libc::sockaddr_storage>());
        if !addr.is_null() {
            // SAFETY: the resolver guarantees `addr` points to `len` readable bytes; we copy
            // at most the size of our storage, which cannot overlap a fresh local.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    addr as *const u8,
                    &mut a.storage as *mut _ as *mut u8,
                    n,
                )
            };
        }
        a.len = n as libc::socklen_t;
        a
    }

    /// Whether the kernel returned no address at all (length 0: `recvfrom` on a connected
    /// stream socket).
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The address family (`sa_family`), `AF_UNSPEC` for an empty address.
    pub(crate) fn family(&self) -> i32 {
        if (self.len as usize) < mem::size_of::<libc::sa_family_t>() {
            return libc::AF_UNSPEC;
        }
        i32::from(self.storage.ss_family)
    }

    /// `(ip, port)` of an `AF_INET` address.
    pub(crate) fn as_inet(&self) -> Option<(Ipv4Addr, u16)> {
        if self.family() != libc::AF_INET {
            return None;
        }
        // SAFETY: the family says the storage holds a sockaddr_in, and storage is larger than
        // and aligned for it.
        let sin = unsafe { &*(&self.storage as *const _ as *const libc::sockaddr_in) };
        Some((
            Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()),
            u16::from_be(sin.sin_port),
        ))
    }

    /// `(ip, port, flowinfo, scope_id)` of an `AF_INET6` address.
    pub(crate) fn as_inet6(&self) -> Option<(Ipv6Addr, u16, u32, u32)> {
        if self.family() != libc::AF_INET6 {
            return None;
        }
        // SAFETY: the family says the storage holds a sockaddr_in6, and storage is larger
        // than and aligned for it.
        let sin6 = unsafe { &*(&self.storage as *const _ as *const libc::sockaddr_in6) };
        Some((
            Ipv6Addr::from(sin6.sin6_addr.s6_addr),
            u16::from_be(sin6.sin6_port),
            u32::from_be(sin6.sin6_flowinfo),
            sin6.sin6_scope_id,
        ))
    }

    /// The path bytes of an `AF_UNIX` address (empty for an unnamed socket; a leading NUL for
    /// the abstract namespace).
    pub(crate) fn as_unix(&self) -> Option<Vec<u8>> {
        if self.family() != libc::AF_UNIX {
            return None;
        }
        // SAFETY: the family says the storage holds a sockaddr_un, and storage is larger
        // than and aligned for it.
        let sun = unsafe { &*(&self.storage as *const _ as *const libc::sockaddr_un) };
        let offset = mem::size_of::<libc::sa_family_t>();
        let n = (self.len as usize)
            .saturating_sub(offset)
            .min(sun.sun_path.len());
        let bytes: Vec<u8> = sun.sun_path[..n].iter().map(|&c| c as u8).collect();
        if bytes.first() == Some(&0) {
            return Some(bytes); // abstract namespace: the length counts
        }
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Some(bytes[..end].to_vec())
    }

    /// The numeric host text, as `getnameinfo(NI_NUMERICHOST)` writes it (IPv6 link-local
    /// addresses get their `%scope` suffix, as in CPython's `makeipaddr`).
    pub(crate) fn numeric_host(&self) -> io::Result<String> {
        let mut buf = [0 as libc::c_char; libc::NI_MAXHOST as usize];
        // SAFETY: the address pointer/length describe our own storage; the host buffer is
        // writable for its full length; the service buffer is absent (NULL, 0).
        let rc = unsafe {
            libc::getnameinfo(
                &self.storage as *const _ as *const libc::sockaddr,
                self.len,
                buf.as_mut_ptr(),
                buf.len() as libc::socklen_t,
                std::ptr::null_mut(),
                0,
                libc::NI_NUMERICHOST,
            )
        };
        if rc != 0 {
            return Err(if rc == libc::EAI_SYSTEM {
                io::Error::last_os_error()
            } else {
                io::Error::other(gai_strerror(rc))
            });
        }
        // SAFETY: getnameinfo succeeded, so `buf` holds a NUL-terminated string.
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) };
        Ok(text.to_string_lossy().into_owned())
    }

    pub(super) fn as_ptr(&self) -> *const libc::sockaddr {
        &self.storage as *const _ as *const libc::sockaddr
    }

    /// Where a call that returns an address (`recvmsg`) writes it.
    pub(super) fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        &mut self.storage as *mut _ as *mut libc::sockaddr
    }

    /// The address length.
    pub(super) fn len(&self) -> libc::socklen_t {
        self.len
    }

    /// The room for an address.
    pub(super) fn capacity(&self) -> libc::socklen_t {
        mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t
    }

    /// Records the length a call reported, never more than the storage.
    pub(super) fn set_len(&mut self, len: libc::socklen_t) {
        self.len = len.min(self.capacity());
    }
}

/// Turns a `-1`-on-error return into `io::Result`.
fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn cvt_size(rc: libc::ssize_t) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// `socket(family, type | SOCK_CLOEXEC, proto)`, as CPython creates sockets.
pub(crate) fn socket(family: i32, type_: i32, proto: i32) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall with integer arguments.
    let fd = cvt(unsafe { libc::socket(family, type_ | libc::SOCK_CLOEXEC, proto) })?;
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The descriptor of `sock`, which gives it up (`None` if it was closed or detached): what
/// an asyncio transport does with the socket `sock=` passes it.
#[cfg(feature = "asyncio")]
pub(crate) fn take_socket_fd(sock: crate::socket::socket) -> Option<OwnedFd> {
    use std::os::fd::IntoRawFd;
    let fd = sock.into_raw_fd();
    if fd < 0 {
        return None;
    }
    // SAFETY: `into_raw_fd` detached this open descriptor from `sock` (which no longer closes
    // it), so nothing else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `socketpair(family, type | SOCK_CLOEXEC, proto)`.
pub(crate) fn socketpair(family: i32, type_: i32, proto: i32) -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [-1 as libc::c_int; 2];
    // SAFETY: `fds` is a writable array of two ints, as socketpair requires.
    cvt(unsafe { libc::socketpair(family, type_ | libc::SOCK_CLOEXEC, proto, fds.as_mut_ptr()) })?;
    // SAFETY: both fds were just created for us and nothing else owns them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `close(fd)`. The fd is gone afterwards whatever the result (Linux semantics).
pub(crate) fn close(fd: RawFd) -> io::Result<()> {
    // SAFETY: the caller gives up `fd` (it owned it and will not use it again).
    cvt(unsafe { libc::close(fd) }).map(drop)
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, 0)`: a close-on-exec duplicate (CPython's `dup()`).
pub(crate) fn dup_cloexec(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: plain fcntl with integer arguments.
    let new = cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })?;
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// `connect(fd, addr)`, once (no EINTR retry: the caller decides, as CPython does).
pub(crate) fn connect(fd: RawFd, addr: &SockAddr) -> io::Result<()> {
    // SAFETY: the address pointer/length describe a live SockAddr.
    cvt(unsafe { libc::connect(fd, addr.as_ptr(), addr.len) }).map(drop)
}

/// `bind(fd, addr)`.
pub(crate) fn bind(fd: RawFd, addr: &SockAddr) -> io::Result<()> {
    // SAFETY: the address pointer/length describe a live SockAddr.
    cvt(unsafe { libc::bind(fd, addr.as_ptr(), addr.len) }).map(drop)
}

/// `listen(fd, backlog)`.
pub(crate) fn listen(fd: RawFd, backlog: i32) -> io::Result<()> {
    // SAFETY: plain syscall with integer arguments.
    cvt(unsafe { libc::listen(fd, backlog) }).map(drop)
}

/// `accept4(fd, &addr, SOCK_CLOEXEC)`, once: the new fd (blocking) and the peer address.
pub(crate) fn accept(fd: RawFd) -> io::Result<(OwnedFd, SockAddr)> {
    let mut addr = SockAddr::empty();
    // SAFETY: the address buffer is our own storage and `len` holds its size, as accept4
    // requires.
    let new = cvt(unsafe {
        libc::accept4(
            fd,
            &mut addr.storage as *mut _ as *mut libc::sockaddr,
            &mut addr.len,
            libc::SOCK_CLOEXEC,
        )
    })?;
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    Ok((unsafe { OwnedFd::from_raw_fd(new) }, addr))
}

/// `send(fd, data, flags | MSG_NOSIGNAL)`, once. `MSG_NOSIGNAL` turns SIGPIPE into `EPIPE`,
/// which is what CPython (which ignores SIGPIPE) reports.
pub(crate) fn send(fd: RawFd, data: &[u8], flags: i32) -> io::Result<usize> {
    // SAFETY: the pointer/length describe a live readable slice.
    cvt_size(unsafe {
        libc::send(
            fd,
            data.as_ptr() as *const libc::c_void,
            data.len(),
            flags | libc::MSG_NOSIGNAL,
        )
    })
}

/// `recv(fd, buf, flags)`, once.
pub(crate) fn recv(fd: RawFd, buf: &mut OutBuf<'_>, flags: i32) -> io::Result<usize> {
    buf.write_with(|ptr, len| {
        // SAFETY: `ptr` is writable for `len` bytes; recv writes at most `len` and returns how
        // many it wrote.
        cvt_size(unsafe { libc::recv(fd, ptr, len, flags) })
    })
}

/// `sendto(fd, data, flags | MSG_NOSIGNAL, addr)`, once (`MSG_NOSIGNAL` as in [`send`]).
pub(crate) fn sendto(fd: RawFd, data: &[u8], flags: i32, addr: &SockAddr) -> io::Result<usize> {
    // SAFETY: the data pointer/length describe a live readable slice, the address
    // pointer/length a live SockAddr.
    cvt_size(unsafe {
        libc::sendto(
            fd,
            data.as_ptr() as *const libc::c_void,
            data.len(),
            flags | libc::MSG_NOSIGNAL,
            addr.as_ptr(),
            addr.len,
        )
    })
}

/// `recvfrom(fd, buf, flags, &addr)`, once: the count and the sender's address (of length 0
/// when the socket reports none, as a connected stream socket does).
pub(crate) fn recvfrom(
    fd: RawFd,
    buf: &mut OutBuf<'_>,
    flags: i32,
) -> io::Result<(usize, SockAddr)> {
    let mut addr = SockAddr::empty();
    let n = buf.write_with(|ptr, len| {
        // SAFETY: `ptr` is writable for `len` bytes (recvfrom writes at most `len` and returns
        // how many it wrote); the address buffer is our own storage and `addr.len` its size.
        cvt_size(unsafe {
            libc::recvfrom(
                fd,
                ptr,
                len,
                flags,
                &mut addr.storage as *mut _ as *mut libc::sockaddr,
                &mut addr.len,
            )
        })
    })?;
    Ok((n, addr))
}

/// `shutdown(fd, how)`.
pub(crate) fn shutdown(fd: RawFd, how: i32) -> io::Result<()> {
    // SAFETY: plain syscall with integer arguments.
    cvt(unsafe { libc::shutdown(fd, how) }).map(drop)
}

/// `getsockname(fd)`.
pub(crate) fn getsockname(fd: RawFd) -> io::Result<SockAddr> {
    let mut addr = SockAddr::empty();
    // SAFETY: the address buffer is our own storage and `len` holds its size.
    cvt(unsafe {
        libc::getsockname(
            fd,
            &mut addr.storage as *mut _ as *mut libc::sockaddr,
            &mut addr.len,
        )
    })?;
    Ok(addr)
}

/// `getpeername(fd)`.
pub(crate) fn getpeername(fd: RawFd) -> io::Result<SockAddr> {
    let mut addr = SockAddr::empty();
    // SAFETY: the address buffer is our own storage and `len` holds its size.
    cvt(unsafe {
        libc::getpeername(
            fd,
            &mut addr.storage as *mut _ as *mut libc::sockaddr,
            &mut addr.len,
        )
    })?;
    Ok(addr)
}

/// `setsockopt(fd, level, name, &value, sizeof(int))`.
pub(crate) fn setsockopt_int(fd: RawFd, level: i32, name: i32, value: i32) -> io::Result<()> {
    setsockopt_bytes(fd, level, name, &value.to_ne_bytes())
}

/// `setsockopt(fd, level, name, value, len(value))`.
pub(crate) fn setsockopt_bytes(fd: RawFd, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    // SAFETY: the pointer/length describe a live readable slice.
    cvt(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            value.as_ptr() as *const libc::c_void,
            value.len() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// `getsockopt(fd, level, name)` read as an `int`.
pub(crate) fn getsockopt_int(fd: RawFd, level: i32, name: i32) -> io::Result<i32> {
    let mut value: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `value` is a writable int and `len` holds its size.
    cvt(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            &mut value as *mut _ as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok(value)
}

/// `fstat(fd).st_ino`: which socket (or file) a descriptor number stands for right now.
#[cfg(feature = "asyncio")]
pub(crate) fn inode(fd: RawFd) -> io::Result<u64> {
    let mut stat = mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `stat` is writable storage for one `struct stat`, which fstat fills on success.
    cvt(unsafe { libc::fstat(fd, stat.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded, so it initialised the whole struct.
    Ok(unsafe { stat.assume_init() }.st_ino)
}

/// `getsockopt(fd, level, name)` into a buffer of `buflen` bytes; returns the bytes written.
pub(crate) fn getsockopt_bytes(
    fd: RawFd,
    level: i32,
    name: i32,
    buflen: usize,
) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; buflen];
    let mut len = buflen as libc::socklen_t;
    // SAFETY: `buf` is writable for `len` bytes.
    cvt(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            buf.as_mut_ptr() as *mut libc::c_void,
            &mut len,
        )
    })?;
    buf.truncate(len as usize);
    Ok(buf)
}

/// Whether the fd has `O_NONBLOCK`.
pub(crate) fn get_nonblocking(fd: RawFd) -> io::Result<bool> {
    // SAFETY: plain fcntl query with integer arguments.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    Ok(flags & libc::O_NONBLOCK != 0)
}

/// Sets or clears `O_NONBLOCK` on the fd (CPython's `internal_setblocking`).
pub(crate) fn set_nonblocking(fd: RawFd, nonblocking: bool) -> io::Result<()> {
    // SAFETY: plain fcntl query with integer arguments.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: plain fcntl update with integer arguments.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    Ok(())
}

/// Whether the fd stays open across `exec` (no `FD_CLOEXEC`): CPython's `_Py_get_inheritable`.
pub(crate) fn get_inheritable(fd: RawFd) -> io::Result<bool> {
    // SAFETY: plain fcntl query with integer arguments.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    Ok(flags & libc::FD_CLOEXEC == 0)
}

/// Clears (`inheritable`) or sets `FD_CLOEXEC`: CPython's `_Py_set_inheritable`.
pub(crate) fn set_inheritable(fd: RawFd, inheritable: bool) -> io::Result<()> {
    // SAFETY: plain fcntl query with integer arguments.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    let new = if inheritable {
        flags & !libc::FD_CLOEXEC
    } else {
        flags | libc::FD_CLOEXEC
    };
    if new != flags {
        // SAFETY: plain fcntl update with integer arguments.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, new) })?;
    }
    Ok(())
}

/// Waits until `fd` is readable (`writable == false`) or writable, for at most `timeout`
/// (`None` = forever). `Ok(true)` = ready (including error/hang-up conditions, which the next
/// I/O call reports), `Ok(false)` = timed out. Retries `EINTR` with the remaining time.
///
/// The ssl layer uses this to wait between `SSL_read`/`SSL_write` attempts on a socket that
/// has a timeout, exactly as CPython's `PySSL_select` does.
pub(crate) fn poll_fd(fd: RawFd, writable: bool, timeout: Option<Duration>) -> io::Result<bool> {
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let ms: libc::c_int = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up (CPython uses _PyTime_ROUND_CEILING): never wake before the deadline.
                let ms = left.as_nanos().div_ceil(1_000_000);
                ms.min(libc::c_int::MAX as u128) as libc::c_int
            }
        };
        let mut pfd = libc::pollfd {
            fd,
            events: if writable {
                libc::POLLOUT
            } else {
                libc::POLLIN
            },
            revents: 0,
        };
        // SAFETY: `pfd` is one live pollfd and we pass a count of 1.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        match n {
            -1 => {
                let err = io::Error::last_os_error();
                if err.raw_os_error() == Some(libc::EINTR) {
                    continue;
                }
                return Err(err);
            }
            0 => {
                // poll may wake a little early on coarse clocks; only a passed deadline counts.
                match deadline {
                    Some(d) if Instant::now() < d => continue,
                    _ => return Ok(false),
                }
            }
            _ => return Ok(true),
        }
    }
}

extern "C" {
    /// `int inet_pton(int af, const char *src, void *dst)` (POSIX; the `libc` crate does not
    /// declare it for Linux).
    fn inet_pton(af: libc::c_int, src: *const libc::c_char, dst: *mut libc::c_void) -> libc::c_int;
}

/// `inet_pton(AF_INET, text)`.
pub(crate) fn inet_pton4(text: &CStr) -> Option<Ipv4Addr> {
    let mut out = [0u8; 4];
    // SAFETY: `text` is NUL-terminated and `out` has room for an in_addr (4 bytes).
    let rc = unsafe { inet_pton(libc::AF_INET, text.as_ptr(), out.as_mut_ptr() as *mut _) };
    (rc == 1).then(|| Ipv4Addr::from(out))
}

/// `inet_pton(AF_INET6, text)`.
pub(crate) fn inet_pton6(text: &CStr) -> Option<Ipv6Addr> {
    let mut out = [0u8; 16];
    // SAFETY: `text` is NUL-terminated and `out` has room for an in6_addr (16 bytes).
    let rc = unsafe { inet_pton(libc::AF_INET6, text.as_ptr(), out.as_mut_ptr() as *mut _) };
    (rc == 1).then(|| Ipv6Addr::from(out))
}

/// A `getaddrinfo` failure: `EAI_SYSTEM` carries the OS error, every other code its
/// `gai_strerror` text.
#[derive(Debug)]
pub(crate) enum GaiError {
    /// `EAI_SYSTEM`: look at errno.
    System(io::Error),
    /// Any other `EAI_*` code with its message.
    Code(i32, String),
}

/// `gai_strerror(code)`.
pub(crate) fn gai_strerror(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static NUL-terminated string (or NULL).
    let p = unsafe { libc::gai_strerror(code) };
    if p.is_null() {
        return format!("Unknown error {code}");
    }
    // SAFETY: non-NULL, static, NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// One `struct addrinfo` entry, copied out.
pub(crate) struct AddrInfoEntry {
    pub(crate) family: i32,
    pub(crate) socktype: i32,
    pub(crate) protocol: i32,
    pub(crate) canonname: Option<String>,
    pub(crate) addr: SockAddr,
}

/// `getaddrinfo(host, port, hints)`; `None` passes NULL. Entries in the resolver's order.
pub(crate) fn getaddrinfo(
    host: Option<&CStr>,
    port: Option<&CStr>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
) -> Result<Vec<AddrInfoEntry>, GaiError> {
    // SAFETY: addrinfo is plain old data; all-zero is the documented way to start hints.
    let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    hints.ai_flags = flags;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: host/port are NULL or NUL-terminated, hints is initialised, `res` is writable.
    let rc = unsafe {
        libc::getaddrinfo(
            host.map_or(std::ptr::null(), CStr::as_ptr),
            port.map_or(std::ptr::null(), CStr::as_ptr),
            &hints,
            &mut res,
        )
    };
    if rc != 0 {
        return Err(if rc == libc::EAI_SYSTEM {
            GaiError::System(io::Error::last_os_error())
        } else {
            GaiError::Code(rc, gai_strerror(rc))
        });
    }
    let mut out = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getaddrinfo returned, not yet freed.
        let ai = unsafe { &*cur };
        let canonname = if ai.ai_canonname.is_null() {
            None
        } else {
            // SAFETY: non-NULL ai_canonname is a NUL-terminated string owned by the list.
            Some(
                unsafe { CStr::from_ptr(ai.ai_canonname) }
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        out.push(AddrInfoEntry {
            family: ai.ai_family,
            socktype: ai.ai_socktype,
            protocol: ai.ai_protocol,
            canonname,
            addr: SockAddr::from_raw(ai.ai_addr, ai.ai_addrlen),
        });
        cur = ai.ai_next;
    }
    // SAFETY: `res` is the list getaddrinfo returned; freed once, after the last use.
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

/// `gethostname()`.
pub(crate) fn gethostname() -> io::Result<Vec<u8>> {
    let mut buf = [0u8; 1024];
    // SAFETY: `buf` is writable for one byte less than its length, keeping a final NUL.
    cvt(unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len() - 1) })?;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Ok(buf[..end].to_vec())
}
