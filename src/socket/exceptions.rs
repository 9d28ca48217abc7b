//! The exception classes of Python's `socket` module, as the names `except socket.X:` uses.
//!
//! ```text
//! Python:  except socket.gaierror:      except socket.timeout:      except socket.error:
//! Rust:    Err(e) if e.isinstance(socket::gaierror) => ...
//!          Err(e) if e.isinstance(TimeoutError) => ...
//!          Err(e) if e.isinstance(OSError) => ...
//! ```
//!
//! `socket.timeout` and `socket.error` are Python's aliases of the builtins `TimeoutError` and
//! `OSError` ([`crate::exceptions`]); pyssl has no lowercase `socket::timeout` or
//! `socket::error` constants, which would turn every Rust variable named `timeout` or `error`
//! in a module that glob-imports `socket` into a pattern error.
#![allow(non_upper_case_globals)]

use crate::error::ExceptionType;

/// `socket.gaierror`: `getaddrinfo` failed (`[Errno -2] Name or service not known`).
pub const gaierror: ExceptionType = ExceptionType::gaierror;
/// `socket.herror`: raised in Python by `gethostbyaddr` and kin, which pyssl does not have;
/// the class exists so that `except socket.herror:` ports (it never matches a pyssl error).
pub const herror: ExceptionType = ExceptionType::herror;
