//! `pyssl serve --asyncio`: the same server on `pyssl::asyncio` (cargo feature `asyncio`), as
//! a Python port would write it with `asyncio.start_server`: one thread, one task per
//! connection, so the number of connections is bounded by descriptors (`ulimit -n`), not by
//! threads: 10,000 at once on a 2-core machine (docs/performance.md).
//!
//! Each connection behaves as in the threaded server: the handshake within
//! `--handshake-timeout` (asyncio's `ssl_handshake_timeout`), the request head up to its blank
//! line within [`request::MAX_HEAD`] bytes and `--request-timeout`, the article's reply (or 431,
//! 408, or nothing), then close_notify and at most [`SHUTDOWN_TIMEOUT`] for the peer's.

use pyssl::pyrepr::PyRepr;
use pyssl::{asyncio, ssl};

use crate::request::{Head, HeadReader};
use crate::serve::{Limits, RESPONSE};

/// `ssl_shutdown_timeout`: how long a connection waits for the peer's close_notify after its
/// own (the threaded server drains the peer for as long).
const SHUTDOWN_TIMEOUT: f64 = 1.0;

/// The listen backlog, as the threaded server's.
const BACKLOG: u32 = 1024;

/// Serves on `host:port` until killed; prints `Serving HTTPS on (host, port)` first.
pub fn run(context: ssl::SSLContext, host: &str, port: u16, limits: Limits) -> ssl::Result<()> {
    crate::output::install_last_resort();
    asyncio::run(serve(context, host, port, limits))
}

async fn serve(context: ssl::SSLContext, host: &str, port: u16, limits: Limits) -> ssl::Result<()> {
    let kw = asyncio::StartServer {
        ssl: Some(&context),
        backlog: BACKLOG,
        ssl_handshake_timeout: Some(limits.handshake_timeout),
        ssl_shutdown_timeout: Some(SHUTDOWN_TIMEOUT),
        ..Default::default()
    };
    let on_client = move |reader, writer| handle(reader, writer, limits);
    let server = asyncio::start_server(on_client, host, port, kw).await?;
    for sock in server.sockets() {
        outln!("Serving HTTPS on {}", sock.getsockname()?);
    }
    server.serve_forever().await
}

/// One connection, its handshake done: read the head, answer, close with close_notify.
async fn handle(mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter, limits: Limits) {
    let peer = writer.get_extra_info("peername");
    let result = exchange(&mut reader, &writer, limits).await;
    if let Err(e) = result {
        errln!("connection from {} failed: {e}", peer.py_str());
    }
    writer.close();
    // A peer that never sends its close_notify is dropped after SHUTDOWN_TIMEOUT.
    let _ = writer.wait_closed().await;
}

async fn exchange(
    reader: &mut asyncio::StreamReader,
    writer: &asyncio::StreamWriter,
    limits: Limits,
) -> ssl::Result<()> {
    let head = read_head(reader, limits.request_timeout).await?;
    if let Some(response) = head.response(RESPONSE) {
        writer.write(response)?;
        // A reader that stopped reading gets as long to take the reply as to send.
        asyncio::timeout(limits.request_timeout, writer.drain()).await??;
    }
    Ok(())
}

/// [`crate::request::read_head`] on a stream: one deadline for the whole head.
async fn read_head(reader: &mut asyncio::StreamReader, seconds: f64) -> ssl::Result<Head> {
    let mut head = HeadReader::default();
    let read = asyncio::timeout(seconds, async {
        loop {
            if let Some(verdict) = head.verdict() {
                return Ok(verdict);
            }
            let room = isize::try_from(head.room()).unwrap_or(isize::MAX);
            let data = reader.read(room).await?;
            if data.is_empty() {
                return Ok(head.closed());
            }
            head.push(&data);
        }
    })
    .await;
    match read {
        Ok(outcome) => outcome,
        Err(_) => Ok(head.out_of_time()),
    }
}
