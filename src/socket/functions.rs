//! Python's `socket` module functions: `getaddrinfo`, `create_connection`, `create_server`,
//! `gethostname`, `getdefaulttimeout`/`setdefaulttimeout`, `socketpair`,
//! `has_dualstack_ipv6`.
//!
//! ```text
//! Python:  sock = socket.create_connection(('example.com', 443), timeout=10)
//! Rust:    let sock = socket::create_connection(("example.com", 443), socket::CreateConnection { timeout: 10.0.into(), ..Default::default() })?;
//! ```

use std::ffi::CString;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::error::{Error, OSError, Result};
use crate::ffi::sys;
use crate::pyrepr::{PyRepr, PyStr};

use super::address::{gai_error, Address, ToAddress};
use super::constants::*;
use super::{parse_timeout, socket, timeout_secs, TimeoutNs, NO_TIMEOUT};

/// The process-wide default timeout (CPython's `defaulttimeout`), in nanoseconds, -1 = None.
static DEFAULT_TIMEOUT: AtomicI64 = AtomicI64::new(NO_TIMEOUT);

pub(crate) fn default_timeout_ns() -> TimeoutNs {
    DEFAULT_TIMEOUT.load(Ordering::SeqCst)
}

/// `socket.getdefaulttimeout()` → `socket::getdefaulttimeout()`: the timeout new sockets
/// start with (`None` = blocking, the initial value).
pub fn getdefaulttimeout() -> Option<f64> {
    timeout_secs(default_timeout_ns())
}

/// `socket.setdefaulttimeout(10)` → `socket::setdefaulttimeout(Some(10.0))?`: the timeout
/// for sockets created afterwards (process-wide, as in Python). Same validation as
/// `settimeout`.
pub fn setdefaulttimeout(timeout: Option<f64>) -> Result<()> {
    DEFAULT_TIMEOUT.store(parse_timeout(timeout)?, Ordering::SeqCst);
    Ok(())
}

/// `socket.has_ipv6` → `socket::has_ipv6`: IPv6 support was compiled in (always, here).
#[allow(non_upper_case_globals)]
pub const has_ipv6: bool = true;

/// `socket.gethostname()` → `socket::gethostname()?`.
pub fn gethostname() -> Result<String> {
    let name = sys::gethostname()?;
    Ok(String::from_utf8_lossy(&name).into_owned())
}

/// `a, b = socket.socketpair()` → `let (a, b) = socket::socketpair()?;`: two connected
/// `AF_UNIX` stream sockets with the default timeout.
pub fn socketpair() -> Result<(socket, socket)> {
    let (a, b) = sys::socketpair(AF_UNIX, SOCK_STREAM, 0)?;
    let t = default_timeout_ns();
    Ok((
        socket::init(a, AF_UNIX, SOCK_STREAM, 0, t, Some(false))?,
        socket::init(b, AF_UNIX, SOCK_STREAM, 0, t, Some(false))?,
    ))
}

/// `socket.has_dualstack_ipv6()` → `socket::has_dualstack_ipv6()`: whether an `AF_INET6`
/// stream socket can also accept IPv4 (clearing `IPV6_V6ONLY` works).
pub fn has_dualstack_ipv6() -> bool {
    match socket::new(AF_INET6, SOCK_STREAM, 0) {
        Ok(s) => s.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0).is_ok(),
        Err(_) => false,
    }
}

// ---- getaddrinfo ------------------------------------------------------------------------------

/// The `host` argument of [`getaddrinfo`]: Python's `str` (`&str`, `String`), `bytes`
/// (`&[u8]`), `None` (`None`, meaning NULL: the local host, or the wildcard with
/// `AI_PASSIVE`), or an `IpAddr`.
pub trait HostArg {
    /// The bytes passed to the C resolver (`None` = NULL). Text hosts are `idna`-encoded as
    /// CPython does (`'straße.de'` is looked up as `strasse.de`), failing with Python's
    /// `UnicodeEncodeError`: an empty label (`'a..b'`), one of 64+ characters, ...
    fn host_bytes(&self) -> Result<Option<Vec<u8>>>;
}

impl HostArg for &str {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        idna_encode(self).map(Some)
    }
}

impl HostArg for String {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        idna_encode(self).map(Some)
    }
}

impl HostArg for &String {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        idna_encode(self).map(Some)
    }
}

impl HostArg for &[u8] {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.to_vec()))
    }
}

impl HostArg for Option<&str> {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        match self {
            Some(h) => h.host_bytes(),
            None => Ok(None),
        }
    }
}

impl HostArg for IpAddr {
    fn host_bytes(&self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.to_string().into_bytes()))
    }
}

/// The `port` argument of [`getaddrinfo`]: a number (`u16`), a service name (`"https"`), or
/// `None` (NULL).
pub trait PortArg {
    /// The bytes passed to the C resolver (`None` = NULL).
    fn port_bytes(&self) -> Option<Vec<u8>>;
}

impl PortArg for u16 {
    fn port_bytes(&self) -> Option<Vec<u8>> {
        Some(self.to_string().into_bytes())
    }
}

impl PortArg for &str {
    fn port_bytes(&self) -> Option<Vec<u8>> {
        Some(self.as_bytes().to_vec())
    }
}

impl PortArg for String {
    fn port_bytes(&self) -> Option<Vec<u8>> {
        Some(self.as_bytes().to_vec())
    }
}

impl PortArg for Option<u16> {
    fn port_bytes(&self) -> Option<Vec<u8>> {
        self.as_ref().and_then(PortArg::port_bytes)
    }
}

/// `host.encode('idna')`: Python's codec, as `socket` applies it to text host names.
fn idna_encode(host: &str) -> Result<Vec<u8>> {
    Ok(crate::encodings::idna::encode(host)?.into_bytes())
}

/// Optional arguments of [`getaddrinfo`] (Python's `family=0, type=0, proto=0, flags=0`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetAddrInfo {
    /// `family`: `AF_INET`, `AF_INET6` or 0 (`AF_UNSPEC`, every family).
    pub family: i32,
    /// `type`: `SOCK_STREAM`, `SOCK_DGRAM` or 0 (every type).
    pub type_: i32,
    /// `proto`: `IPPROTO_TCP`, ... or 0.
    pub proto: i32,
    /// `flags`: `AI_PASSIVE | AI_CANONNAME | ...`.
    pub flags: i32,
}

/// One result of [`getaddrinfo`]: Python's 5-tuple `(family, type, proto, canonname,
/// sockaddr)`. Its [`PyRepr`] is Python's: `(<AddressFamily.AF_INET: 2>,
/// <SocketKind.SOCK_STREAM: 1>, 6, '', ('127.0.0.1', 443))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfo {
    /// `family` (`AF_INET`, `AF_INET6`).
    pub family: i32,
    /// `type` (`SOCK_STREAM`, ...).
    pub type_: i32,
    /// `proto` (`IPPROTO_TCP`, ...).
    pub proto: i32,
    /// `canonname`: `''` unless `AI_CANONNAME` was asked for.
    pub canonname: String,
    /// `sockaddr`: `(host, port)` or `(host, port, flowinfo, scope_id)`.
    pub sockaddr: Address,
}

impl AddrInfo {
    /// `af, socktype, proto, canonname, sa = res` →
    /// `let (af, socktype, proto, canonname, sa) = res.into_tuple();`.
    pub fn into_tuple(self) -> (i32, i32, i32, String, Address) {
        (
            self.family,
            self.type_,
            self.proto,
            self.canonname,
            self.sockaddr,
        )
    }
}

impl PyRepr for AddrInfo {
    fn py_repr(&self) -> String {
        format!(
            "({}, {}, {}, {}, {})",
            family_repr(self.family),
            kind_repr(self.type_),
            self.proto,
            PyStr(&self.canonname).py_repr(),
            self.sockaddr.py_repr()
        )
    }
}

/// Bytes up to the first NUL, as CPython hands Python strings to C (`'exa\0mple'` is
/// looked up as `'exa'`).
fn c_text(bytes: Vec<u8>) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let mut bytes = bytes;
    bytes.truncate(end);
    CString::new(bytes).unwrap_or_default()
}

/// `socket.getaddrinfo(host, port, family, type, proto, flags)` →
/// `socket::getaddrinfo(host, port, socket::GetAddrInfo { family, type_, proto, flags })?`.
///
/// ```text
/// Python:  socket.getaddrinfo("localhost", 443, type=socket.SOCK_STREAM)
/// Rust:    socket::getaddrinfo("localhost", 443, socket::GetAddrInfo { type_: socket::SOCK_STREAM, ..Default::default() })?
/// ```
///
/// Failures are `Error::gaierror` with the C resolver's code and text:
/// `[Errno -2] Name or service not known`.
pub fn getaddrinfo(
    host: impl HostArg,
    port: impl PortArg,
    options: GetAddrInfo,
) -> Result<Vec<AddrInfo>> {
    let host = host.host_bytes()?.map(c_text);
    let port = port.port_bytes().map(c_text);
    let entries = sys::getaddrinfo(
        host.as_deref(),
        port.as_deref(),
        options.family,
        options.type_,
        options.proto,
        options.flags,
    )
    .map_err(gai_error)?;
    entries
        .into_iter()
        .map(|e| {
            Ok(AddrInfo {
                family: e.family,
                type_: e.socktype,
                proto: e.protocol,
                canonname: e.canonname.unwrap_or_default(),
                sockaddr: Address::from_sockaddr(&e.addr)?,
            })
        })
        .collect()
}

// ---- create_connection / create_server --------------------------------------------------------

/// The `timeout` argument of [`create_connection`]: Python's default sentinel
/// (`socket._GLOBAL_DEFAULT_TIMEOUT`: keep the default timeout), `None` (blocking) or seconds.
/// `timeout=10` → `timeout: 10.0.into()`; `timeout=None` → `timeout: None.into()`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Timeout {
    /// `socket._GLOBAL_DEFAULT_TIMEOUT`: leave the new socket's default timeout alone.
    #[default]
    GlobalDefault,
    /// `timeout=None`: blocking.
    Blocking,
    /// `timeout=secs`.
    Seconds(f64),
}

/// `socket._GLOBAL_DEFAULT_TIMEOUT` → `socket::_GLOBAL_DEFAULT_TIMEOUT`.
#[allow(non_upper_case_globals)]
pub const _GLOBAL_DEFAULT_TIMEOUT: Timeout = Timeout::GlobalDefault;

impl From<f64> for Timeout {
    fn from(secs: f64) -> Timeout {
        Timeout::Seconds(secs)
    }
}

impl From<Option<f64>> for Timeout {
    fn from(t: Option<f64>) -> Timeout {
        t.map_or(Timeout::Blocking, Timeout::Seconds)
    }
}

/// Optional arguments of [`create_connection`] (Python's `timeout=_GLOBAL_DEFAULT_TIMEOUT,
/// source_address=None`). Python's `all_errors=True` (an `ExceptionGroup`) has no
/// equivalent: the last error is raised, as with Python's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateConnection {
    /// `timeout`: see [`Timeout`].
    pub timeout: Timeout,
    /// `source_address=(host, port)` to bind before connecting:
    /// `source_address: Some(("127.0.0.1", 0).into())`.
    pub source_address: Option<Address>,
}

/// `socket.create_connection((host, port), timeout=10)` →
/// `socket::create_connection((host, port), socket::CreateConnection { timeout: 10.0.into(), ..Default::default() })?`.
///
/// As Python does: resolves `(host, port)` with `getaddrinfo(host, port, 0, SOCK_STREAM)`,
/// tries each result in turn (socket, timeout, bind to `source_address`, connect), returns
/// the first connected socket, and raises the last `OSError` when all fail.
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::socket;
///
/// // A port with nothing listening: bound, never listen()ed.
/// let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
/// unused.bind(("127.0.0.1", 0))?;
/// let port = unused.getsockname()?.port();
///
/// // Python: try: socket.create_connection(('127.0.0.1', port), timeout=5)
/// //         except ConnectionRefusedError as e: print(repr(e))
/// let err = socket::create_connection(
///     ("127.0.0.1", port),
///     socket::CreateConnection { timeout: 5.0.into(), ..Default::default() },
/// )
/// .unwrap_err();
/// assert_eq!(err.type_name(), "ConnectionRefusedError");
/// assert_eq!(err.errno(), Some(111));
/// assert_eq!(err.py_repr(), "ConnectionRefusedError(111, 'Connection refused')");
/// # Ok(())
/// # }
/// ```
pub fn create_connection(address: impl ToAddress, options: CreateConnection) -> Result<socket> {
    let address = address.to_address();
    let infos = getaddrinfo(
        address.host(),
        address.port(),
        GetAddrInfo {
            type_: SOCK_STREAM,
            ..Default::default()
        },
    )?;
    let mut last: Option<Error> = None;
    for info in infos {
        match try_connect(&info, &options) {
            Ok(sock) => return Ok(sock),
            Err(e) if e.is_os_error() => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        Error::OSError(OSError {
            errno: None,
            strerror: Some("getaddrinfo returns an empty list".into()),
            filename: None,
        })
    }))
}

fn try_connect(info: &AddrInfo, options: &CreateConnection) -> Result<socket> {
    let sock = socket::new(info.family, info.type_, info.proto)?;
    match options.timeout {
        Timeout::GlobalDefault => {}
        Timeout::Blocking => sock.settimeout(None)?,
        Timeout::Seconds(s) => sock.settimeout(Some(s))?,
    }
    if let Some(source) = &options.source_address {
        sock.bind(source)?;
    }
    sock.connect(&info.sockaddr)?;
    Ok(sock)
}

/// Optional arguments of [`create_server`] (Python's `family=AF_INET, backlog=None,
/// reuse_port=False, dualstack_ipv6=False`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateServer {
    /// `family`: `AF_INET` (default) or `AF_INET6`.
    pub family: i32,
    /// `backlog` for `listen()`; `None` = `listen()`'s default.
    pub backlog: Option<i32>,
    /// `reuse_port`: set `SO_REUSEPORT`.
    pub reuse_port: bool,
    /// `dualstack_ipv6`: an `AF_INET6` socket that also accepts IPv4.
    pub dualstack_ipv6: bool,
}

impl Default for CreateServer {
    fn default() -> CreateServer {
        CreateServer {
            family: AF_INET,
            backlog: None,
            reuse_port: false,
            dualstack_ipv6: false,
        }
    }
}

/// `socket.create_server(("", 8443))` → `socket::create_server(("", 8443), Default::default())?`:
/// a listening `SOCK_STREAM` socket bound to `address`, with `SO_REUSEADDR` set (and
/// `IPV6_V6ONLY` set for `AF_INET6` unless `dualstack_ipv6`), as Python makes it. A failed
/// bind is `OSError(errno, '<strerror> (while attempting to bind on address <addr>)')`.
pub fn create_server(address: impl ToAddress, options: CreateServer) -> Result<socket> {
    let address = address.to_address();
    if options.dualstack_ipv6 {
        if !has_dualstack_ipv6() {
            return Err(Error::value(
                "dualstack_ipv6 not supported on this platform",
            ));
        }
        if options.family != AF_INET6 {
            return Err(Error::value("dualstack_ipv6 requires AF_INET6 family"));
        }
    }
    let sock = socket::new(options.family, SOCK_STREAM, 0)?;
    // Python ignores a failure here ("fail later on bind()").
    let _ = sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
    if options.reuse_port {
        sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1)?;
    }
    if options.family == AF_INET6 {
        sock.setsockopt(
            IPPROTO_IPV6,
            IPV6_V6ONLY,
            if options.dualstack_ipv6 { 0 } else { 1 },
        )?;
    }
    if let Err(err) = sock.bind(&address) {
        return Err(match err {
            Error::OSError(e) | Error::gaierror(e) => {
                let strerror = e.strerror.as_deref().unwrap_or("None");
                Error::OSError(OSError {
                    errno: e.errno,
                    strerror: Some(format!(
                        "{strerror} (while attempting to bind on address {})",
                        address.py_repr()
                    )),
                    filename: None,
                })
            }
            other => other,
        });
    }
    sock.listen(options.backlog)?;
    Ok(sock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idna_label_checks_match_python_messages() {
        assert_eq!(idna_encode("example.com.").unwrap(), b"example.com.");
        assert_eq!(
            idna_encode("a..com").unwrap_err().to_string(),
            "'idna' codec can't encode character '\\x2e' in position 2: label empty"
        );
        let long = format!("{}.com", "a".repeat(64));
        assert_eq!(
            idna_encode(&long).unwrap_err().to_string(),
            "'idna' codec can't encode characters in position 0-63: label too long"
        );
    }
}
