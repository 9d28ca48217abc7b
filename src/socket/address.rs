//! Socket addresses: what Python writes as `(host, port)` tuples.
//!
//! ```text
//! Python:  sock.connect(("example.com", 443))      conn, addr = srv.accept(); print(addr)
//! Rust:    sock.connect(("example.com", 443))?;    let (conn, addr) = srv.accept()?; println!("{addr}");
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use crate::error::{Error, OSError, Result};
use crate::ffi::sys::{self, GaiError, SockAddr};
use crate::pyrepr::{PyBytes, PyRepr, PyStr};

use super::constants::{AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AI_PASSIVE, SOCK_DGRAM};

/// A socket address as Python spells it: `('127.0.0.1', 54321)` for IPv4 (and for any address
/// given as a pair), `('::1', 8443, 0, 0)` for IPv6 (`(host, port, flowinfo, scope_id)`), or a
/// path for `AF_UNIX`.
///
/// Returned by `accept()`, `getpeername()`, `getsockname()` and in `getaddrinfo()` results,
/// and accepted wherever Python takes an address. `Display` and [`PyRepr`] print Python's
/// tuple repr: `print(addr)` → `println!("{addr}")`.
///
/// An address given by the caller keeps its shape: `("::1", 443)` stays a pair (as Python's
/// error messages quote it), a `SocketAddrV6` becomes a 4-tuple.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    host: String,
    port: u16,
    shape: Shape,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Shape {
    /// `(host, port)`.
    Pair,
    /// `(host, port, flowinfo, scope_id)`.
    Quad { flowinfo: u32, scope_id: u32 },
    /// An `AF_UNIX` path (raw bytes; `host` holds its lossy text).
    Unix(Vec<u8>),
}

impl Address {
    /// The pair `(host, port)`: `("example.com", 443)` → `Address::new("example.com", 443)`.
    /// `host` may be a name, IPv4 or IPv6 text, `''` (any address) or `'<broadcast>'`.
    pub fn new(host: impl Into<String>, port: u16) -> Address {
        Address {
            host: host.into(),
            port,
            shape: Shape::Pair,
        }
    }

    /// The IPv6 4-tuple `(host, port, flowinfo, scope_id)`:
    /// `("::1", 443, 0, 0)` → `Address::ipv6("::1", 443, 0, 0)`.
    pub fn ipv6(host: impl Into<String>, port: u16, flowinfo: u32, scope_id: u32) -> Address {
        Address {
            host: host.into(),
            port,
            shape: Shape::Quad { flowinfo, scope_id },
        }
    }

    /// An `AF_UNIX` address: Python's path string `'/run/app.sock'` →
    /// `Address::unix("/run/app.sock")`. A leading NUL byte names the abstract namespace.
    pub fn unix(path: impl AsRef<[u8]>) -> Address {
        let bytes = path.as_ref().to_vec();
        Address {
            host: String::from_utf8_lossy(&bytes).into_owned(),
            port: 0,
            shape: Shape::Unix(bytes),
        }
    }

    /// `addr[0]`: the host text (for `AF_UNIX`, the path).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `addr[1]`: the port (0 for `AF_UNIX`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `addr[2]` of an IPv6 4-tuple, `None` for a pair.
    pub fn flowinfo(&self) -> Option<u32> {
        match self.shape {
            Shape::Quad { flowinfo, .. } => Some(flowinfo),
            _ => None,
        }
    }

    /// `addr[3]` of an IPv6 4-tuple, `None` for a pair.
    pub fn scope_id(&self) -> Option<u32> {
        match self.shape {
            Shape::Quad { scope_id, .. } => Some(scope_id),
            _ => None,
        }
    }

    /// The `AF_UNIX` path bytes, `None` for an internet address.
    pub fn unix_path(&self) -> Option<&[u8]> {
        match &self.shape {
            Shape::Unix(p) => Some(p),
            _ => None,
        }
    }

    /// `len(addr)`: 2 for a pair, 4 for an IPv6 4-tuple, 1 for an `AF_UNIX` path (a string,
    /// not a tuple, in Python; counted as one item here).
    pub fn len(&self) -> usize {
        match self.shape {
            Shape::Pair => 2,
            Shape::Quad { .. } => 4,
            Shape::Unix(_) => 1,
        }
    }

    /// Always false: an address has at least one item (present for clippy's `len` rule).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Extension: the address as a `std::net::SocketAddr` when the host is numeric IP text.
    pub fn to_socket_addr(&self) -> Option<SocketAddr> {
        match self.shape {
            Shape::Pair => {
                if let Ok(ip) = self.host.parse::<Ipv4Addr>() {
                    return Some(SocketAddr::V4(SocketAddrV4::new(ip, self.port)));
                }
                let ip = self.host.parse::<Ipv6Addr>().ok()?;
                Some(SocketAddr::V6(SocketAddrV6::new(ip, self.port, 0, 0)))
            }
            Shape::Quad { flowinfo, scope_id } => {
                let host = self.host.split('%').next().unwrap_or("");
                let ip = host.parse::<Ipv6Addr>().ok()?;
                Some(SocketAddr::V6(SocketAddrV6::new(
                    ip, self.port, flowinfo, scope_id,
                )))
            }
            Shape::Unix(_) => None,
        }
    }

    /// Python's `makesockaddr`: the address the kernel returned, as Python shows it.
    pub(crate) fn from_sockaddr(addr: &SockAddr) -> Result<Address> {
        if let Some((_, port)) = addr.as_inet() {
            let host = addr.numeric_host().map_err(Error::from)?;
            return Ok(Address::new(host, port));
        }
        if let Some((_, port, flowinfo, scope_id)) = addr.as_inet6() {
            let host = addr.numeric_host().map_err(Error::from)?;
            return Ok(Address::ipv6(host, port, flowinfo, scope_id));
        }
        if let Some(path) = addr.as_unix() {
            return Ok(Address::unix(path));
        }
        Err(Error::from_errno(libc::EAFNOSUPPORT))
    }

    /// Python's `getsockaddrarg`: this address as a kernel address for a socket of `family`.
    /// `caller` names the method in CPython's messages (`"bind"`, `"connect"`, ...).
    pub(crate) fn to_sockaddr(&self, family: i32, caller: &str) -> Result<SockAddr> {
        match family {
            AF_INET => {
                if matches!(self.shape, Shape::Unix(_)) {
                    return Err(Error::type_error("AF_INET address must be tuple, not str"));
                }
                if self.len() != 2 {
                    return Err(Error::type_error(
                        "AF_INET address must be a pair (host, port)",
                    ));
                }
                let ip = match setipaddr(&self.host, AF_INET)? {
                    Resolved::V4(ip) => ip,
                    Resolved::V6(_) => return Err(Error::from_errno(libc::EAFNOSUPPORT)),
                };
                Ok(SockAddr::inet(ip, self.port))
            }
            AF_INET6 => {
                let (flowinfo, scope_id) = match self.shape {
                    Shape::Pair => (0, 0),
                    Shape::Quad { flowinfo, scope_id } => (flowinfo, scope_id),
                    Shape::Unix(_) => {
                        return Err(Error::type_error("AF_INET6 address must be tuple, not str"))
                    }
                };
                if flowinfo > 0xfffff {
                    return Err(Error::OverflowError(format!(
                        "{caller}(): flowinfo must be 0-1048575."
                    )));
                }
                let ip = match setipaddr(&self.host, AF_INET6)? {
                    Resolved::V6(ip) => ip,
                    Resolved::V4(_) => return Err(Error::from_errno(libc::EAFNOSUPPORT)),
                };
                Ok(SockAddr::inet6(ip, self.port, flowinfo, scope_id))
            }
            AF_UNIX => match &self.shape {
                Shape::Unix(path) => SockAddr::unix(path).ok_or_else(|| {
                    Error::OSError(OSError {
                        errno: None,
                        strerror: Some("AF_UNIX path too long".into()),
                        filename: None,
                    })
                }),
                _ => Err(Error::type_error(
                    "a bytes-like object is required, not 'tuple'",
                )),
            },
            _ => Err(Error::OSError(OSError {
                errno: None,
                strerror: Some(format!("{caller}(): bad family")),
                filename: None,
            })),
        }
    }
}

/// What `setipaddr` found.
enum Resolved {
    V4(Ipv4Addr),
    /// The scope id a name resolved to is dropped: CPython overwrites it with the tuple's.
    V6(Ipv6Addr),
}

/// An `OSError` with a message and no errno (`OSError('address family mismatched')`).
fn os_message(msg: &str) -> Error {
    Error::OSError(OSError {
        errno: None,
        strerror: Some(msg.to_string()),
        filename: None,
    })
}

/// `socket.gaierror` for a resolver failure (`EAI_SYSTEM` becomes the OS error).
pub(crate) fn gai_error(e: GaiError) -> Error {
    match e {
        GaiError::System(io) => Error::from(io),
        GaiError::Code(code, msg) => Error::gaierror(OSError {
            errno: Some(code),
            strerror: Some(msg),
            filename: None,
        }),
    }
}

fn resolved_from(addr: &SockAddr, unknown: &str) -> Result<Resolved> {
    if let Some((ip, _)) = addr.as_inet() {
        return Ok(Resolved::V4(ip));
    }
    if let Some((ip, ..)) = addr.as_inet6() {
        return Ok(Resolved::V6(ip));
    }
    Err(os_message(unknown))
}

/// CPython's `setipaddr`: host text to an IP for family `af`, the way CPython does it:
/// `''` is the wildcard, `'<broadcast>'` and `'255.255.255.255'` the IPv4 broadcast, numeric
/// text is parsed without a lookup, anything else goes to `getaddrinfo`.
fn setipaddr(name: &str, af: i32) -> Result<Resolved> {
    // CPython's `idna_converter`: non-ASCII names go through the `idna` codec, whose failure
    // becomes a plain TypeError.
    let encoded;
    let name = if name.is_ascii() {
        name
    } else {
        encoded = crate::encodings::idna::encode(name)
            .map_err(|_| Error::type_error("encoding of hostname failed"))?;
        encoded.as_str()
    };
    if name.contains('\0') {
        return Err(Error::type_error(
            "host name must not contain null character",
        ));
    }
    if name.is_empty() {
        let entries =
            sys::getaddrinfo(None, Some(c"0"), af, SOCK_DGRAM, 0, AI_PASSIVE).map_err(gai_error)?;
        let first = entries
            .first()
            .ok_or_else(|| os_message("unsupported address family"))?;
        let found = resolved_from(&first.addr, "unsupported address family")?;
        if entries.len() > 1 {
            return Err(os_message("wildcard resolved to multiple address"));
        }
        return Ok(found);
    }
    if name == "255.255.255.255" || name == "<broadcast>" {
        if af != AF_INET && af != AF_UNSPEC {
            return Err(os_message("address family mismatched"));
        }
        return Ok(Resolved::V4(Ipv4Addr::BROADCAST));
    }
    // No NUL inside (checked above), so this cannot fail.
    let cname = std::ffi::CString::new(name)
        .map_err(|_| Error::type_error("host name must not contain null character"))?;
    if af == AF_UNSPEC || af == AF_INET {
        if let Some(ip) = sys::inet_pton4(&cname) {
            return Ok(Resolved::V4(ip));
        }
    }
    if (af == AF_UNSPEC || af == AF_INET6) && !name.contains('%') {
        if let Some(ip) = sys::inet_pton6(&cname) {
            return Ok(Resolved::V6(ip));
        }
    }
    let entries = sys::getaddrinfo(Some(&cname), None, af, 0, 0, 0).map_err(gai_error)?;
    let first = entries
        .first()
        .ok_or_else(|| os_message("unknown address family"))?;
    resolved_from(&first.addr, "unknown address family")
}

impl fmt::Display for Address {
    /// Python's `str(addr)` (= its repr): `('127.0.0.1', 54321)`, `('::1', 8443, 0, 0)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.py_repr())
    }
}

impl PyRepr for Address {
    /// `repr(addr)`: `('127.0.0.1', 54321)`, `('::1', 8443, 0, 0)`, `'/run/app.sock'`, or
    /// `b'\x00name'` for an abstract `AF_UNIX` name.
    fn py_repr(&self) -> String {
        match &self.shape {
            Shape::Pair => format!("({}, {})", PyStr(&self.host).py_repr(), self.port),
            Shape::Quad { flowinfo, scope_id } => {
                format!(
                    "({}, {}, {}, {})",
                    PyStr(&self.host).py_repr(),
                    self.port,
                    flowinfo,
                    scope_id
                )
            }
            Shape::Unix(path) if path.first() == Some(&0) => PyBytes(path).py_repr(),
            Shape::Unix(_) => PyStr(&self.host).py_repr(),
        }
    }
}

/// Anything Python accepts as an address argument: `(host, port)` tuples with `&str` or
/// `String` hosts, `(host, port, flowinfo, scope_id)`, `std::net::SocketAddr` (and its V4/V6
/// forms), `(IpAddr, port)`, or an [`Address`] returned by another call.
///
/// ```text
/// Python:  sock.connect(("example.com", 443))   sock.bind(("::1", 0, 0, 0))
/// Rust:    sock.connect(("example.com", 443))?; sock.bind(("::1", 0, 0, 0))?;
/// ```
pub trait ToAddress {
    /// The address as an [`Address`] (not yet resolved: names are looked up by the socket
    /// call, for the socket's family, as Python does).
    fn to_address(&self) -> Address;
}

impl ToAddress for Address {
    fn to_address(&self) -> Address {
        self.clone()
    }
}

impl<T: ToAddress + ?Sized> ToAddress for &T {
    fn to_address(&self) -> Address {
        (**self).to_address()
    }
}

impl ToAddress for (&str, u16) {
    fn to_address(&self) -> Address {
        Address::new(self.0, self.1)
    }
}

impl ToAddress for (String, u16) {
    fn to_address(&self) -> Address {
        Address::new(self.0.clone(), self.1)
    }
}

impl ToAddress for (&String, u16) {
    fn to_address(&self) -> Address {
        Address::new(self.0.clone(), self.1)
    }
}

impl ToAddress for (&str, u16, u32, u32) {
    fn to_address(&self) -> Address {
        Address::ipv6(self.0, self.1, self.2, self.3)
    }
}

impl ToAddress for (String, u16, u32, u32) {
    fn to_address(&self) -> Address {
        Address::ipv6(self.0.clone(), self.1, self.2, self.3)
    }
}

impl ToAddress for (IpAddr, u16) {
    fn to_address(&self) -> Address {
        SocketAddr::new(self.0, self.1).to_address()
    }
}

impl ToAddress for (Ipv4Addr, u16) {
    fn to_address(&self) -> Address {
        Address::new(self.0.to_string(), self.1)
    }
}

impl ToAddress for (Ipv6Addr, u16) {
    fn to_address(&self) -> Address {
        Address::ipv6(self.0.to_string(), self.1, 0, 0)
    }
}

impl ToAddress for SocketAddr {
    fn to_address(&self) -> Address {
        match self {
            SocketAddr::V4(a) => a.to_address(),
            SocketAddr::V6(a) => a.to_address(),
        }
    }
}

impl ToAddress for SocketAddrV4 {
    fn to_address(&self) -> Address {
        Address::new(self.ip().to_string(), self.port())
    }
}

impl ToAddress for SocketAddrV6 {
    fn to_address(&self) -> Address {
        Address::ipv6(
            self.ip().to_string(),
            self.port(),
            self.flowinfo(),
            self.scope_id(),
        )
    }
}

macro_rules! address_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Address {
            /// The same address as [`ToAddress::to_address`], so `Some(("127.0.0.1", 0).into())`
            /// fills an `Option<Address>` field.
            fn from(value: $t) -> Address {
                value.to_address()
            }
        }
    )*};
}
address_from!(
    (&str, u16),
    (String, u16),
    (&String, u16),
    (&str, u16, u32, u32),
    (String, u16, u32, u32),
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16),
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6
);
