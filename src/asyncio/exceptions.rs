//! asyncio's exception classes (CPython's `Lib/asyncio/exceptions.py`), as the values
//! `except` clauses name: `except asyncio.IncompleteReadError as e:` is
//! `Err(e) if e.isinstance(asyncio::IncompleteReadError) =>`, or a match on the
//! [`Error`](crate::Error) variant of the same name, which carries the attributes.
#![allow(non_upper_case_globals)]

use crate::error::ExceptionType;

/// `asyncio.IncompleteReadError` (`asyncio.exceptions.IncompleteReadError`), the class:
/// `except asyncio.IncompleteReadError as e:` is
/// `Err(Error::IncompleteReadError { partial, expected }) =>` or
/// `Err(e) if e.isinstance(asyncio::IncompleteReadError) =>`.
pub const IncompleteReadError: ExceptionType = ExceptionType::IncompleteReadError;

/// `asyncio.LimitOverrunError`, the class.
pub const LimitOverrunError: ExceptionType = ExceptionType::LimitOverrunError;

/// `asyncio.TimeoutError`: since Python 3.11 the builtin `TimeoutError`.
pub const TimeoutError: ExceptionType = ExceptionType::TimeoutError;
