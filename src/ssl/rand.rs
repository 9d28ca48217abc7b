//! `ssl.RAND_bytes`, `ssl.RAND_status`, `ssl.RAND_add`: OpenSSL's random generator.
//!
//! ```text
//! Python:  key = ssl.RAND_bytes(32)
//! Rust:    let key = ssl::RAND_bytes(32)?;
//! ```

use super::errors;
use crate::error::{Error, Result};
use crate::ffi::outbuf;

/// `ssl.RAND_bytes(n)`: `n` cryptographically strong random bytes.
///
/// ```text
/// Python:  ssl.RAND_bytes(16)
/// Rust:    ssl::RAND_bytes(16)?
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
///
/// // Python: key = ssl.RAND_bytes(32)
/// let key = ssl::RAND_bytes(32)?;
/// assert_eq!(key.len(), 32);
/// assert_ne!(key, ssl::RAND_bytes(32)?);
/// // Python: ssl.RAND_bytes(-1)  ->  ValueError: num must be positive
/// assert_eq!(ssl::RAND_bytes(-1).unwrap_err().to_string(), "num must be positive");
/// // Python: ssl.RAND_bytes(2**31)  ->  OverflowError: Python int too large to convert to C int
/// let e = ssl::RAND_bytes(1 << 31).unwrap_err();
/// assert_eq!((e.type_name(), e.to_string().as_str()), ("OverflowError", "Python int too large to convert to C int"));
/// # Ok(())
/// # }
/// ```
#[allow(non_snake_case)]
pub fn RAND_bytes(n: i64) -> Result<Vec<u8>> {
    // `num` is a C int: checked before its sign, as CPython's argument parsing does.
    let n = i32::try_from(n)
        .map_err(|_| Error::OverflowError("Python int too large to convert to C int".into()))?;
    let n = usize::try_from(n).map_err(|_| Error::value("num must be positive"))?;
    outbuf::read_new(n, |buf| {
        crate::ffi::ssl::rand_bytes(buf).ok_or_else(errors::from_queue)
    })
}

/// `ssl.RAND_status()`: whether the generator is seeded.
///
/// ```text
/// Python:  ssl.RAND_status()
/// Rust:    ssl::RAND_status()
/// ```
#[allow(non_snake_case)]
pub fn RAND_status() -> bool {
    crate::ffi::ssl::rand_status()
}

/// `ssl.RAND_add(string, entropy)`: mix `string` into the generator's state. As in Python it
/// is a `str` (its UTF-8 bytes are mixed in) or a `bytes` (`&str`, `String`, `&[u8]`,
/// `b"..."`, `Vec<u8>`: anything `AsRef<[u8]>`).
///
/// ```text
/// Python:  ssl.RAND_add(b'seed', 4.0)
/// Rust:    ssl::RAND_add(b"seed", 4.0);
/// Python:  ssl.RAND_add('seed', 4.0)
/// Rust:    ssl::RAND_add("seed", 4.0);
/// ```
#[allow(non_snake_case)]
pub fn RAND_add(string: impl AsRef<[u8]>, entropy: f64) {
    crate::ffi::ssl::rand_add(string.as_ref(), entropy)
}
