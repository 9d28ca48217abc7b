//! Python's `IntEnum` classes of `ssl`: [`VerifyMode`], [`TLSVersion`], [`SSLMethod`]
//! (`_SSLMethod`), [`AlertDescription`], [`SSLErrorNumber`], with their module-level aliases
//! (`ssl.CERT_REQUIRED`, `ssl.PROTOCOL_TLS_CLIENT`, ...) and `ssl.get_protocol_name`; and the
//! private [`_TLSContentType`], [`_TLSAlertType`], [`_TLSMessageType`] of `_msg_callback`.
//!
//! ```text
//! Python:  ctx.verify_mode = ssl.CERT_REQUIRED; print(repr(ctx.minimum_version))
//! Rust:    ctx.set_verify_mode(ssl::CERT_REQUIRED)?; println!("{}", ctx.minimum_version().py_repr());
//! ```
//!
//! Each prints as Python 3.13 prints it: `repr()` is `<VerifyMode.CERT_REQUIRED: 2>` (our
//! [`PyRepr`](crate::pyrepr::PyRepr)), `str()` is the bare integer (our `Display`). Converting
//! an integer that is no member fails as Python's `VerifyMode(5)` does:
//! `ValueError: 5 is not a valid VerifyMode`.

/// Defines an `IntEnum`: the enum, its name/value accessors, conversions and printing.
macro_rules! int_enum {
    (
        $(#[$tmeta:meta])*
        $ty:ident = $pyname:literal;
        $( $member:ident = $value:expr => $doc:literal; )*
    ) => {
        $(#[$tmeta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(i32)]
        #[allow(non_camel_case_types)]
        pub enum $ty {
            $(
                #[doc = concat!("`ssl.", $pyname, ".", stringify!($member), "` → `ssl::",
                    stringify!($ty), "::", stringify!($member), "`: ", $doc)]
                $member = $value,
            )*
        }

        impl $ty {
            /// Python's `list(Enum)`: the members in definition order.
            pub const fn members() -> &'static [$ty] {
                &[$($ty::$member),*]
            }

            /// Python's `int(member)` (or `member.value`).
            pub const fn value(self) -> i32 {
                self as i32
            }

            /// Python's `member.name`.
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$member => stringify!($member),)*
                }
            }

            /// The member with this value, if any (Python's `Enum(value)` without the
            /// exception; see `TryFrom<i32>` for the exception).
            pub const fn from_value(value: i32) -> Option<$ty> {
                match value {
                    $(v if v == $ty::$member as i32 => Some($ty::$member),)*
                    _ => None,
                }
            }
        }

        impl IntEnum for $ty {
            const CLASS_NAME: &'static str = $pyname;
            fn members() -> &'static [$ty] {
                $ty::members()
            }
            fn value(self) -> i32 {
                $ty::value(self)
            }
            fn name(self) -> &'static str {
                $ty::name(self)
            }
            fn from_value(value: i32) -> Option<$ty> {
                $ty::from_value(value)
            }
        }

        impl TryFrom<i32> for $ty {
            type Error = $crate::error::Error;
            /// Python's `Enum(value)`: `ValueError: 5 is not a valid VerifyMode` for a non-member.
            fn try_from(value: i32) -> Result<$ty, $crate::error::Error> {
                $ty::from_value(value).ok_or_else(|| {
                    $crate::error::Error::ValueError(format!("{} is not a valid {}", value, $pyname))
                })
            }
        }

        impl From<$ty> for i32 {
            fn from(member: $ty) -> i32 {
                member as i32
            }
        }

        impl PartialEq<i32> for $ty {
            /// Python's `member == 2` (IntEnum compares as an int).
            fn eq(&self, other: &i32) -> bool {
                *self as i32 == *other
            }
        }

        impl PartialEq<$ty> for i32 {
            fn eq(&self, other: &$ty) -> bool {
                *self == *other as i32
            }
        }

        impl $crate::pyrepr::PyRepr for $ty {
            /// Python's `repr()`: `<VerifyMode.CERT_REQUIRED: 2>`.
            fn py_repr(&self) -> String {
                format!("<{}.{}: {}>", $pyname, self.name(), self.value())
            }

            /// Python's `str()`: the bare integer.
            fn py_str(&self) -> String {
                self.value().to_string()
            }
        }

        impl ::std::fmt::Display for $ty {
            /// Python's `str()`: the bare integer.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }
    };
}

/// What every `IntEnum` of `ssl` shares, for code generic over them (such as [`EnumOrInt`]):
/// Python's `enum.IntEnum` class protocol. Each enum also has these as inherent methods, so
/// calls need no import.
///
/// ```
/// use pyssl::ssl::{self, IntEnum};
/// // Python: [m.name for m in ssl._TLSContentType][:2], ssl._TLSContentType.__name__
/// let names: Vec<&str> = ssl::_TLSContentType::members().iter().map(|m| m.name()).collect();
/// assert_eq!(names[..2], ["CHANGE_CIPHER_SPEC", "ALERT"]);
/// assert_eq!(<ssl::_TLSContentType as IntEnum>::CLASS_NAME, "_TLSContentType");
/// ```
pub trait IntEnum: Copy + Sized + 'static {
    /// The class name Python prints: `VerifyMode`, `_SSLMethod`, `_TLSContentType`.
    const CLASS_NAME: &'static str;
    /// Python's `list(Enum)`: the members in definition order.
    fn members() -> &'static [Self];
    /// Python's `int(member)`.
    fn value(self) -> i32;
    /// Python's `member.name`.
    fn name(self) -> &'static str;
    /// The member with this value, if any (Python's `Enum(value)` without the exception).
    fn from_value(value: i32) -> Option<Self>;
}

/// Module-level aliases `ssl.NAME` of enum members.
macro_rules! module_aliases {
    ($ty:ident = $pyname:literal; $($member:ident),* $(,)?) => {
        $(
            #[allow(non_upper_case_globals)]
            #[doc = concat!("`ssl.", stringify!($member), "` → `ssl::", stringify!($member),
                "` (same as [`", stringify!($ty), "::", stringify!($member), "`], Python's `",
                $pyname, ".", stringify!($member), "`).")]
            pub const $member: $ty = $ty::$member;
        )*
    };
}

int_enum! {
    /// Python's `ssl.VerifyMode`: how a context verifies the peer's certificate.
    ///
    /// ```text
    /// Python:  ctx.verify_mode = ssl.CERT_REQUIRED
    /// Rust:    ctx.set_verify_mode(ssl::CERT_REQUIRED)?;
    /// ```
    ///
    /// Every `ssl` enum prints, converts and compares as Python's `IntEnum`:
    ///
    /// ```
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::ssl;
    ///
    /// // Python: print(repr(ssl.CERT_REQUIRED), str(ssl.CERT_REQUIRED), ssl.CERT_REQUIRED == 2)
    /// assert_eq!(ssl::CERT_REQUIRED.py_repr(), "<VerifyMode.CERT_REQUIRED: 2>");
    /// assert_eq!(ssl::CERT_REQUIRED.to_string(), "2");
    /// assert!(ssl::CERT_REQUIRED == 2);
    /// // Python: ssl.VerifyMode(2), ssl.VerifyMode(5)  ->  ValueError: 5 is not a valid VerifyMode
    /// assert_eq!(ssl::VerifyMode::try_from(2), Ok(ssl::VerifyMode::CERT_REQUIRED));
    /// assert_eq!(ssl::VerifyMode::try_from(5).unwrap_err().to_string(), "5 is not a valid VerifyMode");
    /// // Python: print(repr(ssl.OP_NO_SSLv3 | ssl.OP_NO_TLSv1))
    /// assert_eq!((ssl::OP_NO_SSLv3 | ssl::OP_NO_TLSv1).py_repr(), "<Options.OP_NO_SSLv3|OP_NO_TLSv1: 100663296>");
    /// assert_eq!(ssl::PROTOCOL_TLS_CLIENT.py_repr(), "<_SSLMethod.PROTOCOL_TLS_CLIENT: 16>");
    /// ```
    VerifyMode = "VerifyMode";
    CERT_NONE = 0 => "do not ask for or check a certificate.";
    CERT_OPTIONAL = 1 => "check a certificate if the peer sends one.";
    CERT_REQUIRED = 2 => "require a valid certificate.";
}
module_aliases!(VerifyMode = "VerifyMode"; CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED);

int_enum! {
    /// Python's `ssl.TLSVersion`: protocol versions for `minimum_version`/`maximum_version`.
    ///
    /// ```text
    /// Python:  ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    /// Rust:    ctx.set_minimum_version(ssl::TLSVersion::TLSv1_2)?;
    /// ```
    ///
    /// Ordered by value, as Python compares them (`MINIMUM_SUPPORTED` = -2 is the smallest).
    TLSVersion = "TLSVersion";
    MINIMUM_SUPPORTED = -2 => "the lowest version OpenSSL supports.";
    SSLv3 = openssl_sys::SSL3_VERSION => "SSL 3.0 (deprecated in Python).";
    TLSv1 = openssl_sys::TLS1_VERSION => "TLS 1.0 (deprecated in Python).";
    TLSv1_1 = openssl_sys::TLS1_1_VERSION => "TLS 1.1 (deprecated in Python).";
    TLSv1_2 = openssl_sys::TLS1_2_VERSION => "TLS 1.2.";
    TLSv1_3 = openssl_sys::TLS1_3_VERSION => "TLS 1.3.";
    MAXIMUM_SUPPORTED = -1 => "the highest version OpenSSL supports.";
}

int_enum! {
    /// Python's `ssl._SSLMethod`: the `protocol` argument of `SSLContext(protocol)`.
    ///
    /// ```text
    /// Python:  print(repr(ssl.PROTOCOL_TLS_CLIENT), int(ssl.PROTOCOL_TLS_CLIENT))
    /// Rust:    println!("{} {}", ssl::PROTOCOL_TLS_CLIENT.py_repr(), ssl::PROTOCOL_TLS_CLIENT.value());
    /// ```
    ///
    /// `PROTOCOL_SSLv23` is an alias of `PROTOCOL_TLS` ([`SSLMethod::PROTOCOL_SSLv23`]).
    /// `PROTOCOL_SSLv2`/`PROTOCOL_SSLv3` are absent, as in CPython on an OpenSSL built without
    /// them (every default build of 1.1.1 and 3.x).
    SSLMethod = "_SSLMethod";
    PROTOCOL_TLS = 2 => "negotiate the highest version both sides support (deprecated).";
    PROTOCOL_TLSv1 = 3 => "TLS 1.0 only (deprecated).";
    PROTOCOL_TLSv1_1 = 4 => "TLS 1.1 only (deprecated).";
    PROTOCOL_TLSv1_2 = 5 => "TLS 1.2 only (deprecated).";
    PROTOCOL_TLS_CLIENT = 16 => "client side, any version, hostname checking on.";
    PROTOCOL_TLS_SERVER = 17 => "server side, any version.";
}
module_aliases!(
    SSLMethod = "_SSLMethod";
    PROTOCOL_TLS,
    PROTOCOL_TLSv1,
    PROTOCOL_TLSv1_1,
    PROTOCOL_TLSv1_2,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
);

#[allow(non_upper_case_globals)]
impl SSLMethod {
    /// `ssl._SSLMethod.PROTOCOL_SSLv23` → `ssl::SSLMethod::PROTOCOL_SSLv23`: an alias of
    /// `PROTOCOL_TLS` (prints as `<_SSLMethod.PROTOCOL_TLS: 2>`).
    pub const PROTOCOL_SSLv23: SSLMethod = SSLMethod::PROTOCOL_TLS;
}

/// `ssl.PROTOCOL_SSLv23` → `ssl::PROTOCOL_SSLv23`: an alias of [`PROTOCOL_TLS`] (deprecated in
/// Python).
#[allow(non_upper_case_globals)]
pub const PROTOCOL_SSLv23: SSLMethod = SSLMethod::PROTOCOL_TLS;

/// Python's `ssl.get_protocol_name(protocol_code)`: the `_SSLMethod` member name for a code,
/// `"<unknown>"` otherwise.
///
/// ```text
/// Python:  ssl.get_protocol_name(ssl.PROTOCOL_TLS_CLIENT)   # 'PROTOCOL_TLS_CLIENT'
/// Rust:    ssl::get_protocol_name(ssl::PROTOCOL_TLS_CLIENT)
/// Python:  ssl.get_protocol_name(99)                        # '<unknown>'
/// Rust:    ssl::get_protocol_name(99)
/// ```
pub fn get_protocol_name(protocol_code: impl Into<i32>) -> &'static str {
    match SSLMethod::from_value(protocol_code.into()) {
        Some(method) => method.name(),
        None => "<unknown>",
    }
}

int_enum! {
    /// Python's `ssl.AlertDescription`: TLS alert codes (OpenSSL's `SSL_AD_*`), for example what
    /// an `sni_callback` returns.
    ///
    /// ```text
    /// Python:  return ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE
    /// Rust:    return Some(ssl::ALERT_DESCRIPTION_HANDSHAKE_FAILURE);
    /// ```
    AlertDescription = "AlertDescription";
    ALERT_DESCRIPTION_CLOSE_NOTIFY = openssl_sys::SSL_AD_CLOSE_NOTIFY => "close_notify (0).";
    ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = openssl_sys::SSL_AD_UNEXPECTED_MESSAGE
        => "unexpected_message (10).";
    ALERT_DESCRIPTION_BAD_RECORD_MAC = openssl_sys::SSL_AD_BAD_RECORD_MAC
        => "bad_record_mac (20).";
    ALERT_DESCRIPTION_RECORD_OVERFLOW = openssl_sys::SSL_AD_RECORD_OVERFLOW
        => "record_overflow (22).";
    ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = openssl_sys::SSL_AD_DECOMPRESSION_FAILURE
        => "decompression_failure (30).";
    ALERT_DESCRIPTION_HANDSHAKE_FAILURE = openssl_sys::SSL_AD_HANDSHAKE_FAILURE
        => "handshake_failure (40).";
    ALERT_DESCRIPTION_BAD_CERTIFICATE = openssl_sys::SSL_AD_BAD_CERTIFICATE
        => "bad_certificate (42).";
    ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = openssl_sys::SSL_AD_UNSUPPORTED_CERTIFICATE
        => "unsupported_certificate (43).";
    ALERT_DESCRIPTION_CERTIFICATE_REVOKED = openssl_sys::SSL_AD_CERTIFICATE_REVOKED
        => "certificate_revoked (44).";
    ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = openssl_sys::SSL_AD_CERTIFICATE_EXPIRED
        => "certificate_expired (45).";
    ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = openssl_sys::SSL_AD_CERTIFICATE_UNKNOWN
        => "certificate_unknown (46).";
    ALERT_DESCRIPTION_ILLEGAL_PARAMETER = openssl_sys::SSL_AD_ILLEGAL_PARAMETER
        => "illegal_parameter (47).";
    ALERT_DESCRIPTION_UNKNOWN_CA = openssl_sys::SSL_AD_UNKNOWN_CA => "unknown_ca (48).";
    ALERT_DESCRIPTION_ACCESS_DENIED = openssl_sys::SSL_AD_ACCESS_DENIED
        => "access_denied (49).";
    ALERT_DESCRIPTION_DECODE_ERROR = openssl_sys::SSL_AD_DECODE_ERROR => "decode_error (50).";
    ALERT_DESCRIPTION_DECRYPT_ERROR = openssl_sys::SSL_AD_DECRYPT_ERROR
        => "decrypt_error (51).";
    ALERT_DESCRIPTION_PROTOCOL_VERSION = openssl_sys::SSL_AD_PROTOCOL_VERSION
        => "protocol_version (70).";
    ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = openssl_sys::SSL_AD_INSUFFICIENT_SECURITY
        => "insufficient_security (71).";
    ALERT_DESCRIPTION_INTERNAL_ERROR = openssl_sys::SSL_AD_INTERNAL_ERROR
        => "internal_error (80).";
    ALERT_DESCRIPTION_USER_CANCELLED = openssl_sys::SSL_AD_USER_CANCELLED
        => "user_canceled (90).";
    ALERT_DESCRIPTION_NO_RENEGOTIATION = openssl_sys::SSL_AD_NO_RENEGOTIATION
        => "no_renegotiation (100).";
    ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = openssl_sys::SSL_AD_UNSUPPORTED_EXTENSION
        => "unsupported_extension (110).";
    ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = openssl_sys::SSL_AD_CERTIFICATE_UNOBTAINABLE
        => "certificate_unobtainable (111).";
    ALERT_DESCRIPTION_UNRECOGNIZED_NAME = openssl_sys::SSL_AD_UNRECOGNIZED_NAME
        => "unrecognized_name (112).";
    ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE =
        openssl_sys::SSL_AD_BAD_CERTIFICATE_STATUS_RESPONSE
        => "bad_certificate_status_response (113).";
    ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = openssl_sys::SSL_AD_BAD_CERTIFICATE_HASH_VALUE
        => "bad_certificate_hash_value (114).";
    ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = openssl_sys::SSL_AD_UNKNOWN_PSK_IDENTITY
        => "unknown_psk_identity (115).";
}
module_aliases!(
    AlertDescription = "AlertDescription";
    ALERT_DESCRIPTION_CLOSE_NOTIFY,
    ALERT_DESCRIPTION_UNEXPECTED_MESSAGE,
    ALERT_DESCRIPTION_BAD_RECORD_MAC,
    ALERT_DESCRIPTION_RECORD_OVERFLOW,
    ALERT_DESCRIPTION_DECOMPRESSION_FAILURE,
    ALERT_DESCRIPTION_HANDSHAKE_FAILURE,
    ALERT_DESCRIPTION_BAD_CERTIFICATE,
    ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE,
    ALERT_DESCRIPTION_CERTIFICATE_REVOKED,
    ALERT_DESCRIPTION_CERTIFICATE_EXPIRED,
    ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN,
    ALERT_DESCRIPTION_ILLEGAL_PARAMETER,
    ALERT_DESCRIPTION_UNKNOWN_CA,
    ALERT_DESCRIPTION_ACCESS_DENIED,
    ALERT_DESCRIPTION_DECODE_ERROR,
    ALERT_DESCRIPTION_DECRYPT_ERROR,
    ALERT_DESCRIPTION_PROTOCOL_VERSION,
    ALERT_DESCRIPTION_INSUFFICIENT_SECURITY,
    ALERT_DESCRIPTION_INTERNAL_ERROR,
    ALERT_DESCRIPTION_USER_CANCELLED,
    ALERT_DESCRIPTION_NO_RENEGOTIATION,
    ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION,
    ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE,
    ALERT_DESCRIPTION_UNRECOGNIZED_NAME,
    ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE,
    ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE,
    ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY,
);

int_enum! {
    /// Python's `ssl.SSLErrorNumber`: the `errno` of the non-fatal `SSLError`s (CPython's own
    /// numbering; 1-7 mirror OpenSSL's `SSL_ERROR_*`, 9 is private and not a member).
    ///
    /// ```text
    /// Python:  if e.errno == ssl.SSL_ERROR_EOF: ...
    /// Rust:    if e.errno() == Some(ssl::SSL_ERROR_EOF.value().into()) { ... }
    /// ```
    SSLErrorNumber = "SSLErrorNumber";
    SSL_ERROR_SSL = 1 => "a protocol error (`SSLError`).";
    SSL_ERROR_WANT_READ = 2 => "the operation needs more input (`SSLWantReadError`).";
    SSL_ERROR_WANT_WRITE = 3 => "the operation needs to write (`SSLWantWriteError`).";
    SSL_ERROR_WANT_X509_LOOKUP = 4 => "a certificate callback must be called again.";
    SSL_ERROR_SYSCALL = 5 => "a system call failed (`SSLSyscallError`).";
    SSL_ERROR_ZERO_RETURN = 6 => "the peer closed cleanly (`SSLZeroReturnError`).";
    SSL_ERROR_WANT_CONNECT = 7 => "the connect must be retried.";
    SSL_ERROR_EOF = 8 => "EOF in violation of the protocol (`SSLEOFError`).";
    SSL_ERROR_INVALID_ERROR_CODE = 10 => "an error OpenSSL did not classify.";
}
module_aliases!(
    SSLErrorNumber = "SSLErrorNumber";
    SSL_ERROR_SSL,
    SSL_ERROR_WANT_READ,
    SSL_ERROR_WANT_WRITE,
    SSL_ERROR_WANT_X509_LOOKUP,
    SSL_ERROR_SYSCALL,
    SSL_ERROR_ZERO_RETURN,
    SSL_ERROR_WANT_CONNECT,
    SSL_ERROR_EOF,
    SSL_ERROR_INVALID_ERROR_CODE,
);

// Declared after `int_enum!` so that the macro is in scope there; `pub(crate)` for the
// `_msg_callback` hook's conversions (`tls_messages::msg_callback_values`).
pub(crate) mod tls_messages;
pub use tls_messages::{_TLSAlertType, _TLSContentType, _TLSMessageType, EnumOrInt, MsgType};
