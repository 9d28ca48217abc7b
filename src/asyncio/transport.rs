//! The socket side of a connection: CPython's `_SelectorSocketTransport`
//! (`Lib/asyncio/selector_events.py`) over a tokio `TcpStream`, and the task that drives it.
//!
//! asyncio's event loop drives every connection whether or not the application reads: it
//! reads the socket, runs the TLS state machine, answers the peer, enforces the timers. Here one
//! tokio task per connection does that ([`drive`]); it owns nothing but a handle on the shared
//! [`Conn`], which the `StreamReader` and `StreamWriter` lock too. The lock is never held across
//! an `.await`, and no application code runs under it.
//!
//! Write flow control is the selector transport's: `write()` sends at once when it can and
//! buffers the rest; past 64 KiB buffered the protocol is paused (`drain()` waits), at 16 KiB
//! it resumes.

use std::future::poll_fn;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use tokio::net::TcpStream;
use tokio::time::Instant;

use super::protocol::StreamProtocol;
use super::server::ServerHandle;
use super::sslproto::SslProtocol;
use super::timers::Timer;
use crate::error::Error;
use crate::socket::Address;

/// `transports._FlowControlMixin`'s default high-water mark (64 KiB); low is a quarter.
pub(crate) const HIGH_WATER: usize = 64 * 1024;
/// Socket events handled before the driver yields to the runtime's other tasks.
const BUDGET: usize = 32;
/// `constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES`.
const LOG_THRESHOLD_FOR_CONNLOST_WRITES: u32 = 5;

/// `_SelectorSocketTransport`'s state.
pub(crate) struct SocketTransport {
    /// The socket; `None` once closed (`_call_connection_lost` closes it).
    pub(crate) stream: Option<TcpStream>,
    /// `_buffer`: bytes waiting for the socket to accept them, from `sent` on.
    out: Vec<u8>,
    sent: usize,
    /// `_paused`: the protocol asked not to read.
    paused: bool,
    /// The peer's EOF arrived and the protocol kept the transport open for writing.
    read_eof: bool,
    /// `_closing`.
    pub(crate) closing: bool,
    /// `_eof`: `write_eof()` was called.
    eof: bool,
    /// `_conn_lost`.
    conn_lost: u32,
    /// `connection_lost(exc)` to deliver (`call_soon(self._call_connection_lost, exc)`).
    lost: Option<Option<Error>>,
    /// `_protocol_paused` (`_FlowControlMixin`).
    protocol_paused: bool,
    /// `sock.proto` (`get_extra_info('socket')` shows it): the `getaddrinfo` protocol, or a
    /// `sock=` argument's own (usually 0).
    pub(crate) proto: i32,
    /// `_extra['sockname']`, `_extra['peername']`.
    pub(crate) sockname: Option<Address>,
    pub(crate) peername: Option<Address>,
    /// The `Server` whose connection this is (`_server._attach` / `_detach`).
    pub(crate) server: Option<ServerHandle>,
}

impl SocketTransport {
    pub(crate) fn new(stream: TcpStream) -> SocketTransport {
        // `base_events._set_nodelay`: asyncio disables Nagle on every TCP transport.
        let _ = stream.set_nodelay(true);
        let sockname = stream.local_addr().ok().map(Address::from);
        let peername = stream.peer_addr().ok().map(Address::from);
        SocketTransport {
            stream: Some(stream),
            out: Vec::new(),
            sent: 0,
            paused: false,
            read_eof: false,
            closing: false,
            eof: false,
            conn_lost: 0,
            lost: None,
            protocol_paused: false,
            proto: libc::IPPROTO_TCP,
            sockname,
            peername,
            server: None,
        }
    }

    /// A loss is scheduled (`call_soon(_call_connection_lost)`) and not yet delivered.
    pub(crate) fn loss_pending(&self) -> bool {
        self.lost.is_some()
    }

    /// `get_write_buffer_size()`.
    pub(crate) fn write_buffer_size(&self) -> usize {
        self.out.len() - self.sent
    }

    /// `transport.write(data)`: send now what the socket takes, buffer the rest. Returns
    /// `true` when the buffer went over the high-water mark and the protocol must pause
    /// (`_maybe_pause_protocol`).
    pub(crate) fn write(&mut self, data: &[u8]) -> bool {
        if data.is_empty() {
            return false;
        }
        if self.conn_lost > 0 {
            if self.conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES {
                log::warn!("socket.send() raised exception.");
            }
            self.conn_lost += 1;
            return false;
        }
        let mut data = data;
        if self.write_buffer_size() == 0 {
            let Some(stream) = &self.stream else {
                return false;
            };
            // CPython sends at once, whatever the loop knows of the socket; tokio's
            // `try_write` would not call `send` before epoll reported the socket writable
            // (a `sock=` never connected then failed on a read, not this send's EPIPE).
            use std::os::fd::AsRawFd;
            match crate::ffi::sys::send(stream.as_raw_fd(), data, libc::MSG_NOSIGNAL) {
                Ok(n) => data = &data[n..],
                Err(e) if is_retry(&e) => {}
                Err(e) => {
                    self.fatal_error(e.into());
                    return false;
                }
            }
            if data.is_empty() {
                return false;
            }
        }
        self.out.extend_from_slice(data);
        if self.write_buffer_size() > HIGH_WATER && !self.protocol_paused {
            self.protocol_paused = true;
            return true;
        }
        false
    }

    /// `_write_ready`: the socket can take more. Returns `true` when the buffer fell to the
    /// low-water mark and the protocol may resume (`_maybe_resume_protocol`).
    fn flush(&mut self) -> bool {
        let Some(stream) = &self.stream else {
            return false;
        };
        while self.sent < self.out.len() {
            match stream.try_write(&self.out[self.sent..]) {
                Ok(n) => self.sent += n,
                Err(e) if is_retry(&e) => break,
                Err(e) => {
                    self.fatal_error(e.into());
                    return false;
                }
            }
        }
        if self.sent == self.out.len() {
            // Keep no memory while idle.
            self.out = Vec::new();
            self.sent = 0;
            if self.closing {
                self.schedule_connection_lost(None);
            } else if self.eof {
                self.shutdown_write();
            }
        } else if self.sent >= self.out.len() / 2 {
            self.out.drain(..self.sent);
            self.sent = 0;
        }
        if self.protocol_paused && self.write_buffer_size() <= HIGH_WATER / 4 {
            self.protocol_paused = false;
            return true;
        }
        false
    }

    fn shutdown_write(&mut self) {
        if let Some(stream) = &self.stream {
            use std::os::fd::AsRawFd;
            let _ = crate::ffi::sys::shutdown(stream.as_raw_fd(), libc::SHUT_WR);
        }
    }

    /// `pause_reading()`.
    pub(crate) fn pause_reading(&mut self) {
        self.paused = true;
    }

    /// `resume_reading()` (the driver is woken by the caller).
    pub(crate) fn resume_reading(&mut self) {
        self.paused = false;
    }

    /// `transport.close()`: stop reading; once the buffer is sent, the connection is lost.
    pub(crate) fn close(&mut self) {
        if self.closing {
            return;
        }
        self.closing = true;
        if self.write_buffer_size() == 0 {
            self.schedule_connection_lost(None);
        }
    }

    /// `write_eof()`: shut down the sending side once the buffer is sent.
    pub(crate) fn write_eof(&mut self) {
        if self.closing || self.eof {
            return;
        }
        self.eof = true;
        if self.write_buffer_size() == 0 {
            self.shutdown_write();
        }
    }

    pub(crate) fn eof_written(&self) -> bool {
        self.eof
    }

    /// `_force_close(exc)`: drop the buffer and lose the connection now.
    pub(crate) fn force_close(&mut self, exc: Option<Error>) {
        if self.conn_lost > 0 {
            return;
        }
        self.out = Vec::new();
        self.sent = 0;
        self.closing = true;
        self.schedule_connection_lost(exc);
    }

    /// `_fatal_error(exc)`.
    pub(crate) fn fatal_error(&mut self, exc: Error) {
        self.force_close(Some(exc));
    }

    fn schedule_connection_lost(&mut self, exc: Option<Error>) {
        self.conn_lost += 1;
        if self.lost.is_none() {
            self.lost = Some(exc);
        }
    }

    fn wants_read(&self) -> bool {
        self.stream.is_some() && !self.closing && !self.paused && !self.read_eof
    }

    fn wants_write(&self) -> bool {
        self.stream.is_some() && self.write_buffer_size() > 0
    }
}

/// A send or receive that would block (or was interrupted) and is retried when ready.
fn is_retry(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
    )
}

/// One connection: the socket transport, TLS when there is TLS, and the stream protocol.
pub(crate) struct Conn {
    pub(crate) sock: SocketTransport,
    pub(crate) tls: Option<SslProtocol>,
    pub(crate) app: StreamProtocol,
    /// Whether the stream was accepted by a server (`start_tls` is then server-side).
    pub(crate) server_side: bool,
    /// The driver's waker, for changes made by the reader and writer.
    driver: Option<Waker>,
    /// `connection_lost` was delivered: the driver is done.
    done: bool,
}

impl Conn {
    pub(crate) fn new(sock: SocketTransport, app: StreamProtocol, server_side: bool) -> Conn {
        Conn {
            sock,
            tls: None,
            app,
            server_side,
            driver: None,
            done: false,
        }
    }

    /// Wakes the driver to look at the state again.
    pub(crate) fn wake_driver(&self) {
        if let Some(waker) = &self.driver {
            waker.wake_by_ref();
        }
    }

    // ---- the socket transport's protocol: TLS, or the stream directly ----------------------

    fn data_received(&mut self, data: &[u8]) {
        match &mut self.tls {
            Some(tls) => tls.buffer_updated(data, &mut self.sock, &mut self.app),
            None => {
                if self.app.data_received(data) {
                    self.sock.pause_reading();
                }
            }
        }
    }

    /// `_read_ready__on_eof`.
    fn eof_received(&mut self) {
        let keep_open = match &mut self.tls {
            Some(tls) => tls.eof_received(&mut self.sock, &mut self.app),
            None => self.app.eof_received(),
        };
        self.sock.read_eof = true;
        if !keep_open {
            self.sock.close();
        }
    }

    /// `_call_connection_lost(exc)`: tell the protocol, close the socket, leave the server.
    fn connection_lost(&mut self, exc: Option<Error>) {
        match &mut self.tls {
            Some(tls) => tls.connection_lost(exc, &mut self.sock, &mut self.app),
            None => self.app.connection_lost(exc),
        }
        self.sock.stream = None;
        self.sock.out = Vec::new();
        self.done = true;
        if let Some(server) = self.sock.server.take() {
            server.detach();
        }
    }

    fn pause_writing(&mut self) {
        match &mut self.tls {
            Some(tls) => tls.pause_writing(),
            None => self.app.pause_writing(),
        }
    }

    fn resume_writing(&mut self) {
        match &mut self.tls {
            Some(tls) => tls.resume_writing(&mut self.sock, &mut self.app),
            None => self.app.resume_writing(),
        }
    }

    /// When the driver must wake for a timer.
    fn deadline(&self) -> Option<Instant> {
        self.tls.as_ref().and_then(SslProtocol::deadline)
    }

    // ---- the application's transport: `writer.write()`, `close()`, ... -------------------

    /// `transport.write(data)` / `writelines(list_of_data)`.
    pub(crate) fn write(&mut self, list_of_data: &[&[u8]]) {
        let was_closing = self.is_closing();
        match &mut self.tls {
            Some(tls) => tls.write_appdata(list_of_data, &mut self.sock, &mut self.app),
            None => {
                for data in list_of_data {
                    if self.sock.write(data) {
                        self.pause_writing();
                    }
                }
            }
        }
        if !was_closing && self.is_closing() {
            self.app.closed_by_app = true;
        }
        self.wake_driver();
    }

    /// `transport.close()`.
    pub(crate) fn close(&mut self) {
        self.app.closed_by_app = true;
        match &mut self.tls {
            Some(tls) => tls.close(&mut self.sock, &mut self.app),
            None => self.sock.close(),
        }
        self.wake_driver();
    }

    /// `transport.is_closing()`.
    pub(crate) fn is_closing(&self) -> bool {
        match &self.tls {
            Some(tls) => tls.is_closing(),
            None => self.sock.closing,
        }
    }

    /// `transport.abort()`: lose the connection now, buffered data dropped.
    pub(crate) fn abort(&mut self) {
        self.app.closed_by_app = true;
        match &mut self.tls {
            Some(tls) => tls.abort(&mut self.sock),
            None => self.sock.force_close(None),
        }
        self.wake_driver();
    }

    /// `transport.get_write_buffer_size()`.
    pub(crate) fn write_buffer_size(&self) -> usize {
        match &self.tls {
            Some(tls) => tls.write_buffer_size(),
            None => self.sock.write_buffer_size(),
        }
    }

    /// `transport.is_reading()`.
    pub(crate) fn is_reading(&self) -> bool {
        match &self.tls {
            Some(tls) => tls.is_reading(),
            None => !self.sock.paused && !self.sock.closing,
        }
    }

    /// `transport.pause_reading()`.
    pub(crate) fn pause_app_reading(&mut self) {
        match &mut self.tls {
            Some(tls) => tls.pause_reading(),
            None => self.sock.pause_reading(),
        }
    }

    /// `transport.resume_reading()`, when the reader consumed what made it pause.
    pub(crate) fn resume_app_reading(&mut self) {
        match &mut self.tls {
            Some(tls) => tls.resume_reading(&mut self.sock, &mut self.app),
            None => self.sock.resume_reading(),
        }
        self.wake_driver();
    }

    /// Installs TLS over the plain transport, or inside the TLS one, and starts the handshake
    /// (`loop.start_tls` and `create_connection(ssl=...)`); the waiter reports the outcome.
    /// The new session's first input is what the stream received since the application last
    /// waited on it ([`StreamProtocol::take_unseen`]).
    pub(crate) fn start_tls(&mut self, tls: SslProtocol) {
        self.app.over_ssl = true;
        self.app.waiter = super::protocol::Waiter::Waiting;
        let early = self.app.take_unseen();
        if let Some(outer) = &mut self.tls {
            let reader_paused = self.app.reader_paused;
            outer.start_tls_inside(tls, reader_paused, early, &mut self.sock, &mut self.app);
            self.wake_driver();
            return;
        }
        self.sock.resume_reading();
        let tls = self.tls.insert(tls);
        if self.app.reader_paused {
            tls.pause_reading();
        }
        tls.connection_made(&mut self.sock, &mut self.app);
        if !early.is_empty() {
            tls.buffer_updated(&early, &mut self.sock, &mut self.app);
        }
        self.wake_driver();
    }

    // ---- the driver ------------------------------------------------------------------------

    /// One turn of the event loop for this connection: what the socket and the timer have
    /// for it. `Ready` once the connection is lost.
    fn poll_drive(&mut self, cx: &mut Context<'_>, timer: &mut Timer) -> Poll<()> {
        for _ in 0..BUDGET {
            if let Some(exc) = self.sock.lost.take() {
                self.connection_lost(exc);
            }
            if self.done {
                return Poll::Ready(());
            }
            let mut progress = false;
            if self.sock.wants_read() {
                progress |= super::scratch::socket_buffer(|buf| {
                    let Some(result) = self.try_read(cx, buf) else {
                        return false;
                    };
                    match result {
                        Ok(0) => self.eof_received(),
                        Ok(n) => self.data_received(&buf[..n]),
                        Err(e) if is_retry(&e) => {}
                        Err(e) => self.sock.fatal_error(e.into()),
                    }
                    true
                });
            }
            if self.sock.wants_write() {
                let ready = match &self.sock.stream {
                    Some(stream) => stream.poll_write_ready(cx),
                    None => Poll::Pending,
                };
                if let Poll::Ready(result) = ready {
                    progress = true;
                    match result {
                        Ok(()) => {
                            if self.sock.flush() {
                                self.resume_writing();
                            }
                        }
                        Err(e) => self.sock.fatal_error(e.into()),
                    }
                }
            }
            match self.deadline() {
                None => timer.cancel(),
                Some(at) => {
                    if timer.poll_until(cx, at).is_ready() {
                        progress = true;
                        if let Some(tls) = &mut self.tls {
                            tls.on_timer(&mut self.sock);
                        }
                    }
                }
            }
            if !progress && self.sock.lost.is_none() {
                if let Some(tls) = &self.tls {
                    tls.release_buffers();
                }
                if !self
                    .driver
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    self.driver = Some(cx.waker().clone());
                }
                return Poll::Pending;
            }
        }
        // Busy connection: let the runtime's other tasks run, then go on.
        cx.waker().wake_by_ref();
        Poll::Pending
    }

    /// `Some(result)` of one `recv` if the socket was readable, `None` if not (the driver is
    /// then woken when it is).
    fn try_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Option<std::io::Result<usize>> {
        let stream = self.sock.stream.as_ref()?;
        match stream.poll_read_ready(cx) {
            Poll::Pending => None,
            Poll::Ready(Err(e)) => Some(Err(e)),
            Poll::Ready(Ok(())) => Some(stream.try_read(buf)),
        }
    }
}

/// The connection state the task, the reader and the writer share.
pub(crate) struct Shared {
    conn: Mutex<Conn>,
}

impl Shared {
    pub(crate) fn new(conn: Conn) -> Arc<Shared> {
        Arc::new(Shared {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, locked (a panic elsewhere leaves it usable rather than poisoned).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Conn> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An application's wait on this stream: `check` under the lock until it is ready (it
    /// registers the task's waker when it is not). Each poll after a wait marks what has
    /// arrived as arrived while the application waited ([`StreamProtocol::resumed`]).
    pub(crate) async fn wait_until<T>(
        &self,
        mut check: impl FnMut(&mut Conn, &mut Context<'_>) -> Poll<T>,
    ) -> T {
        let mut waited = false;
        poll_fn(|cx| {
            let mut conn = self.lock();
            if waited {
                conn.app.resumed();
            }
            let outcome = check(&mut conn, cx);
            waited = outcome.is_pending();
            outcome
        })
        .await
    }
}

/// The connection's task: runs until the connection is lost.
pub(crate) async fn drive(shared: Arc<Shared>) {
    let mut timer = Timer::default();
    poll_fn(|cx| shared.lock().poll_drive(cx, &mut timer)).await;
}

/// Starts the connection's task on the current runtime.
pub(crate) fn spawn_driver(shared: &Arc<Shared>) {
    tokio::spawn(drive(shared.clone()));
}
