//! TEMPORARY stand-in until the constants branch lands (replaced wholesale on merge).
#![allow(missing_docs, non_camel_case_types, non_upper_case_globals)]
use openssl_sys as sys;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options(u64);
impl Options {
    pub const OP_ALL: Options = Options((sys::SSL_OP_ALL & !sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS) as u64);
    pub const OP_NO_SSLv2: Options = Options(0);
    pub const OP_NO_SSLv3: Options = Options(sys::SSL_OP_NO_SSLv3 as u64);
    pub const OP_NO_TICKET: Options = Options(sys::SSL_OP_NO_TICKET as u64);
    pub const OP_NO_COMPRESSION: Options = Options(sys::SSL_OP_NO_COMPRESSION as u64);
    pub const OP_CIPHER_SERVER_PREFERENCE: Options = Options(sys::SSL_OP_CIPHER_SERVER_PREFERENCE as u64);
    pub const OP_SINGLE_DH_USE: Options = Options(0);
    pub const OP_SINGLE_ECDH_USE: Options = Options(0);
    pub const fn value(self) -> u64 { self.0 }
    pub const fn from_bits(b: u64) -> Options { Options(b) }
}
impl std::ops::BitOr for Options { type Output = Options; fn bitor(self, o: Options) -> Options { Options(self.0 | o.0) } }
pub const OP_ALL: Options = Options::OP_ALL;
pub const OP_NO_SSLv2: Options = Options::OP_NO_SSLv2;
pub const OP_NO_SSLv3: Options = Options::OP_NO_SSLv3;
pub const OP_NO_TICKET: Options = Options::OP_NO_TICKET;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyFlags(u64);
impl VerifyFlags {
    pub const VERIFY_X509_STRICT: VerifyFlags = VerifyFlags(0x20);
    pub const VERIFY_X509_TRUSTED_FIRST: VerifyFlags = VerifyFlags(0x8000);
    pub const VERIFY_X509_PARTIAL_CHAIN: VerifyFlags = VerifyFlags(0x80000);
    pub const fn value(self) -> u64 { self.0 }
    pub const fn from_bits(b: u64) -> VerifyFlags { VerifyFlags(b) }
}
impl std::ops::BitOr for VerifyFlags { type Output = VerifyFlags; fn bitor(self, o: VerifyFlags) -> VerifyFlags { VerifyFlags(self.0 | o.0) } }
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerifyMode { CERT_NONE = 0, CERT_OPTIONAL = 1, CERT_REQUIRED = 2 }
pub const CERT_NONE: VerifyMode = VerifyMode::CERT_NONE;
pub const CERT_OPTIONAL: VerifyMode = VerifyMode::CERT_OPTIONAL;
pub const CERT_REQUIRED: VerifyMode = VerifyMode::CERT_REQUIRED;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TLSVersion { MINIMUM_SUPPORTED, SSLv3, TLSv1, TLSv1_1, TLSv1_2, TLSv1_3, MAXIMUM_SUPPORTED }
impl TLSVersion {
    pub fn value(self) -> i32 { match self { Self::MINIMUM_SUPPORTED => -2, Self::SSLv3 => 0x300, Self::TLSv1 => 0x301, Self::TLSv1_1 => 0x302, Self::TLSv1_2 => 0x303, Self::TLSv1_3 => 0x304, Self::MAXIMUM_SUPPORTED => -1 } }
    pub fn from_value(v: i32) -> Option<TLSVersion> { [Self::MINIMUM_SUPPORTED, Self::SSLv3, Self::TLSv1, Self::TLSv1_1, Self::TLSv1_2, Self::TLSv1_3, Self::MAXIMUM_SUPPORTED].into_iter().find(|x| x.value() == v) }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SSLMethod { PROTOCOL_TLS = 2, PROTOCOL_TLSv1 = 3, PROTOCOL_TLSv1_1 = 4, PROTOCOL_TLSv1_2 = 5, PROTOCOL_TLS_CLIENT = 16, PROTOCOL_TLS_SERVER = 17 }
pub const PROTOCOL_TLS: SSLMethod = SSLMethod::PROTOCOL_TLS;
pub const PROTOCOL_SSLv23: SSLMethod = SSLMethod::PROTOCOL_TLS;
pub const PROTOCOL_TLS_CLIENT: SSLMethod = SSLMethod::PROTOCOL_TLS_CLIENT;
pub const PROTOCOL_TLS_SERVER: SSLMethod = SSLMethod::PROTOCOL_TLS_SERVER;
pub const PROTOCOL_TLSv1: SSLMethod = SSLMethod::PROTOCOL_TLSv1;
pub const PROTOCOL_TLSv1_1: SSLMethod = SSLMethod::PROTOCOL_TLSv1_1;
pub const PROTOCOL_TLSv1_2: SSLMethod = SSLMethod::PROTOCOL_TLSv1_2;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose { SERVER_AUTH, CLIENT_AUTH }
