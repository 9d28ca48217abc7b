//! `sendto`, `recvfrom`, `recvfrom_into` on plain sockets (UDP, TCP, `AF_UNIX`), and the six
//! datagram and message calls on `SSLSocket` (refused while TLS is active, or always), against
//! CPython 3.13 running the same calls in the same order.

mod common;

use std::thread;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::socket::{self, Address};
use pyssl::ssl;

const PY_CALLS: &str = r#"
import socket, ssl, sys
ca = sys.argv[1]
names = {}
def show(v):
    r = repr(v)
    for port, name in names.items():
        r = r.replace(', %d)' % port, ', %s)' % name)
    return r
def out(label, f):
    try:
        print(label + ': ok ' + show(f()))
    except Exception as e:
        print(label + ': ' + describe_error(e))

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.bind(('127.0.0.1', 0))
names[u.getsockname()[1]] = 'U'; names[v.getsockname()[1]] = 'V'
out('udp sendto', lambda: v.sendto(b'dgram', u.getsockname()))
out('udp recvfrom', lambda: u.recvfrom(100))
out('udp sendto flags', lambda: v.sendto(b'abcdef', 0, u.getsockname()))
out('udp recvfrom peek', lambda: u.recvfrom(3, socket.MSG_PEEK))
buf = bytearray(4)
out('udp recvfrom_into', lambda: (u.recvfrom_into(buf), bytes(buf)))
out('udp sendto again', lambda: v.sendto(b'xyz', ('127.0.0.1', u.getsockname()[1])))
buf2 = bytearray(8)
out('udp recvfrom_into peek', lambda: (u.recvfrom_into(buf2, 0, socket.MSG_PEEK), bytes(buf2)))
out('udp recvfrom 0', lambda: u.recvfrom(0))
u.settimeout(0.05)
out('udp recvfrom timeout', lambda: u.recvfrom(10))
u.setblocking(False)
out('udp recvfrom non-blocking', lambda: u.recvfrom(10))
out('udp recvfrom_into non-blocking', lambda: u.recvfrom_into(bytearray(4)))
out('udp sendto AF_INET6 text', lambda: v.sendto(b'x', ('::1', 9)))
u.close()
out('udp recvfrom closed', lambda: u.recvfrom(10))
out('udp sendto closed', lambda: u.sendto(b'x', ('127.0.0.1', 9)))

srv = socket.create_server(('127.0.0.1', 0))
c = socket.create_connection(srv.getsockname()); d, _ = srv.accept()
out('tcp sendto ignores the address', lambda: c.sendto(b'hey', ('127.0.0.1', 1)))
out('tcp recvfrom', lambda: d.recvfrom(10))
t = socket.socket()
out('tcp unconnected sendto', lambda: t.sendto(b'x', ('127.0.0.1', 9)))
out('tcp unconnected recvfrom', lambda: t.recvfrom(10))

a, b = socket.socketpair()
b.send(b'unix')
out('unix recvfrom', lambda: a.recvfrom(10))
out('unix sendto a tuple', lambda: a.sendto(b'q', ('1.2.3.4', 5)))
out('unix sendto a path', lambda: a.sendto(b'q', '/nonexistent'))

ctx = ssl.create_default_context(cafile=ca)
ss = ctx.wrap_socket(socket.socket(), server_hostname='localhost')
out('tls unconnected sendto', lambda: ss.sendto(b'x', ('127.0.0.1', 9)))
out('tls unconnected recvfrom', lambda: ss.recvfrom(10))
# nbytes given: without it CPython's SSLSocket passes nbytes=None on to socket.recvfrom_into,
# a TypeError ('NoneType' object cannot be interpreted as an integer). A Rust slice always
# has its length: pyssl answers as for the call with nbytes.
out('tls unconnected recvfrom_into', lambda: ss.recvfrom_into(bytearray(4), 4))
out('tls unconnected sendmsg', lambda: ss.sendmsg([b'x']))
ss.close()
out('tls closed sendto', lambda: ss.sendto(b'x', ('127.0.0.1', 9)))
out('tls closed recvfrom', lambda: ss.recvfrom(10))
out('tls closed recvmsg_into', lambda: ss.recvmsg_into([bytearray(4)]))

ssock = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[2]))), server_hostname='localhost')
out('tls sendto', lambda: ssock.sendto(b'x', ('127.0.0.1', 9)))
out('tls sendto flags', lambda: ssock.sendto(b'x', 0, ('127.0.0.1', 9)))
out('tls recvfrom', lambda: ssock.recvfrom(10))
out('tls recvfrom flags', lambda: ssock.recvfrom(10, socket.MSG_PEEK))
out('tls recvfrom_into', lambda: ssock.recvfrom_into(bytearray(4)))
out('tls recvfrom_into flags', lambda: ssock.recvfrom_into(bytearray(4), 0, socket.MSG_PEEK))
out('tls sendmsg', lambda: ssock.sendmsg([b'x'], [], 0))
out('tls recvmsg', lambda: ssock.recvmsg(10, 0, 0))
out('tls recvmsg_into', lambda: ssock.recvmsg_into([bytearray(4)], 0, 0))
ssock.close()
"#;

/// A TLS server that takes `count` connections and holds each until the client goes.
fn tls_server(count: usize) -> (u16, thread::JoinHandle<()>) {
    let (port, listener) = common::tls_listener(8);
    let t = thread::spawn(move || {
        for _ in 0..count {
            if let Ok((mut conn, _)) = listener.accept() {
                let _ = conn.recv(10);
            }
        }
    });
    (port, t)
}

/// Formats results as the Python program does, with the known ports named.
struct Out {
    lines: String,
    names: Vec<(u16, &'static str)>,
}

impl Out {
    fn show(&self, repr: String) -> String {
        let mut r = repr;
        for (port, name) in &self.names {
            r = r.replace(&format!(", {port})"), &format!(", {name})"));
        }
        r
    }

    fn out(&mut self, label: &str, r: pyssl::Result<String>) {
        let line = match r {
            Ok(v) => format!("{label}: ok {}", self.show(v)),
            Err(e) => format!("{label}: {}", common::describe_error(&e)),
        };
        self.lines.push_str(&line);
        self.lines.push('\n');
    }
}

fn addr(a: &Option<Address>) -> String {
    a.as_ref().map_or("None".into(), PyRepr::py_repr)
}

fn data_from(r: pyssl::Result<(Vec<u8>, Option<Address>)>) -> pyssl::Result<String> {
    r.map(|(d, a)| format!("({}, {})", PyBytes(&d).py_repr(), addr(&a)))
}

fn count_from(r: pyssl::Result<(usize, Option<Address>)>) -> pyssl::Result<String> {
    r.map(|(n, a)| format!("({n}, {})", addr(&a)))
}

fn into_with_buffer(
    r: pyssl::Result<(usize, Option<Address>)>,
    buf: &[u8],
) -> pyssl::Result<String> {
    count_from(r).map(|t| format!("({t}, {})", PyBytes(buf).py_repr()))
}

fn ours(port: u16) -> String {
    let mut o = Out {
        lines: String::new(),
        names: Vec::new(),
    };
    let u = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    u.bind(("127.0.0.1", 0)).unwrap();
    let v = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    v.bind(("127.0.0.1", 0)).unwrap();
    let (u_addr, v_addr) = (u.getsockname().unwrap(), v.getsockname().unwrap());
    o.names = vec![(u_addr.port(), "U"), (v_addr.port(), "V")];
    let n = |r: pyssl::Result<usize>| r.map(|n| n.to_string());
    o.out("udp sendto", n(v.sendto(b"dgram", &u_addr)));
    o.out("udp recvfrom", data_from(u.recvfrom(100)));
    o.out("udp sendto flags", n(v.sendto_flags(b"abcdef", 0, &u_addr)));
    o.out(
        "udp recvfrom peek",
        data_from(u.recvfrom_flags(3, socket::MSG_PEEK)),
    );
    let mut buf = [0u8; 4];
    let r = u.recvfrom_into(&mut buf);
    o.out("udp recvfrom_into", into_with_buffer(r, &buf));
    o.out(
        "udp sendto again",
        n(v.sendto(b"xyz", ("127.0.0.1", u_addr.port()))),
    );
    let mut buf2 = [0u8; 8];
    let r = u.recvfrom_into_flags(&mut buf2, socket::MSG_PEEK);
    o.out("udp recvfrom_into peek", into_with_buffer(r, &buf2));
    o.out("udp recvfrom 0", data_from(u.recvfrom(0)));
    u.settimeout(Some(0.05)).unwrap();
    o.out("udp recvfrom timeout", data_from(u.recvfrom(10)));
    u.setblocking(false).unwrap();
    o.out("udp recvfrom non-blocking", data_from(u.recvfrom(10)));
    o.out(
        "udp recvfrom_into non-blocking",
        count_from(u.recvfrom_into(&mut [0u8; 4])),
    );
    o.out("udp sendto AF_INET6 text", n(v.sendto(b"x", ("::1", 9))));
    u.close().unwrap();
    o.out("udp recvfrom closed", data_from(u.recvfrom(10)));
    o.out("udp sendto closed", n(u.sendto(b"x", ("127.0.0.1", 9))));

    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let c = socket::create_connection(srv.getsockname().unwrap(), Default::default()).unwrap();
    let (d, _) = srv.accept().unwrap();
    o.out(
        "tcp sendto ignores the address",
        n(c.sendto(b"hey", ("127.0.0.1", 1))),
    );
    o.out("tcp recvfrom", data_from(d.recvfrom(10)));
    let t = socket::socket(None, None).unwrap();
    o.out(
        "tcp unconnected sendto",
        n(t.sendto(b"x", ("127.0.0.1", 9))),
    );
    o.out("tcp unconnected recvfrom", data_from(t.recvfrom(10)));

    let (a, b) = socket::socketpair().unwrap();
    b.send(b"unix").unwrap();
    o.out("unix recvfrom", data_from(a.recvfrom(10)));
    o.out("unix sendto a tuple", n(a.sendto(b"q", ("1.2.3.4", 5))));
    o.out(
        "unix sendto a path",
        n(a.sendto(b"q", Address::unix("/nonexistent"))),
    );

    let ca = common::fixture_str("ca.pem");
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&ca),
        ..Default::default()
    })
    .unwrap();
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let ss = ctx
        .wrap_socket(socket::socket(None, None).unwrap(), kw)
        .unwrap();
    o.out(
        "tls unconnected sendto",
        n(ss.sendto(b"x", ("127.0.0.1", 9))),
    );
    o.out("tls unconnected recvfrom", data_from(ss.recvfrom(10)));
    o.out(
        "tls unconnected recvfrom_into",
        count_from(ss.recvfrom_into(&mut [0u8; 4])),
    );
    o.out(
        "tls unconnected sendmsg",
        n(ss.sendmsg(&[b"x"], &[], 0, None)),
    );
    ss.close().unwrap();
    o.out("tls closed sendto", n(ss.sendto(b"x", ("127.0.0.1", 9))));
    o.out("tls closed recvfrom", data_from(ss.recvfrom(10)));
    o.out(
        "tls closed recvmsg_into",
        ss.recvmsg_into(&mut [&mut [0u8; 4]], 0, 0)
            .map(|_| String::new()),
    );

    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let ssock = ctx.wrap_socket(sock, kw).unwrap();
    o.out("tls sendto", n(ssock.sendto(b"x", ("127.0.0.1", 9))));
    o.out(
        "tls sendto flags",
        n(ssock.sendto_flags(b"x", 0, ("127.0.0.1", 9))),
    );
    o.out("tls recvfrom", data_from(ssock.recvfrom(10)));
    o.out(
        "tls recvfrom flags",
        data_from(ssock.recvfrom_flags(10, socket::MSG_PEEK)),
    );
    o.out(
        "tls recvfrom_into",
        count_from(ssock.recvfrom_into(&mut [0u8; 4])),
    );
    o.out(
        "tls recvfrom_into flags",
        count_from(ssock.recvfrom_into_flags(&mut [0u8; 4], socket::MSG_PEEK)),
    );
    o.out("tls sendmsg", n(ssock.sendmsg(&[b"x"], &[], 0, None)));
    o.out(
        "tls recvmsg",
        ssock.recvmsg(10, 0, 0).map(|_| String::new()),
    );
    o.out(
        "tls recvmsg_into",
        ssock
            .recvmsg_into(&mut [&mut [0u8; 4]], 0, 0)
            .map(|_| String::new()),
    );
    ssock.close().unwrap();
    o.lines
}

#[test]
fn datagram_calls_answer_as_cpython_on_plain_and_tls_sockets() {
    let (port, server) = tls_server(2);
    let code = format!("{}{PY_CALLS}", common::PY_DESCRIBE_ERROR);
    let theirs = common::py313(&code, &[&common::fixture_str("ca.pem"), &port.to_string()]);
    // The refusals are CPython's, word for word.
    assert!(
        theirs.contains("tls recvfrom: ValueError|None|-|-|-|-|recvfrom not allowed on instances of <class 'ssl.SSLSocket'>\n"),
        "{theirs}"
    );
    assert!(
        theirs.contains("tls sendmsg: NotImplementedError|None|-|-|-|-|sendmsg not allowed on instances of <class 'ssl.SSLSocket'>\n"),
        "{theirs}"
    );
    assert!(
        theirs.contains("udp recvfrom: ok (b'dgram', ('127.0.0.1', V))\n"),
        "{theirs}"
    );
    assert_eq!(ours(port), theirs);
    server.join().unwrap();
}
