//! Per-thread scratch buffers for socket reads and TLS decryption, allocated (and zeroed) once
//! per thread: an array on the stack would be zeroed again on every event, which a busy
//! connection of small messages pays for each time.

use std::cell::RefCell;

/// Bytes read from the socket per `recv` (CPython's `max_size` is 256 KiB).
const SOCKET_READ: usize = 64 * 1024;
/// Plaintext read per `SSLObject.read`: one TLS record's worth.
const PLAINTEXT_READ: usize = 16 * 1024;

thread_local! {
    static SOCKET: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static PLAINTEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn with<R>(
    key: &'static std::thread::LocalKey<RefCell<Vec<u8>>>,
    size: usize,
    f: impl FnOnce(&mut [u8]) -> R,
) -> R {
    let mut f = Some(f);
    let shared = key.try_with(|cell| {
        let mut buf = cell.try_borrow_mut().ok()?;
        if buf.len() < size {
            buf.resize(size, 0);
        }
        Some((f.take().expect("called once"))(&mut buf[..size]))
    });
    match shared {
        Ok(Some(result)) => result,
        // In use further up this thread's stack, or the thread is ending: a buffer of its own.
        _ => (f.take().expect("not called yet"))(&mut vec![0; size]),
    }
}

/// Runs `f` with the thread's socket read buffer.
pub(crate) fn socket_buffer<R>(f: impl FnOnce(&mut [u8]) -> R) -> R {
    with(&SOCKET, SOCKET_READ, f)
}

/// Runs `f` with the thread's plaintext buffer.
pub(crate) fn plaintext_buffer<R>(f: impl FnOnce(&mut [u8]) -> R) -> R {
    with(&PLAINTEXT, PLAINTEXT_READ, f)
}
