//! Why a connection never reads a cipher list that `set_ciphers` could free under it, at no
//! cost per connection in the common case.
//!
//! `SSL_new` does not copy the context's (TLS 1.2 and older) cipher list: a connection without
//! a list of its own reads the context's live one (`SSL_get_ciphers` falls back to
//! `ctx->cipher_list`) whenever it handshakes, renegotiates or reports `shared_ciphers()`.
//! `SSL_CTX_set_cipher_list` and `SSL_CTX_set_ciphersuites` free that list and build a new one,
//! so a `set_ciphers` on a context shared with a thread that is handshaking would be a
//! use-after-free (or a list swapped between ClientHello and ServerHello, which the client
//! rejects as `WRONG_CIPHER_RETURNED`). The context's lock cannot help: handshakes run outside
//! it, and a blocking read may renegotiate at any time.
//!
//! So the context's own list is *frozen* once the context has been used for a connection:
//! - before that (the usual "configure, then serve" order), `set_ciphers` changes the
//!   `SSL_CTX` as CPython does, and connections read its list for free;
//! - after that, `set_ciphers`/`set_ciphersuites` record their string as a *late* list,
//!   worked out on a private `SSL` of the context, the *stand-in*, which then gives
//!   `get_ciphers()`, the error and any `@SECLEVEL` exactly as the context would have; every
//!   later connection gets its own copy by replaying those strings on its `SSL`. Connections made earlier keep reading the
//!   frozen list, which is what they had at creation: the result Python code sees is the same.
//!
//! Giving every connection its own copy unconditionally cost 190,000 instructions
//! (`SSL_set_cipher_list`) plus 220,000 (listing the context's ciphers) per connection, 7 % of
//! a server-side TLS 1.3 ECDSA handshake.

use std::sync::atomic::{AtomicBool, Ordering};

use openssl::error::ErrorStack;
use openssl::ssl::{Ssl, SslContext, SslRef};

use crate::ffi::cipher as ffi;
use crate::ffi::ssl as ffi_ssl;

/// Which of the context's two lists a setter changes.
#[derive(Debug, Clone, Copy)]
pub(super) enum List {
    /// TLS 1.2 and older: `set_ciphers`.
    Tls12,
    /// TLS 1.3 suites: `set_ciphersuites`.
    Tls13,
}

/// The context's cipher-list bookkeeping (lives in `SSLContext`'s state, under its lock).
#[derive(Debug, Default)]
pub(super) struct CipherLists {
    /// Set when the first connection is made from (or switched to) the context; an atomic
    /// because that happens under the read lock.
    frozen: AtomicBool,
    /// The TLS 1.2 string of the last late `set_ciphers` that replaced the list.
    late_tls12: Option<String>,
    /// The last late `set_ciphersuites` string OpenSSL accepted.
    late_tls13: Option<String>,
    /// The stand-in: an `SSL` of the context holding the late lists, made by the first late
    /// call. Never used for a connection; only read (`SSL_get_ciphers`) under the read lock.
    stand_in: Option<Ssl>,
}

impl CipherLists {
    /// Marks the context as read by connections.
    pub(super) fn freeze(&self) {
        if !self.frozen.load(Ordering::Relaxed) {
            self.frozen.store(true, Ordering::Relaxed);
        }
    }

    /// Whether changes must go to the late lists (callers hold the write lock, which orders
    /// this load after every `freeze` made under the read lock).
    fn frozen(&self) -> bool {
        self.frozen.load(Ordering::Relaxed)
    }

    /// `set_ciphers` (`List::Tls12`) or `set_ciphersuites` (`List::Tls13`): on the `SSL_CTX`
    /// itself until the freeze, on the stand-in after it. `Ok(ok)` as OpenSSL's call; `Err`
    /// only when the stand-in cannot be allocated.
    pub(super) fn set(
        &mut self,
        ctx: &SslContext,
        which: List,
        s: &str,
    ) -> Result<bool, ErrorStack> {
        match (self.frozen(), which) {
            (false, List::Tls12) => {
                Ok(ffi_ssl::with_builder(ctx, |b| b.set_cipher_list(s)).is_ok())
            }
            (false, List::Tls13) => {
                Ok(ffi_ssl::with_builder(ctx, |b| b.set_ciphersuites(s)).is_ok())
            }
            (true, List::Tls12) => self.set_late_tls12(ctx, s),
            (true, List::Tls13) => self.set_late_tls13(ctx, s),
        }
    }

    /// The `SSL` whose list is the context's current one when late lists exist.
    pub(super) fn stand_in(&self) -> Option<&SslRef> {
        self.stand_in.as_deref()
    }

    /// Whether new connections need their own copy.
    pub(super) fn has_late(&self) -> bool {
        self.late_tls12.is_some() || self.late_tls13.is_some()
    }

    /// Gives a new connection the late lists, TLS 1.3 suites first as the context would have
    /// composed them. A late TLS 1.2 string that selected no TLS 1.2 cipher still replaced the
    /// list when it was set (OpenSSL's behaviour, which `set_late_tls12` recorded), so the
    /// replay reproduces that list and its expected error is dropped.
    pub(super) fn apply(&self, ssl: &mut SslRef) {
        if let Some(suites) = &self.late_tls13 {
            if ssl.set_ciphersuites(suites).is_err() {
                crate::ffi::err::clear_error();
            }
        }
        if let Some(list) = &self.late_tls12 {
            if ssl.set_cipher_list(list).is_err() {
                crate::ffi::err::clear_error();
            }
        }
    }

    fn stand_in_mut(&mut self, ctx: &SslContext) -> Result<&mut Ssl, ErrorStack> {
        let stand_in = match self.stand_in.take() {
            Some(stand_in) => stand_in,
            None => Ssl::new(ctx)?,
        };
        Ok(self.stand_in.insert(stand_in))
    }

    /// `set_ciphers` on a frozen context: works `list` out on the stand-in and keeps it when
    /// OpenSSL replaced the list, which it also does for a string that leaves only TLS 1.3
    /// suites. An `@SECLEVEL` in the string moves the context's level, as
    /// `SSL_CTX_set_cipher_list` would. `Ok(ok)` as OpenSSL's call.
    fn set_late_tls12(&mut self, ctx: &SslContext, list: &str) -> Result<bool, ErrorStack> {
        let stand_in = self.stand_in_mut(ctx)?;
        let before = ffi::cipher_list_identity(stand_in);
        let ok = stand_in.set_cipher_list(list).is_ok();
        let replaced = ffi::cipher_list_identity(stand_in) != before;
        let level = stand_in.security_level();
        if replaced {
            self.late_tls12 = Some(list.to_string());
        }
        if level != ctx.security_level() {
            ffi_ssl::with_builder(ctx, |b| b.set_security_level(level));
        }
        Ok(ok)
    }

    /// `set_ciphersuites` on a frozen context: kept when OpenSSL accepts it. The TLS 1.2 list
    /// is recorded with it, by name, when no late one exists: OpenSSL 1.1.1's
    /// `SSL_set_ciphersuites` only rebuilds a list the SSL already owns.
    fn set_late_tls13(&mut self, ctx: &SslContext, suites: &str) -> Result<bool, ErrorStack> {
        let stand_in = self.stand_in_mut(ctx)?;
        if stand_in.set_ciphersuites(suites).is_err() {
            return Ok(false);
        }
        let tls12 = names(stand_in, false);
        self.late_tls13 = Some(suites.to_string());
        if self.late_tls12.is_none() {
            self.late_tls12 = Some(tls12);
        }
        Ok(true)
    }
}

/// The names of `ssl`'s cipher list, its TLS 1.3 suites or the others, joined by `:`.
fn names(ssl: &SslRef, tls13: bool) -> String {
    let list = ffi::ssl_ciphers(ssl).unwrap_or_default();
    let names: Vec<&str> = list
        .into_iter()
        .filter(|c| (c.version() == "TLSv1.3") == tls13)
        .map(|c| c.name())
        .collect();
    names.join(":")
}

/// Gives `ssl` its own copy of `from`'s lists, by name: a connection that an SNI callback moves
/// to another context while it holds a list of its own.
pub(super) fn copy_lists(ssl: &mut SslRef, from: &SslRef) -> Result<(), ErrorStack> {
    ssl.set_ciphersuites(&names(from, true))?;
    let tls12 = names(from, false);
    if !tls12.is_empty() {
        ssl.set_cipher_list(&tls12)?;
    }
    Ok(())
}
