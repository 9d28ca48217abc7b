//! NPN (Next Protocol Negotiation), as CPython 3.13 still spells it: its three methods exist,
//! each warns `DeprecationWarning: ssl NPN is deprecated, use ALPN instead` (through
//! [`crate::warnings`], so an `"error"` filter makes it the `Err`), and none negotiates anything, since OpenSSL 1.1.1+
//! builds of CPython have no NPN ([`HAS_NPN`](super::HAS_NPN) is `False`).
//!
//! ```text
//! Python:  ctx.set_alpn_protocols(['h2', 'http/1.1'])      # what to write instead
//! Rust:    ctx.set_alpn_protocols(&["h2", "http/1.1"])?;
//! ```

use super::alpn;
use super::context::SSLContext;
use super::sslobject::SSLObject;
use super::sslsocket::SSLSocket;
use crate::error::{Error, Result};

/// CPython's warning text, shared by the three methods.
const DEPRECATED: &str = "ssl NPN is deprecated, use ALPN instead";

impl SSLContext {
    /// `ctx.set_npn_protocols(protocols)`: fails as in CPython 3.13, which checks the list as
    /// `set_alpn_protocols` does and then finds no C method to hand it to.
    ///
    /// ```text
    /// Python:  ctx.set_npn_protocols(['http/1.1'])
    /// Rust:    ctx.set_npn_protocols(&["http/1.1"])?;
    /// ```
    ///
    /// Warns, then fails: a protocol that is not ASCII is Python's
    /// `UnicodeEncodeError`, an empty or longer than 255 bytes one is
    /// `SSLError('NPN protocols must be 1 to 255 in length')`, and a valid list (empty
    /// included) is CPython 3.13's `AttributeError: 'SSLContext' object has no attribute
    /// '_set_npn_protocols'` (3.11 answers the same on OpenSSL 3).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: ctx.set_npn_protocols(['http/1.1'])
    /// //         AttributeError: 'SSLContext' object has no attribute '_set_npn_protocols'
    /// let e = ctx.set_npn_protocols(&["http/1.1"]).unwrap_err();
    /// assert_eq!(e.type_name(), "AttributeError");
    /// assert_eq!(e.to_string(), "'SSLContext' object has no attribute '_set_npn_protocols'");
    /// // Python: ctx.set_npn_protocols([''])  ->  ssl.SSLError: ('NPN protocols must be 1 to 255 in length',)
    /// let e = ctx.set_npn_protocols(&[""]).unwrap_err();
    /// assert_eq!(e.to_string(), "('NPN protocols must be 1 to 255 in length',)");
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated(note = "ssl NPN is deprecated, use ALPN instead (set_alpn_protocols)")]
    #[track_caller]
    pub fn set_npn_protocols(&self, npn_protocols: &[&str]) -> Result<()> {
        crate::warnings::deprecated(DEPRECATED)?;
        alpn::wire_format_for("NPN", npn_protocols)?;
        Err(Error::AttributeError(
            "'SSLContext' object has no attribute '_set_npn_protocols'".into(),
        ))
    }
}

impl SSLSocket {
    /// `ssock.selected_npn_protocol()`: always `None` (no NPN), after the warning (an `Err`
    /// only when an `"error"` filter raises it); on a closed or unconnected socket too, as in
    /// CPython 3.13.
    ///
    /// ```text
    /// Python:  proto = ssock.selected_npn_protocol()        # None
    /// Rust:    let proto = ssock.selected_npn_protocol()?;
    /// ```
    #[deprecated(note = "ssl NPN is deprecated, use ALPN instead (selected_alpn_protocol)")]
    #[track_caller]
    pub fn selected_npn_protocol(&self) -> Result<Option<String>> {
        crate::warnings::deprecated(DEPRECATED)?;
        Ok(None)
    }
}

impl SSLObject {
    /// `sslobj.selected_npn_protocol()`: always `None` (no NPN), after the warning (an `Err`
    /// only when an `"error"` filter raises it).
    ///
    /// ```text
    /// Python:  proto = sslobj.selected_npn_protocol()       # None
    /// Rust:    let proto = sslobj.selected_npn_protocol()?;
    /// ```
    #[deprecated(note = "ssl NPN is deprecated, use ALPN instead (selected_alpn_protocol)")]
    #[track_caller]
    pub fn selected_npn_protocol(&self) -> Result<Option<String>> {
        crate::warnings::deprecated(DEPRECATED)?;
        Ok(None)
    }
}
