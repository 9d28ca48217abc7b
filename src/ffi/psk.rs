//! FFI: the PSK callbacks installed as CPython installs them: `SSL_CTX_set_psk_client_callback`
//! / `SSL_CTX_set_psk_server_callback` with a fixed C function while a Python-level callback is
//! set, NULL after `None` (so PSK cipher suites are offered only while there is a callback).
//! The C functions hold no state: each asks its `PskHandler` (which reads the connection's
//! current context), so nothing a running handshake uses is ever replaced or freed.

use std::ffi::{c_char, c_uchar, c_uint, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslContextRef, SslRef};
use openssl_sys as sys;

/// The Rust side of the two callbacks. Each returns the key's length (0: no PSK) after writing
/// the key into `psk` (and, on the client, the NUL-terminated identity into `identity`).
pub(crate) trait PskHandler {
    /// The client's: the server's identity hint (if any) to an identity and a key.
    fn client(ssl: &mut SslRef, hint: Option<&[u8]>, identity: &mut [u8], psk: &mut [u8]) -> usize;
    /// The server's: the client's identity to a key.
    fn server(ssl: &mut SslRef, identity: Option<&[u8]>, psk: &mut [u8]) -> usize;
}

/// `SSL_CTX_set_psk_client_callback(ctx, on ? trampoline : NULL)`. Callers hold the write lock.
pub(crate) fn set_client_callback<H: PskHandler>(ctx: &SslContextRef, on: bool) {
    let cb = on.then_some(client_trampoline::<H> as _);
    // SAFETY: live context; the function pointer is a static function.
    unsafe { sys::SSL_CTX_set_psk_client_callback(ctx.as_ptr(), cb) }
}

/// `SSL_CTX_set_psk_server_callback(ctx, on ? trampoline : NULL)`. Callers hold the write lock.
pub(crate) fn set_server_callback<H: PskHandler>(ctx: &SslContextRef, on: bool) {
    let cb = on.then_some(server_trampoline::<H> as _);
    // SAFETY: live context; the function pointer is a static function.
    unsafe { sys::SSL_CTX_set_psk_server_callback(ctx.as_ptr(), cb) }
}

/// `len` writable bytes at `ptr` as a slice (empty for NULL).
///
/// # Safety
/// `ptr` is NULL or valid for writes of `len` bytes, unaliased for the slice's life.
unsafe fn out_slice<'a>(ptr: *mut c_uchar, len: c_uint) -> &'a mut [u8] {
    if ptr.is_null() {
        return &mut [];
    }
    // SAFETY: per the function's contract.
    unsafe { std::slice::from_raw_parts_mut(ptr, len as usize) }
}

/// A NUL-terminated string from OpenSSL, or `None` for NULL.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string alive for `'a`.
unsafe fn in_text<'a>(ptr: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: per the function's contract.
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

extern "C" fn client_trampoline<H: PskHandler>(
    ssl: *mut sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: OpenSSL calls this during a handshake of the live `ssl`, with `hint` NULL or a
    // NUL-terminated string, and `identity`/`psk` writable for their maximum lengths.
    let (ssl, hint, identity, psk) = unsafe {
        (
            SslRef::from_ptr_mut(ssl),
            in_text(hint),
            out_slice(identity.cast(), max_identity_len),
            out_slice(psk, max_psk_len),
        )
    };
    let cap = psk.len();
    // A panic must not unwind into OpenSSL: it means "no PSK".
    let n = catch_unwind(AssertUnwindSafe(|| H::client(ssl, hint, identity, psk))).unwrap_or(0);
    if n <= cap {
        n as c_uint
    } else {
        0
    }
}

extern "C" fn server_trampoline<H: PskHandler>(
    ssl: *mut sys::SSL,
    identity: *const c_char,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    // SAFETY: OpenSSL calls this during a handshake of the live `ssl`, with `identity` NULL or a
    // NUL-terminated string and `psk` writable for `max_psk_len` bytes.
    let (ssl, identity, psk) = unsafe {
        (
            SslRef::from_ptr_mut(ssl),
            in_text(identity),
            out_slice(psk, max_psk_len),
        )
    };
    let cap = psk.len();
    let n = catch_unwind(AssertUnwindSafe(|| H::server(ssl, identity, psk))).unwrap_or(0);
    if n <= cap {
        n as c_uint
    } else {
        0
    }
}
