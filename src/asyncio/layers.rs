//! TLS inside TLS: `writer.start_tls(ctx)` on a stream that is already TLS (CPython 3.11+:
//! `_SSLProtocolTransport._start_tls_compatible`). As in CPython, the new `SSLProtocol` runs
//! over the outer one's application transport, and the outer one delivers to it what it
//! decrypts. CPython's two layers call each other synchronously, back and forth; here the
//! outer layer owns the inner one, and a [`Relay`] between them queues what each hands the
//! other, delivered until both are quiet. The application talks to the innermost layer, the
//! socket to the outermost.
//!
//! [`Lower`] is what an `SSLProtocol` calls on its `_transport` (the socket transport, or the
//! relay to the outer layer), [`Upper`] what it calls on its `_app_protocol` (the stream, or
//! the relay to the inner layer).

use std::collections::VecDeque;

use tokio::time::Instant;

use super::protocol::StreamProtocol;
use super::sslproto::{Established, SharedSSLObject, SslProtocol};
use super::transport::SocketTransport;
use crate::error::Error;
use crate::ssl::SSLContext;

/// `SSLProtocol._transport`: where a TLS layer sends its records.
pub(crate) trait Lower {
    /// `transport.write(data)`; `true` asks the layer to pause writing.
    fn write(&mut self, data: &[u8]) -> bool;
    /// `transport.close()`.
    fn close(&mut self);
    /// `transport._force_close(exc)`.
    fn force_close(&mut self, exc: Option<Error>);
    /// `transport._fatal_error(exc)`.
    fn fatal_error(&mut self, exc: Error);
    /// `transport.pause_reading()`.
    fn pause_reading(&mut self);
    /// `transport.resume_reading()`.
    fn resume_reading(&mut self);
}

/// `SSLProtocol._app_protocol`: what a TLS layer delivers its plaintext and events to.
pub(crate) trait Upper {
    /// Decrypted bytes.
    fn feed_data(&mut self, data: &[u8]);
    /// After a batch of `feed_data`: whether the layer must stop reading.
    fn should_pause(&mut self) -> bool;
    /// `eof_received()`: the peer's close_notify; `true` is "keep open".
    fn eof_received(&mut self) -> bool;
    /// `connection_lost(exc)`.
    fn connection_lost(&mut self, exc: Option<Error>);
    /// `pause_writing()`.
    fn pause_writing(&mut self);
    /// `resume_writing()`.
    fn resume_writing(&mut self);
    /// The handshake's outcome, for whoever waits on it.
    fn wakeup_waiter(&mut self, outcome: Result<(), Error>);
}

impl Lower for SocketTransport {
    fn write(&mut self, data: &[u8]) -> bool {
        SocketTransport::write(self, data)
    }
    fn close(&mut self) {
        SocketTransport::close(self)
    }
    fn force_close(&mut self, exc: Option<Error>) {
        SocketTransport::force_close(self, exc)
    }
    fn fatal_error(&mut self, exc: Error) {
        SocketTransport::fatal_error(self, exc)
    }
    fn pause_reading(&mut self) {
        SocketTransport::pause_reading(self)
    }
    fn resume_reading(&mut self) {
        SocketTransport::resume_reading(self)
    }
}

impl Upper for StreamProtocol {
    fn feed_data(&mut self, data: &[u8]) {
        StreamProtocol::feed_data(self, data)
    }
    fn should_pause(&mut self) -> bool {
        StreamProtocol::should_pause(self)
    }
    fn eof_received(&mut self) -> bool {
        StreamProtocol::eof_received(self)
    }
    fn connection_lost(&mut self, exc: Option<Error>) {
        StreamProtocol::connection_lost(self, exc)
    }
    fn pause_writing(&mut self) {
        StreamProtocol::pause_writing(self)
    }
    fn resume_writing(&mut self) {
        StreamProtocol::resume_writing(self)
    }
    fn wakeup_waiter(&mut self, outcome: Result<(), Error>) {
        StreamProtocol::wakeup_waiter(self, outcome)
    }
}

/// What the inner layer asks of the outer one's application transport.
enum Request {
    Write(Vec<u8>),
    Close,
    ForceClose(Option<Error>),
    PauseReading,
    ResumeReading,
}

/// Between two layers: the inner one's requests going down, the outer one's plaintext and
/// events going up, each in order.
#[derive(Default)]
pub(crate) struct Relay {
    down: VecDeque<Request>,
    data: Vec<u8>,
    eof: bool,
    lost: Option<Option<Error>>,
    /// The outer layer paused (`true`) or resumed (`false`) the inner one's writing.
    writing_paused: Option<bool>,
}

impl Lower for Relay {
    fn write(&mut self, data: &[u8]) -> bool {
        self.down.push_back(Request::Write(data.to_vec()));
        false
    }
    fn close(&mut self) {
        self.down.push_back(Request::Close);
    }
    fn force_close(&mut self, exc: Option<Error>) {
        self.down.push_back(Request::ForceClose(exc));
    }
    fn fatal_error(&mut self, exc: Error) {
        self.down.push_back(Request::ForceClose(Some(exc)));
    }
    fn pause_reading(&mut self) {
        self.down.push_back(Request::PauseReading);
    }
    fn resume_reading(&mut self) {
        self.down.push_back(Request::ResumeReading);
    }
}

impl Upper for Relay {
    fn feed_data(&mut self, data: &[u8]) {
        self.data.extend_from_slice(data);
    }
    /// The inner layer limits its own reading (`_control_ssl_reading`), as CPython's buffered
    /// protocol path does.
    fn should_pause(&mut self) -> bool {
        false
    }
    fn eof_received(&mut self) -> bool {
        self.eof = true;
        false
    }
    fn connection_lost(&mut self, exc: Option<Error>) {
        self.lost = Some(exc);
    }
    fn pause_writing(&mut self) {
        self.writing_paused = Some(true);
    }
    fn resume_writing(&mut self) {
        self.writing_paused = Some(false);
    }
    /// The outer handshake was over before the inner layer existed.
    fn wakeup_waiter(&mut self, _outcome: Result<(), Error>) {}
}

/// A TLS session inside another, and the relay it talks to the outer one through.
pub(crate) struct Layer {
    tls: SslProtocol,
    relay: Relay,
}

/// Runs `$here` on this layer with the relay as its application when there is an inner layer,
/// then delivers what it queued for the inner one.
macro_rules! from_below {
    ($self:ident, $sock:ident, $app:ident, |$upper:ident| $here:expr) => {
        match $self.inner.take() {
            None => {
                let $upper = $app;
                $here
            }
            Some(mut layer) => {
                let out = {
                    let $upper = &mut layer.relay;
                    $here
                };
                $self.pump(&mut layer, $sock, $app);
                $self.inner = Some(layer);
                out
            }
        }
    };
}

/// Runs `$here` on this layer without an inner one, else `$inner` on the inner layer (with
/// the relay as its transport), then carries out what it asked of this one.
macro_rules! from_above {
    ($self:ident, $sock:ident, $app:ident, $here:expr, |$layer:ident| $inner:expr) => {
        match $self.inner.take() {
            None => $here,
            Some(mut $layer) => {
                $inner;
                $self.pump(&mut $layer, $sock, $app);
                $self.inner = Some($layer);
            }
        }
    };
}

impl SslProtocol {
    fn innermost(&self) -> &SslProtocol {
        match &self.inner {
            Some(layer) => layer.tls.innermost(),
            None => self,
        }
    }

    /// Delivers what each layer queued for the other until neither has anything left.
    fn pump(&mut self, layer: &mut Layer, sock: &mut impl Lower, app: &mut impl Upper) {
        loop {
            self.run_requests(layer, sock);
            let relay = &mut layer.relay;
            if !relay.data.is_empty() {
                let data = std::mem::take(&mut relay.data);
                layer.tls.buffer_updated(&data, &mut layer.relay, app);
            } else if let Some(paused) = relay.writing_paused.take() {
                if paused {
                    layer.tls.pause_writing();
                } else {
                    layer.tls.resume_writing(&mut layer.relay, app);
                }
            } else if std::mem::take(&mut relay.eof) {
                if layer.tls.eof_received(&mut layer.relay, app) {
                    log::warn!("returning true from eof_received() has no effect when using ssl");
                }
            } else if let Some(exc) = relay.lost.take() {
                layer.tls.connection_lost(exc, &mut layer.relay, app);
            } else if layer.relay.down.is_empty() {
                return;
            }
        }
    }

    /// Carries out the inner layer's requests on this layer's application transport.
    fn run_requests(&mut self, layer: &mut Layer, sock: &mut impl Lower) {
        while let Some(request) = layer.relay.down.pop_front() {
            let relay = &mut layer.relay;
            match request {
                Request::Write(data) => self.write_appdata_here(&[&data], sock, relay),
                Request::Close => self.close_here(sock, relay),
                // `_SSLProtocolTransport._force_close(exc)`.
                Request::ForceClose(exc) => {
                    self.app_transport_closed = true;
                    self.abort_here(exc, sock);
                }
                Request::PauseReading => self.pause_reading_here(),
                Request::ResumeReading => self.resume_reading_here(sock, relay),
            }
        }
    }

    // ---- the socket's events: the outermost layer, then each inner one ----------------------

    /// `buffer_updated`: bytes from the socket.
    pub(crate) fn buffer_updated(
        &mut self,
        data: &[u8],
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        from_below!(self, sock, app, |upper| self
            .buffer_updated_here(data, sock, upper))
    }

    /// `eof_received()`; returns `keep_open`.
    pub(crate) fn eof_received(&mut self, sock: &mut impl Lower, app: &mut impl Upper) -> bool {
        from_below!(self, sock, app, |upper| self.eof_received_here(sock, upper))
    }

    /// `connection_lost(exc)`.
    pub(crate) fn connection_lost(
        &mut self,
        exc: Option<Error>,
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        from_below!(self, sock, app, |upper| self
            .connection_lost_here(exc, upper))
    }

    /// `resume_writing()`.
    pub(crate) fn resume_writing(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        from_below!(self, sock, app, |upper| self
            .resume_writing_here(sock, upper))
    }

    /// The earliest timer of all the layers fired: each layer whose timer is due handles it.
    /// (What that queues for an inner layer's application waits for the next event, which
    /// the timer's own consequence, a lost or closing connection, brings.)
    pub(crate) fn on_timer(&mut self, sock: &mut impl Lower) {
        self.on_timer_here(sock);
        if let Some(mut layer) = self.inner.take() {
            layer.tls.on_timer(&mut layer.relay);
            self.run_requests(&mut layer, sock);
            self.inner = Some(layer);
        }
    }

    /// When the driver must call [`SslProtocol::on_timer`].
    pub(crate) fn deadline(&self) -> Option<Instant> {
        let inner = self.inner.as_ref().and_then(|layer| layer.tls.deadline());
        match (self.deadline_here(), inner) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Frees every layer's idle buffers.
    pub(crate) fn release_buffers(&self) {
        self.release_buffers_here();
        if let Some(layer) = &self.inner {
            layer.tls.release_buffers();
        }
    }

    // ---- the application's calls: the innermost layer --------------------------------------

    /// `transport.write(data)` / `writelines(list_of_data)`.
    pub(crate) fn write_appdata(
        &mut self,
        list_of_data: &[&[u8]],
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        from_above!(
            self,
            sock,
            app,
            self.write_appdata_here(list_of_data, sock, app),
            |layer| layer.tls.write_appdata(list_of_data, &mut layer.relay, app)
        )
    }

    /// `transport.close()`.
    pub(crate) fn close(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        from_above!(self, sock, app, self.close_here(sock, app), |layer| layer
            .tls
            .close(&mut layer.relay, app))
    }

    /// `transport.resume_reading()`.
    pub(crate) fn resume_reading(&mut self, sock: &mut impl Lower, app: &mut impl Upper) {
        from_above!(
            self,
            sock,
            app,
            self.resume_reading_here(sock, app),
            |layer| layer.tls.resume_reading(&mut layer.relay, app)
        )
    }

    /// `transport.pause_reading()`.
    pub(crate) fn pause_reading(&mut self) {
        match &mut self.inner {
            Some(layer) => layer.tls.pause_reading(),
            None => self.pause_reading_here(),
        }
    }

    /// `transport.abort()`: the application's transport closed and its connection lost now,
    /// buffered data dropped, no close_notify.
    pub(crate) fn abort(&mut self, sock: &mut impl Lower) {
        match self.inner.take() {
            None => {
                self.app_transport_closed = true;
                self.abort_here(None, sock);
            }
            Some(mut layer) => {
                layer.tls.abort(&mut layer.relay);
                self.run_requests(&mut layer, sock);
                self.inner = Some(layer);
            }
        }
    }

    /// `loop.start_tls(transport, ...)` on this TLS transport: `tls` runs inside the innermost
    /// layer, which resumes reading for it (`transport.resume_reading()`) after giving it
    /// `early`, the bytes `start_tls` took back from the application's buffer
    /// (`StreamProtocol::take_unseen`); the waiter reports its handshake.
    pub(crate) fn start_tls_inside(
        &mut self,
        tls: SslProtocol,
        reader_paused: bool,
        early: Vec<u8>,
        sock: &mut impl Lower,
        app: &mut impl Upper,
    ) {
        match self.inner.take() {
            Some(mut layer) => {
                layer
                    .tls
                    .start_tls_inside(tls, reader_paused, early, &mut layer.relay, app);
                self.pump(&mut layer, sock, app);
                self.inner = Some(layer);
            }
            None => {
                let mut layer = Box::new(Layer {
                    tls,
                    relay: Relay::default(),
                });
                if reader_paused {
                    layer.tls.pause_reading_here();
                }
                layer.tls.connection_made(&mut layer.relay, app);
                layer.relay.data = early;
                self.resume_reading_here(sock, &mut layer.relay);
                self.pump(&mut layer, sock, app);
                self.inner = Some(layer);
            }
        }
    }

    /// `transport.is_closing()`.
    pub(crate) fn is_closing(&self) -> bool {
        self.innermost().app_transport_closed
    }

    /// `transport.is_reading()`.
    pub(crate) fn is_reading(&self) -> bool {
        self.innermost().is_reading_here()
    }

    /// `transport.get_write_buffer_size()`.
    pub(crate) fn write_buffer_size(&self) -> usize {
        self.innermost().write_buffer_size_here()
    }

    /// The application's TLS session: what its handshake established.
    pub(crate) fn established(&self) -> Option<&Established> {
        self.innermost().established_here()
    }

    /// `get_extra_info('sslcontext')`.
    pub(crate) fn sslcontext(&self) -> &SSLContext {
        self.innermost().sslcontext_here()
    }

    /// `get_extra_info('ssl_object')`.
    pub(crate) fn ssl_object(&self) -> Option<&SharedSSLObject> {
        self.innermost().ssl_object_here()
    }
}
