//! The constants and enums of Python's `ssl`, valued as CPython exposes them on the same
//! OpenSSL and printing as Python 3.13 prints them.
//!
//! ```text
//! Python:  ctx.options |= ssl.OP_NO_TICKET; print(repr(ssl.TLSVersion.TLSv1_2), ssl.HAS_TLSv1_3)
//! Rust:    ctx.set_options(ssl::OP_NO_TICKET)?; println!("{} {}", ssl::TLSVersion::TLSv1_2.py_repr(), ssl::HAS_TLSv1_3);
//! ```
//!
//! * `IntFlag`s: [`Options`] (`OP_*`), [`VerifyFlags`] (`VERIFY_*`).
//! * `IntEnum`s: [`VerifyMode`] (`CERT_*`), [`TLSVersion`], [`SSLMethod`] (`PROTOCOL_*`),
//!   [`AlertDescription`] (`ALERT_DESCRIPTION_*`), [`SSLErrorNumber`] (`SSL_ERROR_*`), and the
//!   private [`_TLSContentType`], [`_TLSAlertType`], [`_TLSMessageType`] (with [`EnumOrInt`]
//!   and [`MsgType`], the values `_msg_callback` receives); the [`IntEnum`] trait they share.
//! * `Enum`: [`Purpose`], whose members are [`_ASN1Object`]s.
//! * Feature booleans `HAS_*`, [`CHANNEL_BINDING_TYPES`], and the OpenSSL version values.
//!
//! Every member also exists at module level under its Python name (`ssl::OP_NO_SSLv3` is
//! `ssl::Options::OP_NO_SSLv3`). `repr()` is [`PyRepr`](crate::pyrepr::PyRepr), `str()` is
//! `Display` (the bare integer, as for Python's `IntEnum`/`IntFlag`).

pub(crate) mod enums;
mod flags;
mod purpose;
mod version;

pub use enums::*;
pub use flags::*;
pub use purpose::{_ASN1Object, Purpose};
pub use version::{
    OpenSSLVersionInfo, RuntimeValue, _OPENSSL_API_VERSION, OPENSSL_VERSION, OPENSSL_VERSION_INFO,
    OPENSSL_VERSION_NUMBER,
};

// `HAS_*` follow CPython's `_ssl.c`: fixed answers where CPython hard-codes them (on OpenSSL
// 1.1.1+, the oldest pyssl builds with), and the OpenSSL build configuration where CPython
// tests `OPENSSL_NO_*`. build.rs reports that configuration as `osslconf="OPENSSL_NO_..."`
// cfgs after scanning the headers (and then sets `osslconf_scanned`); until it does, the
// values are those of OpenSSL's default configuration (SSLv3 off, everything else on), which
// is what Debian, Fedora and vendored builds ship.
#[allow(unexpected_cfgs)]
const CONF_SCANNED: bool = cfg!(osslconf_scanned);

/// `ssl.HAS_SNI` → `ssl::HAS_SNI`: Server Name Indication is supported (always, as in CPython).
pub const HAS_SNI: bool = true;

/// `ssl.HAS_ECDH` → `ssl::HAS_ECDH`: elliptic-curve Diffie-Hellman is supported (always).
pub const HAS_ECDH: bool = true;

/// `ssl.HAS_NPN` → `ssl::HAS_NPN`: Next Protocol Negotiation is available. Always `False`:
/// CPython reports no NPN on OpenSSL 1.1.1+.
pub const HAS_NPN: bool = false;

/// `ssl.HAS_ALPN` → `ssl::HAS_ALPN`: ALPN is supported (always).
pub const HAS_ALPN: bool = true;

/// `ssl.HAS_SSLv2` → `ssl::HAS_SSLv2`: SSL 2.0 is compiled in. Never, on OpenSSL 1.1+.
#[allow(non_upper_case_globals)]
pub const HAS_SSLv2: bool = false;

/// `ssl.HAS_SSLv3` → `ssl::HAS_SSLv3`: SSL 3.0 is compiled in (`OPENSSL_NO_SSL3` not defined).
#[allow(non_upper_case_globals, unexpected_cfgs)]
pub const HAS_SSLv3: bool = CONF_SCANNED && !cfg!(osslconf = "OPENSSL_NO_SSL3");

/// `ssl.HAS_TLSv1` → `ssl::HAS_TLSv1`: TLS 1.0 is compiled in (`OPENSSL_NO_TLS1` not
/// defined). Compiled in is not usable: OpenSSL 3 refuses TLS 1.0 above security level 0.
#[allow(non_upper_case_globals, unexpected_cfgs)]
pub const HAS_TLSv1: bool = !cfg!(osslconf = "OPENSSL_NO_TLS1");

/// `ssl.HAS_TLSv1_1` → `ssl::HAS_TLSv1_1`: TLS 1.1 is compiled in (`OPENSSL_NO_TLS1_1` not
/// defined; see [`HAS_TLSv1`] on usability).
#[allow(non_upper_case_globals, unexpected_cfgs)]
pub const HAS_TLSv1_1: bool = !cfg!(osslconf = "OPENSSL_NO_TLS1_1");

/// `ssl.HAS_TLSv1_2` → `ssl::HAS_TLSv1_2`: TLS 1.2 is compiled in (`OPENSSL_NO_TLS1_2` not
/// defined).
#[allow(non_upper_case_globals, unexpected_cfgs)]
pub const HAS_TLSv1_2: bool = !cfg!(osslconf = "OPENSSL_NO_TLS1_2");

/// `ssl.HAS_TLSv1_3` → `ssl::HAS_TLSv1_3`: TLS 1.3 is compiled in (OpenSSL 1.1.1+ without
/// `OPENSSL_NO_TLS1_3`).
#[allow(non_upper_case_globals, unexpected_cfgs)]
pub const HAS_TLSv1_3: bool = cfg!(ossl111) && !cfg!(osslconf = "OPENSSL_NO_TLS1_3");

/// `ssl.HAS_NEVER_CHECK_COMMON_NAME` → `ssl::HAS_NEVER_CHECK_COMMON_NAME`: OpenSSL can skip the
/// subject common name in hostname checks (`X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`, 1.1.0+).
pub const HAS_NEVER_CHECK_COMMON_NAME: bool = true;

/// `ssl.HAS_PSK` → `ssl::HAS_PSK`: TLS pre-shared keys are available (`OPENSSL_NO_PSK` not
/// defined; Python 3.13+).
#[allow(unexpected_cfgs)]
pub const HAS_PSK: bool = !cfg!(osslconf = "OPENSSL_NO_PSK");

/// `ssl.CHANNEL_BINDING_TYPES` → `ssl::CHANNEL_BINDING_TYPES`: the channel-binding types
/// `get_channel_binding` accepts: `['tls-unique']`.
///
/// ```text
/// Python:  if "tls-unique" in ssl.CHANNEL_BINDING_TYPES: ...
/// Rust:    if ssl::CHANNEL_BINDING_TYPES.contains(&"tls-unique") { ... }
/// ```
pub const CHANNEL_BINDING_TYPES: &[&str] = &["tls-unique"];
