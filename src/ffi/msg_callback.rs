//! FFI: the protocol message callback behind `SSLContext._msg_callback`, installed as CPython
//! installs it: `SSL_CTX_set_msg_callback` with a fixed C function while a Python-level callback
//! is set, NULL after `None`. OpenSSL copies the function into each `SSL` at creation; the C
//! function holds no state and asks its `MsgHandler` (which reads the connection's current
//! context), so nothing a running connection uses is ever replaced or freed.

use std::ffi::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslContextRef, SslRef};
use openssl_sys as sys;

/// The Rust side of the callback: one TLS record header, handshake message, alert, ... that
/// OpenSSL read (`write == false`) or wrote, with `SSL_CTX_set_msg_callback`'s arguments.
pub(crate) trait MsgHandler {
    /// Called for each message; must not unwind (the trampoline stops a panic anyway).
    fn message(ssl: &mut SslRef, write: bool, version: i32, content_type: i32, buf: &[u8]);
}

type MsgCallback = unsafe extern "C" fn(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut sys::SSL,
    arg: *mut c_void,
);

extern "C" {
    fn SSL_CTX_set_msg_callback(ctx: *mut sys::SSL_CTX, cb: Option<MsgCallback>);
}

/// `SSL_CTX_set_msg_callback(ctx, on ? trampoline : NULL)`. Callers hold the write lock.
pub(crate) fn set_msg_callback<H: MsgHandler>(ctx: &SslContextRef, on: bool) {
    let cb = on.then_some(trampoline::<H> as MsgCallback);
    // SAFETY: live context; the function pointer is a static function.
    unsafe { SSL_CTX_set_msg_callback(ctx.as_ptr(), cb) }
}

extern "C" fn trampoline<H: MsgHandler>(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut sys::SSL,
    _arg: *mut c_void,
) {
    // SAFETY: OpenSSL calls this while it processes a message of the live `ssl`, with `buf`
    // readable for `len` bytes (NULL only with no bytes) for the duration of the call.
    let (ssl, buf) = unsafe {
        let bytes: &[u8] = if buf.is_null() || len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(buf.cast(), len)
        };
        (SslRef::from_ptr_mut(ssl), bytes)
    };
    // A panic must not unwind into OpenSSL; the handler keeps its own, this is the last guard.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        H::message(ssl, write_p != 0, version, content_type, buf)
    }));
}
