//! `pyssl::socket` against real loopback sockets, with CPython 3.13 as the oracle for texts.
//! Every server binds port 0; nothing uses a fixed port.

mod common;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd};
use std::thread;
use std::time::{Duration, Instant};

use common::py313;
use pyssl::pyrepr::PyRepr;
use pyssl::socket::{self, Address};
use pyssl::Error;

/// A listening IPv4 socket on 127.0.0.1, port chosen by the kernel.
fn listener4() -> socket::socket {
    let srv = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    srv.bind(("127.0.0.1", 0)).unwrap();
    srv.listen(None).unwrap();
    srv
}

/// Whether the descriptor has O_NONBLOCK, read from /proc (flags are octal there).
fn nonblocking(fd: i32) -> bool {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .unwrap()
        .trim();
    u32::from_str_radix(flags, 8).unwrap() & 0o4000 != 0
}

/// What /proc/self/fd/N points at (`socket:[inode]`), or None when the fd is closed.
fn fd_target(fd: i32) -> Option<String> {
    std::fs::read_link(format!("/proc/self/fd/{fd}"))
        .ok()
        .map(|p| p.display().to_string())
}

/// Client/server echo over threads; checks accept's peer address is the client's name.
fn echo(family: i32, host: &str) {
    let srv = socket::socket(family, socket::SOCK_STREAM).unwrap();
    srv.bind((host, 0)).unwrap();
    srv.listen(5).unwrap();
    let port = srv.getsockname().unwrap().port();
    assert_ne!(port, 0);
    let server = thread::spawn(move || {
        let (conn, addr) = srv.accept().unwrap();
        loop {
            let data = conn.recv(1024).unwrap();
            if data.is_empty() {
                break;
            }
            conn.sendall(&data).unwrap();
        }
        (addr, conn.getsockname().unwrap())
    });
    let client = socket::socket(family, socket::SOCK_STREAM).unwrap();
    client.connect((host, port)).unwrap();
    client.sendall(b"hello, world").unwrap();
    let mut got = Vec::new();
    while got.len() < 12 {
        got.extend(client.recv(1024).unwrap());
    }
    assert_eq!(got, b"hello, world");
    let me = client.getsockname().unwrap();
    let peer = client.getpeername().unwrap();
    client.shutdown(socket::SHUT_WR).unwrap();
    assert_eq!(client.recv(10).unwrap(), b"");
    let (accepted_from, server_name) = server.join().unwrap();
    assert_eq!(accepted_from, me);
    assert_eq!(peer, server_name);
    assert_eq!(peer.port(), port);
    assert_eq!(me.host(), host);
}

#[test]
fn echo_ipv4() {
    echo(socket::AF_INET, "127.0.0.1");
}

#[test]
fn echo_ipv6() {
    echo(socket::AF_INET6, "::1");
}

#[test]
fn ipv6_addresses_are_python_4_tuples() {
    let s = socket::socket(socket::AF_INET6, socket::SOCK_STREAM).unwrap();
    assert_eq!(s.getsockname().unwrap().to_string(), "('::', 0, 0, 0)");
    s.bind(("::1", 0)).unwrap();
    let name = s.getsockname().unwrap();
    assert_eq!(name.to_string(), format!("('::1', {}, 0, 0)", name.port()));
    assert_eq!((name.flowinfo(), name.scope_id()), (Some(0), Some(0)));
}

#[test]
fn recv_into_fills_the_buffer_prefix() {
    let (a, b) = socket::socketpair().unwrap();
    a.sendall(b"abcdef").unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(b.recv_into(&mut buf).unwrap(), 4);
    assert_eq!(&buf, b"abcd");
    let mut buf = [b'x'; 8];
    assert_eq!(b.recv_into(&mut buf).unwrap(), 2);
    assert_eq!(&buf, b"efxxxxxx");
}

#[test]
fn sendall_8_mib() {
    let srv = listener4();
    let addr = srv.getsockname().unwrap();
    let data: Vec<u8> = (0..8 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let expected = data.clone();
    let reader = thread::spawn(move || {
        let (conn, _) = srv.accept().unwrap();
        let mut got = Vec::with_capacity(expected.len());
        let mut buf = vec![0u8; 65536];
        loop {
            let n = conn.recv_into(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert!(
            got == expected,
            "received {} bytes, content differs",
            got.len()
        );
    });
    let c = socket::create_connection(&addr, Default::default()).unwrap();
    c.settimeout(Some(30.0)).unwrap(); // exercise the timeout path of sendall too
    c.sendall(&data).unwrap();
    drop(c);
    reader.join().unwrap();
}

/// A port nothing listens on: bind port 0, read the port, close.
fn dead_port() -> u16 {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    s.bind(("127.0.0.1", 0)).unwrap();
    let port = s.getsockname().unwrap().port();
    s.close().unwrap();
    port
}

#[test]
fn connect_refused_is_connection_refused_error() {
    let port = dead_port();
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let err = s.connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(err.type_name(), "ConnectionRefusedError");
    assert_eq!(err.to_string(), "[Errno 111] Connection refused");
    assert_eq!(err.errno(), Some(111));
    assert_eq!(
        err.py_repr(),
        "ConnectionRefusedError(111, 'Connection refused')"
    );
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    assert_eq!(s.connect_ex(("127.0.0.1", port)).unwrap(), 111);
    // With a timeout the connect goes through poll; the outcome is the same.
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    s.settimeout(Some(5.0)).unwrap();
    assert_eq!(
        s.connect(("127.0.0.1", port)).unwrap_err().to_string(),
        "[Errno 111] Connection refused"
    );
    let err = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap_err();
    assert_eq!(err.to_string(), "[Errno 111] Connection refused");
}

#[test]
fn connect_ex_returns_zero_on_success() {
    let srv = listener4();
    let c = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    c.settimeout(Some(5.0)).unwrap();
    assert_eq!(c.connect_ex(srv.getsockname().unwrap()).unwrap(), 0);
}

#[test]
fn recv_on_silent_peer_times_out() {
    let srv = listener4();
    let c = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    c.connect(srv.getsockname().unwrap()).unwrap();
    let (_conn, _) = srv.accept().unwrap();
    c.settimeout(Some(0.2)).unwrap();
    assert_eq!(c.gettimeout(), Some(0.2));
    assert!(nonblocking(c.fileno()));
    assert!(
        c.getblocking(),
        "a positive timeout counts as blocking, as in Python"
    );
    let start = Instant::now();
    let err = c.recv(10).unwrap_err();
    let waited = start.elapsed();
    assert_eq!(err, Error::TimeoutError("timed out".into()));
    assert_eq!(err.type_name(), "TimeoutError");
    assert!(
        waited >= Duration::from_millis(200),
        "returned after {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "returned after {waited:?}");
    // accept on a listener with a timeout times out the same way.
    srv.settimeout(Some(0.05)).unwrap();
    assert_eq!(srv.accept().unwrap_err().to_string(), "timed out");
    // Back to blocking: the fd loses O_NONBLOCK.
    c.settimeout(None).unwrap();
    assert!(!nonblocking(c.fileno()));
    assert_eq!(c.gettimeout(), None);
}

#[test]
fn nonblocking_recv_is_blocking_io_error_11() {
    let (a, _b) = socket::socketpair().unwrap();
    a.setblocking(false).unwrap();
    assert_eq!(a.gettimeout(), Some(0.0));
    assert!(!a.getblocking());
    assert!(nonblocking(a.fileno()));
    let err = a.recv(10).unwrap_err();
    assert_eq!(err.errno(), Some(11));
    assert_eq!(err.type_name(), "BlockingIOError");
    assert_eq!(
        err.to_string(),
        "[Errno 11] Resource temporarily unavailable"
    );
    // Non-blocking connect: EINPROGRESS, as Python's BlockingIOError 115.
    let srv = listener4();
    let c = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    c.settimeout(Some(0.0)).unwrap();
    let err = c.connect(srv.getsockname().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "[Errno 115] Operation now in progress");
    assert_eq!(err.type_name(), "BlockingIOError");
    // SOCK_NONBLOCK in the type gives timeout 0.0 and a clean type().
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM | socket::SOCK_NONBLOCK).unwrap();
    assert_eq!(
        (s.gettimeout(), s.type_()),
        (Some(0.0), socket::SOCK_STREAM)
    );
}

#[test]
fn settimeout_rejects_what_python_rejects() {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let expected = py313(
        "import socket\ns = socket.socket()\nfor v in (-1, float('nan'), 1e300):\n    try:\n        s.settimeout(v)\n    except Exception as e:\n        print(type(e).__name__, e)\ns.settimeout(1e-10); print(s.gettimeout() == 1e-9)",
        &[],
    );
    let mut ours = String::new();
    for v in [-1.0, f64::NAN, 1e300] {
        let e = s.settimeout(Some(v)).unwrap_err();
        ours += &format!("{} {}\n", e.type_name(), e);
    }
    s.settimeout(Some(1e-10)).unwrap();
    ours += &format!("{}\n", (s.gettimeout() == Some(1e-9)).py_repr());
    assert_eq!(ours, expected);
}

#[test]
fn getaddrinfo_localhost_matches_cpython() {
    let ours = socket::getaddrinfo("localhost", 443, Default::default()).unwrap();
    let expected = py313(
        "import socket; print(socket.getaddrinfo('localhost', 443))",
        &[],
    );
    assert_eq!(ours.py_repr() + "\n", expected);
    let ours = socket::getaddrinfo(
        "localhost",
        "https",
        socket::GetAddrInfo {
            type_: socket::SOCK_STREAM,
            ..Default::default()
        },
    )
    .unwrap();
    let expected = py313(
        "import socket; print(socket.getaddrinfo('localhost', 'https', type=socket.SOCK_STREAM))",
        &[],
    );
    assert_eq!(ours.py_repr() + "\n", expected);
    assert!(ours
        .iter()
        .all(|ai| ai.sockaddr.port() == 443 && ai.proto == socket::IPPROTO_TCP));
    let passive = socket::getaddrinfo(
        None,
        80,
        socket::GetAddrInfo {
            type_: socket::SOCK_STREAM,
            flags: socket::AI_PASSIVE,
            ..Default::default()
        },
    )
    .unwrap();
    let expected = py313(
        "import socket; print(socket.getaddrinfo(None, 80, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE))",
        &[],
    );
    assert_eq!(passive.py_repr() + "\n", expected);
}

#[test]
fn gaierror_matches_cpython() {
    let code = "import socket\nfor args in (('nonexistent.invalid', 443), ('localhost', 'nosuchservice'), ('a..b', 1), ('x' * 64, 1)):\n    try:\n        socket.getaddrinfo(*args)\n    except Exception as e:\n        print(e)\n        print(repr(e) if isinstance(e, socket.gaierror) else e.__class__.__name__)";
    let expected = py313(code, &[]);
    let mut ours = String::new();
    let e = socket::getaddrinfo("nonexistent.invalid", 443, Default::default()).unwrap_err();
    assert!(matches!(e, Error::gaierror(_)));
    assert!(e.to_string().starts_with("[Errno -"), "{e}");
    ours += &format!("{e}\n{}\n", e.py_repr());
    let e = socket::getaddrinfo("localhost", "nosuchservice", Default::default()).unwrap_err();
    ours += &format!("{e}\n{}\n", e.py_repr());
    let e = socket::getaddrinfo("a..b", 1, Default::default()).unwrap_err();
    ours += &format!("{e}\nUnicodeEncodeError\n");
    let e = socket::getaddrinfo("x".repeat(64), 1, Default::default()).unwrap_err();
    ours += &format!("{e}\nUnicodeEncodeError\n");
    assert_eq!(ours, expected);
    // The same names in connect() go through the same resolver error.
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let err = s.connect(("nonexistent.invalid", 443)).unwrap_err();
    assert_eq!(err.to_string(), expected.lines().next().unwrap());
}

#[test]
fn address_arguments_fail_as_python() {
    let code = "import socket\n\
def show(fam, addr):\n    s = socket.socket(fam)\n    try:\n        s.bind(addr)\n    except Exception as e:\n        print(type(e).__name__, e)\n\
show(socket.AF_INET, ('127.0.0.1', 0, 0, 0))\n\
show(socket.AF_INET6, ('127.0.0.1', 0))\n\
show(socket.AF_INET, ('::1', 0))\n\
show(socket.AF_INET, ('a\\0b', 0))\n\
show(socket.AF_INET6, ('::1', 0, 0x100000, 0))\n";
    let expected = py313(code, &[]);
    let show = |fam: i32, addr: Address| {
        let s = socket::socket(fam, socket::SOCK_STREAM).unwrap();
        let e = s.bind(addr).unwrap_err();
        let name = match &e {
            Error::gaierror(_) => "gaierror",
            other => other.type_name(),
        };
        format!("{name} {e}\n")
    };
    let ours = [
        show(socket::AF_INET, Address::ipv6("127.0.0.1", 0, 0, 0)),
        show(socket::AF_INET6, Address::new("127.0.0.1", 0)),
        show(socket::AF_INET, Address::new("::1", 0)),
        show(socket::AF_INET, Address::new("a\0b", 0)),
        show(socket::AF_INET6, Address::ipv6("::1", 0, 0x100000, 0)),
    ]
    .concat();
    assert_eq!(ours, expected);
}

#[test]
fn special_hosts_bind_as_python() {
    // '' is the wildcard, '<broadcast>' the IPv4 broadcast address.
    let s = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    s.bind(("", 0)).unwrap();
    assert_eq!(s.getsockname().unwrap().host(), "0.0.0.0");
    let s = socket::socket(socket::AF_INET6, socket::SOCK_STREAM).unwrap();
    s.bind(("", 0)).unwrap();
    assert_eq!(s.getsockname().unwrap().host(), "::");
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    s.bind(("localhost", 0)).unwrap();
    assert_eq!(s.getsockname().unwrap().host(), "127.0.0.1");
}

#[test]
fn address_repr_is_python_tuple_repr() {
    assert_eq!(
        Address::new("127.0.0.1", 54321).to_string(),
        "('127.0.0.1', 54321)"
    );
    assert_eq!(
        Address::ipv6("::1", 8443, 0, 0).to_string(),
        "('::1', 8443, 0, 0)"
    );
    assert_eq!(Address::new("it's", 1).py_repr(), "(\"it's\", 1)");
    let a: Address = "[::1]:8443".parse::<std::net::SocketAddr>().unwrap().into();
    assert_eq!(a.py_repr(), "('::1', 8443, 0, 0)");
    let a: Address = ("example.com", 443).into();
    assert_eq!((a.host(), a.port(), a.len()), ("example.com", 443, 2));
    assert_eq!(a.to_socket_addr(), None);
    assert_eq!(
        Address::new("127.0.0.1", 80).to_socket_addr(),
        Some("127.0.0.1:80".parse().unwrap())
    );
    let expected = py313(
        "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\nprint(s.getsockname()[1])\nprint(s.getsockname())",
        &[],
    );
    let port: u16 = expected.lines().next().unwrap().parse().unwrap();
    assert_eq!(
        Address::new("127.0.0.1", port).to_string(),
        expected.lines().nth(1).unwrap()
    );
}

#[test]
fn socket_repr_is_pythons() {
    let code = "import socket\ns = socket.socket()\nprint(repr(s).replace(f'fd={s.fileno()}', 'fd=N'))\ns.close()\nprint(repr(s))\na, b = socket.socketpair()\nprint(repr(a).replace(f'fd={a.fileno()}', 'fd=N'))";
    let expected = py313(code, &[]);
    let mut lines = expected.lines();
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let fd = s.fileno();
    assert_eq!(
        format!("{s:?}").replace(&format!("fd={fd}"), "fd=N"),
        lines.next().unwrap()
    );
    s.close().unwrap();
    assert_eq!(format!("{s:?}"), lines.next().unwrap());
    let (a, _b) = socket::socketpair().unwrap();
    let fd = a.fileno();
    assert_eq!(
        a.py_repr().replace(&format!("fd={fd}"), "fd=N"),
        lines.next().unwrap()
    );
    // A connected socket adds raddr.
    let srv = listener4();
    let c = socket::create_connection(srv.getsockname().unwrap(), Default::default()).unwrap();
    assert_eq!(
        c.py_repr(),
        format!(
            "<socket.socket fd={}, family=2, type=1, proto=6, laddr={}, raddr={}>",
            c.fileno(),
            c.getsockname().unwrap(),
            srv.getsockname().unwrap()
        )
    );
}

#[test]
fn socket_options() {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    assert_eq!(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR)
            .unwrap(),
        0
    );
    s.setsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR, 1)
        .unwrap();
    assert_eq!(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR)
            .unwrap(),
        1
    );
    assert_eq!(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_TYPE).unwrap(),
        socket::SOCK_STREAM
    );
    s.setsockopt(socket::IPPROTO_TCP, socket::TCP_NODELAY, 1)
        .unwrap();
    assert_eq!(
        s.getsockopt(socket::IPPROTO_TCP, socket::TCP_NODELAY)
            .unwrap(),
        1
    );
    s.setsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE, 1)
        .unwrap();
    assert_eq!(
        s.getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)
            .unwrap(),
        1
    );
    assert_eq!(
        s.getsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, 8)
            .unwrap(),
        vec![0u8; 8]
    );
    assert_eq!(
        s.getsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, 0)
            .unwrap_err()
            .to_string(),
        "getsockopt buflen out of range"
    );
    let err = s.setsockopt(socket::SOL_SOCKET, 12345, 1).unwrap_err();
    assert_eq!(err.to_string(), "[Errno 92] Protocol not available");
}

#[test]
fn create_server_and_create_connection() {
    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    assert_eq!(
        srv.getsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR)
            .unwrap(),
        1
    );
    assert_eq!(
        (srv.family(), srv.type_(), srv.proto()),
        (socket::AF_INET, socket::SOCK_STREAM, 0)
    );
    let addr = srv.getsockname().unwrap();
    let c = socket::create_connection(
        ("localhost", addr.port()),
        socket::CreateConnection {
            timeout: 5.0.into(),
            source_address: Some(("127.0.0.1", 0).into()),
        },
    )
    .unwrap();
    assert_eq!(c.gettimeout(), Some(5.0));
    let (conn, peer) = srv.accept().unwrap();
    assert_eq!(peer, c.getsockname().unwrap());
    (&conn).write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    (&c).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
    // create_connection with timeout=None is blocking.
    let c2 = socket::create_connection(
        &addr,
        socket::CreateConnection {
            timeout: None.into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c2.gettimeout(), None);

    // IPv6: IPV6_V6ONLY is set unless dualstack.
    let srv6 = socket::create_server(
        ("::1", 0),
        socket::CreateServer {
            family: socket::AF_INET6,
            backlog: Some(3),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        srv6.getsockopt(socket::IPPROTO_IPV6, socket::IPV6_V6ONLY)
            .unwrap(),
        1
    );
    let c6 = socket::create_connection(
        ("::1", srv6.getsockname().unwrap().port()),
        Default::default(),
    )
    .unwrap();
    assert_eq!(c6.family(), socket::AF_INET6);
    let dual = socket::create_server(
        ("", 0),
        socket::CreateServer {
            family: socket::AF_INET6,
            dualstack_ipv6: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        dual.getsockopt(socket::IPPROTO_IPV6, socket::IPV6_V6ONLY)
            .unwrap(),
        0
    );
    let c4 = socket::create_connection(
        ("127.0.0.1", dual.getsockname().unwrap().port()),
        Default::default(),
    )
    .unwrap();
    let (_, peer) = dual.accept().unwrap();
    assert_eq!(peer.host(), "::ffff:127.0.0.1");
    drop(c4);
    let err = socket::create_server(
        ("127.0.0.1", 0),
        socket::CreateServer {
            dualstack_ipv6: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err, Error::value("dualstack_ipv6 requires AF_INET6 family"));
}

#[test]
fn create_server_bind_errors_match_cpython() {
    let busy = listener4();
    let port = busy.getsockname().unwrap().port().to_string();
    let code = "import socket, sys\nfor addr in (('127.0.0.1', int(sys.argv[1])), ('nonexistent.invalid', 1)):\n    try:\n        socket.create_server(addr)\n    except OSError as e:\n        print(type(e).__name__, e)";
    let expected = py313(code, &[&port]);
    let mut ours = String::new();
    for addr in [
        Address::new("127.0.0.1", port.parse().unwrap()),
        Address::new("nonexistent.invalid", 1),
    ] {
        let e = socket::create_server(addr, Default::default()).unwrap_err();
        ours += &format!("{} {e}\n", e.type_name());
    }
    assert_eq!(ours, expected);
}

#[test]
fn close_on_drop_and_close_detach() {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let fd = s.fileno();
    let target = fd_target(fd).unwrap();
    assert!(target.starts_with("socket:["), "{target}");
    drop(s);
    // The fd number may be reused by a parallel test, but never for this socket.
    assert_ne!(fd_target(fd), Some(target));

    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let fd = s.fileno();
    let target = fd_target(fd).unwrap();
    s.close().unwrap();
    assert_eq!(s.fileno(), -1);
    assert_ne!(fd_target(fd), Some(target));
    s.close().unwrap(); // twice is fine
    let err = s.recv(1).unwrap_err();
    assert_eq!(err.to_string(), "[Errno 9] Bad file descriptor");
    assert_eq!(
        s.settimeout(Some(1.0)).unwrap_err().to_string(),
        "[Errno 9] Bad file descriptor"
    );

    let mut s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let target = fd_target(s.fileno()).unwrap();
    let fd = s.detach();
    assert_eq!(s.fileno(), -1);
    drop(s);
    assert_eq!(fd_target(fd), Some(target.clone()), "detach must not close");
    // (The detached fd stays open until the test process exits: adopting a raw fd needs
    // `unsafe`, which these tests do not use.)

    // socket.socket(fileno=fd): family/type/proto come from the kernel, and into_raw_fd
    // hands the fd over without closing it.
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let adopted = socket::socket::try_from(OwnedFd::from(std_listener)).unwrap();
    assert_eq!(
        (adopted.family(), adopted.type_(), adopted.proto()),
        (2, 1, 6)
    );
    let target = fd_target(adopted.fileno()).unwrap();
    let raw = adopted.into_raw_fd();
    assert_eq!(fd_target(raw), Some(target));
}

#[test]
fn getpeername_unconnected_is_enotconn() {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    assert_eq!(
        s.getpeername().unwrap_err().to_string(),
        "[Errno 107] Transport endpoint is not connected"
    );
}

#[test]
fn gethostname_matches_cpython() {
    let expected = py313("import socket; print(socket.gethostname())", &[]);
    assert_eq!(socket::gethostname().unwrap() + "\n", expected);
}

#[test]
fn std_conversions_and_io_traits() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let srv = socket::socket::from(listener);
    assert_eq!(
        (srv.family(), srv.type_(), srv.proto()),
        (socket::AF_INET, socket::SOCK_STREAM, 6)
    );
    assert_eq!(srv.gettimeout(), None);
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_nonblocking(true).unwrap();
    let mut client = socket::socket::from(stream);
    assert_eq!(
        client.gettimeout(),
        Some(0.0),
        "a non-blocking fd keeps its mode"
    );
    client.setblocking(true).unwrap();
    let (mut conn, _) = srv.accept().unwrap();
    client.write_all(b"through std::io").unwrap();
    client.flush().unwrap();
    client.shutdown(socket::SHUT_WR).unwrap();
    let mut got = String::new();
    conn.read_to_string(&mut got).unwrap();
    assert_eq!(got, "through std::io");
    assert_eq!(conn.as_raw_fd(), conn.fileno());
    // A timeout surfaces through std::io as TimedOut.
    client.settimeout(Some(0.05)).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        client.read(&mut buf).unwrap_err().kind(),
        std::io::ErrorKind::TimedOut
    );
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<socket::socket>();
}

#[test]
fn default_timeout_applies_to_new_sockets() {
    // setdefaulttimeout is process-wide: run it in a child process so parallel tests keep
    // the default `None`.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "default_timeout_child",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
#[ignore = "run by default_timeout_applies_to_new_sockets in a child process"]
fn default_timeout_child() {
    assert_eq!(socket::getdefaulttimeout(), None);
    socket::setdefaulttimeout(Some(2.5)).unwrap();
    assert_eq!(socket::getdefaulttimeout(), Some(2.5));
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    assert_eq!(s.gettimeout(), Some(2.5));
    assert!(nonblocking(s.fileno()));
    s.bind(("127.0.0.1", 0)).unwrap();
    s.listen(None).unwrap();
    let c = socket::create_connection(s.getsockname().unwrap(), Default::default()).unwrap();
    assert_eq!(c.gettimeout(), Some(2.5));
    let (conn, _) = s.accept().unwrap();
    assert_eq!(conn.gettimeout(), Some(2.5));
    assert!(nonblocking(conn.fileno()));
    assert_eq!(
        socket::setdefaulttimeout(Some(-1.0)).unwrap_err(),
        Error::value("Timeout value out of range")
    );
    socket::setdefaulttimeout(None).unwrap();
    assert_eq!(
        socket::socket(socket::AF_INET, socket::SOCK_STREAM)
            .unwrap()
            .gettimeout(),
        None
    );
}

#[test]
fn unix_addresses() {
    let name = format!("\0pyssl-test-{}-{:?}", std::process::id(), Instant::now());
    let srv = socket::socket(socket::AF_UNIX, socket::SOCK_STREAM).unwrap();
    srv.bind(Address::unix(&name)).unwrap();
    srv.listen(None).unwrap();
    let laddr = srv.getsockname().unwrap();
    assert_eq!(laddr.unix_path(), Some(name.as_bytes()));
    // Abstract names are bytes in Python: b'\x00pyssl-test-...'.
    assert_eq!(laddr.py_repr(), format!("b'\\x00{}'", &name[1..]));
    let c = socket::socket(socket::AF_UNIX, socket::SOCK_STREAM).unwrap();
    c.connect(&laddr).unwrap();
    let (conn, peer) = srv.accept().unwrap();
    assert_eq!(peer.unix_path(), Some(&b""[..]));
    assert_eq!(peer.py_repr(), "''");
    assert_eq!(
        format!("{conn:?}"),
        format!(
            "<socket.socket fd={}, family=1, type=1, proto=0, laddr={}>",
            conn.fileno(),
            laddr
        )
    );
    let err = c.connect(("127.0.0.1", 1)).unwrap_err();
    assert_eq!(
        err,
        Error::type_error("a bytes-like object is required, not 'tuple'")
    );
}
