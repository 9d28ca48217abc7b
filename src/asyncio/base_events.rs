//! What `open_connection` and `start_server` ask of the event loop (CPython's
//! `Lib/asyncio/base_events.py`): resolve, connect or listen, and set a transport up, with
//! TLS when asked.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::net::{TcpSocket, TcpStream};

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

/// The `getaddrinfo` arguments `create_connection` and `create_server` pass on (`family`,
/// `proto`, `flags`); the type is always `SOCK_STREAM`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hints {
    pub(crate) family: i32,
    pub(crate) proto: i32,
    pub(crate) flags: i32,
}

/// One resolved address: where to connect or bind, and the socket's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) addr: SocketAddr,
    pub(crate) proto: i32,
}

/// `socket.getaddrinfo(host, port, family, SOCK_STREAM, proto, flags)`.
fn lookup(host: Option<&str>, port: Option<&str>, hints: Hints) -> Result<Vec<socket::AddrInfo>> {
    let hints = socket::GetAddrInfo {
        family: hints.family,
        type_: socket::SOCK_STREAM,
        proto: hints.proto,
        flags: hints.flags,
    };
    match port {
        Some(port) => socket::getaddrinfo(host, port, hints),
        None => socket::getaddrinfo(host, None::<u16>, hints),
    }
}

/// `_ensure_resolved((host, port), ...)`: a numeric host without a lookup (`_ipaddr_info`,
/// which takes any `proto` of 0, TCP or UDP as TCP), a name on the blocking pool (CPython uses
/// its executor) so the runtime is never blocked.
pub(crate) async fn resolve(
    host: Option<&str>,
    port: Option<&str>,
    hints: Hints,
) -> Result<Vec<Target>> {
    let numeric = match host {
        Some(host) if [0, socket::IPPROTO_TCP, socket::IPPROTO_UDP].contains(&hints.proto) => {
            if let Some(target) = literal_target(host, port, hints.family) {
                return Ok(vec![target]);
            }
            let numeric_hints = Hints {
                proto: 0,
                flags: hints.flags | socket::AI_NUMERICHOST,
                ..hints
            };
            lookup(Some(host), port, numeric_hints).ok()
        }
        _ => None,
    };
    let infos = match (numeric, host) {
        (Some(infos), _) => infos,
        // No host: the local or wildcard addresses, which need no lookup either.
        (None, None) => lookup(None, port, hints)?,
        (None, Some(host)) => {
            let (host, port) = (host.to_string(), port.map(str::to_string));
            tokio::task::spawn_blocking(move || lookup(Some(&host), port.as_deref(), hints))
                .await
                .map_err(|e| Error::RuntimeError(e.to_string()))??
        }
    };
    Ok(infos
        .iter()
        .filter_map(|info| {
            let addr = info.sockaddr.to_socket_addr()?;
            Some(Target {
                addr,
                proto: info.proto,
            })
        })
        .collect())
}

/// The common case of `_ipaddr_info` without a system call: a host that is an address of the
/// asked family and a port in plain digits, which `getaddrinfo` would only echo back (as one
/// TCP entry). Everything else (names, `127.1`, zone indexes, service names, a family
/// mismatch) returns `None` and goes to `getaddrinfo` as before.
fn literal_target(host: &str, port: Option<&str>, family: i32) -> Option<Target> {
    let port = match port {
        None | Some("") => 0,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        Some(_) => return None,
    };
    let ip: IpAddr = host.parse().ok()?;
    let wanted = match family {
        0 => true,
        socket::AF_INET => ip.is_ipv4(),
        socket::AF_INET6 => ip.is_ipv6(),
        _ => false,
    };
    wanted.then(|| Target {
        addr: SocketAddr::new(ip, port),
        proto: socket::IPPROTO_TCP,
    })
}

/// `socket.socket(family, SOCK_STREAM, proto)` for `addr`, non-blocking, as a tokio socket.
pub(crate) fn new_socket(target: &Target) -> Result<TcpSocket> {
    let family = if target.addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    let fd = crate::ffi::sys::socket(
        family,
        libc::SOCK_STREAM | libc::SOCK_NONBLOCK,
        target.proto,
    )?;
    Ok(TcpSocket::from_std_stream(std::net::TcpStream::from(fd)))
}

/// A `sock=` argument, handed over to a transport or server: its descriptor, non-blocking
/// (`sock.setblocking(False)`), and its `proto`. CPython takes any stream socket (`A Stream
/// Socket was expected, got <socket.socket ...>` otherwise); pyssl's streams are TCP, so an
/// `AF_UNIX` one is a `NotImplementedError` rather than a transport that misreads its
/// addresses. A closed socket is CPython's `[Errno 9] Bad file descriptor`.
pub(crate) fn take_stream_socket(sock: socket::socket) -> Result<(std::net::TcpStream, i32)> {
    if sock.type_() != socket::SOCK_STREAM {
        return Err(Error::value(format!(
            "A Stream Socket was expected, got {}",
            sock.py_repr()
        )));
    }
    if ![socket::AF_INET, socket::AF_INET6].contains(&sock.family()) {
        return Err(Error::NotImplementedError(format!(
            "sock of family {}: pyssl's asyncio streams run over TCP (AF_INET, AF_INET6) only",
            socket::family_repr(sock.family())
        )));
    }
    let proto = sock.proto();
    let fd = crate::ffi::sys::take_socket_fd(sock).ok_or_else(|| Error::from_errno(libc::EBADF))?;
    let stream = std::net::TcpStream::from(fd);
    stream.set_nonblocking(true)?;
    Ok((stream, proto))
}

/// `sock_connect`'s failure text: `[Errno 111] Connect call failed ('127.0.0.1', 1)`.
pub(crate) fn connect_error(e: std::io::Error, addr: SocketAddr) -> Error {
    match e.raw_os_error() {
        Some(errno) => Error::OSError(OSError {
            errno: Some(errno),
            strerror: Some(format!(
                "Connect call failed {}",
                Address::from(addr).py_repr()
            )),
            filename: None,
        }),
        None => e.into(),
    }
}

/// `OSError(message)`, with no errno.
pub(crate) fn os_error(message: impl Into<String>) -> Error {
    Error::OSError(OSError {
        errno: None,
        strerror: Some(message.into()),
        filename: None,
    })
}

/// `_create_connection_transport` (and the server's accept): a transport over `stream`, its
/// task started, TLS set up when `tls` is given. The returned connection's waiter says when
/// it is established.
pub(crate) fn make_transport(
    stream: TcpStream,
    proto: i32,
    limit: usize,
    tls: Option<TlsParams>,
    server_side: bool,
    server: Option<super::server::ServerHandle>,
) -> Result<Arc<Shared>> {
    let mut sock = SocketTransport::new(stream);
    sock.proto = proto;
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
/// (`transport.close()`), as CPython does before raising. The application resumes here (from
/// `open_connection`, `start_tls`, or the handler's start) even when it did not wait.
pub(crate) async fn wait_established(shared: &Shared) -> Result<()> {
    let outcome = shared
        .wait_until(
            |conn, cx| match std::mem::replace(&mut conn.app.waiter, Waiter::Idle) {
                Waiter::Done(outcome) => std::task::Poll::Ready(outcome),
                waiting => {
                    conn.app.waiter = waiting;
                    conn.app.register(cx.waker());
                    std::task::Poll::Pending
                }
            },
        )
        .await;
    let mut conn = shared.lock();
    conn.app.resumed();
    if outcome.is_err() {
        conn.close();
    }
    outcome
}

/// The bind failure text of `create_server` and `_connect_sock`: `[Errno 98] error while
/// attempting to bind on address ('127.0.0.1', 8443): [errno 98] address already in use`.
pub(crate) fn bind_error(e: std::io::Error, addr: SocketAddr) -> Error {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut answers exactly what `getaddrinfo(AI_NUMERICHOST)` answers wherever it
    /// answers, and leaves to `getaddrinfo` what it must (names, short forms, zones).
    #[test]
    fn literal_targets_are_what_getaddrinfo_answers() {
        let hosts = [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "::ffff:127.0.0.1",
            "2001:DB8::A:1",
            "1:2:3:4:5:6:7:8",
            "127.1",
            "01.2.3.4",
            "256.1.1.1",
            "::1%lo",
            "[::1]",
            " 127.0.0.1",
            "localhost",
            "",
        ];
        let ports = [
            None,
            Some(""),
            Some("0"),
            Some("443"),
            Some("0080"),
            Some("65535"),
        ];
        let mut answered = 0;
        for host in hosts {
            for port in ports {
                for family in [0, socket::AF_INET, socket::AF_INET6] {
                    let Some(fast) = literal_target(host, port, family) else {
                        continue;
                    };
                    answered += 1;
                    let hints = Hints {
                        family,
                        proto: 0,
                        flags: socket::AI_NUMERICHOST,
                    };
                    let infos = lookup(Some(host), port, hints).unwrap();
                    let slow: Vec<Target> = infos
                        .iter()
                        .map(|i| Target {
                            addr: i.sockaddr.to_socket_addr().unwrap(),
                            proto: i.proto,
                        })
                        .collect();
                    assert_eq!(slow, [fast], "{host:?} {port:?} family {family}");
                }
            }
        }
        // 9 addresses: 6 ports with the family unspecified or their own.
        assert_eq!(answered, 9 * 6 * 2);
        for (host, port, family) in [
            ("127.1", Some("1"), 0),
            ("::1%lo", Some("1"), 0),
            ("localhost", Some("1"), 0),
            ("127.0.0.1", Some("http"), 0),
            ("127.0.0.1", Some("+80"), 0),
            ("127.0.0.1", Some("65536"), 0),
            ("127.0.0.1", Some("1"), socket::AF_INET6),
            ("::1", Some("1"), socket::AF_INET),
            ("127.0.0.1", Some("1"), socket::AF_UNIX),
        ] {
            assert_eq!(literal_target(host, port, family), None, "{host} {port:?}");
        }
    }
}
