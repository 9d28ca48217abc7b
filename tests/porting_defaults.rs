//! The `docs/porting.md` rules for what Python leaves implicit, line by line against CPython
//! 3.13: arguments left out (`socket.socket()`, `ssl.SSLContext()`), address items
//! (`getsockname()[1]`), timeouts (`None`, seconds, the default-timeout sentinel) and `select`
//! with empty lists.

mod common;

use std::os::fd::AsRawFd;
use std::sync::Mutex;

use pyssl::pyrepr::PyRepr;
use pyssl::{select, socket, ssl};

/// The tests here change `setdefaulttimeout` or log records, both process-wide: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// `repr(sock)` with the descriptor number left out (it differs between processes).
fn repr_without_fd(sock: &socket::socket) -> String {
    sock.py_repr()
        .replace(&format!("fd={},", sock.fileno()), "fd=N,")
}

/// Python's `print(sock.gettimeout())`: `None`, `5.0`, `0.05`.
fn timeout_repr(t: Option<f64>) -> String {
    t.map_or("None".into(), |t| format!("{t:?}"))
}

#[test]
fn arguments_python_leaves_out_are_none() {
    let _serial = serial();
    let theirs = common::py313(
        r#"
import re, socket
for s in [socket.socket(), socket.socket(socket.AF_INET6), socket.socket(type=socket.SOCK_DGRAM)]:
    print(s.family, s.type, s.proto, s.gettimeout(), re.sub(r'fd=\d+,', 'fd=N,', repr(s)))
"#,
        &[],
    );
    let mut ours = String::new();
    // Python: socket.socket(); socket.socket(socket.AF_INET6); socket.socket(type=socket.SOCK_DGRAM)
    for sock in [
        socket::socket(None, None).unwrap(),
        socket::socket(socket::AF_INET6, None).unwrap(),
        socket::socket(None, socket::SOCK_DGRAM).unwrap(),
    ] {
        ours.push_str(&format!(
            "{} {} {} {} {}\n",
            sock.family(),
            sock.type_(),
            sock.proto(),
            timeout_repr(sock.gettimeout()),
            repr_without_fd(&sock)
        ));
    }
    assert_eq!(ours, theirs);
    assert!(theirs.starts_with(
        "2 1 0 None <socket.socket fd=N, family=2, type=1, proto=0, laddr=('0.0.0.0', 0)>\n"
    ));
}

/// The warnings `f` emits, as Python's `catch_warnings(record=True)` with
/// `simplefilter('always')` records them: `category message`.
fn warnings_of(f: impl FnOnce()) -> Vec<String> {
    let caught = pyssl::warnings::catch_warnings(pyssl::warnings::CatchWarnings {
        record: true,
        action: Some("always"),
        ..Default::default()
    })
    .unwrap();
    f();
    caught
        .recorded()
        .iter()
        .map(|w| format!("{} {}", w.category.__name__(), w.message))
        .collect()
}

#[test]
fn sslcontext_without_a_protocol_is_protocol_tls_with_cpythons_two_warnings() {
    let _serial = serial();
    let theirs = common::py313(
        r#"
import ssl, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    ctx = ssl.SSLContext()
for w in caught:
    print(w.category.__name__, w.message)
print(repr(ctx.protocol), ctx.verify_mode, ctx.check_hostname, hex(ctx.options))
"#,
        &[],
    );
    let mut ctx = None;
    // Python: ctx = ssl.SSLContext()
    let warnings = warnings_of(|| ctx = Some(ssl::SSLContext::new(None).unwrap()));
    let ctx = ctx.unwrap();
    let mut ours: String = warnings.iter().map(|w| format!("{w}\n")).collect();
    ours.push_str(&format!(
        "{} {} {} {:#x}\n",
        ctx.protocol().py_repr(),
        ctx.verify_mode(),
        if ctx.check_hostname() {
            "True"
        } else {
            "False"
        },
        // The oracle links OpenSSL 3.0; 1.1.1's `SSL_OP_ALL` also holds
        // `OP_LEGACY_SERVER_CONNECT` (0x4), as CPython's options there do
        // (`context_state::default_options_follow_the_linked_ssl_op_all` checks that bit).
        ctx.options().value() & if common::linked_openssl_111() { !4 } else { !0 }
    ));
    assert_eq!(ours, theirs);
    assert!(theirs.starts_with(
        "DeprecationWarning ssl.SSLContext() without protocol argument is deprecated.\n\
         DeprecationWarning ssl.PROTOCOL_TLS is deprecated\n"
    ));
}

#[test]
fn address_items_are_methods() {
    let _serial = serial();
    let theirs = common::py313(
        r#"
import socket
srv = socket.create_server(('127.0.0.1', 0))
port = srv.getsockname()[1]
conn = socket.create_connection(('127.0.0.1', port))
host, peer_port = conn.getpeername()
print(srv.getsockname()[0], port == peer_port, len(srv.getsockname()))
s6 = socket.socket(socket.AF_INET6); s6.bind(('::1', 0))
a = s6.getsockname()
print(a[0], a[1] > 0, a[2], a[3], len(a))
"#,
        &[],
    );
    // Python: srv = socket.create_server(('127.0.0.1', 0)); port = srv.getsockname()[1]
    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = srv.getsockname().unwrap().port();
    let conn = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    // Python: host, peer_port = conn.getpeername()
    let peer = conn.getpeername().unwrap();
    let (_host, peer_port) = (peer.host(), peer.port());
    let name = srv.getsockname().unwrap();
    let mut ours = format!(
        "{} {} {}\n",
        name.host(),
        if port == peer_port { "True" } else { "False" },
        name.len()
    );
    let s6 = socket::socket(socket::AF_INET6, None).unwrap();
    s6.bind(("::1", 0)).unwrap();
    let a = s6.getsockname().unwrap();
    ours.push_str(&format!(
        "{} {} {} {} {}\n",
        a.host(),
        if a.port() > 0 { "True" } else { "False" },
        a.flowinfo().unwrap(),
        a.scope_id().unwrap(),
        a.len()
    ));
    assert_eq!(ours, theirs);
}

#[test]
fn timeouts_none_seconds_and_the_default_sentinel() {
    let _serial = serial();
    let theirs = common::py313(
        r#"
import socket
srv = socket.create_server(('127.0.0.1', 0))
addr = srv.getsockname()
socket.setdefaulttimeout(5)
print(socket.create_connection(addr).gettimeout())
print(socket.create_connection(addr, timeout=None).gettimeout())
print(socket.create_connection(addr, timeout=10).gettimeout())
print(socket.create_connection(addr, timeout=socket._GLOBAL_DEFAULT_TIMEOUT).gettimeout())
s = socket.socket()
print(s.gettimeout())
s.settimeout(None)
print(s.gettimeout())
s.settimeout(10)
print(s.gettimeout())
"#,
        &[],
    );
    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let addr = srv.getsockname().unwrap();
    let mut ours = String::new();
    let mut show = |t: Option<f64>| ours.push_str(&format!("{}\n", timeout_repr(t)));
    socket::setdefaulttimeout(Some(5.0)).unwrap();
    let conns = [
        socket::create_connection(&addr, Default::default()),
        socket::create_connection(
            &addr,
            socket::CreateConnection {
                timeout: None.into(),
                ..Default::default()
            },
        ),
        socket::create_connection(
            &addr,
            socket::CreateConnection {
                timeout: 10.0.into(),
                ..Default::default()
            },
        ),
        socket::create_connection(
            &addr,
            socket::CreateConnection {
                timeout: socket::_GLOBAL_DEFAULT_TIMEOUT,
                ..Default::default()
            },
        ),
    ];
    let s = socket::socket(None, None);
    socket::setdefaulttimeout(None).unwrap();
    for conn in conns {
        show(conn.unwrap().gettimeout());
    }
    let s = s.unwrap();
    show(s.gettimeout());
    s.settimeout(None).unwrap();
    show(s.gettimeout());
    s.settimeout(Some(10.0)).unwrap();
    show(s.gettimeout());
    assert_eq!(ours, theirs);
    assert_eq!(theirs, "5.0\nNone\n10.0\n5.0\n5.0\nNone\n10.0\n");
}

#[test]
fn select_with_empty_lists() {
    let _serial = serial();
    let theirs = common::py313(
        r#"
import select, socket, time
a, b = socket.socketpair()
r, w, x = select.select([], [a], [], 5)
print(len(r), [s is a for s in w], len(x))
b.send(b'x')
r, _, _ = select.select([a, b], [], [])
print([s is a for s in r])
t = time.monotonic()
print(select.select([], [], [], 0.05), time.monotonic() - t >= 0.05)
"#,
        &[],
    );
    let (a, b) = socket::socketpair().unwrap();
    // Python: r, w, x = select.select([], [a], [], 5)
    let (r, w, x) = select::select(&[], &[&a], &[], Some(5.0)).unwrap();
    let is_a = |v: &[&socket::socket]| {
        let items: Vec<&str> = v
            .iter()
            .map(|s| {
                if std::ptr::eq(*s, &a) {
                    "True"
                } else {
                    "False"
                }
            })
            .collect();
        format!("[{}]", items.join(", "))
    };
    let mut ours = format!("{} {} {}\n", r.len(), is_a(&w), x.len());
    b.send(b"x").unwrap();
    // Python: r, _, _ = select.select([a, b], [], [])
    let (r, _, _) = select::select(&[&a, &b], &[], &[], None).unwrap();
    ours.push_str(&format!("{}\n", is_a(&r)));
    let t = std::time::Instant::now();
    // Python: select.select([], [], [], 0.05)
    let (r, w, x) = select::select::<socket::socket>(&[], &[], &[], Some(0.05)).unwrap();
    ours.push_str(&format!(
        "([], [], []) {}\n",
        if r.is_empty() && w.is_empty() && x.is_empty() && t.elapsed().as_secs_f64() >= 0.05 {
            "True"
        } else {
            "False"
        }
    ));
    assert_eq!(ours, theirs);

    // Mixed types, as the page shows: a plain and a TLS socket in one list.
    let (c, _d) = socket::socketpair().unwrap();
    let (e, _f) = socket::socketpair().unwrap();
    let tls = common::client_context()
        .wrap_socket(
            e,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                do_handshake_on_connect: false,
                ..Default::default()
            },
        )
        .unwrap();
    let (_, w, _) = select::select::<dyn AsRawFd>(&[], &[&c, &tls], &[], Some(5.0)).unwrap();
    assert_eq!(w.len(), 2);
}
