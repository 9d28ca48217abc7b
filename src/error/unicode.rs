//! Python's `UnicodeEncodeError` and `UnicodeDecodeError`: a codec failed on part of a text
//! (`str.encode`) or of bytes (`bytes.decode`). Both subclass `UnicodeError`, itself a
//! `ValueError`, and carry `encoding`, `object`, `start`, `end` and `reason`.
//!
//! ```text
//! Python:  except UnicodeEncodeError as e: print(e.start, e.reason)
//! Rust:    Err(Error::UnicodeEncodeError(e)) => println!("{} {}", e.start, e.reason),
//! ```

use std::fmt;

use crate::pyrepr::{PyBytes, PyRepr, PyStr};

/// `UnicodeEncodeError(encoding, object, start, end, reason)`: `object[start:end]` (positions
/// in characters, as Python counts them) could not be encoded.
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::UnicodeEncodeError;
///
/// // Python: e = UnicodeEncodeError('ascii', 'pythön', 4, 5, 'ordinal not in range(128)')
/// let e = UnicodeEncodeError::new("ascii", "pythön", 4, 5, "ordinal not in range(128)");
/// // Python: str(e)
/// assert_eq!(e.to_string(), "'ascii' codec can't encode character '\\xf6' in position 4: ordinal not in range(128)");
/// // Python: repr(e)
/// assert_eq!(e.py_repr(), "UnicodeEncodeError('ascii', 'pythön', 4, 5, 'ordinal not in range(128)')");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnicodeEncodeError {
    /// `e.encoding`: the codec, e.g. `'idna'` or `'ascii'`.
    pub encoding: String,
    /// `e.object`: the whole text being encoded.
    pub object: String,
    /// `e.start`: the first bad character's index (in characters).
    pub start: usize,
    /// `e.end`: one past the last bad character's index.
    pub end: usize,
    /// `e.reason`, e.g. `'label empty'`.
    pub reason: String,
}

impl UnicodeEncodeError {
    /// `UnicodeEncodeError(encoding, object, start, end, reason)`.
    pub fn new(
        encoding: impl Into<String>,
        object: impl Into<String>,
        start: usize,
        end: usize,
        reason: impl Into<String>,
    ) -> UnicodeEncodeError {
        UnicodeEncodeError {
            encoding: encoding.into(),
            object: object.into(),
            start,
            end,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for UnicodeEncodeError {
    /// Python's `str(e)`: the character itself when exactly one in range is bad, else the
    /// span (`start`-`end - 1`, printed as is even when out of range, as CPython does).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (encoding, start, reason) = (&self.encoding, self.start, &self.reason);
        let len = self.object.chars().count();
        if start < len && self.end == start + 1 {
            let c = self.object.chars().nth(start).map_or(0, u32::from);
            let shown = if c <= 0xff {
                format!("\\x{c:02x}")
            } else if c <= 0xffff {
                format!("\\u{c:04x}")
            } else {
                format!("\\U{c:08x}")
            };
            write!(
                f,
                "'{encoding}' codec can't encode character '{shown}' in position {start}: {reason}"
            )
        } else {
            write!(
                f,
                "'{encoding}' codec can't encode characters in position {start}-{}: {reason}",
                self.end as i64 - 1
            )
        }
    }
}

impl PyRepr for UnicodeEncodeError {
    /// Python's `repr(e)`: `UnicodeEncodeError('idna', 'a..b', 2, 3, 'label empty')`.
    fn py_repr(&self) -> String {
        format!(
            "UnicodeEncodeError({}, {}, {}, {}, {})",
            PyStr(&self.encoding).py_repr(),
            PyStr(&self.object).py_repr(),
            self.start,
            self.end,
            PyStr(&self.reason).py_repr()
        )
    }
}

/// `UnicodeDecodeError(encoding, object, start, end, reason)`: `object[start:end]` (byte
/// positions) could not be decoded.
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::UnicodeDecodeError;
///
/// // Python: e = b'h\xff'.decode('utf-8')   (raises)
/// let e = UnicodeDecodeError::new("utf-8", b"h\xff", 1, 2, "invalid start byte");
/// assert_eq!(e.to_string(), "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte");
/// assert_eq!(e.py_repr(), "UnicodeDecodeError('utf-8', b'h\\xff', 1, 2, 'invalid start byte')");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnicodeDecodeError {
    /// `e.encoding`: the codec, e.g. `'utf-8'`.
    pub encoding: String,
    /// `e.object`: the whole bytes being decoded.
    pub object: Vec<u8>,
    /// `e.start`: the first bad byte's index.
    pub start: usize,
    /// `e.end`: one past the last bad byte's index.
    pub end: usize,
    /// `e.reason`, e.g. `'invalid start byte'`.
    pub reason: String,
}

impl UnicodeDecodeError {
    /// `UnicodeDecodeError(encoding, object, start, end, reason)`.
    pub fn new(
        encoding: impl Into<String>,
        object: impl Into<Vec<u8>>,
        start: usize,
        end: usize,
        reason: impl Into<String>,
    ) -> UnicodeDecodeError {
        UnicodeDecodeError {
            encoding: encoding.into(),
            object: object.into(),
            start,
            end,
            reason: reason.into(),
        }
    }

    /// `bytes.decode('utf-8')`'s error for `bytes`, which `std::str::from_utf8` rejected with
    /// `e`. Rust and CPython agree on the maximal invalid subpart, so only the reason is chosen.
    pub(crate) fn utf8(bytes: &[u8], e: std::str::Utf8Error) -> UnicodeDecodeError {
        let start = e.valid_up_to();
        let (end, reason) = match e.error_len() {
            None => (bytes.len(), "unexpected end of data"),
            Some(n) if n > 1 => (start + n, "invalid continuation byte"),
            Some(n) => {
                let reason = match bytes[start] {
                    0xc2..=0xf4 => "invalid continuation byte",
                    _ => "invalid start byte",
                };
                (start + n, reason)
            }
        };
        UnicodeDecodeError::new("utf-8", bytes, start, end, reason)
    }
}

impl fmt::Display for UnicodeDecodeError {
    /// Python's `str(e)`: the byte itself when exactly one in range is bad, else the span.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (encoding, start, reason) = (&self.encoding, self.start, &self.reason);
        if start < self.object.len() && self.end == start + 1 {
            write!(
                f,
                "'{encoding}' codec can't decode byte 0x{:02x} in position {start}: {reason}",
                self.object[start]
            )
        } else {
            write!(
                f,
                "'{encoding}' codec can't decode bytes in position {start}-{}: {reason}",
                self.end as i64 - 1
            )
        }
    }
}

impl PyRepr for UnicodeDecodeError {
    /// Python's `repr(e)`: `UnicodeDecodeError('utf-8', b'\xff', 0, 1, 'invalid start byte')`.
    fn py_repr(&self) -> String {
        format!(
            "UnicodeDecodeError({}, {}, {}, {}, {})",
            PyStr(&self.encoding).py_repr(),
            PyBytes(&self.object).py_repr(),
            self.start,
            self.end,
            PyStr(&self.reason).py_repr()
        )
    }
}

/// `s.encode('ascii')`: the bytes, or Python's error naming the first run of non-ASCII
/// characters (`'äö'` fails at positions 0-1, as one span).
pub(crate) fn encode_ascii(s: &str) -> Result<&[u8], UnicodeEncodeError> {
    let Some(start) = s.chars().position(|c| !c.is_ascii()) else {
        return Ok(s.as_bytes());
    };
    let run = s.chars().skip(start).take_while(|c| !c.is_ascii()).count();
    let reason = "ordinal not in range(128)";
    Err(UnicodeEncodeError::new(
        "ascii",
        s,
        start,
        start + run,
        reason,
    ))
}

/// `bytes.decode('utf-8')`.
pub(crate) fn decode_utf8(bytes: &[u8]) -> Result<&str, UnicodeDecodeError> {
    std::str::from_utf8(bytes).map_err(|e| UnicodeDecodeError::utf8(bytes, e))
}
