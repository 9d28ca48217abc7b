//! Indexing a value that may be `None`, with Python's error: `sock.cipher()[0]`.
//!
//! Python indexes what `cipher()`, `version()` or `get_extra_info('cipher')` return without
//! checking for `None`, and gets a `TypeError` when it is `None`. In Rust the value sits in an
//! `Option`; `.subscript()?` reaches it and raises that `TypeError`, where
//! `.unwrap_or_default()` would carry on silently with an empty value.

use crate::error::{Error, Result};

/// `value[...]` on a value that may be `None`: `.subscript()?` gives the value, or Python's
/// `TypeError: 'NoneType' object is not subscriptable`.
///
/// ```text
/// Python:  name = ssock.cipher()[0]
/// Rust:    let name = ssock.cipher()?.subscript()?.0;
/// Python:  print(writer.get_extra_info('cipher')[0])
/// Rust:    println!("{}", writer.get_extra_info("cipher").cipher().subscript()?.0);
/// ```
///
/// ```
/// use pyssl::ssl::Subscript;
///
/// let cipher = Some(("TLS_AES_256_GCM_SHA384".to_string(), "TLSv1.3".to_string(), 256));
/// assert_eq!(cipher.subscript().unwrap().0, "TLS_AES_256_GCM_SHA384");
///
/// let plain: Option<(String, String, i32)> = None; // cipher() before the handshake
/// let e = plain.subscript().unwrap_err();
/// assert_eq!(e.to_string(), "'NoneType' object is not subscriptable");
/// assert!(e.isinstance(pyssl::exceptions::TypeError));
/// ```
pub trait Subscript {
    /// What is indexed.
    type Value;
    /// The value, or the `TypeError` Python's first `[...]` on `None` raises.
    fn subscript(self) -> Result<Self::Value>;
}

impl<T> Subscript for Option<T> {
    type Value = T;
    fn subscript(self) -> Result<T> {
        self.ok_or_else(|| Error::TypeError("'NoneType' object is not subscriptable".to_string()))
    }
}
