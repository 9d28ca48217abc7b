//! FFI: pyssl's socket BIO, the transport of every `SSLSocket`. It behaves as OpenSSL's own
//! socket BIO (`BIO_s_socket`, what `SSL_set_fd` installs and CPython uses), observable for
//! observable: `read`/`write` on the descriptor with `errno` cleared first, the same set of
//! retryable `errno`s (`BIO_sock_non_fatal_error`), the `BIO_FLAGS_IN_EOF` flag behind
//! `BIO_eof` (how OpenSSL 3 tells an abrupt EOF), `BIO_get_fd`, never closing the descriptor.
//!
//! What it leaves out is the per-call cost that buys nothing here: the kernel-TLS `BIO_ctrl`
//! probe OpenSSL's `sock_read` makes on every read (kTLS is never enabled on these sockets)
//! and the `int`-to-`size_t` shim of old-style methods. Each TLS record takes two reads, so
//! this is measurable on bulk receives (docs/performance.md).

use std::ffi::{c_char, c_int, c_long, c_void};
use std::os::fd::RawFd;
use std::sync::OnceLock;

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslRef;
use openssl_sys as sys;

extern "C" {
    fn BIO_get_new_index() -> c_int;
    fn BIO_meth_set_write_ex(
        m: *mut sys::BIO_METHOD,
        f: unsafe extern "C" fn(*mut sys::BIO, *const c_char, usize, *mut usize) -> c_int,
    ) -> c_int;
    fn BIO_meth_set_read_ex(
        m: *mut sys::BIO_METHOD,
        f: unsafe extern "C" fn(*mut sys::BIO, *mut c_char, usize, *mut usize) -> c_int,
    ) -> c_int;
    fn BIO_meth_set_ctrl(
        m: *mut sys::BIO_METHOD,
        f: unsafe extern "C" fn(*mut sys::BIO, c_int, c_long, *mut c_void) -> c_long,
    ) -> c_int;
    fn BIO_test_flags(b: *const sys::BIO, flags: c_int) -> c_int;
    fn SSL_set_bio(ssl: *mut sys::SSL, rbio: *mut sys::BIO, wbio: *mut sys::BIO);
    fn SSL_set_fd(ssl: *mut sys::SSL, fd: c_int) -> c_int;
}

const BIO_TYPE_DESCRIPTOR: c_int = 0x0100;
const BIO_TYPE_SOURCE_SINK: c_int = 0x0400;
const BIO_FLAGS_IN_EOF: c_int = 0x800;
const BIO_C_GET_FD: c_int = 105;
const BIO_CTRL_GET_CLOSE: c_int = 8;
const BIO_CTRL_DUP: c_int = 12;
const BIO_NOCLOSE: c_long = 0;

/// The process-wide method table (address as `usize`, 0 if OpenSSL could not make one).
fn method() -> *mut sys::BIO_METHOD {
    static METHOD: OnceLock<usize> = OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: BIO_get_new_index/BIO_meth_new return a fresh index and an owned method
        // (or NULL); the setters store our `extern "C"` functions in that method. The method is
        // never freed: BIOs made from it may live until the process ends.
        unsafe {
            let index = BIO_get_new_index();
            if index == -1 {
                return 0;
            }
            let name = c"pyssl socket".as_ptr();
            let m = sys::BIO_meth_new(index | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, name);
            if m.is_null() {
                return 0;
            }
            let ok = BIO_meth_set_read_ex(m, sock_read)
                & BIO_meth_set_write_ex(m, sock_write)
                & BIO_meth_set_ctrl(m, sock_ctrl);
            if ok != 1 {
                sys::BIO_meth_free(m);
                return 0;
            }
            m as usize
        }
    }) as *mut sys::BIO_METHOD
}

/// Reads and writes of `ssl` go to the descriptor `fd`, which the caller keeps open for as long
/// as the SSL uses it. `false` with OpenSSL's error queued when a BIO cannot be allocated.
pub(crate) fn attach(ssl: &mut SslRef, fd: RawFd) -> bool {
    let m = method();
    if m.is_null() {
        // SAFETY: `ssl` is live; OpenSSL's own socket BIO, same behaviour at a higher cost.
        return unsafe { SSL_set_fd(ssl.as_ptr(), fd) == 1 };
    }
    // SAFETY: BIO_new returns an owned BIO or NULL. The descriptor is stored as the BIO's data
    // pointer (an integer, never dereferenced); SSL_set_bio takes over the one reference for
    // both directions, as SSL_set_fd does.
    unsafe {
        let bio = sys::BIO_new(m);
        if bio.is_null() {
            return false;
        }
        sys::BIO_set_data(bio, fd as isize as *mut c_void);
        sys::BIO_set_init(bio, 1);
        SSL_set_bio(ssl.as_ptr(), bio, bio);
    }
    true
}

/// The descriptor stored by `attach`.
///
/// # Safety
/// `b` is a live BIO of our method.
unsafe fn fd_of(b: *mut sys::BIO) -> c_int {
    // SAFETY: per the contract; the data pointer holds the descriptor as an integer.
    unsafe { sys::BIO_get_data(b) as isize as c_int }
}

/// `BIO_sock_should_retry` for a `read`/`write` result `n <= 0`.
fn should_retry(n: isize) -> bool {
    if n != 0 && n != -1 {
        return false;
    }
    matches!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(
            libc::EWOULDBLOCK
                | libc::ENOTCONN
                | libc::EINTR
                | libc::EPROTO
                | libc::EINPROGRESS
                | libc::EALREADY
        )
    )
}

fn clear_errno() {
    // SAFETY: __errno_location returns this thread's errno slot, always valid to write.
    unsafe { *libc::__errno_location() = 0 };
}

/// `sock_read` as a `read_ex` method: `read(2)`; at 0 or -1 the retry flags or the EOF flag.
/// Returns what the old-style method returned for `n <= 0`, so `BIO_read` callers see -1/0.
unsafe extern "C" fn sock_read(
    b: *mut sys::BIO,
    out: *mut c_char,
    len: usize,
    got: *mut usize,
) -> c_int {
    // SAFETY: OpenSSL calls this with a live BIO of our method, `out` writable for `len` bytes
    // and `got` a valid out-parameter.
    unsafe {
        *got = 0;
        if out.is_null() {
            return 0;
        }
        clear_errno();
        let n = libc::read(fd_of(b), out.cast(), len);
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        if n > 0 {
            *got = n as usize;
            return 1;
        }
        if should_retry(n) {
            sys::BIO_set_flags(b, sys::BIO_FLAGS_READ | sys::BIO_FLAGS_SHOULD_RETRY);
        } else if n == 0 {
            sys::BIO_set_flags(b, BIO_FLAGS_IN_EOF);
        }
        n as c_int
    }
}

/// `sock_write` as a `write_ex` method: `write(2)`; at 0 or -1 the retry flags.
unsafe extern "C" fn sock_write(
    b: *mut sys::BIO,
    data: *const c_char,
    len: usize,
    put: *mut usize,
) -> c_int {
    // SAFETY: OpenSSL calls this with a live BIO of our method, `data` readable for `len`
    // bytes and `put` a valid out-parameter.
    unsafe {
        *put = 0;
        clear_errno();
        let n = libc::write(fd_of(b), data.cast(), len);
        sys::BIO_clear_flags(b, sys::BIO_FLAGS_RWS | sys::BIO_FLAGS_SHOULD_RETRY);
        if n > 0 {
            *put = n as usize;
            return 1;
        }
        if should_retry(n) {
            sys::BIO_set_flags(b, sys::BIO_FLAGS_WRITE | sys::BIO_FLAGS_SHOULD_RETRY);
        }
        n as c_int
    }
}

/// `sock_ctrl` for what a TLS connection asks: the descriptor, the close flag (never close),
/// flush/dup (nothing to do), EOF; everything else (kTLS included) is "unsupported", 0.
unsafe extern "C" fn sock_ctrl(
    b: *mut sys::BIO,
    cmd: c_int,
    _num: c_long,
    ptr: *mut c_void,
) -> c_long {
    // SAFETY: OpenSSL calls this with a live BIO of our method; for BIO_C_GET_FD `ptr` is NULL
    // or points to an int, as BIO_get_fd documents.
    unsafe {
        match cmd {
            BIO_C_GET_FD => {
                let fd = fd_of(b);
                if !ptr.is_null() {
                    *(ptr as *mut c_int) = fd;
                }
                fd as c_long
            }
            BIO_CTRL_GET_CLOSE => BIO_NOCLOSE,
            sys::BIO_CTRL_FLUSH | BIO_CTRL_DUP => 1,
            sys::BIO_CTRL_EOF => c_long::from(BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0),
            _ => 0,
        }
    }
}
