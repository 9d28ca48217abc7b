//! Python's exception tree, as far as `ssl` and `socket` raise it.
//!
//! ```text
//! Python:  except ssl.SSLError as e: ...      except OSError as e: ...
//! Rust:    Err(Error::SSLError(e)) => ...     Err(e) if e.is_os_error() => ...
//! ```
//!
//! `Display` is Python's `str(e)` for the same failure, minus CPython's `(_ssl.c:NNN)` suffix.

use std::fmt;

use crate::pyrepr::{PyRepr, PyStr};

mod exception_type;
mod termination;
mod unicode;
pub use exception_type::ExceptionType;
pub use termination::Main;
pub(crate) use unicode::{decode_utf8, encode_ascii};
pub use unicode::{UnicodeDecodeError, UnicodeEncodeError};

/// Result of a fallible pyssl call: `Ok` or the exception Python would raise.
pub type Result<T> = std::result::Result<T, Error>;

/// An exception, as Python's `ssl` or `socket` module would raise it.
///
/// Variants are Python's exception classes; `SSLError` carries the whole `SSLError` family and
/// `OSError` every `OSError` subclass chosen by errno (`ConnectionRefusedError`, ...), exactly
/// as CPython picks them. `is_*` predicates answer `isinstance` questions in one line,
/// honouring Python's inheritance (an `SSLError` *is* an `OSError`).
///
/// Python's `except` clauses become `match` arms in the same order (most specific first). Here
/// the server presents a self-signed certificate the client does not trust (its set-up over a
/// socket pair is hidden):
///
/// ```
/// use pyssl::{socket, ssl, Error, SSLErrorKind};
/// # fn main() -> Result<(), pyssl::Error> {
/// # let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// # let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// # server_ctx.load_cert_chain(format!("{fixtures}/selfsigned.pem"), format!("{fixtures}/selfsigned.key").as_str())?;
/// # let (sock, server_sock) = socket::socketpair()?;
/// # let server = std::thread::spawn(move || {
/// #     server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() }).map(drop)
/// # });
/// # let ca = format!("{fixtures}/ca.pem");
/// # let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
///
/// // Python: try:
/// //             ssock = ctx.wrap_socket(sock, server_hostname='localhost')
/// //         except ssl.SSLCertVerificationError as e:
/// //             print(e.verify_code, e.verify_message, e.reason); print(e)
/// //         except ssl.SSLError as e: ...
/// //         except OSError as e: ...
/// match ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() }) {
///     Ok(_ssock) => panic!("the self-signed certificate was accepted"),
///     Err(Error::SSLError(e)) if e.kind == SSLErrorKind::SSLCertVerificationError => {
///         assert_eq!(e.verify_code, Some(18));
///         assert_eq!((e.library, e.reason), (Some("SSL"), Some("CERTIFICATE_VERIFY_FAILED")));
///         // "self-signed certificate" (OpenSSL 1.1.1 writes "self signed certificate")
///         let message = e.verify_message.clone().unwrap_or_default();
///         assert_eq!(
///             e.to_string(),
///             format!("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
///         );
///     }
///     Err(Error::SSLError(e)) => panic!("another TLS failure: {e}"),
///     Err(e) if e.is_os_error() => panic!("a network failure: {e}"),
///     Err(e) => return Err(e),
/// }
/// # let server_error = server.join().unwrap().unwrap_err();
/// # assert_eq!(server_error.to_string(), "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(non_camel_case_types)]
pub enum Error {
    /// `ssl.SSLError` and its subclasses (`SSLWantReadError`, `SSLCertVerificationError`, ...).
    SSLError(SSLError),
    /// `OSError` (= `socket.error`) and its errno subclasses, e.g. `[Errno 111] Connection refused`.
    OSError(OSError),
    /// `socket.gaierror`: a `getaddrinfo` failure, e.g. `[Errno -2] Name or service not known`.
    gaierror(OSError),
    /// `TimeoutError` (= `socket.timeout`), e.g. `The read operation timed out`.
    TimeoutError(String),
    /// `ValueError`.
    ValueError(String),
    /// `TypeError`.
    TypeError(String),
    /// `NotImplementedError`.
    NotImplementedError(String),
    /// `AttributeError`, where CPython's own `ssl` raises it for a call that has a Rust twin, e.g.
    /// `set_npn_protocols` (whose C half CPython 3.13 no longer has).
    AttributeError(String),
    /// `KeyError`, holding its argument (the missing key): `str(e)` is the argument's repr, as
    /// Python prints `KeyError: 'subject'`. Raised by [`crate::ssl::PeerCertDict::dict`] for
    /// the `{}` of an unverified connection.
    KeyError(String),
    /// `OverflowError`, e.g. `byte string is too large` for a size no buffer can have.
    OverflowError(String),
    /// `MemoryError`: an allocation the caller asked for failed (`str(e)` is usually empty,
    /// as for CPython's bare `MemoryError()`).
    MemoryError(String),
    /// `UnicodeError` itself (a `ValueError` subclass), as Python raises it bare, e.g.
    /// `Unsupported error handling: ...` from a codec.
    UnicodeError(String),
    /// `UnicodeEncodeError` (a `UnicodeError`): a text could not be encoded, e.g. a
    /// `server_hostname` the `idna` codec rejects, or non-ASCII `cadata`.
    UnicodeEncodeError(UnicodeEncodeError),
    /// `UnicodeDecodeError` (a `UnicodeError`): bytes could not be decoded, e.g. a peer's
    /// ALPN protocol that is not UTF-8.
    UnicodeDecodeError(UnicodeDecodeError),
    /// `DeprecationWarning` raised as an exception: a deprecation warning that an `"error"`
    /// filter of [`crate::warnings`] turned into the call's `Err`, e.g.
    /// `ssl.PROTOCOL_TLS is deprecated`.
    DeprecationWarning(String),
    /// `RuntimeWarning` raised as an exception by an `"error"` filter of [`crate::warnings`].
    RuntimeWarning(String),
    /// `RuntimeError`, e.g. asyncio's `Cannot call write() after write_eof()`.
    RuntimeError(String),
    /// `ConnectionResetError` raised with a message and no errno, as asyncio raises it
    /// (`ConnectionResetError('Connection lost')`; an empty message is the bare
    /// `ConnectionResetError()`). One raised by the OS is an [`Error::OSError`] with errno 104.
    ConnectionResetError(String),
    /// `ConnectionAbortedError` raised with a message and no errno, as asyncio raises it: `SSL
    /// handshake is taking longer than 60.0 seconds: aborting the connection`.
    ConnectionAbortedError(String),
    /// `asyncio.IncompleteReadError` (an `EOFError`): the stream ended before `readexactly(n)`
    /// or `readuntil(sep)` could complete. `str(e)`: `5 bytes read on a total of 10 expected
    /// bytes` (`undefined` when `expected` is `None`).
    IncompleteReadError {
        /// `e.partial`: the bytes read before the end of the stream.
        partial: Vec<u8>,
        /// `e.expected`: the count asked for, `None` for `readuntil`.
        expected: Option<usize>,
    },
    /// `asyncio.LimitOverrunError`: `readuntil` reached the stream's limit before the separator.
    LimitOverrunError {
        /// `e.args[0]`: `Separator is not found, and chunk exceed the limit`, ...
        message: String,
        /// `e.consumed`: how many bytes are to be consumed.
        consumed: usize,
    },
    /// `ExceptionGroup(message, exceptions)`: several failures raised together, as
    /// `asyncio.open_connection(..., all_errors=True)` raises every connection attempt's error.
    /// `str(e)`: `create_connection failed (2 sub-exceptions)`.
    ExceptionGroup {
        /// `e.message`.
        message: String,
        /// `e.exceptions`, in order.
        exceptions: Vec<Error>,
    },
}

impl Error {
    /// `isinstance(e, OSError)`: true for `OSError`, `gaierror`, `TimeoutError` and every
    /// `SSLError` (Python's `SSLError` subclasses `OSError`).
    pub fn is_os_error(&self) -> bool {
        self.isinstance(ExceptionType::OSError)
    }

    /// `isinstance(e, ssl.SSLError)`.
    pub fn is_ssl_error(&self) -> bool {
        matches!(self, Error::SSLError(_))
    }

    /// `isinstance(e, ValueError)`: also true for `UnicodeError` and its subclasses, and for
    /// `SSLCertVerificationError` (which subclasses both `SSLError` and `ValueError`).
    pub fn is_value_error(&self) -> bool {
        self.isinstance(ExceptionType::ValueError)
    }

    /// `isinstance(e, UnicodeError)`: `UnicodeError`, `UnicodeEncodeError` or
    /// `UnicodeDecodeError`.
    pub fn is_unicode_error(&self) -> bool {
        self.isinstance(ExceptionType::UnicodeError)
    }

    /// `isinstance(e, TimeoutError)` (= `socket.timeout`): pyssl's timeouts, and an `OSError`
    /// whose errno is `ETIMEDOUT` (which Python makes a `TimeoutError` too).
    pub fn is_timeout(&self) -> bool {
        self.isinstance(ExceptionType::TimeoutError)
    }

    /// `isinstance(e, ssl.SSLWantReadError)`.
    pub fn is_want_read(&self) -> bool {
        self.ssl_kind() == Some(SSLErrorKind::SSLWantReadError)
    }

    /// `isinstance(e, ssl.SSLWantWriteError)`.
    pub fn is_want_write(&self) -> bool {
        self.ssl_kind() == Some(SSLErrorKind::SSLWantWriteError)
    }

    /// `isinstance(e, ssl.SSLCertVerificationError)` (= `ssl.CertificateError`).
    pub fn is_cert_verification_error(&self) -> bool {
        self.ssl_kind() == Some(SSLErrorKind::SSLCertVerificationError)
    }

    /// `isinstance(e, ssl.SSLEOFError)`.
    pub fn is_eof_error(&self) -> bool {
        self.ssl_kind() == Some(SSLErrorKind::SSLEOFError)
    }

    /// `isinstance(e, ssl.SSLZeroReturnError)`.
    pub fn is_zero_return(&self) -> bool {
        self.ssl_kind() == Some(SSLErrorKind::SSLZeroReturnError)
    }

    /// The `SSLError` subclass, if this is an `SSLError`.
    pub fn ssl_kind(&self) -> Option<SSLErrorKind> {
        match self {
            Error::SSLError(e) => Some(e.kind),
            _ => None,
        }
    }

    /// `e.errno`: the errno of an `OSError`/`gaierror`, the first argument of a two-argument
    /// `SSLError`, else `None`.
    pub fn errno(&self) -> Option<i64> {
        match self {
            Error::SSLError(e) => e.errno,
            Error::OSError(e) | Error::gaierror(e) => e.errno.map(i64::from),
            _ => None,
        }
    }

    /// `e.strerror`: the message of an `OSError`, `gaierror` or two-argument `SSLError` raised
    /// with an errno (`'Connection refused'`), else `None` (as for Python's one-argument
    /// exceptions, whose `strerror` is `None`, and for the classes that have no `strerror`).
    ///
    /// ```text
    /// Python:  except OSError as e: print(e.strerror)
    /// Rust:    Err(e) if e.isinstance(OSError) => println!("{}", e.strerror().unwrap_or("None")),
    /// ```
    pub fn strerror(&self) -> Option<&str> {
        match self {
            Error::SSLError(e) => e.strerror(),
            Error::OSError(e) | Error::gaierror(e) => e.errno.and(e.strerror.as_deref()),
            _ => None,
        }
    }

    /// `type(e).__name__`: `'SSLCertVerificationError'`, `'ConnectionRefusedError'`,
    /// `'TimeoutError'`, ...
    pub fn type_name(&self) -> &'static str {
        self.type_().__name__()
    }

    /// `type(e)`: the exception's class, printed as Python prints it
    /// (`<class 'ssl.SSLCertVerificationError'>`), with `__name__()` and `__module__()`.
    ///
    /// ```
    /// use pyssl::{exceptions::ConnectionRefusedError, socket};
    /// # fn main() -> pyssl::Result<()> {
    /// # let port = socket::create_server(("127.0.0.1", 0), Default::default())?.getsockname()?.port();
    /// // Python: try: socket.create_connection(('127.0.0.1', port))   (nobody listens there)
    /// //         except OSError as e: print(type(e), type(e).__name__)
    /// let e = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap_err();
    /// assert_eq!(e.type_().to_string(), "<class 'ConnectionRefusedError'>");
    /// assert_eq!(e.type_().__name__(), "ConnectionRefusedError");
    /// assert_eq!(e.type_(), ConnectionRefusedError);
    /// # Ok(())
    /// # }
    /// ```
    pub fn type_(&self) -> ExceptionType {
        match self {
            Error::SSLError(e) => e.kind.type_(),
            Error::OSError(e) => e.type_(),
            Error::gaierror(_) => ExceptionType::gaierror,
            Error::TimeoutError(_) => ExceptionType::TimeoutError,
            Error::ValueError(_) => ExceptionType::ValueError,
            Error::TypeError(_) => ExceptionType::TypeError,
            Error::NotImplementedError(_) => ExceptionType::NotImplementedError,
            Error::AttributeError(_) => ExceptionType::AttributeError,
            Error::KeyError(_) => ExceptionType::KeyError,
            Error::OverflowError(_) => ExceptionType::OverflowError,
            Error::MemoryError(_) => ExceptionType::MemoryError,
            Error::UnicodeError(_) => ExceptionType::UnicodeError,
            Error::UnicodeEncodeError(_) => ExceptionType::UnicodeEncodeError,
            Error::UnicodeDecodeError(_) => ExceptionType::UnicodeDecodeError,
            Error::DeprecationWarning(_) => ExceptionType::DeprecationWarning,
            Error::RuntimeWarning(_) => ExceptionType::RuntimeWarning,
            Error::RuntimeError(_) => ExceptionType::RuntimeError,
            Error::ConnectionResetError(_) => ExceptionType::ConnectionResetError,
            Error::ConnectionAbortedError(_) => ExceptionType::ConnectionAbortedError,
            Error::IncompleteReadError { .. } => ExceptionType::IncompleteReadError,
            Error::LimitOverrunError { .. } => ExceptionType::LimitOverrunError,
            Error::ExceptionGroup { .. } => ExceptionType::ExceptionGroup,
        }
    }

    /// `isinstance(e, cls)`, with Python's class tree: what `except cls:` catches.
    ///
    /// ```text
    /// Python:  except ConnectionError:            except ssl.SSLWantReadError:
    /// Rust:    Err(e) if e.isinstance(ConnectionError) => ...
    ///          Err(e) if e.isinstance(ssl::SSLWantReadError) => ...
    /// ```
    pub fn isinstance(&self, cls: ExceptionType) -> bool {
        self.type_().issubclass(cls)
    }

    /// `isinstance(e, (A, B, ...))`: what `except (A, B):` catches.
    ///
    /// ```text
    /// Python:  except (ConnectionResetError, BrokenPipeError):
    /// Rust:    Err(e) if e.isinstance_any(&[ConnectionResetError, BrokenPipeError]) => ...
    /// ```
    pub fn isinstance_any(&self, classes: &[ExceptionType]) -> bool {
        self.type_().issubclass_any(classes)
    }

    /// `e.__notes__`: the notes CPython adds to an exception. CPython 3.13's codec machinery
    /// notes `encoding with 'idna' codec failed` on every `idna` encoding failure (host names);
    /// pyssl's other exceptions have none.
    #[allow(non_snake_case)]
    pub fn __notes__(&self) -> Vec<String> {
        match self {
            Error::UnicodeEncodeError(e) if e.encoding == "idna" => {
                vec!["encoding with 'idna' codec failed".to_string()]
            }
            _ => Vec::new(),
        }
    }

    /// The traceback's last line, as Python prints an exception that escapes a script:
    /// `''.join(traceback.format_exception_only(e))` without its final newline.
    ///
    /// The class is module-qualified as Python qualifies it (`ssl.SSLCertVerificationError`,
    /// `socket.gaierror`, builtins bare), then `: ` and `str(e)`, or the bare class name when
    /// `str(e)` is empty (`MemoryError`); each note follows on its own line. CPython's
    /// `(_ssl.c:NNN)` suffix and `_ssl.c:NNN: ` prefix are not part of pyssl's texts.
    ///
    /// ```
    /// use pyssl::ssl;
    /// # fn main() -> pyssl::Result<()> {
    /// // Python: ssl.create_default_context().load_verify_locations('/nonexistent/ca.pem')
    /// //   ->  FileNotFoundError: [Errno 2] No such file or directory
    /// let ctx = ssl::create_default_context()?;
    /// let e = ctx.load_verify_locations("/nonexistent/ca.pem").unwrap_err();
    /// assert_eq!(e.format_exception_only(), "FileNotFoundError: [Errno 2] No such file or directory");
    /// // Python: ctx.set_ciphers('NOPE')  ->  ssl.SSLError: ('No cipher can be selected.',)
    /// let e = ctx.set_ciphers("NOPE").unwrap_err();
    /// assert_eq!(e.format_exception_only(), "ssl.SSLError: ('No cipher can be selected.',)");
    /// # Ok(())
    /// # }
    /// ```
    pub fn format_exception_only(&self) -> String {
        let name = self.type_().qualified_name();
        let text = self.to_string();
        let mut out = if text.is_empty() {
            name
        } else {
            format!("{name}: {text}")
        };
        for note in self.__notes__() {
            out.push('\n');
            out.push_str(&note);
        }
        out
    }

    /// `OSError` from the calling thread's `errno`, as Python's `PyErr_SetFromErrno` builds it.
    pub fn last_os_error() -> Error {
        Error::from_errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }

    /// `OSError(errno, os.strerror(errno))`.
    pub fn from_errno(errno: i32) -> Error {
        Error::OSError(OSError::from_errno(errno))
    }

    /// A `ValueError` with this message.
    pub fn value(msg: impl Into<String>) -> Error {
        Error::ValueError(msg.into())
    }

    /// A `TypeError` with this message.
    pub fn type_error(msg: impl Into<String>) -> Error {
        Error::TypeError(msg.into())
    }
}

impl fmt::Display for Error {
    /// Python's `str(e)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SSLError(e) => e.fmt(f),
            Error::OSError(e) | Error::gaierror(e) => e.fmt(f),
            Error::TimeoutError(m)
            | Error::ValueError(m)
            | Error::TypeError(m)
            | Error::NotImplementedError(m)
            | Error::AttributeError(m)
            | Error::OverflowError(m)
            | Error::MemoryError(m)
            | Error::UnicodeError(m)
            | Error::DeprecationWarning(m)
            | Error::RuntimeWarning(m)
            | Error::RuntimeError(m)
            | Error::ConnectionResetError(m)
            | Error::ConnectionAbortedError(m) => f.write_str(m),
            // `str(KeyError(k))` is `repr(k)`.
            Error::KeyError(key) => f.write_str(&PyStr(key).py_repr()),
            Error::UnicodeEncodeError(e) => e.fmt(f),
            Error::UnicodeDecodeError(e) => e.fmt(f),
            Error::IncompleteReadError { partial, expected } => {
                let expected = expected.map_or("undefined".to_string(), |n| n.to_string());
                write!(
                    f,
                    "{} bytes read on a total of {expected} expected bytes",
                    partial.len()
                )
            }
            Error::LimitOverrunError { message, .. } => f.write_str(message),
            Error::ExceptionGroup {
                message,
                exceptions,
            } => {
                let n = exceptions.len();
                let plural = if n == 1 { "" } else { "s" };
                write!(f, "{message} ({n} sub-exception{plural})")
            }
        }
    }
}

impl std::error::Error for Error {}

impl PyRepr for Error {
    /// Python's `repr(e)`: `SSLError(1, '[SSL: ...] ...')`, `ConnectionRefusedError(111,
    /// 'Connection refused')`, `ValueError('...')`.
    fn py_repr(&self) -> String {
        match self {
            Error::SSLError(e) => e.py_repr(),
            Error::OSError(e) | Error::gaierror(e) => {
                format!("{}({})", self.type_name(), e.args_repr())
            }
            // A bare exception prints no arguments: `MemoryError()`, `NotImplementedError()`.
            Error::MemoryError(m)
            | Error::NotImplementedError(m)
            | Error::TimeoutError(m)
            | Error::ConnectionResetError(m)
                if m.is_empty() =>
            {
                format!("{}()", self.type_name())
            }
            Error::TimeoutError(m)
            | Error::ValueError(m)
            | Error::TypeError(m)
            | Error::NotImplementedError(m)
            | Error::AttributeError(m)
            | Error::OverflowError(m)
            | Error::MemoryError(m)
            | Error::UnicodeError(m)
            | Error::DeprecationWarning(m)
            | Error::RuntimeWarning(m)
            | Error::RuntimeError(m)
            | Error::ConnectionResetError(m)
            | Error::ConnectionAbortedError(m) => {
                format!("{}({})", self.type_name(), PyStr(m).py_repr())
            }
            Error::KeyError(key) => format!("KeyError({})", PyStr(key).py_repr()),
            // Their one argument is the message (`partial`, `expected`, `consumed` are
            // attributes).
            Error::IncompleteReadError { .. } | Error::LimitOverrunError { .. } => format!(
                "{}({})",
                self.type_name(),
                PyStr(&self.to_string()).py_repr()
            ),
            Error::UnicodeEncodeError(e) => e.py_repr(),
            Error::UnicodeDecodeError(e) => e.py_repr(),
            Error::ExceptionGroup {
                message,
                exceptions,
            } => {
                let items: Vec<String> = exceptions.iter().map(PyRepr::py_repr).collect();
                format!(
                    "ExceptionGroup({}, [{}])",
                    PyStr(message).py_repr(),
                    items.join(", ")
                )
            }
        }
    }

    /// Python's `str(e)` (`Display`).
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl From<UnicodeEncodeError> for Error {
    fn from(e: UnicodeEncodeError) -> Error {
        Error::UnicodeEncodeError(e)
    }
}

impl From<UnicodeDecodeError> for Error {
    fn from(e: UnicodeDecodeError) -> Error {
        Error::UnicodeDecodeError(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        match e.raw_os_error() {
            Some(errno) => Error::from_errno(errno),
            None if e.kind() == std::io::ErrorKind::TimedOut => Error::TimeoutError(e.to_string()),
            None => Error::OSError(OSError {
                errno: None,
                strerror: Some(e.to_string()),
                filename: None,
            }),
        }
    }
}

impl From<Error> for std::io::Error {
    /// For `std::io::Read`/`Write`: OS errors keep their errno, timeouts map to `TimedOut`,
    /// want-read/want-write to `WouldBlock`; the pyssl error stays reachable as the source.
    fn from(e: Error) -> std::io::Error {
        use std::io::ErrorKind;
        match &e {
            Error::OSError(OSError { errno: Some(n), .. }) => std::io::Error::from_raw_os_error(*n),
            Error::TimeoutError(_) => std::io::Error::new(ErrorKind::TimedOut, e),
            _ if e.is_want_read() || e.is_want_write() => {
                std::io::Error::new(ErrorKind::WouldBlock, e)
            }
            Error::ValueError(_) | Error::TypeError(_) => {
                std::io::Error::new(ErrorKind::InvalidInput, e)
            }
            _ => std::io::Error::other(e),
        }
    }
}

/// Which member of Python's `SSLError` family an [`SSLError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names)]
pub enum SSLErrorKind {
    /// `ssl.SSLError` itself.
    SSLError,
    /// `ssl.SSLZeroReturnError`: the peer closed the TLS session cleanly.
    SSLZeroReturnError,
    /// `ssl.SSLWantReadError`: a non-blocking operation needs more input.
    SSLWantReadError,
    /// `ssl.SSLWantWriteError`: a non-blocking operation needs to write first.
    SSLWantWriteError,
    /// `ssl.SSLSyscallError`.
    SSLSyscallError,
    /// `ssl.SSLEOFError`: the connection ended in violation of the protocol.
    SSLEOFError,
    /// `ssl.SSLCertVerificationError` (= `ssl.CertificateError`).
    SSLCertVerificationError,
}

impl SSLErrorKind {
    /// The class, as `type(e)` gives it: `ssl::SSLWantReadError` for `SSLWantReadError`, ...
    pub fn type_(self) -> ExceptionType {
        match self {
            SSLErrorKind::SSLError => ExceptionType::SSLError,
            SSLErrorKind::SSLZeroReturnError => ExceptionType::SSLZeroReturnError,
            SSLErrorKind::SSLWantReadError => ExceptionType::SSLWantReadError,
            SSLErrorKind::SSLWantWriteError => ExceptionType::SSLWantWriteError,
            SSLErrorKind::SSLSyscallError => ExceptionType::SSLSyscallError,
            SSLErrorKind::SSLEOFError => ExceptionType::SSLEOFError,
            SSLErrorKind::SSLCertVerificationError => ExceptionType::SSLCertVerificationError,
        }
    }

    /// The Python class name.
    pub fn name(self) -> &'static str {
        match self {
            SSLErrorKind::SSLError => "SSLError",
            SSLErrorKind::SSLZeroReturnError => "SSLZeroReturnError",
            SSLErrorKind::SSLWantReadError => "SSLWantReadError",
            SSLErrorKind::SSLWantWriteError => "SSLWantWriteError",
            SSLErrorKind::SSLSyscallError => "SSLSyscallError",
            SSLErrorKind::SSLEOFError => "SSLEOFError",
            SSLErrorKind::SSLCertVerificationError => "SSLCertVerificationError",
        }
    }
}

/// An `ssl.SSLError` (or subclass) with the attributes CPython's exception carries.
///
/// CPython raises SSLErrors with one argument (`SSLError('No cipher can be selected.')`, whose
/// `str()` is the tuple `('No cipher can be selected.',)`) or two (`SSLError(1, '[SSL: ...]
/// ...')`, whose `str()` is the message). `errno` is `Some` exactly in the second case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SSLError {
    /// Which class of the family.
    pub kind: SSLErrorKind,
    /// `e.errno` (`args[0]`) for two-argument errors, `None` for one-argument ones.
    pub errno: Option<i64>,
    /// The message: `e.strerror` for two-argument errors, `args[0]` for one-argument ones.
    pub message: String,
    /// `e.library`: OpenSSL library mnemonic such as `'SSL'`, or `None`.
    pub library: Option<&'static str>,
    /// `e.reason`: reason mnemonic such as `'CERTIFICATE_VERIFY_FAILED'`, or `None`.
    pub reason: Option<&'static str>,
    /// `e.verify_code` of an `SSLCertVerificationError` raised by a handshake.
    pub verify_code: Option<i64>,
    /// `e.verify_message` of an `SSLCertVerificationError` raised by a handshake.
    pub verify_message: Option<String>,
}

impl SSLError {
    /// `SSLError(errno, message)` with no library or reason.
    pub fn new(kind: SSLErrorKind, errno: i64, message: impl Into<String>) -> SSLError {
        SSLError {
            kind,
            errno: Some(errno),
            message: message.into(),
            library: None,
            reason: None,
            verify_code: None,
            verify_message: None,
        }
    }

    /// `SSLError(message)`: the one-argument form CPython uses for fixed texts
    /// (`'No cipher can be selected.'`).
    pub fn single(message: impl Into<String>) -> SSLError {
        SSLError {
            kind: SSLErrorKind::SSLError,
            errno: None,
            message: message.into(),
            library: None,
            reason: None,
            verify_code: None,
            verify_message: None,
        }
    }

    /// `isinstance(e, cls)` for this `SSLError`, so that an arm binding the struct can name the
    /// class: `Err(ssl::Error::SSLError(e)) if e.isinstance(ssl::SSLCertVerificationError)`.
    pub fn isinstance(&self, cls: ExceptionType) -> bool {
        self.kind.type_().issubclass(cls)
    }

    /// `e.strerror`: the message of a two-argument error, else `None`.
    pub fn strerror(&self) -> Option<&str> {
        self.errno.map(|_| self.message.as_str())
    }

    fn args_repr(&self) -> String {
        match self.errno {
            Some(n) => format!("{}, {}", n, PyStr(&self.message).py_repr()),
            None => format!("{},", PyStr(&self.message).py_repr()),
        }
    }
}

impl fmt::Display for SSLError {
    /// Python's `str(e)`: the message of a two-argument error, the `args` tuple otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errno {
            Some(_) => f.write_str(&self.message),
            None => write!(f, "({})", self.args_repr()),
        }
    }
}

impl PyRepr for SSLError {
    fn py_repr(&self) -> String {
        let args = match self.errno {
            Some(_) => self.args_repr(),
            None => PyStr(&self.message).py_repr(),
        };
        format!("{}({})", self.kind.name(), args)
    }

    /// Python's `str(e)` (`Display`).
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl From<SSLError> for Error {
    fn from(e: SSLError) -> Error {
        Error::SSLError(e)
    }
}

/// An `OSError` (`socket.error`) with Python's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OSError {
    /// `e.errno`.
    pub errno: Option<i32>,
    /// `e.strerror`: `os.strerror(errno)` for errors from the OS.
    pub strerror: Option<String>,
    /// `e.filename`, when Python reports one (`[Errno 2] No such file or directory: 'x'`): the
    /// object the call was given, a `str`, `bytes` or path (`b'x'`, `PosixPath('x')`).
    pub filename: Option<crate::path_arg::PathArgBuf>,
}

impl OSError {
    /// `OSError(errno, os.strerror(errno))`.
    pub fn from_errno(errno: i32) -> OSError {
        OSError {
            errno: Some(errno),
            strerror: Some(strerror(errno)),
            filename: None,
        }
    }

    /// The same error with `e.filename` set.
    pub fn with_filename(mut self, filename: impl Into<crate::path_arg::PathArgBuf>) -> OSError {
        self.filename = Some(filename.into());
        self
    }

    /// The `OSError` subclass Python picks for this errno (`ConnectionRefusedError` for 111, ...).
    pub fn type_name(&self) -> &'static str {
        self.type_().__name__()
    }

    /// `type(e)`: the `OSError` subclass Python picks for this errno, `OSError` without one.
    pub fn type_(&self) -> ExceptionType {
        self.errno
            .map_or(ExceptionType::OSError, ExceptionType::from_errno)
    }

    fn args_repr(&self) -> String {
        match (self.errno, &self.strerror) {
            (Some(n), Some(s)) => format!("{}, {}", n, PyStr(s).py_repr()),
            (None, Some(s)) => PyStr(s).py_repr(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for OSError {
    /// Python's `str(e)`: `[Errno 111] Connection refused`, with `: 'filename'` when set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.errno, &self.strerror) {
            (Some(n), Some(s)) => {
                write!(f, "[Errno {n}] {s}")?;
                if let Some(name) = &self.filename {
                    write!(f, ": {}", name.py_repr())?;
                }
                Ok(())
            }
            (None, Some(s)) => f.write_str(s),
            _ => Ok(()),
        }
    }
}

/// CPython's `str` argument converter (Argument Clinic's `str`, `PyUnicode_AsUTF8`): text handed
/// to C as a C string must hold no NUL, else `ValueError('embedded null character')`.
pub(crate) fn check_no_nul_character(text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::value("embedded null character"));
    }
    Ok(())
}

/// `os.strerror(errno)`: the C library's text for an errno.
pub fn strerror(errno: i32) -> String {
    // std's formatting of raw OS errors is "<strerror> (os error N)"; keep the first part.
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
