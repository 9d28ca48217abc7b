//! FFI: the X.509 accessors CPython's `_decode_certificate` uses that the `openssl` crate does
//! not expose faithfully (raw IA5 bytes of general names, `X509_NAME_ENTRY_set`,
//! `OBJ_obj2txt` with CPython's buffer sizes, `i2a_ASN1_INTEGER`/`ASN1_TIME_print`/
//! `GENERAL_NAME_print` read back with `BIO_gets`, `ASN1_STRING_to_UTF8` keeping embedded NULs),
//! the PEM file read of `_ssl._test_decode_cert`, `X509_get_default_cert_*`, and what
//! `_ssl.Certificate` prints (`X509_NAME_print_ex`, `PEM_write_bio_X509_AUX`).

use std::ffi::{c_char, c_int, CStr};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::asn1::{Asn1IntegerRef, Asn1ObjectRef, Asn1StringRef, Asn1TimeRef};
use openssl::x509::{GeneralNameRef, X509NameEntryRef, X509NameRef, X509Ref, X509};
use openssl_sys as sys;

extern "C" {
    fn X509_NAME_ENTRY_set(ne: *const sys::X509_NAME_ENTRY) -> c_int;
    fn i2a_ASN1_INTEGER(bp: *mut sys::BIO, a: *const sys::ASN1_INTEGER) -> c_int;
    fn GENERAL_NAME_print(out: *mut sys::BIO, gen: *mut sys::GENERAL_NAME) -> c_int;
    fn BIO_gets(bp: *mut sys::BIO, buf: *mut c_char, size: c_int) -> c_int;
    fn X509_NAME_print_ex(
        out: *mut sys::BIO,
        nm: *const sys::X509_NAME,
        indent: c_int,
        flags: libc::c_ulong,
    ) -> c_int;
    fn PEM_write_bio_X509_AUX(bp: *mut sys::BIO, x: *const sys::X509) -> c_int;
}

/// `XN_FLAG_RFC2253` from `<openssl/x509.h>`: `ASN1_STRFLGS_RFC2253` (0x317) with
/// `XN_FLAG_SEP_COMMA_PLUS`, `XN_FLAG_DN_REV` and `XN_FLAG_DUMP_UNKNOWN_FIELDS`.
const XN_FLAG_RFC2253: libc::c_ulong = 0x0111_0317;

/// CPython reads printed values with `char buf[2048]; BIO_gets(bio, buf, sizeof(buf)-1)`.
const GETS_SIZE: c_int = 2047;

/// Owns a BIO for the duration of one call.
struct OwnedBio(*mut sys::BIO);

impl Drop for OwnedBio {
    fn drop(&mut self) {
        // SAFETY: `self.0` came from `BIO_new` and is freed exactly once, here.
        unsafe { sys::BIO_free_all(self.0) }
    }
}

/// Runs `print` on a fresh memory BIO, then reads back what CPython's `BIO_gets(bio, buf, 2047)`
/// reads: the first line (newline included), at most 2046 bytes. `None` if the BIO cannot be
/// allocated or `BIO_gets` fails.
fn print_first_line(print: impl FnOnce(*mut sys::BIO)) -> Option<Vec<u8>> {
    // SAFETY: `BIO_s_mem()` returns a static method table; `BIO_new` returns an owned BIO or NULL.
    let bio = unsafe { sys::BIO_new(sys::BIO_s_mem()) };
    if bio.is_null() {
        return None;
    }
    let bio = OwnedBio(bio);
    print(bio.0);
    // CPython's `char buf[2048]` on the stack, too: a zeroed heap buffer per line was most of
    // what decoding a certificate's dates cost.
    let mut buf = [0u8; GETS_SIZE as usize + 1];
    // SAFETY: `buf` has room for GETS_SIZE bytes (BIO_gets writes at most size-1 plus a NUL);
    // the BIO is live.
    let len = unsafe { BIO_gets(bio.0, buf.as_mut_ptr().cast(), GETS_SIZE) };
    if len < 0 {
        return None;
    }
    Some(buf[..(len as usize).min(buf.len())].to_vec())
}

/// Runs `print` on a fresh memory BIO and returns everything it wrote, or `None` when
/// allocation fails or `print` returns `<= 0` (OpenSSL's error, if any, left on the queue).
fn print_all(print: impl FnOnce(*mut sys::BIO) -> c_int) -> Option<Vec<u8>> {
    // SAFETY: `BIO_s_mem()` returns a static method table; `BIO_new` returns an owned BIO or NULL.
    let bio = unsafe { sys::BIO_new(sys::BIO_s_mem()) };
    if bio.is_null() {
        return None;
    }
    let bio = OwnedBio(bio);
    if print(bio.0) <= 0 {
        return None;
    }
    let mut data: *mut c_char = std::ptr::null_mut();
    // SAFETY: BIO_get_mem_data stores a pointer to the BIO's buffer, valid until the BIO is
    // written or freed, and returns its length.
    let len = unsafe { sys::BIO_get_mem_data(bio.0, &mut data) };
    if data.is_null() || len <= 0 {
        return Some(Vec::new());
    }
    // SAFETY: `data` points to `len` initialised bytes owned by the live BIO; copied before
    // the BIO is freed.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len as usize) }.to_vec())
}

/// `X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253)`, as `_ssl.Certificate`'s `repr()`
/// prints a subject: `CN=localhost,O=pyssl`. `None` where CPython raises (nothing printed,
/// e.g. an empty name, or no memory).
pub(crate) fn name_rfc2253(name: &X509NameRef) -> Option<Vec<u8>> {
    print_all(|bio| {
        // SAFETY: `bio` is a live memory BIO; X509_NAME_print_ex only reads `name`.
        unsafe { X509_NAME_print_ex(bio, name.as_ptr(), 0, XN_FLAG_RFC2253) }
    })
}

/// `PEM_write_bio_X509_AUX`: the `TRUSTED CERTIFICATE` PEM, with the trust settings a
/// certificate read from a trust store may carry. `None` on failure (error left queued).
pub(crate) fn pem_aux(cert: &X509Ref) -> Option<Vec<u8>> {
    print_all(|bio| {
        // SAFETY: `bio` is a live memory BIO; PEM_write_bio_X509_AUX only reads `cert`.
        unsafe { PEM_write_bio_X509_AUX(bio, cert.as_ptr()) }
    })
}

/// `i2a_ASN1_INTEGER` read back with `BIO_gets`: `'CB2D80995A69525C'` (first line only).
pub(crate) fn serial_text(serial: &Asn1IntegerRef) -> Option<Vec<u8>> {
    print_first_line(|bio| {
        // SAFETY: `bio` is a live memory BIO and `serial` a valid ASN1_INTEGER borrowed for the call.
        unsafe { i2a_ASN1_INTEGER(bio, serial.as_ptr()) };
    })
}

/// `ASN1_TIME_print` read back with `BIO_gets`: `'Aug 29 14:23:16 2018 GMT'`.
pub(crate) fn time_text(time: &Asn1TimeRef) -> Option<Vec<u8>> {
    print_first_line(|bio| {
        // SAFETY: `bio` is a live memory BIO and `time` a valid ASN1_TIME borrowed for the call.
        unsafe { sys::ASN1_TIME_print(bio, time.as_ptr()) };
    })
}

/// `GENERAL_NAME_print` read back with `BIO_gets`: `othername:<unsupported>`.
pub(crate) fn general_name_print(name: &GeneralNameRef) -> Option<Vec<u8>> {
    print_first_line(|bio| {
        // SAFETY: `bio` is a live memory BIO; GENERAL_NAME_print only reads `name`.
        unsafe { GENERAL_NAME_print(bio, name.as_ptr()) };
    })
}

/// `OBJ_obj2txt(buf, size, obj, no_name)` into a zeroed buffer of `size` bytes: returns the
/// function's result (the full text length, or < 0 on error) and the buffer as written.
pub(crate) fn obj2txt_raw(obj: &Asn1ObjectRef, size: usize, no_name: bool) -> (c_int, Vec<u8>) {
    let mut buf = vec![0u8; size.max(1)];
    let size = c_int::try_from(size).unwrap_or(c_int::MAX);
    // SAFETY: `buf` holds at least `size` bytes; OBJ_obj2txt writes at most `size` bytes
    // (text plus NUL) and only reads `obj`.
    let len = unsafe {
        sys::OBJ_obj2txt(
            buf.as_mut_ptr().cast(),
            size,
            obj.as_ptr(),
            c_int::from(no_name),
        )
    };
    (len, buf)
}

/// `X509_NAME_ENTRY_set(entry)`: the index of the RDN (SET) the entry belongs to.
pub(crate) fn name_entry_set(entry: &X509NameEntryRef) -> c_int {
    // SAFETY: only reads a field of a valid, borrowed X509_NAME_ENTRY.
    unsafe { X509_NAME_ENTRY_set(entry.as_ptr()) }
}

/// `ASN1_STRING_type(value)`: `V_ASN1_BIT_STRING`, `V_ASN1_UTF8STRING`, ...
pub(crate) fn asn1_string_type(value: &Asn1StringRef) -> c_int {
    // SAFETY: only reads a field of a valid, borrowed ASN1_STRING.
    unsafe { sys::ASN1_STRING_type(value.as_ptr()) }
}

/// `ASN1_STRING_to_UTF8(&out, value)`: the UTF-8 bytes OpenSSL produces (embedded NULs kept,
/// not validated), or `None` if OpenSSL fails (its error is left on the queue).
pub(crate) fn asn1_string_to_utf8(value: &Asn1StringRef) -> Option<Vec<u8>> {
    let mut out: *mut u8 = std::ptr::null_mut();
    // SAFETY: `out` is a valid out-pointer; on success OpenSSL stores an OPENSSL_malloc'ed
    // buffer of the returned length there.
    let len = unsafe { sys::ASN1_STRING_to_UTF8(&mut out, value.as_ptr()) };
    if len < 0 || out.is_null() {
        return if len == 0 { Some(Vec::new()) } else { None };
    }
    // SAFETY: `out` points to `len` initialised bytes owned by us until freed below.
    let bytes = unsafe { std::slice::from_raw_parts(out, len as usize) }.to_vec();
    // SAFETY: `out` was allocated by OpenSSL and is freed exactly once.
    unsafe { sys::OPENSSL_free(out.cast()) };
    Some(bytes)
}

/// A `GENERAL_NAME` by type, with the raw contents CPython reads.
pub(crate) enum GeneralName<'a> {
    /// `GEN_EMAIL`: raw IA5 bytes.
    Email(&'a [u8]),
    /// `GEN_DNS`: raw IA5 bytes.
    Dns(&'a [u8]),
    /// `GEN_URI`: raw IA5 bytes.
    Uri(&'a [u8]),
    /// `GEN_DIRNAME`.
    DirName(&'a X509NameRef),
    /// `GEN_IPADD`: the octets.
    IpAddress(&'a [u8]),
    /// `GEN_RID`.
    RegisteredId(&'a Asn1ObjectRef),
    /// Anything else (`GEN_OTHERNAME`, `GEN_X400`, `GEN_EDIPARTY`, unknown): its type number.
    Other(c_int),
}

/// Looks inside a `GENERAL_NAME` (its `type` and `d` union) as CPython does.
pub(crate) fn general_name(name: &GeneralNameRef) -> GeneralName<'_> {
    let raw = name.as_ptr();
    // SAFETY: `raw` is a valid GENERAL_NAME borrowed for `'_`; reading its two fields.
    let (ty, d) = unsafe { ((*raw).type_, (*raw).d) };
    if d.is_null() {
        return GeneralName::Other(ty);
    }
    match ty {
        sys::GEN_EMAIL | sys::GEN_DNS | sys::GEN_URI | sys::GEN_IPADD => {
            // SAFETY: for these types the union holds an ASN1_STRING (IA5STRING or OCTET
            // STRING) owned by `name`, so valid for its lifetime.
            let text = unsafe { Asn1StringRef::from_ptr(d.cast()) }.as_slice();
            match ty {
                sys::GEN_EMAIL => GeneralName::Email(text),
                sys::GEN_DNS => GeneralName::Dns(text),
                sys::GEN_URI => GeneralName::Uri(text),
                _ => GeneralName::IpAddress(text),
            }
        }
        // SAFETY: for GEN_DIRNAME the union holds an X509_NAME owned by `name`.
        sys::GEN_DIRNAME => GeneralName::DirName(unsafe { X509NameRef::from_ptr(d.cast()) }),
        // SAFETY: for GEN_RID the union holds an ASN1_OBJECT owned by `name`.
        sys::GEN_RID => GeneralName::RegisteredId(unsafe { Asn1ObjectRef::from_ptr(d.cast()) }),
        other => GeneralName::Other(other),
    }
}

/// `BIO_C_SET_FILENAME`, `BIO_CLOSE`, `BIO_FP_READ` from `<openssl/bio.h>`.
const BIO_C_SET_FILENAME: c_int = 108;
const BIO_CLOSE: libc::c_long = 0x01;
const BIO_FP_READ: libc::c_long = 0x02;

/// Why [`pem_read_first_x509`] failed.
pub(crate) enum PemFileError {
    /// `BIO_new(BIO_s_file())` returned NULL.
    Alloc,
    /// `BIO_read_filename` failed.
    Open,
    /// `PEM_read_bio_X509` found no certificate.
    Decode,
}

/// CPython's `_ssl._test_decode_cert` reading step: `BIO_new(BIO_s_file())`,
/// `BIO_read_filename(bio, path)`, `PEM_read_bio_X509(bio, NULL, NULL, NULL)`.
/// Leaves OpenSSL's error queue empty.
pub(crate) fn pem_read_first_x509(path: &CStr) -> Result<X509, PemFileError> {
    // SAFETY: `BIO_s_file()` returns a static method table; `BIO_new` returns an owned BIO or NULL.
    let bio = unsafe { sys::BIO_new(sys::BIO_s_file()) };
    if bio.is_null() {
        sys_clear_errors();
        return Err(PemFileError::Alloc);
    }
    let bio = OwnedBio(bio);
    // SAFETY: BIO_read_filename is this BIO_ctrl call; `path` is NUL-terminated and only read
    // during the call (the file BIO fopen()s it).
    let opened = unsafe {
        sys::BIO_ctrl(
            bio.0,
            BIO_C_SET_FILENAME,
            BIO_CLOSE | BIO_FP_READ,
            path.as_ptr() as *mut _,
        )
    };
    if opened <= 0 {
        sys_clear_errors();
        return Err(PemFileError::Open);
    }
    // SAFETY: the BIO is live; NULL out-pointer, callback and user data ask OpenSSL to allocate a
    // fresh X509 with the default (unused for certificates) password callback.
    let x =
        unsafe { sys::PEM_read_bio_X509(bio.0, std::ptr::null_mut(), None, std::ptr::null_mut()) };
    sys_clear_errors();
    if x.is_null() {
        return Err(PemFileError::Decode);
    }
    // SAFETY: `x` is a freshly allocated X509 we now own.
    Ok(unsafe { X509::from_ptr(x) })
}

fn sys_clear_errors() {
    // SAFETY: only touches this thread's error queue.
    unsafe { sys::ERR_clear_error() }
}

fn static_str(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-NULL pointers from X509_get_default_cert_* are static NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// `_ssl.get_default_verify_paths()`: `(X509_get_default_cert_file_env(),
/// X509_get_default_cert_file(), X509_get_default_cert_dir_env(), X509_get_default_cert_dir())`.
pub(crate) fn default_cert_paths() -> [String; 4] {
    // SAFETY: these four functions take no arguments and return static strings.
    let (a, b, c, d) = unsafe {
        (
            sys::X509_get_default_cert_file_env(),
            sys::X509_get_default_cert_file(),
            sys::X509_get_default_cert_dir_env(),
            sys::X509_get_default_cert_dir(),
        )
    };
    [static_str(a), static_str(b), static_str(c), static_str(d)]
}
