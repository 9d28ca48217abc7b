//! The two `IntFlag` properties of a context, `options` and `verify_flags`: Python changes them
//! with `|=`, `&= ~` and plain `=`, each of which has its own method here, since Rust has no
//! property assignment and OpenSSL's verbs (`set` adds, `clear` removes) are not Python's `=`.
//!
//! ```text
//! Python:  ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF     # add a bit
//! Rust:    ctx.set_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
//! Python:  ctx.verify_flags = ssl.VERIFY_CRL_CHECK_LEAF      # exactly these bits
//! Rust:    ctx.assign_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
//! ```
//!
//! All three go through CPython's own setter arithmetic: the bits to clear are `old & ~new`, the
//! bits to set `~old & new`, handed to OpenSSL's clear and set calls; what OpenSSL then holds is
//! the new value (OpenSSL 3 forces no option bit; `X509_VERIFY_PARAM_set_flags` adds
//! `VERIFY_POLICY_CHECK` (0x80) to any policy flag, as under CPython).

use openssl::ssl::SslOptions;

use super::super::constants::{Options, VerifyFlags};
use super::SSLContext;
use crate::error::Result;
use crate::ffi::ssl as ffi_ssl;
use crate::warnings;

/// Option bits whose setting CPython warns about. (`SSL_OP_*` are `c_ulong` before OpenSSL 3.)
#[allow(clippy::unnecessary_cast)]
const NO_VERSION_BITS: u64 = (openssl_sys::SSL_OP_NO_SSLv3
    | openssl_sys::SSL_OP_NO_TLSv1
    | openssl_sys::SSL_OP_NO_TLSv1_1
    | openssl_sys::SSL_OP_NO_TLSv1_2
    | openssl_sys::SSL_OP_NO_TLSv1_3) as u64;

impl SSLContext {
    /// `ctx.options`: the `SSL_OP_*` bits OpenSSL holds for this context.
    ///
    /// ```text
    /// Python:  ctx.options
    /// Rust:    ctx.options()
    /// ```
    pub fn options(&self) -> Options {
        let _guard = self.read();
        Options::from_bits(ffi_ssl::ctx_options(&self.inner.ctx))
    }

    /// Adds option bits, keeping every bit already set: Python's `ctx.options |= bits`, **not**
    /// `ctx.options = bits` (that is [`assign_options`](SSLContext::assign_options)).
    ///
    /// ```text
    /// Python:  ctx.options |= ssl.OP_NO_SSLv2 | ssl.OP_NO_SSLv3
    /// Rust:    ctx.set_options(ssl::OP_NO_SSLv2 | ssl::OP_NO_SSLv3)?;
    /// ```
    ///
    /// The name is OpenSSL's verb (`SSL_CTX_set_options` adds too), so the seed article's
    /// `context.set_options(ssl.OP_NO_TICKET)` ports as written. Adding an `OP_NO_SSL*` or
    /// `OP_NO_TLS*` bit emits CPython's `DeprecationWarning` (`ssl.OP_NO_SSL*/ssl.OP_NO_TLS*
    /// options are deprecated`, see [`crate::warnings`]); the `Err` is that warning when an
    /// `"error"` filter raises it, as Python's `|=` raises it, and then no bit changes.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::create_default_context()?;
    /// // Python: ctx.options |= ssl.OP_NO_TICKET
    /// ctx.set_options(ssl::OP_NO_TICKET)?;
    /// assert!(ctx.options().contains(ssl::OP_NO_TICKET | ssl::OP_NO_COMPRESSION)); // both kept
    /// // Python: ctx.options &= ~ssl.OP_NO_TICKET
    /// ctx.clear_options(ssl::OP_NO_TICKET);
    /// assert!(!ctx.options().contains(ssl::OP_NO_TICKET));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn set_options(&self, bits: Options) -> Result<()> {
        self.update_options(|old| old | bits.value())
    }

    /// Removes option bits: Python's `ctx.options &= ~bits`.
    ///
    /// ```text
    /// Python:  ctx.options &= ~ssl.OP_NO_TICKET
    /// Rust:    ctx.clear_options(ssl::OP_NO_TICKET);
    /// ```
    pub fn clear_options(&self, bits: Options) {
        // Clearing never sets an `OP_NO_*` bit, so there is no warning to raise.
        let _ = self.update_options(|old| old & !bits.value());
    }

    /// Python's plain assignment `ctx.options = value`: afterwards the options are exactly
    /// `value` (bits not in it are cleared, unlike [`set_options`](SSLContext::set_options),
    /// which only adds).
    ///
    /// ```text
    /// Python:  ctx.options = ssl.OP_ALL | ssl.OP_NO_TICKET
    /// Rust:    ctx.assign_options(ssl::OP_ALL | ssl::OP_NO_TICKET)?;
    /// ```
    ///
    /// As CPython's setter: OpenSSL is asked to clear `old & !value` and to set `!old & value`,
    /// and setting an `OP_NO_SSL*`/`OP_NO_TLS*` bit that was not set emits its
    /// `DeprecationWarning` (the `Err` under an `"error"` filter, nothing changed).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: ctx.options = ssl.OP_NO_TICKET     (OP_NO_COMPRESSION, OP_ALL, ... are gone)
    /// ctx.assign_options(ssl::OP_NO_TICKET)?;
    /// assert_eq!(ctx.options(), ssl::OP_NO_TICKET);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn assign_options(&self, value: Options) -> Result<()> {
        self.update_options(|_| value.value())
    }

    /// CPython's `options` setter, given the new value as a function of the old one.
    #[track_caller]
    fn update_options(&self, new: impl Fn(u64) -> u64) -> Result<()> {
        let old = self.options().value();
        if !old & new(old) & NO_VERSION_BITS != 0 {
            // Before the lock is taken (a warnings handler may use this context), and under an
            // "error" filter before anything changes, as CPython raises.
            warnings::deprecated("ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated")?;
        }
        self.configure(|b| {
            // Read again under the write lock, so concurrent updates compose. (The bits are a
            // `c_ulong` before OpenSSL 3.)
            #[allow(clippy::unnecessary_cast)]
            let old = b.options().bits() as u64;
            let new = new(old);
            if old & !new != 0 {
                b.clear_options(SslOptions::from_bits_retain((old & !new) as _));
            }
            if !old & new != 0 {
                b.set_options(SslOptions::from_bits_retain((!old & new) as _));
            }
        });
        Ok(())
    }

    /// `ctx.verify_flags`.
    ///
    /// ```text
    /// Python:  ctx.verify_flags
    /// Rust:    ctx.verify_flags()
    /// ```
    pub fn verify_flags(&self) -> VerifyFlags {
        let _guard = self.read();
        VerifyFlags::from_bits(ffi_ssl::ctx_verify_flags(&self.inner.ctx) as u64)
    }

    /// Adds verification flags, keeping every flag already set: Python's
    /// `ctx.verify_flags |= flags`, **not** `ctx.verify_flags = flags` (that is
    /// [`assign_verify_flags`](SSLContext::assign_verify_flags)).
    ///
    /// ```text
    /// Python:  ctx.verify_flags |= ssl.VERIFY_X509_STRICT
    /// Rust:    ctx.set_verify_flags(ssl::VERIFY_X509_STRICT);
    /// ```
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    /// ctx.set_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
    /// // VERIFY_X509_TRUSTED_FIRST, set by every new context, is still there:
    /// assert_eq!(ctx.verify_flags(), ssl::VERIFY_CRL_CHECK_LEAF | ssl::VERIFY_X509_TRUSTED_FIRST);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_verify_flags(&self, flags: VerifyFlags) {
        self.update_verify_flags(|old| old | flags.value());
    }

    /// Removes verification flags: Python's `ctx.verify_flags &= ~flags`.
    ///
    /// ```text
    /// Python:  ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
    /// Rust:    ctx.clear_verify_flags(ssl::VERIFY_X509_STRICT);
    /// ```
    pub fn clear_verify_flags(&self, flags: VerifyFlags) {
        self.update_verify_flags(|old| old & !flags.value());
    }

    /// Python's plain assignment `ctx.verify_flags = value`: afterwards the flags are `value`
    /// (flags not in it are cleared, unlike [`set_verify_flags`](SSLContext::set_verify_flags),
    /// which only adds).
    ///
    /// ```text
    /// Python:  ctx.verify_flags = ssl.VERIFY_CRL_CHECK_LEAF
    /// Rust:    ctx.assign_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
    /// ```
    ///
    /// As CPython's setter, OpenSSL is asked to clear `old & !value` and to set `!old & value`;
    /// OpenSSL adds `VERIFY_POLICY_CHECK` (0x80) to a policy flag (0x100, 0x200, 0x400), so
    /// assigning `0x104` leaves `0x184` there as under CPython.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    ///
    /// let ctx = ssl::create_default_context()?;
    /// // Python: ctx.verify_flags = ssl.VERIFY_CRL_CHECK_LEAF
    /// ctx.assign_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
    /// // VERIFY_X509_TRUSTED_FIRST, STRICT and PARTIAL_CHAIN are gone, as in Python:
    /// assert_eq!(ctx.verify_flags(), ssl::VERIFY_CRL_CHECK_LEAF);
    /// # Ok(())
    /// # }
    /// ```
    pub fn assign_verify_flags(&self, value: VerifyFlags) {
        self.update_verify_flags(|_| value.value());
    }

    /// CPython's `verify_flags` setter, given the new value as a function of the old one.
    /// `X509_VERIFY_PARAM_{set,clear}_flags` cannot fail, so neither can this.
    fn update_verify_flags(&self, new: impl Fn(u64) -> u64) {
        let _guard = self.write();
        let old = ffi_ssl::ctx_verify_flags(&self.inner.ctx) as u64;
        let new = new(old);
        ffi_ssl::ctx_update_verify_flags(&self.inner.ctx, (old & !new) as _, (!old & new) as _);
    }
}
