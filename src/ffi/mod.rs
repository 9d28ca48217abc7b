//! The one place pyssl calls C: OpenSSL functions `openssl`'s safe types do not cover, and the
//! `libc` socket calls behind [`crate::socket`]. Every `unsafe` block of the crate lives under
//! this module and carries a `// SAFETY:` comment; everything it exports is a safe function.
#![allow(unsafe_code)]

pub(crate) mod bio;
pub(crate) mod cipher;
pub(crate) mod dh;
pub(crate) mod err;
pub(crate) mod msg;
pub(crate) mod msg_callback;
pub(crate) mod obj;
pub(crate) mod outbuf;
pub(crate) mod poll;
#[cfg(not(osslconf = "OPENSSL_NO_PSK"))]
pub(crate) mod psk;
pub(crate) mod session;
pub(crate) mod sockbio;
pub(crate) mod ssl;
pub(crate) mod store;
pub(crate) mod sys;
pub(crate) mod trust;
pub(crate) mod x509;
