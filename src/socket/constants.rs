//! Python's `socket` module constants, with their Linux values (what CPython 3.13 reports
//! on Linux): `socket.AF_INET` → `socket::AF_INET`.
//!
//! ```text
//! Python:  sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//! Rust:    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
//! ```

/// `socket.AF_UNSPEC` → `socket::AF_UNSPEC` (= 0): Unspecified address family (`getaddrinfo` returns every family).
pub const AF_UNSPEC: i32 = 0;
/// `socket.AF_UNIX` → `socket::AF_UNIX` (= 1): Local (Unix-domain) sockets.
pub const AF_UNIX: i32 = 1;
/// `socket.AF_INET` → `socket::AF_INET` (= 2): IPv4.
pub const AF_INET: i32 = 2;
/// `socket.AF_INET6` → `socket::AF_INET6` (= 10): IPv6.
pub const AF_INET6: i32 = 10;
/// `socket.SOCK_STREAM` → `socket::SOCK_STREAM` (= 1): Stream socket (TCP).
pub const SOCK_STREAM: i32 = 1;
/// `socket.SOCK_DGRAM` → `socket::SOCK_DGRAM` (= 2): Datagram socket (UDP).
pub const SOCK_DGRAM: i32 = 2;
/// `socket.SOCK_RAW` → `socket::SOCK_RAW` (= 3): Raw socket.
pub const SOCK_RAW: i32 = 3;
/// `socket.SOCK_NONBLOCK` → `socket::SOCK_NONBLOCK` (= 2048): Flag for `type`: create the socket non-blocking (its timeout is then `0.0`).
pub const SOCK_NONBLOCK: i32 = 2048;
/// `socket.SOCK_CLOEXEC` → `socket::SOCK_CLOEXEC` (= 524288): Flag for `type`: close-on-exec (pyssl always sets it, as CPython does).
pub const SOCK_CLOEXEC: i32 = 524288;
/// `socket.SOL_SOCKET` → `socket::SOL_SOCKET` (= 1): Level of the socket-wide options.
pub const SOL_SOCKET: i32 = 1;
/// `socket.SO_REUSEADDR` → `socket::SO_REUSEADDR` (= 2): Allow reuse of local addresses.
pub const SO_REUSEADDR: i32 = 2;
/// `socket.SO_REUSEPORT` → `socket::SO_REUSEPORT` (= 15): Allow several sockets to bind the same port.
pub const SO_REUSEPORT: i32 = 15;
/// `socket.SO_TYPE` → `socket::SO_TYPE` (= 3): The socket type (read-only).
pub const SO_TYPE: i32 = 3;
/// `socket.SO_KEEPALIVE` → `socket::SO_KEEPALIVE` (= 9): Send keep-alive probes.
pub const SO_KEEPALIVE: i32 = 9;
/// `socket.SO_ERROR` → `socket::SO_ERROR` (= 4): Pending socket error (read-only; reading clears it).
pub const SO_ERROR: i32 = 4;
/// `socket.SO_RCVBUF` → `socket::SO_RCVBUF` (= 8): Receive buffer size.
pub const SO_RCVBUF: i32 = 8;
/// `socket.SO_SNDBUF` → `socket::SO_SNDBUF` (= 7): Send buffer size.
pub const SO_SNDBUF: i32 = 7;
/// `socket.SO_LINGER` → `socket::SO_LINGER` (= 13): Linger on close (a `struct linger`: use the bytes form).
pub const SO_LINGER: i32 = 13;
/// `socket.SO_BROADCAST` → `socket::SO_BROADCAST` (= 6): Allow sending to broadcast addresses.
pub const SO_BROADCAST: i32 = 6;
/// `socket.SO_DOMAIN` → `socket::SO_DOMAIN` (= 39): The socket family (read-only).
pub const SO_DOMAIN: i32 = 39;
/// `socket.SO_PROTOCOL` → `socket::SO_PROTOCOL` (= 38): The socket protocol (read-only).
pub const SO_PROTOCOL: i32 = 38;
/// `socket.IPPROTO_IP` → `socket::IPPROTO_IP` (= 0): IPv4 protocol level.
pub const IPPROTO_IP: i32 = 0;
/// `socket.IPPROTO_TCP` → `socket::IPPROTO_TCP` (= 6): TCP.
pub const IPPROTO_TCP: i32 = 6;
/// `socket.IPPROTO_UDP` → `socket::IPPROTO_UDP` (= 17): UDP.
pub const IPPROTO_UDP: i32 = 17;
/// `socket.IPPROTO_IPV6` → `socket::IPPROTO_IPV6` (= 41): IPv6 protocol level.
pub const IPPROTO_IPV6: i32 = 41;
/// `socket.IPV6_V6ONLY` → `socket::IPV6_V6ONLY` (= 26): Restrict an `AF_INET6` socket to IPv6 (no IPv4-mapped addresses).
pub const IPV6_V6ONLY: i32 = 26;
/// `socket.TCP_NODELAY` → `socket::TCP_NODELAY` (= 1): Disable Nagle's algorithm.
pub const TCP_NODELAY: i32 = 1;
/// `socket.TCP_KEEPIDLE` → `socket::TCP_KEEPIDLE` (= 4): Idle seconds before keep-alive probes start.
pub const TCP_KEEPIDLE: i32 = 4;
/// `socket.TCP_KEEPINTVL` → `socket::TCP_KEEPINTVL` (= 5): Seconds between keep-alive probes.
pub const TCP_KEEPINTVL: i32 = 5;
/// `socket.TCP_KEEPCNT` → `socket::TCP_KEEPCNT` (= 6): Keep-alive probes before the connection drops.
pub const TCP_KEEPCNT: i32 = 6;
/// `socket.SHUT_RD` → `socket::SHUT_RD` (= 0): `shutdown()`: no more receptions.
pub const SHUT_RD: i32 = 0;
/// `socket.SHUT_WR` → `socket::SHUT_WR` (= 1): `shutdown()`: no more transmissions.
pub const SHUT_WR: i32 = 1;
/// `socket.SHUT_RDWR` → `socket::SHUT_RDWR` (= 2): `shutdown()`: neither.
pub const SHUT_RDWR: i32 = 2;
/// `socket.SOMAXCONN` → `socket::SOMAXCONN` (= 4096): The kernel's default maximum `listen()` backlog (Linux 5.4+ headers).
pub const SOMAXCONN: i32 = 4096;
/// `socket.MSG_PEEK` → `socket::MSG_PEEK` (= 2): `recv` flag: look at data without taking it.
pub const MSG_PEEK: i32 = 2;
/// `socket.MSG_DONTWAIT` → `socket::MSG_DONTWAIT` (= 64): `recv`/`send` flag: do not block for this call.
pub const MSG_DONTWAIT: i32 = 64;
/// `socket.MSG_WAITALL` → `socket::MSG_WAITALL` (= 256): `recv` flag: wait for the whole buffer.
pub const MSG_WAITALL: i32 = 256;
/// `socket.MSG_NOSIGNAL` → `socket::MSG_NOSIGNAL` (= 16384): `send` flag: no SIGPIPE (pyssl always adds it; CPython ignores SIGPIPE).
pub const MSG_NOSIGNAL: i32 = 16384;
/// `socket.MSG_TRUNC` → `socket::MSG_TRUNC` (= 32): `recvmsg` `msg_flags`: the datagram was longer than the buffer.
pub const MSG_TRUNC: i32 = 32;
/// `socket.MSG_CTRUNC` → `socket::MSG_CTRUNC` (= 8): `recvmsg` `msg_flags`: control messages were cut short (`ancbufsize` too small).
pub const MSG_CTRUNC: i32 = 8;
/// `socket.SCM_RIGHTS` → `socket::SCM_RIGHTS` (= 1): control message type (`SOL_SOCKET` level): descriptors passed over an `AF_UNIX` socket.
pub const SCM_RIGHTS: i32 = 1;
/// `socket.SCM_CREDENTIALS` → `socket::SCM_CREDENTIALS` (= 2): control message type (`SOL_SOCKET` level): the sender's pid, uid and gid (`SO_PASSCRED`).
pub const SCM_CREDENTIALS: i32 = 2;
/// `socket.SO_PASSCRED` → `socket::SO_PASSCRED` (= 16): Receive `SCM_CREDENTIALS` with each message.
pub const SO_PASSCRED: i32 = 16;
/// `socket.AI_PASSIVE` → `socket::AI_PASSIVE` (= 1): `getaddrinfo` flag: addresses for `bind()` (wildcard when host is `None`).
pub const AI_PASSIVE: i32 = 1;
/// `socket.AI_CANONNAME` → `socket::AI_CANONNAME` (= 2): `getaddrinfo` flag: fill in `canonname`.
pub const AI_CANONNAME: i32 = 2;
/// `socket.AI_NUMERICHOST` → `socket::AI_NUMERICHOST` (= 4): `getaddrinfo` flag: host must be numeric, no lookup.
pub const AI_NUMERICHOST: i32 = 4;
/// `socket.AI_V4MAPPED` → `socket::AI_V4MAPPED` (= 8): `getaddrinfo` flag: IPv4-mapped IPv6 addresses.
pub const AI_V4MAPPED: i32 = 8;
/// `socket.AI_ALL` → `socket::AI_ALL` (= 16): `getaddrinfo` flag: with `AI_V4MAPPED`, both kinds.
pub const AI_ALL: i32 = 16;
/// `socket.AI_ADDRCONFIG` → `socket::AI_ADDRCONFIG` (= 32): `getaddrinfo` flag: only families configured on this host.
pub const AI_ADDRCONFIG: i32 = 32;
/// `socket.AI_NUMERICSERV` → `socket::AI_NUMERICSERV` (= 1024): `getaddrinfo` flag: port must be numeric.
pub const AI_NUMERICSERV: i32 = 1024;
/// `socket.EAI_NONAME` → `socket::EAI_NONAME` (= -2): `gaierror` errno: name or service not known.
pub const EAI_NONAME: i32 = -2;
/// `socket.EAI_AGAIN` → `socket::EAI_AGAIN` (= -3): `gaierror` errno: temporary failure in name resolution.
pub const EAI_AGAIN: i32 = -3;
/// `socket.NI_NUMERICHOST` → `socket::NI_NUMERICHOST` (= 1): `getnameinfo` flag: numeric host.
pub const NI_NUMERICHOST: i32 = 1;

/// `repr(socket.AddressFamily(n))` for the families pyssl names: `<AddressFamily.AF_INET: 2>`;
/// other values print as plain integers, as CPython's `_intenum_converter` leaves them.
pub(crate) fn family_repr(family: i32) -> String {
    let name = match family {
        AF_UNSPEC => "AF_UNSPEC",
        AF_UNIX => "AF_UNIX",
        AF_INET => "AF_INET",
        AF_INET6 => "AF_INET6",
        _ => return family.to_string(),
    };
    format!("<AddressFamily.{name}: {family}>")
}

/// `repr(socket.SocketKind(n))`: `<SocketKind.SOCK_STREAM: 1>`; others as plain integers.
pub(crate) fn kind_repr(kind: i32) -> String {
    let name = match kind {
        SOCK_STREAM => "SOCK_STREAM",
        SOCK_DGRAM => "SOCK_DGRAM",
        SOCK_RAW => "SOCK_RAW",
        4 => "SOCK_RDM",
        5 => "SOCK_SEQPACKET",
        _ => return kind.to_string(),
    };
    format!("<SocketKind.{name}: {kind}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal values are the C library's.
    #[test]
    fn values_are_the_c_librarys() {
        let pairs: &[(i32, i32)] = &[
            (AF_UNSPEC, libc::AF_UNSPEC),
            (AF_UNIX, libc::AF_UNIX),
            (AF_INET, libc::AF_INET),
            (AF_INET6, libc::AF_INET6),
            (SOCK_STREAM, libc::SOCK_STREAM),
            (SOCK_DGRAM, libc::SOCK_DGRAM),
            (SOCK_RAW, libc::SOCK_RAW),
            (SOCK_NONBLOCK, libc::SOCK_NONBLOCK),
            (SOCK_CLOEXEC, libc::SOCK_CLOEXEC),
            (SOL_SOCKET, libc::SOL_SOCKET),
            (SO_REUSEADDR, libc::SO_REUSEADDR),
            (SO_REUSEPORT, libc::SO_REUSEPORT),
            (SO_TYPE, libc::SO_TYPE),
            (SO_KEEPALIVE, libc::SO_KEEPALIVE),
            (SO_ERROR, libc::SO_ERROR),
            (SO_RCVBUF, libc::SO_RCVBUF),
            (SO_SNDBUF, libc::SO_SNDBUF),
            (SO_LINGER, libc::SO_LINGER),
            (SO_BROADCAST, libc::SO_BROADCAST),
            (SO_DOMAIN, libc::SO_DOMAIN),
            (SO_PROTOCOL, libc::SO_PROTOCOL),
            (IPPROTO_IP, libc::IPPROTO_IP),
            (IPPROTO_TCP, libc::IPPROTO_TCP),
            (IPPROTO_UDP, libc::IPPROTO_UDP),
            (IPPROTO_IPV6, libc::IPPROTO_IPV6),
            (IPV6_V6ONLY, libc::IPV6_V6ONLY),
            (TCP_NODELAY, libc::TCP_NODELAY),
            (TCP_KEEPIDLE, libc::TCP_KEEPIDLE),
            (TCP_KEEPINTVL, libc::TCP_KEEPINTVL),
            (TCP_KEEPCNT, libc::TCP_KEEPCNT),
            (SHUT_RD, libc::SHUT_RD),
            (SHUT_WR, libc::SHUT_WR),
            (SHUT_RDWR, libc::SHUT_RDWR),
            (MSG_PEEK, libc::MSG_PEEK),
            (MSG_DONTWAIT, libc::MSG_DONTWAIT),
            (MSG_WAITALL, libc::MSG_WAITALL),
            (MSG_NOSIGNAL, libc::MSG_NOSIGNAL),
            (MSG_TRUNC, libc::MSG_TRUNC),
            (MSG_CTRUNC, libc::MSG_CTRUNC),
            (SCM_RIGHTS, libc::SCM_RIGHTS),
            (SCM_CREDENTIALS, libc::SCM_CREDENTIALS),
            (SO_PASSCRED, libc::SO_PASSCRED),
            (AI_PASSIVE, libc::AI_PASSIVE),
            (AI_CANONNAME, libc::AI_CANONNAME),
            (AI_NUMERICHOST, libc::AI_NUMERICHOST),
            (AI_V4MAPPED, libc::AI_V4MAPPED),
            (AI_ALL, libc::AI_ALL),
            (AI_ADDRCONFIG, libc::AI_ADDRCONFIG),
            (AI_NUMERICSERV, libc::AI_NUMERICSERV),
            (EAI_NONAME, libc::EAI_NONAME),
            (EAI_AGAIN, libc::EAI_AGAIN),
            (NI_NUMERICHOST, libc::NI_NUMERICHOST),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours, theirs);
        }
    }
}
