//! `SSLContext._msg_callback` (CPython's private debugging hook, used by test_ssl and by
//! debugging scripts): called for every TLS record header, handshake message, alert and
//! ChangeCipherSpec a connection reads or writes, as
//! `callback(conn, direction, version, content_type, msg_type, data)`.
//!
//! ```text
//! Python:  def msg_cb(conn, direction, version, content_type, msg_type, data):
//!              print(direction, version, content_type, msg_type)
//!          ctx._msg_callback = msg_cb
//! Rust:    ctx.set__msg_callback(|_: &ssl::MsgConnection, direction: &str, version: ssl::EnumOrInt<ssl::TLSVersion>,
//!                                   content_type: ssl::EnumOrInt<ssl::_TLSContentType>, msg_type: ssl::MsgType, _: &[u8]| {
//!              println!("{direction} {version} {content_type} {msg_type}");
//!              Ok(())
//!          })?;
//! ```
//!
//! The values are CPython's C callback's: `version` and `msg_type` read from the message as
//! `_ssl.c`'s `_PySSL_msg_callback` reads them (the record header's version for a header, the
//! alert description for an alert, the message type byte for a handshake message,
//! `0x101` for a ChangeCipherSpec, `-1` otherwise), then turned into enum members as ssl.py
//! turns them ([`EnumOrInt`], [`MsgType`]).
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

use super::constants::enums::tls_messages::msg_callback_values;
use super::constants::{_TLSContentType, EnumOrInt, MsgType, TLSVersion};
use super::context::SSLContext;
use super::sni;
use crate::error::{Error, Result};
use crate::ffi::bio as ffi_bio;

/// The callable stored in `ctx._msg_callback`:
/// `(conn, direction, version, content_type, msg_type, data)`, `direction` being `"read"` or
/// `"write"`; an `Err` is raised by the TLS operation that was running.
/// `version`, `content_type` and `msg_type` are what ssl.py hands over: the enum member when
/// the value is one (`TLSVersion`, `_TLSContentType`, and `_TLSContentType`/`_TLSAlertType`/
/// `_TLSMessageType` by content type), else the bare int; `str()` of either is the integer.
pub type MsgCallback = Arc<
    dyn Fn(
            &MsgConnection<'_>,
            &str,
            EnumOrInt<TLSVersion>,
            EnumOrInt<_TLSContentType>,
            MsgType,
            &[u8],
        ) -> Result<()>
        + Send
        + Sync,
>;

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

/// The OpenSSL-level handler: the connection's current context's callback (as CPython reads
/// `ssl_obj->ctx->msg_cb`), nothing when it has none.
pub(crate) struct Handler;

impl crate::ffi::msg_callback::MsgHandler for Handler {
    fn message(ssl: &mut SslRef, write: bool, version: i32, content_type: i32, buf: &[u8]) {
        let Some(context) = ssl.ex_data(sni::context_index()).cloned() else {
            return;
        };
        let Some(callback) = context._msg_callback() else {
            return;
        };
        let (version, content_type, msg_type) = msg_callback_values(version, content_type, buf);
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
