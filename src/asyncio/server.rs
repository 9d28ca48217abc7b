//! `asyncio.start_server` and the `Server` it returns (CPython's `base_events.Server`).

use std::future::{poll_fn, Future};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Poll, Waker};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

use super::args::{ServerHostArg, ServerHosts};
use super::base_events::{make_transport, running_loop, wait_established, Hints};
use super::extra_info::TransportSocket;
use super::listeners::{self, ServerSocket};
use super::protocol::DEFAULT_LIMIT;
use super::sslproto::TlsParams;
use super::streams::{check_limit, StreamReader, StreamWriter};
use super::transport::Shared;
use crate::error::{Error, Result};
use crate::pyrepr::PyRepr;
use crate::socket;
use crate::ssl::SSLContext;

/// Keyword arguments of `asyncio.start_server(client_connected_cb, host=None, port=None, *,
/// limit=2**16, family=AF_UNSPEC, flags=AI_PASSIVE, sock=None, backlog=100, ssl=None,
/// reuse_address=None, reuse_port=None, keep_alive=None, ssl_handshake_timeout=None,
/// ssl_shutdown_timeout=None, start_serving=True)`.
///
/// ```text
/// Python:  server = await asyncio.start_server(handle, '127.0.0.1', 8443, ssl=ctx)
/// Rust:    let server = asyncio::start_server(handle, "127.0.0.1", 8443, asyncio::StartServer { ssl: Some(&ctx), ..Default::default() }).await?;
/// Python:  server = await asyncio.start_server(handle, sock=sock, start_serving=False)
/// Rust:    let server = asyncio::start_server(handle, None, None, asyncio::StartServer { sock: Some(sock), start_serving: false, ..Default::default() }).await?;
/// ```
#[derive(Debug)]
pub struct StartServer<'a> {
    /// `ssl`: the server context, or `None` for plain TCP (`ssl=True` is CPython's
    /// `TypeError`: a server needs its certificate).
    pub ssl: Option<&'a SSLContext>,
    /// `limit`: each reader's buffer limit (64 KiB).
    pub limit: usize,
    /// `backlog` (100).
    pub backlog: u32,
    /// `reuse_address`: `SO_REUSEADDR` (`None`: on, CPython's POSIX default).
    pub reuse_address: Option<bool>,
    /// `reuse_port`: `SO_REUSEPORT`.
    pub reuse_port: Option<bool>,
    /// `ssl_handshake_timeout`, in seconds (default 60.0).
    pub ssl_handshake_timeout: Option<f64>,
    /// `ssl_shutdown_timeout`, in seconds (default 30.0).
    pub ssl_shutdown_timeout: Option<f64>,
    /// `start_serving`: listen and accept at once (`True`), or only from `start_serving()`,
    /// `serve_forever()` or `async_with` (until then the sockets are bound, not listening:
    /// a client is refused).
    pub start_serving: bool,
    /// `family`: `socket::AF_INET` or `socket::AF_INET6` to listen on that family only (0,
    /// `AF_UNSPEC`: each family the host resolves to).
    pub family: i32,
    /// `flags`: the `getaddrinfo` flags (`socket::AI_PASSIVE`, the default).
    pub flags: i32,
    /// `sock`: a bound (or listening) TCP socket to serve on instead of `host` and `port`
    /// (which must then be `None`); the server takes it over. (`AF_UNIX` ones, which CPython
    /// also takes, are a `NotImplementedError`: pyssl's streams are TCP.)
    pub sock: Option<socket::socket>,
    /// `keep_alive`: `SO_KEEPALIVE` on the sockets the server makes (and so on every accepted
    /// connection); CPython leaves a `sock=` socket as it is.
    pub keep_alive: Option<bool>,
}

impl Default for StartServer<'_> {
    fn default() -> Self {
        StartServer {
            ssl: None,
            limit: DEFAULT_LIMIT,
            backlog: 100,
            reuse_address: None,
            reuse_port: None,
            ssl_handshake_timeout: None,
            ssl_shutdown_timeout: None,
            start_serving: true,
            family: socket::AF_UNSPEC,
            flags: socket::AI_PASSIVE,
            sock: None,
            keep_alive: None,
        }
    }
}

/// What a `client_connected_cb` coroutine may return: nothing, or a `Result` whose error is
/// logged as CPython logs an exception escaping the callback (`Unhandled exception in
/// client_connected_cb`), the connection then closed.
pub trait ClientConnectedResult {
    /// `Err(text)` for an escaped exception.
    fn into_outcome(self) -> std::result::Result<(), String>;
}

impl ClientConnectedResult for () {
    fn into_outcome(self) -> std::result::Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Display> ClientConnectedResult for std::result::Result<(), E> {
    fn into_outcome(self) -> std::result::Result<(), String> {
        self.map_err(|e| e.to_string())
    }
}

/// Below this many remembered transports, [`ServerHandle::register`] does not prune.
const MIN_PRUNE: usize = 64;

/// What the accept loop does with a connection: set its transport up, then run the callback.
type OnConnection = Arc<dyn Fn(TcpStream, i32, ServerHandle) + Send + Sync>;

struct ServerState {
    /// `_sockets`; `None` once closed.
    sockets: Option<Vec<ServerSocket>>,
    /// `_backlog`: for `listen()` when serving starts.
    backlog: u32,
    /// `_serving`.
    serving: bool,
    accept_tasks: Vec<AbortHandle>,
    /// `len(_clients)`: transports not yet lost.
    clients: usize,
    /// `_clients` themselves, for `close_clients()`/`abort_clients()`.
    transports: Vec<Weak<Shared>>,
    /// `_waiters is None`: closed with no client left; `wait_closed()` returns at once.
    done: bool,
    wakers: Vec<Waker>,
    /// `_serving_forever_fut is not None`.
    serving_forever: bool,
    on_connection: OnConnection,
}

struct ServerInner {
    state: Mutex<ServerState>,
}

impl ServerInner {
    fn lock(&self) -> MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A connection's link to its server (`_attach` / `_detach`).
#[derive(Clone)]
pub(crate) struct ServerHandle(Arc<ServerInner>);

impl ServerHandle {
    pub(crate) fn attach(&self) {
        self.0.lock().clients += 1;
    }

    /// Remembers a client transport (dropping those already gone).
    fn register(&self, shared: &Arc<Shared>) {
        let mut state = self.0.lock();
        // Pruned when half could be gone, so that each accept costs O(1) amortised (pruning
        // at every accept made holding n connections cost O(n²)).
        if state.transports.len() >= 2 * state.clients.max(MIN_PRUNE) {
            state.transports.retain(|t| t.strong_count() > 0);
        }
        state.transports.push(Arc::downgrade(shared));
    }

    pub(crate) fn detach(&self) {
        let mut state = self.0.lock();
        state.clients = state.clients.saturating_sub(1);
        if state.clients == 0 && state.sockets.is_none() {
            wakeup(&mut state);
        }
    }
}

/// Adds a waiting task once.
fn register(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}

/// `Server._wakeup`.
fn wakeup(state: &mut ServerState) {
    state.done = true;
    for waker in state.wakers.drain(..) {
        waker.wake();
    }
}

/// `asyncio.Server`: the listening sockets of [`start_server`]. Clones are handles to the
/// same server.
///
/// ```text
/// Python:  async with server:
///              await server.serve_forever()
/// Rust:    server.async_with(|server| async move { server.serve_forever().await }).await?;
/// ```
#[derive(Clone)]
pub struct Server {
    inner: Arc<ServerInner>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.py_repr())
    }
}

impl PyRepr for Server {
    /// `<Server sockets=(<asyncio.TransportSocket fd=6, family=2, type=1, proto=6,
    /// laddr=('127.0.0.1', 8443)>,)>`.
    fn py_repr(&self) -> String {
        let socks: Vec<String> = self.sockets().iter().map(PyRepr::py_repr).collect();
        let tuple = match socks.len() {
            1 => format!("({},)", socks[0]),
            _ => format!("({})", socks.join(", ")),
        };
        format!("<Server sockets={tuple}>")
    }
}

/// `asyncio.start_server(client_connected_cb, host, port, **kwds)`: listen on `host`:`port`
/// and run `client_connected_cb(reader, writer)` as a task for each connection (over TLS
/// once its handshake succeeded; a failed handshake is logged, the callback never called).
/// `host` is a `str`, `None` or a sequence of `str` ([`ServerHostArg`]); `None` or `""`
/// listens on every interface. `port` is a number, a service name or `None`
/// ([`socket::PortArg`]); both `None` with `sock` given.
///
/// ```text
/// Python:  async def handle(reader, writer):
///              writer.write(await reader.readline()); await writer.drain(); writer.close()
///          server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=ctx)
/// Rust:    async fn handle(mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter) -> pyssl::Result<()> {
///              writer.write(&reader.readline().await?)?; writer.drain().await?; writer.close(); Ok(())
///          }
///          let server = asyncio::start_server(handle, "127.0.0.1", 0, asyncio::StartServer { ssl: Some(&ctx), ..Default::default() }).await?;
/// ```
///
/// Fails as CPython's does: `[Errno 98] error while attempting to bind on address
/// ('127.0.0.1', 8443): [errno 98] address already in use`, `could not bind on any address
/// out of [...]`, `socket.gaierror`, and the `ValueError`s for inconsistent keywords
/// (`host/port and sock can not be specified at the same time`, ...). As in CPython, a `limit`
/// of 0 fails each connection (logged), not the call.
pub async fn start_server<H, F>(
    client_connected_cb: H,
    host: impl ServerHostArg,
    port: impl socket::PortArg,
    mut kw: StartServer<'_>,
) -> Result<Server>
where
    H: Fn(StreamReader, StreamWriter) -> F + Send + Sync + 'static,
    F: Future + Send + 'static,
    F::Output: ClientConnectedResult,
{
    running_loop()?;
    for (name, value) in [
        ("ssl_handshake_timeout", kw.ssl_handshake_timeout),
        ("ssl_shutdown_timeout", kw.ssl_shutdown_timeout),
    ] {
        if value.is_some() && kw.ssl.is_none() {
            return Err(Error::value(format!("{name} is only meaningful with ssl")));
        }
    }
    let port = port
        .port_bytes()
        .map(|p| String::from_utf8_lossy(&p).into_owned());
    let hosts: Vec<Option<&str>> = match host.server_hosts() {
        ServerHosts::None => vec![None],
        ServerHosts::One("") => vec![None],
        ServerHosts::One(host) => vec![Some(host)],
        ServerHosts::Many(hosts) => hosts.into_iter().map(Some).collect(),
    };
    let host_given = !matches!(host.server_hosts(), ServerHosts::None);
    let sockets = match (host_given || port.is_some(), kw.sock.take()) {
        (true, Some(_)) => {
            return Err(Error::value(
                "host/port and sock can not be specified at the same time",
            ))
        }
        (true, None) => {
            let options = listeners::Options {
                hints: Hints {
                    family: kw.family,
                    proto: 0,
                    flags: kw.flags,
                },
                reuse_address: kw.reuse_address.unwrap_or(true),
                reuse_port: kw.reuse_port.unwrap_or(false),
                keep_alive: kw.keep_alive.unwrap_or(false),
            };
            listeners::bind(&hosts, port.as_deref(), &options).await?
        }
        (false, None) => return Err(Error::value("Neither host/port nor sock were specified")),
        (false, Some(sock)) => vec![listeners::from_socket(sock)?],
    };
    let callback = Arc::new(client_connected_cb);
    let (ssl, limit) = (kw.ssl.cloned(), kw.limit);
    let (handshake_timeout, shutdown_timeout) = (kw.ssl_handshake_timeout, kw.ssl_shutdown_timeout);
    let on_connection: OnConnection = Arc::new(move |stream, proto, server| {
        // `StreamReader(limit=limit)` runs for each connection, in the protocol factory.
        if let Err(e) = check_limit(limit) {
            log::error!("Error on transport creation for incoming connection: {e}");
            return;
        }
        let tls = ssl.as_ref().map(|ctx| TlsParams {
            context: Some(ctx.clone()),
            server_side: true,
            server_hostname: None,
            ssl_handshake_timeout: handshake_timeout,
            ssl_shutdown_timeout: shutdown_timeout,
            call_connection_made: true,
        });
        let shared = match make_transport(stream, proto, limit, tls, true, Some(server.clone())) {
            Ok(shared) => {
                server.register(&shared);
                shared
            }
            Err(e) => {
                log::error!("Error on transport creation for incoming connection: {e}");
                return;
            }
        };
        let callback = callback.clone();
        tokio::spawn(async move {
            if let Err(e) = wait_established(&shared).await {
                log::error!("Error on transport creation for incoming connection: {e}");
                return;
            }
            let reader = StreamReader::new(shared.clone());
            let writer = StreamWriter::new(shared.clone());
            if let Err(e) = callback(reader, writer).await.into_outcome() {
                log::error!("Unhandled exception in client_connected_cb: {e}");
                shared.lock().close();
            }
        });
    });
    let server = Server {
        inner: Arc::new(ServerInner {
            state: Mutex::new(ServerState {
                sockets: Some(sockets),
                backlog: kw.backlog,
                serving: false,
                accept_tasks: Vec::new(),
                clients: 0,
                transports: Vec::new(),
                done: false,
                wakers: Vec::new(),
                serving_forever: false,
                on_connection,
            }),
        }),
    };
    if kw.start_serving {
        server.start_serving_now()?;
        // `await tasks.sleep(0)`: let the accept loops start.
        tokio::task::yield_now().await;
    }
    Ok(server)
}

/// The accept loop of one listening socket; accepted sockets have its `proto`.
async fn accept_loop(listener: Arc<TcpListener>, proto: i32, server: ServerHandle) {
    loop {
        match listener.accept().await {
            Ok((stream, _addr)) => {
                let on_connection = server.0.lock().on_connection.clone();
                on_connection(stream, proto, server.clone());
            }
            Err(e) => {
                // CPython waits `ACCEPT_RETRY_DELAY` (1 s) when out of descriptors or memory,
                // and ignores the other errors of one connection.
                let errno = e.raw_os_error().unwrap_or(0);
                if [libc::EMFILE, libc::ENFILE, libc::ENOBUFS, libc::ENOMEM].contains(&errno) {
                    // The exception as Python prints it: `[Errno 24] Too many open files`.
                    log::error!("socket.accept() out of system resource: {}", Error::from(e));
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    }
}

impl Server {
    fn handle(&self) -> ServerHandle {
        ServerHandle(self.inner.clone())
    }

    /// `_start_serving`: `listen()` on each socket, then accept on it.
    fn start_serving_now(&self) -> Result<()> {
        let mut state = self.inner.lock();
        if state.serving {
            return Ok(());
        }
        state.serving = true;
        let backlog = state.backlog;
        let mut listeners = Vec::new();
        for sock in state.sockets.iter_mut().flatten() {
            listeners.push((sock.listen(backlog)?, sock.proto()));
        }
        for (listener, proto) in listeners {
            let task = tokio::spawn(accept_loop(listener, proto, self.handle()));
            state.accept_tasks.push(task.abort_handle());
        }
        Ok(())
    }

    /// `server.is_serving()`.
    pub fn is_serving(&self) -> bool {
        self.inner.lock().serving
    }

    /// `server.sockets`: the server's sockets (`()` once closed), listening once it serves.
    ///
    /// ```text
    /// Python:  port = server.sockets[0].getsockname()[1]
    /// Rust:    let port = server.sockets()[0].getsockname()?.port();
    /// ```
    pub fn sockets(&self) -> Vec<TransportSocket> {
        match &self.inner.lock().sockets {
            Some(sockets) => sockets.iter().map(ServerSocket::transport_socket).collect(),
            None => Vec::new(),
        }
    }

    /// `server.close()`: stop listening (connections already accepted go on).
    pub fn close(&self) {
        let mut state = self.inner.lock();
        if state.sockets.take().is_none() {
            return;
        }
        for task in state.accept_tasks.drain(..) {
            task.abort();
        }
        state.serving = false;
        if state.clients == 0 {
            wakeup(&mut state);
        } else {
            // serve_forever() returns once closed.
            for waker in &state.wakers {
                waker.wake_by_ref();
            }
        }
    }

    /// The client transports still open.
    fn client_transports(&self) -> Vec<Arc<Shared>> {
        let state = self.inner.lock();
        state.transports.iter().filter_map(Weak::upgrade).collect()
    }

    /// `server.close_clients()` (CPython 3.13): close every accepted connection (close_notify
    /// first over TLS).
    pub fn close_clients(&self) {
        for shared in self.client_transports() {
            shared.lock().close();
        }
    }

    /// `server.abort_clients()` (CPython 3.13): abort every accepted connection.
    pub fn abort_clients(&self) {
        for shared in self.client_transports() {
            shared.lock().abort();
        }
    }

    /// `await server.start_serving()`: listen and accept (a server made with
    /// `start_serving: false` refuses connections until then).
    pub async fn start_serving(&self) -> Result<()> {
        self.start_serving_now()?;
        tokio::task::yield_now().await;
        Ok(())
    }

    /// `await server.wait_closed()`: until the server is closed and every connection it
    /// accepted is lost.
    pub async fn wait_closed(&self) {
        poll_fn(|cx| {
            let mut state = self.inner.lock();
            if state.done {
                return Poll::Ready(());
            }
            register(&mut state.wakers, cx.waker());
            Poll::Pending
        })
        .await
    }

    /// `await server.serve_forever()`: accept until the server is closed (`close()` from
    /// another task), then wait for its connections to end. CPython's `serve_forever` then
    /// raises `CancelledError`; pyssl's returns `Ok(())`. Dropping the future (cancelling
    /// the task) closes the server, as cancelling CPython's does.
    ///
    /// ```text
    /// Python:  await server.serve_forever()
    /// Rust:    server.serve_forever().await?;
    /// ```
    pub async fn serve_forever(&self) -> Result<()> {
        {
            let mut state = self.inner.lock();
            if state.serving_forever {
                drop(state);
                return Err(Error::RuntimeError(format!(
                    "server {} is already being awaited on serve_forever()",
                    self.py_repr()
                )));
            }
            if state.sockets.is_none() {
                drop(state);
                return Err(Error::RuntimeError(format!(
                    "server {} is closed",
                    self.py_repr()
                )));
            }
            state.serving_forever = true;
        }
        struct Cancel<'a>(&'a Server);
        impl Drop for Cancel<'_> {
            fn drop(&mut self) {
                self.0.inner.lock().serving_forever = false;
                self.0.close();
            }
        }
        let _cancel = Cancel(self);
        self.start_serving_now()?;
        poll_fn(|cx| {
            let mut state = self.inner.lock();
            if state.sockets.is_none() {
                return Poll::Ready(());
            }
            register(&mut state.wakers, cx.waker());
            Poll::Pending
        })
        .await;
        self.wait_closed().await;
        Ok(())
    }

    /// `async with server: ...`: runs `body` with the server, then closes it and waits for it
    /// to close (`__aexit__`), whatever `body` returned.
    ///
    /// ```text
    /// Python:  async with server:
    ///              await server.serve_forever()
    /// Rust:    server.async_with(|server| async move { server.serve_forever().await }).await?;
    /// ```
    pub async fn async_with<B, F>(&self, body: B) -> F::Output
    where
        B: FnOnce(Server) -> F,
        F: Future,
    {
        let output = body(self.clone()).await;
        self.close();
        self.wait_closed().await;
        output
    }
}
