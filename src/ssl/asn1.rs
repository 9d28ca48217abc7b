//! Constructing `ssl._ASN1Object`s from OpenSSL's object table, as CPython's `_ssl.txt2obj` and
//! `_ssl.nid2obj` do.
//!
//! ```text
//! Python:  ssl._ASN1Object.fromname('serverAuth')
//! Rust:    ssl::_ASN1Object::fromname("serverAuth")?
//! ```

use super::constants::_ASN1Object;
use crate::error::{Error, Result};
use crate::ffi::obj;

fn from_info((nid, shortname, longname, oid): obj::ObjectInfo) -> _ASN1Object {
    _ASN1Object {
        nid,
        shortname,
        longname,
        oid,
    }
}

fn txt2obj(txt: &str, allow_names: bool) -> Result<_ASN1Object> {
    crate::error::check_no_nul_character(txt)?;
    match obj::txt2obj(txt, allow_names) {
        Ok(info) => Ok(from_info(info)),
        Err(true) => {
            let shown: String = txt.chars().take(100).collect();
            Err(Error::value(format!("unknown object '{shown}'")))
        }
        Err(false) => Err(Error::value("Unknown object")),
    }
}

impl _ASN1Object {
    /// `ssl._ASN1Object(oid)`: the object for a dotted OID.
    ///
    /// ```text
    /// Python:  ssl._ASN1Object('1.3.6.1.5.5.7.3.1')
    /// Rust:    ssl::_ASN1Object::new("1.3.6.1.5.5.7.3.1")?
    /// ```
    pub fn new(oid: &str) -> Result<_ASN1Object> {
        txt2obj(oid, false)
    }

    /// `ssl._ASN1Object.fromname(name)`: by short name, long name or dotted OID.
    ///
    /// ```text
    /// Python:  ssl._ASN1Object.fromname('serverAuth')
    /// Rust:    ssl::_ASN1Object::fromname("serverAuth")?
    /// ```
    pub fn fromname(name: &str) -> Result<_ASN1Object> {
        txt2obj(name, true)
    }

    /// `ssl._ASN1Object.fromnid(nid)`: by OpenSSL's numeric id.
    ///
    /// ```text
    /// Python:  ssl._ASN1Object.fromnid(129)
    /// Rust:    ssl::_ASN1Object::fromnid(129)?
    /// ```
    pub fn fromnid(nid: i32) -> Result<_ASN1Object> {
        if nid < 0 {
            return Err(Error::value("NID must be positive."));
        }
        match obj::nid2obj(nid) {
            None => Err(Error::value(format!("unknown NID {nid}"))),
            Some(None) => Err(Error::value("Unknown object")),
            Some(Some(info)) => Ok(from_info(info)),
        }
    }
}
