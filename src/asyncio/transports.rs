//! `writer.transport`: the transport under a stream (CPython's `_SSLProtocolTransport` over
//! TLS, `_SelectorSocketTransport` otherwise), for the calls ports make on it directly.

use std::sync::Arc;

use super::events::StreamReaderProtocol;
use super::extra_info::{self, ExtraInfo};
use super::sslproto::OUTGOING_HIGH_WATER;
use super::transport::{Shared, HIGH_WATER};

/// `asyncio.Transport`, as `writer.transport` gives it: a handle on the stream's connection.
///
/// ```text
/// Python:  writer.transport.abort()
/// Rust:    writer.transport().abort();
/// Python:  n = writer.transport.get_write_buffer_size()
/// Rust:    let n = writer.transport().get_write_buffer_size();
/// ```
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tls = self.shared.lock().tls.is_some();
        f.write_str(if tls {
            "<asyncio.sslproto._SSLProtocolTransport>"
        } else {
            "<_SelectorSocketTransport>"
        })
    }
}

impl Transport {
    pub(crate) fn new(shared: Arc<Shared>) -> Transport {
        Transport { shared }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// `transport.get_protocol()`: the stream's protocol, for [`EventLoop::start_tls`](super::EventLoop::start_tls).
    ///
    /// ```text
    /// Python:  protocol = transport.get_protocol()
    /// Rust:    let protocol = transport.get_protocol();
    /// ```
    pub fn get_protocol(&self) -> StreamReaderProtocol {
        StreamReaderProtocol {
            shared: self.shared.clone(),
        }
    }

    /// `transport.get_extra_info(name)`: as [`StreamWriter::get_extra_info`](super::StreamWriter::get_extra_info).
    pub fn get_extra_info(&self, name: &str) -> ExtraInfo {
        extra_info::get(&self.shared.lock(), name)
    }

    /// `transport.is_closing()`.
    pub fn is_closing(&self) -> bool {
        self.shared.lock().is_closing()
    }

    /// `transport.close()`: as `writer.close()`.
    pub fn close(&self) {
        self.shared.lock().close();
    }

    /// `transport.abort()`: close at once, dropping buffered data, with no close_notify.
    pub fn abort(&self) {
        self.shared.lock().abort();
    }

    /// `transport.get_write_buffer_size()`: bytes written and not yet taken by the socket
    /// (over TLS: not yet encrypted, or encrypted and not yet handed to the socket).
    pub fn get_write_buffer_size(&self) -> usize {
        self.shared.lock().write_buffer_size()
    }

    /// `transport.get_write_buffer_limits()`: `(low, high)`, CPython's defaults (16 KiB and
    /// 64 KiB for TCP, 128 KiB and 512 KiB over TLS).
    pub fn get_write_buffer_limits(&self) -> (usize, usize) {
        let high = if self.shared.lock().tls.is_some() {
            OUTGOING_HIGH_WATER
        } else {
            HIGH_WATER
        };
        (high / 4, high)
    }

    /// `transport.is_reading()`.
    pub fn is_reading(&self) -> bool {
        self.shared.lock().is_reading()
    }

    /// `transport.pause_reading()`: stop delivering data to the reader.
    pub fn pause_reading(&self) {
        self.shared.lock().pause_app_reading();
    }

    /// `transport.resume_reading()`.
    pub fn resume_reading(&self) {
        self.shared.lock().resume_app_reading();
    }
}
