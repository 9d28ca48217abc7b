//! The sockets of `loop.create_server` (CPython 3.13's `base_events.py`): one per address the
//! hosts resolve to, or the caller's own; bound at once, listening only once the server
//! starts serving (`Server._start_serving` calls `listen()`), so that a connection before
//! `start_serving()` is refused.

use std::os::fd::AsRawFd;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpSocket};

use super::base_events::{
    bind_error, new_socket, os_error, resolve, take_stream_socket, Hints, Target,
};
use super::extra_info::TransportSocket;
use crate::error::{Error, Result};
use crate::pyrepr::{PyRepr, PyStr};
use crate::socket::{self, Address};

/// The socket options `create_server` sets before binding.
pub(crate) struct Options {
    pub(crate) hints: Hints,
    pub(crate) reuse_address: bool,
    pub(crate) reuse_port: bool,
    pub(crate) keep_alive: bool,
}

/// One of a server's sockets: bound (or the caller's) until it listens.
pub(crate) struct ServerSocket {
    bound: Option<TcpSocket>,
    listening: Option<Arc<TcpListener>>,
    /// `sock.proto`, for `server.sockets`.
    proto: i32,
}

impl ServerSocket {
    fn bound(sock: TcpSocket, proto: i32) -> ServerSocket {
        ServerSocket {
            bound: Some(sock),
            listening: None,
            proto,
        }
    }

    /// `sock.listen(backlog)` (once); the listener to accept on.
    pub(crate) fn listen(&mut self, backlog: u32) -> Result<Arc<TcpListener>> {
        if let Some(listener) = &self.listening {
            return Ok(listener.clone());
        }
        let backlog = backlog.min(i32::MAX as u32);
        let fd = self.bound.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        // Listen before giving the socket to tokio, so that a failure leaves it bound.
        crate::ffi::sys::listen(fd, backlog as i32)?;
        let Some(sock) = self.bound.take() else {
            return Err(Error::from_errno(libc::EBADF));
        };
        let listener = Arc::new(sock.listen(backlog)?);
        self.listening = Some(listener.clone());
        Ok(listener)
    }

    /// `sock.proto`: 6 (TCP) for the sockets the server made, the caller's own otherwise.
    pub(crate) fn proto(&self) -> i32 {
        self.proto
    }

    /// `asyncio.TransportSocket(sock)`, as `server.sockets` shows it.
    pub(crate) fn transport_socket(&self) -> TransportSocket {
        let socket = match (&self.bound, &self.listening) {
            (Some(sock), _) => TransportSocket::of(Some(sock)),
            (None, listening) => TransportSocket::of(listening.as_deref()),
        };
        socket.with_proto(self.proto)
    }
}

/// `create_server(sock=sock)`: the caller's socket, taken over by the server.
pub(crate) fn from_socket(sock: socket::socket) -> Result<ServerSocket> {
    let (sock, proto) = take_stream_socket(sock)?;
    Ok(ServerSocket::bound(TcpSocket::from_std_stream(sock), proto))
}

/// `create_server(host, port, ...)`: a socket bound to each address the hosts resolve to
/// (each address once; `None` is every interface). An address this host does not have
/// (`EADDRNOTAVAIL`) is skipped; any other bind failure fails the call.
pub(crate) async fn bind(
    hosts: &[Option<&str>],
    port: Option<&str>,
    options: &Options,
) -> Result<Vec<ServerSocket>> {
    let mut targets: Vec<Target> = Vec::new();
    for host in hosts {
        let resolved = resolve(*host, port, options.hints).await?;
        if resolved.is_empty() {
            let host = host.map_or("None".to_string(), |h| PyStr(h).py_repr());
            return Err(os_error(format!("getaddrinfo({host}) returned empty list")));
        }
        for target in resolved {
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    let mut sockets = Vec::new();
    for target in &targets {
        // A family or protocol this system refuses: CPython moves on to the next address.
        let Ok(sock) = new_socket(target) else {
            continue;
        };
        if options.reuse_address {
            sock.set_reuseaddr(true)?;
        }
        if options.reuse_port {
            sock.set_reuseport(true)?;
        }
        if options.keep_alive {
            sock.set_keepalive(true)?;
        }
        if target.addr.is_ipv6() {
            // One socket per family: no IPv4 on the IPv6 socket (Linux's default dual stack).
            crate::ffi::sys::setsockopt_int(
                sock.as_raw_fd(),
                libc::IPPROTO_IPV6,
                libc::IPV6_V6ONLY,
                1,
            )?;
        }
        match sock.bind(target.addr) {
            Ok(()) => sockets.push(ServerSocket::bound(sock, target.proto)),
            Err(e) if e.raw_os_error() == Some(libc::EADDRNOTAVAIL) => continue,
            Err(e) => return Err(bind_error(e, target.addr)),
        }
    }
    if sockets.is_empty() {
        let addrs: Vec<String> = targets
            .iter()
            .map(|t| Address::from(t.addr).py_repr())
            .collect();
        return Err(os_error(format!(
            "could not bind on any address out of [{}]",
            addrs.join(", ")
        )));
    }
    Ok(sockets)
}
