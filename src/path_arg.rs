//! The arguments Python takes as "str, bytes or os.PathLike" (file names: `certfile`,
//! `cafile`, `capath`, `keylog_filename`, ...) and as "str or bytes" (`server_hostname`), with
//! the Rust types that stand for each, and how CPython turns each into the C string it opens
//! (`PyUnicode_FSConverter`) and prints it in errors (`repr()`).
//!
//! ```text
//! Python:  ctx.load_cert_chain(pathlib.Path('cert.pem'), b'key.pem')
//! Rust:    ctx.load_cert_chain(Path::new("cert.pem"), b"key.pem")?;
//! ```
//!
//! | Python object | Rust argument |
//! |---|---|
//! | `str` | `&str`, `String`, `&String`, `&OsStr`, `OsString` (a `str` decoded with `surrogateescape`, as `sys.argv` and `os.environ` give it) |
//! | `bytes` | `&[u8]`, `b"..."`, `Vec<u8>`, `&Vec<u8>` |
//! | `pathlib.PurePosixPath` | `&Path`, `PathBuf`, `&PathBuf` |

use std::borrow::Cow;
use std::ffi::{CString, OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, UnicodeDecodeError};
use crate::pyrepr::{surrogateescape_repr, PyBytes, PyRepr};

/// A path argument as Python received it: a `str`, a `bytes` or a path object. Made from any
/// [`AsPathArg`] value; the file it names is the same in each form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathArg<'a> {
    /// A Python `str` (Rust `&str`, or an `&OsStr`, whose non-UTF-8 bytes Python holds as
    /// `surrogateescape` surrogates).
    Str(&'a OsStr),
    /// A Python `bytes`.
    Bytes(&'a [u8]),
    /// A Python `pathlib.PosixPath` (Rust `&Path`).
    Path(&'a Path),
}

/// What Python accepts as a file name: `str`, `bytes` or `os.PathLike`. Implemented for
/// `str`, `String`, `OsStr`, `OsString`, `Path`, `PathBuf`, `[u8]`, `[u8; N]`, `Vec<u8>` and
/// references to any of them, so a parameter `impl AsPathArg` takes `"cert.pem"`, `&path`,
/// `dir.join("cert.pem")`, `b"cert.pem"`, ...
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use std::path::{Path, PathBuf};
/// use pyssl::ssl;
/// let fixtures = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"));
/// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
///
/// // Python: ctx.load_cert_chain(FIXTURES / 'server.pem', FIXTURES / 'server.key')
/// ctx.load_cert_chain(fixtures.join("server.pem"), fixtures.join("server.key"))?;
/// // Python: ctx.load_verify_locations(os.fsencode(FIXTURES / 'ca.pem'))
/// let ca = fixtures.join("ca.pem");
/// ctx.load_verify_locations(ca.as_os_str().as_encoded_bytes())?;
/// // Python: ctx.load_verify_locations(capath=os.fsencode(FIXTURES / 'capath'))
/// let capath = fixtures.join("capath");
/// ctx.load_verify_locations(ssl::LoadVerifyLocations::default().capath(capath.as_os_str().as_encoded_bytes()))?;
///
/// // Python: ctx.load_dh_params(b'missing.pem')  ->  FileNotFoundError, named as given
/// let err = ctx.load_dh_params(b"missing.pem").unwrap_err();
/// assert_eq!(err.to_string(), "[Errno 2] No such file or directory: b'missing.pem'");
/// // Python: ctx.load_dh_params(pathlib.Path('missing.pem'))
/// let err = ctx.load_dh_params(Path::new("missing.pem")).unwrap_err();
/// assert_eq!(err.to_string(), "[Errno 2] No such file or directory: PosixPath('missing.pem')");
/// // Python: ctx.set_ecdh_curve(b'nope')
/// let err = ctx.set_ecdh_curve(b"nope").unwrap_err();
/// assert_eq!(err.to_string(), "unknown elliptic curve name b'nope'");
/// # Ok(())
/// # }
/// ```
pub trait AsPathArg {
    /// The argument as Python would see it.
    fn as_path_arg(&self) -> PathArg<'_>;
}

impl<T: AsPathArg + ?Sized> AsPathArg for &T {
    fn as_path_arg(&self) -> PathArg<'_> {
        (**self).as_path_arg()
    }
}

impl AsPathArg for str {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Str(OsStr::new(self))
    }
}

impl AsPathArg for String {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Str(OsStr::new(self))
    }
}

impl AsPathArg for OsStr {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Str(self)
    }
}

impl AsPathArg for OsString {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Str(self)
    }
}

impl AsPathArg for Path {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Path(self)
    }
}

impl AsPathArg for PathBuf {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Path(self)
    }
}

impl AsPathArg for [u8] {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Bytes(self)
    }
}

impl<const N: usize> AsPathArg for [u8; N] {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Bytes(self)
    }
}

impl AsPathArg for Vec<u8> {
    fn as_path_arg(&self) -> PathArg<'_> {
        PathArg::Bytes(self)
    }
}

impl AsPathArg for PathArg<'_> {
    fn as_path_arg(&self) -> PathArg<'_> {
        *self
    }
}

impl AsPathArg for PathArgBuf {
    fn as_path_arg(&self) -> PathArg<'_> {
        match self {
            PathArgBuf::Str(s) => PathArg::Str(s),
            PathArgBuf::Bytes(b) => PathArg::Bytes(b),
            PathArgBuf::Path(p) => PathArg::Path(p),
        }
    }
}

impl<'a, T: AsPathArg + ?Sized> From<&'a T> for PathArg<'a> {
    fn from(value: &'a T) -> PathArg<'a> {
        value.as_path_arg()
    }
}

impl<'a> PathArg<'a> {
    /// `os.fsencode(os.fspath(arg))`: the bytes the file system sees. A path object's are
    /// its `str()`, which `pathlib` normalises (`a//b/` is `a/b`, `` is `.`).
    pub fn fs_bytes(self) -> Cow<'a, [u8]> {
        match self {
            PathArg::Str(s) => Cow::Borrowed(s.as_bytes()),
            PathArg::Bytes(b) => Cow::Borrowed(b),
            PathArg::Path(p) => Cow::Owned(posix_path_str(p.as_os_str().as_bytes())),
        }
    }

    /// `PyUnicode_FSConverter`: the C string OpenSSL or `fopen` opens; a NUL inside is
    /// CPython's `ValueError: embedded null byte` (for `str` and `bytes` alike).
    pub(crate) fn c_path(self) -> Result<CString> {
        CString::new(self.fs_bytes().into_owned()).map_err(|_| Error::value("embedded null byte"))
    }

    /// Python's `bool(arg)`: an empty `str` or `bytes` is false, a path object never is.
    pub(crate) fn is_truthy(self) -> bool {
        match self {
            PathArg::Str(s) => !s.is_empty(),
            PathArg::Bytes(b) => !b.is_empty(),
            PathArg::Path(_) => true,
        }
    }

    /// An owned copy (what `keylog_filename` and `OSError.filename` give back).
    pub fn to_owned_arg(self) -> PathArgBuf {
        match self {
            PathArg::Str(s) => PathArgBuf::Str(s.to_owned()),
            PathArg::Bytes(b) => PathArgBuf::Bytes(b.to_owned()),
            PathArg::Path(p) => PathArgBuf::Path(p.to_owned()),
        }
    }
}

impl PyRepr for PathArg<'_> {
    /// Python's `repr(arg)`: `'cert.pem'`, `b'cert.pem'` or `PosixPath('cert.pem')`.
    fn py_repr(&self) -> String {
        match self {
            PathArg::Str(s) => surrogateescape_repr(s.as_bytes()),
            PathArg::Bytes(b) => PyBytes(b).py_repr(),
            PathArg::Path(_) => format!("PosixPath({})", surrogateescape_repr(&self.fs_bytes())),
        }
    }
}

impl fmt::Display for PathArg<'_> {
    /// Python's `str(arg)`: the text of a `str` or a path (undecodable bytes shown as U+FFFD),
    /// the `repr()` of a `bytes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathArg::Bytes(_) => f.write_str(&self.py_repr()),
            _ => f.write_str(&String::from_utf8_lossy(&self.fs_bytes())),
        }
    }
}

/// An owned [`PathArg`]: a path argument kept as Python keeps the object it was given
/// (`ctx.keylog_filename` returns it, an `OSError` names it as its `filename`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathArgBuf {
    /// A Python `str`.
    Str(OsString),
    /// A Python `bytes`.
    Bytes(Vec<u8>),
    /// A Python `pathlib.PosixPath`.
    Path(PathBuf),
}

impl PathArgBuf {
    /// The borrowed form.
    pub fn as_arg(&self) -> PathArg<'_> {
        self.as_path_arg()
    }
}

impl From<&str> for PathArgBuf {
    fn from(s: &str) -> PathArgBuf {
        PathArgBuf::Str(s.into())
    }
}

impl From<String> for PathArgBuf {
    fn from(s: String) -> PathArgBuf {
        PathArgBuf::Str(s.into())
    }
}

impl From<PathArg<'_>> for PathArgBuf {
    fn from(arg: PathArg<'_>) -> PathArgBuf {
        arg.to_owned_arg()
    }
}

impl PyRepr for PathArgBuf {
    fn py_repr(&self) -> String {
        self.as_arg().py_repr()
    }
}

impl fmt::Display for PathArgBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_arg().fmt(f)
    }
}

impl PartialEq<str> for PathArgBuf {
    /// Python's `arg == 'text'`: true only for a `str` of that text (`b'x' != 'x'`, and a path
    /// object never equals a `str`).
    fn eq(&self, other: &str) -> bool {
        matches!(self, PathArgBuf::Str(s) if s == other)
    }
}

impl PartialEq<&str> for PathArgBuf {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl From<PathArgBuf> for OsString {
    /// The file system's bytes (a path object's normalised text).
    fn from(arg: PathArgBuf) -> OsString {
        OsString::from_vec(arg.as_arg().fs_bytes().into_owned())
    }
}

/// `str(pathlib.PurePosixPath(raw))`: separators collapsed, `.` parts and a trailing `/`
/// dropped, `..` kept, exactly two leading slashes kept (POSIX leaves their meaning open),
/// `.` for nothing.
fn posix_path_str(raw: &[u8]) -> Vec<u8> {
    let root: &[u8] = if raw.starts_with(b"//") && !raw.starts_with(b"///") {
        b"//"
    } else if raw.starts_with(b"/") {
        b"/"
    } else {
        b""
    };
    let parts: Vec<&[u8]> = raw
        .split(|&b| b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .collect();
    if root.is_empty() && parts.is_empty() {
        return b".".to_vec();
    }
    let mut out = root.to_vec();
    out.extend_from_slice(&parts.join(&b'/'));
    out
}

/// A path or `None`, for a property Python sets to either (`ctx.keylog_filename = path` or
/// `= None`): any [`AsPathArg`] bare, or `None` with no type written out (`Some("x")` works
/// too, for a `&str`).
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
/// let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
/// let log = std::env::temp_dir().join(format!("pyssl-doc-keylog-{}", std::process::id()));
/// // Python: ctx.keylog_filename = pathlib.Path(log)
/// ctx.set_keylog_filename(&log)?;
/// assert_eq!(ctx.keylog_filename(), Some(ssl::PathArgBuf::Path(log.clone())));
/// // Python: ctx.keylog_filename = None
/// ctx.set_keylog_filename(None)?;
/// assert_eq!(ctx.keylog_filename(), None);
/// # std::fs::remove_file(&log)?;
/// # Ok(())
/// # }
/// ```
pub trait OptionalPathArg {
    /// The path, or `None`.
    fn optional_path_arg(&self) -> Option<PathArg<'_>>;
}

impl<T: AsPathArg + ?Sized> OptionalPathArg for T {
    fn optional_path_arg(&self) -> Option<PathArg<'_>> {
        Some(self.as_path_arg())
    }
}

/// The one `Option` impl, so that a bare `None` infers its type.
impl OptionalPathArg for Option<&str> {
    fn optional_path_arg(&self) -> Option<PathArg<'_>> {
        self.map(|s| s.as_path_arg())
    }
}

/// A Python argument that is a `str` or a `bytes` (not a path), as `server_hostname` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrOrBytes<'a> {
    /// A Python `str`.
    Str(&'a str),
    /// A Python `bytes`.
    Bytes(&'a [u8]),
}

/// `From` the Rust forms of a Python `str` (`&str`, `&String`) and of a `bytes` (`&[u8]`,
/// `b"..."`, `&Vec<u8>`) for an enum with one variant for each, as the arguments that take
/// either (`server_hostname`, `password`, `cadata`) have.
macro_rules! from_str_or_bytes {
    ($ty:ident, $text:ident, $bytes:ident) => {
        impl<'a> From<&'a str> for $ty<'a> {
            fn from(s: &'a str) -> $ty<'a> {
                $ty::$text(s)
            }
        }

        impl<'a> From<&'a String> for $ty<'a> {
            fn from(s: &'a String) -> $ty<'a> {
                $ty::$text(s)
            }
        }

        impl<'a> From<&'a [u8]> for $ty<'a> {
            fn from(b: &'a [u8]) -> $ty<'a> {
                $ty::$bytes(b)
            }
        }

        impl<'a, const N: usize> From<&'a [u8; N]> for $ty<'a> {
            fn from(b: &'a [u8; N]) -> $ty<'a> {
                $ty::$bytes(b)
            }
        }

        impl<'a> From<&'a Vec<u8>> for $ty<'a> {
            fn from(b: &'a Vec<u8>) -> $ty<'a> {
                $ty::$bytes(b)
            }
        }
    };
}
pub(crate) use from_str_or_bytes;

from_str_or_bytes!(StrOrBytes, Str, Bytes);

impl StrOrBytes<'_> {
    /// Python's `bool(value)`.
    pub(crate) fn is_truthy(self) -> bool {
        match self {
            StrOrBytes::Str(s) => !s.is_empty(),
            StrOrBytes::Bytes(b) => !b.is_empty(),
        }
    }
}

/// `bytes.decode('ascii')`: the text, or Python's error at the first byte past 0x7f (the
/// ASCII codec reports bad bytes one at a time).
pub(crate) fn decode_ascii(bytes: &[u8]) -> std::result::Result<&str, UnicodeDecodeError> {
    // All-ASCII bytes are valid UTF-8, so the first arm never errs; no `expect` on user data.
    match bytes.iter().position(|b| !b.is_ascii()) {
        None => std::str::from_utf8(bytes).map_err(|_| {
            UnicodeDecodeError::new("ascii", bytes, 0, 1, "ordinal not in range(128)")
        }),
        Some(start) => Err(UnicodeDecodeError::new(
            "ascii",
            bytes,
            start,
            start + 1,
            "ordinal not in range(128)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_as_pathlib_does() {
        for (raw, py) in [
            ("", "."),
            (".", "."),
            ("a//b/", "a/b"),
            ("./a/./b", "a/b"),
            ("/a/../b", "/a/../b"),
            ("//a", "//a"),
            ("///a", "/a"),
            ("/", "/"),
        ] {
            assert_eq!(posix_path_str(raw.as_bytes()), py.as_bytes(), "{raw:?}");
        }
    }

    #[test]
    fn reprs_are_pythons() {
        assert_eq!("a'b".as_path_arg().py_repr(), "\"a'b\"");
        assert_eq!(b"x\xff".as_path_arg().py_repr(), "b'x\\xff'");
        let odd = OsStr::from_bytes(b"k\xf6nig");
        assert_eq!(odd.as_path_arg().py_repr(), "'k\\udcf6nig'");
        assert_eq!(
            Path::new("no//pe/").as_path_arg().py_repr(),
            "PosixPath('no/pe')"
        );
    }
}
