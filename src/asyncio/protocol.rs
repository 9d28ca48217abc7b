//! The application end of a connection: what CPython splits between `StreamReaderProtocol`,
//! its `FlowControlMixin` and the `StreamReader`'s buffer (`Lib/asyncio/streams.py`). The
//! transport below (plain, or TLS through `sslproto`) calls these methods; the
//! [`StreamReader`](super::StreamReader) and [`StreamWriter`](super::StreamWriter) read the state
//! they leave, each under the connection's lock.

use std::task::Waker;

use crate::error::Error;

/// asyncio's `streams._DEFAULT_LIMIT`: 64 KiB.
pub(crate) const DEFAULT_LIMIT: usize = 64 * 1024;

/// The future `create_connection`, `start_tls` and the server's accept wait on: the TLS
/// handshake's outcome (a plain connection is established at once).
#[derive(Debug)]
pub(crate) enum Waiter {
    /// Nobody waits (or the outcome was taken).
    Idle,
    /// The handshake runs.
    Waiting,
    /// Its outcome.
    Done(Result<(), Error>),
}

pub(crate) struct StreamProtocol {
    /// `StreamReader._limit`.
    pub(crate) limit: usize,
    /// `StreamReader._buffer`: the bytes from `start` on (consumed ones are dropped in bulk,
    /// so that many small reads of a large buffer stay linear, as `del buffer[:n]` is).
    buf: Vec<u8>,
    start: usize,
    /// Bytes fed so far, and how many of them had arrived when a task of the application
    /// last resumed from waiting on this stream (see [`StreamProtocol::take_unseen`]).
    received: u64,
    received_when_resumed: u64,
    /// `StreamReader._eof`.
    pub(crate) eof: bool,
    /// `StreamReader._exception`.
    pub(crate) exception: Option<Error>,
    /// `StreamReader._paused`: the reader asked the transport to stop reading.
    pub(crate) reader_paused: bool,
    /// Whether a `StreamReader` still exists (CPython holds it weakly: once it is gone, data
    /// is dropped and never pauses the transport).
    pub(crate) reader_alive: bool,
    /// `FlowControlMixin._paused`: `drain()` waits while it is set.
    pub(crate) writing_paused: bool,
    /// `FlowControlMixin._connection_lost`, with the exception it was lost with.
    pub(crate) connection_lost: Option<Option<Error>>,
    /// Whether the connection was already lost when the application last wrote to the stream
    /// or resumed from waiting on it (see [`StreamProtocol::acted`]).
    pub(crate) loss_seen: bool,
    /// The application's own call closed the transport (`close()`, `abort()`, or a `write()`
    /// whose send failed): CPython's `drain()` then sees `is_closing()` and yields, so the
    /// loss counts for `drain()` whenever the connection's task delivers it.
    pub(crate) closed_by_app: bool,
    /// `StreamReaderProtocol._closed`: what `wait_closed()` returns.
    pub(crate) closed: Option<Result<(), Error>>,
    /// `StreamReaderProtocol._over_ssl`.
    pub(crate) over_ssl: bool,
    /// The connection's waiter (handshake outcome).
    pub(crate) waiter: Waiter,
    /// Tasks waiting on any of the above (reads, `drain`, `wait_closed`, the waiter).
    wakers: Vec<Waker>,
}

impl StreamProtocol {
    pub(crate) fn new(limit: usize) -> StreamProtocol {
        StreamProtocol {
            limit,
            buf: Vec::new(),
            start: 0,
            received: 0,
            received_when_resumed: 0,
            eof: false,
            exception: None,
            reader_paused: false,
            reader_alive: true,
            writing_paused: false,
            connection_lost: None,
            loss_seen: false,
            closed_by_app: false,
            closed: None,
            over_ssl: false,
            waiter: Waiter::Idle,
            wakers: Vec::new(),
        }
    }

    /// Registers a task to wake at the next change.
    pub(crate) fn register(&mut self, waker: &std::task::Waker) {
        if !self.wakers.iter().any(|w| w.will_wake(waker)) {
            self.wakers.push(waker.clone());
        }
    }

    /// Wakes every waiting task (each re-checks what it waits for).
    pub(crate) fn notify(&mut self) {
        for waker in self.wakers.drain(..) {
            waker.wake();
        }
    }

    /// `StreamReader.feed_data` without the pause check (TLS feeds several records, then
    /// checks once, as `SSLProtocol._do_read__copied` delivers them in one call).
    pub(crate) fn feed_data(&mut self, data: &[u8]) {
        if !self.reader_alive || data.is_empty() {
            return;
        }
        self.buf.extend_from_slice(data);
        self.received += data.len() as u64;
        self.notify();
    }

    /// A task of the application resumes after waiting on this stream: asyncio's loop reads
    /// the socket only while the application waits, so what arrived until now is what
    /// CPython's reader would hold.
    pub(crate) fn resumed(&mut self) {
        self.received_when_resumed = self.received;
        self.acted();
    }

    /// The application writes to the stream, or resumes from waiting on it: from here on it
    /// is where CPython's application would be after the loop ran, and a loss the
    /// connection's task has processed is one CPython's loop would have delivered. (Between
    /// two such points, on a multi-thread runtime, the task may process what CPython's loop
    /// reads only at the application's next wait.)
    pub(crate) fn acted(&mut self) {
        self.loss_seen = self.connection_lost.is_some();
    }

    /// `start_tls`'s share of the buffer, for its new session: the unread bytes that arrived
    /// since the application last resumed. CPython's loop would not have read them yet, and
    /// its new session gets them from the socket; here the connection's task may have read
    /// them meanwhile, beside the application on a multi-thread runtime (typically the
    /// peer's ClientHello, sent on the `220 ready` the application wrote just before).
    pub(crate) fn take_unseen(&mut self) -> Vec<u8> {
        let unseen = self.received - self.received_when_resumed;
        let n = self
            .buffer()
            .len()
            .min(usize::try_from(unseen).unwrap_or(usize::MAX));
        self.received_when_resumed = self.received;
        self.buf.split_off(self.buf.len() - n)
    }

    /// The end of `feed_data`: `true` when the buffer is over `2 * limit` and the transport
    /// must pause reading (`transport.pause_reading()`).
    pub(crate) fn should_pause(&mut self) -> bool {
        if self.reader_alive && !self.reader_paused && self.buffer().len() > 2 * self.limit {
            self.reader_paused = true;
            return true;
        }
        false
    }

    /// `protocol.data_received(data)`; `true` asks the transport to pause reading.
    pub(crate) fn data_received(&mut self, data: &[u8]) -> bool {
        self.feed_data(data);
        self.should_pause()
    }

    /// `StreamReader.feed_eof()`.
    pub(crate) fn feed_eof(&mut self) {
        self.eof = true;
        self.notify();
    }

    /// `protocol.eof_received()`: the stream ends; `true` (keep the transport open for
    /// writing) except over TLS.
    pub(crate) fn eof_received(&mut self) -> bool {
        self.feed_eof();
        !self.over_ssl
    }

    /// `protocol.connection_lost(exc)`.
    pub(crate) fn connection_lost(&mut self, exc: Option<Error>) {
        match &exc {
            None => self.eof = true,
            Some(e) => self.exception = Some(e.clone()),
        }
        if self.closed.is_none() {
            self.closed = Some(exc.clone().map_or(Ok(()), Err));
        }
        self.connection_lost = Some(exc);
        self.notify();
    }

    /// `protocol.pause_writing()`: the transport's buffer is over its high-water mark.
    pub(crate) fn pause_writing(&mut self) {
        self.writing_paused = true;
    }

    /// `protocol.resume_writing()`: it fell to its low-water mark; `drain()` returns.
    pub(crate) fn resume_writing(&mut self) {
        self.writing_paused = false;
        self.notify();
    }

    /// Sets the waiter's outcome if someone waits (`_wakeup_waiter`).
    pub(crate) fn wakeup_waiter(&mut self, outcome: Result<(), Error>) {
        if matches!(self.waiter, Waiter::Waiting) {
            self.waiter = Waiter::Done(outcome);
            self.notify();
        }
    }

    /// `StreamReader._maybe_resume_transport`: `true` when the reader consumed enough for the
    /// paused transport to read again.
    pub(crate) fn maybe_resume(&mut self) -> bool {
        if self.reader_paused && self.buffer().len() <= self.limit {
            self.reader_paused = false;
            return true;
        }
        false
    }

    /// The unread bytes.
    pub(crate) fn buffer(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Takes the first `n` unread bytes (all with `usize::MAX`), releasing the buffer's memory
    /// once it is empty (an idle connection keeps none).
    pub(crate) fn take(&mut self, n: usize) -> Vec<u8> {
        let available = self.buf.len() - self.start;
        let n = n.min(available);
        if n == available {
            let start = std::mem::take(&mut self.start);
            let mut all = std::mem::take(&mut self.buf);
            if start > 0 {
                all.drain(..start);
            }
            return all;
        }
        let out = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        if self.start > self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        out
    }

    /// The reader is gone: what arrives from now on is dropped.
    pub(crate) fn drop_reader(&mut self) -> bool {
        self.reader_alive = false;
        self.buf = Vec::new();
        self.start = 0;
        std::mem::take(&mut self.reader_paused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_tls_takes_only_what_arrived_since_the_application_last_resumed() {
        let mut app = StreamProtocol::new(DEFAULT_LIMIT);
        app.feed_data(b"STARTTLS\r\nNOOP\r\n");
        app.resumed();
        assert_eq!(app.take(10), b"STARTTLS\r\n");
        app.feed_data(b"\x16\x03\x01hello");
        // `NOOP\r\n` was there when the application resumed: it stays in the reader.
        assert_eq!(app.take_unseen(), b"\x16\x03\x01hello");
        assert_eq!(app.buffer(), b"NOOP\r\n");
        assert_eq!(app.take_unseen(), b"");

        // The application read past the mark: what is left arrived after it.
        app.feed_data(b"abc");
        assert_eq!(app.take(8), b"NOOP\r\nab");
        assert_eq!(app.take_unseen(), b"c");
        assert_eq!(app.buffer(), b"");
    }
}
