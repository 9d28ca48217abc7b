//! `ssl.OPENSSL_VERSION`, `OPENSSL_VERSION_NUMBER`, `OPENSSL_VERSION_INFO` (the OpenSSL pyssl
//! runs with) and `ssl._OPENSSL_API_VERSION` (the OpenSSL pyssl was compiled against).
//!
//! ```text
//! Python:  print(ssl.OPENSSL_VERSION)
//! Rust:    println!("{}", ssl::OPENSSL_VERSION);
//! ```
//!
//! The runtime values are only known once the library is loaded, so they are
//! [`RuntimeValue`] statics: computed on first use, then read like the value itself
//! (`Deref`), printed like Python prints it (`Display` = `str()`, [`PyRepr`] = `repr()`) and
//! compared with plain values. This keeps `print(ssl.OPENSSL_VERSION)` a one-liner,
//! `println!("{}", ssl::OPENSSL_VERSION)`, which a bare `LazyLock` (no `Display`) would not,
//! and needs nothing newer than Rust 1.70's `OnceLock`.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use crate::pyrepr::{PyRepr, PyStr, PyTuple};

/// A module-level value computed on first use (like Python's import-time `_ssl` constants).
///
/// ```text
/// Python:  print(ssl.OPENSSL_VERSION)
/// Rust:    println!("{}", ssl::OPENSSL_VERSION);
/// Python:  if ssl.OPENSSL_VERSION_INFO >= (3, 0): ...
/// Rust:    if *ssl::OPENSSL_VERSION_INFO >= (3, 0, 0, 0, 0) { ... }
/// ```
pub struct RuntimeValue<T: 'static> {
    cell: OnceLock<T>,
    init: fn() -> T,
}

impl<T> RuntimeValue<T> {
    const fn new(init: fn() -> T) -> RuntimeValue<T> {
        RuntimeValue {
            cell: OnceLock::new(),
            init,
        }
    }

    /// The value (computed on first use).
    pub fn get(&self) -> &T {
        self.cell.get_or_init(self.init)
    }
}

impl<T> Deref for RuntimeValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: fmt::Debug> fmt::Debug for RuntimeValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

impl<T: PartialEq> PartialEq<T> for RuntimeValue<T> {
    fn eq(&self, other: &T) -> bool {
        self.get() == other
    }
}

impl<T: PartialOrd> PartialOrd<T> for RuntimeValue<T> {
    fn partial_cmp(&self, other: &T) -> Option<Ordering> {
        self.get().partial_cmp(other)
    }
}

/// The `(major, minor, fix, patch, status)` tuple of `OPENSSL_VERSION_INFO`.
pub type OpenSSLVersionInfo = (u32, u32, u32, u32, u32);

impl fmt::Display for RuntimeValue<&'static str> {
    /// Python's `str()`: the text itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl PyRepr for RuntimeValue<&'static str> {
    /// Python's `repr()`: `'OpenSSL 3.0.19 27 Jan 2026'`.
    fn py_repr(&self) -> String {
        PyStr(self.get()).py_repr()
    }
}

impl fmt::Display for RuntimeValue<u64> {
    /// Python's `str()`: the decimal number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.get(), f)
    }
}

impl PyRepr for RuntimeValue<u64> {
    /// Python's `repr()`: the decimal number.
    fn py_repr(&self) -> String {
        self.get().to_string()
    }
}

impl fmt::Display for RuntimeValue<OpenSSLVersionInfo> {
    /// Python's `str()` of a tuple: `(3, 0, 0, 19, 0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

impl PyRepr for RuntimeValue<OpenSSLVersionInfo> {
    /// Python's `repr()` of a tuple: `(3, 0, 0, 19, 0)`.
    fn py_repr(&self) -> String {
        let (a, b, c, d, e) = *self.get();
        PyTuple(&[a, b, c, d, e]).py_repr()
    }
}

/// CPython's `parse_openssl_version`: `0xMNNFFPPS` → `(major, minor, fix, patch, status)`.
pub(crate) fn parse_openssl_version(number: u64) -> OpenSSLVersionInfo {
    let byte = |shift: u32| ((number >> shift) & 0xFF) as u32;
    (byte(28), byte(20), byte(12), byte(4), (number & 0xF) as u32)
}

fn runtime_number() -> u64 {
    // OpenSSL_version_num() is an unsigned long; the openssl crate widens it to i64.
    openssl::version::number() as u64
}

/// `OPENSSL_VERSION_NUMBER` of the headers pyssl was compiled against. `build.rs` may pass it
/// as `PYSSL_OPENSSL_VERSION_NUMBER` (hex, from openssl-sys's `DEP_OPENSSL_VERSION_NUMBER`);
/// without it, the linked library's number stands in (identical unless the library was
/// swapped after the build).
fn api_number() -> u64 {
    option_env!("PYSSL_OPENSSL_VERSION_NUMBER")
        .and_then(|hex| u64::from_str_radix(hex.trim().trim_start_matches("0x"), 16).ok())
        .unwrap_or_else(runtime_number)
}

/// `ssl.OPENSSL_VERSION` → `ssl::OPENSSL_VERSION`: the linked library's version text
/// (`OpenSSL_version(OPENSSL_VERSION)`), e.g. `OpenSSL 3.0.19 27 Jan 2026`.
///
/// ```text
/// Python:  print(ssl.OPENSSL_VERSION)
/// Rust:    println!("{}", ssl::OPENSSL_VERSION);
/// ```
pub static OPENSSL_VERSION: RuntimeValue<&'static str> =
    RuntimeValue::new(openssl::version::version);

/// `ssl.OPENSSL_VERSION_NUMBER` → `ssl::OPENSSL_VERSION_NUMBER`: the linked library's
/// `OpenSSL_version_num()`, e.g. `805306672` (`0x30000130`).
///
/// ```text
/// Python:  if ssl.OPENSSL_VERSION_NUMBER >= 0x30000000: ...
/// Rust:    if ssl::OPENSSL_VERSION_NUMBER >= 0x30000000 { ... }
/// ```
pub static OPENSSL_VERSION_NUMBER: RuntimeValue<u64> = RuntimeValue::new(runtime_number);

/// `ssl.OPENSSL_VERSION_INFO` → `ssl::OPENSSL_VERSION_INFO`: `OPENSSL_VERSION_NUMBER` decoded
/// as `(major, minor, fix, patch, status)`, e.g. `(3, 0, 0, 19, 0)`.
///
/// ```text
/// Python:  major, minor, fix, patch, status = ssl.OPENSSL_VERSION_INFO
/// Rust:    let (major, minor, fix, patch, status) = *ssl::OPENSSL_VERSION_INFO;
/// ```
pub static OPENSSL_VERSION_INFO: RuntimeValue<OpenSSLVersionInfo> =
    RuntimeValue::new(|| parse_openssl_version(runtime_number()));

/// `ssl._OPENSSL_API_VERSION` → `ssl::_OPENSSL_API_VERSION`: the compile-time
/// `OPENSSL_VERSION_NUMBER` decoded like [`OPENSSL_VERSION_INFO`].
///
/// ```text
/// Python:  print(ssl._OPENSSL_API_VERSION)
/// Rust:    println!("{}", ssl::_OPENSSL_API_VERSION);
/// ```
#[allow(non_upper_case_globals)]
pub static _OPENSSL_API_VERSION: RuntimeValue<OpenSSLVersionInfo> =
    RuntimeValue::new(|| parse_openssl_version(api_number()));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_cpython() {
        assert_eq!(parse_openssl_version(0x3000_0130), (3, 0, 0, 19, 0));
        assert_eq!(parse_openssl_version(0x1010_117f), (1, 1, 1, 23, 15));
    }
}
