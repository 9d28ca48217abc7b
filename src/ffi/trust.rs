//! FFI: what `load_verify_locations(cadata=...)` and `load_cert_chain(password=...)` need below
//! the `openssl` crate: CPython's `_add_ca_certs` loop (certificates parsed from one memory BIO
//! and added to the store one by one, so the error queue ends as CPython's does) and a PEM
//! password callback that can call Rust code and carry its error back out.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslContextRef;
use openssl_sys as sys;

use crate::error::{Error, Result};

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

/// Where `load_cert_chain` gets a key's password: fixed bytes (Python's `str`/`bytes`) or a
/// callback (Python's callable), asked only when OpenSSL meets an encrypted key.
pub(crate) enum PasswordSource<'a> {
    /// A password known up front.
    Fixed(&'a [u8]),
    /// Called each time OpenSSL needs the password.
    Callback(&'a dyn Fn() -> Result<Vec<u8>>),
}

/// CPython's `_PySSLPasswordInfo`: the source, and the first failure (which stops later calls).
struct PasswordInfo<'a> {
    source: PasswordSource<'a>,
    error: RefCell<Option<Error>>,
    panic: RefCell<Option<Box<dyn Any + Send>>>,
    failed: std::cell::Cell<bool>,
}

impl PasswordInfo<'_> {
    /// CPython's `_password_callback` body, in safe Rust: the password bytes, or the exception
    /// to raise (the callback's own, or the 1024-byte `ValueError`).
    fn password(&self, size: usize) -> Result<Vec<u8>> {
        let password = match &self.source {
            PasswordSource::Fixed(p) => p.to_vec(),
            PasswordSource::Callback(f) => f()?,
        };
        if password.len() > size {
            return Err(Error::value(format!(
                "password cannot be longer than {size} bytes"
            )));
        }
        Ok(password)
    }
}

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
    // call during which OpenSSL can invoke this callback.
    let info = unsafe { &*(userdata as *const PasswordInfo<'_>) };
    if info.failed.get() {
        // Already failed: OpenSSL 3 may ask again; CPython answers -1 without calling again.
        return -1;
    }
    // A panic must not unwind into C: catch it here, re-raise it once OpenSSL has returned.
    match catch_unwind(AssertUnwindSafe(|| info.password(size as usize))) {
        Ok(Ok(password)) => {
            // SAFETY: OpenSSL's buffer holds `size` bytes and `password` is at most that long.
            unsafe { std::ptr::copy_nonoverlapping(password.as_ptr(), buf.cast(), password.len()) };
            password.len() as c_int
        }
        Ok(Err(e)) => {
            *info.error.borrow_mut() = Some(e);
            info.failed.set(true);
            -1
        }
        Err(payload) => {
            *info.panic.borrow_mut() = Some(payload);
            info.failed.set(true);
            -1
        }
    }
}

/// Runs `f` with `source` installed as the context's PEM password callback, then restores the
/// previous callback, as CPython's `load_cert_chain` does. Returns `f`'s result and the error
/// the password step raised, if any (CPython raises that one in preference to OpenSSL's).
/// A panic inside a Rust callback resumes after the previous callback is back in place.
/// Callers hold the context's write lock.
pub(crate) fn with_password<R>(
    ctx: &SslContextRef,
    source: PasswordSource<'_>,
    f: impl FnOnce() -> R,
) -> (R, Option<Error>) {
    let info = PasswordInfo {
        source,
        error: RefCell::new(None),
        panic: RefCell::new(None),
        failed: std::cell::Cell::new(false),
    };
    // SAFETY: the callback and the pointer to `info` are installed only while `f` runs, during
    // which `info` is alive; the previous callback and userdata are put back before returning.
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
    if let Some(payload) = info.panic.into_inner() {
        resume_unwind(payload);
    }
    (r, info.error.into_inner())
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
