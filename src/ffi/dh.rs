//! FFI: `load_dh_params`' file read, as CPython does it: `fopen(path, "rb")` then
//! `PEM_read_DHparams` on that `FILE`, so OpenSSL's PEM reader decides how much of the file to
//! read (`/dev/zero` ends at once with `NO_START_LINE`) and a read error keeps its `errno`.

use std::ffi::{c_void, CStr};

use foreign_types::ForeignType;
use openssl::dh::Dh;
use openssl::pkey::Params;
use openssl_sys as sys;

extern "C" {
    fn PEM_read_DHparams(
        fp: *mut libc::FILE,
        x: *mut *mut sys::DH,
        cb: sys::pem_password_cb,
        u: *mut c_void,
    ) -> *mut sys::DH;
}

/// Why the parameters could not be read.
pub(crate) enum DhReadError {
    /// `fopen` failed with this `errno`.
    Open(i32),
    /// `PEM_read_DHparams` failed; the `errno` it left (0: the reason is on the error queue).
    Read(i32),
}

/// Reads the first PEM `DH PARAMETERS` block of `path`.
pub(crate) fn read_dh_params(path: &CStr) -> Result<Dh<Params>, DhReadError> {
    let fp = loop {
        // SAFETY: both arguments are NUL-terminated strings; `e` asks for O_CLOEXEC, as
        // CPython's `_Py_fopen_obj` makes its files non-inheritable.
        let fp = unsafe { libc::fopen(path.as_ptr(), c"rbe".as_ptr()) };
        if !fp.is_null() {
            break fp;
        }
        match super::ssl::errno() {
            libc::EINTR => continue,
            errno => return Err(DhReadError::Open(errno)),
        }
    };
    super::ssl::reset_errno();
    // SAFETY: `fp` is an open FILE, read and then closed exactly once here; NULL out-pointer,
    // callback and user data ask for a fresh DH with OpenSSL's default callback (unused: DH
    // parameters are never encrypted).
    let dh = unsafe {
        let dh = PEM_read_DHparams(fp, std::ptr::null_mut(), None, std::ptr::null_mut());
        let errno = super::ssl::errno();
        libc::fclose(fp);
        if dh.is_null() {
            return Err(DhReadError::Read(errno));
        }
        dh
    };
    // SAFETY: `dh` is a freshly allocated DH that we now own.
    Ok(unsafe { Dh::from_ptr(dh) })
}
