//! FFI: the buffers C calls write into. A size the caller asks for (`sock.recv(n)`,
//! `ssock.read(n)`, `ssl.RAND_bytes(n)`) is allocated as CPython's
//! `PyBytes_FromStringAndSize(NULL, n)` allocates it: fallibly, and without zero-filling, so a
//! huge size is `MemoryError`/`OverflowError` rather than an abort, and only the pages the data
//! lands on are touched.

use std::ffi::c_void;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use crate::error::{Error, Result};

/// Room for one C call to write up to [`capacity`](OutBuf::capacity) bytes: an initialised
/// slice (Python's `recv_into(buffer)`) or the spare capacity of a `Vec` that
/// [`read_new`] is filling (Python's `recv(n)`).
pub(crate) struct OutBuf<'a> {
    ptr: *mut u8,
    capacity: usize,
    /// What the last C call reported written: that many bytes from `ptr` are initialised.
    filled: usize,
    _borrow: PhantomData<&'a mut [MaybeUninit<u8>]>,
}

impl<'a> From<&'a mut [u8]> for OutBuf<'a> {
    fn from(slice: &'a mut [u8]) -> OutBuf<'a> {
        OutBuf {
            ptr: slice.as_mut_ptr(),
            capacity: slice.len(),
            filled: 0,
            _borrow: PhantomData,
        }
    }
}

impl<'a> OutBuf<'a> {
    fn spare(spare: &'a mut [MaybeUninit<u8>]) -> OutBuf<'a> {
        OutBuf {
            ptr: spare.as_mut_ptr().cast(),
            capacity: spare.len(),
            filled: 0,
            _borrow: PhantomData,
        }
    }
}

impl OutBuf<'_> {
    /// How many bytes a call may write.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Runs `call(ptr, len)`, a C call that writes at most `len` bytes at `ptr` and returns how
    /// many it wrote (an `Err` when it wrote nothing to keep), and records that count. Only ffi
    /// code runs C calls: `read_new` trusts the count to say which bytes are initialised.
    pub(super) fn write_with<E>(
        &mut self,
        call: impl FnOnce(*mut c_void, usize) -> std::result::Result<usize, E>,
    ) -> std::result::Result<usize, E> {
        self.filled = 0;
        let n = call(self.ptr.cast(), self.capacity)?;
        self.filled = n.min(self.capacity);
        Ok(n)
    }
}

/// CPython's `PyBytes_FromStringAndSize(NULL, size)` followed by `fill` writing into it: the
/// bytes written, as a `Vec` no larger than it needs to be. `fill` returns the count it
/// reports (never more than its C call wrote). A size no bytes object can have is CPython's
/// `OverflowError`; an allocation that fails is `MemoryError()`.
pub(crate) fn read_new(
    size: usize,
    fill: impl FnOnce(&mut OutBuf<'_>) -> Result<usize>,
) -> Result<Vec<u8>> {
    check_bytes_size(size)?;
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(size)
        .map_err(|_| Error::MemoryError(String::new()))?;
    let n = {
        let mut out = OutBuf::spare(&mut buf.spare_capacity_mut()[..size]);
        let reported = fill(&mut out)?;
        reported.min(out.filled)
    };
    // SAFETY: `out.filled` counted bytes a C call reported writing at the start of this very
    // allocation (`write_with`), never beyond `size` <= its capacity; `n` is at most that.
    unsafe { buf.set_len(n) };
    // Give back a large unused tail (CPython's `_PyBytes_Resize`); a small one is not worth
    // a reallocation on every read.
    if buf.capacity() - n > SHRINK_ABOVE {
        buf.shrink_to_fit();
    }
    Ok(buf)
}

/// Unused bytes a result may keep.
const SHRINK_ABOVE: usize = 16 * 1024;

/// CPython's limits for a bytes object of `size` bytes: a size beyond `Py_ssize_t` cannot be
/// passed at all, and one that leaves no room for the object's header (`ob_sval`'s offset plus
/// the trailing NUL: 33 bytes on 64-bit) "is too large".
fn check_bytes_size(size: usize) -> Result<()> {
    const PY_SSIZE_T_MAX: usize = isize::MAX as usize;
    const BYTES_HEADER: usize = 4 * std::mem::size_of::<usize>() + 1;
    if size > PY_SSIZE_T_MAX {
        Err(Error::OverflowError(
            "Python int too large to convert to C ssize_t".into(),
        ))
    } else if size > PY_SSIZE_T_MAX - BYTES_HEADER {
        Err(Error::OverflowError("byte string is too large".into()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_beyond_a_bytes_object_are_overflow_errors() {
        let max = isize::MAX as usize;
        let err = |size| read_new(size, |_| Ok(0)).unwrap_err().to_string();
        assert_eq!(err(max + 1), "Python int too large to convert to C ssize_t");
        assert_eq!(err(max), "byte string is too large");
        assert_eq!(err(max - 32), "byte string is too large");
        // One byte less fits the header: then it is the allocation that fails.
        let e = read_new(max - 33, |_| Ok(0)).unwrap_err();
        assert_eq!(
            (e.type_name(), e.to_string()),
            ("MemoryError", String::new())
        );
    }

    #[test]
    fn only_what_the_call_wrote_is_kept() {
        let got = read_new(8, |out| {
            out.write_with(|p, len| {
                assert_eq!(len, 8);
                // SAFETY: `p` is writable for `len` >= 3 bytes.
                unsafe { std::ptr::copy_nonoverlapping(b"abc".as_ptr(), p.cast(), 3) };
                Ok::<_, Error>(3)
            })
        })
        .unwrap();
        assert_eq!(got, b"abc");
        // A count above what the call wrote is cut to it.
        assert_eq!(read_new(8, |_| Ok(5)).unwrap(), b"");
    }
}
