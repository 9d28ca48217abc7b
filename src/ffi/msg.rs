//! FFI: `sendmsg(2)` and `recvmsg(2)` with ancillary data (control messages), behind
//! [`crate::socket`]'s `sendmsg`, `recvmsg` and `recvmsg_into`. The control-message layout is
//! the C library's (`CMSG_FIRSTHDR`, `CMSG_NXTHDR`, `CMSG_DATA`, `CMSG_LEN`, `CMSG_SPACE`);
//! a received buffer is read the way CPython reads it, including what it does with a message
//! cut short by a too small buffer.

use std::io;
use std::mem;
use std::os::fd::RawFd;

use super::outbuf::OutBuf;
use super::sys::SockAddr;

/// The largest `socklen_t` CPython lets a control buffer have (`SOCKLEN_T_LIMIT`).
pub(crate) const SOCKLEN_T_LIMIT: usize = 0x7fff_ffff;

/// One control message: `(cmsg_level, cmsg_type, cmsg_data)`.
pub(crate) type ControlMessage = (i32, i32, Vec<u8>);

/// `CMSG_LEN(length)` when the result fits `SOCKLEN_T_LIMIT` (CPython's `get_CMSG_LEN`).
pub(crate) fn cmsg_len(length: usize) -> Option<usize> {
    let header = c_cmsg_len(0);
    (length <= SOCKLEN_T_LIMIT - header).then(|| c_cmsg_len(length))
}

/// `CMSG_SPACE(length)` when the result fits `SOCKLEN_T_LIMIT` (CPython's `get_CMSG_SPACE`,
/// which leaves room for the padding before and after the data).
pub(crate) fn cmsg_space(length: usize) -> Option<usize> {
    let padded = c_cmsg_space(1);
    (length <= SOCKLEN_T_LIMIT - padded).then(|| c_cmsg_space(length))
}

/// `CMSG_LEN(n)` for an `n` known to fit a `c_uint`.
fn c_cmsg_len(n: usize) -> usize {
    // SAFETY: CMSG_LEN is arithmetic on its argument; callers keep `n` below SOCKLEN_T_LIMIT.
    unsafe { libc::CMSG_LEN(n as libc::c_uint) as usize }
}

/// `CMSG_SPACE(n)` for an `n` known to fit a `c_uint`.
fn c_cmsg_space(n: usize) -> usize {
    // SAFETY: CMSG_SPACE is arithmetic on its argument; callers keep `n` below SOCKLEN_T_LIMIT.
    unsafe { libc::CMSG_SPACE(n as libc::c_uint) as usize }
}

/// A zeroed control buffer of `len` bytes, aligned for `cmsghdr` (whose widest field is a
/// `size_t`); `None` if it cannot be allocated.
fn control_buffer(len: usize) -> Option<Vec<u64>> {
    let words = len.div_ceil(mem::size_of::<u64>());
    let mut buf = Vec::new();
    buf.try_reserve_exact(words).ok()?;
    buf.resize(words, 0);
    Some(buf)
}

/// An all-zero `msghdr` (its padding fields included).
fn empty_msghdr() -> libc::msghdr {
    // SAFETY: msghdr is plain old data (pointers, lengths, flags); all-zero is a valid value
    // (null pointers, zero lengths).
    unsafe { mem::zeroed() }
}

/// The control messages of one `sendmsg`, laid out in a buffer of their own.
pub(crate) struct SendControl {
    buf: Vec<u64>,
    len: usize,
}

impl SendControl {
    /// Lays out `ancdata` (each item's size already checked with [`cmsg_space`], their sum
    /// with `SOCKLEN_T_LIMIT`); `None` if the buffer cannot be allocated (CPython's
    /// `MemoryError`).
    pub(crate) fn new(ancdata: &[(i32, i32, &[u8])]) -> Option<SendControl> {
        let len: usize = ancdata
            .iter()
            .map(|(_, _, data)| c_cmsg_space(data.len()))
            .sum();
        let mut buf = control_buffer(len)?;
        if len == 0 {
            return Some(SendControl { buf, len });
        }
        let mut msg = empty_msghdr();
        msg.msg_control = buf.as_mut_ptr().cast();
        msg.msg_controllen = len;
        let end = buf.as_ptr() as usize + len;
        let mut cmsg: *mut libc::cmsghdr = std::ptr::null_mut();
        for (i, (level, type_, data)) in ancdata.iter().enumerate() {
            // SAFETY: `msg` describes the zeroed, aligned buffer `buf` of `len` bytes (zeroed
            // so that NXTHDR, which reads the next header's length, sees 0, as CPython notes);
            // FIRSTHDR/NXTHDR return a header inside it or NULL. The sum above leaves
            // CMSG_SPACE(len) bytes per item, and the check before the writes makes sure the
            // header and its data end inside the buffer.
            unsafe {
                cmsg = if i == 0 {
                    libc::CMSG_FIRSTHDR(&msg)
                } else {
                    libc::CMSG_NXTHDR(&msg, cmsg)
                };
                if cmsg.is_null() || (cmsg as usize) + c_cmsg_len(data.len()) > end {
                    return None; // cannot happen: the layout above is the C library's own
                }
                (*cmsg).cmsg_len = c_cmsg_len(data.len()) as _;
                (*cmsg).cmsg_level = *level;
                (*cmsg).cmsg_type = *type_;
                std::ptr::copy_nonoverlapping(data.as_ptr(), libc::CMSG_DATA(cmsg), data.len());
            }
        }
        Some(SendControl { buf, len })
    }
}

/// `sendmsg(fd, {buffers, control, address}, flags | MSG_NOSIGNAL)`, once (`MSG_NOSIGNAL` as
/// in `send`).
pub(crate) fn sendmsg(
    fd: RawFd,
    buffers: &[&[u8]],
    control: &mut SendControl,
    address: Option<&SockAddr>,
    flags: i32,
) -> io::Result<usize> {
    let mut iovs: Vec<libc::iovec> = buffers
        .iter()
        .map(|b| libc::iovec {
            iov_base: b.as_ptr() as *mut libc::c_void,
            iov_len: b.len(),
        })
        .collect();
    let mut msg = empty_msghdr();
    msg.msg_iov = iovs.as_mut_ptr();
    msg.msg_iovlen = iovs.len();
    if let Some(addr) = address {
        msg.msg_name = addr.as_ptr() as *mut libc::c_void;
        msg.msg_namelen = addr.len();
    }
    if control.len > 0 {
        msg.msg_control = control.buf.as_mut_ptr().cast();
        msg.msg_controllen = control.len;
    }
    // SAFETY: `msg` points at live iovecs over the caller's buffers (sendmsg only reads
    // them), at the address (or none) and at the control buffer of `msg_controllen` bytes,
    // all alive across the call.
    let n = unsafe { libc::sendmsg(fd, &msg, flags | libc::MSG_NOSIGNAL) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// What one `recvmsg` brought.
pub(crate) struct Received {
    /// Bytes of ordinary data.
    pub(crate) nbytes: usize,
    /// The control messages, as CPython reads them.
    pub(crate) ancdata: Vec<ControlMessage>,
    /// Whether a message was malformed or cut short (CPython's `RuntimeWarning`).
    pub(crate) malformed: bool,
    /// `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
    pub(crate) msg_flags: i32,
    /// The sender (length 0 when the kernel names none).
    pub(crate) address: SockAddr,
}

/// The room a `recvmsg` needs beyond its data buffers: a control buffer of `ancbufsize`
/// bytes; `None` if it cannot be allocated (CPython's `MemoryError`).
pub(crate) struct RecvSpace {
    control: Vec<u64>,
    controllen: usize,
}

impl RecvSpace {
    pub(crate) fn new(ancbufsize: usize) -> Option<RecvSpace> {
        Some(RecvSpace {
            control: control_buffer(ancbufsize)?,
            controllen: ancbufsize,
        })
    }
}

/// `recvmsg(fd, {one buffer, control buffer}, flags)`, once, into `buf`.
pub(crate) fn recvmsg(
    fd: RawFd,
    buf: &mut OutBuf<'_>,
    space: &mut RecvSpace,
    flags: i32,
) -> io::Result<Received> {
    let mut received = None;
    buf.write_with(|ptr, len| {
        let mut iov = [libc::iovec {
            iov_base: ptr,
            iov_len: len,
        }];
        let r = recvmsg_iov(fd, &mut iov, space, flags)?;
        let n = r.nbytes;
        received = Some(r);
        Ok::<_, io::Error>(n)
    })?;
    received.ok_or_else(|| io::Error::other("recvmsg returned nothing"))
}

/// `recvmsg(fd, {buffers, control buffer}, flags)`, once, scattering into `buffers`.
pub(crate) fn recvmsg_into(
    fd: RawFd,
    buffers: &mut [&mut [u8]],
    space: &mut RecvSpace,
    flags: i32,
) -> io::Result<Received> {
    let mut iovs: Vec<libc::iovec> = buffers
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: b.len(),
        })
        .collect();
    recvmsg_iov(fd, &mut iovs, space, flags)
}

fn recvmsg_iov(
    fd: RawFd,
    iovs: &mut [libc::iovec],
    space: &mut RecvSpace,
    flags: i32,
) -> io::Result<Received> {
    let mut address = SockAddr::empty();
    let mut msg = empty_msghdr();
    msg.msg_name = address.as_mut_ptr().cast();
    msg.msg_namelen = address.capacity();
    msg.msg_iov = iovs.as_mut_ptr();
    msg.msg_iovlen = iovs.len();
    if space.controllen > 0 {
        msg.msg_control = space.control.as_mut_ptr().cast();
        msg.msg_controllen = space.controllen;
    }
    // SAFETY: `msg` points at iovecs over writable buffers of the stated lengths, at our
    // address storage of `msg_namelen` bytes and at the control buffer of `msg_controllen`
    // bytes, all alive and exclusively ours across the call; recvmsg writes within them.
    let n = unsafe { libc::recvmsg(fd, &mut msg, flags) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    address.set_len(msg.msg_namelen);
    let (ancdata, malformed) = control_messages(&msg, space);
    Ok(Received {
        nbytes: n as usize,
        ancdata,
        malformed,
        msg_flags: msg.msg_flags,
        address,
    })
}

/// `CMSG_ALIGN(len)`: rounded up to a multiple of `size_t`.
fn align(len: usize) -> usize {
    len.saturating_add(mem::size_of::<usize>() - 1) & !(mem::size_of::<usize>() - 1)
}

/// The control messages of a received `msg`, read as CPython's `sock_recvmsg_guts` reads
/// them: a header whose data runs past the end of what was received is kept with the data
/// that is there and ends the list; a malformed header (too short, outside the buffer) ends
/// it without being kept; either sets the returned flag.
fn control_messages(msg: &libc::msghdr, space: &RecvSpace) -> (Vec<ControlMessage>, bool) {
    let mut out = Vec::new();
    let start = space.control.as_ptr() as usize;
    // What the kernel filled, never more than the buffer.
    let filled = msg.msg_controllen.min(space.controllen);
    if msg.msg_control.is_null() || filled == 0 {
        return (out, false);
    }
    let header = c_cmsg_len(0);
    let len_end = mem::offset_of!(libc::cmsghdr, cmsg_len) + mem::size_of::<usize>();
    // SAFETY: `msg` describes our control buffer with a length no larger than it;
    // FIRSTHDR/NXTHDR only return headers whose first `len_end` bytes lie inside it (checked
    // again below before a field is read), and data is read only within `filled`.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(msg);
        while !cmsg.is_null() {
            let offset = cmsg as usize - start;
            if offset + header.max(len_end) > filled {
                return (out, true);
            }
            let claimed = (*cmsg).cmsg_len as usize;
            if claimed < header {
                return (out, true);
            }
            let data = libc::CMSG_DATA(cmsg) as *const u8;
            let data_offset = data as usize - start;
            let room = filled.saturating_sub(data_offset);
            let len = (claimed - header).min(room);
            let bytes = std::slice::from_raw_parts(data, len).to_vec();
            out.push(((*cmsg).cmsg_level, (*cmsg).cmsg_type, bytes));
            if len < claimed - header {
                return (out, true);
            }
            cmsg = libc::CMSG_NXTHDR(msg, cmsg);
            // glibc's CMSG_NXTHDR, which CPython uses, also ends the list at a header whose
            // (aligned) length runs past the buffer; the `libc` crate's does not. The header
            // itself lies inside the buffer (NXTHDR checked), so its length can be read.
            if !cmsg.is_null() {
                let end = cmsg as usize - start + align((*cmsg).cmsg_len as usize);
                if end > filled {
                    break;
                }
            }
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A received control buffer of `filled` bytes whose one header says `cmsg_len`.
    fn parse(cmsg_len: u64, filled: usize) -> (Vec<ControlMessage>, bool) {
        let mut space = RecvSpace::new(64).unwrap();
        // cmsghdr on 64-bit Linux: a size_t length, then level and type (two ints).
        space.control[0] = cmsg_len;
        space.control[1] = (1u64 << 32) | 1; // SOL_SOCKET, SCM_RIGHTS
        space.control[2] = u64::from_ne_bytes(*b"abcdefgh");
        let mut msg = empty_msghdr();
        msg.msg_control = space.control.as_mut_ptr().cast();
        msg.msg_controllen = filled;
        control_messages(&msg, &space)
    }

    #[test]
    fn messages_are_read_as_cpython_reads_them() {
        assert_eq!(
            mem::size_of::<libc::cmsghdr>(),
            16,
            "the layout parse() writes"
        );
        // Whole: 4 bytes of data, inside what was received.
        assert_eq!(parse(20, 24), (vec![(1, 1, b"abcd".to_vec())], false));
        // Claims more than arrived: kept with what is there, flagged.
        assert_eq!(parse(100, 24), (vec![(1, 1, b"abcdefgh".to_vec())], true));
        // A length shorter than a header: malformed, dropped, flagged.
        assert_eq!(parse(8, 24), (vec![], true));
        // Less than a header received: nothing.
        assert_eq!(parse(20, 8), (vec![], false));
    }

    #[test]
    fn a_second_header_running_past_the_buffer_ends_the_list_as_glibc() {
        let mut space = RecvSpace::new(64).unwrap();
        space.control[0] = 20; // first: 4 bytes of data, padded to 24
        space.control[1] = (1u64 << 32) | 1;
        space.control[2] = u64::from_ne_bytes(*b"abcd\0\0\0\0");
        space.control[3] = 200; // second: says 200 bytes, only 40 received
        space.control[4] = (1u64 << 32) | 1;
        let mut msg = empty_msghdr();
        msg.msg_control = space.control.as_mut_ptr().cast();
        msg.msg_controllen = 40;
        assert_eq!(
            control_messages(&msg, &space),
            (vec![(1, 1, b"abcd".to_vec())], false)
        );
    }
}
