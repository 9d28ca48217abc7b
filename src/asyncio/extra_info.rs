//! `transport.get_extra_info(name)`: the values CPython's TLS and socket transports expose,
//! as one enum printable with [`PyRepr`] exactly as Python prints them.

use std::os::fd::AsRawFd;

use super::sslproto::{lock_sslobj, SharedSSLObject};
use super::transport::Conn;
use crate::error::Result;
use crate::pyrepr::PyRepr;
use crate::socket::Address;
use crate::ssl::{PeerCert, SSLContext, SSLSession};

/// A value of `writer.get_extra_info(name)`. `print(writer.get_extra_info(name))` ports to
/// `println!("{}", writer.get_extra_info(name).py_str())`.
///
/// ```text
/// Python:  cert = writer.get_extra_info('peercert')      # dict, or None
/// Rust:    let info = writer.get_extra_info("peercert");
///          let cert = info.peercert();                    // Option<&ssl::PeerCert>
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ExtraInfo {
    /// `None`: an unknown name, a TLS name on a plain stream, or a value not there (yet).
    None,
    /// `'peercert'`: `ssl_object.getpeercert()`.
    PeerCert(PeerCert),
    /// `'cipher'`: `('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)`.
    Cipher((String, String, i32)),
    /// `'compression'`: the compression method's name (`None` on any usual build).
    Compression(String),
    /// `'sslcontext'`: the context the connection was made with.
    SSLContext(SSLContext),
    /// `'ssl_object'`: the connection's `ssl.SSLObject`.
    SSLObject(TransportSSLObject),
    /// `'peername'`, `'sockname'`: `('127.0.0.1', 8443)`.
    Address(Address),
    /// `'socket'`: the `asyncio.TransportSocket`.
    Socket(TransportSocket),
}

impl ExtraInfo {
    /// `value is None`.
    pub fn is_none(&self) -> bool {
        matches!(self, ExtraInfo::None)
    }

    /// The `'peercert'` value.
    pub fn peercert(&self) -> Option<&PeerCert> {
        match self {
            ExtraInfo::PeerCert(cert) => Some(cert),
            _ => None,
        }
    }

    /// The `'cipher'` value: `(name, protocol, secret_bits)`.
    pub fn cipher(&self) -> Option<&(String, String, i32)> {
        match self {
            ExtraInfo::Cipher(cipher) => Some(cipher),
            _ => None,
        }
    }

    /// The `'sslcontext'` value.
    pub fn sslcontext(&self) -> Option<&SSLContext> {
        match self {
            ExtraInfo::SSLContext(ctx) => Some(ctx),
            _ => None,
        }
    }

    /// The `'ssl_object'` value.
    pub fn ssl_object(&self) -> Option<&TransportSSLObject> {
        match self {
            ExtraInfo::SSLObject(obj) => Some(obj),
            _ => None,
        }
    }

    /// The `'peername'` or `'sockname'` value.
    pub fn address(&self) -> Option<&Address> {
        match self {
            ExtraInfo::Address(addr) => Some(addr),
            _ => None,
        }
    }

    /// The `'socket'` value.
    pub fn socket(&self) -> Option<&TransportSocket> {
        match self {
            ExtraInfo::Socket(sock) => Some(sock),
            _ => None,
        }
    }
}

impl PyRepr for ExtraInfo {
    fn py_repr(&self) -> String {
        match self {
            ExtraInfo::None => "None".into(),
            ExtraInfo::PeerCert(cert) => cert.py_repr(),
            ExtraInfo::Cipher(cipher) => cipher.py_repr(),
            ExtraInfo::Compression(name) => name.py_repr(),
            ExtraInfo::SSLContext(ctx) => format!("{ctx:?}"),
            ExtraInfo::SSLObject(obj) => obj.py_repr(),
            ExtraInfo::Address(addr) => addr.py_repr(),
            ExtraInfo::Socket(sock) => sock.py_repr(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            ExtraInfo::Compression(name) => name.clone(),
            _ => self.py_repr(),
        }
    }
}

/// `get_extra_info(name)` of the connection's transport: the TLS transport's own keys, then
/// the socket transport's (which a TLS transport no longer reaches once the connection is
/// lost, as in CPython).
pub(crate) fn get(conn: &Conn, name: &str) -> ExtraInfo {
    if let Some(tls) = &conn.tls {
        let established = tls.established();
        let value = match name {
            "sslcontext" => Some(ExtraInfo::SSLContext(tls.sslcontext().clone())),
            "peercert" => established.map(|e| {
                e.peercert
                    .clone()
                    .map_or(ExtraInfo::None, ExtraInfo::PeerCert)
            }),
            "cipher" => {
                established.map(|e| e.cipher.clone().map_or(ExtraInfo::None, ExtraInfo::Cipher))
            }
            "compression" => established.map(|e| {
                e.compression
                    .clone()
                    .map_or(ExtraInfo::None, ExtraInfo::Compression)
            }),
            "ssl_object" => tls
                .ssl_object()
                .map(|obj| ExtraInfo::SSLObject(TransportSSLObject(obj.clone()))),
            _ => None,
        };
        if let Some(value) = value {
            return value;
        }
        if conn.sock.stream.is_none() {
            return ExtraInfo::None;
        }
    }
    let address = |addr: &Option<Address>| addr.clone().map_or(ExtraInfo::None, ExtraInfo::Address);
    match name {
        "socket" => ExtraInfo::Socket(
            TransportSocket::of(conn.sock.stream.as_ref()).with_proto(conn.sock.proto),
        ),
        "sockname" => address(&conn.sock.sockname),
        "peername" => address(&conn.sock.peername),
        _ => ExtraInfo::None,
    }
}

/// `asyncio.TransportSocket`: what `get_extra_info('socket')` and `server.sockets` give, a view
/// of the transport's socket without the calls that would disturb it. pyssl's is a snapshot
/// taken when it is asked for (descriptor, family, addresses).
///
/// ```text
/// Python:  sock = writer.get_extra_info('socket'); print(sock.fileno(), sock.getsockname())
/// Rust:    let info = writer.get_extra_info("socket");
///          let sock = info.socket().unwrap(); println!("{} {}", sock.fileno(), sock.getsockname()?);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportSocket {
    fd: i32,
    /// The socket's inode when the snapshot was taken: `fd` may be closed and reused since.
    inode: Option<u64>,
    family: i32,
    proto: i32,
    laddr: Option<Address>,
    raddr: Option<Address>,
}

impl TransportSocket {
    pub(crate) fn of<S: AsRawFd>(sock: Option<&S>) -> TransportSocket {
        let Some(sock) = sock else {
            return TransportSocket {
                fd: -1,
                inode: None,
                family: libc::AF_INET,
                proto: libc::IPPROTO_TCP,
                laddr: None,
                raddr: None,
            };
        };
        let fd = sock.as_raw_fd();
        let name = |f: fn(i32) -> std::io::Result<crate::ffi::sys::SockAddr>| {
            f(fd).ok().and_then(|a| Address::from_sockaddr(&a).ok())
        };
        let laddr = name(crate::ffi::sys::getsockname);
        let family = laddr
            .as_ref()
            .and_then(Address::to_socket_addr)
            .map_or(libc::AF_INET, |a| {
                if a.is_ipv6() {
                    libc::AF_INET6
                } else {
                    libc::AF_INET
                }
            });
        TransportSocket {
            fd,
            inode: crate::ffi::sys::inode(fd).ok(),
            family,
            proto: libc::IPPROTO_TCP,
            laddr,
            raddr: name(crate::ffi::sys::getpeername),
        }
    }

    /// The same socket, made with protocol number `proto` (a `sock=` argument's, often 0).
    pub(crate) fn with_proto(mut self, proto: i32) -> TransportSocket {
        self.proto = proto;
        self
    }

    /// `sock.fileno()` (`-1` once the transport closed it).
    pub fn fileno(&self) -> i32 {
        self.fd
    }

    /// `sock.family`: `AF_INET` or `AF_INET6`.
    pub fn family(&self) -> i32 {
        self.family
    }

    /// `sock.type`: `SOCK_STREAM`.
    pub fn type_(&self) -> i32 {
        libc::SOCK_STREAM
    }

    /// `sock.proto`: `IPPROTO_TCP` (6) for the sockets asyncio made (from `getaddrinfo`), the
    /// socket's own for a `sock=` argument (usually 0).
    pub fn proto(&self) -> i32 {
        self.proto
    }

    /// `sock.getsockname()`.
    pub fn getsockname(&self) -> Result<Address> {
        self.laddr
            .clone()
            .ok_or_else(|| crate::Error::from_errno(libc::EBADF))
    }

    /// `sock.getsockopt(level, optname)` (integer options), asked of the socket now; once the
    /// transport or server closed it, `[Errno 9] Bad file descriptor`.
    ///
    /// ```text
    /// Python:  server.sockets[0].getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    /// Rust:    server.sockets()[0].getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)?
    /// ```
    pub fn getsockopt(&self, level: i32, optname: i32) -> Result<i32> {
        let same_socket =
            self.inode.is_some() && crate::ffi::sys::inode(self.fd).ok() == self.inode;
        if self.fd < 0 || !same_socket {
            return Err(crate::Error::from_errno(libc::EBADF));
        }
        Ok(crate::ffi::sys::getsockopt_int(self.fd, level, optname)?)
    }

    /// `sock.getpeername()` (`[Errno 107] Transport endpoint is not connected` for a
    /// listening socket).
    pub fn getpeername(&self) -> Result<Address> {
        self.raddr.clone().ok_or_else(|| {
            crate::Error::from_errno(if self.fd == -1 {
                libc::EBADF
            } else {
                libc::ENOTCONN
            })
        })
    }
}

impl PyRepr for TransportSocket {
    /// `<asyncio.TransportSocket fd=7, family=2, type=1, proto=6, laddr=('127.0.0.1', 50000),
    /// raddr=('127.0.0.1', 8443)>`.
    fn py_repr(&self) -> String {
        let mut s = format!(
            "<asyncio.TransportSocket fd={}, family={}, type={}, proto={}",
            self.fd,
            self.family,
            self.type_(),
            self.proto()
        );
        if let Some(laddr) = &self.laddr {
            s.push_str(&format!(", laddr={laddr}"));
        }
        if let Some(raddr) = &self.raddr {
            s.push_str(&format!(", raddr={raddr}"));
        }
        s.push('>');
        s
    }
}

/// `get_extra_info('ssl_object')`: the connection's live `ssl.SSLObject`, through the getters
/// ports call on it (each locks the connection's TLS state for the call alone).
///
/// ```text
/// Python:  print(writer.get_extra_info('ssl_object').version())
/// Rust:    println!("{}", writer.get_extra_info("ssl_object").ssl_object().unwrap().version().py_str());
/// ```
#[derive(Clone)]
pub struct TransportSSLObject(SharedSSLObject);

impl std::fmt::Debug for TransportSSLObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.py_repr())
    }
}

impl PyRepr for TransportSSLObject {
    /// `<ssl.SSLObject object at 0x7f...>`.
    fn py_repr(&self) -> String {
        format!(
            "<ssl.SSLObject object at {:p}>",
            std::sync::Arc::as_ptr(&self.0)
        )
    }
}

impl TransportSSLObject {
    /// `ssl_object.version()`.
    pub fn version(&self) -> Option<String> {
        lock_sslobj(&self.0).version()
    }

    /// `ssl_object.cipher()`.
    pub fn cipher(&self) -> Option<(String, String, i32)> {
        lock_sslobj(&self.0).cipher()
    }

    /// `ssl_object.shared_ciphers()`.
    pub fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
        lock_sslobj(&self.0).shared_ciphers()
    }

    /// `ssl_object.compression()`.
    pub fn compression(&self) -> Option<String> {
        lock_sslobj(&self.0).compression()
    }

    /// `ssl_object.getpeercert(binary_form)`.
    pub fn getpeercert(&self, binary_form: bool) -> Result<Option<PeerCert>> {
        lock_sslobj(&self.0).getpeercert(binary_form)
    }

    /// `ssl_object.selected_alpn_protocol()`.
    pub fn selected_alpn_protocol(&self) -> Result<Option<String>> {
        lock_sslobj(&self.0).selected_alpn_protocol()
    }

    /// `ssl_object.get_channel_binding(cb_type)`.
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        lock_sslobj(&self.0).get_channel_binding(cb_type)
    }

    /// `ssl_object.session`.
    pub fn session(&self) -> Option<SSLSession> {
        lock_sslobj(&self.0).session()
    }

    /// `ssl_object.session_reused`.
    pub fn session_reused(&self) -> bool {
        lock_sslobj(&self.0).session_reused()
    }

    /// `ssl_object.server_side`.
    pub fn server_side(&self) -> bool {
        lock_sslobj(&self.0).server_side()
    }

    /// `ssl_object.server_hostname`.
    pub fn server_hostname(&self) -> Option<String> {
        lock_sslobj(&self.0).server_hostname().map(str::to_string)
    }

    /// `ssl_object.context`.
    pub fn context(&self) -> SSLContext {
        lock_sslobj(&self.0).context().clone()
    }

    /// `ssl_object.get_verified_chain()`.
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        lock_sslobj(&self.0).get_verified_chain()
    }

    /// `ssl_object.get_unverified_chain()`.
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        lock_sslobj(&self.0).get_unverified_chain()
    }
}

/// `writer.get_extra_info('peercert')['subject']`:
/// `writer.get_extra_info("peercert").dict()?.subject`, with the `TypeError` Python's
/// subscript raises on `None` (no TLS, or before the handshake) and on the other values.
impl crate::ssl::PeerCertDict for ExtraInfo {
    fn dict(self) -> Result<crate::ssl::CertDict> {
        let not_subscriptable = |type_name: &str| {
            crate::error::Error::TypeError(format!("'{type_name}' object is not subscriptable"))
        };
        let tuple_index = || {
            crate::error::Error::TypeError(
                "tuple indices must be integers or slices, not str".to_string(),
            )
        };
        match self {
            ExtraInfo::PeerCert(cert) => cert.dict(),
            ExtraInfo::None => Err(not_subscriptable("NoneType")),
            ExtraInfo::Cipher(_) | ExtraInfo::Address(_) => Err(tuple_index()),
            ExtraInfo::Compression(_) => Err(crate::error::Error::TypeError(
                "string indices must be integers, not 'str'".to_string(),
            )),
            ExtraInfo::SSLContext(_) => Err(not_subscriptable("SSLContext")),
            ExtraInfo::SSLObject(_) => Err(not_subscriptable("SSLObject")),
            ExtraInfo::Socket(_) => Err(not_subscriptable("TransportSocket")),
        }
    }
}
