//! `sendmsg`, `recvmsg`, `recvmsg_into` with and without ancillary data, and `CMSG_LEN`/
//! `CMSG_SPACE`, against CPython 3.13 making the same calls. Descriptor numbers and
//! credentials differ between the processes, so control messages print as
//! `(level, type, len(data))`.

mod common;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::socket::{self, Address, RecvMsg};

const PY_CALLS: &str = r#"
import socket, sys
srv_port = int(sys.argv[1])
names = {}
def show_anc(anc):
    return '[' + ', '.join('(%d, %d, %d)' % (l, t, len(d)) for l, t, d in anc) + ']'
def show_addr(a):
    r = repr(a)
    for port, name in names.items():
        r = r.replace(', %d)' % port, ', %s)' % name)
    return r
def out(label, f):
    try:
        print(label + ': ok ' + f())
    except Exception as e:
        print(label + ': ' + describe_error(e))
def msg(r):
    return '(%r, %s, %d, %s)' % (r[0], show_anc(r[1]), r[2], show_addr(r[3]))

a, b = socket.socketpair()
_, passed = socket.socketpair()
fd = passed.fileno().to_bytes(4, 'little')
out('sendmsg buffers', lambda: repr(a.sendmsg([b'ab', b'cd'])))
out('recvmsg', lambda: msg(b.recvmsg(10)))
out('sendmsg SCM_RIGHTS', lambda: repr(a.sendmsg([b'x'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fd)])))
out('recvmsg SCM_RIGHTS', lambda: msg(b.recvmsg(10, socket.CMSG_SPACE(4))))
out('sendmsg two fds', lambda: repr(a.sendmsg([b'y'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fd + fd)], 0, None)))
out('recvmsg room for one', lambda: msg(b.recvmsg(10, socket.CMSG_LEN(4))))
out('sendmsg one fd', lambda: repr(a.sendmsg([b'z'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fd)])))
out('recvmsg no room', lambda: msg(b.recvmsg(10, 1)))
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
out('sendmsg plain', lambda: repr(a.sendmsg([b'creds'])))
out('recvmsg SCM_CREDENTIALS cut', lambda: msg(b.recvmsg(10, socket.CMSG_LEN(4))))
out('sendmsg again', lambda: repr(a.sendmsg([b'hello world'])))
bufs = [bytearray(3), bytearray(4)]
out('recvmsg_into', lambda: '(%d, %s, %d, %s) %r' % (*(lambda r: (r[0], show_anc(r[1]), r[2], show_addr(r[3])))(b.recvmsg_into(bufs, socket.CMSG_SPACE(12))), [bytes(x) for x in bufs]))
b.settimeout(0.05)
out('recvmsg the rest', lambda: msg(b.recvmsg(10)))
out('recvmsg timeout', lambda: msg(b.recvmsg(10)))
out('recvmsg bad ancbufsize', lambda: msg(b.recvmsg(10, 2**31)))
out('sendmsg to an address', lambda: repr(a.sendmsg([b'q'], [], 0, '/nonexistent')))
b.close()
out('recvmsg closed', lambda: msg(b.recvmsg(10)))
out('recvmsg_into closed', lambda: repr(b.recvmsg_into([bytearray(2)])))
out('sendmsg closed', lambda: repr(b.sendmsg([b'x'])))

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.bind(('127.0.0.1', 0))
names[u.getsockname()[1]] = 'U'; names[v.getsockname()[1]] = 'V'
out('udp sendmsg', lambda: repr(v.sendmsg([b'dgram'], [], 0, u.getsockname())))
out('udp recvmsg cut', lambda: msg(u.recvmsg(2)))
tcp = socket.create_connection(('127.0.0.1', srv_port))
out('tcp SCM_RIGHTS', lambda: repr(tcp.sendmsg([b'x'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fd)])))
for n in [0, 4, 2**31 - 17, 2**31 - 16, 2**31 - 24, 2**31 - 25]:
    out('CMSG_LEN %d' % n, lambda: repr(socket.CMSG_LEN(n)))
    out('CMSG_SPACE %d' % n, lambda: repr(socket.CMSG_SPACE(n)))
"#;

struct Out {
    lines: String,
    names: Vec<(u16, &'static str)>,
}

impl Out {
    fn out(&mut self, label: &str, r: pyssl::Result<String>) {
        let line = match r {
            Ok(v) => format!("{label}: ok {v}"),
            Err(e) => format!("{label}: {}", common::describe_error(&e)),
        };
        self.lines.push_str(&line);
        self.lines.push('\n');
    }

    fn addr(&self, a: &Option<Address>) -> String {
        let mut r = a.as_ref().map_or("None".into(), PyRepr::py_repr);
        for (port, name) in &self.names {
            r = r.replace(&format!(", {port})"), &format!(", {name})"));
        }
        r
    }

    fn msg(&self, r: pyssl::Result<RecvMsg>) -> pyssl::Result<String> {
        r.map(|(data, anc, flags, addr)| {
            format!(
                "({}, {}, {flags}, {})",
                PyBytes(&data).py_repr(),
                anc_repr(&anc),
                self.addr(&addr)
            )
        })
    }
}

fn anc_repr(anc: &[(i32, i32, Vec<u8>)]) -> String {
    let items: Vec<String> = anc
        .iter()
        .map(|(l, t, d)| format!("({l}, {t}, {})", d.len()))
        .collect();
    format!("[{}]", items.join(", "))
}

fn n(r: pyssl::Result<usize>) -> pyssl::Result<String> {
    r.map(|n| n.to_string())
}

fn ours(srv_port: u16) -> String {
    let mut o = Out {
        lines: String::new(),
        names: Vec::new(),
    };
    let (a, b) = socket::socketpair().unwrap();
    let (_keep, passed) = socket::socketpair().unwrap();
    let fd = passed.fileno().to_le_bytes();
    let fd2 = [fd, fd].concat();
    let rights = socket::SCM_RIGHTS;
    let sol = socket::SOL_SOCKET;
    o.out(
        "sendmsg buffers",
        n(a.sendmsg(&[b"ab", b"cd"], &[], 0, None)),
    );
    let r = o.msg(b.recvmsg(10, 0, 0));
    o.out("recvmsg", r);
    o.out(
        "sendmsg SCM_RIGHTS",
        n(a.sendmsg(&[b"x"], &[(sol, rights, &fd)], 0, None)),
    );
    let r = o.msg(b.recvmsg(10, socket::CMSG_SPACE(4).unwrap(), 0));
    o.out("recvmsg SCM_RIGHTS", r);
    o.out(
        "sendmsg two fds",
        n(a.sendmsg(&[b"y"], &[(sol, rights, &fd2)], 0, None)),
    );
    let r = o.msg(b.recvmsg(10, socket::CMSG_LEN(4).unwrap(), 0));
    o.out("recvmsg room for one", r);
    o.out(
        "sendmsg one fd",
        n(a.sendmsg(&[b"z"], &[(sol, rights, &fd)], 0, None)),
    );
    let r = o.msg(b.recvmsg(10, 1, 0));
    o.out("recvmsg no room", r);
    b.setsockopt(sol, socket::SO_PASSCRED, 1).unwrap();
    o.out("sendmsg plain", n(a.sendmsg(&[b"creds"], &[], 0, None)));
    let r = o.msg(b.recvmsg(10, socket::CMSG_LEN(4).unwrap(), 0));
    o.out("recvmsg SCM_CREDENTIALS cut", r);
    o.out(
        "sendmsg again",
        n(a.sendmsg(&[b"hello world"], &[], 0, None)),
    );
    let (mut x, mut y) = ([0u8; 3], [0u8; 4]);
    let r = b.recvmsg_into(&mut [&mut x, &mut y], socket::CMSG_SPACE(12).unwrap(), 0);
    let r = r.map(|(n, anc, flags, addr)| {
        format!(
            "({n}, {}, {flags}, {}) [{}, {}]",
            anc_repr(&anc),
            o.addr(&addr),
            PyBytes(&x).py_repr(),
            PyBytes(&y).py_repr()
        )
    });
    o.out("recvmsg_into", r);
    b.settimeout(Some(0.05)).unwrap();
    let r = o.msg(b.recvmsg(10, 0, 0));
    o.out("recvmsg the rest", r);
    let r = o.msg(b.recvmsg(10, 0, 0));
    o.out("recvmsg timeout", r);
    let r = o.msg(b.recvmsg(10, 1 << 31, 0));
    o.out("recvmsg bad ancbufsize", r);
    o.out(
        "sendmsg to an address",
        n(a.sendmsg(&[b"q"], &[], 0, Some(Address::unix("/nonexistent")))),
    );
    b.close().unwrap();
    let r = o.msg(b.recvmsg(10, 0, 0));
    o.out("recvmsg closed", r);
    o.out(
        "recvmsg_into closed",
        b.recvmsg_into(&mut [&mut [0u8; 2]], 0, 0)
            .map(|_| String::new()),
    );
    o.out("sendmsg closed", n(b.sendmsg(&[b"x"], &[], 0, None)));

    let u = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    u.bind(("127.0.0.1", 0)).unwrap();
    let v = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    v.bind(("127.0.0.1", 0)).unwrap();
    let u_addr = u.getsockname().unwrap();
    o.names = vec![(u_addr.port(), "U"), (v.getsockname().unwrap().port(), "V")];
    o.out(
        "udp sendmsg",
        n(v.sendmsg(&[b"dgram"], &[], 0, Some(u_addr))),
    );
    let r = o.msg(u.recvmsg(2, 0, 0));
    o.out("udp recvmsg cut", r);
    let tcp = socket::create_connection(("127.0.0.1", srv_port), Default::default()).unwrap();
    o.out(
        "tcp SCM_RIGHTS",
        n(tcp.sendmsg(&[b"x"], &[(sol, rights, &fd)], 0, None)),
    );
    for len in [
        0usize,
        4,
        (1 << 31) - 17,
        (1 << 31) - 16,
        (1 << 31) - 24,
        (1 << 31) - 25,
    ] {
        o.out(&format!("CMSG_LEN {len}"), n(socket::CMSG_LEN(len)));
        o.out(&format!("CMSG_SPACE {len}"), n(socket::CMSG_SPACE(len)));
    }
    o.lines
}

#[test]
fn message_calls_answer_as_cpython() {
    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = srv.getsockname().unwrap().port();
    let code = format!("{}{PY_CALLS}", common::PY_DESCRIBE_ERROR);
    let theirs = common::py313(&code, &[&port.to_string()]);
    assert!(
        theirs.contains("recvmsg room for one: ok (b'y', [(1, 1, 4)], 8, None)\n"),
        "{theirs}"
    );
    assert_eq!(ours(port), theirs);
}
