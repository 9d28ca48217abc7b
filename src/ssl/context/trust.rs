//! Loading what a context trusts and presents: `load_cert_chain`, `load_verify_locations`
//! (files, directories, `cadata`), the system's default paths; with CPython's errors.

use std::path::Path;

use openssl::ssl::SslContextBuilder;
use openssl::x509::X509;

use super::super::constants::Purpose;
use super::super::errors;
use super::{config_error, Cadata, LoadCertChain, LoadVerifyLocations, SSLContext};
use crate::error::{Error, Result};
use crate::ffi::ssl as ffi_ssl;

impl SSLContext {
    /// `ctx.load_cert_chain(certfile, keyfile=None, password=None)`.
    ///
    /// ```text
    /// Python:  ctx.load_cert_chain('server.crt', 'server.key')
    /// Rust:    ctx.load_cert_chain("server.crt", "server.key")?;
    /// Python:  ctx.load_cert_chain('combined.pem')
    /// Rust:    ctx.load_cert_chain("combined.pem", ssl::LoadCertChain::default())?;
    /// ```
    pub fn load_cert_chain<'a>(
        &self,
        certfile: impl AsRef<Path>,
        kw: impl Into<LoadCertChain<'a>>,
    ) -> Result<()> {
        let kw = kw.into();
        let certfile = certfile.as_ref();
        check_path(certfile)?;
        let keyfile = kw.keyfile.map(Path::new).unwrap_or(certfile);
        check_path(keyfile)?;
        let load = |b: &mut SslContextBuilder| -> Result<()> {
            ffi_ssl::reset_errno();
            if let Err(e) = b.set_certificate_chain_file(certfile) {
                return Err(config_error(&e, ffi_ssl::errno()));
            }
            ffi_ssl::reset_errno();
            if let Err(e) = b.set_private_key_file(keyfile, openssl::ssl::SslFiletype::PEM) {
                return Err(config_error(&e, ffi_ssl::errno()));
            }
            b.check_private_key().map_err(|e| config_error(&e, 0))
        };
        let _guard = self.write();
        ffi_ssl::with_builder(&self.inner.ctx, |b| match kw.password {
            None => load(b),
            Some(password) => {
                let (result, too_long) =
                    ffi_ssl::with_password(&self.inner.ctx, password.as_bytes(), || load(b));
                match too_long {
                    Some(size) => {
                        crate::ffi::err::clear_error();
                        Err(Error::value(format!(
                            "password cannot be longer than {size} bytes"
                        )))
                    }
                    None => result,
                }
            }
        })
    }

    /// `ctx.load_verify_locations(cafile=None, capath=None, cadata=None)`.
    ///
    /// ```text
    /// Python:  context.load_verify_locations('path/to/ca_cert.pem')
    /// Rust:    context.load_verify_locations("path/to/ca_cert.pem")?;
    /// ```
    pub fn load_verify_locations<'a>(&self, kw: impl Into<LoadVerifyLocations<'a>>) -> Result<()> {
        let kw = kw.into();
        if kw.cafile.is_none() && kw.capath.is_none() && kw.cadata.is_none() {
            return Err(Error::type_error(
                "cafile, capath and cadata cannot be all omitted",
            ));
        }
        if let Some(cadata) = kw.cadata {
            let certs = parse_cadata(cadata)?;
            self.configure(|b| -> Result<()> {
                for cert in certs {
                    b.cert_store_mut()
                        .add_cert(cert)
                        .map_err(|e| config_error(&e, 0))?;
                }
                Ok(())
            })?;
        }
        if kw.cafile.is_some() || kw.capath.is_some() {
            let cafile = kw.cafile.map(Path::new);
            let capath = kw.capath.map(Path::new);
            if let Some(p) = cafile {
                check_path(p)?;
            }
            if let Some(p) = capath {
                check_path(p)?;
            }
            self.configure(|b| {
                ffi_ssl::reset_errno();
                b.load_verify_locations(cafile, capath)
                    .map_err(|e| config_error(&e, ffi_ssl::errno()))
            })?;
        }
        Ok(())
    }

    /// `ctx.load_default_certs(purpose=Purpose.SERVER_AUTH)`: the system trust store (honouring
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` as OpenSSL does).
    ///
    /// ```text
    /// Python:  ctx.load_default_certs()
    /// Rust:    ctx.load_default_certs(ssl::Purpose::SERVER_AUTH)?;
    /// ```
    pub fn load_default_certs(&self, _purpose: Purpose) -> Result<()> {
        self.set_default_verify_paths()
    }

    /// `ctx.set_default_verify_paths()`.
    ///
    /// ```text
    /// Python:  ctx.set_default_verify_paths()
    /// Rust:    ctx.set_default_verify_paths()?;
    /// ```
    pub fn set_default_verify_paths(&self) -> Result<()> {
        self.configure(|b| b.set_default_verify_paths())
            .map_err(|e| config_error(&e, 0))
    }
}
/// Paths go to OpenSSL as C strings: a NUL inside is Python's ValueError, not a panic.
fn check_path(p: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    if p.as_os_str().as_bytes().contains(&0) {
        return Err(Error::value("embedded null character"));
    }
    Ok(())
}

/// Parses `cadata` as CPython does: every PEM certificate of a `str`, or back-to-back DER
/// certificates of `bytes`.
fn parse_cadata(cadata: Cadata<'_>) -> Result<Vec<X509>> {
    match cadata {
        Cadata::Pem(text) => {
            if text.is_empty() {
                return Err(Error::value("Empty certificate data"));
            }
            if !text.is_ascii() {
                return Err(Error::type_error(
                    "cadata should be an ASCII string or a bytes-like object",
                ));
            }
            let certs = X509::stack_from_pem(text.as_bytes()).unwrap_or_default();
            crate::ffi::err::clear_error();
            if certs.is_empty() {
                return Err(errors::fixed(
                    "no start line: cadata does not contain a certificate",
                ));
            }
            Ok(certs)
        }
        Cadata::Der(mut bytes) => {
            if bytes.is_empty() {
                return Err(Error::value("Empty certificate data"));
            }
            let mut certs = Vec::new();
            while let Some(len) = der_length(bytes) {
                match X509::from_der(&bytes[..len]) {
                    Ok(c) => certs.push(c),
                    Err(e) if certs.is_empty() => return Err(config_error(&e, 0)),
                    Err(_) => break,
                }
                bytes = &bytes[len..];
            }
            crate::ffi::err::clear_error();
            if certs.is_empty() {
                return Err(errors::fixed(
                    "not enough data: cadata does not contain a certificate",
                ));
            }
            Ok(certs)
        }
    }
}

/// Total length of the DER element (a certificate's outer SEQUENCE) at the start of `b`.
fn der_length(b: &[u8]) -> Option<usize> {
    if b.len() < 2 {
        return None;
    }
    let first = usize::from(b[1]);
    let (header, body) = if first < 0x80 {
        (2, first)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 || b.len() < 2 + n {
            return None;
        }
        let body = b[2..2 + n]
            .iter()
            .fold(0usize, |acc, &x| (acc << 8) | usize::from(x));
        (2 + n, body)
    };
    let total = header.checked_add(body)?;
    (total <= b.len()).then_some(total)
}
