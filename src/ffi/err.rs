//! FFI: OpenSSL's error queue and verification texts.

use std::ffi::CStr;

use libc::{c_long, c_ulong};
use openssl_sys as sys;

/// `ERR_peek_last_error()`: the newest queued error code, 0 if none. CPython builds its
/// exception from this one (not the oldest).
pub(crate) fn peek_last_error() -> c_ulong {
    // SAFETY: reads this thread's error queue; no pointers involved.
    unsafe { sys::ERR_peek_last_error() }
}

/// `ERR_clear_error()`: empties this thread's error queue.
pub(crate) fn clear_error() {
    // SAFETY: only touches this thread's error queue.
    unsafe { sys::ERR_clear_error() }
}

/// `ERR_reason_error_string(code)`: OpenSSL's lower-case text (`certificate verify failed`).
pub(crate) fn reason_error_string(code: c_ulong) -> Option<String> {
    // SAFETY: returns NULL or a pointer to a static NUL-terminated string owned by OpenSSL.
    let p = unsafe { sys::ERR_reason_error_string(code) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL, static and NUL-terminated per OpenSSL's contract.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// `X509_verify_cert_error_string(code)`: `self-signed certificate`, ...
pub(crate) fn verify_cert_error_string(code: c_long) -> Option<String> {
    // SAFETY: returns NULL or a pointer to a static NUL-terminated string (or a thread-local
    // buffer for unknown codes, which we copy immediately).
    let p = unsafe { sys::X509_verify_cert_error_string(code) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated per OpenSSL's contract.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}
