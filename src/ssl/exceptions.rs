//! The exception classes of Python's `ssl` module, as the names `except ssl.X:` uses.
//!
//! ```text
//! Python:  except ssl.SSLWantReadError:          except ssl.SSLError as e:
//! Rust:    Err(e) if e.isinstance(ssl::SSLWantReadError) => ...
//!          Err(e) if e.isinstance(ssl::SSLError) => ...
//! ```
//!
//! `ssl::SSLError` is both this constant (a value: the class) and the struct
//! [`SSLError`](crate::SSLError) (a type: the exception's data); Rust keeps values and types
//! apart, so `e.isinstance(ssl::SSLError)` and `Err(ssl::Error::SSLError(e))` both read as
//! Python's `ssl.SSLError`.
#![allow(non_upper_case_globals)]

use crate::error::ExceptionType;

/// `ssl.SSLError`, the base of the family (itself an `OSError`).
pub const SSLError: ExceptionType = ExceptionType::SSLError;
/// `ssl.SSLZeroReturnError`.
pub const SSLZeroReturnError: ExceptionType = ExceptionType::SSLZeroReturnError;
/// `ssl.SSLWantReadError`.
pub const SSLWantReadError: ExceptionType = ExceptionType::SSLWantReadError;
/// `ssl.SSLWantWriteError`.
pub const SSLWantWriteError: ExceptionType = ExceptionType::SSLWantWriteError;
/// `ssl.SSLSyscallError`.
pub const SSLSyscallError: ExceptionType = ExceptionType::SSLSyscallError;
/// `ssl.SSLEOFError`.
pub const SSLEOFError: ExceptionType = ExceptionType::SSLEOFError;
/// `ssl.SSLCertVerificationError`: an `SSLError` and a `ValueError`.
pub const SSLCertVerificationError: ExceptionType = ExceptionType::SSLCertVerificationError;
/// `ssl.CertificateError`, an alias of `SSLCertVerificationError`.
pub const CertificateError: ExceptionType = ExceptionType::SSLCertVerificationError;
/// `ssl.socket_error`, an alias of `OSError` kept for old code.
pub const socket_error: ExceptionType = ExceptionType::OSError;
