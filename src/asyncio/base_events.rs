//! What `open_connection` and `start_server` ask of the event loop (CPython's
//! `Lib/asyncio/base_events.py`): resolve, connect or listen, and set a transport up, with
//! TLS when asked.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpSocket, TcpStream};

use super::protocol::{StreamProtocol, Waiter};
use super::sslproto::{SslProtocol, TlsParams};
use super::transport::{spawn_driver, Conn, Shared, SocketTransport};
use crate::error::{Error, OSError, Result};
use crate::pyrepr::PyRepr;
use crate::socket::{self, Address};

/// `asyncio.get_running_loop()`'s check: pyssl's asyncio runs on a tokio runtime, so it must
/// be called from one (`RuntimeError('no running event loop')` otherwise, never a panic).
pub(crate) fn running_loop() -> Result<()> {
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|_| Error::RuntimeError("no running event loop".into()))
}

/// `loop.getaddrinfo(host, port, type=SOCK_STREAM, flags=flags)`, as `_ensure_resolved`
/// does it: a numeric host without a lookup, a name on the blocking pool (CPython uses its
/// executor) so the runtime is never blocked.
pub(crate) async fn resolve(host: Option<&str>, port: u16, flags: i32) -> Result<Vec<SocketAddr>> {
    let numeric = socket::getaddrinfo(
        host,
        port,
        socket::GetAddrInfo {
            type_: socket::SOCK_STREAM,
            flags: flags | socket::AI_NUMERICHOST,
            ..Default::default()
        },
    );
    let infos = match (numeric, host) {
        (Ok(infos), _) => infos,
        (Err(_), None) => return Err(Error::value("no host to resolve")),
        (Err(_), Some(host)) => {
            let host = host.to_string();
            tokio::task::spawn_blocking(move || {
                socket::getaddrinfo(
                    host.as_str(),
                    port,
                    socket::GetAddrInfo {
                        type_: socket::SOCK_STREAM,
                        flags,
                        ..Default::default()
                    },
                )
            })
            .await
            .map_err(|e| Error::RuntimeError(e.to_string()))??
        }
    };
    let addrs: Vec<SocketAddr> = infos
        .iter()
        .filter_map(|info| info.sockaddr.to_socket_addr())
        .collect();
    if addrs.is_empty() {
        return Err(Error::OSError(OSError {
            errno: None,
            strerror: Some("getaddrinfo() returned empty list".into()),
            filename: None,
        }));
    }
    Ok(addrs)
}

/// `_connect_sock` + `sock_connect`: one socket, connected, or `OSError(errno, 'Connect call
/// failed ('127.0.0.1', 1)')`.
async fn connect_one(addr: SocketAddr) -> Result<TcpStream> {
    let sock = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    sock.connect(addr)
        .await
        .map_err(|e| match e.raw_os_error() {
            Some(errno) => Error::OSError(OSError {
                errno: Some(errno),
                strerror: Some(format!(
                    "Connect call failed {}",
                    Address::from(addr).py_repr()
                )),
                filename: None,
            }),
            None => e.into(),
        })
}

/// `create_connection`'s loop over the resolved addresses, and its choice of what to raise
/// when none answers.
pub(crate) async fn connect(host: &str, port: u16) -> Result<TcpStream> {
    let mut exceptions = Vec::new();
    for addr in resolve(Some(host), port, 0).await? {
        match connect_one(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => exceptions.push(e),
        }
    }
    let model = exceptions[0].to_string();
    if exceptions.len() == 1 || exceptions.iter().all(|e| e.to_string() == model) {
        return Err(exceptions.swap_remove(0));
    }
    let texts: Vec<String> = exceptions.iter().map(Error::to_string).collect();
    Err(Error::OSError(OSError {
        errno: None,
        strerror: Some(format!("Multiple exceptions: {}", texts.join(", "))),
        filename: None,
    }))
}

/// `_create_connection_transport` (and the server's accept): a transport over `stream`, its
/// task started, TLS set up when `tls` is given. The returned connection's waiter says when
/// it is established.
pub(crate) fn make_transport(
    stream: TcpStream,
    limit: usize,
    tls: Option<TlsParams>,
    server_side: bool,
    server: Option<super::server::ServerHandle>,
) -> Result<Arc<Shared>> {
    let mut sock = SocketTransport::new(stream);
    let tls = tls.map(SslProtocol::new).transpose();
    let tls = match tls {
        Ok(tls) => tls,
        Err(e) => {
            // `SSLProtocol(...)` failed: the socket is closed with the transport.
            sock.stream = None;
            return Err(e);
        }
    };
    if let Some(server) = server {
        server.attach();
        sock.server = Some(server);
    }
    let mut app = StreamProtocol::new(limit);
    app.waiter = Waiter::Done(Ok(()));
    let mut conn = Conn::new(sock, app, server_side);
    if let Some(tls) = tls {
        conn.start_tls(tls);
    }
    let shared = Shared::new(conn);
    spawn_driver(&shared);
    Ok(shared)
}

/// `await waiter`: the connection's handshake outcome. On failure the transport is closed
/// (`transport.close()`), as CPython does before raising.
pub(crate) async fn wait_established(shared: &Shared) -> Result<()> {
    let outcome = std::future::poll_fn(|cx| {
        let mut conn = shared.lock();
        match std::mem::replace(&mut conn.app.waiter, Waiter::Idle) {
            Waiter::Done(outcome) => std::task::Poll::Ready(outcome),
            waiting => {
                conn.app.waiter = waiting;
                conn.app.register(cx.waker());
                std::task::Poll::Pending
            }
        }
    })
    .await;
    if outcome.is_err() {
        shared.lock().close();
    }
    outcome
}

/// `create_server`'s sockets: one per address `host` resolves to, with `SO_REUSEADDR` when
/// asked (CPython's default on POSIX), `IPV6_V6ONLY` on IPv6 ones, bound and listening.
pub(crate) async fn listen(
    host: &str,
    port: u16,
    backlog: u32,
    reuse_address: bool,
    reuse_port: bool,
) -> Result<Vec<TcpListener>> {
    let host = if host.is_empty() { None } else { Some(host) };
    let mut addrs = resolve(host, port, socket::AI_PASSIVE).await?;
    addrs.dedup();
    let mut listeners = Vec::new();
    for addr in addrs {
        let sock = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if reuse_address {
            sock.set_reuseaddr(true)?;
        }
        if reuse_port {
            sock.set_reuseport(true)?;
        }
        if addr.is_ipv6() {
            use std::os::fd::AsRawFd;
            crate::ffi::sys::setsockopt_int(
                sock.as_raw_fd(),
                libc::IPPROTO_IPV6,
                libc::IPV6_V6ONLY,
                1,
            )?;
        }
        sock.bind(addr).map_err(|e| bind_error(e, addr))?;
        listeners.push(sock.listen(backlog)?);
    }
    Ok(listeners)
}

/// `create_server`'s bind failure text: `[Errno 98] error while attempting to bind on address
/// ('127.0.0.1', 8443): [errno 98] address already in use`.
fn bind_error(e: std::io::Error, addr: SocketAddr) -> Error {
    let Some(errno) = e.raw_os_error() else {
        return e.into();
    };
    let text = Error::from_errno(errno).to_string().to_lowercase();
    Error::OSError(OSError {
        errno: Some(errno),
        strerror: Some(format!(
            "error while attempting to bind on address {}: {text}",
            Address::from(addr).py_repr()
        )),
        filename: None,
    })
}
