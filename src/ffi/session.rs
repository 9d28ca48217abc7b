//! FFI: TLS session details CPython's `SSLSession` exposes that the `openssl` crate does not,
//! installing a session on a connection, and keeping sessions resumable when a connection is
//! freed without close_notify.

use std::ffi::{c_int, c_long, c_ulong};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslRef, SslSessionRef};
use openssl_sys as sys;

extern "C" {
    fn SSL_SESSION_get_ticket_lifetime_hint(s: *const sys::SSL_SESSION) -> c_ulong;
    fn SSL_SESSION_has_ticket(s: *const sys::SSL_SESSION) -> c_int;
    fn SSL_SESSION_get_time(s: *const sys::SSL_SESSION) -> c_long;
    fn SSL_set_shutdown(ssl: *mut sys::SSL, mode: c_int);
}

/// `SSL_SESSION_get_ticket_lifetime_hint`.
pub(crate) fn ticket_lifetime_hint(session: &SslSessionRef) -> u64 {
    // SAFETY: a plain getter on a live session.
    unsafe { SSL_SESSION_get_ticket_lifetime_hint(session.as_ptr()) as u64 }
}

/// `SSL_SESSION_has_ticket`.
pub(crate) fn has_ticket(session: &SslSessionRef) -> bool {
    // SAFETY: a plain getter on a live session.
    unsafe { SSL_SESSION_has_ticket(session.as_ptr()) != 0 }
}

/// `SSL_SESSION_get_time`: seconds since the epoch when the session was made.
pub(crate) fn time(session: &SslSessionRef) -> i64 {
    // SAFETY: a plain getter on a live session.
    unsafe { SSL_SESSION_get_time(session.as_ptr()) as i64 }
}

/// `SSL_set_session`: resume `session` on the next handshake. Callers check first that the
/// session comes from this connection's context and that the handshake has not started, as
/// CPython's setter does.
pub(crate) fn set_session(ssl: &mut SslRef, session: &SslSessionRef) -> bool {
    // SAFETY: the session is live and was made by the same SSL_CTX (checked by the caller),
    // which is what SSL_set_session requires; it takes its own reference.
    unsafe { ssl.set_session(session).is_ok() }
}

/// Marks our close_notify as sent before a connection is freed, so OpenSSL keeps its session
/// resumable (CPython does the same since gh-116810); nothing is sent on the wire.
pub(crate) fn mark_sent_shutdown(ssl: &mut SslRef) {
    // SAFETY: `ssl` is live; this only sets the shutdown-state bits.
    unsafe {
        let state = sys::SSL_get_shutdown(ssl.as_ptr());
        SSL_set_shutdown(ssl.as_ptr(), state | sys::SSL_SENT_SHUTDOWN);
    }
}
