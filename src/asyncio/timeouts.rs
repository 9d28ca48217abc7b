//! `asyncio.wait_for(aw, timeout)` and `async with asyncio.timeout(delay):` (CPython's
//! `Lib/asyncio/tasks.py` and `timeouts.py`): give up on an awaitable after `delay` seconds
//! with a bare `TimeoutError`. Giving up drops the future, which is tokio's cancellation: an
//! `open_connection` dropped mid-handshake closes its transport, as CPython's cancelled one
//! does.

use std::future::Future;

use tokio::time::Duration;

use crate::error::{Error, Result};

/// `None` waits for ever; a delay of zero or less (or NaN) lets the body run until it first
/// waits, as CPython's `timeout()` does.
fn duration(delay: Option<f64>) -> Option<Duration> {
    delay.map(|d| {
        Duration::try_from_secs_f64(d).unwrap_or(if d > 0.0 {
            Duration::MAX
        } else {
            Duration::ZERO
        })
    })
}

/// `await asyncio.wait_for(aw, timeout)`: `aw`'s output, or `TimeoutError()` (whose
/// `str()` is empty) after `timeout` seconds (at once for a timeout of zero or less: CPython
/// cancels the coroutine before it starts). The outer `Result` is the timeout; `aw`'s own
/// `Result` is inside it, so a port writes `??`.
///
/// ```text
/// Python:  reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=ctx), 10)
/// Rust:    let (reader, writer) = asyncio::wait_for(asyncio::open_connection(host, port, kw), 10.0).await??;
/// ```
pub async fn wait_for<F: Future>(aw: F, timeout: impl Into<Option<f64>>) -> Result<F::Output> {
    let timeout = timeout.into();
    // CPython cancels a coroutine given no time before it runs its first step.
    if timeout.is_some_and(|t| t <= 0.0) {
        return Err(Error::TimeoutError(String::new()));
    }
    within(aw, timeout).await
}

/// Runs `aw` for at most `delay` seconds.
async fn within<F: Future>(aw: F, delay: Option<f64>) -> Result<F::Output> {
    match duration(delay) {
        None => Ok(aw.await),
        Some(delay) => tokio::time::timeout(delay, aw)
            .await
            .map_err(|_| Error::TimeoutError(String::new())),
    }
}

/// `async with asyncio.timeout(delay): <body>`: the body's output, or `TimeoutError()` once
/// `delay` seconds have passed (`None`: no limit).
///
/// ```text
/// Python:  async with asyncio.timeout(10):
///              await writer.drain()
///              data = await reader.read(100)
/// Rust:    let data = asyncio::timeout(10.0, async {
///              writer.drain().await?;
///              reader.read(100).await
///          }).await??;
/// ```
pub async fn timeout<F: Future>(delay: impl Into<Option<f64>>, body: F) -> Result<F::Output> {
    within(body, delay.into()).await
}
