//! ALPN (Application-Layer Protocol Negotiation) as CPython's `ssl` does it: the protocol list
//! in wire format, and the server's choice by its own preference order (`SSL_select_next_proto`
//! semantics), with no ALPN at all when nothing overlaps.
//!
//! ```text
//! Python:  ctx.set_alpn_protocols(['h2', 'http/1.1']); ...; ssock.selected_alpn_protocol()
//! Rust:    ctx.set_alpn_protocols(&["h2", "http/1.1"])?; ...; ssock.selected_alpn_protocol()?
//! ```

use std::sync::RwLock;

use openssl::ssl::AlpnError;

use crate::error::{encode_ascii, Result, SSLError};

/// `set_alpn_protocols`' encoding: each protocol ASCII, 1 to 255 bytes, length-prefixed.
pub(crate) fn wire_format(protocols: &[&str]) -> Result<Vec<u8>> {
    wire_format_for("ALPN", protocols)
}

/// The same encoding for `kind` (`ALPN` or `NPN`, as the error message names it), checked in
/// ssl.py's order: each protocol's ASCII encoding, then its length.
pub(crate) fn wire_format_for(kind: &str, protocols: &[&str]) -> Result<Vec<u8>> {
    let mut wire = Vec::new();
    for p in protocols {
        encode_ascii(p)?;
        if p.is_empty() || p.len() > 255 {
            let message = format!("{kind} protocols must be 1 to 255 in length");
            return Err(SSLError::single(message).into());
        }
        wire.push(p.len() as u8);
        wire.extend_from_slice(p.as_bytes());
    }
    Ok(wire)
}

/// Splits a wire-format list into its protocols.
fn protocols(wire: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = wire;
    std::iter::from_fn(move || {
        let (&len, tail) = rest.split_first()?;
        let len = usize::from(len).min(tail.len());
        let (p, tail) = tail.split_at(len);
        rest = tail;
        Some(p)
    })
}

/// The server's choice: its first protocol the client also offers, as a slice of the client's
/// list; `NOACK` (go on without ALPN) when there is none or no server list.
pub(crate) fn select<'a>(
    server: &RwLock<Option<Vec<u8>>>,
    client: &'a [u8],
) -> std::result::Result<&'a [u8], AlpnError> {
    let server = server.read().unwrap_or_else(|p| p.into_inner());
    let Some(server) = server.as_deref() else {
        return Err(AlpnError::NOACK);
    };
    // A named temporary: the chosen slice must outlive the lock guard's borrow checker scope.
    #[allow(clippy::let_and_return)]
    let chosen = protocols(server)
        .find_map(|wanted| protocols(client).find(|offered| *offered == wanted))
        .ok_or(AlpnError::NOACK);
    chosen
}
