//! `get_default_verify_paths()` and its `DefaultVerifyPaths` named tuple.
//!
//! ```text
//! Python:  paths = ssl.get_default_verify_paths(); print(paths)
//! Rust:    let paths = ssl::get_default_verify_paths(); println!("{paths}");
//! ```

use std::fmt;
use std::path::Path;

use crate::ffi::x509 as ffi;
use crate::pyrepr::{PyRepr, PyStr};

/// `ssl.DefaultVerifyPaths`: the named tuple `get_default_verify_paths()` returns.
///
/// `py_repr()`/`Display` give Python's `DefaultVerifyPaths(cafile='...', capath=None, ...)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultVerifyPaths {
    /// `cafile`: `$SSL_CERT_FILE` or OpenSSL's default file, if it is an existing file, else `None`.
    pub cafile: Option<String>,
    /// `capath`: `$SSL_CERT_DIR` or OpenSSL's default directory, if it is an existing
    /// directory, else `None`.
    pub capath: Option<String>,
    /// `openssl_cafile_env`: `'SSL_CERT_FILE'`.
    pub openssl_cafile_env: String,
    /// `openssl_cafile`: OpenSSL's compiled-in CA file (`'/usr/lib/ssl/cert.pem'`).
    pub openssl_cafile: String,
    /// `openssl_capath_env`: `'SSL_CERT_DIR'`.
    pub openssl_capath_env: String,
    /// `openssl_capath`: OpenSSL's compiled-in CA directory (`'/usr/lib/ssl/certs'`).
    pub openssl_capath: String,
}

impl PyRepr for DefaultVerifyPaths {
    fn py_repr(&self) -> String {
        let opt = |v: &Option<String>| match v {
            Some(s) => PyStr(s).py_repr(),
            None => "None".to_string(),
        };
        format!(
            "DefaultVerifyPaths(cafile={}, capath={}, openssl_cafile_env={}, openssl_cafile={}, \
             openssl_capath_env={}, openssl_capath={})",
            opt(&self.cafile),
            opt(&self.capath),
            PyStr(&self.openssl_cafile_env).py_repr(),
            PyStr(&self.openssl_cafile).py_repr(),
            PyStr(&self.openssl_capath_env).py_repr(),
            PyStr(&self.openssl_capath).py_repr(),
        )
    }
}

impl fmt::Display for DefaultVerifyPaths {
    /// `print(paths)`: the same text as `repr(paths)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

/// Returns the paths of the default CA file and directory: OpenSSL's compiled-in defaults,
/// overridden by the `SSL_CERT_FILE` / `SSL_CERT_DIR` environment variables as `ssl.py` does;
/// `cafile`/`capath` are `None` unless they exist.
///
/// ```text
/// Python:  paths = ssl.get_default_verify_paths()
/// Rust:    let paths = ssl::get_default_verify_paths();
/// ```
///
/// ```
/// use pyssl::ssl;
///
/// // Python: paths = ssl.get_default_verify_paths()
/// let paths = ssl::get_default_verify_paths();
/// assert_eq!(paths.openssl_cafile_env, "SSL_CERT_FILE");
/// assert_eq!(paths.openssl_capath_env, "SSL_CERT_DIR");
/// // Python: if paths.cafile: ctx.load_verify_locations(paths.cafile)
/// if let Some(cafile) = &paths.cafile {
///     assert!(std::path::Path::new(cafile).is_file());
/// }
/// // Python: print(paths)  ->  DefaultVerifyPaths(cafile='/etc/ssl/certs/ca-certificates.crt', ...)
/// assert!(paths.to_string().starts_with("DefaultVerifyPaths(cafile="));
/// ```
pub fn get_default_verify_paths() -> DefaultVerifyPaths {
    let [file_env, file, dir_env, dir] = ffi::default_cert_paths();
    let from_env = |name: &str, default: &str| match std::env::var_os(name) {
        Some(v) => v.to_string_lossy().into_owned(),
        None => default.to_string(),
    };
    let cafile = from_env(&file_env, &file);
    let capath = from_env(&dir_env, &dir);
    DefaultVerifyPaths {
        cafile: Path::new(&cafile).is_file().then_some(cafile.clone()),
        capath: Path::new(&capath).is_dir().then_some(capath.clone()),
        openssl_cafile_env: file_env,
        openssl_cafile: file,
        openssl_capath_env: dir_env,
        openssl_capath: dir,
    }
}
