//! CPython's `_decode_certificate`: an X.509 certificate to the `getpeercert()` dict.
//!
//! ```text
//! Python:  print(ssock.getpeercert())
//! Rust:    println!("{}", ssock.getpeercert(false)?.py_repr());
//! ```

use openssl::nid::Nid;
use openssl::x509::{X509NameRef, X509Ref};

use super::{CertDict, Name, NameValue, Rdn, SanValue};
use crate::error::{Error, Result, SSLError};
use crate::ffi::x509::{self as ffi, GeneralName};
use crate::pyrepr::Tuple;
use crate::ssl::errors::from_queue;

/// `X509_NAME_MAXLEN`: CPython's first buffer for `OBJ_obj2txt`.
const X509_NAME_MAXLEN: usize = 256;

/// Decodes a certificate exactly as CPython's `_decode_certificate` does, for `getpeercert()`,
/// `get_ca_certs()` and `_test_decode_cert()`.
///
/// Invalid UTF-8 where Python decodes text gives `Error::UnicodeDecodeError`, as Python's; OpenSSL failures give `SSLError` from the error queue.
pub(crate) fn decode_certificate(cert: &X509Ref) -> Result<CertDict> {
    let subject = decode_name(cert.subject_name())?;
    let issuer = decode_name(cert.issuer_name())?;
    let version = i64::from(cert.version()) + 1;
    let serial = ffi::serial_text(cert.serial_number()).ok_or_else(from_queue)?;
    let not_before = ffi::time_text(cert.not_before()).ok_or_else(from_queue)?;
    let not_after = ffi::time_text(cert.not_after()).ok_or_else(from_queue)?;
    Ok(CertDict {
        subject,
        issuer,
        version,
        serialNumber: utf8(&serial)?,
        notBefore: utf8(&not_before)?,
        notAfter: utf8(&not_after)?,
        subjectAltName: alt_names(cert)?.map(Tuple),
        OCSP: aia_uris(cert, Nid::AD_OCSP)?.map(Tuple),
        caIssuers: aia_uris(cert, Nid::AD_CA_ISSUERS)?.map(Tuple),
        crlDistributionPoints: crl_distribution_points(cert)?.map(Tuple),
    })
}

/// `_ssl._test_decode_cert(path)`: decodes the first PEM certificate of a file, as
/// `getpeercert()` would show it. CPython-private, used by its test suite; here it is also the
/// handiest way to look at a certificate file.
///
/// ```text
/// Python:  print(ssl._ssl._test_decode_cert("keycert.pem"))
/// Rust:    println!("{}", ssl::_test_decode_cert("keycert.pem")?);
/// ```
///
/// Errors as CPython's: `SSLError("Can't open file")` when the file cannot be opened,
/// `SSLError('Error decoding PEM-encoded file')` when it holds no PEM certificate (both
/// single-argument, so `str(e)` is the tuple form), `ValueError('embedded null byte')` for a
/// path containing NUL. `path` is a file name in any form Python takes (`str`, `bytes`, a
/// path: any [`AsPathArg`](crate::ssl::AsPathArg)).
#[doc(hidden)]
pub fn _test_decode_cert(path: impl crate::path_arg::AsPathArg) -> Result<CertDict> {
    let path = path.as_path_arg().c_path()?;
    let cert = ffi::pem_read_first_x509(&path).map_err(|e| {
        Error::SSLError(SSLError::single(match e {
            ffi::PemFileError::Alloc => "Can't malloc memory to read file",
            ffi::PemFileError::Open => "Can't open file",
            ffi::PemFileError::Decode => "Error decoding PEM-encoded file",
        }))
    })?;
    decode_certificate(&cert)
}

/// A DER certificate decoded as `getpeercert()` decodes the peer's: CPython 3.13's
/// `_ssl.Certificate.get_info()` for the certificates of `get_verified_chain()`. Bytes that are
/// not a certificate give OpenSSL's error (`SSLError` from its queue).
///
/// ```text
/// Python:  ssock._sslobj.get_verified_chain()[0].get_info()
/// Rust:    ssl::_decode_der_cert(&ssock.get_verified_chain()[0])?
/// ```
#[doc(hidden)]
pub fn _decode_der_cert(der: &[u8]) -> Result<CertDict> {
    let cert = openssl::x509::X509::from_der(der)
        .map_err(|e| crate::ssl::errors::from_code(e.errors().last().map_or(0, |e| e.code())))?;
    decode_certificate(&cert)
}

/// `PyUnicode_FromStringAndSize`: strict UTF-8, failing with Python's `UnicodeDecodeError`.
pub(crate) fn utf8(bytes: &[u8]) -> Result<String> {
    Ok(crate::error::decode_utf8(bytes)?.to_string())
}

/// CPython's `_asn1obj2py(obj, no_name=0)`: the long name or dotted OID.
fn object_name(obj: &openssl::asn1::Asn1ObjectRef) -> Result<String> {
    let (len, buf) = ffi::obj2txt_raw(obj, X509_NAME_MAXLEN, false);
    if len < 0 {
        return Err(from_queue());
    }
    let len = len as usize;
    if len > X509_NAME_MAXLEN - 1 {
        let (len2, buf2) = ffi::obj2txt_raw(obj, len + 1, false);
        if len2 < 0 {
            return Err(from_queue());
        }
        return utf8(&buf2[..(len2 as usize).min(buf2.len())]);
    }
    utf8(&buf[..len])
}

/// CPython's `_create_tuple_for_X509_NAME`: RDNs grouped by `X509_NAME_ENTRY_set`.
fn decode_name(name: &X509NameRef) -> Result<Name> {
    let mut rdns = Vec::new();
    let mut rdn = Vec::new();
    let mut level = -1;
    for entry in name.entries() {
        let set = ffi::name_entry_set(entry);
        if level >= 0 && level != set {
            rdns.push(Rdn(std::mem::take(&mut rdn)));
        }
        level = set;
        let key = object_name(entry.object())?;
        let data = entry.data();
        let value = if ffi::asn1_string_type(data) == openssl_sys::V_ASN1_BIT_STRING {
            NameValue::Bytes(data.as_slice().to_vec())
        } else {
            let text = ffi::asn1_string_to_utf8(data).ok_or_else(from_queue)?;
            NameValue::Str(utf8(&text)?)
        };
        rdn.push((key, value));
    }
    if !rdn.is_empty() {
        rdns.push(Rdn(rdn));
    }
    Ok(Name(rdns))
}

/// CPython's `_get_peer_alt_names`.
fn alt_names(cert: &X509Ref) -> Result<Option<Vec<(String, SanValue)>>> {
    let Some(names) = cert.subject_alt_names() else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(names.len());
    for name in &names {
        let entry = match ffi::general_name(name) {
            GeneralName::DirName(n) => ("DirName".to_string(), SanValue::Name(decode_name(n)?)),
            GeneralName::Email(b) => ("email".to_string(), SanValue::Str(utf8(b)?)),
            GeneralName::Dns(b) => ("DNS".to_string(), SanValue::Str(utf8(b)?)),
            GeneralName::Uri(b) => ("URI".to_string(), SanValue::Str(utf8(b)?)),
            GeneralName::RegisteredId(obj) => {
                // i2t_ASN1_OBJECT(buf, sizeof(buf)-1, rid) with char buf[2048]
                let (len, buf) = ffi::obj2txt_raw(obj, 2047, false);
                if len < 0 {
                    return Err(from_queue());
                }
                let text = if len >= 2048 {
                    "<INVALID>".to_string()
                } else {
                    utf8(&buf[..len as usize])?
                };
                ("Registered ID".to_string(), SanValue::Str(text))
            }
            GeneralName::IpAddress(p) => ("IP Address".to_string(), SanValue::Str(ip_text(p))),
            GeneralName::Other(ty) => {
                if !matches!(
                    ty,
                    openssl_sys::GEN_OTHERNAME | openssl_sys::GEN_X400 | openssl_sys::GEN_EDIPARTY
                ) {
                    // Unreachable with OpenSSL's nine types; CPython's stacklevel 1 points
                    // into ssl.py, as this points into pyssl.
                    crate::warnings::runtime_warning(&format!("Unknown general name type {ty}"))?;
                }
                let line = ffi::general_name_print(name).ok_or_else(from_queue)?;
                // C string semantics: strchr stops at the first NUL.
                let cstr_len = line.iter().position(|&b| b == 0).unwrap_or(line.len());
                let Some(colon) = line[..cstr_len].iter().position(|&b| b == b':') else {
                    let shown = &line[..cstr_len.min(200)];
                    return Err(Error::ValueError(format!(
                        "Invalid value {}",
                        String::from_utf8_lossy(shown)
                    )));
                };
                (
                    utf8(&line[..colon])?,
                    SanValue::Str(utf8(&line[colon + 1..])?),
                )
            }
        };
        out.push(entry);
    }
    Ok(Some(out))
}

/// CPython's IP rendering: dotted quad, or eight upper-case hex groups without compression.
fn ip_text(p: &[u8]) -> String {
    match p.len() {
        4 => format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]),
        16 => p
            .chunks(2)
            .map(|g| format!("{:X}", u16::from(g[0]) << 8 | u16::from(g[1])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => "<invalid>".to_string(),
    }
}

/// CPython's `_get_aia_uri`: URI locations of the access descriptions with this method.
fn aia_uris(cert: &X509Ref, method: Nid) -> Result<Option<Vec<String>>> {
    let Some(info) = cert.authority_info() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for ad in &info {
        if ad.method().nid() != method {
            continue;
        }
        if let GeneralName::Uri(b) = ffi::general_name(ad.location()) {
            out.push(utf8(b)?);
        }
    }
    Ok(if out.is_empty() { None } else { Some(out) })
}

/// CPython's `_get_crl_dp`: full-name URIs of the distribution points (empty points skipped,
/// CVE-2019-5010).
fn crl_distribution_points(cert: &X509Ref) -> Result<Option<Vec<String>>> {
    let Some(dps) = cert.crl_distribution_points() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for dp in &dps {
        let Some(names) = dp.distpoint().and_then(|d| d.fullname()) else {
            continue;
        };
        for name in names {
            if let GeneralName::Uri(b) = ffi::general_name(name) {
                out.push(utf8(b)?);
            }
        }
    }
    Ok(if out.is_empty() { None } else { Some(out) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_errors_read_as_python() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"\xff",
                "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            ),
            (
                b"a\xe2\x82",
                "'utf-8' codec can't decode bytes in position 1-2: unexpected end of data",
            ),
            (
                b"\xe2",
                "'utf-8' codec can't decode byte 0xe2 in position 0: unexpected end of data",
            ),
            (
                b"\xe2\x82A",
                "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte",
            ),
            (
                b"\xf0\x80",
                "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte",
            ),
            (
                b"\xed\xa0\x80",
                "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte",
            ),
            (
                b"\xc0\xaf",
                "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte",
            ),
            (
                b"\xf0\x9f\x98",
                "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data",
            ),
        ];
        for (bytes, text) in cases {
            let e = utf8(bytes).unwrap_err();
            assert_eq!(e.type_name(), "UnicodeDecodeError", "{bytes:?}");
            assert_eq!(e.to_string(), *text, "{bytes:?}");
        }
    }

    #[test]
    fn ip_addresses_as_cpython_prints_them() {
        assert_eq!(ip_text(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip_text(&v6), "2001:DB8:0:0:0:0:0:1");
        assert_eq!(ip_text(&[1, 2, 3]), "<invalid>");
    }
}
