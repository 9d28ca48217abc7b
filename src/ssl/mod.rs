//! Python's `ssl` module.
//!
//! ```text
//! Python:  import ssl
//! Rust:    use pyssl::ssl;
//! ```
//!
//! Every public name of Python's `ssl` lives here under the same spelling. Each concern has its
//! own file: constants and enums, contexts, sockets, certificates, ciphers, errors, and the
//! names CPython 3.12 removed (kept with 3.11's semantics).

mod alpn;
mod asn1;
mod bio;
mod callback_arg;
mod certificates;
mod ciphers;
mod connection;
mod constants;
mod context;
mod error_names;
mod errors;
mod exceptions;
mod idna;
mod keylog;
pub(crate) mod kw_values;
mod legacy;
mod msg_callback;
mod npn;
mod psk;
mod rand;
mod session;
mod sni;
mod sslobject;
mod sslsocket;
mod stats;
mod subscript;

pub use bio::MemoryBIO;
pub use callback_arg::IntoCallback;
pub use certificates::*;
pub use ciphers::*;
pub use constants::*;
pub use context::*;
pub use exceptions::{
    socket_error, CertificateError, SSLCertVerificationError, SSLEOFError, SSLError,
    SSLSyscallError, SSLWantReadError, SSLWantWriteError, SSLZeroReturnError,
};
pub use kw_values::KwValues;
pub use legacy::*;
pub use msg_callback::{MsgCallback, MsgConnection};
pub use psk::{PskClientCallback, PskServerCallback};
pub use rand::{RAND_add, RAND_bytes, RAND_status};
pub use session::SSLSession;
pub use sni::{SNICallback, SNIConnection};
pub use sslobject::{SSLObject, WrapBio};
pub use sslsocket::*;
pub use stats::{CertStoreStats, SessionStats};
pub use subscript::Subscript;

pub use crate::error::{Error, Result, SSLError, SSLErrorKind};
pub use crate::path_arg::{AsPathArg, OptionalPathArg, PathArg, PathArgBuf, StrOrBytes};
