//! `pyssl serve`: the article's HTTPS server, hardened.
//!
//! * Each connection is served in its own thread; the handshake has its own deadline
//!   (`--handshake-timeout`, default 10 s) and so has the request (`--request-timeout`, default
//!   10 s), so a client that sends garbage, stalls or never speaks costs one thread for at most
//!   that long and never stops the server.
//! * The request is read up to the blank line that ends its head, over as many TLS records as
//!   it takes, within [`request::MAX_HEAD`] bytes and the request deadline; then the article's
//!   reply. A longer head gets 431, a head begun but unfinished at the deadline gets 408; a
//!   client that sent nothing, or closed first, gets no reply. One request a connection.
//! * At most [`MAX_ACTIVE`] connections are served at once; more are closed at accept. The
//!   listen backlog (1024) absorbs bursts: with 128, a burst of 500 connects has SYNs dropped
//!   and retried a second or more later.
//! * Every connection ends gracefully: close_notify when the handshake succeeded, then a
//!   half-close (FIN), a brief drain of what the peer still sends, and only then `close`. Closing
//!   with unread data makes the kernel answer with RST, which can destroy a fatal alert OpenSSL
//!   has just written (the peer then sees "connection reset" instead of the alert's reason).
//! * `--asyncio` serves on `pyssl::asyncio` instead (one thread, a task per connection, no
//!   cap but descriptors: `serve_async.rs`), with the same behaviour per connection.
//! * The context follows Mozilla's "intermediate" profile (`--profile intermediate`, the
//!   default), or "modern", or `python`: exactly CPython's
//!   `create_default_context(Purpose.CLIENT_AUTH)`, for comparisons.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pyssl::socket::SocketLike;
use pyssl::{socket, ssl};

use crate::request;
use crate::{fixture, take_flag, take_option};

/// The default of `--request-timeout`: how long a client may take to send its request head
/// once the handshake is done, in seconds.
const REQUEST_TIMEOUT: f64 = 10.0;

/// The default of `--handshake-timeout`, in seconds.
const HANDSHAKE_TIMEOUT: f64 = 10.0;

/// Longest timeout the options take, in seconds (a day): more is surely a mistake, and
/// deadlines computed from it stay far from `Instant`'s limits.
const MAX_TIMEOUT: f64 = 86_400.0;

/// Longest wait for the peer's FIN after our half-close.
const DRAIN_TIME: Duration = Duration::from_secs(1);

/// Most bytes read (and discarded) while draining.
const DRAIN_LIMIT: usize = 64 * 1024;

/// Connections served at once; more are closed as soon as they are accepted.
pub const MAX_ACTIVE: usize = 1024;

/// The article's reply (with the backslashes its text lost).
pub const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!";

/// How the server context is configured (`--profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Mozilla's profile on a CPython server context.
    Mozilla(ssl::MozillaProfile),
    /// CPython's `create_default_context(Purpose.CLIENT_AUTH)`, untouched.
    Python,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Profile, String> {
        match s {
            "intermediate" => Ok(Profile::Mozilla(ssl::MozillaProfile::Intermediate)),
            "modern" => Ok(Profile::Mozilla(ssl::MozillaProfile::Modern)),
            "python" => Ok(Profile::Python),
            other => Err(format!(
                "unknown profile {other:?} (intermediate, modern or python)"
            )),
        }
    }
}

/// Per-connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Seconds a client has to complete the TLS handshake.
    pub handshake_timeout: f64,
    /// Seconds a client has to send its request head after the handshake.
    pub request_timeout: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            handshake_timeout: HANDSHAKE_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let certfile = take_option(&mut args, "--certfile")?.unwrap_or_else(|| fixture("server.pem"));
    let keyfile = take_option(&mut args, "--keyfile")?.unwrap_or_else(|| fixture("server.key"));
    let port: u16 = match take_option(&mut args, "--port")? {
        Some(p) => p.parse().map_err(|_| format!("invalid port {p:?}"))?,
        None => 4433,
    };
    let host = take_option(&mut args, "--host")?.unwrap_or_else(|| "127.0.0.1".to_string());
    let mut limits = Limits::default();
    if let Some(t) = take_option(&mut args, "--handshake-timeout")? {
        limits.handshake_timeout = seconds(&t, "handshake")?;
    }
    if let Some(t) = take_option(&mut args, "--request-timeout")? {
        limits.request_timeout = seconds(&t, "request")?;
    }
    let profile: Profile = match take_option(&mut args, "--profile")? {
        Some(p) => p.parse()?,
        None => Profile::Mozilla(ssl::MozillaProfile::Intermediate),
    };
    let on_asyncio = take_flag(&mut args, "--asyncio");
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let context = server_context_with(&certfile, &keyfile, profile).map_err(|e| e.to_string())?;
    if on_asyncio {
        return serve_on_asyncio(context, &host, port, limits);
    }
    let listener = listen(&host, port).map_err(|e| e.to_string())?;
    let address = listener.getsockname().map_err(|e| e.to_string())?;
    outln!("Serving HTTPS on {address}");
    serve_with(&context, &listener, None, limits);
    Ok(())
}

/// `--asyncio`: the server on `pyssl::asyncio`.
#[cfg(feature = "asyncio")]
fn serve_on_asyncio(
    context: ssl::SSLContext,
    host: &str,
    port: u16,
    limits: Limits,
) -> Result<(), String> {
    crate::serve_async::run(context, host, port, limits).map_err(|e| e.to_string())
}

#[cfg(not(feature = "asyncio"))]
fn serve_on_asyncio(_: ssl::SSLContext, _: &str, _: u16, _: Limits) -> Result<(), String> {
    Err(
        "--asyncio needs the asyncio feature: cargo run --features asyncio -- serve --asyncio"
            .into(),
    )
}

/// A timeout option's value: seconds above zero, at most [`MAX_TIMEOUT`].
fn seconds(value: &str, what: &str) -> Result<f64, String> {
    value
        .parse()
        .ok()
        .filter(|t: &f64| *t > 0.0 && *t <= MAX_TIMEOUT)
        .ok_or_else(|| format!("invalid {what} timeout {value:?}"))
}

/// A server context with the given certificate chain and Mozilla's intermediate profile.
pub fn server_context(certfile: &str, keyfile: &str) -> ssl::Result<ssl::SSLContext> {
    server_context_with(
        certfile,
        keyfile,
        Profile::Mozilla(ssl::MozillaProfile::Intermediate),
    )
}

/// A server context with the given certificate chain, configured by `profile`.
pub fn server_context_with(
    certfile: &str,
    keyfile: &str,
    profile: Profile,
) -> ssl::Result<ssl::SSLContext> {
    let context = ssl::create_default_context_with(ssl::CreateDefaultContext {
        purpose: ssl::Purpose::CLIENT_AUTH,
        ..Default::default()
    })?;
    if let Profile::Mozilla(p) = profile {
        context.apply_mozilla_profile(p)?;
    }
    context.load_cert_chain(certfile, keyfile)?;
    Ok(context)
}

/// A listening TCP socket on `host:port` (port 0 picks a free one).
pub fn listen(host: &str, port: u16) -> ssl::Result<socket::socket> {
    let family = if host.contains(':') {
        socket::AF_INET6
    } else {
        socket::AF_INET
    };
    let bindsocket = socket::socket(family, socket::SOCK_STREAM)?;
    bindsocket.setsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR, 1)?;
    bindsocket.bind((host, port))?;
    bindsocket.listen(1024)?;
    Ok(bindsocket)
}

/// Accepts connections forever (or `max_connections` of them), each served in its own thread,
/// with the default limits.
pub fn serve(context: &ssl::SSLContext, listener: &socket::socket, max_connections: Option<usize>) {
    serve_with(context, listener, max_connections, Limits::default())
}

/// Accepts connections forever (or `max_connections` of them), each served in its own thread.
pub fn serve_with(
    context: &ssl::SSLContext,
    listener: &socket::socket,
    max_connections: Option<usize>,
    limits: Limits,
) {
    let active = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    let mut served = 0;
    while max_connections.map_or(true, |max| served < max) {
        let (newsocket, fromaddr) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                // Out of descriptors (EMFILE) or the like: do not spin, let workers finish.
                errln!("accept failed: {e}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        served += 1;
        if active.load(Ordering::SeqCst) >= MAX_ACTIVE {
            errln!("connection from {fromaddr} refused: {MAX_ACTIVE} connections active");
            let _ = newsocket.close();
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let context = context.clone();
        let active = active.clone();
        let spawned = thread::Builder::new().spawn(move || {
            if let Err(e) = handle(&context, newsocket, limits) {
                errln!("connection from {fromaddr} failed: {e}");
            }
            active.fetch_sub(1, Ordering::SeqCst);
        });
        match spawned {
            Ok(w) => workers.push(w),
            Err(e) => errln!("connection dropped: {e}"),
        }
        workers.retain(|w| !w.is_finished());
    }
    for w in workers {
        let _ = w.join();
    }
}

/// One connection: handshake within its deadline, read the request, reply, close gracefully.
/// Whatever happens, the connection is closed gracefully before returning.
fn handle(context: &ssl::SSLContext, newsocket: socket::socket, limits: Limits) -> ssl::Result<()> {
    newsocket.settimeout(Some(limits.handshake_timeout))?;
    let mut conn = context.wrap_socket(
        newsocket,
        ssl::WrapSocket {
            server_side: true,
            do_handshake_on_connect: false,
            ..Default::default()
        },
    )?;
    let result = exchange(&mut conn, limits);
    graceful_close(&mut conn, result.is_ok());
    result
}

fn exchange(conn: &mut ssl::SSLSocket, limits: Limits) -> ssl::Result<()> {
    conn.do_handshake()?;
    let deadline = Instant::now() + Duration::from_secs_f64(limits.request_timeout);
    let head = request::read_head(conn, deadline)?;
    match head.response(RESPONSE) {
        Some(response) => {
            // A reader that stopped reading gets as long to take the reply as to send.
            conn.settimeout(Some(limits.request_timeout))?;
            conn.sendall(response)
        }
        None => Ok(()),
    }
}

/// Ends a connection without losing what was sent: close_notify (when the TLS session is
/// intact), FIN, a brief drain of the peer's data, then `close`.
fn graceful_close(conn: &mut ssl::SSLSocket, tls_ok: bool) {
    if tls_ok {
        // Non-blocking unwrap: sends close_notify, then stops (SSLWantReadError) rather than
        // wait for the peer's. A peer that already sent its own makes it succeed.
        if conn.settimeout(Some(0.0)).is_ok() {
            if let Ok(mut plain) = conn.unwrap() {
                drain_and_close(&mut plain);
                return;
            }
        }
    }
    // Releases the TLS layer (no further TLS bytes) and half-closes the socket.
    let _ = conn.shutdown(socket::SHUT_WR);
    drain(conn);
    let _ = conn.close();
}

/// [`graceful_close`] for the plain socket `unwrap()` handed back.
fn drain_and_close(sock: &mut socket::socket) {
    let _ = sock.shutdown(socket::SHUT_WR);
    drain(sock);
    let _ = sock.close();
}

/// Reads and discards what the peer still sends, until its FIN, [`DRAIN_TIME`] or
/// [`DRAIN_LIMIT`], so that closing does not turn into a reset. Called on the plain socket
/// `unwrap()` handed back, and on an `SSLSocket` after `shutdown()` (TLS released, so its
/// `recv` reads the raw bytes, as Python's does).
fn drain(sock: &mut dyn SocketLike) {
    let deadline = Instant::now() + DRAIN_TIME;
    let mut drained = 0;
    while drained < DRAIN_LIMIT {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || sock.settimeout(Some(left.as_secs_f64())).is_err() {
            break;
        }
        match sock.recv(4096) {
            Ok(data) if !data.is_empty() => drained += data.len(),
            _ => break,
        }
    }
}
