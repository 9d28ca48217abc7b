//! Loading what a context trusts and presents: `load_cert_chain` (with a `str`, `bytes` or
//! callback password), `load_verify_locations` (files, directories, `cadata`), the system's
//! default paths, and `get_ca_certs`; with CPython 3.13's errors, step by step as
//! `Modules/_ssl.c` takes them.
//!
//! ```text
//! Python:  ctx.load_cert_chain('server.pem', 'server.key'); ctx.load_verify_locations('ca.pem')
//! Rust:    ctx.load_cert_chain("server.pem", "server.key")?; ctx.load_verify_locations("ca.pem")?;
//! ```

use std::ffi::CStr;

use super::super::certificates::{decode_certificate, PeerCert};
use super::super::constants::Purpose;
use super::super::errors;
use super::{config_error, Cadata, LoadCertChainArg, LoadVerifyLocationsArg, Password, SSLContext};
use crate::error::{Error, Result};
use crate::ffi::err as ffi_err;
use crate::ffi::ssl as ffi_ssl;
use crate::ffi::trust::{self as ffi_trust, PasswordOutcome, PasswordSource};

// Stable values from OpenSSL's `pemerr.h` / `err.h`.
const ERR_LIB_PEM: i32 = 9;
const PEM_R_NO_START_LINE: i32 = 108;

impl SSLContext {
    /// `ctx.load_cert_chain(certfile, keyfile=None, password=None)`.
    ///
    /// ```text
    /// Python:  ctx.load_cert_chain('server.crt', 'server.key')
    /// Rust:    ctx.load_cert_chain("server.crt", "server.key")?;
    /// Python:  ctx.load_cert_chain('combined.pem')
    /// Rust:    ctx.load_cert_chain("combined.pem", ssl::LoadCertChain::default())?;
    /// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password='secret')
    /// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain { keyfile: Some("key.pem"), password: Some("secret"), ..Default::default() })?;
    /// Python:  ctx.load_cert_chain('cert.pem', 'key.pem', password=get_password)
    /// Rust:    ctx.load_cert_chain("cert.pem", ssl::LoadCertChain::default().keyfile("key.pem").password(&get_password))?;
    /// Python:  ctx.load_cert_chain(pathlib.Path('cert.pem'), b'key.pem')
    /// Rust:    ctx.load_cert_chain(Path::new("cert.pem"), b"key.pem")?;
    /// ```
    ///
    /// `certfile` and `keyfile` are file names in any form Python takes (`str`, `bytes`, a
    /// path: any [`AsPathArg`](crate::ssl::AsPathArg)); the second argument is the keyword
    /// struct or the bare `keyfile`.
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// let (cert, key) = (format!("{fixtures}/server.pem"), format!("{fixtures}/server.key"));
    ///
    /// // Python: ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    /// //         ctx.load_cert_chain(cert, key)
    /// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// ctx.load_cert_chain(&cert, &key)?;
    ///
    /// // Python: ctx.load_cert_chain(cert, 'server-encrypted.key', password='pyssl-password')
    /// let encrypted = format!("{fixtures}/server-encrypted.key");
    /// ctx.load_cert_chain(&cert, ssl::LoadCertChain { keyfile: Some(&encrypted), password: Some("pyssl-password"), ..Default::default() })?;
    /// // Python: ctx.load_cert_chain(cert, encrypted.encode(), password=lambda: b'pyssl-password')
    /// let kw = ssl::LoadCertChain::default().keyfile(encrypted.as_bytes());
    /// ctx.load_cert_chain(&cert, kw.password(&|| Ok(b"pyssl-password".to_vec())))?;
    ///
    /// // Python: except ssl.SSLError as e: print(e.library, e.reason)   # wrong key for the cert
    /// let other_key = std::path::PathBuf::from(fixtures).join("client.key");
    /// match ctx.load_cert_chain(&cert, other_key) {
    ///     Err(pyssl::Error::SSLError(e)) => {
    ///         assert_eq!((e.library, e.reason), (Some("X509"), Some("KEY_VALUES_MISMATCH")));
    ///         assert_eq!(e.to_string(), "[X509: KEY_VALUES_MISMATCH] key values mismatch");
    ///     }
    ///     other => panic!("expected SSLError, got {other:?}"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// As CPython: the chain, then the key (from `keyfile`, else from `certfile`), then the match
    /// between them; a password longer than 1024 bytes is `ValueError('password cannot be longer
    /// than 1024 bytes')`, a callback's error is returned unchanged, a file that cannot be read
    /// is the `OSError` of its errno (no filename), anything else OpenSSL's error (`[SSL] PEM
    /// lib`, `[X509: KEY_VALUES_MISMATCH] key values mismatch`). The context's previous password
    /// callback is restored afterwards.
    pub fn load_cert_chain(
        &self,
        certfile: impl crate::ssl::AsPathArg,
        kw: impl LoadCertChainArg,
    ) -> Result<()> {
        let kw = kw.load_cert_chain_kw();
        let certfile = certfile.as_path_arg().c_path()?;
        let keyfile = match kw.keyfile_arg() {
            Some(k) => k.c_path()?,
            None => certfile.clone(),
        };
        let attempt = |source| self.load_cert_chain_attempt(&certfile, &keyfile, source);
        let callback = match kw.password_arg() {
            None => return password_error_wins(attempt(None)),
            Some(Password::Text(text)) => {
                return password_error_wins(attempt(Some(PasswordSource::Fixed(text.as_bytes()))))
            }
            Some(Password::Bytes(bytes)) => {
                return password_error_wins(attempt(Some(PasswordSource::Fixed(bytes))))
            }
            Some(Password::Callback(f)) => f,
        };
        // CPython calls the callable from inside OpenSSL's read of an encrypted PEM block. Here
        // an attempt that meets a request it has no answer for stops there, exactly as with a
        // callable that raised (same state, same errors); the callable then runs with no lock
        // held (it may use this very context, or wait for threads that do), and with its
        // answer the three steps run again from the start.
        let mut answers: Vec<Vec<u8>> = Vec::new();
        loop {
            let answered = Some(PasswordSource::Answers(&answers));
            let (result, outcome) = self.load_cert_chain_attempt(&certfile, &keyfile, answered);
            let Some(size) = outcome.unanswered else {
                return password_error_wins((result, outcome));
            };
            ffi_err::clear_error();
            let password = callback()?;
            if password.len() > size {
                return Err(Error::value(format!(
                    "password cannot be longer than {size} bytes"
                )));
            }
            answers.push(password);
        }
    }

    /// CPython's three steps (chain, key, match) under the write lock, errno and the error
    /// queue reset once before the first; with `source` as the password callback, if any.
    fn load_cert_chain_attempt(
        &self,
        certfile: &CStr,
        keyfile: &CStr,
        source: Option<PasswordSource<'_>>,
    ) -> (Result<()>, PasswordOutcome) {
        let ctx = &self.inner.ctx;
        // After a failed step: an OS error (errno) wins, else OpenSSL's newest error.
        let failed = || {
            let errno = ffi_ssl::errno();
            if errno != 0 {
                ffi_err::clear_error();
                Error::from_errno(errno)
            } else {
                errors::from_queue()
            }
        };
        let load = || -> Result<()> {
            if !ffi_trust::use_certificate_chain_file(ctx, certfile) {
                return Err(failed());
            }
            if !ffi_trust::use_private_key_file(ctx, keyfile) {
                return Err(failed());
            }
            if !ffi_trust::check_private_key(ctx) {
                return Err(errors::from_queue());
            }
            Ok(())
        };
        let _guard = self.write();
        ffi_err::clear_error();
        ffi_ssl::reset_errno();
        match source {
            None => (load(), PasswordOutcome::default()),
            Some(source) => ffi_trust::with_password(ctx, source, load),
        }
    }

    /// `ctx.load_verify_locations(cafile=None, capath=None, cadata=None)`.
    ///
    /// ```text
    /// Python:  context.load_verify_locations('path/to/ca_cert.pem')
    /// Rust:    context.load_verify_locations("path/to/ca_cert.pem")?;
    /// Python:  context.load_verify_locations(cadata=pem_text)
    /// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations::default().cadata(&pem_text))?;
    /// Python:  context.load_verify_locations(capath=b'certs/')
    /// Rust:    context.load_verify_locations(ssl::LoadVerifyLocations::default().capath(b"certs/"))?;
    /// ```
    ///
    /// The argument is the keyword struct or a bare `cafile`; `cafile` and `capath` take file
    /// names in any form Python takes (`str`, `bytes`, a path: any
    /// [`AsPathArg`](crate::ssl::AsPathArg)).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use pyssl::ssl;
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    ///
    /// let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
    /// // Python: context.load_verify_locations(f'{fixtures}/ca.pem')
    /// context.load_verify_locations(format!("{fixtures}/ca.pem"))?;
    /// // Python: context.load_verify_locations(cadata=open(f'{fixtures}/otherca.pem').read())
    /// let pem_text = std::fs::read_to_string(format!("{fixtures}/otherca.pem"))?;
    /// context.load_verify_locations(ssl::LoadVerifyLocations {
    ///     cadata: Some(ssl::Cadata::Pem(&pem_text)),
    ///     ..Default::default()
    /// })?;
    /// assert_eq!(context.cert_store_stats().x509_ca, 2);
    ///
    /// // Python: except FileNotFoundError as e: print(e)
    /// let err = context.load_verify_locations("missing.pem").unwrap_err();
    /// assert_eq!(err.type_name(), "FileNotFoundError");
    /// assert_eq!(err.to_string(), "[Errno 2] No such file or directory");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// As CPython: `cadata` first (every PEM certificate of the text, or back-to-back DER
    /// certificates, each added as it is parsed), then `cafile`/`capath`. A missing `capath` is
    /// no error (OpenSSL looks into it only during verification); a missing `cafile` is
    /// `FileNotFoundError` without a filename.
    pub fn load_verify_locations(&self, kw: impl LoadVerifyLocationsArg) -> Result<()> {
        let kw = kw.load_verify_locations_kw();
        let (cafile, capath) = (kw.cafile_arg(), kw.capath_arg());
        if cafile.is_none() && capath.is_none() && kw.cadata.is_none() {
            return Err(Error::type_error(
                "cafile, capath and cadata cannot be all omitted",
            ));
        }
        let cafile = cafile.map(|p| p.c_path()).transpose()?;
        let capath = capath.map(|p| p.c_path()).transpose()?;
        match kw.cadata {
            Some(Cadata::Pem(text)) => {
                if !text.is_ascii() {
                    return Err(Error::type_error(
                        "cadata should be an ASCII string or a bytes-like object",
                    ));
                }
                self.add_ca_certs(text.as_bytes(), true)?;
            }
            Some(Cadata::Der(bytes)) => self.add_ca_certs(bytes, false)?,
            None => {}
        }
        if cafile.is_some() || capath.is_some() {
            let _guard = self.write();
            ffi_err::clear_error();
            ffi_ssl::reset_errno();
            if !ffi_trust::load_verify_locations(
                &self.inner.ctx,
                cafile.as_deref(),
                capath.as_deref(),
            ) {
                let errno = ffi_ssl::errno();
                if errno != 0 {
                    ffi_err::clear_error();
                    return Err(Error::from_errno(errno));
                }
                return Err(errors::from_queue());
            }
        }
        Ok(())
    }

    /// CPython's `_add_ca_certs`: adds the certificates of `cadata` to the store one by one; the
    /// normal end of the data (PEM's `NO_START_LINE`, DER's end of buffer) is not an error, any
    /// other parse failure after a first certificate is, and no certificate at all is CPython's
    /// fixed `no start line` / `not enough data` text.
    fn add_ca_certs(&self, data: &[u8], pem: bool) -> Result<()> {
        if data.is_empty() {
            return Err(Error::value("Empty certificate data"));
        }
        if i32::try_from(data.len()).is_err() {
            return Err(Error::OverflowError("Certificate data is too long.".into()));
        }
        let _guard = self.write();
        ffi_err::clear_error();
        let Some(load) = ffi_trust::add_ca_certs(&self.inner.ctx, data, pem) else {
            return Err(errors::fixed("Can't allocate buffer"));
        };
        let err = ffi_err::peek_last_error();
        let (lib, reason) = (
            openssl_sys::ERR_GET_LIB(err),
            openssl_sys::ERR_GET_REASON(err),
        );
        if load.loaded == 0 {
            Err(errors::fixed(if pem {
                "no start line: cadata does not contain a certificate"
            } else {
                "not enough data: cadata does not contain a certificate"
            }))
        } else if (!pem && load.was_bio_eof)
            || (pem && lib == ERR_LIB_PEM && reason == PEM_R_NO_START_LINE)
        {
            ffi_err::clear_error();
            Ok(())
        } else if err != 0 {
            Err(errors::from_queue())
        } else {
            Ok(())
        }
    }

    /// `ctx.load_default_certs(purpose=Purpose.SERVER_AUTH)`: the system trust store (honouring
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` as OpenSSL does). `purpose` matters only on Windows.
    ///
    /// ```text
    /// Python:  ctx.load_default_certs()
    /// Rust:    ctx.load_default_certs(ssl::Purpose::SERVER_AUTH)?;
    /// ```
    pub fn load_default_certs(&self, _purpose: Purpose) -> Result<()> {
        self.set_default_verify_paths()
    }

    /// `ctx.set_default_verify_paths()`: OpenSSL's default CA file and directory (or
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` when set).
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

impl SSLContext {
    /// `ctx.get_ca_certs(binary_form=False)`: the CA certificates of the trust store (those
    /// `X509_check_ca` accepts), in the store's order, as decoded dicts or as DER `bytes`.
    /// Certificates of a `capath` directory appear only once a handshake has looked them up.
    ///
    /// ```text
    /// Python:  print(ctx.get_ca_certs())
    /// Rust:    println!("{}", ctx.get_ca_certs(false)?.py_repr());
    /// Python:  ders = ctx.get_ca_certs(binary_form=True)
    /// Rust:    let ders = ctx.get_ca_certs(true)?;   // each: PeerCert::Binary(der)
    /// ```
    pub fn get_ca_certs(&self, binary_form: bool) -> Result<Vec<PeerCert>> {
        let certs = {
            let _guard = self.read();
            crate::ffi::store::ca_certificates(&self.inner.ctx)
        };
        certs
            .iter()
            .map(|cert| {
                if binary_form {
                    cert.to_der()
                        .map(PeerCert::Binary)
                        .map_err(|e| config_error(&e, 0))
                } else {
                    decode_certificate(cert).map(PeerCert::Dict)
                }
            })
            .collect()
    }
}

/// The password step failed: its error wins over OpenSSL's, as in CPython.
fn password_error_wins((result, outcome): (Result<()>, PasswordOutcome)) -> Result<()> {
    match (result, outcome.error) {
        (Err(_), Some(e)) => {
            ffi_err::clear_error();
            Err(e)
        }
        (result, _) => result,
    }
}
