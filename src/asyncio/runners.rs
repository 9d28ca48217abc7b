//! `asyncio.run(main())` (CPython's `Lib/asyncio/runners.py`): run a coroutine on a new event
//! loop, which for pyssl is a tokio runtime.

use std::future::Future;

use crate::error::{Error, Result};

/// `asyncio.run(main())`: runs `main` to completion on a new current-thread tokio runtime (one
/// thread, as asyncio's loop; for more, build a multi-thread runtime and `block_on` it), and
/// returns its result. Inside a running runtime it is CPython's `RuntimeError('asyncio.run()
/// cannot be called from a running event loop')`, not tokio's panic.
///
/// ```text
/// Python:  asyncio.run(main())
/// Rust:    asyncio::run(main())?;
/// ```
///
/// ```
/// use pyssl::asyncio;
/// # fn main() -> pyssl::Result<()> {
/// // Python: async def main(): return await asyncio.wait_for(asyncio.sleep(0, 'done'), 1)
/// //         print(asyncio.run(main()))
/// let done = asyncio::run(async { asyncio::wait_for(async { "done" }, 1.0).await })?;
/// assert_eq!(done, "done");
/// # Ok(())
/// # }
/// ```
pub fn run<T>(main: impl Future<Output = Result<T>>) -> Result<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::RuntimeError(
            "asyncio.run() cannot be called from a running event loop".into(),
        ));
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(main)
}
