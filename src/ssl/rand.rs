//! `ssl.RAND_bytes`, `ssl.RAND_status`, `ssl.RAND_add`: OpenSSL's random generator.
//!
//! ```text
//! Python:  key = ssl.RAND_bytes(32)
//! Rust:    let key = ssl::RAND_bytes(32)?;
//! ```

use super::errors;
use crate::error::{Error, Result};

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
/// # Ok(())
/// # }
/// ```
#[allow(non_snake_case)]
pub fn RAND_bytes(n: i64) -> Result<Vec<u8>> {
    if n < 0 {
        return Err(Error::value("num must be positive"));
    }
    let n = usize::try_from(n)
        .map_err(|_| Error::OverflowError("Python int too large to convert to C int".into()))?;
    let mut buf = vec![0u8; n];
    openssl::rand::rand_bytes(&mut buf).map_err(|e| {
        let code = e.errors().last().map_or(0, |e| e.code());
        errors::from_code(code)
    })?;
    Ok(buf)
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

/// `ssl.RAND_add(bytes, entropy)`: mix `bytes` into the generator's state.
///
/// ```text
/// Python:  ssl.RAND_add(b'seed', 4.0)
/// Rust:    ssl::RAND_add(b"seed", 4.0);
/// ```
#[allow(non_snake_case)]
pub fn RAND_add(string: &[u8], entropy: f64) {
    crate::ffi::ssl::rand_add(string, entropy)
}
