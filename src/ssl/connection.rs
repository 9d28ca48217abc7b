//! The TLS connection core shared by `SSLSocket` and `SSLObject`, as CPython shares its C-level
//! `_ssl._SSLSocket`: the handshake, read, write and shutdown loops over raw `SSL_*` calls, and
//! the per-connection queries (`getpeercert`, `cipher`, `version`).
//!
//! ```text
//! Python:  ssock.do_handshake(); data = ssock.read(1024); print(ssock.cipher())
//! Rust:    ssock.do_handshake()?; let data = ssock.read(1024)?; println!("{}", ssock.cipher().py_repr());
//! ```
//!
//! The loops differ between the two only in how they wait for `WANT_READ`/`WANT_WRITE`: a socket
//! polls its descriptor within one deadline per operation (or gives up at once when it is
//! non-blocking); memory BIOs never wait, so the want-errors reach the caller.

use std::time::{Duration, Instant};

use openssl::ssl::{Ssl, SslRef, SslVerifyMode};

use super::certificates::{decode_certificate, PeerCert};
use super::ciphers::cipher_tuple;
use super::constants::SSLMethod;
use super::context::{config_error, SSLContext};
use super::errors;
use super::msg_callback;
use super::sni;
use crate::error::{Error, Result, SSLError};
use crate::ffi::outbuf::OutBuf;
use crate::ffi::{ssl as ffi_ssl, sys as ffi_sys};
use crate::socket;

/// Which operation a wait belongs to: it picks CPython's timeout text.
#[derive(Clone, Copy)]
pub(crate) enum Op {
    Handshake,
    Read,
    Write,
}

impl Op {
    fn timeout_text(self) -> &'static str {
        match self {
            Op::Handshake => "The handshake operation timed out",
            Op::Read => "The read operation timed out",
            Op::Write => "The write operation timed out",
        }
    }
}

/// How an operation waits when OpenSSL needs the transport (CPython's `PySSL_select`).
pub(crate) trait Waiter {
    /// The deadline of one whole operation, for transports with a timeout.
    fn deadline(&self) -> Option<Instant>;
    /// Waits until readable/writable. `Ok(true)`: try again; `Ok(false)`: give up with the
    /// want-error (non-blocking); `Err`: timed out or the transport failed.
    fn wait(&self, writable: bool, deadline: Option<Instant>, op: Op) -> Result<bool>;
}

impl Waiter for socket::socket {
    fn deadline(&self) -> Option<Instant> {
        match self.gettimeout() {
            Some(t) if t > 0.0 => Some(Instant::now() + Duration::from_secs_f64(t)),
            _ => None,
        }
    }

    fn wait(&self, writable: bool, deadline: Option<Instant>, op: Op) -> Result<bool> {
        let timeout = match self.gettimeout() {
            None => return Ok(true),
            Some(0.0) => return Ok(false),
            Some(t) => t,
        };
        let fd = self.fileno();
        if fd < 0 {
            return Err(SSLError::single("Underlying socket has been closed.").into());
        }
        let remaining = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => Duration::from_secs_f64(timeout),
        };
        match ffi_sys::poll_fd(fd, writable, Some(remaining)) {
            Ok(true) => Ok(true),
            Ok(false) => Err(Error::TimeoutError(op.timeout_text().to_string())),
            Err(e) => Err(e.into()),
        }
    }
}

/// Memory BIOs: never wait, the caller moves the bytes (`SSLObject`).
pub(crate) struct NoWait;

impl Waiter for NoWait {
    fn deadline(&self) -> Option<Instant> {
        None
    }

    fn wait(&self, _: bool, _: Option<Instant>, _: Op) -> Result<bool> {
        Ok(false)
    }
}

/// Whether a `WANT_*` result means "wait and retry" (`Ok(true)`) or "stop" (`Ok(false)`).
fn retry(waiter: &dyn Waiter, ssl_error: i32, deadline: Option<Instant>, op: Op) -> Result<bool> {
    match ssl_error {
        openssl_sys::SSL_ERROR_WANT_READ => waiter.wait(false, deadline, op),
        openssl_sys::SSL_ERROR_WANT_WRITE => waiter.wait(true, deadline, op),
        _ => Ok(false),
    }
}

/// CPython's `newPySSLSocket`: one `SSL` for a connection made with `context`, attached to
/// its transport by `attach` (a descriptor or a pair of memory BIOs), with CPython's per
/// connection settings.
pub(crate) fn new_ssl(
    context: &SSLContext,
    server_side: bool,
    server_hostname: Option<&str>,
    attach: impl FnOnce(&mut Ssl) -> Result<()>,
) -> Result<Ssl> {
    if let Some(host) = server_hostname {
        super::idna::check_c_string(host)?;
    }
    let protocol = context.protocol();
    if server_side && protocol == SSLMethod::PROTOCOL_TLS_CLIENT {
        return Err(errors::fixed(
            "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
        ));
    }
    if !server_side && protocol == SSLMethod::PROTOCOL_TLS_SERVER {
        return Err(errors::fixed(
            "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
        ));
    }
    let (mut ssl, check_hostname, post_handshake_auth) = context.new_ssl()?;
    ssl.set_ex_data(sni::context_index(), context.clone());
    attach(&mut ssl)?;
    ffi_ssl::set_mode(
        &mut ssl,
        (openssl_sys::SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | openssl_sys::SSL_MODE_AUTO_RETRY)
            as libc::c_long,
    );
    if post_handshake_auth {
        if server_side {
            let mode = ssl.verify_mode();
            if mode.contains(SslVerifyMode::PEER) {
                let pha = SslVerifyMode::from_bits_retain(openssl_sys::SSL_VERIFY_POST_HANDSHAKE);
                ssl.set_verify(mode | pha);
            }
        } else {
            ffi_ssl::enable_post_handshake_auth(&mut ssl);
        }
    }
    if server_side {
        // CPython 3.13 (gh-105293): "Python" plus its NUL, on every server connection.
        ffi_ssl::set_session_id_context(&mut ssl, b"Python\0");
    }
    if let Some(host) = server_hostname {
        configure_hostname(&mut ssl, host, check_hostname)?;
    }
    if server_side {
        ssl.set_accept_state();
    } else {
        ssl.set_connect_state();
    }
    Ok(ssl)
}

/// SNI and, when `check_hostname` was on at wrap time, the name or IP OpenSSL must verify.
fn configure_hostname(ssl: &mut Ssl, host: &str, check_hostname: bool) -> Result<()> {
    if host.is_empty() || host.starts_with('.') {
        return Err(Error::value(
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    let ip: Option<std::net::IpAddr> = host.parse().ok();
    if ip.is_none() {
        // rust-openssl takes OpenSSL's errors off the queue into the ErrorStack: read them there
        // (a name over 255 bytes is `[SSL: SSL3_EXT_INVALID_SERVERNAME]`, not "unknown error").
        ssl.set_hostname(host).map_err(|e| config_error(&e, 0))?;
    }
    if check_hostname {
        let param = ssl.param_mut();
        let ok = match ip {
            Some(ip) => param.set_ip(ip),
            None => param.set_host(host),
        };
        ok.map_err(|e| config_error(&e, 0))?;
    }
    Ok(())
}

/// CPython's `_SSLSocket.do_handshake`.
pub(crate) fn do_handshake(
    ssl: &mut SslRef,
    waiter: &dyn Waiter,
    host: Option<&str>,
) -> Result<()> {
    let result = handshake_loop(ssl, waiter, host);
    msg_callback::raise_pending(ssl, result)
}

fn handshake_loop(ssl: &mut SslRef, waiter: &dyn Waiter, host: Option<&str>) -> Result<()> {
    log::debug!(
        "TLS handshake ({}){}",
        if ssl.is_server() { "server" } else { "client" },
        host.map(|h| format!(" with {h}")).unwrap_or_default()
    );
    let deadline = waiter.deadline();
    loop {
        let io = ffi_ssl::do_handshake(ssl);
        if io.ssl_error == openssl_sys::SSL_ERROR_NONE {
            log_handshake(ssl);
            return Ok(());
        }
        if !retry(waiter, io.ssl_error, deadline, Op::Handshake)? {
            let e = errors::from_io(ssl, &io, host);
            if e.is_cert_verification_error() {
                log::info!("certificate verification failed: {e}");
            }
            return Err(e);
        }
    }
}

/// CPython's `_SSLSocket.read`: one record's worth at most; `0` at a clean close (the peer's
/// close_notify while ours is unsent).
pub(crate) fn read(
    ssl: &mut SslRef,
    buffer: &mut OutBuf<'_>,
    waiter: &dyn Waiter,
    host: Option<&str>,
) -> Result<usize> {
    if buffer.capacity() == 0 {
        return Ok(0);
    }
    let result = read_loop(ssl, buffer, waiter, host);
    msg_callback::raise_pending(ssl, result)
}

fn read_loop(
    ssl: &mut SslRef,
    buffer: &mut OutBuf<'_>,
    waiter: &dyn Waiter,
    host: Option<&str>,
) -> Result<usize> {
    let deadline = waiter.deadline();
    loop {
        let io = ffi_ssl::read(ssl, buffer);
        match io.ssl_error {
            openssl_sys::SSL_ERROR_NONE => return Ok(io.count),
            openssl_sys::SSL_ERROR_ZERO_RETURN
                if ffi_ssl::get_shutdown(ssl) == openssl_sys::SSL_RECEIVED_SHUTDOWN =>
            {
                return Ok(0)
            }
            _ => {}
        }
        if !retry(waiter, io.ssl_error, deadline, Op::Read)? {
            return Err(errors::from_io(ssl, &io, host));
        }
    }
}

/// CPython's `_SSLSocket.write`: all of `data` or an error (partial writes are off).
pub(crate) fn write(
    ssl: &mut SslRef,
    data: &[u8],
    waiter: &dyn Waiter,
    host: Option<&str>,
) -> Result<usize> {
    if data.len() > i32::MAX as usize {
        return Err(Error::OverflowError(
            "string longer than 2147483647 bytes".into(),
        ));
    }
    let result = write_loop(ssl, data, waiter, host);
    msg_callback::raise_pending(ssl, result)
}

fn write_loop(
    ssl: &mut SslRef,
    data: &[u8],
    waiter: &dyn Waiter,
    host: Option<&str>,
) -> Result<usize> {
    let deadline = waiter.deadline();
    if deadline.is_some() {
        waiter.wait(true, deadline, Op::Write)?;
    }
    loop {
        let io = ffi_ssl::write(ssl, data);
        if io.ssl_error == openssl_sys::SSL_ERROR_NONE {
            return Ok(io.count);
        }
        if !retry(waiter, io.ssl_error, deadline, Op::Write)? {
            return Err(errors::from_io(ssl, &io, host));
        }
    }
}

/// CPython's `_SSLSocket.shutdown` (behind `unwrap()`): send close_notify, and on a blocking
/// transport wait for the peer's; `SSL_shutdown` is tried at most twice, the second time with
/// read-ahead off so clear text after close_notify stays in the socket.
pub(crate) fn shutdown(ssl: &mut SslRef, waiter: &dyn Waiter, host: Option<&str>) -> Result<()> {
    let result = shutdown_loop(ssl, waiter, host);
    msg_callback::raise_pending(ssl, result)
}

fn shutdown_loop(ssl: &mut SslRef, waiter: &dyn Waiter, host: Option<&str>) -> Result<()> {
    let deadline = waiter.deadline();
    let mut zeros = 0;
    loop {
        if zeros > 0 {
            ffi_ssl::disable_read_ahead(ssl);
        }
        let io = ffi_ssl::shutdown(ssl);
        if io.ret > 0 {
            return Ok(());
        }
        if io.ret == 0 {
            zeros += 1;
            if zeros > 1 {
                return Ok(());
            }
            continue;
        }
        let op = if io.ssl_error == openssl_sys::SSL_ERROR_WANT_WRITE {
            Op::Write
        } else {
            Op::Read
        };
        if !retry(waiter, io.ssl_error, deadline, op)? {
            return Err(errors::from_io(ssl, &io, host));
        }
    }
}

/// CPython's C-level `getpeercert(der)`, after the caller's own connected checks.
pub(crate) fn getpeercert(ssl: &SslRef, binary_form: bool) -> Result<Option<PeerCert>> {
    if !ssl.is_init_finished() {
        return Err(Error::value("handshake not done yet"));
    }
    let Some(cert) = ssl.peer_certificate() else {
        return Ok(None);
    };
    if binary_form {
        let der = cert.to_der().map_err(|e| config_error(&e, 0))?;
        return Ok(Some(PeerCert::Binary(der)));
    }
    if ffi_ssl::current_ctx_verify_mode(ssl) & openssl_sys::SSL_VERIFY_PEER == 0 {
        return Ok(Some(PeerCert::Empty));
    }
    let dict = match ssl.ex_data(sni::context_index()) {
        Some(context) => context.decode_peer_certificate(&cert)?,
        None => decode_certificate(&cert)?,
    };
    Ok(Some(PeerCert::Dict(dict)))
}

/// `cipher()`: `(name, protocol, secret_bits)` once a cipher is negotiated.
pub(crate) fn cipher(ssl: &SslRef) -> Option<(String, String, i32)> {
    ssl.current_cipher().map(cipher_tuple)
}

/// `version()`: the negotiated protocol once the handshake is done.
pub(crate) fn version(ssl: &SslRef) -> Option<String> {
    if !ssl.is_init_finished() {
        return None;
    }
    let v = ffi_ssl::version_str(ssl);
    (v != "unknown").then_some(v)
}

fn log_handshake(ssl: &SslRef) {
    if log::log_enabled!(log::Level::Debug) {
        let cipher = ssl.current_cipher().map(|c| c.name()).unwrap_or("none");
        let peer = ssl
            .peer_certificate()
            .map(|c| format!("{:?}", c.subject_name()))
            .unwrap_or_else(|| "none".into());
        log::debug!(
            "TLS handshake done ({}): {} {} peer={}",
            if ssl.is_server() { "server" } else { "client" },
            ssl.version_str(),
            cipher,
            peer
        );
    }
}

/// `selected_alpn_protocol()`: the negotiated ALPN protocol, if any.
pub(crate) fn selected_alpn_protocol(ssl: &SslRef) -> Result<Option<String>> {
    match ssl.selected_alpn_protocol() {
        None | Some([]) => Ok(None),
        Some(p) => super::certificates::utf8(p).map(Some),
    }
}

/// `get_channel_binding(cb_type)` on a live connection: `tls-unique` is the first Finished
/// message of the handshake (ours when we are the client of a new session or the server of a
/// resumed one, the peer's otherwise); `None` before the handshake.
pub(crate) fn channel_binding(ssl: &SslRef, cb_type: &str) -> Result<Option<Vec<u8>>> {
    crate::error::check_no_nul_character(cb_type)?;
    if cb_type != "tls-unique" {
        return Err(Error::value(format!(
            "'{cb_type}' channel binding type not implemented"
        )));
    }
    let mut buf = [0u8; 128];
    let len = if ssl.session_reused() ^ !ssl.is_server() {
        ssl.finished(&mut buf)
    } else {
        ssl.peer_finished(&mut buf)
    };
    Ok((len != 0).then(|| buf[..len.min(buf.len())].to_vec()))
}

/// `get_channel_binding` with no TLS layer (Python's own check, without quotes).
pub(crate) fn channel_binding_unconnected(cb_type: &str) -> Result<Option<Vec<u8>>> {
    if cb_type != "tls-unique" {
        return Err(Error::value(format!(
            "{cb_type} channel binding type not implemented"
        )));
    }
    Ok(None)
}

/// `compression()`: the compression method's name; `None` without compression (always, with
/// `OP_NO_COMPRESSION` or an OpenSSL built without it).
pub(crate) fn compression(ssl: &SslRef) -> Option<String> {
    ffi_ssl::compression_name(ssl)
}

/// `verify_client_post_handshake()`: errors come from OpenSSL's queue with its reason code as
/// `errno` (`[SSL: NOT_SERVER] not server`, `[SSL: WRONG_SSL_VERSION] wrong ssl version`, ...).
pub(crate) fn verify_client_post_handshake(ssl: &mut SslRef) -> Result<()> {
    if ffi_ssl::verify_client_post_handshake(ssl) {
        Ok(())
    } else {
        Err(errors::from_queue())
    }
}

/// Before a connection is freed without close_notify: keep its session resumable, as CPython
/// does since gh-116810 (OpenSSL otherwise drops sessions of connections that did not shut down).
pub(crate) fn release(ssl: &mut SslRef) {
    if ssl.is_init_finished() {
        crate::ffi::session::mark_sent_shutdown(ssl);
    }
}
