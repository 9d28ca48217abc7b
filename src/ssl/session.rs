//! `ssl.SSLSession`: a TLS session a client can resume on a later connection to the same
//! server, skipping the full handshake.
//!
//! ```text
//! Python:  session = ssock.session; ...; ctx.wrap_socket(sock2, server_hostname=h, session=session)
//! Rust:    let session = ssock.session(); ...; ctx.wrap_socket(sock2, ssl::WrapSocket { server_hostname: Some(h), session: session.as_ref(), ..Default::default() })?
//! ```

use openssl::ssl::{SslRef, SslSession};

use super::context::SSLContext;
use crate::error::{Error, Result};
use crate::ffi::session as ffi;
use crate::pyrepr::{PyBytes, PyRepr};

/// `ssl.SSLSession`: read-only session details; equal when their ids are equal, as in Python.
#[derive(Clone)]
pub struct SSLSession {
    session: SslSession,
    context: SSLContext,
}

impl std::fmt::Debug for SSLSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<_ssl.SSLSession id={}>",
            PyBytes(self.session.id()).py_repr()
        )
    }
}

impl PartialEq for SSLSession {
    /// `s1 == s2`: the same session id.
    fn eq(&self, other: &SSLSession) -> bool {
        self.session.id() == other.session.id()
    }
}

impl SSLSession {
    /// The session a connection holds now (`SSL_get1_session`), if any.
    pub(crate) fn of(ssl: &SslRef, context: &SSLContext) -> Option<SSLSession> {
        let session = ssl.session()?.to_owned();
        Some(SSLSession {
            session,
            context: context.clone(),
        })
    }

    /// `session.id`: the session id (empty for a TLS 1.3 client session whose ticket has not
    /// arrived yet).
    pub fn id(&self) -> Vec<u8> {
        self.session.id().to_vec()
    }

    /// `session.time`: when the session was made, in seconds since the epoch.
    pub fn time(&self) -> i64 {
        ffi::time(&self.session)
    }

    /// `session.timeout`: its lifetime in seconds.
    pub fn timeout(&self) -> i64 {
        self.session.timeout()
    }

    /// `session.ticket_lifetime_hint`: the server's hint for its ticket, in seconds.
    pub fn ticket_lifetime_hint(&self) -> u64 {
        ffi::ticket_lifetime_hint(&self.session)
    }

    /// `session.has_ticket`: whether the server sent a session ticket.
    pub fn has_ticket(&self) -> bool {
        ffi::has_ticket(&self.session)
    }

    /// CPython's session setter: checks in Python's order, then `SSL_set_session`.
    pub(crate) fn install(
        &self,
        ssl: &mut SslRef,
        context: &SSLContext,
        server_side: bool,
    ) -> Result<()> {
        if self.context != *context {
            return Err(Error::value("Session refers to a different SSLContext."));
        }
        if server_side {
            return Err(Error::value(
                "Cannot set session for server-side SSLSocket.",
            ));
        }
        if ssl.is_init_finished() {
            return Err(Error::value("Cannot set session after handshake."));
        }
        if !ffi::set_session(ssl, &self.session) {
            return Err(super::errors::from_queue());
        }
        Ok(())
    }
}
