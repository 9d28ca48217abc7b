//! FFI: OpenSSL memory BIOs, as CPython's `ssl.MemoryBIO` uses them (`BIO_s_mem` with "retry on
//! empty" until EOF is written), and attaching a pair of them to an `SSL`.

use std::ffi::{c_int, c_long, c_void};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslRef;
use openssl_sys as sys;

use super::outbuf::OutBuf;

extern "C" {
    fn BIO_ctrl_pending(b: *mut sys::BIO) -> usize;
    fn BIO_set_flags(b: *mut sys::BIO, flags: c_int);
    fn BIO_clear_flags(b: *mut sys::BIO, flags: c_int);
    fn BIO_up_ref(b: *mut sys::BIO) -> c_int;
    fn BIO_free(b: *mut sys::BIO) -> c_int;
    fn SSL_set_bio(ssl: *mut sys::SSL, rbio: *mut sys::BIO, wbio: *mut sys::BIO);
}

const BIO_FLAGS_READ: c_int = 0x01;
const BIO_FLAGS_WRITE: c_int = 0x02;
const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;

/// One owned reference to a memory BIO.
pub(crate) struct MemBio(*mut sys::BIO);

// SAFETY: a BIO is plain heap data with no thread affinity; `MemBio` is not `Sync`, and every
// user (`ssl::MemoryBIO`) keeps it behind a `Mutex`, so it is never touched concurrently.
unsafe impl Send for MemBio {}

impl Drop for MemBio {
    fn drop(&mut self) {
        // SAFETY: `self.0` holds one reference, released exactly once here.
        unsafe { BIO_free(self.0) };
    }
}

impl MemBio {
    /// `BIO_new(BIO_s_mem())` set up as CPython's `MemoryBIO()`: an empty read means "retry"
    /// (`BIO_set_retry_read`, EOF return -1), not end of stream. `None` if allocation failed.
    pub(crate) fn new() -> Option<MemBio> {
        // SAFETY: BIO_s_mem returns a static method table; BIO_new returns an owned BIO or NULL;
        // the flag and ctrl calls only set fields of that fresh BIO.
        unsafe {
            let bio = sys::BIO_new(sys::BIO_s_mem());
            if bio.is_null() {
                return None;
            }
            BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
            sys::BIO_ctrl(
                bio,
                BIO_C_SET_BUF_MEM_EOF_RETURN,
                -1 as c_long,
                std::ptr::null_mut(),
            );
            Some(MemBio(bio))
        }
    }

    /// `BIO_ctrl_pending`: bytes buffered.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: `self.0` is a live BIO; exclusive access per the owner's lock.
        unsafe { BIO_ctrl_pending(self.0) }
    }

    /// `BIO_read` of up to `buf.capacity()` bytes (at most `i32::MAX`); `None` on an error.
    pub(crate) fn read(&mut self, buf: &mut OutBuf<'_>) -> Option<usize> {
        buf.write_with(|ptr, len| {
            let len = len.min(i32::MAX as usize) as c_int;
            // SAFETY: `ptr` is writable for `len` bytes; BIO_read writes at most `len` and
            // returns how many (negative: an error, nothing written).
            let got = unsafe { sys::BIO_read(self.0, ptr, len) };
            usize::try_from(got).ok().ok_or(())
        })
        .ok()
    }

    /// `BIO_write` of all of `data` (at most `i32::MAX` bytes, checked by the caller).
    pub(crate) fn write(&mut self, data: &[u8]) -> c_int {
        // SAFETY: `data` is valid for reads of its length, which the caller keeps ≤ i32::MAX.
        unsafe { sys::BIO_write(self.0, data.as_ptr() as *const c_void, data.len() as c_int) }
    }

    /// CPython's `write_eof()`: from now on an empty read is a real end of stream.
    pub(crate) fn set_eof(&mut self) {
        // SAFETY: flag and ctrl calls on a live BIO.
        unsafe {
            BIO_clear_flags(
                self.0,
                BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY,
            );
            sys::BIO_ctrl(
                self.0,
                BIO_C_SET_BUF_MEM_EOF_RETURN,
                0,
                std::ptr::null_mut(),
            );
        }
    }

    /// Whether two handles are the same BIO.
    pub(crate) fn same_as(&self, other: &MemBio) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// `SSL_set_bio(ssl, incoming, outgoing)`: the SSL reads from `incoming` and writes to
/// `outgoing`, holding its own references (so the `MemoryBIO`s stay valid on both sides).
pub(crate) fn attach(ssl: &mut SslRef, incoming: &MemBio, outgoing: &MemBio) {
    // SAFETY: SSL_set_bio takes ownership of one reference per distinct BIO, so we add exactly
    // that many (one when both are the same BIO) before handing them over.
    unsafe {
        BIO_up_ref(incoming.0);
        if !incoming.same_as(outgoing) {
            BIO_up_ref(outgoing.0);
        }
        SSL_set_bio(ssl.as_ptr(), incoming.0, outgoing.0);
    }
}
