//! Building Python's `SSLError`s from OpenSSL's state, as CPython's `_ssl` does.
//!
//! ```text
//! Python:  except ssl.SSLError as e: print(e.reason, e)
//! Rust:    Err(pyssl::Error::SSLError(e)) => println!("{} {e}", e.reason.unwrap_or("None")),
//! ```
//!
//! CPython has three regimes for `errno` (`args[0]`): the `SSLErrorNumber` of an I/O call
//! (`PySSL_SetError`), the OpenSSL reason code of a failed configuration call
//! (`_setSSLError(NULL)`), and `0` for its fixed texts. The message is
//! `[LIB: REASON] text` (plus `: verify message` for certificate failures) when CPython's own
//! table names both (`error_names`), `[LIB] text` when it names only the library, else `text`.

use libc::{c_int, c_ulong};
use openssl::ssl::SslRef;
use openssl_sys as sys;

use super::error_names::{library_name, reason_name};
use crate::error::{Error, SSLError, SSLErrorKind};
use crate::ffi::{err, ssl as ffi_ssl};

/// `SSLErrorNumber` values CPython uses as `errno` of I/O errors.
pub(crate) mod code {
    pub const SSL: i64 = 1;
    pub const WANT_READ: i64 = 2;
    pub const WANT_WRITE: i64 = 3;
    pub const WANT_X509_LOOKUP: i64 = 4;
    pub const SYSCALL: i64 = 5;
    pub const ZERO_RETURN: i64 = 6;
    pub const WANT_CONNECT: i64 = 7;
    pub const EOF: i64 = 8;
    pub const INVALID_ERROR_CODE: i64 = 10;
}

// Numbers from OpenSSL's headers (stable ABI values; openssl-sys does not export them).
const ERR_LIB_SSL: i32 = 20;
const SSL_R_CERTIFICATE_VERIFY_FAILED: i32 = 134;
#[cfg(ossl300)]
const SSL_R_UNEXPECTED_EOF_WHILE_READING: i32 = 294;

fn lib_of(code: c_ulong) -> i32 {
    sys::ERR_GET_LIB(code)
}

fn reason_of(code: c_ulong) -> i32 {
    sys::ERR_GET_REASON(code)
}

/// CPython's `fill_and_set_sslerror`: the message shape, `library`/`reason` attributes, and for
/// verification failures `verify_code`/`verify_message`.
fn fill(
    kind: SSLErrorKind,
    errno: i64,
    fixed_text: Option<&str>,
    code: c_ulong,
    verify: Option<(i64, Option<String>)>,
) -> SSLError {
    let (library, reason, text) = if code != 0 {
        let lib = lib_of(code);
        let reason = reason_of(code);
        let text = fixed_text
            .map(str::to_string)
            .or_else(|| err::reason_error_string(code));
        (library_name(lib), reason_name(lib, reason), text)
    } else {
        (None, None, fixed_text.map(str::to_string))
    };
    let text = text.unwrap_or_else(|| "unknown error".to_string());
    let verify_message = verify.as_ref().and_then(|(_, m)| m.clone());
    let message = match (&verify, library, reason) {
        (Some((_, Some(v))), Some(l), Some(r)) => format!("[{l}: {r}] {text}: {v}"),
        (Some((_, None)), Some(l), Some(r)) => format!("[{l}: {r}] {text}: None"),
        (_, Some(l), Some(r)) => format!("[{l}: {r}] {text}"),
        (_, Some(l), None) => format!("[{l}] {text}"),
        _ => text,
    };
    SSLError {
        kind,
        errno: Some(errno),
        message,
        library,
        reason,
        verify_code: verify.as_ref().map(|(c, _)| *c),
        verify_message,
    }
}

/// CPython's `_setSSLError(NULL)`: a configuration call failed; the exception comes from the
/// newest queued OpenSSL error and its `errno` is that error's reason code. Clears the queue.
pub(crate) fn from_queue() -> Error {
    from_code(err::peek_last_error())
}

/// `_setSSLError(NULL)` for an error code already taken off the queue (the newest of an
/// `openssl::error::ErrorStack`). Clears whatever is left in the queue.
pub(crate) fn from_code(code: c_ulong) -> Error {
    let e = fill(
        SSLErrorKind::SSLError,
        i64::from(reason_of(code)),
        None,
        code,
        None,
    );
    err::clear_error();
    Error::SSLError(e)
}

/// CPython's `_setSSLError(msg)`: a fixed text with `errno` 0 and no library or reason.
pub(crate) fn fixed(message: &str) -> Error {
    err::clear_error();
    Error::SSLError(fill(SSLErrorKind::SSLError, 0, Some(message), 0, None))
}

/// CPython's `PySSL_SetError`: classify a failed `SSL_read_ex`/`SSL_write_ex`/
/// `SSL_do_handshake`/`SSL_shutdown` on connection `ssl`. `server_hostname` fills the
/// hostname/IP mismatch texts. Clears the queue.
pub(crate) fn from_io(
    ssl: &SslRef,
    io: &ffi_ssl::IoOutcome,
    server_hostname: Option<&str>,
) -> Error {
    let code = err::peek_last_error();
    let mut kind = SSLErrorKind::SSLError;
    let mut fixed_text: Option<&str> = None;
    let p: i64;
    match io.ssl_error {
        sys::SSL_ERROR_ZERO_RETURN => {
            fixed_text = Some("TLS/SSL connection has been closed (EOF)");
            kind = SSLErrorKind::SSLZeroReturnError;
            p = code::ZERO_RETURN;
        }
        sys::SSL_ERROR_WANT_READ => {
            fixed_text = Some("The operation did not complete (read)");
            kind = SSLErrorKind::SSLWantReadError;
            p = code::WANT_READ;
        }
        sys::SSL_ERROR_WANT_WRITE => {
            fixed_text = Some("The operation did not complete (write)");
            kind = SSLErrorKind::SSLWantWriteError;
            p = code::WANT_WRITE;
        }
        sys::SSL_ERROR_WANT_X509_LOOKUP => {
            fixed_text = Some("The operation did not complete (X509 lookup)");
            p = code::WANT_X509_LOOKUP;
        }
        sys::SSL_ERROR_WANT_CONNECT => {
            fixed_text = Some("The operation did not complete (connect)");
            p = code::WANT_CONNECT;
        }
        sys::SSL_ERROR_SYSCALL => {
            if code == 0 {
                // The socket itself failed. CPython 3.13 (gh-115627) reports the saved errno
                // (ConnectionResetError, ...) and calls it EOF only when there is none.
                if io.errno != 0 {
                    err::clear_error();
                    return Error::from_errno(io.errno);
                }
                kind = SSLErrorKind::SSLEOFError;
                fixed_text = Some("EOF occurred in violation of protocol");
                p = code::EOF;
            } else {
                if is_verify_failure(code) {
                    kind = SSLErrorKind::SSLCertVerificationError;
                }
                p = code::SYSCALL;
            }
        }
        sys::SSL_ERROR_SSL => {
            p_ssl(code, &mut kind, &mut fixed_text);
            p = if kind == SSLErrorKind::SSLEOFError {
                code::EOF
            } else {
                code::SSL
            };
        }
        _ => {
            fixed_text = Some("Invalid error code");
            p = code::INVALID_ERROR_CODE;
        }
    }
    let verify = (kind == SSLErrorKind::SSLCertVerificationError)
        .then(|| verify_details(ssl, server_hostname));
    let e = fill(kind, p, fixed_text, code, verify);
    err::clear_error();
    Error::SSLError(e)
}

fn p_ssl(code: c_ulong, kind: &mut SSLErrorKind, fixed_text: &mut Option<&str>) {
    if code == 0 {
        *fixed_text = Some("A failure in the SSL library occurred");
    }
    if is_verify_failure(code) {
        *kind = SSLErrorKind::SSLCertVerificationError;
    }
    #[cfg(ossl300)]
    if lib_of(code) == ERR_LIB_SSL && reason_of(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING {
        *kind = SSLErrorKind::SSLEOFError;
        *fixed_text = Some("EOF occurred in violation of protocol");
    }
}

fn is_verify_failure(code: c_ulong) -> bool {
    lib_of(code) == ERR_LIB_SSL && reason_of(code) == SSL_R_CERTIFICATE_VERIFY_FAILED
}

/// `verify_code` and `verify_message`, with CPython's own texts for hostname and IP mismatches.
fn verify_details(ssl: &SslRef, server_hostname: Option<&str>) -> (i64, Option<String>) {
    let verify_code = ffi_ssl::verify_result(ssl);
    let host = server_hostname.unwrap_or("None");
    let message = match verify_code as c_int {
        sys::X509_V_ERR_HOSTNAME_MISMATCH => Some(format!(
            "Hostname mismatch, certificate is not valid for '{host}'."
        )),
        sys::X509_V_ERR_IP_ADDRESS_MISMATCH => Some(format!(
            "IP address mismatch, certificate is not valid for '{host}'."
        )),
        _ => err::verify_cert_error_string(verify_code),
    };
    (i64::from(verify_code as i32), message)
}
