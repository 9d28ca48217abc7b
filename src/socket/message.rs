//! `sendmsg`, `recvmsg`, `recvmsg_into`: data with ancillary data (control messages, such as
//! descriptors passed with `SCM_RIGHTS`), and `CMSG_LEN`/`CMSG_SPACE` to size the buffers.
//!
//! ```text
//! Python:  sock.sendmsg([b'fd'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())])
//! Rust:    sock.sendmsg(&[b"fd"], &[(socket::SOL_SOCKET, socket::SCM_RIGHTS, &fd_bytes)], 0, None)?;
//! ```
#![allow(non_snake_case)] // CMSG_LEN, CMSG_SPACE: Python's names

use super::{closed_error, socket, Address, SCM_RIGHTS, SOL_SOCKET};
use crate::error::{Error, OSError, Result};
use crate::ffi::msg::{self, ControlMessage, Received, RecvSpace, SendControl, SOCKLEN_T_LIMIT};
use crate::ffi::outbuf::{self, OutBuf};
use crate::ffi::sys;

/// What `recvmsg` returns in Python: `(data, ancdata, msg_flags, address)`, `ancdata` a list of
/// `(cmsg_level, cmsg_type, cmsg_data)` and `address` `None` where Python's is.
pub type RecvMsg = (Vec<u8>, Vec<(i32, i32, Vec<u8>)>, i32, Option<Address>);

/// What `recvmsg_into` returns in Python: `(nbytes, ancdata, msg_flags, address)`.
pub type RecvMsgInto = (usize, Vec<(i32, i32, Vec<u8>)>, i32, Option<Address>);

/// `socket.CMSG_LEN(length)` → `socket::CMSG_LEN(length)?`: the size of a control message
/// with `length` bytes of data, without trailing padding. A length whose result would not fit
/// a `socklen_t` is `OverflowError('CMSG_LEN() argument out of range')`.
pub fn CMSG_LEN(length: usize) -> Result<usize> {
    check_ssize(length)?;
    msg::cmsg_len(length)
        .ok_or_else(|| Error::OverflowError("CMSG_LEN() argument out of range".into()))
}

/// `socket.CMSG_SPACE(length)` → `socket::CMSG_SPACE(length)?`: the buffer room a control
/// message with `length` bytes of data takes, padding included (sum them for `ancbufsize`).
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::socket;
/// // Python: socket.CMSG_LEN(4), socket.CMSG_SPACE(4)   ->  (20, 24)
/// assert_eq!((socket::CMSG_LEN(4)?, socket::CMSG_SPACE(4)?), (20, 24));
/// # Ok(())
/// # }
/// ```
pub fn CMSG_SPACE(length: usize) -> Result<usize> {
    check_ssize(length)?;
    msg::cmsg_space(length)
        .ok_or_else(|| Error::OverflowError("CMSG_SPACE() argument out of range".into()))
}

/// Python's `n` argument conversion: beyond `Py_ssize_t` it is an `OverflowError`.
fn check_ssize(n: usize) -> Result<()> {
    if n > isize::MAX as usize {
        return Err(Error::OverflowError(
            "Python int too large to convert to C ssize_t".into(),
        ));
    }
    Ok(())
}

fn os_message(msg: &str) -> Error {
    Error::OSError(OSError {
        errno: None,
        strerror: Some(msg.into()),
        filename: None,
    })
}

impl socket {
    /// `sock.sendmsg(buffers, ancdata, flags, address)` →
    /// `sock.sendmsg(&buffers, &ancdata, flags, address)?`: the data of `buffers`, in order,
    /// as one message, with the control messages `ancdata` (`(cmsg_level, cmsg_type,
    /// cmsg_data)`), to `address` if given (`None` for Python's default). Returns the data
    /// bytes sent. Python's omitted arguments are `&[]`, `0` and `None`.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::socket;
    /// let (a, b) = socket::socketpair()?;
    /// let (_keep, passed) = socket::socketpair()?;
    /// // Python: a.sendmsg([b'take this'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
    /// //                                      array.array('i', [passed.fileno()]))])
    /// let fd = passed.fileno().to_ne_bytes();
    /// a.sendmsg(&[b"take this"], &[(socket::SOL_SOCKET, socket::SCM_RIGHTS, &fd)], 0, None)?;
    /// // Python: data, ancdata, flags, addr = b.recvmsg(1024, socket.CMSG_SPACE(4))
    /// let (data, ancdata, flags, addr) = b.recvmsg(1024, socket::CMSG_SPACE(4)?, 0)?;
    /// assert_eq!((&data[..], flags, addr), (&b"take this"[..], 0, None));
    /// let (level, kind, fd_bytes) = &ancdata[0];
    /// assert_eq!((*level, *kind, fd_bytes.len()), (socket::SOL_SOCKET, socket::SCM_RIGHTS, 4));
    /// // A new descriptor for the passed socket now belongs to this process (Python:
    /// // socket.socket(fileno=fd); Rust: OwnedFd::from_raw_fd, then socket::socket::try_from).
    /// # Ok(())
    /// # }
    /// ```
    pub fn sendmsg(
        &self,
        buffers: &[&[u8]],
        ancdata: &[(i32, i32, &[u8])],
        flags: i32,
        address: Option<Address>,
    ) -> Result<usize> {
        let addr = address
            .map(|a| a.to_sockaddr(self.family, "sendmsg"))
            .transpose()?;
        let mut total: usize = 0;
        for (_, _, data) in ancdata {
            let space = msg::cmsg_space(data.len())
                .ok_or_else(|| os_message("ancillary data item too large"))?;
            total = total
                .checked_add(space)
                .filter(|&t| t <= SOCKLEN_T_LIMIT)
                .ok_or_else(|| os_message("too much ancillary data"))?;
        }
        let mut control =
            SendControl::new(ancdata).ok_or_else(|| Error::MemoryError(String::new()))?;
        self.check_call(true, self.timeout_ns(), |fd| {
            msg::sendmsg(fd, buffers, &mut control, addr.as_ref(), flags)
        })
    }

    /// `data, ancdata, msg_flags, address = sock.recvmsg(bufsize, ancbufsize, flags)` →
    /// `let (data, ancdata, msg_flags, address) = sock.recvmsg(bufsize, ancbufsize, flags)?;`
    /// (Python's defaults: `ancbufsize=0`, `flags=0`). Control messages that do not fit
    /// `ancbufsize` are cut short (`MSG_CTRUNC` in `msg_flags`); one cut inside its data is
    /// kept with what arrived, with CPython's `RuntimeWarning` `received malformed or
    /// improperly-truncated ancillary data` (through [`crate::warnings`]). A size no buffer can have is
    /// `MemoryError`/`OverflowError`; an `ancbufsize` beyond `socklen_t` is
    /// `ValueError('invalid ancillary data buffer length')`.
    #[track_caller]
    pub fn recvmsg(&self, bufsize: usize, ancbufsize: usize, flags: i32) -> Result<RecvMsg> {
        let mut received = None;
        let data = outbuf::read_new(bufsize, |buf| {
            let r = self.recvmsg_to(buf, ancbufsize, flags)?;
            let n = r.nbytes;
            received = Some(r);
            Ok(n)
        })?;
        let r = received.ok_or_else(|| Error::from(closed_error()))?;
        let (ancdata, msg_flags, address) = finish(r)?;
        Ok((data, ancdata, msg_flags, address))
    }

    /// `nbytes, ancdata, msg_flags, address = sock.recvmsg_into(buffers, ancbufsize, flags)` →
    /// `let (nbytes, ancdata, msg_flags, address) = sock.recvmsg_into(&mut buffers, ancbufsize, flags)?;`:
    /// as [`recvmsg`](socket::recvmsg), scattering the data over `buffers` in order.
    #[track_caller]
    pub fn recvmsg_into(
        &self,
        buffers: &mut [&mut [u8]],
        ancbufsize: usize,
        flags: i32,
    ) -> Result<RecvMsgInto> {
        let mut space = recv_space(ancbufsize)?;
        let wants = buffers.iter().any(|b| !b.is_empty());
        let r = self.check_call(false, self.timeout_ns(), |fd| {
            msg::recvmsg_into(fd, buffers, &mut space, flags)
        })?;
        if r.nbytes == 0 && wants && self.is_closed() {
            return Err(closed_error().into());
        }
        let n = r.nbytes;
        let (ancdata, msg_flags, address) = finish(r)?;
        Ok((n, ancdata, msg_flags, address))
    }

    /// One `recvmsg` into `buf`, waiting as the socket's timeout says.
    fn recvmsg_to(&self, buf: &mut OutBuf<'_>, ancbufsize: usize, flags: i32) -> Result<Received> {
        let mut space = recv_space(ancbufsize)?;
        let wants = buf.capacity() > 0;
        let r = self.check_call(false, self.timeout_ns(), |fd| {
            msg::recvmsg(fd, buf, &mut space, flags)
        })?;
        // As in `recv`: the end of stream a concurrent `close` causes is not the peer's.
        if r.nbytes == 0 && wants && self.is_closed() {
            return Err(closed_error().into());
        }
        Ok(r)
    }
}

/// The control buffer, with CPython's checks.
fn recv_space(ancbufsize: usize) -> Result<RecvSpace> {
    if ancbufsize > SOCKLEN_T_LIMIT {
        return Err(Error::value("invalid ancillary data buffer length"));
    }
    RecvSpace::new(ancbufsize).ok_or_else(|| Error::MemoryError(String::new()))
}

/// The Python values of what `recvmsg` received. If they cannot be made (or an `"error"`
/// filter turns the truncation warning into the exception), the descriptors that arrived with
/// `SCM_RIGHTS` are closed first, as CPython closes them.
#[track_caller]
fn finish(r: Received) -> Result<(Vec<ControlMessage>, i32, Option<Address>)> {
    let made = if r.malformed {
        crate::warnings::runtime_warning(
            "received malformed or improperly-truncated ancillary data",
        )
    } else {
        Ok(())
    };
    let address = made.and_then(|()| {
        if r.address.is_empty() {
            Ok(None)
        } else {
            Address::from_sockaddr(&r.address).map(Some)
        }
    });
    match address {
        Ok(address) => Ok((r.ancdata, r.msg_flags, address)),
        Err(e) => {
            for (level, kind, data) in &r.ancdata {
                if (*level, *kind) == (SOL_SOCKET, SCM_RIGHTS) {
                    for fd in data.chunks_exact(4) {
                        let _ = sys::close(i32::from_ne_bytes([fd[0], fd[1], fd[2], fd[3]]));
                    }
                }
            }
            Err(e)
        }
    }
}
