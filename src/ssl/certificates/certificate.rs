//! `_ssl.Certificate` (CPython 3.10+, C-level, in `Modules/_ssl/cert.c`): one X.509 certificate
//! of a connection's chain, as CPython 3.13's `_sslobj.get_verified_chain()` and
//! `_sslobj.get_unverified_chain()` return them (ssl.py turns each into DER bytes for
//! `SSLSocket.get_verified_chain()`), with `_ssl.ENCODING_PEM` and `_ssl.ENCODING_DER`.
//!
//! ```text
//! Python:  ee, ca = ssock._sslobj.get_verified_chain(); pem = ee.public_bytes(_ssl.ENCODING_PEM)
//! Rust:    let chain = ssock._sslobj().unwrap().get_verified_chain().unwrap(); let pem = chain[0].public_bytes(ssl::ENCODING_PEM)?;
//! ```

use std::hash::{Hash, Hasher};

use openssl::x509::{X509Ref, X509};

use super::decode::{decode_certificate, utf8};
use super::CertDict;
use crate::error::{Error, Result};
use crate::ffi::x509 as ffi;
use crate::pyrepr::{PyBytes, PyRepr, PyStr};
use crate::ssl::errors;

/// CPython's `PY_SSL_ENCODING_PEM_AUX`: accepted by `public_bytes` but exported by no module.
const ENCODING_PEM_AUX: i32 = 0x101;

/// Python's `_ssl.Certificate` (not instantiable in Python; here made by the chain getters of
/// [`_SSLSocket`](crate::ssl::_SSLSocket)).
///
/// * `cert.public_bytes(_ssl.ENCODING_PEM)` (a `str`) and `cert.public_bytes(_ssl.ENCODING_DER)`
///   (`bytes`) are [`public_bytes`](Certificate::public_bytes), whose result type follows the
///   constant as Python's does: `String` for [`ENCODING_PEM`], `Vec<u8>` for [`ENCODING_DER`].
/// * `cert.get_info()` is [`get_info`](Certificate::get_info): the `getpeercert()` dict.
/// * `repr(cert)` is [`PyRepr`] (`<_ssl.Certificate 'CN=localhost,O=pyssl'>`, the subject in
///   RFC 2253 order), `Debug` too.
/// * `cert == other` is `==` (OpenSSL's `X509_cmp`: the same certificate), `hash(cert)` is
///   [`py_hash`](Certificate::py_hash) (`X509_subject_name_hash`), which `Hash` feeds, so a
///   `HashSet<Certificate>` holds what a Python `set` holds. Python has no `<` between
///   certificates; neither is there an `Ord` here.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::{socket, ssl};
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// // A server sending its leaf and the intermediate CA; the client trusts the root only.
/// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// server_ctx.load_cert_chain(format!("{fixtures}/server-chain.pem"), format!("{fixtures}/server-chain.key").as_str())?;
/// let (sock, server_sock) = socket::socketpair()?;
/// let server = std::thread::spawn(move || -> pyssl::Result<()> {
///     let mut s = server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })?;
///     s.recv(1).map(drop)
/// });
/// let ca = format!("{fixtures}/ca.pem");
/// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
/// let mut ssock = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
///
/// // Python: vc = ssock._sslobj.get_verified_chain(); uvc = ssock._sslobj.get_unverified_chain()
/// let vc = ssock._sslobj().expect("connected").get_verified_chain().expect("verified");
/// let uvc = ssock._sslobj().expect("connected").get_unverified_chain().expect("sent");
/// // Python: ee, intermediate, root = vc
/// let (ee, root) = (&vc[0], &vc[2]);
/// assert_eq!((vc.len(), uvc.len()), (3, 2));
/// // Python: ee == uvc[0], hash(ee) == hash(uvc[0]), ee != root
/// assert!(*ee == uvc[0] && ee.py_hash() == uvc[0].py_hash() && ee != root);
/// // Python: repr(ee)
/// assert_eq!(ee.py_repr(), "<_ssl.Certificate 'CN=localhost,O=pyssl'>");
/// // Python: ee.get_info()['subject']
/// assert_eq!(ee.get_info()?.subject.py_repr(), "((('organizationName', 'pyssl'),), (('commonName', 'localhost'),))");
/// // Python: pem = ee.public_bytes(_ssl.ENCODING_PEM); der = ee.public_bytes(_ssl.ENCODING_DER)
/// let pem: String = ee.public_bytes(ssl::ENCODING_PEM)?;
/// let der: Vec<u8> = ee.public_bytes(ssl::ENCODING_DER)?;
/// assert_eq!(ssl::PEM_cert_to_DER_cert(&pem)?, der);
/// // Python: ssock.get_verified_chain() is that list as DER bytes
/// assert_eq!(ssock.get_verified_chain()[0], der);
/// ssock.send(b"x")?;
/// # server.join().unwrap()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Certificate {
    x509: X509,
}

impl Certificate {
    /// Wraps one certificate of a chain (a reference of its own, as CPython's `X509_up_ref`).
    pub(crate) fn new(x509: &X509Ref) -> Certificate {
        Certificate {
            x509: x509.to_owned(),
        }
    }

    /// `cert.public_bytes(format)`: the certificate encoded as `format` says. With the
    /// constants the result type is Python's: `String` for [`ENCODING_PEM`] (Python's default
    /// argument), `Vec<u8>` for [`ENCODING_DER`]; with an `i32` it is a [`PublicBytes`], and a
    /// number CPython does not know fails as there (`ValueError('Unsupported format')`).
    ///
    /// ```text
    /// Python:  der = cert.public_bytes(_ssl.ENCODING_DER)
    /// Rust:    let der = cert.public_bytes(ssl::ENCODING_DER)?;
    /// Python:  pem = cert.public_bytes()
    /// Rust:    let pem = cert.public_bytes(ssl::ENCODING_PEM)?;
    /// ```
    pub fn public_bytes<F: CertificateEncoding>(&self, format: F) -> Result<F::Output> {
        format.encode(&self.x509)
    }

    /// `cert.get_info()`: the certificate decoded as `getpeercert()` decodes the peer's.
    ///
    /// ```text
    /// Python:  print(cert.get_info()['subject'])
    /// Rust:    println!("{}", cert.get_info()?.subject.py_repr());
    /// ```
    pub fn get_info(&self) -> Result<CertDict> {
        decode_certificate(&self.x509)
    }

    /// `hash(cert)`: CPython's is OpenSSL's `X509_subject_name_hash` (the `c_rehash` name of the
    /// subject), so equal certificates, and certificates with the same subject, hash alike.
    ///
    /// ```text
    /// Python:  hash(cert)
    /// Rust:    cert.py_hash()
    /// ```
    pub fn py_hash(&self) -> i64 {
        i64::from(self.x509.subject_name_hash())
    }

    /// `repr(cert)` with CPython's failure: a certificate whose subject prints as nothing (an
    /// empty subject) makes CPython raise `SSLError(0, 'unknown error')`, where
    /// [`PyRepr`] prints `<_ssl.Certificate ''>`.
    ///
    /// ```text
    /// Python:  text = repr(cert)
    /// Rust:    let text = cert.try_py_repr()?;
    /// ```
    pub fn try_py_repr(&self) -> Result<String> {
        let subject = match ffi::name_rfc2253(self.x509.subject_name()) {
            Some(bytes) => utf8(&bytes)?,
            None => return Err(errors::from_queue()),
        };
        Ok(format!("<_ssl.Certificate {}>", PyStr(&subject).py_repr()))
    }

    /// The `openssl` certificate (an extension, for what Python never had).
    pub fn as_openssl(&self) -> &X509Ref {
        &self.x509
    }
}

impl PartialEq for Certificate {
    /// `cert == other`: OpenSSL's `X509_cmp` finds them the same certificate.
    fn eq(&self, other: &Certificate) -> bool {
        self.x509 == other.x509
    }
}

impl Eq for Certificate {}

impl Hash for Certificate {
    /// Feeds [`Certificate::py_hash`], consistent with `==` (equal certificates share a subject).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.py_hash().hash(state);
    }
}

impl PyRepr for Certificate {
    /// `<_ssl.Certificate 'CN=localhost,O=pyssl'>`; see [`Certificate::try_py_repr`] for the
    /// one case where CPython raises instead.
    fn py_repr(&self) -> String {
        self.try_py_repr()
            .unwrap_or_else(|_| "<_ssl.Certificate ''>".to_string())
    }
}

impl std::fmt::Debug for Certificate {
    /// Python's `repr()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// `_ssl.ENCODING_PEM` → `ssl::ENCODING_PEM`: [`Certificate::public_bytes`] returns PEM text
/// (`str`, a `String` here). `int(_ssl.ENCODING_PEM)` is `ssl::ENCODING_PEM.value()`, 1.
pub const ENCODING_PEM: EncodingPEM = EncodingPEM;

/// `_ssl.ENCODING_DER` → `ssl::ENCODING_DER`: [`Certificate::public_bytes`] returns DER
/// (`bytes`, a `Vec<u8>` here). `int(_ssl.ENCODING_DER)` is `ssl::ENCODING_DER.value()`, 2.
pub const ENCODING_DER: EncodingDER = EncodingDER;

/// The type of [`ENCODING_PEM`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingPEM;

/// The type of [`ENCODING_DER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodingDER;

impl EncodingPEM {
    /// `int(_ssl.ENCODING_PEM)`: 1.
    pub const fn value(self) -> i32 {
        1
    }
}

impl EncodingDER {
    /// `int(_ssl.ENCODING_DER)`: 2.
    pub const fn value(self) -> i32 {
        2
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::EncodingPEM {}
    impl Sealed for super::EncodingDER {}
    impl Sealed for i32 {}
}

/// A `format` argument of [`Certificate::public_bytes`]: [`ENCODING_PEM`], [`ENCODING_DER`],
/// or an `i32` (a format known only at run time), each with the result type Python's gives.
pub trait CertificateEncoding: sealed::Sealed + Copy {
    /// What `public_bytes` returns for this format.
    type Output;
    /// The format's number, as `_ssl` numbers it.
    fn value(self) -> i32;
    /// Encodes `cert` (used by [`Certificate::public_bytes`]).
    #[doc(hidden)]
    fn encode(self, cert: &X509Ref) -> Result<Self::Output>;
}

/// An OpenSSL encoder's failure, as CPython's `_setSSLError(NULL)` reports it.
fn encode_error(e: openssl::error::ErrorStack) -> Error {
    errors::from_code(e.errors().last().map_or(0, |e| e.code()))
}

fn pem(cert: &X509Ref) -> Result<String> {
    utf8(&cert.to_pem().map_err(encode_error)?)
}

fn der(cert: &X509Ref) -> Result<Vec<u8>> {
    cert.to_der().map_err(encode_error)
}

impl CertificateEncoding for EncodingPEM {
    type Output = String;
    fn value(self) -> i32 {
        EncodingPEM::value(self)
    }
    fn encode(self, cert: &X509Ref) -> Result<String> {
        pem(cert)
    }
}

impl CertificateEncoding for EncodingDER {
    type Output = Vec<u8>;
    fn value(self) -> i32 {
        EncodingDER::value(self)
    }
    fn encode(self, cert: &X509Ref) -> Result<Vec<u8>> {
        der(cert)
    }
}

impl CertificateEncoding for i32 {
    type Output = PublicBytes;
    fn value(self) -> i32 {
        self
    }
    /// 1 (PEM), 2 (DER), and CPython's private `PEM_AUX` (0x101, a `TRUSTED CERTIFICATE`
    /// PEM); anything else is `ValueError('Unsupported format')`.
    fn encode(self, cert: &X509Ref) -> Result<PublicBytes> {
        match self {
            1 => pem(cert).map(PublicBytes::Text),
            2 => der(cert).map(PublicBytes::Bytes),
            ENCODING_PEM_AUX => match ffi::pem_aux(cert) {
                Some(bytes) => utf8(&bytes).map(PublicBytes::Text),
                None => Err(errors::from_queue()),
            },
            _ => Err(Error::value("Unsupported format")),
        }
    }
}

/// What `cert.public_bytes(format)` returns for an `i32` format: Python's `str` (the PEM
/// forms) or `bytes` (DER).
///
/// ```text
/// Python:  data = cert.public_bytes(fmt)
/// Rust:    let data = cert.public_bytes(fmt)?;   // fmt: i32
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicBytes {
    /// A `str`: PEM text.
    Text(String),
    /// `bytes`: DER.
    Bytes(Vec<u8>),
}

impl PublicBytes {
    /// The encoded bytes either way (PEM text is ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            PublicBytes::Text(s) => s.as_bytes(),
            PublicBytes::Bytes(b) => b,
        }
    }
}

impl PyRepr for PublicBytes {
    /// The `str`'s or the `bytes`' `repr()`.
    fn py_repr(&self) -> String {
        match self {
            PublicBytes::Text(s) => PyStr(s).py_repr(),
            PublicBytes::Bytes(b) => PyBytes(b).py_repr(),
        }
    }
}
