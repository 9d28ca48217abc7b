//! FFI: driving an `SSL` the way CPython's `_ssl` does (attached to a socket descriptor, raw
//! `SSL_read_ex`/`SSL_write_ex`/`SSL_do_handshake`/`SSL_shutdown` with `SSL_get_error`), and
//! mutating a shared `SSL_CTX` after creation as Python's setters do.

use std::ffi::CStr;

use foreign_types::ForeignTypeRef;
use libc::{c_int, c_long, c_ulong};
use openssl::ssl::{SslContext, SslContextBuilder, SslContextRef, SslRef};
use openssl_sys as sys;

use super::outbuf::OutBuf;

extern "C" {
    fn SSL_set_read_ahead(ssl: *mut sys::SSL, yes: c_int);
    fn SSL_set_session_id_context(ssl: *mut sys::SSL, sid: *const u8, len: libc::c_uint) -> c_int;
    fn SSL_set_post_handshake_auth(ssl: *mut sys::SSL, val: c_int);
    fn SSL_CTX_get_verify_mode(ctx: *const sys::SSL_CTX) -> c_int;
    fn SSL_get_current_compression(ssl: *const sys::SSL) -> *const libc::c_void;
    fn SSL_COMP_get_name(comp: *const libc::c_void) -> *const libc::c_char;
    fn SSL_verify_client_post_handshake(ssl: *mut sys::SSL) -> c_int;
    fn SSL_CTX_use_psk_identity_hint(ctx: *mut sys::SSL_CTX, hint: *const libc::c_char) -> c_int;
    fn RAND_status() -> c_int;
    fn RAND_add(buf: *const libc::c_void, num: c_int, randomness: libc::c_double);
}

/// What one OpenSSL I/O call did: its return value, the bytes moved, `SSL_get_error`'s class
/// and, for a failed call, the `errno` saved right after it (CPython's `_PySSLError`, which
/// also reads `errno` only on failure; `0` on success).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IoOutcome {
    /// The C return value (`1` success for `_ex` calls and the handshake).
    pub ret: c_int,
    /// Bytes read or written.
    pub count: usize,
    /// `SSL_get_error(ssl, ret)`; `SSL_ERROR_NONE` on success.
    pub ssl_error: c_int,
    /// `errno` as it was right after the call.
    pub errno: i32,
}

/// The outcome of a call that returned `ret`: success costs nothing more; only a failure
/// reads `errno` (first, before anything can clobber it) and asks `SSL_get_error`.
#[inline]
fn outcome(ssl: &SslRef, ret: c_int, count: usize) -> IoOutcome {
    if ret > 0 {
        return IoOutcome {
            ret,
            count,
            ssl_error: sys::SSL_ERROR_NONE,
            errno: 0,
        };
    }
    let errno = errno();
    // SAFETY: `ssl` is a live SSL; SSL_get_error only inspects it and the error queue.
    let ssl_error = unsafe { sys::SSL_get_error(ssl.as_ptr(), ret) };
    IoOutcome {
        ret,
        count,
        ssl_error,
        errno,
    }
}

fn clear_errno() {
    // SAFETY: __errno_location returns this thread's errno slot, always valid to write.
    unsafe { *libc::__errno_location() = 0 };
}

/// `SSL_read_ex` into `buf`.
pub(crate) fn read(ssl: &mut SslRef, buf: &mut OutBuf<'_>) -> IoOutcome {
    let mut ret = 0;
    clear_errno();
    let n = buf
        .write_with(|ptr, len| {
            let mut n = 0usize;
            // SAFETY: `ptr` is writable for `len` bytes and `n` is a valid out-pointer;
            // SSL_read_ex writes at most `len` bytes and reports them in `n` (0 on failure).
            ret = unsafe { sys::SSL_read_ex(ssl.as_ptr(), ptr.cast(), len, &mut n) };
            Ok::<_, std::convert::Infallible>(if ret > 0 { n } else { 0 })
        })
        .unwrap_or_else(|never| match never {});
    outcome(ssl, ret, n)
}

/// `SSL_write_ex` of all of `buf` (partial writes are off, as in CPython).
pub(crate) fn write(ssl: &mut SslRef, buf: &[u8]) -> IoOutcome {
    let mut n = 0usize;
    clear_errno();
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes and `n` is a valid out-pointer.
    let ret = unsafe { sys::SSL_write_ex(ssl.as_ptr(), buf.as_ptr().cast(), buf.len(), &mut n) };
    outcome(ssl, ret, n)
}

/// `SSL_do_handshake`.
pub(crate) fn do_handshake(ssl: &mut SslRef) -> IoOutcome {
    clear_errno();
    // SAFETY: `ssl` is live and has its fd or BIOs attached.
    let ret = unsafe { sys::SSL_do_handshake(ssl.as_ptr()) };
    outcome(ssl, ret, 0)
}

/// `SSL_shutdown`: 1 done, 0 close_notify sent but the peer's not yet seen, < 0 error.
pub(crate) fn shutdown(ssl: &mut SslRef) -> IoOutcome {
    clear_errno();
    // SAFETY: `ssl` is live.
    let ret = unsafe { sys::SSL_shutdown(ssl.as_ptr()) };
    let mut out = outcome(ssl, ret, 0);
    if ret >= 0 {
        out.ssl_error = sys::SSL_ERROR_NONE;
    }
    out
}

/// `SSL_get_shutdown`: the `SSL_SENT_SHUTDOWN`/`SSL_RECEIVED_SHUTDOWN` bits.
pub(crate) fn get_shutdown(ssl: &SslRef) -> c_int {
    // SAFETY: `ssl` is live; a plain getter.
    unsafe { sys::SSL_get_shutdown(ssl.as_ptr()) }
}

/// `SSL_set_read_ahead(ssl, 0)`, done before the second `SSL_shutdown` of `unwrap()` so no
/// plain-text bytes after close_notify are swallowed.
pub(crate) fn disable_read_ahead(ssl: &mut SslRef) {
    // SAFETY: `ssl` is live; sets a flag.
    unsafe { SSL_set_read_ahead(ssl.as_ptr(), 0) }
}

/// `SSL_set_mode(ssl, mode)`.
pub(crate) fn set_mode(ssl: &mut SslRef, mode: c_long) {
    // SAFETY: `ssl` is live; SSL_CTRL_MODE only ORs bits into the mode.
    unsafe { sys::SSL_ctrl(ssl.as_ptr(), sys::SSL_CTRL_MODE, mode, std::ptr::null_mut()) };
}

/// `SSL_set_session_id_context(ssl, sid)`.
pub(crate) fn set_session_id_context(ssl: &mut SslRef, sid: &[u8]) -> bool {
    // SAFETY: `sid` is valid for `sid.len()` bytes (OpenSSL copies at most 32).
    unsafe {
        SSL_set_session_id_context(ssl.as_ptr(), sid.as_ptr(), sid.len() as libc::c_uint) == 1
    }
}

/// `SSL_set_post_handshake_auth(ssl, 1)`: a client offering TLS 1.3 post-handshake auth.
pub(crate) fn enable_post_handshake_auth(ssl: &mut SslRef) {
    // SAFETY: `ssl` is live; sets a flag.
    unsafe { SSL_set_post_handshake_auth(ssl.as_ptr(), 1) }
}

/// `SSL_get_version`: `TLSv1.3`, ...
pub(crate) fn version_str(ssl: &SslRef) -> String {
    ssl.version_str().to_string()
}

/// `SSL_get_verify_result`.
pub(crate) fn verify_result(ssl: &SslRef) -> c_long {
    ssl.verify_result().as_raw() as c_long
}

/// The verify mode of the SSL's *current* `SSL_CTX` (`getpeercert()` returns `{}` when it lacks
/// `SSL_VERIFY_PEER`, like CPython).
pub(crate) fn current_ctx_verify_mode(ssl: &SslRef) -> c_int {
    // SAFETY: the SSL keeps its SSL_CTX alive; SSL_CTX_get_verify_mode is a plain getter.
    unsafe { SSL_CTX_get_verify_mode(ssl.ssl_context().as_ptr()) }
}

/// A transient owning `SslContextBuilder` over an existing, shared `SSL_CTX`, so the `openssl`
/// crate's safe setters can reconfigure it after creation as Python's `SSLContext` setters do.
///
/// Callers must hold the owning `SSLContext`'s write lock: no other thread may be reading or
/// writing the `SSL_CTX` (creating an `SSL` from it) while `f` runs.
pub(crate) fn with_builder<R>(ctx: &SslContext, f: impl FnOnce(&mut SslContextBuilder) -> R) -> R {
    // SAFETY: SSL_CTX_up_ref gives the builder its own reference, which its Drop releases with
    // SSL_CTX_free, so the context's refcount is balanced and `ctx` stays valid. Exclusive access
    // during `f` is guaranteed by the caller's write lock (see above).
    let mut builder = unsafe {
        sys::SSL_CTX_up_ref(ctx.as_ptr());
        SslContextBuilder::from_ptr(ctx.as_ptr())
    };
    f(&mut builder)
}

/// `X509_VERIFY_PARAM_get_flags` of the context's verify param.
pub(crate) fn ctx_verify_flags(ctx: &SslContextRef) -> c_ulong {
    // SAFETY: SSL_CTX_get0_param returns the context's own param, valid while `ctx` lives.
    unsafe { sys::X509_VERIFY_PARAM_get_flags(sys::SSL_CTX_get0_param(ctx.as_ptr())) }
}

/// Clears then sets flags on the context's verify param, as CPython's `verify_flags` setter.
/// Callers hold the context's write lock.
pub(crate) fn ctx_update_verify_flags(ctx: &SslContextRef, clear: c_ulong, set: c_ulong) -> bool {
    // SAFETY: the param belongs to the live context; exclusive access per the caller's lock.
    unsafe {
        let param = sys::SSL_CTX_get0_param(ctx.as_ptr());
        (clear == 0 || sys::X509_VERIFY_PARAM_clear_flags(param, clear) == 1)
            && (set == 0 || sys::X509_VERIFY_PARAM_set_flags(param, set) == 1)
    }
}

/// `X509_VERIFY_PARAM_set_hostflags` on the context's verify param. Callers hold the write lock.
pub(crate) fn ctx_set_hostflags(ctx: &SslContextRef, flags: libc::c_uint) {
    // SAFETY: the param belongs to the live context; exclusive access per the caller's lock.
    unsafe { sys::X509_VERIFY_PARAM_set_hostflags(sys::SSL_CTX_get0_param(ctx.as_ptr()), flags) }
}

/// `SSL_CTX_set_post_handshake_auth`. Callers hold the write lock.
pub(crate) fn ctx_set_post_handshake_auth(ctx: &SslContextRef, on: bool) {
    // SAFETY: live context; exclusive access per the caller's lock.
    unsafe { sys::SSL_CTX_set_post_handshake_auth(ctx.as_ptr(), on as c_int) }
}

/// `SSL_CTX_get_min_proto_version` / `max`: 0 means "no limit".
pub(crate) fn ctx_proto_versions(ctx: &SslContextRef) -> (c_int, c_int) {
    // SAFETY: plain getters (SSL_CTX_ctrl reads) on a live context.
    unsafe {
        (
            sys::SSL_CTX_get_min_proto_version(ctx.as_ptr()),
            sys::SSL_CTX_get_max_proto_version(ctx.as_ptr()),
        )
    }
}

/// `SSL_CTX_get_options`.
pub(crate) fn ctx_options(ctx: &SslContextRef) -> u64 {
    // SAFETY: plain getter on a live context.
    unsafe { sys::SSL_CTX_get_options(ctx.as_ptr()) as u64 }
}

/// Static C string to `String` (for OpenSSL's `const char *` getters).
pub(crate) fn static_str(p: *const libc::c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL NUL-terminated string owned by OpenSSL for the program's lifetime.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

extern "C" {
    fn TLSv1_method() -> *const sys::SSL_METHOD;
    fn TLSv1_1_method() -> *const sys::SSL_METHOD;
    fn TLSv1_2_method() -> *const sys::SSL_METHOD;
}

/// The version-pinned methods behind the deprecated `PROTOCOL_TLSv1*` (3, 4, 5).
pub(crate) fn version_method(minor: u8) -> openssl::ssl::SslMethod {
    // SAFETY: these return pointers to static method tables (never NULL in builds that
    // export them; Debian and RHEL builds do).
    unsafe {
        let p = match minor {
            0 => TLSv1_method(),
            1 => TLSv1_1_method(),
            _ => TLSv1_2_method(),
        };
        openssl::ssl::SslMethod::from_ptr(p)
    }
}

/// Sets this thread's `errno` to 0, so a failure's errno can be told from a stale one.
pub(crate) fn reset_errno() {
    clear_errno()
}

/// This thread's current `errno`.
pub(crate) fn errno() -> i32 {
    // SAFETY: __errno_location returns this thread's errno slot, always valid to read.
    unsafe { *libc::__errno_location() }
}

/// `SSL_get_current_compression` + `SSL_COMP_get_name`: the compression in use, if any.
pub(crate) fn compression_name(ssl: &SslRef) -> Option<String> {
    // SAFETY: plain getters on a live SSL; the method (if any) is owned by OpenSSL and its name
    // is a static string.
    unsafe {
        let comp = SSL_get_current_compression(ssl.as_ptr());
        if comp.is_null() {
            return None;
        }
        static_str(SSL_COMP_get_name(comp))
    }
}

/// `SSL_verify_client_post_handshake`: queue a TLS 1.3 CertificateRequest. `false` on failure
/// (the reason is on the error queue).
pub(crate) fn verify_client_post_handshake(ssl: &mut SslRef) -> bool {
    // SAFETY: `ssl` is live; the call only queues a handshake message.
    unsafe { SSL_verify_client_post_handshake(ssl.as_ptr()) == 1 }
}

/// `SSL_CTX_use_psk_identity_hint(ctx, hint)`; `None` clears it. Callers hold the write lock.
pub(crate) fn ctx_use_psk_identity_hint(ctx: &SslContextRef, hint: Option<&str>) -> bool {
    let c = match hint.map(std::ffi::CString::new) {
        Some(Ok(c)) => Some(c),
        Some(Err(_)) => return false,
        None => None,
    };
    let ptr = c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: `ptr` is NULL or a NUL-terminated string alive for the call; OpenSSL copies it.
    unsafe { SSL_CTX_use_psk_identity_hint(ctx.as_ptr(), ptr) == 1 }
}

/// `RAND_status()`.
pub(crate) fn rand_status() -> bool {
    // SAFETY: no arguments; reads the generator's state.
    unsafe { RAND_status() == 1 }
}

/// `RAND_bytes` filling all of `buf` (at most `i32::MAX` bytes); `None` on failure (the reason
/// is on the error queue).
pub(crate) fn rand_bytes(buf: &mut OutBuf<'_>) -> Option<usize> {
    buf.write_with(|ptr, len| {
        let num = c_int::try_from(len).map_err(drop)?;
        // SAFETY: `ptr` is writable for `len` == `num` bytes, all of which RAND_bytes writes
        // when it returns 1.
        match unsafe { sys::RAND_bytes(ptr.cast(), num) } {
            1 => Ok(len),
            _ => Err(()),
        }
    })
    .ok()
}

/// `RAND_add(buf, len, entropy)`, in chunks that fit a C int.
pub(crate) fn rand_add(buf: &[u8], entropy: f64) {
    for chunk in buf.chunks(i32::MAX as usize) {
        // SAFETY: `chunk` is valid for reads of its length, which fits in c_int.
        unsafe { RAND_add(chunk.as_ptr().cast(), chunk.len() as c_int, entropy) }
    }
}

/// `SSL_CTX_set1_groups(ctx, &[nid], 1)`: one curve for key exchange (CPython's
/// `set_ecdh_curve` on OpenSSL 3). Callers hold the write lock.
pub(crate) fn ctx_set1_group(ctx: &SslContextRef, nid: c_int) -> bool {
    const SSL_CTRL_SET_GROUPS: c_int = 91;
    let mut nids = [nid];
    // SAFETY: the ctrl reads one c_int from `nids`, which outlives the call.
    unsafe {
        sys::SSL_CTX_ctrl(
            ctx.as_ptr(),
            SSL_CTRL_SET_GROUPS,
            1,
            nids.as_mut_ptr().cast(),
        ) == 1
    }
}
