//! `SSLContext._msg_callback`, the getter and the setter (the callback itself and what it
//! receives are in `ssl/msg_callback.rs`).

use super::super::callback_arg::IntoCallback;
use super::super::msg_callback::{self, MsgCallback};
use super::SSLContext;
use crate::error::Result;

impl SSLContext {
    /// `ctx._msg_callback`: the message callback, if set (CPython's private debugging hook).
    ///
    /// ```text
    /// Python:  ctx._msg_callback is None
    /// Rust:    ctx._msg_callback().is_none()
    /// ```
    pub fn _msg_callback(&self) -> Option<MsgCallback> {
        self.inner
            .msg
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// `ctx._msg_callback = callback`: calls `callback(conn, direction, version, content_type,
    /// msg_type, data)` for every TLS message of the connections created afterwards (see
    /// [`MsgConnection`](crate::ssl::MsgConnection) and [`MsgCallback`]); `None` removes it.
    ///
    /// ```text
    /// Python:  ctx._msg_callback = msg_cb
    /// Rust:    ctx.set__msg_callback(msg_cb)?;
    /// Python:  ctx._msg_callback = None
    /// Rust:    ctx.set__msg_callback(None)?;
    /// ```
    ///
    /// The name is `set_` plus Python's `_msg_callback`. As in CPython, OpenSSL hands the
    /// callback to each connection when it is created; a connection then calls its current
    /// context's callback (the one an SNI callback switched it to), and none once it is removed.
    /// An `Err` from the callback is returned by the TLS operation it interrupted (see the
    /// module's documentation); the setter itself cannot fail (Python's `TypeError` for a value
    /// that is no callable cannot happen in Rust).
    ///
    /// ```
    /// # fn main() -> Result<(), pyssl::Error> {
    /// use std::sync::{Arc, Mutex};
    /// use pyssl::pyrepr::PyRepr;
    /// use pyssl::{socket, ssl};
    /// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    /// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    /// server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
    /// let (sock, server_sock) = socket::socketpair()?;
    /// let server = std::thread::spawn(move || {
    ///     server_ctx.wrap_socket(server_sock, ssl::WrapSocket { server_side: true, ..Default::default() })
    /// });
    /// let ca = format!("{fixtures}/ca.pem");
    /// let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(&ca), ..Default::default() })?;
    ///
    /// // Python: msg = []
    /// //         def msg_cb(conn, direction, version, content_type, msg_type, data):
    /// //             msg.append((direction, version, content_type, msg_type))
    /// //         ctx._msg_callback = msg_cb
    /// let msg = Arc::new(Mutex::new(Vec::new()));
    /// let seen = msg.clone();
    /// ctx.set__msg_callback(move |_: &ssl::MsgConnection, direction: &str,
    ///                              version: ssl::EnumOrInt<ssl::TLSVersion>,
    ///                              content_type: ssl::EnumOrInt<ssl::_TLSContentType>,
    ///                              msg_type: ssl::MsgType, _: &[u8]| {
    ///     seen.lock().unwrap().push((direction.to_string(), version, content_type, msg_type));
    ///     Ok(())
    /// })?;
    /// let _ssock = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
    /// server.join().unwrap()?;
    /// // Python: msg[:2] == [('write', TLSVersion.TLSv1, _TLSContentType.HEADER,
    /// //                      _TLSContentType.HANDSHAKE),
    /// //                     ('write', TLSVersion.TLSv1_3, _TLSContentType.HANDSHAKE,
    /// //                      _TLSMessageType.CLIENT_HELLO)]
    /// let msg = msg.lock().unwrap();
    /// let (direction, version, content_type, msg_type) = &msg[0];
    /// assert_eq!(direction, "write");
    /// assert_eq!(version.py_repr(), "<TLSVersion.TLSv1: 769>");
    /// assert_eq!(content_type.py_repr(), "<_TLSContentType.HEADER: 256>");
    /// assert_eq!(msg_type.py_repr(), "<_TLSContentType.HANDSHAKE: 22>");
    /// let (_, version, content_type, msg_type) = &msg[1];
    /// assert_eq!(*version, ssl::EnumOrInt::Member(ssl::TLSVersion::TLSv1_3));
    /// assert!(*content_type == 22);
    /// assert_eq!(*msg_type, ssl::MsgType::Message(ssl::_TLSMessageType::CLIENT_HELLO));
    /// # Ok(())
    /// # }
    /// ```
    #[allow(non_snake_case)] // `set_` + Python's `_msg_callback`
    pub fn set__msg_callback(&self, callback: impl IntoCallback<MsgCallback>) -> Result<()> {
        let callback = callback.into_callback();
        let install = callback.is_some();
        // The replaced callback is dropped after the lock is released: its `Drop` is user code.
        let _replaced = std::mem::replace(
            &mut *self.inner.msg.write().unwrap_or_else(|p| p.into_inner()),
            callback,
        );
        let _guard = self.write();
        crate::ffi::msg_callback::set_msg_callback::<msg_callback::Handler>(
            &self.inner.ctx,
            install,
        );
        Ok(())
    }
}
