//! `asyncio.open_connection`, `StreamReader` and `StreamWriter` (CPython's
//! `Lib/asyncio/streams.py`), with TLS when `ssl=` asks for it.

use std::sync::Arc;
use std::task::Poll;

use super::args::HostArg;
use super::base_events::{make_transport, running_loop, wait_established, Hints};
use super::connect;
use super::extra_info::{self, ExtraInfo};
use super::protocol::DEFAULT_LIMIT;
use super::sslproto::TlsParams;
use super::transport::{Conn, Shared};
use crate::error::{Error, Result};
use crate::socket;
use crate::ssl::SSLContext;

/// The `ssl=` argument of [`open_connection`]: a context, `True` (a fresh
/// `ssl.create_default_context()`), or none (plain TCP, which
/// [`StreamWriter::start_tls`] can upgrade later).
///
/// ```text
/// Python:  open_connection(host, port, ssl=ctx)      open_connection(host, port, ssl=True)
/// Rust:    asyncio::OpenConnection { ssl: (&ctx).into(), ..Default::default() }
///          asyncio::OpenConnection { ssl: true.into(), ..Default::default() }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub enum SslArg<'a> {
    /// `ssl=None` (or `False`): no TLS.
    #[default]
    None,
    /// `ssl=True`: `ssl.create_default_context()`, without hostname checking when
    /// `server_hostname=''`.
    True,
    /// `ssl=ctx`.
    Context(&'a SSLContext),
}

impl From<bool> for SslArg<'_> {
    fn from(ssl: bool) -> Self {
        if ssl {
            SslArg::True
        } else {
            SslArg::None
        }
    }
}

impl<'a> From<&'a SSLContext> for SslArg<'a> {
    fn from(ctx: &'a SSLContext) -> Self {
        SslArg::Context(ctx)
    }
}

impl<'a> From<Option<&'a SSLContext>> for SslArg<'a> {
    fn from(ctx: Option<&'a SSLContext>) -> Self {
        ctx.map_or(SslArg::None, SslArg::Context)
    }
}

/// Keyword arguments of `asyncio.open_connection(host=None, port=None, *, limit=2**16,
/// ssl=None, family=0, proto=0, flags=0, sock=None, local_addr=None, server_hostname=None,
/// ssl_handshake_timeout=None, ssl_shutdown_timeout=None, happy_eyeballs_delay=None,
/// interleave=None, all_errors=False)` (`loop.create_connection`'s keywords, and `limit`).
///
/// ```text
/// Python:  reader, writer = await asyncio.open_connection('example.com', 443, ssl=ctx)
/// Rust:    let (mut reader, writer) = asyncio::open_connection("example.com", 443, asyncio::OpenConnection { ssl: (&ctx).into(), ..Default::default() }).await?;
/// Python:  reader, writer = await asyncio.open_connection('example.com', 443, happy_eyeballs_delay=0.25)
/// Rust:    let (mut reader, writer) = asyncio::open_connection("example.com", 443, asyncio::OpenConnection { happy_eyeballs_delay: Some(0.25), ..Default::default() }).await?;
/// ```
#[derive(Debug)]
pub struct OpenConnection<'a> {
    /// `ssl`: see [`SslArg`].
    pub ssl: SslArg<'a>,
    /// `server_hostname`: SNI and the name the certificate must match; `None` means `host`,
    /// `Some("")` turns the check off (CPython's way).
    pub server_hostname: Option<&'a str>,
    /// `ssl_handshake_timeout`, in seconds (default 60.0).
    pub ssl_handshake_timeout: Option<f64>,
    /// `ssl_shutdown_timeout`, in seconds (default 30.0).
    pub ssl_shutdown_timeout: Option<f64>,
    /// `limit`: the reader's buffer limit (64 KiB).
    pub limit: usize,
    /// `family`: `socket::AF_INET` or `socket::AF_INET6` to resolve `host` to that family
    /// only (0, `AF_UNSPEC`: any).
    pub family: i32,
    /// `proto`: the `getaddrinfo` protocol (0: any).
    pub proto: i32,
    /// `flags`: the `getaddrinfo` flags (`socket::AI_NUMERICHOST`, ...).
    pub flags: i32,
    /// `sock`: an already connected TCP socket to use instead of `host` and `port` (which
    /// must then be `None`); the connection takes it over. (`AF_UNIX` ones, which CPython
    /// also takes, are a `NotImplementedError`: pyssl's streams are TCP.)
    pub sock: Option<socket::socket>,
    /// `local_addr`: `(host, port)` to bind the socket to before connecting.
    pub local_addr: Option<(&'a str, u16)>,
    /// `happy_eyeballs_delay`, in seconds: start the next address's attempt when the previous
    /// one has not connected after this long (RFC 8305); `None`: one address after another.
    pub happy_eyeballs_delay: Option<f64>,
    /// `interleave`: alternate the addresses by family, after this many of the first family
    /// (`None`: 1 with `happy_eyeballs_delay`, else as resolved).
    pub interleave: Option<usize>,
    /// `all_errors`: when every attempt fails, raise them all as an `ExceptionGroup`
    /// ([`Error::ExceptionGroup`]) rather than one `OSError`.
    pub all_errors: bool,
}

impl Default for OpenConnection<'_> {
    fn default() -> Self {
        OpenConnection {
            ssl: SslArg::None,
            server_hostname: None,
            ssl_handshake_timeout: None,
            ssl_shutdown_timeout: None,
            limit: DEFAULT_LIMIT,
            family: 0,
            proto: 0,
            flags: 0,
            sock: None,
            local_addr: None,
            happy_eyeballs_delay: None,
            interleave: None,
            all_errors: false,
        }
    }
}

impl<'a> OpenConnection<'a> {
    /// `ssl=` from a context or a `bool` without spelling the enum.
    ///
    /// ```text
    /// Python:  asyncio.open_connection(host, port, ssl=True)
    /// Rust:    asyncio::open_connection(host, port, asyncio::OpenConnection::default().ssl(true)).await?
    /// ```
    pub fn ssl(mut self, ssl: impl Into<SslArg<'a>>) -> Self {
        self.ssl = ssl.into();
        self
    }
}

/// Keyword arguments of `StreamWriter.start_tls(sslcontext, *, server_hostname=None,
/// ssl_handshake_timeout=None, ssl_shutdown_timeout=None)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartTls<'a> {
    /// `server_hostname`.
    pub server_hostname: Option<&'a str>,
    /// `ssl_handshake_timeout`, in seconds (default 60.0).
    pub ssl_handshake_timeout: Option<f64>,
    /// `ssl_shutdown_timeout`, in seconds (default 30.0).
    pub ssl_shutdown_timeout: Option<f64>,
}

/// `StreamReader(limit=...)`'s check.
pub(crate) fn check_limit(limit: usize) -> Result<()> {
    if limit == 0 {
        return Err(Error::value("Limit cannot be <= 0"));
    }
    Ok(())
}

/// Closes a transport whose opening was abandoned (the `open_connection` future dropped:
/// asyncio's cancellation), as `_create_connection_transport`'s `except: transport.close()`.
struct CloseOnDrop(Option<Arc<Shared>>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if let Some(shared) = self.0.take() {
            shared.lock().close();
        }
    }
}

/// `asyncio.open_connection(host, port, **kwds)`: connect (with TLS if `ssl` says so) and
/// return the `(reader, writer)` pair. `host` is a `str` or `None`, `port` a number, a
/// service name or `None` ([`socket::PortArg`]); both `None` with `sock` given.
///
/// ```text
/// Python:  reader, writer = await asyncio.open_connection('localhost', 8443, ssl=ctx)
/// Rust:    let (mut reader, writer) = asyncio::open_connection("localhost", 8443, asyncio::OpenConnection { ssl: (&ctx).into(), ..Default::default() }).await?;
/// Python:  reader, writer = await asyncio.open_connection(sock=sock, ssl=ctx, server_hostname='localhost')
/// Rust:    let (mut reader, writer) = asyncio::open_connection(None, None, asyncio::OpenConnection { sock: Some(sock), ssl: (&ctx).into(), server_hostname: Some("localhost"), ..Default::default() }).await?;
/// ```
///
/// Fails as CPython's does: `ConnectionRefusedError` `[Errno 111] Connect call failed
/// ('127.0.0.1', 8443)`, `OSError('Multiple exceptions: ...')` when several addresses failed
/// differently (an `ExceptionGroup` with `all_errors`), `socket.gaierror`,
/// `ssl.SSLCertVerificationError` with OpenSSL's text, `ConnectionAbortedError` `SSL handshake
/// is taking longer than 60.0 seconds: aborting the connection`, the `ValueError`s for
/// inconsistent keywords (`host/port and sock can not be specified at the same time`, ...),
/// and `RuntimeError('no running event loop')` outside a tokio runtime. (CPython's
/// `TypeError` for an `ssl.SSLSocket` as `sock` cannot happen: `sock` is a plain socket's type.)
pub async fn open_connection(
    host: impl HostArg,
    port: impl socket::PortArg,
    mut kw: OpenConnection<'_>,
) -> Result<(StreamReader, StreamWriter)> {
    running_loop()?;
    check_limit(kw.limit)?;
    let host = host.host();
    let port = port
        .port_bytes()
        .map(|p| String::from_utf8_lossy(&p).into_owned());
    let with_ssl = !matches!(kw.ssl, SslArg::None);
    if kw.server_hostname.is_some() && !with_ssl {
        return Err(Error::value("server_hostname is only meaningful with ssl"));
    }
    let server_hostname = match (kw.server_hostname, host) {
        (Some(name), _) => Some(name),
        (None, _) if !with_ssl => None,
        (None, Some(host)) if !host.is_empty() => Some(host),
        (None, _) => {
            return Err(Error::value(
                "You must set server_hostname when using ssl without a host",
            ))
        }
    };
    for (name, value) in [
        ("ssl_handshake_timeout", kw.ssl_handshake_timeout),
        ("ssl_shutdown_timeout", kw.ssl_shutdown_timeout),
    ] {
        if value.is_some() && !with_ssl {
            return Err(Error::value(format!("{name} is only meaningful with ssl")));
        }
    }
    let (stream, proto) = match (host, &port, kw.sock.take()) {
        (None, None, None) => {
            return Err(Error::value(
                "host and port was not specified and no sock specified",
            ))
        }
        (None, None, Some(sock)) => connect::take_socket(sock)?,
        (_, _, Some(_)) => {
            return Err(Error::value(
                "host/port and sock can not be specified at the same time",
            ))
        }
        (host, port, None) => {
            let how = connect::Attempts {
                hints: Hints {
                    family: kw.family,
                    proto: kw.proto,
                    flags: kw.flags,
                },
                local_addr: kw.local_addr,
                happy_eyeballs_delay: kw.happy_eyeballs_delay,
                interleave: kw.interleave,
                all_errors: kw.all_errors,
            };
            connect::connect(host, port.as_deref(), how).await?
        }
    };
    let tls = with_ssl.then(|| TlsParams {
        context: match kw.ssl {
            SslArg::Context(ctx) => Some(ctx.clone()),
            _ => None,
        },
        server_side: false,
        server_hostname: server_hostname.map(str::to_string),
        ssl_handshake_timeout: kw.ssl_handshake_timeout,
        ssl_shutdown_timeout: kw.ssl_shutdown_timeout,
        call_connection_made: true,
    });
    let shared = make_transport(stream, proto, kw.limit, tls, false, None)?;
    let mut guard = CloseOnDrop(Some(shared.clone()));
    wait_established(&shared).await?;
    guard.0 = None;
    Ok((StreamReader::new(shared.clone()), StreamWriter::new(shared)))
}

/// `asyncio.StreamReader`: the bytes the peer sent, as the event loop received them.
///
/// The connection's task reads the socket whether or not the reader is waiting, as asyncio's
/// event loop does, up to `2 * limit` buffered bytes; then it stops reading until the reader
/// catches up.
///
/// ```text
/// Python:  line = await reader.readline()            data = await reader.read(100)
/// Rust:    let line = reader.readline().await?;       let data = reader.read(100).await?;
/// ```
pub struct StreamReader {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let conn = self.shared.lock();
        let mut info = vec!["StreamReader".to_string()];
        if !conn.app.buffer().is_empty() {
            info.push(format!("{} bytes", conn.app.buffer().len()));
        }
        if conn.app.eof {
            info.push("eof".into());
        }
        if conn.app.limit != DEFAULT_LIMIT {
            info.push(format!("limit={}", conn.app.limit));
        }
        write!(f, "<{}>", info.join(" "))
    }
}

impl Drop for StreamReader {
    fn drop(&mut self) {
        let mut conn = self.shared.lock();
        if conn.app.drop_reader() {
            conn.resume_app_reading();
        }
    }
}

impl StreamReader {
    pub(crate) fn new(shared: Arc<Shared>) -> StreamReader {
        StreamReader { shared }
    }

    /// `reader.exception()`: what the connection was lost with, if it was lost by an error.
    ///
    /// ```text
    /// Python:  exc = reader.exception()
    /// Rust:    let exc = reader.exception();
    /// ```
    pub fn exception(&self) -> Option<Error> {
        self.shared.lock().app.exception.clone()
    }

    /// `reader.at_eof()`: the peer ended the stream and the buffer is empty.
    ///
    /// ```text
    /// Python:  if reader.at_eof(): ...
    /// Rust:    if reader.at_eof() { ... }
    /// ```
    pub fn at_eof(&self) -> bool {
        let conn = self.shared.lock();
        conn.app.eof && conn.app.buffer().is_empty()
    }

    /// `_maybe_resume_transport`.
    fn maybe_resume(conn: &mut Conn) {
        if conn.app.maybe_resume() {
            conn.resume_app_reading();
        }
    }

    /// `_wait_for_data`: until more data than the `seen` bytes the caller found, the end of
    /// the stream, or the connection's error.
    async fn wait_for_data(&self, seen: usize) -> Result<()> {
        let mut first = true;
        self.shared
            .wait_until(|conn, cx| {
                // Waiting while paused would wait forever (readexactly(n) with n > limit); resuming
                // may deliver data at once, which the checks below then see.
                if std::mem::take(&mut first) && conn.app.reader_paused {
                    conn.app.reader_paused = false;
                    conn.resume_app_reading();
                }
                if let Some(e) = &conn.app.exception {
                    return Poll::Ready(Err(e.clone()));
                }
                if conn.app.eof || conn.app.buffer().len() != seen {
                    return Poll::Ready(Ok(()));
                }
                conn.app.register(cx.waker());
                Poll::Pending
            })
            .await
    }

    fn check_exception(&self) -> Result<()> {
        match &self.shared.lock().app.exception {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// `await reader.read(n=-1)`: up to `n` bytes as soon as any are there (`b''` at the end
    /// of the stream); `n = -1` reads to the end.
    ///
    /// ```text
    /// Python:  data = await reader.read(100)        rest = await reader.read()
    /// Rust:    let data = reader.read(100).await?;   let rest = reader.read(-1).await?;
    /// ```
    pub async fn read(&mut self, n: isize) -> Result<Vec<u8>> {
        self.check_exception()?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let Ok(n) = usize::try_from(n) else {
            let limit = self.shared.lock().app.limit;
            let mut blocks = Vec::new();
            loop {
                let block = Box::pin(self.read(limit as isize)).await?;
                if block.is_empty() {
                    return Ok(blocks);
                }
                if blocks.is_empty() {
                    blocks = block;
                } else {
                    blocks.extend_from_slice(&block);
                }
            }
        };
        let must_wait = {
            let conn = self.shared.lock();
            conn.app.buffer().is_empty() && !conn.app.eof
        };
        if must_wait {
            self.wait_for_data(0).await?;
        }
        let mut conn = self.shared.lock();
        let data = conn.app.take(n);
        Self::maybe_resume(&mut conn);
        Ok(data)
    }

    /// `await reader.readexactly(n)`: exactly `n` bytes, or
    /// `asyncio.IncompleteReadError` (`3 bytes read on a total of 10 expected bytes`, with
    /// `partial`) when the stream ends first.
    ///
    /// ```text
    /// Python:  header = await reader.readexactly(4)
    /// Rust:    let header = reader.readexactly(4).await?;
    /// ```
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>> {
        self.check_exception()?;
        if n == 0 {
            return Ok(Vec::new());
        }
        loop {
            let seen = {
                let mut conn = self.shared.lock();
                if conn.app.buffer().len() >= n {
                    let data = conn.app.take(n);
                    Self::maybe_resume(&mut conn);
                    return Ok(data);
                }
                if conn.app.eof {
                    let partial = conn.app.take(usize::MAX);
                    return Err(Error::IncompleteReadError {
                        partial,
                        expected: Some(n),
                    });
                }
                conn.app.buffer().len()
            };
            self.wait_for_data(seen).await?;
        }
    }

    /// `await reader.readline()`: a line with its `b'\n'`, the partial last line at the end
    /// of the stream, `b''` after it. A line longer than the limit is CPython's `ValueError`
    /// (`Separator is not found, and chunk exceed the limit`), the line dropped.
    ///
    /// ```text
    /// Python:  line = await reader.readline()
    /// Rust:    let line = reader.readline().await?;
    /// ```
    pub async fn readline(&mut self) -> Result<Vec<u8>> {
        match self.readuntil(b"\n").await {
            Ok(line) => Ok(line),
            Err(Error::IncompleteReadError { partial, .. }) => Ok(partial),
            Err(Error::LimitOverrunError { message, consumed }) => {
                let mut conn = self.shared.lock();
                if conn.app.buffer().get(consumed) == Some(&b'\n') {
                    conn.app.take(consumed + 1);
                } else {
                    conn.app.take(usize::MAX);
                }
                Self::maybe_resume(&mut conn);
                Err(Error::ValueError(message))
            }
            Err(e) => Err(e),
        }
    }

    /// `await reader.readuntil(separator=b'\n')`: the bytes up to and including `separator`.
    /// At the end of the stream, `asyncio.IncompleteReadError` with what was read (the buffer
    /// is emptied); past the limit, `asyncio.LimitOverrunError` (the data stays buffered).
    ///
    /// ```text
    /// Python:  block = await reader.readuntil(b'\r\n\r\n')
    /// Rust:    let block = reader.readuntil(b"\r\n\r\n").await?;
    /// ```
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>> {
        self.readuntil_any(&[separator]).await
    }

    /// `await reader.readuntil((sep1, sep2, ...))` (CPython 3.13): up to the shortest match
    /// of any separator.
    ///
    /// ```text
    /// Python:  line = await reader.readuntil((b'\r\n', b'\n'))
    /// Rust:    let line = reader.readuntil_any(&[b"\r\n", b"\n"]).await?;
    /// ```
    pub async fn readuntil_any(&mut self, separators: &[&[u8]]) -> Result<Vec<u8>> {
        let mut separators = separators.to_vec();
        separators.sort_by_key(|s| s.len());
        let (Some(shortest), Some(longest)) = (separators.first(), separators.last()) else {
            return Err(Error::value(
                "Separator should contain at least one element",
            ));
        };
        let (min_seplen, max_seplen) = (shortest.len(), longest.len());
        if min_seplen == 0 {
            return Err(Error::value("Separator should be at least one-byte string"));
        }
        self.check_exception()?;
        // Bytes from the start of the buffer known to hold no separator.
        let mut offset = 0;
        loop {
            let seen = {
                let mut conn = self.shared.lock();
                let limit = conn.app.limit;
                let buffer = conn.app.buffer();
                if buffer.len() - offset.min(buffer.len()) >= min_seplen {
                    let found = separators
                        .iter()
                        .filter_map(|sep| find(buffer, sep, offset).map(|at| (at, at + sep.len())))
                        .min_by_key(|&(_, end)| end);
                    if let Some((start, end)) = found {
                        if start > limit {
                            return Err(Error::LimitOverrunError {
                                message: "Separator is found, but chunk is longer than limit"
                                    .into(),
                                consumed: start,
                            });
                        }
                        let chunk = conn.app.take(end);
                        Self::maybe_resume(&mut conn);
                        return Ok(chunk);
                    }
                    offset = (buffer.len() + 1).saturating_sub(max_seplen);
                    if offset > limit {
                        return Err(Error::LimitOverrunError {
                            message: "Separator is not found, and chunk exceed the limit".into(),
                            consumed: offset,
                        });
                    }
                }
                if conn.app.eof {
                    let partial = conn.app.take(usize::MAX);
                    return Err(Error::IncompleteReadError {
                        partial,
                        expected: None,
                    });
                }
                conn.app.buffer().len()
            };
            self.wait_for_data(seen).await?;
        }
    }
}

/// The first occurrence of `needle` in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// `asyncio.StreamWriter`: writes are buffered at once (`write` is not `async`, as in Python);
/// `drain().await` waits while the transport holds more than its high-water mark.
///
/// Dropping the writer closes the connection (CPython's `__del__` does, with a
/// `ResourceWarning`); over TLS that sends close_notify first.
///
/// ```text
/// Python:  writer.write(data); await writer.drain()
/// Rust:    writer.write(&data)?; writer.drain().await?;
/// Python:  writer.close(); await writer.wait_closed()
/// Rust:    writer.close(); writer.wait_closed().await?;
/// ```
pub struct StreamWriter {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tls = self.shared.lock().tls.is_some();
        let transport = if tls {
            "<asyncio.sslproto._SSLProtocolTransport>"
        } else {
            "<_SelectorSocketTransport>"
        };
        write!(f, "<StreamWriter transport={transport}>")
    }
}

impl Drop for StreamWriter {
    fn drop(&mut self) {
        let mut conn = self.shared.lock();
        if !conn.is_closing() {
            conn.close();
        }
    }
}

impl StreamWriter {
    pub(crate) fn new(shared: Arc<Shared>) -> StreamWriter {
        StreamWriter { shared }
    }

    /// `writer.write(data)`: queue `data` (sending what the socket takes now). Not `async`:
    /// follow it with `drain().await`. After `write_eof()` on a plain stream, CPython's
    /// `RuntimeError('Cannot call write() after write_eof()')`; on a lost connection the data
    /// is dropped, as CPython drops it (with a warning logged after five such writes).
    ///
    /// ```text
    /// Python:  writer.write(b'hello')
    /// Rust:    writer.write(b"hello")?;
    /// ```
    pub fn write(&self, data: &[u8]) -> Result<()> {
        let mut conn = self.shared.lock();
        if conn.tls.is_none() && conn.sock.eof_written() {
            return Err(Error::RuntimeError(
                "Cannot call write() after write_eof()".into(),
            ));
        }
        conn.app.acted();
        conn.write(&[data]);
        Ok(())
    }

    /// `writer.writelines(list_of_data)`.
    ///
    /// ```text
    /// Python:  writer.writelines([b'a', b'b'])
    /// Rust:    writer.writelines([b"a", b"b"])?;
    /// ```
    pub fn writelines<I>(&self, list_of_data: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let items: Vec<I::Item> = list_of_data.into_iter().collect();
        let slices: Vec<&[u8]> = items.iter().map(AsRef::as_ref).collect();
        let mut conn = self.shared.lock();
        if conn.tls.is_none() && conn.sock.eof_written() {
            return Err(Error::RuntimeError(
                "Cannot call writelines() after write_eof()".into(),
            ));
        }
        conn.app.acted();
        conn.write(&slices);
        Ok(())
    }

    /// `writer.write_eof()`: shut down the sending side once the buffer is sent. Over TLS it
    /// is CPython's bare `NotImplementedError` (TLS has no half-close).
    ///
    /// ```text
    /// Python:  if writer.can_write_eof(): writer.write_eof()
    /// Rust:    if writer.can_write_eof() { writer.write_eof()?; }
    /// ```
    pub fn write_eof(&self) -> Result<()> {
        let mut conn = self.shared.lock();
        if conn.tls.is_some() {
            return Err(Error::NotImplementedError(String::new()));
        }
        conn.sock.write_eof();
        conn.wake_driver();
        Ok(())
    }

    /// `writer.transport`: the connection's [`Transport`](super::Transport) (`abort()`,
    /// `get_write_buffer_size()`, `pause_reading()`, ...).
    ///
    /// ```text
    /// Python:  writer.transport.abort()
    /// Rust:    writer.transport().abort();
    /// ```
    pub fn transport(&self) -> super::Transport {
        super::Transport::new(self.shared.clone())
    }

    /// `writer.can_write_eof()`: `True` on plain TCP, `False` over TLS.
    pub fn can_write_eof(&self) -> bool {
        self.shared.lock().tls.is_none()
    }

    /// `writer.close()`: not `async`. Over TLS, buffered data is sent, then close_notify; the
    /// connection ends when the peer answers (or after `ssl_shutdown_timeout`).
    ///
    /// ```text
    /// Python:  writer.close()
    /// Rust:    writer.close();
    /// ```
    pub fn close(&self) {
        self.shared.lock().close();
    }

    /// `writer.is_closing()`.
    pub fn is_closing(&self) -> bool {
        self.shared.lock().is_closing()
    }

    /// `await writer.wait_closed()`: until the connection is lost; its error if it was lost
    /// by one (`TimeoutError('SSL shutdown timed out')`, `ConnectionResetError`, ...).
    ///
    /// ```text
    /// Python:  await writer.wait_closed()
    /// Rust:    writer.wait_closed().await?;
    /// ```
    pub async fn wait_closed(&self) -> Result<()> {
        self.shared
            .wait_until(|conn, cx| match &conn.app.closed {
                Some(result) => Poll::Ready(result.clone()),
                None => {
                    conn.app.register(cx.waker());
                    Poll::Pending
                }
            })
            .await
    }

    /// `await writer.drain()`: wait until the transport's buffer is under its high-water mark;
    /// the connection's error if it was lost (`ConnectionResetError('Connection lost')` when
    /// it was lost without one).
    ///
    /// ```text
    /// Python:  await writer.drain()
    /// Rust:    writer.drain().await?;
    /// ```
    pub async fn drain(&self) -> Result<()> {
        let closing = {
            let conn = self.shared.lock();
            // A loss the connection's task processed after the application's last write or
            // wait (on a multi-thread runtime, beside it): CPython's loop has not run since,
            // so its drain() sees a live connection with room, and returns. Not when the
            // application closed the transport itself: CPython's drain() then yields, and
            // raises.
            let app = &conn.app;
            if app.connection_lost.is_some()
                && !app.loss_seen
                && !app.closed_by_app
                && !app.writing_paused
            {
                return Ok(());
            }
            if let Some(e) = &conn.app.exception {
                return Err(e.clone());
            }
            conn.is_closing()
        };
        if closing {
            // `await sleep(0)`: CPython's loop then runs what was scheduled, so a loss the
            // transport has scheduled (a failed send) is delivered before the check below.
            tokio::task::yield_now().await;
            self.shared
                .wait_until(|conn, cx| {
                    if !conn.sock.loss_pending() {
                        return Poll::Ready(());
                    }
                    conn.app.register(cx.waker());
                    Poll::Pending
                })
                .await;
        }
        {
            let conn = self.shared.lock();
            if conn.app.connection_lost.is_some() {
                return Err(Error::ConnectionResetError("Connection lost".into()));
            }
            if !conn.app.writing_paused {
                return Ok(());
            }
        }
        self.shared
            .wait_until(|conn, cx| {
                if let Some(exc) = &conn.app.connection_lost {
                    return Poll::Ready(exc.clone().map_or(Ok(()), Err));
                }
                if !conn.app.writing_paused {
                    return Poll::Ready(Ok(()));
                }
                conn.app.register(cx.waker());
                Poll::Pending
            })
            .await
    }

    /// `writer.get_extra_info(name, default=None)`: `'peercert'`, `'cipher'`,
    /// `'compression'`, `'sslcontext'`, `'ssl_object'`, `'peername'`, `'sockname'`, `'socket'`;
    /// [`ExtraInfo::None`] for the others (and for the TLS ones on a plain stream).
    ///
    /// ```text
    /// Python:  print(writer.get_extra_info('peercert'))
    /// Rust:    println!("{}", writer.get_extra_info("peercert").py_str());
    /// ```
    pub fn get_extra_info(&self, name: &str) -> ExtraInfo {
        extra_info::get(&self.shared.lock(), name)
    }

    /// `await writer.start_tls(sslcontext, server_hostname=..., ...)` (CPython 3.11+): upgrade
    /// this stream to TLS in place (STARTTLS); the reader and writer go on over TLS.
    /// Server-side when the stream came from [`start_server`](super::start_server). On a
    /// stream that is already TLS, the new session runs inside the first one (TLS in TLS, as
    /// CPython allows); `get_extra_info` then describes the inner session.
    ///
    /// ```text
    /// Python:  await writer.start_tls(ctx, server_hostname='localhost')
    /// Rust:    writer.start_tls(&ctx, asyncio::StartTls { server_hostname: Some("localhost"), ..Default::default() }).await?;
    /// ```
    pub async fn start_tls(&self, sslcontext: &SSLContext, kw: StartTls<'_>) -> Result<()> {
        self.drain().await?;
        let server_side = self.shared.lock().server_side;
        let kw = super::events::LoopStartTls {
            server_side,
            server_hostname: kw.server_hostname,
            ssl_handshake_timeout: kw.ssl_handshake_timeout,
            ssl_shutdown_timeout: kw.ssl_shutdown_timeout,
        };
        super::events::start_tls_on(&self.shared, sslcontext, kw).await
    }
}
