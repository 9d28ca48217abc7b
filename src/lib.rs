//! # pyssl: Python's `ssl` module, rebuilt in Rust over the system OpenSSL
//!
//! A Python script that uses `ssl` (and the parts of `socket` it leans on) becomes Rust by
//! changing syntax, not structure:
//!
//! ```text
//! Python:  context = ssl.create_default_context()
//! Rust:    let context = ssl::create_default_context()?;
//! ```
//!
//! * [`ssl`] mirrors Python's `ssl` module: same names, same defaults, same errors and the same
//!   answers CPython gives on the same OpenSSL.
//! * [`socket`] gives what Python's `socket` module gives ssl scripts, over `libc`.
//! * [`Error`] is Python's exception tree; its `Display` is Python's `str(e)`.
//! * [`pyrepr::PyRepr`] renders returned values exactly as Python's `repr()`.
#![deny(missing_docs)]
#![warn(unsafe_op_in_unsafe_fn)]

mod error;
mod ffi;
pub mod pyrepr;
pub mod select;
pub mod socket;
pub mod ssl;

pub use error::{Error, OSError, Result, SSLError, SSLErrorKind};
