//! `ssl.MemoryBIO`: an in-memory byte buffer OpenSSL reads from or writes to, the transport of
//! the sans-I/O `SSLObject`.
//!
//! ```text
//! Python:  incoming = ssl.MemoryBIO(); incoming.write(data); incoming.pending
//! Rust:    let incoming = ssl::MemoryBIO::new()?; incoming.write(&data)?; incoming.pending()
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::errors;
use crate::error::{Error, Result, SSLError};
use crate::ffi::bio::{BioGuard, SharedBio};
use crate::ffi::outbuf;

/// `ssl.MemoryBIO`. Clones are handles to the same buffer, as Python references are; the
/// `SSLObject` it is given to keeps a handle too.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
///
/// // Python: bio = ssl.MemoryBIO(); bio.write(b'hello')
/// let bio = ssl::MemoryBIO::new()?;
/// assert_eq!(bio.write(b"hello")?, 5);
/// // Python: bio.read(2), bio.pending
/// assert_eq!(bio.read(2)?, b"he");
/// assert_eq!(bio.pending(), 3);
/// // Python: bio.write_eof(); bio.read(); bio.eof
/// bio.write_eof();
/// assert!(!bio.eof()); // still 3 bytes to read
/// assert_eq!(bio.read(-1)?, b"llo");
/// assert!(bio.eof());
/// // Python: bio.write(b'x')  ->  ssl.SSLError: ('cannot write() after write_eof()',)
/// assert_eq!(bio.write(b"x").unwrap_err().to_string(), "('cannot write() after write_eof()',)");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryBIO {
    shared: Arc<Shared>,
}

struct Shared {
    bio: SharedBio,
    eof_written: AtomicBool,
}

impl std::fmt::Debug for MemoryBIO {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<_ssl.MemoryBIO object at {:p}>",
            Arc::as_ptr(&self.shared)
        )
    }
}

impl MemoryBIO {
    /// `ssl.MemoryBIO()`: an empty buffer.
    ///
    /// ```text
    /// Python:  bio = ssl.MemoryBIO()
    /// Rust:    let bio = ssl::MemoryBIO::new()?;
    /// ```
    pub fn new() -> Result<MemoryBIO> {
        let bio = SharedBio::new().ok_or_else(errors::from_queue)?;
        Ok(MemoryBIO {
            shared: Arc::new(Shared {
                bio,
                eof_written: AtomicBool::new(false),
            }),
        })
    }

    /// Locks the buffer for one operation.
    pub(crate) fn lock(&self) -> BioGuard<'_> {
        self.shared.bio.lock()
    }

    /// The shared buffer, for an `SSLObject`'s calls (`ffi::bio::with_locked`).
    pub(crate) fn shared_bio(&self) -> &SharedBio {
        &self.shared.bio
    }

    /// Frees the buffer's memory if it is empty (for idle connections; see
    /// `ffi::bio::MemBio::release_if_empty`).
    #[cfg(feature = "asyncio")]
    pub(crate) fn release_if_empty(&self) {
        self.lock().release_if_empty();
    }

    /// Whether two handles share one buffer.
    pub(crate) fn same_as(&self, other: &MemoryBIO) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// `bio.pending`: bytes buffered.
    ///
    /// ```text
    /// Python:  bio.pending
    /// Rust:    bio.pending()
    /// ```
    pub fn pending(&self) -> usize {
        self.lock().pending()
    }

    /// `bio.eof`: `write_eof()` was called and everything has been read.
    ///
    /// ```text
    /// Python:  bio.eof
    /// Rust:    bio.eof()
    /// ```
    pub fn eof(&self) -> bool {
        self.shared.eof_written.load(Ordering::SeqCst) && self.pending() == 0
    }

    /// `bio.read(size=-1)`: up to `size` bytes (all of them for a negative size, Python's
    /// default); `b''` when empty.
    ///
    /// ```text
    /// Python:  data = bio.read()
    /// Rust:    let data = bio.read(-1)?;
    /// ```
    ///
    /// `size` is a C `int` in CPython: beyond it is `OverflowError('Python int too large to
    /// convert to C int')`.
    pub fn read(&self, size: isize) -> Result<Vec<u8>> {
        let size = i32::try_from(size)
            .map_err(|_| Error::OverflowError("Python int too large to convert to C int".into()))?;
        let mut bio = self.lock();
        let avail = bio.pending();
        let n = match usize::try_from(size) {
            Ok(size) if size <= avail => size,
            _ => avail,
        };
        if n == 0 {
            return Ok(Vec::new());
        }
        outbuf::read_new(n, |buf| bio.read(buf).ok_or_else(errors::from_queue))
    }

    /// `bio.write(data)`: appends `data`, returning its length. After `write_eof()` this is
    /// Python's `SSLError('cannot write() after write_eof()')`.
    ///
    /// ```text
    /// Python:  bio.write(data)
    /// Rust:    bio.write(&data)?;
    /// ```
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        if data.len() > i32::MAX as usize {
            return Err(Error::OverflowError(
                "string longer than 2147483647 bytes".into(),
            ));
        }
        if self.shared.eof_written.load(Ordering::SeqCst) {
            return Err(SSLError::single("cannot write() after write_eof()").into());
        }
        let n = self.lock().write(data);
        if n < 0 {
            return Err(errors::from_queue());
        }
        Ok(n as usize)
    }

    /// `bio.write_eof()`: no more data will come; once drained, reads see end of stream.
    ///
    /// ```text
    /// Python:  bio.write_eof()
    /// Rust:    bio.write_eof();
    /// ```
    pub fn write_eof(&self) {
        self.shared.eof_written.store(true, Ordering::SeqCst);
        self.lock().set_eof();
    }
}

#[cfg(all(test, feature = "asyncio"))]
mod tests {
    use super::MemoryBIO;

    #[test]
    fn a_released_buffer_keeps_working_and_keeps_its_eof_mode() {
        let bio = MemoryBIO::new().unwrap();
        bio.write(&vec![7u8; 100_000]).unwrap();
        bio.release_if_empty(); // not empty: kept
        assert_eq!(bio.pending(), 100_000);
        assert_eq!(bio.read(-1).unwrap().len(), 100_000);
        bio.release_if_empty();
        assert!(!bio.eof());
        bio.write(b"abc").unwrap();
        assert_eq!(bio.read(-1).unwrap(), b"abc");
        bio.write_eof();
        bio.release_if_empty();
        assert!(bio.eof());
        assert!(bio.write(b"x").is_err());
    }

    #[test]
    fn releasing_gives_the_memory_back_and_an_empty_buffer_is_left_alone() {
        let bio = MemoryBIO::new().unwrap();
        assert_eq!(bio.lock().capacity(), 0);
        bio.write(&vec![7u8; 100_000]).unwrap();
        assert_eq!(bio.read(-1).unwrap().len(), 100_000);
        assert!(bio.lock().capacity() >= 100_000);
        bio.release_if_empty();
        assert_eq!(bio.lock().capacity(), 0);
        bio.release_if_empty();
        assert_eq!(bio.lock().capacity(), 0);
        bio.write(b"abc").unwrap();
        assert_eq!(bio.read(-1).unwrap(), b"abc");
    }
}
