//! Python's `ssl.Purpose` enum and the `_ASN1Object` named tuple its members are.
//!
//! ```text
//! Python:  ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
//! Rust:    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, ..Default::default() })?;
//! ```

use std::fmt;

use openssl::nid::Nid;

use crate::pyrepr::{PyRepr, PyStr};

/// Python's `ssl._ASN1Object`: the named tuple `(nid, shortname, longname, oid)` describing an
/// ASN.1 object identifier.
///
/// ```text
/// Python:  obj = ssl.Purpose.SERVER_AUTH.value; print(repr(obj), obj.nid)
/// Rust:    let obj = ssl::Purpose::SERVER_AUTH.value(); println!("{} {}", obj.py_repr(), obj.nid);
/// ```
///
/// `repr()` is the named tuple's: `_ASN1Object(nid=129, shortname='serverAuth',
/// longname='TLS Web Server Authentication', oid='1.3.6.1.5.5.7.3.1')`. Equality is the
/// tuple's, so `Purpose::SERVER_AUTH == _ASN1Object { .. same fields .. }` as in Python.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct _ASN1Object {
    /// `obj.nid`: OpenSSL's numeric identifier.
    pub nid: i32,
    /// `obj.shortname`, e.g. `serverAuth`.
    pub shortname: String,
    /// `obj.longname`, e.g. `TLS Web Server Authentication`.
    pub longname: String,
    /// `obj.oid`: the dotted OID, `None` when OpenSSL knows no OID for the object.
    pub oid: Option<String>,
}

impl PyRepr for _ASN1Object {
    /// `_ASN1Object(nid=129, shortname='serverAuth', longname='...', oid='1.3.6.1.5.5.7.3.1')`.
    fn py_repr(&self) -> String {
        format!(
            "_ASN1Object(nid={}, shortname={}, longname={}, oid={})",
            self.nid,
            PyStr(&self.shortname).py_repr(),
            PyStr(&self.longname).py_repr(),
            self.oid.as_deref().map(PyStr).py_repr(),
        )
    }
}

/// Python's `ssl.Purpose`: what a context is for, as an X.509v3 extended-key-usage object.
///
/// ```text
/// Python:  print(ssl.Purpose.CLIENT_AUTH, ssl.Purpose.CLIENT_AUTH.oid)
/// Rust:    println!("{} {}", ssl::Purpose::CLIENT_AUTH, ssl::Purpose::CLIENT_AUTH.oid());
/// ```
///
/// A plain `Enum` whose members are `_ASN1Object`s: `str()` is `Purpose.SERVER_AUTH`, `repr()`
/// is `<Purpose.SERVER_AUTH: _ASN1Object(nid=129, ...)>`. The nid and names come from the
/// linked OpenSSL, as CPython looks them up from the OID.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Purpose {
    /// `ssl.Purpose.SERVER_AUTH` → `ssl::Purpose::SERVER_AUTH`: authenticate servers
    /// (`1.3.6.1.5.5.7.3.1`); a client context's purpose.
    #[default]
    SERVER_AUTH,
    /// `ssl.Purpose.CLIENT_AUTH` → `ssl::Purpose::CLIENT_AUTH`: authenticate clients
    /// (`1.3.6.1.5.5.7.3.2`); a server context's purpose.
    CLIENT_AUTH,
}

impl Purpose {
    /// Python's `list(ssl.Purpose)`.
    pub const fn members() -> &'static [Purpose] {
        &[Purpose::SERVER_AUTH, Purpose::CLIENT_AUTH]
    }

    /// Python's `member.name`: `"SERVER_AUTH"`.
    pub const fn name(self) -> &'static str {
        match self {
            Purpose::SERVER_AUTH => "SERVER_AUTH",
            Purpose::CLIENT_AUTH => "CLIENT_AUTH",
        }
    }

    /// `Purpose.SERVER_AUTH.nid`: OpenSSL's `NID_server_auth` / `NID_client_auth`.
    pub const fn nid(self) -> i32 {
        match self {
            Purpose::SERVER_AUTH => openssl_sys::NID_server_auth,
            Purpose::CLIENT_AUTH => openssl_sys::NID_client_auth,
        }
    }

    /// `Purpose.SERVER_AUTH.shortname`: `"serverAuth"` (OpenSSL's `OBJ_nid2sn`).
    pub fn shortname(self) -> &'static str {
        let fallback = match self {
            Purpose::SERVER_AUTH => "serverAuth",
            Purpose::CLIENT_AUTH => "clientAuth",
        };
        Nid::from_raw(self.nid()).short_name().unwrap_or(fallback)
    }

    /// `Purpose.SERVER_AUTH.longname`: `"TLS Web Server Authentication"` (`OBJ_nid2ln`).
    pub fn longname(self) -> &'static str {
        let fallback = match self {
            Purpose::SERVER_AUTH => "TLS Web Server Authentication",
            Purpose::CLIENT_AUTH => "TLS Web Client Authentication",
        };
        Nid::from_raw(self.nid()).long_name().unwrap_or(fallback)
    }

    /// `Purpose.SERVER_AUTH.oid`: the dotted OID the member is defined by.
    pub const fn oid(self) -> &'static str {
        match self {
            Purpose::SERVER_AUTH => "1.3.6.1.5.5.7.3.1",
            Purpose::CLIENT_AUTH => "1.3.6.1.5.5.7.3.2",
        }
    }

    /// `Purpose.SERVER_AUTH.value`: the member as its `_ASN1Object` tuple.
    pub fn value(self) -> _ASN1Object {
        _ASN1Object {
            nid: self.nid(),
            shortname: self.shortname().to_string(),
            longname: self.longname().to_string(),
            oid: Some(self.oid().to_string()),
        }
    }
}

impl PyRepr for Purpose {
    /// `<Purpose.SERVER_AUTH: _ASN1Object(nid=129, shortname='serverAuth', ...)>`.
    fn py_repr(&self) -> String {
        format!("<Purpose.{}: {}>", self.name(), self.value().py_repr())
    }
}

impl fmt::Display for Purpose {
    /// Python's `str()`: `Purpose.SERVER_AUTH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Purpose.{}", self.name())
    }
}

impl PartialEq<_ASN1Object> for Purpose {
    /// Python's `Purpose.SERVER_AUTH == _ASN1Object('1.3.6.1.5.5.7.3.1')` (tuple equality).
    fn eq(&self, other: &_ASN1Object) -> bool {
        self.value() == *other
    }
}

impl PartialEq<Purpose> for _ASN1Object {
    fn eq(&self, other: &Purpose) -> bool {
        *self == other.value()
    }
}

impl From<Purpose> for _ASN1Object {
    fn from(purpose: Purpose) -> _ASN1Object {
        purpose.value()
    }
}
