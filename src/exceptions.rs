//! Python's built-in exception classes, as the names an `except` clause uses: Python has them
//! in scope everywhere, a port brings them in with one `use`.
//!
//! ```text
//! Python:  except ConnectionRefusedError: ...
//!          except (ConnectionResetError, BrokenPipeError): ...
//!          except OSError as e: ...
//! Rust:    use pyssl::exceptions::*;
//!          Err(e) if e.isinstance(ConnectionRefusedError) => ...
//!          Err(e) if e.isinstance_any(&[ConnectionResetError, BrokenPipeError]) => ...
//!          Err(e) if e.isinstance(OSError) => ...
//! ```
//!
//! Each constant is an [`ExceptionType`]; the classes of other modules are in theirs
//! (`ssl::SSLWantReadError`, `socket::gaierror`, `socket::timeout`). A glob import brings the
//! constant `OSError` beside the struct [`crate::OSError`]: they live in different namespaces
//! (a value and a type), so both stay usable.
#![allow(non_upper_case_globals)]

pub use crate::error::ExceptionType;

/// `BaseException`.
pub const BaseException: ExceptionType = ExceptionType::BaseException;
/// `Exception`: every exception pyssl raises is one.
pub const Exception: ExceptionType = ExceptionType::Exception;
/// `BaseExceptionGroup`: the base of `ExceptionGroup`.
pub const BaseExceptionGroup: ExceptionType = ExceptionType::BaseExceptionGroup;
/// `ExceptionGroup`: `asyncio.open_connection(..., all_errors=True)` raises one with every
/// connection attempt's error (`pyssl::Error::ExceptionGroup`, whose `exceptions` are
/// Python's `e.exceptions`).
pub const ExceptionGroup: ExceptionType = ExceptionType::ExceptionGroup;
/// `OSError`.
pub const OSError: ExceptionType = ExceptionType::OSError;
/// `IOError`, an alias of `OSError`.
pub const IOError: ExceptionType = ExceptionType::OSError;
/// `EnvironmentError`, an alias of `OSError`.
pub const EnvironmentError: ExceptionType = ExceptionType::OSError;
/// `BlockingIOError`: e.g. `[Errno 11] Resource temporarily unavailable` on a non-blocking
/// socket.
pub const BlockingIOError: ExceptionType = ExceptionType::BlockingIOError;
/// `ChildProcessError`.
pub const ChildProcessError: ExceptionType = ExceptionType::ChildProcessError;
/// `ConnectionError`: the base of `BrokenPipeError`, `ConnectionAbortedError`,
/// `ConnectionRefusedError` and `ConnectionResetError`.
pub const ConnectionError: ExceptionType = ExceptionType::ConnectionError;
/// `BrokenPipeError`.
pub const BrokenPipeError: ExceptionType = ExceptionType::BrokenPipeError;
/// `ConnectionAbortedError`.
pub const ConnectionAbortedError: ExceptionType = ExceptionType::ConnectionAbortedError;
/// `ConnectionRefusedError`.
pub const ConnectionRefusedError: ExceptionType = ExceptionType::ConnectionRefusedError;
/// `ConnectionResetError`.
pub const ConnectionResetError: ExceptionType = ExceptionType::ConnectionResetError;
/// `FileExistsError`.
pub const FileExistsError: ExceptionType = ExceptionType::FileExistsError;
/// `FileNotFoundError`: e.g. a missing `cafile`.
pub const FileNotFoundError: ExceptionType = ExceptionType::FileNotFoundError;
/// `InterruptedError`.
pub const InterruptedError: ExceptionType = ExceptionType::InterruptedError;
/// `IsADirectoryError`.
pub const IsADirectoryError: ExceptionType = ExceptionType::IsADirectoryError;
/// `NotADirectoryError`.
pub const NotADirectoryError: ExceptionType = ExceptionType::NotADirectoryError;
/// `PermissionError`.
pub const PermissionError: ExceptionType = ExceptionType::PermissionError;
/// `ProcessLookupError`.
pub const ProcessLookupError: ExceptionType = ExceptionType::ProcessLookupError;
/// `TimeoutError` (= `socket.timeout`).
pub const TimeoutError: ExceptionType = ExceptionType::TimeoutError;
/// `ValueError`.
pub const ValueError: ExceptionType = ExceptionType::ValueError;
/// `UnicodeError`.
pub const UnicodeError: ExceptionType = ExceptionType::UnicodeError;
/// `UnicodeEncodeError`.
pub const UnicodeEncodeError: ExceptionType = ExceptionType::UnicodeEncodeError;
/// `UnicodeDecodeError`.
pub const UnicodeDecodeError: ExceptionType = ExceptionType::UnicodeDecodeError;
/// `TypeError`.
pub const TypeError: ExceptionType = ExceptionType::TypeError;
/// `EOFError`: the base of `asyncio.IncompleteReadError`.
pub const EOFError: ExceptionType = ExceptionType::EOFError;
/// `RuntimeError`.
pub const RuntimeError: ExceptionType = ExceptionType::RuntimeError;
/// `NotImplementedError`.
pub const NotImplementedError: ExceptionType = ExceptionType::NotImplementedError;
/// `AttributeError`.
pub const AttributeError: ExceptionType = ExceptionType::AttributeError;
/// `LookupError`.
pub const LookupError: ExceptionType = ExceptionType::LookupError;
/// `KeyError`.
pub const KeyError: ExceptionType = ExceptionType::KeyError;
/// `ArithmeticError`.
pub const ArithmeticError: ExceptionType = ExceptionType::ArithmeticError;
/// `OverflowError`.
pub const OverflowError: ExceptionType = ExceptionType::OverflowError;
/// `MemoryError`.
pub const MemoryError: ExceptionType = ExceptionType::MemoryError;
/// `Warning`.
pub const Warning: ExceptionType = ExceptionType::Warning;
/// `UserWarning`.
pub const UserWarning: ExceptionType = ExceptionType::UserWarning;
/// `DeprecationWarning`.
pub const DeprecationWarning: ExceptionType = ExceptionType::DeprecationWarning;
/// `PendingDeprecationWarning`.
pub const PendingDeprecationWarning: ExceptionType = ExceptionType::PendingDeprecationWarning;
/// `RuntimeWarning`.
pub const RuntimeWarning: ExceptionType = ExceptionType::RuntimeWarning;
/// `ImportWarning`.
pub const ImportWarning: ExceptionType = ExceptionType::ImportWarning;
/// `ResourceWarning`.
pub const ResourceWarning: ExceptionType = ExceptionType::ResourceWarning;
