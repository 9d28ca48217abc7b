//! `poll(2)` over many descriptors, for [`crate::select`] (Python's `select.select`).

use std::io;
use std::os::fd::RawFd;

/// One descriptor and the events asked for; `revents` is filled by [`poll`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct PollFd {
    pub(crate) fd: RawFd,
    pub(crate) events: i16,
    pub(crate) revents: i16,
}

/// `poll(fds, nfds, timeout_ms)`: one call, no retry (the caller handles `EINTR` with its
/// own deadline). `timeout_ms < 0` waits forever. Returns how many descriptors have events.
pub(crate) fn poll(fds: &mut [PollFd], timeout_ms: i32) -> io::Result<usize> {
    let mut raw: Vec<libc::pollfd> = fds
        .iter()
        .map(|p| libc::pollfd {
            fd: p.fd,
            events: p.events,
            revents: 0,
        })
        .collect();
    // SAFETY: `raw` is a live, exclusively borrowed array of `raw.len()` pollfd structs, which
    // is exactly what poll(2) reads and writes; nothing else aliases it during the call.
    let n = unsafe { libc::poll(raw.as_mut_ptr(), raw.len() as libc::nfds_t, timeout_ms) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    for (p, r) in fds.iter_mut().zip(&raw) {
        p.revents = r.revents;
    }
    Ok(n as usize)
}
