//! Tuple unpacking of socket addresses: Python's `host, port = sock.getsockname()`.

use crate::error::{Error, Result};

use super::Address;

/// A tuple an [`Address`] unpacks into: `(String, u16)` for `host, port = addr` and
/// `(String, u16, u32, u32)` for `host, port, flowinfo, scope_id = addr`. Only one tuple of
/// each length implements it, so the pattern's arity picks the type.
///
/// ```text
/// Python:  host, port = listener.getsockname()
/// Rust:    let (host, port) = listener.getsockname()?.unpack()?;
/// ```
pub trait AddressTuple: Sized {
    /// How many names the pattern has.
    const LEN: usize;
    /// The tuple, from an address with exactly [`Self::LEN`] items.
    fn from_items(address: &Address) -> Self;
}

impl AddressTuple for (String, u16) {
    const LEN: usize = 2;
    fn from_items(address: &Address) -> Self {
        (address.host().to_string(), address.port())
    }
}

impl AddressTuple for (String, u16, u32, u32) {
    const LEN: usize = 4;
    fn from_items(address: &Address) -> Self {
        (
            address.host().to_string(),
            address.port(),
            address.flowinfo().unwrap_or(0),
            address.scope_id().unwrap_or(0),
        )
    }
}

impl Address {
    /// Tuple unpacking, `a, b = addr`, with Python's `ValueError` when the counts differ (an
    /// IPv6 4-tuple into two names: `too many values to unpack (expected 2)`).
    ///
    /// ```text
    /// Python:  host, port = sock.getsockname()
    /// Rust:    let (host, port) = sock.getsockname()?.unpack()?;
    /// ```
    ///
    /// An `AF_UNIX` address is a `str` in Python, which unpacks into its characters; here it
    /// unpacks into nothing: a path of exactly two characters is a `TypeError`, any other
    /// length Python's `ValueError` for that many characters.
    ///
    /// ```
    /// use pyssl::socket::Address;
    ///
    /// let (host, port) = Address::new("127.0.0.1", 8443).unpack()?;
    /// assert_eq!((host.as_str(), port), ("127.0.0.1", 8443));
    ///
    /// let e = Address::ipv6("::1", 8443, 0, 0).unpack::<(String, u16)>().unwrap_err();
    /// assert_eq!(e.to_string(), "too many values to unpack (expected 2)");
    /// # Ok::<(), pyssl::Error>(())
    /// ```
    pub fn unpack<T: AddressTuple>(&self) -> Result<T> {
        let got = match self.unix_path() {
            // Python gives an abstract-namespace address as bytes, a path as str.
            Some(path) if path.first() == Some(&0) => path.len(),
            Some(path) => String::from_utf8_lossy(path).chars().count(),
            None => self.len(),
        };
        if got > T::LEN {
            return Err(Error::ValueError(format!(
                "too many values to unpack (expected {})",
                T::LEN
            )));
        }
        if got < T::LEN {
            return Err(Error::ValueError(format!(
                "not enough values to unpack (expected {}, got {got})",
                T::LEN
            )));
        }
        if self.unix_path().is_some() {
            return Err(Error::TypeError(
                "an AF_UNIX path unpacks into its characters, not into (host, port)".to_string(),
            ));
        }
        Ok(T::from_items(self))
    }
}
