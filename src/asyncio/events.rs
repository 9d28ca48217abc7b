//! `asyncio.get_running_loop()` and the one loop method TLS ports call on it: `loop.start_tls`,
//! the STARTTLS of streams before Python 3.11 gave them `StreamWriter.start_tls`.

use std::sync::Arc;

use super::base_events::{running_loop, wait_established};
use super::sslproto::{SslProtocol, TlsParams};
use super::transport::Shared;
use super::transports::Transport;
use crate::error::{Error, Result};
use crate::ssl::SSLContext;

/// `asyncio.get_running_loop()`: the event loop, which here is the tokio runtime the caller
/// runs on. Outside one: `RuntimeError('no running event loop')`.
///
/// ```text
/// Python:  loop = asyncio.get_running_loop()
/// Rust:    let loop_ = asyncio::get_running_loop()?;
/// ```
pub fn get_running_loop() -> Result<EventLoop> {
    running_loop()?;
    Ok(EventLoop { _private: () })
}

/// The running event loop (`asyncio.AbstractEventLoop`), as [`get_running_loop`] gives it:
/// tokio's runtime does the scheduling; this handle carries the loop methods TLS ports use.
#[derive(Debug)]
pub struct EventLoop {
    _private: (),
}

/// `transport.get_protocol()` for a stream's transport: the stream's
/// `asyncio.StreamReaderProtocol`, which `loop.start_tls` takes beside the transport.
///
/// ```text
/// Python:  protocol = writer.transport.get_protocol()
/// Rust:    let protocol = writer.transport().get_protocol();
/// ```
#[derive(Clone)]
pub struct StreamReaderProtocol {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for StreamReaderProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<asyncio.streams.StreamReaderProtocol>")
    }
}

/// Keyword arguments of `loop.start_tls(transport, protocol, sslcontext, *, server_side=False,
/// server_hostname=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None)`.
///
/// ```text
/// Python:  await loop.start_tls(transport, protocol, ctx, server_side=True)
/// Rust:    loop_.start_tls(&transport, &protocol, &ctx, asyncio::LoopStartTls { server_side: true, ..Default::default() }).await?
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LoopStartTls<'a> {
    /// `server_side`: this end answers the handshake (default `False`).
    pub server_side: bool,
    /// `server_hostname`: SNI and the name the certificate must match (client side).
    pub server_hostname: Option<&'a str>,
    /// `ssl_handshake_timeout`, in seconds (default 60.0).
    pub ssl_handshake_timeout: Option<f64>,
    /// `ssl_shutdown_timeout`, in seconds (default 30.0).
    pub ssl_shutdown_timeout: Option<f64>,
}

impl EventLoop {
    /// `await loop.start_tls(transport, protocol, sslcontext, ...)`: TLS over the transport's
    /// connection (inside its TLS session if it has one), the handshake awaited; returns the
    /// TLS transport. On failure the transport is closed and the handshake's error returned.
    ///
    /// The stream's reader and writer go on through the new session at once: the
    /// `writer._transport = new_transport` that Python ports wrote after it has no Rust line.
    ///
    /// ```text
    /// Python:  transport = writer.transport
    ///          new_transport = await loop.start_tls(transport, transport.get_protocol(), ctx, server_hostname='localhost')
    ///          writer._transport = new_transport
    /// Rust:    let transport = writer.transport();
    ///          let new_transport = loop_.start_tls(&transport, &transport.get_protocol(), &ctx, asyncio::LoopStartTls { server_hostname: Some("localhost"), ..Default::default() }).await?;
    /// ```
    pub async fn start_tls(
        &self,
        transport: &Transport,
        protocol: &StreamReaderProtocol,
        sslcontext: &SSLContext,
        kw: LoopStartTls<'_>,
    ) -> Result<Transport> {
        let shared = transport.shared();
        if !Arc::ptr_eq(shared, &protocol.shared) {
            return Err(Error::NotImplementedError(
                "start_tls() with another stream's protocol: a pyssl transport carries its own stream"
                    .into(),
            ));
        }
        start_tls_on(shared, sslcontext, kw).await?;
        Ok(Transport::new(shared.clone()))
    }
}

/// What `loop.start_tls` and `StreamWriter.start_tls` share: install the TLS session over the
/// connection and await its handshake.
pub(crate) async fn start_tls_on(
    shared: &Arc<Shared>,
    sslcontext: &SSLContext,
    kw: LoopStartTls<'_>,
) -> Result<()> {
    {
        let mut conn = shared.lock();
        let tls = SslProtocol::new(TlsParams {
            context: Some(sslcontext.clone()),
            server_side: kw.server_side,
            server_hostname: kw.server_hostname.map(str::to_string),
            ssl_handshake_timeout: kw.ssl_handshake_timeout,
            ssl_shutdown_timeout: kw.ssl_shutdown_timeout,
            call_connection_made: false,
        })?;
        conn.start_tls(tls);
    }
    wait_established(shared).await
}
