//! Certificates as Python's `ssl` shows them: the `getpeercert()` dict, the chain's
//! `_ssl.Certificate` objects, PEM/DER conversion, certificate times and the default verify
//! paths.
//!
//! ```text
//! Python:  pem = ssl.DER_cert_to_PEM_cert(der)
//! Rust:    let pem = ssl::DER_cert_to_PEM_cert(&der);
//!
//! Python:  print(cert)       # a getpeercert() dict
//! Rust:    println!("{cert}");   // cert: ssl::CertDict
//! ```

// `Error` is large by design (it carries all of Python's exception attributes); boxing it is a
// crate-wide decision for `src/error.rs`, not for this module.
#![allow(clippy::result_large_err)]

use std::fmt;

use crate::pyrepr::{dict_repr, PyBytes, PyRepr, PyStr, PyTuple, Tuple};

mod certificate;
mod decode;
mod dict_access;
mod paths;
mod peer_cache;
mod pem;
mod server;
mod time;

pub use certificate::{
    Certificate, CertificateEncoding, EncodingDER, EncodingPEM, PublicBytes, ENCODING_DER,
    ENCODING_PEM,
};
pub use decode::{_decode_der_cert, _test_decode_cert};
pub(crate) use decode::{decode_certificate, utf8};
pub use dict_access::PeerCertDict;
pub use paths::*;
pub(crate) use peer_cache::PeerCertCache;
pub use pem::*;
pub use server::*;
pub use time::*;

/// A value in a certificate name: Python's `str`, or `bytes` for BIT STRING attributes such as
/// `x500UniqueIdentifier`.
///
/// ```text
/// Python:  value = cert['subject'][0][0][1]      # 'XY'
/// Rust:    let value = &cert.subject[0][0].1;    // NameValue::Str("XY")
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameValue {
    /// A `str` value (`ASN1_STRING_to_UTF8` of the attribute).
    Str(String),
    /// A `bytes` value (the raw contents of a BIT STRING attribute).
    Bytes(Vec<u8>),
}

impl NameValue {
    /// The value if it is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            NameValue::Str(s) => Some(s),
            NameValue::Bytes(_) => None,
        }
    }
}

impl PyRepr for NameValue {
    /// `'XY'` or `b'\x01'`.
    fn py_repr(&self) -> String {
        match self {
            NameValue::Str(s) => PyStr(s).py_repr(),
            NameValue::Bytes(b) => PyBytes(b).py_repr(),
        }
    }

    /// Python's `str()`: the text itself, or the repr of a `bytes` value.
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for NameValue {
    /// Python's `str(value)`, as `print()` and f-strings show it: the text itself, or the
    /// repr of a `bytes` value (`b'\x01'`).
    ///
    /// ```text
    /// Python:  print(f'subject: {subject["commonName"]}')
    /// Rust:    println!("subject: {}", subject["commonName"]);
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameValue::Str(s) => f.write_str(s),
            NameValue::Bytes(b) => f.write_str(&PyBytes(b).py_repr()),
        }
    }
}

/// One relative distinguished name: the inner tuple of `(attribute, value)` pairs, usually just
/// one pair (`(('commonName', 'localhost'),)`); a multi-valued RDN holds several.
///
/// Dereferences to the `Vec` of pairs, so `rdn[0].0` is Python's `rdn[0][0]`. Its `py_repr()` is
/// the tuple Python prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Rdn(pub Vec<(String, NameValue)>);

impl std::ops::Deref for Rdn {
    type Target = Vec<(String, NameValue)>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Rdn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<'a> IntoIterator for &'a Rdn {
    type Item = &'a (String, NameValue);
    type IntoIter = std::slice::Iter<'a, (String, NameValue)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl PyRepr for Rdn {
    /// `(('commonName', 'localhost'),)`.
    fn py_repr(&self) -> String {
        PyTuple(&self.0).py_repr()
    }
}

/// A distinguished name (`subject`, `issuer`, a SAN `DirName`): the tuple of RDNs in
/// certificate order. Dereferences to the `Vec` of RDNs; its `py_repr()` is the tuple Python
/// prints.
///
/// ```text
/// Python:  print(cert['subject'])
/// Rust:    println!("{}", cert.subject.py_repr());
/// Python:  subject = dict(x[0] for x in cert['subject'])
/// Rust:    let subject: Vec<_> = cert.subject.iter().map(|rdn| &rdn[0]).collect();
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Name(pub Vec<Rdn>);

impl std::ops::Deref for Name {
    type Target = Vec<Rdn>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Name {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<'a> IntoIterator for &'a Name {
    type Item = &'a Rdn;
    type IntoIter = std::slice::Iter<'a, Rdn>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Rdn> for Name {
    fn from_iter<I: IntoIterator<Item = Rdn>>(iter: I) -> Name {
        Name(iter.into_iter().collect())
    }
}

impl PyRepr for Name {
    /// `((('countryName', 'XY'),), (('commonName', 'localhost'),))`.
    fn py_repr(&self) -> String {
        name_repr(&self.0)
    }
}

fn name_repr(name: &[Rdn]) -> String {
    PyTuple(name).py_repr()
}

/// The value of a `subjectAltName` entry: a `str`, or a name for `'DirName'` entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SanValue {
    /// `('DNS', 'example.org')`, `('IP Address', '127.0.0.1')`, `('othername', '<unsupported>')`, ...
    Str(String),
    /// `('DirName', ((('countryName', 'XY'),), ...))`.
    Name(Name),
}

impl SanValue {
    /// The value if it is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SanValue::Str(s) => Some(s),
            SanValue::Name(_) => None,
        }
    }
}

impl PyRepr for SanValue {
    fn py_repr(&self) -> String {
        match self {
            SanValue::Str(s) => PyStr(s).py_repr(),
            SanValue::Name(n) => name_repr(n),
        }
    }

    /// Python's `str()` (see `Display`).
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for SanValue {
    /// Python's `str(value)`: the text of `('DNS', 'localhost')`'s value, the tuple of a
    /// `DirName`.
    ///
    /// ```text
    /// Python:  print(', '.join(f'{kind}:{value}' for kind, value in cert['subjectAltName']))
    /// Rust:    println!("{}", san.iter().map(|(kind, value)| format!("{kind}:{value}")).collect::<Vec<_>>().join(", "));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SanValue::Str(s) => f.write_str(s),
            SanValue::Name(n) => f.write_str(&name_repr(n)),
        }
    }
}

/// The dict `SSLSocket.getpeercert()` returns (also `get_ca_certs()` entries and
/// `_ssl._test_decode_cert()`): fields named as Python's keys, absent keys as `None`.
///
/// ```text
/// Python:  cert = ssock.getpeercert(); print(cert['subjectAltName'])
/// Rust:    println!("{}", cert.subjectAltName.py_repr()); // a `Tuple`: prints as Python's tuple
/// ```
///
/// `py_repr()` (and `Display`, as `print(cert)`) renders Python's `repr()` of the dict, keys in
/// CPython's insertion order, sequences as tuples.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(non_snake_case)]
pub struct CertDict {
    /// `cert['subject']`.
    pub subject: Name,
    /// `cert['issuer']`.
    pub issuer: Name,
    /// `cert['version']`: `X509_get_version() + 1` (1, 2 or 3).
    pub version: i64,
    /// `cert['serialNumber']`: upper-case hex, `'CB2D80995A69525C'`.
    pub serialNumber: String,
    /// `cert['notBefore']`: `'Aug 29 14:23:16 2018 GMT'`.
    pub notBefore: String,
    /// `cert['notAfter']`.
    pub notAfter: String,
    /// `cert.get('subjectAltName')`: present iff the certificate has the extension.
    pub subjectAltName: Option<Tuple<(String, SanValue)>>,
    /// `cert.get('OCSP')`: OCSP responder URIs from Authority Information Access.
    pub OCSP: Option<Tuple<String>>,
    /// `cert.get('caIssuers')`: CA issuer URIs from Authority Information Access.
    pub caIssuers: Option<Tuple<String>>,
    /// `cert.get('crlDistributionPoints')`: CRL distribution point URIs.
    pub crlDistributionPoints: Option<Tuple<String>>,
}

impl PyRepr for CertDict {
    /// `{'subject': ((('countryName', 'XY'),), ...), 'issuer': ..., 'version': 3, ...}`.
    fn py_repr(&self) -> String {
        let mut entries = vec![
            ("subject", name_repr(&self.subject)),
            ("issuer", name_repr(&self.issuer)),
            ("version", self.version.py_repr()),
            ("serialNumber", PyStr(&self.serialNumber).py_repr()),
            ("notBefore", PyStr(&self.notBefore).py_repr()),
            ("notAfter", PyStr(&self.notAfter).py_repr()),
        ];
        if let Some(san) = &self.subjectAltName {
            entries.push(("subjectAltName", PyTuple(san).py_repr()));
        }
        for (key, value) in [
            ("OCSP", &self.OCSP),
            ("caIssuers", &self.caIssuers),
            ("crlDistributionPoints", &self.crlDistributionPoints),
        ] {
            if let Some(uris) = value {
                entries.push((key, PyTuple(uris).py_repr()));
            }
        }
        dict_repr(&entries)
    }
}

impl fmt::Display for CertDict {
    /// `print(cert)`: the same text as `repr(cert)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// What `getpeercert(binary_form)` returns when there is a peer certificate (the `None` case is
/// the surrounding `Option`).
///
/// ```text
/// Python:  print(ssock.getpeercert())     # {} / {'subject': ...} / b'0\x82...'
/// Rust:    println!("{}", cert);          // cert: PeerCert, from the socket's getpeercert
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PeerCert {
    /// `{}`: a dict was asked for but the connection does not verify certificates (CERT_NONE).
    Empty,
    /// The decoded certificate dict.
    Dict(CertDict),
    /// `bytes`: the DER encoding (`binary_form=True`).
    Binary(Vec<u8>),
}

impl PeerCert {
    /// The dict, if this is a (non-empty) dict.
    pub fn as_dict(&self) -> Option<&CertDict> {
        match self {
            PeerCert::Dict(d) => Some(d),
            _ => None,
        }
    }

    /// The DER bytes, if this is `binary_form`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            PeerCert::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// `not cert`: true for `{}` (and for empty bytes).
    pub fn is_empty(&self) -> bool {
        match self {
            PeerCert::Empty => true,
            PeerCert::Dict(_) => false,
            PeerCert::Binary(b) => b.is_empty(),
        }
    }
}

impl PyRepr for PeerCert {
    /// `{}`, the dict's repr, or `b'0\x82...'`.
    fn py_repr(&self) -> String {
        match self {
            PeerCert::Empty => "{}".to_string(),
            PeerCert::Dict(d) => d.py_repr(),
            PeerCert::Binary(b) => PyBytes(b).py_repr(),
        }
    }
}

impl fmt::Display for PeerCert {
    /// `print(cert)`: the repr (Python prints dicts and bytes as their repr).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rdn(k: &str, v: &str) -> Rdn {
        Rdn(vec![(k.to_string(), NameValue::Str(v.to_string()))])
    }

    #[test]
    fn repr_uses_tuples_and_python_key_order() {
        let cert = CertDict {
            subject: Name(vec![rdn("commonName", "a'b")]),
            issuer: Name::default(),
            version: 1,
            serialNumber: "00".into(),
            notBefore: "Aug  7 13:11:52 2013 GMT".into(),
            notAfter: "x".into(),
            subjectAltName: Some(Tuple(vec![
                ("DNS".into(), SanValue::Str("a\0b".into())),
                ("DirName".into(), SanValue::Name(Name(vec![rdn("c", "d")]))),
            ])),
            OCSP: None,
            caIssuers: Some(Tuple(vec!["u".into()])),
            crlDistributionPoints: None,
        };
        assert_eq!(
            cert.to_string(),
            "{'subject': ((('commonName', \"a'b\"),),), 'issuer': (), 'version': 1, \
             'serialNumber': '00', 'notBefore': 'Aug  7 13:11:52 2013 GMT', 'notAfter': 'x', \
             'subjectAltName': (('DNS', 'a\\x00b'), ('DirName', ((('c', 'd'),),))), \
             'caIssuers': ('u',)}"
        );
        let bits = Rdn(vec![(
            "x500UniqueIdentifier".into(),
            NameValue::Bytes(vec![0, 0x41]),
        )]);
        assert_eq!(bits.py_repr(), "(('x500UniqueIdentifier', b'\\x00A'),)");
        // str(value), as print() and f-strings show it: bytes print as their repr.
        assert_eq!(bits[0].1.to_string(), "b'\\x00A'");
        assert_eq!(NameValue::Str("it's".into()).to_string(), "it's");
        assert_eq!(PeerCert::Empty.to_string(), "{}");
        assert_eq!(PeerCert::Binary(b"0\x82".to_vec()).py_repr(), "b'0\\x82'");
        assert!(PeerCert::Empty.as_dict().is_none());
    }
}
