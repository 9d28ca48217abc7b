//! FFI: OpenSSL memory BIOs, as CPython's `ssl.MemoryBIO` uses them (`BIO_s_mem` with "retry on
//! empty" until EOF is written), shared between threads under a lock of their own that user
//! callbacks run without, and attaching a pair of them to an `SSL`.

use std::cell::{RefCell, UnsafeCell};
use std::ffi::{c_int, c_long, c_void};
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslRef;
use openssl_sys as sys;

use super::outbuf::OutBuf;

extern "C" {
    fn BIO_ctrl_pending(b: *mut sys::BIO) -> usize;
    fn BIO_set_flags(b: *mut sys::BIO, flags: c_int);
    fn BIO_clear_flags(b: *mut sys::BIO, flags: c_int);
    fn BIO_up_ref(b: *mut sys::BIO) -> c_int;
    fn BIO_free(b: *mut sys::BIO) -> c_int;
    fn SSL_set_bio(ssl: *mut sys::SSL, rbio: *mut sys::BIO, wbio: *mut sys::BIO);
    #[cfg(feature = "asyncio")]
    fn BUF_MEM_new() -> *mut c_void;
}

const BIO_FLAGS_READ: c_int = 0x01;
const BIO_FLAGS_WRITE: c_int = 0x02;
const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
#[cfg(feature = "asyncio")]
const BIO_C_SET_BUF_MEM: c_int = 114;
#[cfg(feature = "asyncio")]
const BIO_CLOSE: c_long = 1;
#[cfg(feature = "asyncio")]
const BIO_C_GET_BUF_MEM_PTR: c_int = 115;

/// OpenSSL's `BUF_MEM` (`struct buf_mem_st`, public in `<openssl/buffer.h>` since 1.1.0).
#[cfg(feature = "asyncio")]
#[repr(C)]
struct BufMem {
    length: usize,
    data: *mut std::ffi::c_char,
    max: usize,
    flags: std::ffi::c_ulong,
}

/// One owned reference to a memory BIO.
pub(crate) struct MemBio(*mut sys::BIO);

// SAFETY: a BIO is plain heap data with no thread affinity; `MemBio` is not `Sync`, and its
// only owner (`SharedBio`) hands it out to one thread at a time.
unsafe impl Send for MemBio {}

impl Drop for MemBio {
    fn drop(&mut self) {
        // SAFETY: `self.0` holds one reference, released exactly once here.
        unsafe { BIO_free(self.0) };
    }
}

impl MemBio {
    /// `BIO_new(BIO_s_mem())` set up as CPython's `MemoryBIO()`: an empty read means "retry"
    /// (`BIO_set_retry_read`, EOF return -1), not end of stream. `None` if allocation failed.
    pub(crate) fn new() -> Option<MemBio> {
        // SAFETY: BIO_s_mem returns a static method table; BIO_new returns an owned BIO or NULL;
        // the flag and ctrl calls only set fields of that fresh BIO.
        unsafe {
            let bio = sys::BIO_new(sys::BIO_s_mem());
            if bio.is_null() {
                return None;
            }
            BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY);
            sys::BIO_ctrl(
                bio,
                BIO_C_SET_BUF_MEM_EOF_RETURN,
                -1 as c_long,
                std::ptr::null_mut(),
            );
            Some(MemBio(bio))
        }
    }

    /// `BIO_ctrl_pending`: bytes buffered.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: `self.0` is a live BIO; exclusive access per the owner's lock.
        unsafe { BIO_ctrl_pending(self.0) }
    }

    /// `BIO_read` of up to `buf.capacity()` bytes (at most `i32::MAX`); `None` on an error.
    pub(crate) fn read(&mut self, buf: &mut OutBuf<'_>) -> Option<usize> {
        buf.write_with(|ptr, len| {
            let len = len.min(i32::MAX as usize) as c_int;
            // SAFETY: `ptr` is writable for `len` bytes; BIO_read writes at most `len` and
            // returns how many (negative: an error, nothing written).
            let got = unsafe { sys::BIO_read(self.0, ptr, len) };
            usize::try_from(got).ok().ok_or(())
        })
        .ok()
    }

    /// `BIO_write` of all of `data` (at most `i32::MAX` bytes, checked by the caller).
    pub(crate) fn write(&mut self, data: &[u8]) -> c_int {
        // SAFETY: `data` is valid for reads of its length, which the caller keeps ≤ i32::MAX.
        unsafe { sys::BIO_write(self.0, data.as_ptr() as *const c_void, data.len() as c_int) }
    }

    /// CPython's `write_eof()`: from now on an empty read is a real end of stream.
    pub(crate) fn set_eof(&mut self) {
        // SAFETY: flag and ctrl calls on a live BIO.
        unsafe {
            BIO_clear_flags(
                self.0,
                BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY,
            );
            sys::BIO_ctrl(
                self.0,
                BIO_C_SET_BUF_MEM_EOF_RETURN,
                0,
                std::ptr::null_mut(),
            );
        }
    }

    /// Gives the buffer's memory back when it holds nothing: a memory BIO keeps the largest
    /// size it ever grew to (a 64 KiB read from a socket, a certificate flight), which an idle
    /// connection has no use for. `BIO_set_mem_buf` installs a fresh empty `BUF_MEM`, freeing
    /// the old one; the BIO's flags and EOF behaviour are the BIO's, not the buffer's, and stay.
    #[cfg(feature = "asyncio")]
    pub(crate) fn release_if_empty(&mut self) {
        if self.pending() != 0 || self.capacity() == 0 {
            return;
        }
        // SAFETY: `self.0` is a live memory BIO (exclusive access per the owner's lock) that owns
        // its buffer (BIO_CLOSE, the default); BIO_C_SET_BUF_MEM frees that buffer and takes
        // ownership of `fresh`, a new BUF_MEM (NULL on allocation failure: nothing is changed).
        unsafe {
            let fresh = BUF_MEM_new();
            if fresh.is_null() {
                return;
            }
            sys::BIO_ctrl(self.0, BIO_C_SET_BUF_MEM, BIO_CLOSE, fresh);
        }
    }

    /// Bytes the buffer has room for (0: nothing allocated, nothing to give back).
    #[cfg(feature = "asyncio")]
    pub(crate) fn capacity(&self) -> usize {
        let mut buf: *mut BufMem = std::ptr::null_mut();
        // SAFETY: `self.0` is a live memory BIO; BIO_C_GET_BUF_MEM_PTR stores a pointer to its
        // BUF_MEM (owned by the BIO, valid until the BIO's next call) into `buf`.
        unsafe {
            sys::BIO_ctrl(
                self.0,
                BIO_C_GET_BUF_MEM_PTR,
                0,
                &mut buf as *mut *mut BufMem as *mut c_void,
            )
        };
        if buf.is_null() {
            return 0;
        }
        // SAFETY: `buf` points to the BIO's live BUF_MEM, a `struct buf_mem_st` (`BufMem`'s
        // layout), and nothing else uses the BIO meanwhile (exclusive access).
        unsafe { (*buf).max }
    }

    /// Whether two handles are the same BIO.
    pub(crate) fn same_as(&self, other: &MemBio) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// `SSL_set_bio(ssl, incoming, outgoing)`: the SSL reads from `incoming` and writes to
/// `outgoing`, holding its own references (so the `MemoryBIO`s stay valid on both sides).
pub(crate) fn attach(ssl: &mut SslRef, incoming: &MemBio, outgoing: &MemBio) {
    // SAFETY: SSL_set_bio takes ownership of one reference per distinct BIO, so we add exactly
    // that many (one when both are the same BIO) before handing them over.
    unsafe {
        BIO_up_ref(incoming.0);
        if !incoming.same_as(outgoing) {
            BIO_up_ref(outgoing.0);
        }
        SSL_set_bio(ssl.as_ptr(), incoming.0, outgoing.0);
    }
}

/// A memory BIO shared by `MemoryBIO` handles and the `SSLObject`s that read and write it, with
/// a lock of its own (OpenSSL's BIOs are not thread-safe). Unlike a `Mutex`'s, the lock is not
/// tied to a guard's scope: an `SSLObject` call holds its BIOs through [`with_locked`], and the
/// user callbacks OpenSSL makes meanwhile run with them released ([`unlocked`]), so a callback
/// may use the buffers (or wait for a thread that does) as CPython allows.
pub(crate) struct SharedBio {
    bio: UnsafeCell<MemBio>,
    busy: Mutex<BioLock>,
    freed: Condvar,
}

/// Whether a thread holds the BIO, and how many wait for it: a release wakes a waiter only if
/// there is one (`Condvar::notify_one` is a `futex` system call even with no waiter, which made
/// every asyncio read and write pay several).
#[derive(Default)]
struct BioLock {
    held: bool,
    waiting: usize,
}

// SAFETY: `bio` is touched only by the one thread that holds the `busy` flag: through a
// `BioGuard`, or by OpenSSL inside a `with_locked` call (which a callback's `unlocked` window
// interrupts only while OpenSSL is outside every BIO operation).
unsafe impl Sync for SharedBio {}

impl SharedBio {
    /// A new memory BIO (`MemBio::new`); `None` if allocation failed.
    pub(crate) fn new() -> Option<SharedBio> {
        Some(SharedBio {
            bio: UnsafeCell::new(MemBio::new()?),
            busy: Mutex::new(BioLock::default()),
            freed: Condvar::new(),
        })
    }

    /// Waits for the BIO, for one operation.
    pub(crate) fn lock(&self) -> BioGuard<'_> {
        self.acquire();
        BioGuard(self)
    }

    fn acquire(&self) {
        let mut lock = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        while lock.held {
            lock.waiting += 1;
            lock = self.freed.wait(lock).unwrap_or_else(|p| p.into_inner());
            lock.waiting -= 1;
        }
        lock.held = true;
    }

    fn release(&self) {
        let waiting = {
            let mut lock = self.busy.lock().unwrap_or_else(|p| p.into_inner());
            lock.held = false;
            lock.waiting
        };
        if waiting > 0 {
            self.freed.notify_one();
        }
    }
}

/// One thread's use of a [`SharedBio`].
pub(crate) struct BioGuard<'a>(&'a SharedBio);

impl Deref for BioGuard<'_> {
    type Target = MemBio;
    fn deref(&self) -> &MemBio {
        // SAFETY: this guard holds the `busy` flag, so no other reference to `bio` is in use.
        unsafe { &*self.0.bio.get() }
    }
}

impl DerefMut for BioGuard<'_> {
    fn deref_mut(&mut self) -> &mut MemBio {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference through the guard.
        unsafe { &mut *self.0.bio.get() }
    }
}

impl Drop for BioGuard<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// The distinct BIOs of one `with_locked` call in address order (so that two threads cannot
/// deadlock): an `SSLObject`'s incoming and outgoing buffers, which may be one. Kept inline,
/// as every `SSLObject` call registers one.
#[derive(Clone, Copy)]
struct BioSet {
    bios: [*const SharedBio; 2],
    len: usize,
}

impl BioSet {
    const EMPTY: BioSet = BioSet {
        bios: [std::ptr::null(); 2],
        len: 0,
    };

    fn of(a: &SharedBio, b: &SharedBio) -> BioSet {
        let (a, b) = (a as *const SharedBio, b as *const SharedBio);
        BioSet {
            bios: [a.min(b), a.max(b)],
            len: if a == b { 1 } else { 2 },
        }
    }

    /// Runs `f` on each BIO of the set, in order.
    fn each(&self, f: impl Fn(&SharedBio)) {
        for &b in &self.bios[..self.len] {
            // SAFETY: a set is registered (and reachable here) only while its `with_locked`
            // call runs, whose borrows keep every BIO in it alive; the reference does not
            // outlive `f`.
            f(unsafe { &*b })
        }
    }
}

/// The BIOs of one `with_locked` call, and whether it holds them now (not inside `unlocked`).
struct Held {
    set: BioSet,
    locked: bool,
}

thread_local! {
    /// This thread's `with_locked` calls, innermost last.
    static HELD: RefCell<Vec<Held>> = const { RefCell::new(Vec::new()) };
}

/// Holds `incoming` and `outgoing` (once if they are one BIO) while `f` runs OpenSSL on them.
pub(crate) fn with_locked<R>(
    incoming: &SharedBio,
    outgoing: &SharedBio,
    f: impl FnOnce() -> R,
) -> R {
    let set = BioSet::of(incoming, outgoing);
    set.each(SharedBio::acquire);
    HELD.with(|held| held.borrow_mut().push(Held { set, locked: true }));
    /// Releases the innermost set, also when `f` unwinds.
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            if let Some(Held { set, locked: true }) = HELD.with(|held| held.borrow_mut().pop()) {
                set.each(SharedBio::release);
            }
        }
    }
    let _release = Release;
    f()
}

/// Runs user code (a callback OpenSSL makes) with the BIOs of this thread's innermost
/// `with_locked` call released, and takes them back afterwards (also when `f` unwinds). Inside
/// a callback that released them already (a TLS socket's handshake run from an `SSLObject`'s
/// callback), there is nothing more to release.
pub(crate) fn unlocked<R>(f: impl FnOnce() -> R) -> R {
    let set = HELD.with(|held| match held.borrow_mut().last_mut() {
        Some(h) if h.locked => {
            h.locked = false;
            h.set
        }
        _ => BioSet::EMPTY,
    });
    set.each(SharedBio::release);
    /// Takes the set back, in the same order, and marks it held again.
    struct Retake(BioSet);
    impl Drop for Retake {
        fn drop(&mut self) {
            if self.0.len == 0 {
                return;
            }
            self.0.each(SharedBio::acquire);
            HELD.with(|held| {
                if let Some(h) = held.borrow_mut().last_mut() {
                    h.locked = true;
                }
            });
        }
    }
    let _retake = Retake(set);
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy(b: &SharedBio) -> bool {
        b.busy.lock().unwrap().held
    }

    #[test]
    fn callbacks_run_with_the_bios_released_once() {
        let (a, b) = (SharedBio::new().unwrap(), SharedBio::new().unwrap());
        with_locked(&b, &a, || {
            assert!(busy(&a) && busy(&b));
            unlocked(|| {
                assert!(!busy(&a) && !busy(&b));
                // The callback (or a thread it waits for) uses a buffer...
                let guard = a.lock();
                // ...and a nested callback, with nothing of its own to release, leaves it be.
                unlocked(|| assert!(busy(&a)));
                assert!(busy(&a));
                drop(guard);
            });
            assert!(busy(&a) && busy(&b));
        });
        assert!(!busy(&a) && !busy(&b));
    }

    /// Threads that queue for one BIO are all let in: a release skips the wake-up only when
    /// nobody waits, and none is lost.
    #[test]
    fn contended_bio_wakes_every_waiter() {
        let bio = std::sync::Arc::new(SharedBio::new().unwrap());
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let first = bio.lock();
        for _ in 0..4 {
            let (bio, done_tx) = (bio.clone(), done_tx.clone());
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    let guard = bio.lock();
                    std::thread::yield_now();
                    drop(guard);
                }
                let _ = done_tx.send(());
            });
        }
        // Let the four queue behind `first` before it goes.
        while bio.busy.lock().unwrap().waiting < 4 {
            std::thread::yield_now();
        }
        drop(first);
        for _ in 0..4 {
            let finished = done_rx.recv_timeout(std::time::Duration::from_secs(60));
            assert!(
                finished.is_ok(),
                "a thread waiting for the BIO was never woken"
            );
        }
        let lock = bio.busy.lock().unwrap();
        assert!(!lock.held && lock.waiting == 0);
    }
}
