//! TLS between the socket transport and the streams: CPython 3.13's `Lib/asyncio/sslproto.py`
//! (`SSLProtocol`) over an [`SSLObject`] and two [`MemoryBIO`]s, with its states, timeouts,
//! flow control and texts.
//!
//! ```text
//! UNWRAPPED -> DO_HANDSHAKE -> WRAPPED -> FLUSHING -> SHUTDOWN -> (UNWRAPPED)
//! ```
//!
//! Each method is the Python method of the same name; the socket transport and the stream
//! protocol it would reach through `self._transport` / `self._app_protocol` are passed in.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::time::{Duration, Instant};

use super::layers::{Layer, Lower, Upper};
use crate::error::{Error, Result, SSLErrorKind};
use crate::ssl::{self, MemoryBIO, PeerCert, SSLContext, SSLObject};

/// `constants.SSL_HANDSHAKE_TIMEOUT`: seconds.
pub(crate) const SSL_HANDSHAKE_TIMEOUT: f64 = 60.0;
/// `constants.SSL_SHUTDOWN_TIMEOUT`: seconds.
pub(crate) const SSL_SHUTDOWN_TIMEOUT: f64 = 30.0;
/// `constants.FLOW_CONTROL_HIGH_WATER_SSL_READ`: the incoming BIO's high-water mark; the
/// low-water mark is a quarter of it (`add_flowcontrol_defaults`).
const INCOMING_HIGH_WATER: usize = 256 * 1024;
/// `constants.FLOW_CONTROL_HIGH_WATER_SSL_WRITE`: what the application may have buffered
/// (unencrypted backlog + encrypted bytes not yet handed to the socket) before `drain()` waits.
pub(crate) const OUTGOING_HIGH_WATER: usize = 512 * 1024;
/// `constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES`.
const LOG_THRESHOLD_FOR_CONNLOST_WRITES: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Unwrapped,
    DoHandshake,
    Wrapped,
    Flushing,
    Shutdown,
}

/// `AppProtocolState`: whether the stream protocol has been told of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AppState {
    Init,
    ConMade,
    Eof,
    ConLost,
}

/// What the handshake established (`self._extra`'s later keys).
pub(crate) struct Established {
    pub(crate) peercert: Option<PeerCert>,
    pub(crate) cipher: Option<(String, String, i32)>,
    pub(crate) compression: Option<String>,
}

/// The keyword arguments `SSLProtocol(...)` takes.
pub(crate) struct TlsParams {
    /// `None`: `ssl=True` (`create_default_context()`).
    pub(crate) context: Option<SSLContext>,
    pub(crate) server_side: bool,
    pub(crate) server_hostname: Option<String>,
    pub(crate) ssl_handshake_timeout: Option<f64>,
    pub(crate) ssl_shutdown_timeout: Option<f64>,
    /// `call_connection_made`: false for `start_tls`, whose stream already runs.
    pub(crate) call_connection_made: bool,
}

/// A shared handle on the connection's `SSLObject`, for `get_extra_info('ssl_object')`.
pub(crate) type SharedSSLObject = Arc<Mutex<SSLObject>>;

pub(crate) fn lock_sslobj(sslobj: &SharedSSLObject) -> MutexGuard<'_, SSLObject> {
    sslobj.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) struct SslProtocol {
    sslobj: SharedSSLObject,
    incoming: MemoryBIO,
    outgoing: MemoryBIO,
    sslcontext: SSLContext,
    state: State,
    app_state: AppState,
    write_backlog: VecDeque<Vec<u8>>,
    write_buffer_size: usize,
    ssl_handshake_timeout: f64,
    ssl_shutdown_timeout: f64,
    /// The pending handshake or shutdown timer (`_handshake_timeout_handle`, ...).
    deadline: Option<(Instant, Timer)>,
    eof_received: bool,
    ssl_writing_paused: bool,
    app_reading_paused: bool,
    ssl_reading_paused: bool,
    app_writing_paused: bool,
    /// `_SSLProtocolTransport._closed`: what `writer.is_closing()` answers.
    pub(crate) app_transport_closed: bool,
    conn_lost: u32,
    established: Option<Established>,
    /// A TLS session started inside this one (`start_tls()` on a TLS stream), which the
    /// application now talks to.
    pub(crate) inner: Option<Box<Layer>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    Handshake,
    Shutdown,
}

/// `SSLAgainErrors`: `(ssl.SSLWantReadError, ssl.SSLSyscallError)`.
fn is_again(e: &Error) -> bool {
    matches!(
        e.ssl_kind(),
        Some(SSLErrorKind::SSLWantReadError | SSLErrorKind::SSLSyscallError)
    )
}

/// Python's `f"{x}"` for a float timeout: `60.0`, `0.5`.
pub(crate) fn float_str(x: f64) -> String {
    format!("{x:?}")
}

/// `SSLProtocol.__init__`'s check of a timeout argument.
fn timeout_arg(name: &str, value: Option<f64>, default: f64) -> Result<f64> {
    match value {
        None => Ok(default),
        Some(v) if v.is_nan() || v <= 0.0 => Err(Error::value(format!(
            "{name} should be a positive number, got {}",
            float_str(v)
        ))),
        Some(v) => Ok(v),
    }
}

impl SslProtocol {
    /// `SSLProtocol(loop, app_protocol, sslcontext, waiter, server_side, server_hostname, ...)`.
    pub(crate) fn new(params: TlsParams) -> Result<SslProtocol> {
        let ssl_handshake_timeout = timeout_arg(
            "ssl_handshake_timeout",
            params.ssl_handshake_timeout,
            SSL_HANDSHAKE_TIMEOUT,
        )?;
        let ssl_shutdown_timeout = timeout_arg(
            "ssl_shutdown_timeout",
            params.ssl_shutdown_timeout,
            SSL_SHUTDOWN_TIMEOUT,
        )?;
        let sslcontext = match params.context {
            Some(ctx) => ctx,
            None => create_transport_context(params.server_side, &params.server_hostname)?,
        };
        let server_hostname = params
            .server_hostname
            .filter(|name| !name.is_empty() && !params.server_side);
        let incoming = MemoryBIO::new()?;
        let outgoing = MemoryBIO::new()?;
        let sslobj = sslcontext.wrap_bio(
            &incoming,
            &outgoing,
            ssl::WrapBio {
                server_side: params.server_side,
                server_hostname: server_hostname.as_deref(),
                ..Default::default()
            },
        )?;
        Ok(SslProtocol {
            sslobj: Arc::new(Mutex::new(sslobj)),
            incoming,
            outgoing,
            sslcontext,
            state: State::Unwrapped,
            app_state: if params.call_connection_made {
                AppState::Init
            } else {
                AppState::ConMade
            },
            write_backlog: VecDeque::new(),
            write_buffer_size: 0,
            ssl_handshake_timeout,
            ssl_shutdown_timeout,
            deadline: None,
            eof_received: false,
            ssl_writing_paused: false,
            app_reading_paused: false,
            ssl_reading_paused: false,
            app_writing_paused: false,
            app_transport_closed: false,
            conn_lost: 0,
            established: None,
            inner: None,
        })
    }

    pub(crate) fn sslcontext_here(&self) -> &SSLContext {
        &self.sslcontext
    }

    /// The `SSLObject`, once the handshake made it `get_extra_info('ssl_object')`.
    pub(crate) fn ssl_object_here(&self) -> Option<&SharedSSLObject> {
        self.established.as_ref().map(|_| &self.sslobj)
    }

    pub(crate) fn established_here(&self) -> Option<&Established> {
        self.established.as_ref()
    }

    /// The connection goes idle: free the memory BIOs' buffers if they are empty (the next
    /// record allocates again), so that an idle connection keeps no buffer.
    pub(crate) fn release_buffers_here(&self) {
        // A handshake in progress goes idle between flights, and would only allocate again.
        if self.state != State::Wrapped {
            return;
        }
        self.incoming.release_if_empty();
        self.outgoing.release_if_empty();
    }

    /// When the driver must call [`SslProtocol::on_timer`].
    pub(crate) fn deadline_here(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
    }

    fn set_timer(&mut self, seconds: f64, timer: Timer) {
        let delay = Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX);
        let at = Instant::now()
            .checked_add(delay)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86400 * 365 * 30));
        self.deadline = Some((at, timer));
    }

    // ---- the socket transport's protocol -----------------------------------------------------

    /// `connection_made(transport)`: start the handshake.
    pub(crate) fn connection_made(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        self.state = State::DoHandshake;
        self.set_timer(self.ssl_handshake_timeout, Timer::Handshake);
        self.do_handshake(sock, app);
    }

    /// `connection_lost(exc)`.
    pub(crate) fn connection_lost_here(&mut self, exc: Option<Error>, app: &mut impl Upper) {
        self.write_backlog.clear();
        self.write_buffer_size = 0;
        let _ = self.outgoing.read(-1);
        self.conn_lost += 1;
        self.app_transport_closed = true;
        if self.state != State::DoHandshake
            && matches!(self.app_state, AppState::ConMade | AppState::Eof)
        {
            self.app_state = AppState::ConLost;
            app.connection_lost(exc.clone());
        }
        self.state = State::Unwrapped;
        app.wakeup_waiter(exc.map_or(Ok(()), Err));
        self.deadline = None;
    }

    /// `buffer_updated(nbytes)`: bytes from the socket.
    pub(crate) fn buffer_updated_here(
        &mut self,
        data: &[u8],
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        if let Err(e) = self.incoming.write(data) {
            sock.fatal_error(e);
            return;
        }
        match self.state {
            State::DoHandshake => self.do_handshake(sock, app),
            State::Wrapped => self.do_read(sock, app),
            State::Flushing => self.do_flush(sock, app),
            State::Shutdown => self.do_shutdown(sock, app),
            State::Unwrapped => {}
        }
    }

    /// `eof_received()`: the peer closed its end of the socket. Returns `keep_open`.
    pub(crate) fn eof_received_here(
        &mut self,
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) -> bool {
        self.eof_received = true;
        match self.state {
            // `self._on_handshake_complete(ConnectionResetError)`: the class, raised bare.
            State::DoHandshake => {
                self.on_handshake_complete(
                    Some(Error::ConnectionResetError(String::new())),
                    sock,
                    app,
                );
            }
            State::Wrapped => {
                self.state = State::Flushing;
                if self.app_reading_paused {
                    return true;
                }
                self.do_flush(sock, app);
            }
            State::Flushing => {
                self.do_write(sock, app);
                self.state = State::Shutdown;
                self.do_shutdown(sock, app);
            }
            State::Shutdown => self.do_shutdown(sock, app),
            State::Unwrapped => {}
        }
        false
    }

    /// `pause_writing()`: the socket's buffer is over its high-water mark.
    pub(crate) fn pause_writing(&mut self) {
        self.ssl_writing_paused = true;
    }

    /// `resume_writing()`: it drained to its low-water mark.
    pub(crate) fn resume_writing_here(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        self.ssl_writing_paused = false;
        self.process_outgoing(sock, app);
    }

    /// The pending timer fired (`_check_handshake_timeout`, `_check_shutdown_timeout`), if it
    /// is due (the driver wakes for the earliest timer of all the layers).
    pub(crate) fn on_timer_here(&mut self, sock: &mut impl Lower) {
        let Some((at, timer)) = self.deadline else {
            return;
        };
        if at > Instant::now() {
            return;
        }
        self.deadline = None;
        match timer {
            Timer::Handshake if self.state == State::DoHandshake => {
                let msg = format!(
                    "SSL handshake is taking longer than {} seconds: aborting the connection",
                    float_str(self.ssl_handshake_timeout)
                );
                sock.fatal_error(Error::ConnectionAbortedError(msg));
            }
            Timer::Shutdown if matches!(self.state, State::Flushing | State::Shutdown) => {
                sock.force_close(Some(Error::TimeoutError("SSL shutdown timed out".into())));
            }
            _ => {}
        }
    }

    // ---- the application transport (`_SSLProtocolTransport`) --------------------------------

    /// `transport.close()`.
    pub(crate) fn close_here(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        if !self.app_transport_closed {
            self.app_transport_closed = true;
            self.start_shutdown(sock, app);
        }
    }

    /// `transport.is_reading()`.
    pub(crate) fn is_reading_here(&self) -> bool {
        !self.app_reading_paused
    }

    /// `transport.pause_reading()`.
    pub(crate) fn pause_reading_here(&mut self) {
        self.app_reading_paused = true;
    }

    /// `transport.resume_reading()` (what CPython schedules with `call_soon`, done at once).
    pub(crate) fn resume_reading_here(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        if self.app_reading_paused {
            self.app_reading_paused = false;
            match self.state {
                State::Wrapped => self.do_read(sock, app),
                State::Flushing => self.do_flush(sock, app),
                State::Shutdown => self.do_shutdown(sock, app),
                _ => {}
            }
        }
    }

    /// `_get_write_buffer_size()`: encrypted bytes not yet given to the socket, plus the
    /// application's backlog.
    pub(crate) fn write_buffer_size_here(&self) -> usize {
        self.outgoing.pending() + self.write_buffer_size
    }

    // ---- handshake -------------------------------------------------------------------------

    fn do_handshake(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        let result = lock_sslobj(&self.sslobj).do_handshake();
        match result {
            Ok(()) => self.on_handshake_complete(None, sock, app),
            Err(e) if is_again(&e) => self.process_outgoing(sock, app),
            Err(e) if e.is_ssl_error() => self.on_handshake_complete(Some(e), sock, app),
            Err(e) => sock.fatal_error(e),
        }
    }

    fn on_handshake_complete(
        &mut self,
        handshake_exc: Option<Error>,
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        if matches!(self.deadline, Some((_, Timer::Handshake))) {
            self.deadline = None;
        }
        let peercert = match handshake_exc {
            None => {
                self.state = State::Wrapped;
                lock_sslobj(&self.sslobj).getpeercert(false)
            }
            Some(e) => Err(e),
        };
        let peercert = match peercert {
            Ok(peercert) => peercert,
            Err(e) => {
                self.state = State::Unwrapped;
                sock.fatal_error(e.clone());
                app.wakeup_waiter(Err(e));
                return;
            }
        };
        let sslobj = lock_sslobj(&self.sslobj);
        self.established = Some(Established {
            peercert,
            cipher: sslobj.cipher(),
            compression: sslobj.compression(),
        });
        drop(sslobj);
        if self.app_state == AppState::Init {
            self.app_state = AppState::ConMade;
        }
        app.wakeup_waiter(Ok(()));
        self.do_read(sock, app);
    }

    // ---- shutdown --------------------------------------------------------------------------

    fn start_shutdown(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        if matches!(
            self.state,
            State::Flushing | State::Shutdown | State::Unwrapped
        ) {
            return;
        }
        self.app_transport_closed = true;
        if self.state == State::DoHandshake {
            self.abort_here(None, sock);
        } else {
            self.state = State::Flushing;
            self.set_timer(self.ssl_shutdown_timeout, Timer::Shutdown);
            self.do_flush(sock, app);
        }
    }

    fn do_flush(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        self.do_read(sock, app);
        // `_do_read` may have failed and aborted the connection (`_set_state` would then
        // refuse FLUSHING -> SHUTDOWN from UNWRAPPED).
        if self.state != State::Flushing {
            return;
        }
        self.state = State::Shutdown;
        self.do_shutdown(sock, app);
    }

    fn do_shutdown(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        let result = if self.eof_received {
            Ok(())
        } else {
            lock_sslobj(&self.sslobj).unwrap()
        };
        match result {
            Err(e) if is_again(&e) => self.process_outgoing(sock, app),
            Err(e) if e.is_ssl_error() => self.on_shutdown_complete(Some(e), sock),
            Err(e) => sock.fatal_error(e),
            Ok(()) => {
                self.process_outgoing(sock, app);
                self.call_eof_received(app);
                self.on_shutdown_complete(None, sock);
            }
        }
    }

    fn on_shutdown_complete(&mut self, shutdown_exc: Option<Error>, sock: &mut impl Lower) {
        if matches!(self.deadline, Some((_, Timer::Shutdown))) {
            self.deadline = None;
        }
        match shutdown_exc {
            Some(e) => sock.fatal_error(e),
            None => sock.close(),
        }
    }

    /// `_abort(exc)` (`transport.abort()`): drop everything, lose the connection now.
    pub(crate) fn abort_here(&mut self, exc: Option<Error>, sock: &mut impl Lower) {
        self.state = State::Unwrapped;
        sock.force_close(exc);
    }

    // ---- outgoing ----------------------------------------------------------------------------

    /// `_write_appdata(list_of_data)`: `writer.write()`/`writelines()`.
    pub(crate) fn write_appdata_here(
        &mut self,
        list_of_data: &[&[u8]],
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        if matches!(
            self.state,
            State::Flushing | State::Shutdown | State::Unwrapped
        ) {
            if self.conn_lost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES {
                log::warn!("SSL connection is closed");
            }
            self.conn_lost += 1;
            return;
        }
        for data in list_of_data.iter().filter(|d| !d.is_empty()) {
            self.write_backlog.push_back(data.to_vec());
            self.write_buffer_size += data.len();
        }
        if self.state == State::Wrapped {
            self.do_write(sock, app);
        }
    }

    fn do_write(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        while let Some(data) = self.write_backlog.front_mut() {
            let result = lock_sslobj(&self.sslobj).write(data);
            match result {
                Ok(count) if count < data.len() => {
                    data.drain(..count);
                    self.write_buffer_size -= count;
                }
                Ok(count) => {
                    self.write_backlog.pop_front();
                    self.write_buffer_size -= count;
                }
                Err(e) if is_again(&e) => break,
                Err(e) => {
                    // `_write_appdata`'s `_fatal_error(ex, 'Fatal error on SSL protocol')`.
                    sock.fatal_error(e);
                    return;
                }
            }
        }
        self.process_outgoing(sock, app);
    }

    fn process_outgoing(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        if !self.ssl_writing_paused {
            match self.outgoing.read(-1) {
                Ok(data) if !data.is_empty() => {
                    if sock.write(&data) {
                        self.pause_writing();
                    }
                }
                Ok(_) => {}
                Err(e) => sock.fatal_error(e),
            }
        }
        self.control_app_writing(app);
    }

    /// `_control_app_writing`: pause or resume the stream's `drain()`.
    fn control_app_writing(&mut self, app: &mut impl Upper) {
        let size = self.write_buffer_size_here();
        if size >= OUTGOING_HIGH_WATER && !self.app_writing_paused {
            self.app_writing_paused = true;
            app.pause_writing();
        } else if size <= OUTGOING_HIGH_WATER / 4 && self.app_writing_paused {
            self.app_writing_paused = false;
            app.resume_writing();
        }
    }

    // ---- incoming ----------------------------------------------------------------------------

    fn do_read(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        if !matches!(self.state, State::Wrapped | State::Flushing) {
            return;
        }
        if !self.app_reading_paused {
            if let Err(e) = self.do_read_copied(sock, app) {
                // `_do_read`'s `_fatal_error(ex, 'Fatal error on SSL protocol')`.
                sock.fatal_error(e);
                return;
            }
            if !matches!(
                self.state,
                State::Wrapped | State::Flushing | State::Shutdown
            ) {
                return;
            }
            if self.write_backlog.is_empty() {
                self.process_outgoing(sock, app);
            } else {
                self.do_write(sock, app);
            }
        }
        self.control_ssl_reading(sock);
    }

    /// `_do_read__copied`: decrypt everything available, hand it to the stream in one go;
    /// an empty read is the peer's close_notify.
    fn do_read_copied(&mut self, sock: &mut impl Lower, app: &mut impl Upper) -> Result<()> {
        let mut close_notify = false;
        let mut got = false;
        let sslobj = &self.sslobj;
        let outcome = super::scratch::plaintext_buffer(|chunk| loop {
            let result = lock_sslobj(sslobj).read_into(chunk);
            match result {
                Ok(0) => {
                    close_notify = true;
                    return Ok(());
                }
                Ok(n) => {
                    got = true;
                    app.feed_data(&chunk[..n]);
                }
                Err(e) if is_again(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        });
        if got && app.should_pause() {
            self.pause_reading_here();
        }
        outcome?;
        if close_notify {
            self.call_eof_received(app);
            self.start_shutdown(sock, app);
        }
        Ok(())
    }

    fn call_eof_received(&mut self, app: &mut impl Upper) {
        if self.app_state == AppState::ConMade {
            self.app_state = AppState::Eof;
            if app.eof_received() {
                log::warn!("returning true from eof_received() has no effect when using ssl");
            }
        }
    }

    /// `_control_ssl_reading`: stop reading the socket while the incoming BIO holds too much.
    fn control_ssl_reading(&mut self, sock: &mut impl Lower) {
        let size = self.incoming.pending();
        if size >= INCOMING_HIGH_WATER && !self.ssl_reading_paused {
            self.ssl_reading_paused = true;
            sock.pause_reading();
        } else if size <= INCOMING_HIGH_WATER / 4 && self.ssl_reading_paused {
            self.ssl_reading_paused = false;
            sock.resume_reading();
        }
    }
}

/// `_create_transport_context`: `ssl=True` is `create_default_context()`, without hostname
/// checking when there is no `server_hostname`.
fn create_transport_context(
    server_side: bool,
    server_hostname: &Option<String>,
) -> Result<SSLContext> {
    if server_side {
        return Err(Error::value("Server side SSL needs a valid SSLContext"));
    }
    let ctx = ssl::create_default_context()?;
    if server_hostname.as_deref().map_or(true, str::is_empty) {
        ctx.set_check_hostname(false);
    }
    Ok(ctx)
}
