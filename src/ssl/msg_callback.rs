//! `SSLContext._msg_callback` (CPython's private debugging hook, used by test_ssl and by
//! debugging scripts): called for every TLS record header, handshake message, alert and
//! ChangeCipherSpec a connection reads or writes, as
//! `callback(conn, direction, version, content_type, msg_type, data)`.
//!
//! ```text
//! Python:  def msg_cb(conn, direction, version, content_type, msg_type, data):
//!              print(direction, version, content_type, msg_type)
//!          ctx._msg_callback = msg_cb
//! Rust:    ctx.set__msg_callback(|_: &ssl::MsgConnection, direction: &str, version: i32, content_type: i32, msg_type: i32, _: &[u8]| {
//!              println!("{direction} {version} {content_type} {msg_type}");
//!              Ok(())
//!          })?;
//! ```
//!
//! The values are CPython's C callback's: `version` and `msg_type` read from the message as
//! `_ssl.c`'s `_PySSL_msg_callback` reads them (the record header's version for a header, the
//! alert description for an alert, the message type byte for a handshake message,
//! `0x101` for a ChangeCipherSpec, `-1` otherwise). ssl.py then turns each into its enum
//! member when it is one; those members equal the integers, and `str()` prints them the same.
//!
//! As in CPython, an error the callback returns does not stop OpenSSL: it is kept, and the
//! TLS operation that was running (handshake, read, write, `unwrap`) returns it instead of its
//! own result, unless that operation failed itself (its own error wins, as Python's chains the
//! callback's as its context). A panic is kept the same way and resumed there, once OpenSSL has
//! returned. The callback runs with no pyssl lock held.

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};

use super::context::SSLContext;
use super::sni;
use crate::error::{Error, Result};
use crate::ffi::bio as ffi_bio;

/// The callable stored in `ctx._msg_callback`:
/// `(conn, direction, version, content_type, msg_type, data)`, `direction` being `"read"` or
/// `"write"`; an `Err` is raised by the TLS operation that was running.
// TODO(lead, after merging the `names` branch): make `version` an
// `EnumOrInt<TLSVersion>`, `content_type` an `EnumOrInt<_TLSContentType>` and `msg_type` a
// `MsgType` (each equals these integers), and read them with its `msg_callback_ints`
// instead of `message_values` below.
pub type MsgCallback =
    Arc<dyn Fn(&MsgConnection<'_>, &str, i32, i32, i32, &[u8]) -> Result<()> + Send + Sync>;

/// What the message callback receives as Python's `conn` (the `SSLSocket` or `SSLObject`):
/// the connection whose message it is, read-only.
pub struct MsgConnection<'a> {
    ssl: &'a SslRef,
}

impl MsgConnection<'_> {
    /// `conn.server_side`.
    pub fn server_side(&self) -> bool {
        self.ssl.is_server()
    }

    /// `conn.context`: the context the connection uses now.
    pub fn context(&self) -> Option<&SSLContext> {
        self.ssl.ex_data(sni::context_index())
    }

    /// `conn.version()`: the protocol once the handshake is done, else `None`.
    pub fn version(&self) -> Option<String> {
        super::connection::version(self.ssl)
    }
}

impl std::fmt::Debug for MsgConnection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = if self.server_side() {
            "server"
        } else {
            "client"
        };
        write!(f, "<{side} connection at {:p}>", self.ssl)
    }
}

/// What a callback left for the running operation to raise.
enum Pending {
    Error(Error),
    Panic(Box<dyn Any + Send>),
}

/// Where each `SSL` keeps its callback's pending error (CPython's `_SSLSocket.exc`).
fn pending_index() -> Index<Ssl, Mutex<Option<Pending>>> {
    static INDEX: OnceLock<Index<Ssl, Mutex<Option<Pending>>>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("OpenSSL can allocate an ex_data index"))
}

/// `_PySSL_msg_callback`'s reading of a message: the `(version, msg_type)` it passes on.
fn message_values(version: i32, content_type: i32, buf: &[u8]) -> (i32, i32) {
    // C's `(int)cbuf[i]` on a `const char *`: a signed byte where `char` is signed.
    let byte = |i: usize| buf.get(i).map(|&b| i32::from(b as std::ffi::c_char));
    match content_type {
        SSL3_RT_CHANGE_CIPHER_SPEC => (version, SSL3_MT_CHANGE_CIPHER_SPEC),
        SSL3_RT_ALERT => (version, byte(1).unwrap_or(-1)),
        SSL3_RT_HANDSHAKE | SSL3_RT_INNER_CONTENT_TYPE => (version, byte(0).unwrap_or(-1)),
        SSL3_RT_HEADER => match (byte(0), byte(1), byte(2)) {
            (Some(kind), Some(major), Some(minor)) => (major << 8 | minor, kind),
            _ => (version, -1),
        },
        _ => (version, -1),
    }
}

// OpenSSL's `ssl3.h` values (stable since 1.1.1): the record content types, OpenSSL's pseudo
// types for a record header and a TLS 1.3 inner content type, and its pseudo message type for
// a ChangeCipherSpec.
const SSL3_RT_CHANGE_CIPHER_SPEC: i32 = 20;
const SSL3_RT_ALERT: i32 = 21;
const SSL3_RT_HANDSHAKE: i32 = 22;
const SSL3_RT_HEADER: i32 = 0x100;
const SSL3_RT_INNER_CONTENT_TYPE: i32 = 0x101;
const SSL3_MT_CHANGE_CIPHER_SPEC: i32 = 0x101;

/// The OpenSSL-level handler: the connection's current context's callback (as CPython reads
/// `ssl_obj->ctx->msg_cb`), nothing when it has none.
pub(crate) struct Handler;

impl crate::ffi::msg::MsgHandler for Handler {
    fn message(ssl: &mut SslRef, write: bool, version: i32, content_type: i32, buf: &[u8]) {
        let Some(context) = ssl.ex_data(sni::context_index()).cloned() else {
            return;
        };
        let Some(callback) = context._msg_callback() else {
            return;
        };
        let (version, msg_type) = message_values(version, content_type, buf);
        let direction = if write { "write" } else { "read" };
        let conn = MsgConnection { ssl };
        // User code: caught (a panic must not unwind into OpenSSL), and run with no pyssl lock
        // held (an `SSLObject`'s memory BIOs are released meanwhile), as is the drop of the
        // callback's handle (its captures' `Drop` is user code too).
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            ffi_bio::unlocked(move || {
                let conn = conn;
                callback(&conn, direction, version, content_type, msg_type, buf)
            })
        }));
        let pending = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(e)) => Pending::Error(e),
            Err(payload) => Pending::Panic(payload),
        };
        keep(ssl, pending);
    }
}

/// Keeps a callback's failure for the running operation; a later error replaces an earlier one
/// (as CPython's `exc`), but never a panic.
fn keep(ssl: &mut SslRef, pending: Pending) {
    if let Some(slot) = ssl.ex_data(pending_index()) {
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        if !matches!(*slot, Some(Pending::Panic(_))) {
            *slot = Some(pending);
        }
        return;
    }
    ssl.set_ex_data(pending_index(), Mutex::new(Some(pending)));
}

/// After a TLS operation: CPython's `PySSL_ChainExceptions`. The callback's pending error is
/// the result when the operation succeeded; the operation's own error wins otherwise.
pub(crate) fn raise_pending<T>(ssl: &SslRef, result: Result<T>) -> Result<T> {
    let pending = match ssl.ex_data(pending_index()) {
        Some(slot) => slot.lock().unwrap_or_else(|p| p.into_inner()).take(),
        None => None,
    };
    match (pending, result) {
        (None, result) => result,
        (Some(Pending::Panic(payload)), _) => resume_unwind(payload),
        (Some(Pending::Error(e)), Ok(_)) => Err(e),
        (Some(Pending::Error(e)), Err(own)) => {
            log::debug!("_msg_callback failed during a failing TLS operation: {e}");
            Err(own)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::message_values;

    /// `(version, content_type, message bytes)` and the `(version, msg_type)` CPython passes on.
    type Case = (i32, i32, &'static [u8], (i32, i32));

    #[test]
    fn values_as_cpythons_c_callback_reads_them() {
        let cases: &[Case] = &[
            (0x303, 20, &[1], (0x303, 0x101)),
            (0x303, 21, &[2, 40], (0x303, 40)),
            (0x304, 22, &[1, 0, 0, 5], (0x304, 1)),
            (0x304, 0x100, &[22, 3, 1, 0, 5], (0x301, 22)),
            (0x304, 0x101, &[23], (0x304, 23)),
            (0x304, 23, &[1, 2], (0x304, -1)),
            (0x304, 21, &[2], (0x304, -1)),
            (0x304, 0x100, &[22, 3], (0x304, -1)),
        ];
        for &(version, content_type, buf, expected) in cases {
            assert_eq!(message_values(version, content_type, buf), expected);
        }
        // `char` is signed on x86-64: a byte of 254 (message_hash) reads as -2 there.
        let hash = message_values(0x304, 22, &[254]).1;
        assert_eq!(hash, if std::ffi::c_char::MIN == 0 { 254 } else { -2 });
    }
}
