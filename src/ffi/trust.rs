//! FFI: what `load_verify_locations(cadata=...)` and `load_cert_chain(password=...)` need below
//! the `openssl` crate: CPython's `_add_ca_certs` loop (certificates parsed from one memory BIO
//! and added to the store one by one, so the error queue ends as CPython's does) and a PEM
//! password callback that hands OpenSSL passwords known beforehand.

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslContextRef;
use openssl_sys as sys;

use crate::error::Error;

extern "C" {
    fn SSL_CTX_get_default_passwd_cb(ctx: *mut sys::SSL_CTX) -> sys::pem_password_cb;
    fn SSL_CTX_get_default_passwd_cb_userdata(ctx: *mut sys::SSL_CTX) -> *mut c_void;
    fn SSL_CTX_set_default_passwd_cb(ctx: *mut sys::SSL_CTX, cb: sys::pem_password_cb);
    fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut sys::SSL_CTX, u: *mut c_void);
}

// `ERR_LIB_X509` and `X509_R_CERT_ALREADY_IN_HASH_TABLE` (stable values from `x509err.h`).
const ERR_LIB_X509: c_int = 11;
const X509_R_CERT_ALREADY_IN_HASH_TABLE: c_int = 101;

/// How CPython's `_add_ca_certs` loop ended: how many certificates it added, and whether a DER
/// buffer was consumed to its end (`BIO_eof`). The error queue is left as the loop left it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaLoad {
    /// Certificates parsed and added (a duplicate counts, as in CPython).
    pub loaded: usize,
    /// DER only: the buffer was read to its end without a parse failure.
    pub was_bio_eof: bool,
}

/// Parses `data` (PEM when `pem`, else back-to-back DER) certificate by certificate and adds each
/// to the context's store, exactly as CPython's `_add_ca_certs` does: PEM goes through
/// `PEM_read_bio_X509` with the context's password callback (non-certificate blocks are skipped
/// by OpenSSL), DER through `d2i_X509_bio` until `BIO_eof`; "already in hash table" is not an
/// error. `None` if the memory BIO could not be allocated. `data.len()` must fit a C `int`.
/// Callers hold the context's write lock.
pub(crate) fn add_ca_certs(ctx: &SslContextRef, data: &[u8], pem: bool) -> Option<CaLoad> {
    let len = c_int::try_from(data.len()).ok()?;
    let mut out = CaLoad {
        loaded: 0,
        was_bio_eof: false,
    };
    // SAFETY: the memory BIO reads `data` (valid for `len` bytes) without copying and is freed
    // before `data` goes out of scope. Every X509 returned by the parsers is owned here and
    // freed after X509_STORE_add_cert took its own reference. The store belongs to the live
    // context; the caller's write lock keeps other users of the context out.
    unsafe {
        let bio = sys::BIO_new_mem_buf(data.as_ptr().cast(), len);
        if bio.is_null() {
            return None;
        }
        let store = sys::SSL_CTX_get_cert_store(ctx.as_ptr());
        let cb = SSL_CTX_get_default_passwd_cb(ctx.as_ptr());
        let userdata = SSL_CTX_get_default_passwd_cb_userdata(ctx.as_ptr());
        loop {
            let cert = if pem {
                sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), cb, userdata)
            } else {
                if sys::BIO_ctrl(bio, sys::BIO_CTRL_EOF, 0, std::ptr::null_mut()) != 0 {
                    out.was_bio_eof = true;
                    break;
                }
                sys::d2i_X509_bio(bio, std::ptr::null_mut())
            };
            if cert.is_null() {
                break;
            }
            let added = sys::X509_STORE_add_cert(store, cert);
            sys::X509_free(cert);
            if added == 0 {
                let err = sys::ERR_peek_last_error();
                if sys::ERR_GET_LIB(err) == ERR_LIB_X509
                    && sys::ERR_GET_REASON(err) == X509_R_CERT_ALREADY_IN_HASH_TABLE
                {
                    sys::ERR_clear_error();
                } else {
                    break;
                }
            }
            out.loaded += 1;
        }
        sys::BIO_free_all(bio);
    }
    Some(out)
}

/// The passwords one `load_cert_chain` attempt can give OpenSSL. No user code runs inside
/// OpenSSL's calls: a Python callable's answers are collected beforehand (see
/// `SSLContext::load_cert_chain`), so the context's lock is never held while user code runs.
pub(crate) enum PasswordSource<'a> {
    /// A password known up front (Python's `str`/`bytes`), given for every request.
    Fixed(&'a [u8]),
    /// The callable's answers so far, one per request in the order OpenSSL asks; a request
    /// beyond them fails the attempt and is reported as [`PasswordOutcome::unanswered`].
    Answers(&'a [Vec<u8>]),
}

/// What the password step of one attempt came to.
#[derive(Default)]
pub(crate) struct PasswordOutcome {
    /// The error CPython's callback would have raised (a password longer than OpenSSL's
    /// buffer); CPython raises it in preference to OpenSSL's.
    pub error: Option<Error>,
    /// OpenSSL asked for one password more than there were answers: the buffer size it
    /// offered. The attempt failed at that point, as with a callback that raised.
    pub unanswered: Option<usize>,
}

/// CPython's `_PySSLPasswordInfo` for one attempt: the source, the requests made so far, and
/// the first failure (which makes later requests fail without another look).
struct PasswordInfo<'a> {
    source: PasswordSource<'a>,
    asked: Cell<usize>,
    failed: Cell<bool>,
    outcome: RefCell<PasswordOutcome>,
}

impl PasswordInfo<'_> {
    /// CPython's `_password_callback` body: the password for this request, or why there is
    /// none (recorded for the caller).
    fn password(&self, size: usize) -> Option<&[u8]> {
        let request = self.asked.get();
        self.asked.set(request + 1);
        let password = match &self.source {
            PasswordSource::Fixed(p) => *p,
            PasswordSource::Answers(answers) => match answers.get(request) {
                Some(p) => p.as_slice(),
                None => {
                    self.outcome.borrow_mut().unanswered = Some(size);
                    return None;
                }
            },
        };
        if password.len() > size {
            self.outcome.borrow_mut().error = Some(Error::value(format!(
                "password cannot be longer than {size} bytes"
            )));
            return None;
        }
        Some(password)
    }
}

// SAFETY (callback): installed by `with_password` only, so OpenSSL calls it with the
// `PasswordInfo` that call owns as `userdata`; it runs no user code and nothing that can panic:
// it copies a password already in memory.
unsafe extern "C" fn password_callback(
    buf: *mut c_char,
    size: c_int,
    _rwflag: c_int,
    userdata: *mut c_void,
) -> c_int {
    if userdata.is_null() || buf.is_null() || size < 0 {
        return -1;
    }
    // SAFETY: `userdata` is the `PasswordInfo` installed by `with_password`, alive for the whole
    // call during which OpenSSL can invoke this callback (on the thread that made that call).
    let info = unsafe { &*(userdata as *const PasswordInfo<'_>) };
    if info.failed.get() {
        // Already failed: OpenSSL 3 may ask again; CPython answers -1 without looking again.
        return -1;
    }
    match info.password(size as usize) {
        Some(password) => {
            // SAFETY: OpenSSL's buffer holds `size` bytes and `password` is at most that long.
            unsafe { std::ptr::copy_nonoverlapping(password.as_ptr(), buf.cast(), password.len()) };
            password.len() as c_int
        }
        None => {
            info.failed.set(true);
            -1
        }
    }
}

/// Runs `f` with `source` installed as the context's PEM password callback, then restores the
/// previous callback, as CPython's `load_cert_chain` does. Returns `f`'s result and what the
/// password step came to. Callers hold the context's write lock, which no user code needs:
/// the callback only hands over passwords already known.
pub(crate) fn with_password<R>(
    ctx: &SslContextRef,
    source: PasswordSource<'_>,
    f: impl FnOnce() -> R,
) -> (R, PasswordOutcome) {
    let info = PasswordInfo {
        source,
        asked: Cell::new(0),
        failed: Cell::new(false),
        outcome: RefCell::default(),
    };
    // SAFETY: the callback and the pointer to `info` are installed only while `f` runs, during
    // which `info` is alive; the previous callback and userdata are put back before returning
    // (also when `f` unwinds, before the unwinding goes on).
    let r = unsafe {
        let old_cb = SSL_CTX_get_default_passwd_cb(ctx.as_ptr());
        let old_ud = SSL_CTX_get_default_passwd_cb_userdata(ctx.as_ptr());
        SSL_CTX_set_default_passwd_cb(ctx.as_ptr(), Some(password_callback));
        SSL_CTX_set_default_passwd_cb_userdata(
            ctx.as_ptr(),
            &info as *const PasswordInfo<'_> as *mut c_void,
        );
        let r = catch_unwind(AssertUnwindSafe(f));
        SSL_CTX_set_default_passwd_cb(ctx.as_ptr(), old_cb);
        SSL_CTX_set_default_passwd_cb_userdata(ctx.as_ptr(), old_ud);
        r
    };
    let r = r.unwrap_or_else(|payload| resume_unwind(payload));
    (r, info.outcome.into_inner())
}

extern "C" {
    fn SSL_CTX_use_certificate_chain_file(ctx: *mut sys::SSL_CTX, file: *const c_char) -> c_int;
    fn SSL_CTX_use_PrivateKey_file(
        ctx: *mut sys::SSL_CTX,
        file: *const c_char,
        kind: c_int,
    ) -> c_int;
    fn SSL_CTX_check_private_key(ctx: *const sys::SSL_CTX) -> c_int;
    fn SSL_CTX_load_verify_locations(
        ctx: *mut sys::SSL_CTX,
        cafile: *const c_char,
        capath: *const c_char,
    ) -> c_int;
}

/// `SSL_FILETYPE_PEM`.
const SSL_FILETYPE_PEM: c_int = 1;

// The calls below take C strings straight from the caller's path bytes (the `openssl` crate's
// wrappers panic on paths that are not UTF-8, which Python accepts) and leave failures in the
// error queue and errno for the caller to classify as CPython does. Callers hold the context's
// write lock.

/// `SSL_CTX_use_certificate_chain_file(ctx, file) == 1`.
pub(crate) fn use_certificate_chain_file(ctx: &SslContextRef, file: &CStr) -> bool {
    // SAFETY: live context, NUL-terminated path; OpenSSL copies what it keeps.
    unsafe { SSL_CTX_use_certificate_chain_file(ctx.as_ptr(), file.as_ptr()) == 1 }
}

/// `SSL_CTX_use_PrivateKey_file(ctx, file, SSL_FILETYPE_PEM) == 1`.
pub(crate) fn use_private_key_file(ctx: &SslContextRef, file: &CStr) -> bool {
    // SAFETY: live context, NUL-terminated path.
    unsafe { SSL_CTX_use_PrivateKey_file(ctx.as_ptr(), file.as_ptr(), SSL_FILETYPE_PEM) == 1 }
}

/// `SSL_CTX_check_private_key(ctx) == 1`.
pub(crate) fn check_private_key(ctx: &SslContextRef) -> bool {
    // SAFETY: live context; only reads its certificate and key.
    unsafe { SSL_CTX_check_private_key(ctx.as_ptr()) == 1 }
}

/// `SSL_CTX_load_verify_locations(ctx, cafile, capath) == 1`.
pub(crate) fn load_verify_locations(
    ctx: &SslContextRef,
    cafile: Option<&CStr>,
    capath: Option<&CStr>,
) -> bool {
    let ptr = |p: Option<&CStr>| p.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: live context; each path is NULL or NUL-terminated.
    unsafe { SSL_CTX_load_verify_locations(ctx.as_ptr(), ptr(cafile), ptr(capath)) == 1 }
}
