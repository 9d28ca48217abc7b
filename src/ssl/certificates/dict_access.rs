//! Reading the dict `getpeercert()` returns, in one call and with Python's errors.
//!
//! Python's `cert = sock.getpeercert()` is a dict, `{}` or `None`, and the script indexes it:
//! `cert['subject']`. In Rust the dict sits inside `Option<PeerCert>`; `.dict()?` reaches it
//! and raises what Python's first `cert[...]` raises on the other two.

use crate::error::{Error, Result};

use super::{CertDict, PeerCert};
use crate::ssl::Subscript;

/// `cert = sock.getpeercert()` followed by `cert['subject']`: `.dict()?` on what
/// `getpeercert(false)` returns gives the [`CertDict`], whose fields are the dict's keys.
///
/// ```text
/// Python:  cert = ssock.getpeercert();          print(cert['subject'], cert['notAfter'])
/// Rust:    let cert = ssock.getpeercert(false)?.dict()?; println!("{} {}", cert.subject.py_repr(), cert.notAfter);
/// ```
///
/// Python raises on the first index, pyssl on `.dict()`, with the same exception class:
///
/// | `getpeercert()` returned | Python's `cert['subject']` | `.dict()` |
/// |---|---|---|
/// | a certificate dict | the value | `Ok(dict)` |
/// | `None` (no peer certificate yet, or none sent) | `TypeError: 'NoneType' object is not subscriptable` | the same |
/// | `{}` (`CERT_NONE`: not verified, so not decoded) | `KeyError: 'subject'` | a `KeyError` saying why the dict is empty (the key is not known yet) |
/// | bytes (`binary_form=True`) | `TypeError: byte indices must be integers or slices, not str` | the same |
///
/// ```
/// use pyssl::ssl::{self, PeerCert, PeerCertDict};
///
/// let none: Option<PeerCert> = None;
/// let e = none.dict().unwrap_err();
/// assert_eq!(e.to_string(), "'NoneType' object is not subscriptable");
/// assert!(e.isinstance(pyssl::exceptions::TypeError));
///
/// let empty = Some(PeerCert::Empty);
/// assert!(empty.dict().unwrap_err().isinstance(pyssl::exceptions::KeyError));
/// ```
pub trait PeerCertDict {
    /// The certificate dict, or the error Python's `cert['...']` raises (see the trait).
    fn dict(self) -> Result<CertDict>;
}

/// The `KeyError` argument for `{}`: Python names the first key read; the key is not known
/// here, so it says why the dict is empty.
const EMPTY_DICT: &str =
    "getpeercert() returned {}: certificates are not verified (CERT_NONE), so none is decoded";

impl PeerCertDict for PeerCert {
    fn dict(self) -> Result<CertDict> {
        match self {
            PeerCert::Dict(dict) => Ok(dict),
            PeerCert::Empty => Err(Error::KeyError(EMPTY_DICT.to_string())),
            PeerCert::Binary(_) => Err(Error::TypeError(
                "byte indices must be integers or slices, not str".to_string(),
            )),
        }
    }
}

impl PeerCertDict for Option<PeerCert> {
    fn dict(self) -> Result<CertDict> {
        self.subscript()?.dict()
    }
}
