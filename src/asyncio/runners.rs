//! `asyncio.run(main())` (CPython's `Lib/asyncio/runners.py`): run a program's top-level
//! coroutine on a fresh event loop, then close the loop.

use std::future::Future;

use crate::error::{Error, Result};

/// `asyncio.run(main())`: runs `main` on a new tokio current-thread runtime (one thread, as
/// asyncio's loop is, with the I/O and timer drivers on) and returns its output; tasks still
/// running when `main` ends are cancelled as the runtime is dropped, as `asyncio.run` cancels
/// the remaining tasks before closing the loop.
///
/// ```text
/// Python:  asyncio.run(main())                       sys.exit(asyncio.run(main()))
/// Rust:    asyncio::run(main())??;                   process::exit(asyncio::run(main())??);
/// ```
///
/// The outer `Result` is the runner's own failure (the inner one is `main`'s): called where
/// a runtime is already running, it is CPython's
/// `RuntimeError: asyncio.run() cannot be called from a running event loop` (tokio would panic).
///
/// ```
/// use pyssl::asyncio;
///
/// async fn main_() -> pyssl::Result<i32> {
///     asyncio::wait_for(async { 7 }, 1.0).await
/// }
/// assert_eq!(asyncio::run(main_())??, 7);
///
/// let nested = asyncio::run(async { asyncio::run(async {}) })?.unwrap_err();
/// assert_eq!(nested.to_string(), "asyncio.run() cannot be called from a running event loop");
/// # Ok::<(), pyssl::Error>(())
/// ```
pub fn run<F: Future>(main: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::RuntimeError(
            "asyncio.run() cannot be called from a running event loop".into(),
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(main))
}
