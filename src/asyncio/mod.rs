//! Python's `asyncio` TLS streams, on tokio (cargo feature `asyncio`): `open_connection`,
//! `start_server`, `StreamReader`, `StreamWriter`, `start_tls`, `wait_for`, `timeout`, with
//! CPython 3.13's behaviour (`Lib/asyncio/streams.py`, `sslproto.py`) and texts.
//!
//! ```text
//! Python:  import asyncio, ssl
//! Rust:    use pyssl::{asyncio, ssl};
//!
//! Python:  async def main():
//!              ctx = ssl.create_default_context()
//!              reader, writer = await asyncio.open_connection('example.com', 443, ssl=ctx)
//!              writer.write(b'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')
//!              await writer.drain()
//!              print(await reader.readline())
//!              writer.close()
//!              await writer.wait_closed()
//!          asyncio.run(main())
//! Rust:    async fn main_() -> pyssl::Result<()> {
//!              let ctx = ssl::create_default_context()?;
//!              let (mut reader, writer) = asyncio::open_connection("example.com", 443, asyncio::OpenConnection { ssl: (&ctx).into(), ..Default::default() }).await?;
//!              writer.write(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")?;
//!              writer.drain().await?;
//!              println!("{}", PyBytes(&reader.readline().await?).py_repr());
//!              writer.close();
//!              writer.wait_closed().await
//!          }
//!          asyncio::run(main_())?;
//! ```
//!
//! The event loop is tokio's: `asyncio.run(main())` is [`run`] (a current-thread runtime) or
//! any tokio runtime's `block_on` (current-thread or multi-thread, built with `enable_all()`),
//! a task is `tokio::spawn`. Each connection is driven by a task of its own, as asyncio's loop drives a
//! transport whether or not the application reads: the handshake, the peer's close_notify, the
//! timers and reading up to the reader's limit happen without the application. Nothing blocks
//! the runtime (names are resolved on tokio's blocking pool, as CPython resolves them in its
//! executor) and there is no thread per connection. Dropping a `StreamWriter` closes its
//! connection (close_notify first over TLS).
//!
//! An echo server and a client over TLS on loopback, both in one program:
//!
//! ```
//! use pyssl::pyrepr::{PyBytes, PyRepr};
//! use pyssl::{asyncio, ssl};
//!
//! // Python: async def handle(reader, writer):
//! //             data = await reader.readline()
//! //             writer.write(data.upper()); await writer.drain()
//! //             writer.close(); await writer.wait_closed()
//! async fn handle(mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter) -> pyssl::Result<()> {
//!     let data = reader.readline().await?;
//!     writer.write(&data.to_ascii_uppercase())?;
//!     writer.drain().await?;
//!     writer.close();
//!     writer.wait_closed().await
//! }
//!
//! async fn main_() -> pyssl::Result<()> {
//!     let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
//!     let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
//!     server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
//!     // Python: server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_ctx)
//!     let server = asyncio::start_server(handle, "127.0.0.1", 0, asyncio::StartServer { ssl: Some(&server_ctx), ..Default::default() }).await?;
//!     let port = server.sockets()[0].getsockname()?.port();
//!
//!     let ca = format!("{fixtures}/ca.pem");
//!     let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
//!     // Python: reader, writer = await asyncio.open_connection('localhost', port, ssl=ctx)
//!     let (mut reader, writer) = asyncio::open_connection("localhost", port, asyncio::OpenConnection { ssl: (&ctx).into(), ..Default::default() }).await?;
//!     // Python: print(writer.get_extra_info('cipher'))
//!     assert_eq!(writer.get_extra_info("cipher").py_repr(), "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)");
//!     writer.write(b"hello\n")?;
//!     writer.drain().await?;
//!     // Python: print(await reader.read())    # b'HELLO\n'
//!     assert_eq!(PyBytes(&reader.read(-1).await?).py_repr(), "b'HELLO\\n'");
//!     writer.close();
//!     writer.wait_closed().await?;
//!     server.close();
//!     server.wait_closed().await;
//!     Ok(())
//! }
//!
//! # fn main() -> pyssl::Result<()> {
//! // Python: asyncio.run(main())
//! asyncio::run(main_())
//! # }
//! ```

mod args;
mod base_events;
mod connect;
mod events;
mod exceptions;
mod extra_info;
mod layers;
mod listeners;
mod protocol;
mod runners;
mod scratch;
mod server;
mod sslproto;
mod staggered;
mod streams;
mod timeouts;
mod timers;
mod transport;
mod transports;

pub use args::{HostArg, ServerHostArg, ServerHosts};
pub use events::{get_running_loop, EventLoop, LoopStartTls, StreamReaderProtocol};
pub use exceptions::{IncompleteReadError, LimitOverrunError, TimeoutError};
pub use extra_info::{ExtraInfo, TransportSSLObject, TransportSocket};
pub use runners::run;
pub use server::{start_server, ClientConnectedResult, Server, StartServer};
pub use streams::{open_connection, OpenConnection, SslArg, StartTls, StreamReader, StreamWriter};
pub use timeouts::{timeout, wait_for};
pub use transports::Transport;
