//! ssl.py's private `IntEnum`s of TLS record and message types, [`_TLSContentType`],
//! [`_TLSAlertType`] and [`_TLSMessageType`], which `SSLContext._msg_callback` hands its
//! callback (and test_ssl compares against), plus the two conversions ssl.py makes before
//! calling that callback: [`EnumOrInt`] (a member when the value is one, else the int) and
//! [`MsgType`] (which enum a message type belongs to, chosen by the content type).
//!
//! ```text
//! Python:  print(repr(ssl._TLSContentType.HANDSHAKE), ssl._TLSAlertType(40))
//! Rust:    println!("{} {}", ssl::_TLSContentType::HANDSHAKE.py_repr(), ssl::_TLSAlertType::try_from(40)?);
//! ```

use std::ffi::c_char;
use std::fmt;

use super::{IntEnum, TLSVersion};
use crate::pyrepr::PyRepr;

int_enum! {
    /// Python's `ssl._TLSContentType`: TLS record content types (RFC 8446, B.1), plus
    /// OpenSSL's two pseudo types for a record header and a TLS 1.3 inner content type.
    ///
    /// ```
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::ssl;
    /// // Python: repr(ssl._TLSContentType.HANDSHAKE), str(ssl._TLSContentType(22))
    /// assert_eq!(ssl::_TLSContentType::HANDSHAKE.py_repr(), "<_TLSContentType.HANDSHAKE: 22>");
    /// assert_eq!(ssl::_TLSContentType::try_from(22)?.to_string(), "22");
    /// // Python: ssl._TLSContentType(24)  ->  ValueError: 24 is not a valid _TLSContentType
    /// assert_eq!(ssl::_TLSContentType::try_from(24).unwrap_err().to_string(), "24 is not a valid _TLSContentType");
    /// # Ok::<(), pyssl::Error>(())
    /// ```
    _TLSContentType = "_TLSContentType";
    CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec.";
    ALERT = 21 => "alert.";
    HANDSHAKE = 22 => "handshake.";
    APPLICATION_DATA = 23 => "application_data.";
    HEADER = 0x100 => "pseudo type: a record header (OpenSSL's `SSL3_RT_HEADER`).";
    INNER_CONTENT_TYPE = 0x101
        => "pseudo type: TLS 1.3's inner content type (`SSL3_RT_INNER_CONTENT_TYPE`).";
}

int_enum! {
    /// Python's `ssl._TLSAlertType`: the alert descriptions of `ALERT` records (RFC 8446,
    /// B.2), including those [`AlertDescription`](super::AlertDescription) lacks.
    ///
    /// ```text
    /// Python:  if msg_type == ssl._TLSAlertType.HANDSHAKE_FAILURE: ...
    /// Rust:    if msg_type == ssl::MsgType::Alert(ssl::_TLSAlertType::HANDSHAKE_FAILURE) { ... }
    /// ```
    _TLSAlertType = "_TLSAlertType";
    CLOSE_NOTIFY = 0 => "close_notify.";
    UNEXPECTED_MESSAGE = 10 => "unexpected_message.";
    BAD_RECORD_MAC = 20 => "bad_record_mac.";
    DECRYPTION_FAILED = 21 => "decryption_failed (obsolete).";
    RECORD_OVERFLOW = 22 => "record_overflow.";
    DECOMPRESSION_FAILURE = 30 => "decompression_failure (obsolete).";
    HANDSHAKE_FAILURE = 40 => "handshake_failure.";
    NO_CERTIFICATE = 41 => "no_certificate (SSL 3.0).";
    BAD_CERTIFICATE = 42 => "bad_certificate.";
    UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate.";
    CERTIFICATE_REVOKED = 44 => "certificate_revoked.";
    CERTIFICATE_EXPIRED = 45 => "certificate_expired.";
    CERTIFICATE_UNKNOWN = 46 => "certificate_unknown.";
    ILLEGAL_PARAMETER = 47 => "illegal_parameter.";
    UNKNOWN_CA = 48 => "unknown_ca.";
    ACCESS_DENIED = 49 => "access_denied.";
    DECODE_ERROR = 50 => "decode_error.";
    DECRYPT_ERROR = 51 => "decrypt_error.";
    EXPORT_RESTRICTION = 60 => "export_restriction (obsolete).";
    PROTOCOL_VERSION = 70 => "protocol_version.";
    INSUFFICIENT_SECURITY = 71 => "insufficient_security.";
    INTERNAL_ERROR = 80 => "internal_error.";
    INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback.";
    USER_CANCELED = 90 => "user_canceled.";
    NO_RENEGOTIATION = 100 => "no_renegotiation.";
    MISSING_EXTENSION = 109 => "missing_extension.";
    UNSUPPORTED_EXTENSION = 110 => "unsupported_extension.";
    CERTIFICATE_UNOBTAINABLE = 111 => "certificate_unobtainable.";
    UNRECOGNIZED_NAME = 112 => "unrecognized_name.";
    BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response.";
    BAD_CERTIFICATE_HASH_VALUE = 114 => "bad_certificate_hash_value.";
    UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity.";
    CERTIFICATE_REQUIRED = 116 => "certificate_required.";
    NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol.";
}

int_enum! {
    /// Python's `ssl._TLSMessageType`: handshake message types (RFC 8446, B.3), plus
    /// OpenSSL's pseudo type for a ChangeCipherSpec message.
    ///
    /// ```text
    /// Python:  print(repr(ssl._TLSMessageType.CLIENT_HELLO))   # <_TLSMessageType.CLIENT_HELLO: 1>
    /// Rust:    println!("{}", ssl::_TLSMessageType::CLIENT_HELLO.py_repr());
    /// ```
    _TLSMessageType = "_TLSMessageType";
    HELLO_REQUEST = 0 => "hello_request.";
    CLIENT_HELLO = 1 => "client_hello.";
    SERVER_HELLO = 2 => "server_hello.";
    HELLO_VERIFY_REQUEST = 3 => "hello_verify_request (DTLS).";
    NEWSESSION_TICKET = 4 => "new_session_ticket.";
    END_OF_EARLY_DATA = 5 => "end_of_early_data.";
    HELLO_RETRY_REQUEST = 6 => "hello_retry_request.";
    ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions.";
    CERTIFICATE = 11 => "certificate.";
    SERVER_KEY_EXCHANGE = 12 => "server_key_exchange.";
    CERTIFICATE_REQUEST = 13 => "certificate_request.";
    SERVER_DONE = 14 => "server_hello_done.";
    CERTIFICATE_VERIFY = 15 => "certificate_verify.";
    CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange.";
    FINISHED = 20 => "finished.";
    CERTIFICATE_URL = 21 => "certificate_url.";
    CERTIFICATE_STATUS = 22 => "certificate_status.";
    SUPPLEMENTAL_DATA = 23 => "supplemental_data.";
    KEY_UPDATE = 24 => "key_update.";
    NEXT_PROTO = 67 => "next_protocol (NPN).";
    MESSAGE_HASH = 254 => "message_hash.";
    CHANGE_CIPHER_SPEC = 0x0101
        => "pseudo type: a ChangeCipherSpec message (OpenSSL's `SSL3_MT_CHANGE_CIPHER_SPEC`).";
}

/// A value ssl.py converts with `try: v = Enum(v) except ValueError: pass`: the member when the
/// integer is one, else the integer itself. `_msg_callback` gets its `version` as an
/// `EnumOrInt<TLSVersion>` and its `content_type` as an `EnumOrInt<_TLSContentType>`.
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::ssl::{self, EnumOrInt};
/// // Python: try: v = ssl._TLSContentType(v)
/// //         except ValueError: pass
/// let known = EnumOrInt::<ssl::_TLSContentType>::from(22);
/// assert_eq!(known, EnumOrInt::Member(ssl::_TLSContentType::HANDSHAKE));
/// assert_eq!(known.py_repr(), "<_TLSContentType.HANDSHAKE: 22>");
/// let unknown = EnumOrInt::<ssl::_TLSContentType>::from(99);
/// assert_eq!((unknown.py_repr(), unknown.to_string()), ("99".to_string(), "99".to_string()));
/// // Python compares either with an int: v == 22
/// assert!(known == 22 && unknown == 99);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnumOrInt<E: IntEnum> {
    /// The value is a member of `E`.
    Member(E),
    /// The value is no member: Python keeps the bare `int`.
    Int(i32),
}

impl<E: IntEnum> EnumOrInt<E> {
    /// Python's `int(v)`.
    pub fn value(self) -> i32 {
        match self {
            EnumOrInt::Member(m) => m.value(),
            EnumOrInt::Int(v) => v,
        }
    }

    /// The member, if the value is one.
    pub fn member(self) -> Option<E> {
        match self {
            EnumOrInt::Member(m) => Some(m),
            EnumOrInt::Int(_) => None,
        }
    }
}

impl<E: IntEnum> From<i32> for EnumOrInt<E> {
    fn from(value: i32) -> EnumOrInt<E> {
        E::from_value(value).map_or(EnumOrInt::Int(value), EnumOrInt::Member)
    }
}

impl<E: IntEnum> PartialEq<i32> for EnumOrInt<E> {
    /// Python's `v == 22`: a member compares as its value.
    fn eq(&self, other: &i32) -> bool {
        self.value() == *other
    }
}

impl<E: IntEnum + PyRepr> PyRepr for EnumOrInt<E> {
    /// The member's `repr()` (`<_TLSContentType.HANDSHAKE: 22>`) or the int's (`99`).
    fn py_repr(&self) -> String {
        match self {
            EnumOrInt::Member(m) => m.py_repr(),
            EnumOrInt::Int(v) => v.to_string(),
        }
    }

    /// Python's `str()`: the bare integer.
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl<E: IntEnum> fmt::Display for EnumOrInt<E> {
    /// Python's `str()`: the bare integer either way.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value(), f)
    }
}

/// The `msg_type` ssl.py hands a `_msg_callback`: looked up in `_TLSContentType` for a record
/// header, in `_TLSAlertType` for an alert, in `_TLSMessageType` for anything else (a
/// ChangeCipherSpec, a handshake message, and also a TLS 1.3 inner content type, as ssl.py
/// does), or the bare int when it is no member there (`-1` for application data).
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::ssl::{self, MsgType};
/// // Python (ssl.py): msg_enum = _TLSAlertType if content_type == _TLSContentType.ALERT else ...
/// //                  msg_type = msg_enum(msg_type)
/// let alert = MsgType::new(ssl::_TLSContentType::ALERT.value(), 40);
/// assert_eq!(alert.py_repr(), "<_TLSAlertType.HANDSHAKE_FAILURE: 40>");
/// let hello = MsgType::new(22, 1);
/// assert_eq!(hello, MsgType::Message(ssl::_TLSMessageType::CLIENT_HELLO));
/// assert_eq!(MsgType::new(23, -1).py_repr(), "-1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MsgType {
    /// Of a `HEADER` record: the record's content type.
    ContentType(_TLSContentType),
    /// Of an `ALERT` record: the alert description.
    Alert(_TLSAlertType),
    /// Of any other record: the handshake message type.
    Message(_TLSMessageType),
    /// No member of the enum the content type chose.
    Int(i32),
}

impl MsgType {
    /// ssl.py's choice of enum for `msg_type`, by `content_type` (members or not).
    pub fn new(content_type: i32, msg_type: i32) -> MsgType {
        let found = match _TLSContentType::from_value(content_type) {
            Some(_TLSContentType::HEADER) => {
                _TLSContentType::from_value(msg_type).map(MsgType::ContentType)
            }
            Some(_TLSContentType::ALERT) => _TLSAlertType::from_value(msg_type).map(MsgType::Alert),
            _ => _TLSMessageType::from_value(msg_type).map(MsgType::Message),
        };
        found.unwrap_or(MsgType::Int(msg_type))
    }

    /// Python's `int(msg_type)`.
    pub fn value(self) -> i32 {
        match self {
            MsgType::ContentType(m) => m.value(),
            MsgType::Alert(m) => m.value(),
            MsgType::Message(m) => m.value(),
            MsgType::Int(v) => v,
        }
    }
}

impl PartialEq<i32> for MsgType {
    /// Python's `msg_type == 1`.
    fn eq(&self, other: &i32) -> bool {
        self.value() == *other
    }
}

impl PyRepr for MsgType {
    /// The member's `repr()` or the int's.
    fn py_repr(&self) -> String {
        match self {
            MsgType::ContentType(m) => m.py_repr(),
            MsgType::Alert(m) => m.py_repr(),
            MsgType::Message(m) => m.py_repr(),
            MsgType::Int(v) => v.to_string(),
        }
    }

    /// Python's `str()`: the bare integer.
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for MsgType {
    /// Python's `str()`: the bare integer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value(), f)
    }
}

/// What CPython's C message callback (`_PySSL_msg_callback`) derives from OpenSSL's
/// `(version, content_type, buf)` before ssl.py converts anything: the `version` to report (a
/// record header's own, bytes 1-2) and the raw `msg_type`: `SSL3_MT_CHANGE_CIPHER_SPEC` for a
/// ChangeCipherSpec, byte 1 of an alert, byte 0 of a handshake message, header or inner
/// content type, `-1` otherwise. CPython reads the bytes as C `char` (signed on x86-64), so
/// a byte above 127 gives a negative number there; so it does here. A buffer too short for
/// the byte read (OpenSSL never hands one) gives `-1` and keeps `version`.
pub(crate) fn msg_callback_ints(version: i32, content_type: i32, buf: &[u8]) -> (i32, i32) {
    // `as c_char` is C's implicit conversion: a wrap to i8 where `char` is signed.
    let byte = |i: usize| buf.get(i).map(|&b| i32::from(b as c_char));
    let read = |i: usize| (version, byte(i).unwrap_or(-1));
    match _TLSContentType::from_value(content_type) {
        Some(_TLSContentType::CHANGE_CIPHER_SPEC) => {
            (version, _TLSMessageType::CHANGE_CIPHER_SPEC.value())
        }
        Some(_TLSContentType::ALERT) => read(1),
        Some(_TLSContentType::HANDSHAKE | _TLSContentType::INNER_CONTENT_TYPE) => read(0),
        Some(_TLSContentType::HEADER) => match (byte(0), byte(1), byte(2)) {
            (Some(kind), Some(major), Some(minor)) => (major << 8 | minor, kind),
            _ => (version, -1),
        },
        _ => (version, -1),
    }
}

/// Everything ssl.py's `_msg_callback` wrapper hands the user's callback besides the
/// connection, the direction and the data, from OpenSSL's `SSL_CTX_set_msg_callback` arguments:
/// CPython's C reading ([`msg_callback_ints`]) then ssl.py's conversions (`TLSVersion(version)`,
/// `_TLSContentType(content_type)`, [`MsgType::new`]).
pub(crate) fn msg_callback_values(
    version: i32,
    content_type: i32,
    buf: &[u8],
) -> (EnumOrInt<TLSVersion>, EnumOrInt<_TLSContentType>, MsgType) {
    let (version, msg_type) = msg_callback_ints(version, content_type, buf);
    (
        EnumOrInt::from(version),
        EnumOrInt::from(content_type),
        MsgType::new(content_type, msg_type),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_message_types_as_cpythons_c_callback_reads_them() {
        // (version, content type, bytes) -> (version, msg_type), from _PySSL_msg_callback.
        type Case<'a> = (i32, i32, &'a [u8], (i32, i32));
        let cases: &[Case<'_>] = &[
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
            assert_eq!(
                msg_callback_ints(version, content_type, buf),
                expected,
                "{content_type} {buf:?}"
            );
        }
        // C's `char` is signed on x86-64: byte 254 (MESSAGE_HASH) reads as -2 there.
        let hash = msg_callback_ints(0x304, 22, &[254]).1;
        assert_eq!(hash, if c_char::MIN == 0 { 254 } else { -2 });
    }

    #[test]
    fn callback_values_as_ssl_py_hands_them_over() {
        let header = msg_callback_values(0x304, 0x100, &[22, 3, 3, 0, 5]);
        assert_eq!(
            header,
            (
                EnumOrInt::Member(TLSVersion::TLSv1_2),
                EnumOrInt::Member(_TLSContentType::HEADER),
                MsgType::ContentType(_TLSContentType::HANDSHAKE)
            )
        );
        let alert = msg_callback_values(0x304, 21, &[2, 116]);
        assert_eq!(alert.2, MsgType::Alert(_TLSAlertType::CERTIFICATE_REQUIRED));
        let data = msg_callback_values(0x999, 23, &[0]);
        assert_eq!(
            data,
            (
                EnumOrInt::Int(0x999),
                EnumOrInt::Member(_TLSContentType::APPLICATION_DATA),
                MsgType::Int(-1)
            )
        );
    }
}
