//! Python's exception classes as values: what `type(e)` returns and what `except X:` and
//! `isinstance(e, X)` name.
//!
//! ```text
//! Python:  except (ConnectionResetError, BrokenPipeError): ...
//! Rust:    Err(e) if e.isinstance_any(&[ConnectionResetError, BrokenPipeError]) => ...
//! ```

use std::fmt;

use crate::pyrepr::PyRepr;

/// A Python exception class that pyssl raises or that an `except` clause of an ssl script
/// names: `type(e)` of an [`Error`](crate::Error), and the `X` of `isinstance(e, X)`.
///
/// Variants are spelled as Python spells the classes; the usual paths are the constants where
/// Python keeps each class: the builtins in [`exceptions`](crate::exceptions)
/// (`ConnectionRefusedError`, `OSError`, `Exception`, ...), `ssl.SSLWantReadError` as
/// `ssl::SSLWantReadError`, `socket.gaierror` as `socket::gaierror` (`socket.timeout` and
/// `socket.error` are the builtins `TimeoutError` and `OSError`).
///
/// The class tree is CPython 3.13's: `ConnectionError` is the base of the four connection
/// errors, every `SSLError` is an `OSError`, `SSLCertVerificationError` is also a
/// `ValueError`, `socket.timeout` is `TimeoutError`.
///
/// ```
/// use pyssl::exceptions::*;
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::{socket, ssl};
///
/// // Python: issubclass(ConnectionResetError, ConnectionError)  ->  True
/// assert!(ConnectionResetError.issubclass(ConnectionError));
/// // Python: issubclass(ssl.SSLCertVerificationError, ValueError)  ->  True
/// assert!(ssl::SSLCertVerificationError.issubclass(ValueError));
/// // Python: print(ssl.SSLWantReadError)  ->  <class 'ssl.SSLWantReadError'>
/// assert_eq!(ssl::SSLWantReadError.to_string(), "<class 'ssl.SSLWantReadError'>");
/// assert_eq!(socket::gaierror.py_repr(), "<class 'socket.gaierror'>");
/// // Python: type(e) is socket.gaierror, for a failed getaddrinfo (an unknown service name)
/// let e = socket::getaddrinfo("127.0.0.1", "nosuchservice", Default::default()).unwrap_err();
/// assert_eq!(e.type_(), socket::gaierror);
/// // Python: ssl.SSLEOFError.__name__, ssl.SSLEOFError.__module__
/// assert_eq!((ssl::SSLEOFError.__name__(), ssl::SSLEOFError.__module__()), ("SSLEOFError", "ssl"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
#[allow(non_camel_case_types, clippy::enum_variant_names)]
pub enum ExceptionType {
    /// `BaseException`.
    BaseException,
    /// `Exception`.
    Exception,
    /// `BaseExceptionGroup`: the base of `ExceptionGroup`.
    BaseExceptionGroup,
    /// `ExceptionGroup`: several exceptions raised together (`all_errors=True`).
    ExceptionGroup,
    /// `OSError` (= `IOError`, `EnvironmentError`, `socket.error`, `ssl.socket_error`).
    OSError,
    /// `BlockingIOError` (`EAGAIN`, `EALREADY`, `EINPROGRESS`).
    BlockingIOError,
    /// `ChildProcessError` (`ECHILD`).
    ChildProcessError,
    /// `ConnectionError`: the base of the four below.
    ConnectionError,
    /// `BrokenPipeError` (`EPIPE`, `ESHUTDOWN`).
    BrokenPipeError,
    /// `ConnectionAbortedError` (`ECONNABORTED`).
    ConnectionAbortedError,
    /// `ConnectionRefusedError` (`ECONNREFUSED`).
    ConnectionRefusedError,
    /// `ConnectionResetError` (`ECONNRESET`).
    ConnectionResetError,
    /// `FileExistsError` (`EEXIST`).
    FileExistsError,
    /// `FileNotFoundError` (`ENOENT`).
    FileNotFoundError,
    /// `InterruptedError` (`EINTR`).
    InterruptedError,
    /// `IsADirectoryError` (`EISDIR`).
    IsADirectoryError,
    /// `NotADirectoryError` (`ENOTDIR`).
    NotADirectoryError,
    /// `PermissionError` (`EACCES`, `EPERM`).
    PermissionError,
    /// `ProcessLookupError` (`ESRCH`).
    ProcessLookupError,
    /// `TimeoutError` (= `socket.timeout`; `ETIMEDOUT`).
    TimeoutError,
    /// `socket.gaierror`: a `getaddrinfo` failure.
    gaierror,
    /// `socket.herror`: a `gethostbyaddr` failure (pyssl has no call that raises it; the class
    /// exists for `except` clauses).
    herror,
    /// `ssl.SSLError`.
    SSLError,
    /// `ssl.SSLZeroReturnError`.
    SSLZeroReturnError,
    /// `ssl.SSLWantReadError`.
    SSLWantReadError,
    /// `ssl.SSLWantWriteError`.
    SSLWantWriteError,
    /// `ssl.SSLSyscallError`.
    SSLSyscallError,
    /// `ssl.SSLEOFError`.
    SSLEOFError,
    /// `ssl.SSLCertVerificationError` (= `ssl.CertificateError`), an `SSLError` and a
    /// `ValueError`.
    SSLCertVerificationError,
    /// `ValueError`.
    ValueError,
    /// `UnicodeError`.
    UnicodeError,
    /// `UnicodeEncodeError`.
    UnicodeEncodeError,
    /// `UnicodeDecodeError`.
    UnicodeDecodeError,
    /// `TypeError`.
    TypeError,
    /// `EOFError`.
    EOFError,
    /// `asyncio.IncompleteReadError` (an `EOFError`).
    IncompleteReadError,
    /// `asyncio.LimitOverrunError`.
    LimitOverrunError,
    /// `RuntimeError`.
    RuntimeError,
    /// `NotImplementedError`.
    NotImplementedError,
    /// `AttributeError`.
    AttributeError,
    /// `LookupError`: the base of `KeyError` (and `IndexError`).
    LookupError,
    /// `KeyError`.
    KeyError,
    /// `ArithmeticError`.
    ArithmeticError,
    /// `OverflowError`.
    OverflowError,
    /// `MemoryError`.
    MemoryError,
    /// `Warning`: the base of the warning categories.
    Warning,
    /// `UserWarning`.
    UserWarning,
    /// `DeprecationWarning`.
    DeprecationWarning,
    /// `PendingDeprecationWarning`.
    PendingDeprecationWarning,
    /// `RuntimeWarning`.
    RuntimeWarning,
    /// `ImportWarning`.
    ImportWarning,
    /// `ResourceWarning`.
    ResourceWarning,
}

use ExceptionType as T;

impl ExceptionType {
    /// Every class, bases before subclasses.
    pub const ALL: &'static [ExceptionType] = &[
        T::BaseException,
        T::Exception,
        T::BaseExceptionGroup,
        T::ExceptionGroup,
        T::OSError,
        T::BlockingIOError,
        T::ChildProcessError,
        T::ConnectionError,
        T::BrokenPipeError,
        T::ConnectionAbortedError,
        T::ConnectionRefusedError,
        T::ConnectionResetError,
        T::FileExistsError,
        T::FileNotFoundError,
        T::InterruptedError,
        T::IsADirectoryError,
        T::NotADirectoryError,
        T::PermissionError,
        T::ProcessLookupError,
        T::TimeoutError,
        T::gaierror,
        T::herror,
        T::SSLError,
        T::SSLZeroReturnError,
        T::SSLWantReadError,
        T::SSLWantWriteError,
        T::SSLSyscallError,
        T::SSLEOFError,
        T::ValueError,
        T::SSLCertVerificationError,
        T::UnicodeError,
        T::UnicodeEncodeError,
        T::UnicodeDecodeError,
        T::TypeError,
        T::EOFError,
        T::IncompleteReadError,
        T::LimitOverrunError,
        T::RuntimeError,
        T::NotImplementedError,
        T::AttributeError,
        T::LookupError,
        T::KeyError,
        T::ArithmeticError,
        T::OverflowError,
        T::MemoryError,
        T::Warning,
        T::UserWarning,
        T::DeprecationWarning,
        T::PendingDeprecationWarning,
        T::RuntimeWarning,
        T::ImportWarning,
        T::ResourceWarning,
    ];

    /// `cls.__name__`: `'SSLWantReadError'`, `'gaierror'`, `'ConnectionRefusedError'`.
    #[allow(non_snake_case)]
    pub fn __name__(self) -> &'static str {
        match self {
            T::BaseException => "BaseException",
            T::Exception => "Exception",
            T::BaseExceptionGroup => "BaseExceptionGroup",
            T::ExceptionGroup => "ExceptionGroup",
            T::OSError => "OSError",
            T::BlockingIOError => "BlockingIOError",
            T::ChildProcessError => "ChildProcessError",
            T::ConnectionError => "ConnectionError",
            T::BrokenPipeError => "BrokenPipeError",
            T::ConnectionAbortedError => "ConnectionAbortedError",
            T::ConnectionRefusedError => "ConnectionRefusedError",
            T::ConnectionResetError => "ConnectionResetError",
            T::FileExistsError => "FileExistsError",
            T::FileNotFoundError => "FileNotFoundError",
            T::InterruptedError => "InterruptedError",
            T::IsADirectoryError => "IsADirectoryError",
            T::NotADirectoryError => "NotADirectoryError",
            T::PermissionError => "PermissionError",
            T::ProcessLookupError => "ProcessLookupError",
            T::TimeoutError => "TimeoutError",
            T::gaierror => "gaierror",
            T::herror => "herror",
            T::SSLError => "SSLError",
            T::SSLZeroReturnError => "SSLZeroReturnError",
            T::SSLWantReadError => "SSLWantReadError",
            T::SSLWantWriteError => "SSLWantWriteError",
            T::SSLSyscallError => "SSLSyscallError",
            T::SSLEOFError => "SSLEOFError",
            T::SSLCertVerificationError => "SSLCertVerificationError",
            T::ValueError => "ValueError",
            T::UnicodeError => "UnicodeError",
            T::UnicodeEncodeError => "UnicodeEncodeError",
            T::UnicodeDecodeError => "UnicodeDecodeError",
            T::TypeError => "TypeError",
            T::EOFError => "EOFError",
            T::IncompleteReadError => "IncompleteReadError",
            T::LimitOverrunError => "LimitOverrunError",
            T::RuntimeError => "RuntimeError",
            T::NotImplementedError => "NotImplementedError",
            T::AttributeError => "AttributeError",
            T::LookupError => "LookupError",
            T::KeyError => "KeyError",
            T::ArithmeticError => "ArithmeticError",
            T::OverflowError => "OverflowError",
            T::MemoryError => "MemoryError",
            T::Warning => "Warning",
            T::UserWarning => "UserWarning",
            T::DeprecationWarning => "DeprecationWarning",
            T::PendingDeprecationWarning => "PendingDeprecationWarning",
            T::RuntimeWarning => "RuntimeWarning",
            T::ImportWarning => "ImportWarning",
            T::ResourceWarning => "ResourceWarning",
        }
    }

    /// `cls.__module__`: `'ssl'` for the `SSLError` family, `'socket'` for `gaierror` and
    /// `herror`, `'asyncio.exceptions'` for asyncio's stream errors, `'builtins'` for the rest.
    #[allow(non_snake_case)]
    pub fn __module__(self) -> &'static str {
        match self {
            T::SSLError
            | T::SSLZeroReturnError
            | T::SSLWantReadError
            | T::SSLWantWriteError
            | T::SSLSyscallError
            | T::SSLEOFError
            | T::SSLCertVerificationError => "ssl",
            T::gaierror | T::herror => "socket",
            T::IncompleteReadError | T::LimitOverrunError => "asyncio.exceptions",
            _ => "builtins",
        }
    }

    /// The class as a traceback's last line names it: `ssl.SSLCertVerificationError`,
    /// `socket.gaierror`, `asyncio.exceptions.IncompleteReadError`, and builtins bare
    /// (`ConnectionRefusedError`).
    pub fn qualified_name(self) -> String {
        match self.__module__() {
            "builtins" => self.__name__().to_string(),
            module => format!("{module}.{}", self.__name__()),
        }
    }

    /// `cls.__bases__` (without `object`, the base of `BaseException`).
    #[allow(non_snake_case)]
    pub fn __bases__(self) -> &'static [ExceptionType] {
        match self {
            T::BaseException => &[],
            T::Exception | T::BaseExceptionGroup => &[T::BaseException],
            T::ExceptionGroup => &[T::BaseExceptionGroup, T::Exception],
            T::OSError
            | T::ValueError
            | T::TypeError
            | T::RuntimeError
            | T::ArithmeticError
            | T::MemoryError
            | T::AttributeError
            | T::EOFError
            | T::LimitOverrunError
            | T::LookupError
            | T::Warning => &[T::Exception],
            T::KeyError => &[T::LookupError],
            T::IncompleteReadError => &[T::EOFError],
            T::BlockingIOError
            | T::ChildProcessError
            | T::ConnectionError
            | T::FileExistsError
            | T::FileNotFoundError
            | T::InterruptedError
            | T::IsADirectoryError
            | T::NotADirectoryError
            | T::PermissionError
            | T::ProcessLookupError
            | T::TimeoutError
            | T::gaierror
            | T::herror
            | T::SSLError => &[T::OSError],
            T::BrokenPipeError
            | T::ConnectionAbortedError
            | T::ConnectionRefusedError
            | T::ConnectionResetError => &[T::ConnectionError],
            T::SSLZeroReturnError
            | T::SSLWantReadError
            | T::SSLWantWriteError
            | T::SSLSyscallError
            | T::SSLEOFError => &[T::SSLError],
            T::SSLCertVerificationError => &[T::SSLError, T::ValueError],
            T::UnicodeError => &[T::ValueError],
            T::UnicodeEncodeError | T::UnicodeDecodeError => &[T::UnicodeError],
            T::NotImplementedError => &[T::RuntimeError],
            T::OverflowError => &[T::ArithmeticError],
            T::UserWarning
            | T::DeprecationWarning
            | T::PendingDeprecationWarning
            | T::RuntimeWarning
            | T::ImportWarning
            | T::ResourceWarning => &[T::Warning],
        }
    }

    /// `issubclass(self, other)`: `self` is `other` or derives from it.
    pub fn issubclass(self, other: ExceptionType) -> bool {
        self == other || self.__bases__().iter().any(|b| b.issubclass(other))
    }

    /// `issubclass(self, (A, B, ...))`: a subclass of any of them.
    pub fn issubclass_any(self, others: &[ExceptionType]) -> bool {
        others.iter().any(|&o| self.issubclass(o))
    }

    /// The `OSError` subclass CPython's `OSError(errno, ...)` constructor picks for `errno`
    /// (`ConnectionRefusedError` for `ECONNREFUSED`, ...), `OSError` for the others.
    pub fn from_errno(errno: i32) -> ExceptionType {
        match errno {
            libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => T::BlockingIOError,
            libc::ECHILD => T::ChildProcessError,
            libc::EPIPE | libc::ESHUTDOWN => T::BrokenPipeError,
            libc::ECONNABORTED => T::ConnectionAbortedError,
            libc::ECONNREFUSED => T::ConnectionRefusedError,
            libc::ECONNRESET => T::ConnectionResetError,
            libc::EEXIST => T::FileExistsError,
            libc::ENOENT => T::FileNotFoundError,
            libc::EISDIR => T::IsADirectoryError,
            libc::ENOTDIR => T::NotADirectoryError,
            libc::EINTR => T::InterruptedError,
            libc::EACCES | libc::EPERM => T::PermissionError,
            libc::ESRCH => T::ProcessLookupError,
            libc::ETIMEDOUT => T::TimeoutError,
            _ => T::OSError,
        }
    }
}

impl fmt::Display for ExceptionType {
    /// Python's `str(cls)`: `<class 'ssl.SSLWantReadError'>`, `<class 'TimeoutError'>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<class '{}'>", self.qualified_name())
    }
}

impl PyRepr for ExceptionType {
    /// Python's `repr(cls)`, the same as `str(cls)`.
    fn py_repr(&self) -> String {
        self.to_string()
    }
}
