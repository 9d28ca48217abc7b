//! An extension (Python's `ssl` has no such call): Mozilla's server-side TLS profiles, version
//! 5.7 of the guidelines, applied to a context in one call.
//!
//! ```text
//! Python:  (no equivalent; closest: ctx.set_ciphers(...) plus ctx.minimum_version = ...)
//! Rust:    ctx.apply_mozilla_profile(ssl::MozillaProfile::Intermediate)?;
//! ```
//!
//! CPython's own server defaults (`create_default_context(Purpose.CLIENT_AUTH)`) are not
//! "intermediate"-compliant on OpenSSL 3.0: they offer two CBC suites and the X448 and
//! secp521r1 groups. `create_default_context` stays faithful to CPython; this call is the
//! documented way to harden a context past it, and `pyssl serve` uses it by default.

use openssl::dh::Dh;
use openssl::ssl::{SslOptions, SslVersion};

use super::SSLContext;
use crate::error::{Error, Result};
use crate::ssl::SSLMethod;

/// Which of Mozilla's server-side TLS profiles (guidelines 5.7) to apply. An extension: Python
/// has no equivalent.
///
/// ```text
/// Python:  (none)
/// Rust:    ctx.apply_mozilla_profile(ssl::MozillaProfile::Modern)?;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MozillaProfile {
    /// "Intermediate": TLS 1.2 and 1.3; AEAD suites with forward secrecy only (ECDHE and
    /// DHE with the RFC 7919 ffdhe2048 group); groups X25519, P-256, P-384.
    Intermediate,
    /// "Modern": TLS 1.3 only, its three AEAD suites; groups X25519, P-256, P-384.
    Modern,
}

impl MozillaProfile {
    /// The profile's name as Mozilla (and sslyze's `--mozilla_config`) spells it.
    pub fn name(self) -> &'static str {
        match self {
            MozillaProfile::Intermediate => "intermediate",
            MozillaProfile::Modern => "modern",
        }
    }

    /// The TLS 1.2 cipher list, OpenSSL's names, in Mozilla's order (empty for "modern").
    pub fn ciphers(self) -> &'static str {
        match self {
            MozillaProfile::Intermediate => INTERMEDIATE_CIPHERS,
            MozillaProfile::Modern => "",
        }
    }

    /// The TLS 1.3 cipher suites, in Mozilla's order.
    pub fn ciphersuites(self) -> &'static str {
        TLS13_CIPHERSUITES
    }

    /// The key-exchange groups, in Mozilla's order.
    pub fn groups(self) -> &'static str {
        GROUPS
    }

    /// The lowest protocol version the profile allows.
    pub fn minimum_version(self) -> crate::ssl::TLSVersion {
        match self {
            MozillaProfile::Intermediate => crate::ssl::TLSVersion::TLSv1_2,
            MozillaProfile::Modern => crate::ssl::TLSVersion::TLSv1_3,
        }
    }
}

/// Mozilla intermediate v5.7, `ciphers.openssl`.
const INTERMEDIATE_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:\
DHE-RSA-CHACHA20-POLY1305";

/// Mozilla v5.7, `ciphersuites` (both profiles).
const TLS13_CIPHERSUITES: &str =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/// Mozilla v5.7, `tls_curves` (both profiles), in OpenSSL's spelling.
const GROUPS: &str = "X25519:prime256v1:secp384r1";

/// RFC 7919's ffdhe2048 group, Mozilla's `dh_param_size` 2048 for the DHE suites (the same
/// bytes as `openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048`).
const FFDHE2048_PEM: &[u8] = b"-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
";

impl SSLContext {
    /// An extension (Python has no such call): applies one of Mozilla's server-side TLS
    /// profiles (guidelines 5.7) to this context: the TLS 1.2 cipher list, the TLS 1.3 suites,
    /// the key-exchange groups, the minimum protocol version (maximum left unlimited), the
    /// ffdhe2048 group for DHE suites, and the client's cipher preference
    /// (`OP_CIPHER_SERVER_PREFERENCE` cleared, as the guidelines' `server_preferred_order:
    /// false` says). Certificates, verification and every other setting are left as they are.
    ///
    /// ```text
    /// Python:  ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)   # then by hand
    /// Rust:    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, ..Default::default() })?;
    ///          ctx.apply_mozilla_profile(ssl::MozillaProfile::Intermediate)?;
    /// ```
    ///
    /// A context whose protocol pins one version (`PROTOCOL_TLSv1_2`, ...) cannot take a
    /// minimum version: that is the `ValueError` of `minimum_version`.
    pub fn apply_mozilla_profile(&self, profile: MozillaProfile) -> Result<()> {
        let dh = Dh::params_from_pem(FFDHE2048_PEM).map_err(|e| super::config_error(&e, 0))?;
        let min = match profile {
            MozillaProfile::Intermediate => SslVersion::TLS1_2,
            MozillaProfile::Modern => SslVersion::TLS1_3,
        };
        if !matches!(
            self.protocol(),
            SSLMethod::PROTOCOL_TLS
                | SSLMethod::PROTOCOL_TLS_CLIENT
                | SSLMethod::PROTOCOL_TLS_SERVER
        ) {
            return Err(Error::value(
                "The context's protocol doesn't support modification of highest and lowest version.",
            ));
        }
        // "modern" has no TLS 1.2 suites, but OpenSSL refuses an empty list: it keeps the
        // intermediate list, which its TLS 1.3 minimum leaves unusable. The lists go through
        // the setters, which know whether connections already read the context's list.
        let lists = self
            .set_ciphers(INTERMEDIATE_CIPHERS)
            .map_err(|_| "cipher list")
            .and_then(|()| {
                self.set_ciphersuites(TLS13_CIPHERSUITES)
                    .map_err(|_| "TLS 1.3 cipher suites")
            });
        let outcome = lists.and_then(|()| {
            self.configure(|b| -> std::result::Result<(), &'static str> {
                b.set_groups_list(GROUPS).map_err(|_| "groups")?;
                b.set_tmp_dh(&dh).map_err(|_| "DH parameters")?;
                b.set_min_proto_version(Some(min))
                    .map_err(|_| "minimum version")?;
                b.clear_options(SslOptions::CIPHER_SERVER_PREFERENCE);
                Ok(())
            })
        });
        outcome.map_err(|what| {
            crate::ffi::err::clear_error();
            Error::value(format!(
                "Mozilla {} profile: OpenSSL refused the {what}",
                profile.name()
            ))
        })
    }
}
