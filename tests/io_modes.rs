//! I/O modes of `SSLSocket` compared with CPython 3.13 doing the same thing against the same
//! peer: non-blocking sockets (want-errors, the `select` handshake loop, `select.select`
//! itself), timeouts on handshake, read and write, and the everyday calls around them
//! (`recv_into` with `nbytes`, `read_into`, `pending`, `shutdown`, `close`, big `sendall`s,
//! explicit handshakes, `BufReader` over TLS, STARTTLS with `unwrap`).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{select, socket, ssl};

/// Accepts `n` TLS connections on loopback (handshaken by `accept`) and runs `behaviour` on
/// each in its own thread; the handle joins them all.
fn serve<F>(n: usize, behaviour: F) -> (u16, thread::JoinHandle<()>)
where
    F: Fn(ssl::SSLSocket) + Send + Sync + 'static,
{
    let (port, server) = common::tls_listener(n as i32);
    let behaviour = Arc::new(behaviour);
    let handle = thread::spawn(move || {
        let workers: Vec<_> = (0..n)
            .map(|_| {
                let (conn, _) = server.accept().unwrap();
                let behaviour = behaviour.clone();
                thread::spawn(move || behaviour(conn))
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    });
    (port, handle)
}

/// A flag the holding peers wait for (bounded, so a failed test cannot hang the suite).
#[derive(Clone, Default)]
struct Release(Arc<AtomicBool>);

impl Release {
    fn wait(&self) {
        let end = Instant::now() + Duration::from_secs(10);
        while !self.0.load(Ordering::SeqCst) && Instant::now() < end {
            thread::sleep(Duration::from_millis(5));
        }
    }
    fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A handshaken peer that neither reads nor writes until released.
fn holding_server(n: usize) -> (u16, Release, thread::JoinHandle<()>) {
    let release = Release::default();
    let r = release.clone();
    let (port, handle) = serve(n, move |conn| {
        r.wait();
        drop(conn);
    });
    (port, release, handle)
}

fn tcp_connect(port: u16) -> socket::socket {
    socket::create_connection(("127.0.0.1", port), Default::default()).unwrap()
}

fn wrap_client(sock: socket::socket, do_handshake_on_connect: bool) -> ssl::Result<ssl::SSLSocket> {
    common::client_context().wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            do_handshake_on_connect,
            ..Default::default()
        },
    )
}

fn bytes_or_error(r: ssl::Result<Vec<u8>>) -> String {
    match r {
        Ok(b) => PyBytes(&b).py_repr(),
        Err(e) => common::describe_error(&e),
    }
}

fn unit_or_error<T>(r: ssl::Result<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => common::describe_error(&e),
    }
}

fn py(code: &str, args: &[&str]) -> Vec<String> {
    let code = format!(
        "{}\nimport select, socket, ssl, sys, time\nCA = {:?}\n{}",
        common::PY_DESCRIBE_ERROR,
        common::fixture_str("ca.pem"),
        code
    );
    common::py313(&code, args)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Python helpers shared by the scripts: the client context and the non-blocking loops.
const PY_CLIENT: &str = r#"
ctx = ssl.create_default_context(cafile=CA)
def bytes_or_error(f):
    try:
        return repr(f())
    except Exception as e:
        return describe_error(e)
def unit_or_error(f):
    try:
        f(); return 'ok'
    except Exception as e:
        return describe_error(e)
def nonblocking_handshake(ss):
    while True:
        try:
            ss.do_handshake(); break
        except ssl.SSLWantReadError:
            select.select([ss], [], [])
        except ssl.SSLWantWriteError:
            select.select([], [ss], [])
"#;

/// The classic `select` loop (as the example shows it).
fn nonblocking_handshake(ss: &mut ssl::SSLSocket) {
    loop {
        match ss.do_handshake() {
            Ok(()) => break,
            Err(e) if e.is_want_read() => {
                select::select(&[&*ss], &[], &[], None).unwrap();
            }
            Err(e) if e.is_want_write() => {
                select::select(&[], &[&*ss], &[], None).unwrap();
            }
            Err(e) => panic!("handshake failed: {e}"),
        }
    }
}

// ---- non-blocking ----------------------------------------------------------------------------

#[test]
fn nonblocking_sockets_raise_cpythons_want_errors() {
    let (port, release, server) = holding_server(2);
    // A silent listener (the kernel completes TCP, nobody speaks TLS) for the first handshake.
    let silent = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    silent.bind(("127.0.0.1", 0)).unwrap();
    silent.listen(4).unwrap();
    let silent_port = silent.getsockname().unwrap().port();

    let mut ours = Vec::new();
    // wrap_socket(do_handshake_on_connect=True) on a non-blocking socket is a ValueError.
    let sock = tcp_connect(silent_port);
    sock.setblocking(false).unwrap();
    ours.push(unit_or_error(wrap_client(sock, true)));
    // A handshake that must wait for the server: SSLWantReadError.
    let sock = tcp_connect(silent_port);
    sock.setblocking(false).unwrap();
    let mut ss = wrap_client(sock, false).unwrap();
    ours.push(unit_or_error(ss.do_handshake()));
    ours.push(format!(
        "{} {}",
        ss.gettimeout().map_or("None".into(), |t| format!("{t:?}")),
        ss.getblocking().py_repr()
    ));

    // Handshake through select, then reads and writes on a peer that does neither.
    let sock = tcp_connect(port);
    sock.settimeout(Some(0.0)).unwrap();
    let mut ss = wrap_client(sock, false).unwrap();
    nonblocking_handshake(&mut ss);
    ours.push(ss.version().py_repr());
    ours.push(bytes_or_error(ss.recv(10)));
    ours.push(bytes_or_error(ss.read(0)));
    let mut buf = [0u8; 8];
    ours.push(unit_or_error(ss.recv_into(&mut buf)));
    let chunk = vec![b'x'; 1 << 20];
    let err = loop {
        if let Err(e) = ss.send(&chunk) {
            break e;
        }
    };
    ours.push(common::describe_error(&err));
    // sendall stops at the same error (Python cannot say how much went out either).
    ours.push(unit_or_error(ss.sendall(&chunk)));
    // Full buffers: not writable (readability depends on when the session tickets came).
    let (_, w, x) = select::select(&[], &[&ss], &[&ss], Some(0.0)).unwrap();
    ours.push(format!("{} {}", w.len(), x.len()));
    drop(ss);

    let theirs = py(
        &format!(
            "{PY_CLIENT}{}",
            r#"
port, silent_port = int(sys.argv[1]), int(sys.argv[2])
sock = socket.create_connection(('127.0.0.1', silent_port)); sock.setblocking(False)
print(unit_or_error(lambda: ctx.wrap_socket(sock, server_hostname='localhost')))
sock = socket.create_connection(('127.0.0.1', silent_port)); sock.setblocking(False)
ss = ctx.wrap_socket(sock, server_hostname='localhost', do_handshake_on_connect=False)
print(unit_or_error(ss.do_handshake))
print(ss.gettimeout(), ss.getblocking())
sock = socket.create_connection(('127.0.0.1', port)); sock.settimeout(0.0)
ss = ctx.wrap_socket(sock, server_hostname='localhost', do_handshake_on_connect=False)
nonblocking_handshake(ss)
print(repr(ss.version()))
print(bytes_or_error(lambda: ss.recv(10)))
print(bytes_or_error(lambda: ss.read(0)))
print(unit_or_error(lambda: ss.recv_into(bytearray(8))))
chunk = b'x' * (1 << 20)
while True:
    try:
        ss.send(chunk)
    except Exception as e:
        print(describe_error(e)); break
print(unit_or_error(lambda: ss.sendall(chunk)))
_, w, x = select.select([], [ss], [ss], 0.0)
print(len(w), len(x))
ss.close()
"#
        ),
        &[&port.to_string(), &silent_port.to_string()],
    );
    release.set();
    server.join().unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(
        ours[..4],
        [
            "ValueError|None|-|-|-|-|do_handshake_on_connect should not be specified for non-blocking sockets",
            "SSLWantReadError|2|None|None|None|None|The operation did not complete (read)",
            "0.0 False",
            "'TLSv1.3'",
        ]
    );
    assert_eq!(
        ours[7],
        "SSLWantWriteError|3|None|None|None|None|The operation did not complete (write)"
    );
}

#[test]
fn the_nonblocking_handshake_example_runs_offline() {
    let out = example("nonblocking_handshake").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Usually the first do_handshake() wants to read; if the client thread is descheduled
    // right after sending its ClientHello, the server's whole flight is already there and the
    // handshake completes at once. Both are correct non-blocking behaviour.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout == "handshake done: TLSv1.3 after waiting\nHTTP/1.1 200 OK\n"
            || stdout == "handshake done: TLSv1.3 at once\nHTTP/1.1 200 OK\n",
        "{stdout}"
    );
}

/// An object with a descriptor number, whatever it is (to hand `select` a closed one).
struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

#[test]
fn select_is_pythons_select() {
    let mut ours = Vec::new();
    let (a, b) = socket::socketpair().unwrap();
    let show = |r: ssl::Result<(
        Vec<&socket::socket>,
        Vec<&socket::socket>,
        Vec<&socket::socket>,
    )>| match r {
        Ok((r, w, x)) => {
            let names = |l: &[&socket::socket]| {
                let v: Vec<&str> = l
                    .iter()
                    .map(|s| if s.fileno() == a.fileno() { "a" } else { "b" })
                    .collect();
                format!("[{}]", v.join(", "))
            };
            format!("{} {} {}", names(&r), names(&w), names(&x))
        }
        Err(e) => common::describe_error(&e),
    };
    ours.push(show(select::select(&[&a, &b], &[&a], &[&a, &b], Some(0.0))));
    b.sendall(b"ping").unwrap();
    ours.push(show(select::select(&[&b, &a], &[], &[], None)));
    ours.push(show(select::select(&[&a, &a], &[], &[], Some(1.5))));
    // An unconnected TCP socket reports hang-up: select calls that readable and writable.
    let lone = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let (r, w, _) = select::select(&[&lone], &[&lone], &[], Some(0.0)).unwrap();
    ours.push(format!("{} {}", r.len(), w.len()));
    for timeout in [-1.0, f64::NAN, 1e300] {
        ours.push(show(select::select(&[&a], &[], &[], Some(timeout))));
    }
    let closed = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let stale = closed.fileno();
    closed.close().unwrap();
    ours.push(unit_or_error(select::select(
        &[&closed],
        &[],
        &[],
        Some(0.0),
    )));
    ours.push(unit_or_error(select::select(
        &[&Fd(stale)],
        &[],
        &[],
        Some(0.0),
    )));
    // Mixed types through `dyn AsRawFd`, and a timeout that expires.
    let raw = Fd(b.fileno());
    let start = Instant::now();
    let (r, _, _) = select::select::<dyn AsRawFd>(&[&b, &raw], &[], &[], Some(0.2)).unwrap();
    let waited = start.elapsed();
    assert!(r.is_empty());
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    assert!(waited < Duration::from_millis(1500), "{waited:?}");

    let theirs = py(
        r#"
a, b = socket.socketpair()
def show(f):
    try:
        r, w, x = f()
        names = lambda l: '[' + ', '.join('a' if s is a else 'b' for s in l) + ']'
        return ' '.join([names(r), names(w), names(x)])
    except Exception as e:
        return describe_error(e)
print(show(lambda: select.select([a, b], [a], [a, b], 0.0)))
b.sendall(b'ping')
print(show(lambda: select.select([b, a], [], [], None)))
print(show(lambda: select.select([a, a], [], [], 1.5)))
lone = socket.socket()
r, w, _ = select.select([lone], [lone], [], 0.0)
print(len(r), len(w))
for t in [-1.0, float('nan'), 1e300]:
    print(show(lambda: select.select([a], [], [], t)))
closed = socket.socket(); stale = closed.fileno(); closed.close()
def unit_or_error(f):
    try:
        f(); return 'ok'
    except Exception as e:
        return describe_error(e)
print(unit_or_error(lambda: select.select([closed], [], [], 0.0)))
print(unit_or_error(lambda: select.select([stale], [], [], 0.0)))
"#,
        &[],
    );
    assert_eq!(ours, theirs);
    assert_eq!(ours[1], "[a] [] []");
    assert_eq!(ours[2], "[a, a] [] []");
}

// ---- timeouts --------------------------------------------------------------------------------

#[test]
fn timeouts_on_handshake_read_and_write_are_cpythons() {
    let (port, release, server) = holding_server(4);
    let silent = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    silent.bind(("127.0.0.1", 0)).unwrap();
    silent.listen(4).unwrap();
    let silent_port = silent.getsockname().unwrap().port();
    let big = vec![b'w'; 32 << 20];

    let mut ours = Vec::new();
    // Handshake: the peer accepts TCP and never answers.
    let sock = tcp_connect(silent_port);
    sock.settimeout(Some(0.3)).unwrap();
    let start = Instant::now();
    ours.push(unit_or_error(wrap_client(sock, true)));
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    // Read: the peer handshakes and then says nothing.
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    ss.settimeout(Some(0.3)).unwrap();
    ours.push(bytes_or_error(ss.recv(10)));
    // Write: the peer stops reading; the kernel buffers fill, then the deadline passes.
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    ss.settimeout(Some(0.3)).unwrap();
    ours.push(unit_or_error(ss.sendall(&big)));
    drop(ss);

    let theirs = py(
        &format!(
            "{PY_CLIENT}{}",
            r#"
port, silent_port = int(sys.argv[1]), int(sys.argv[2])
sock = socket.create_connection(('127.0.0.1', silent_port)); sock.settimeout(0.3)
print(unit_or_error(lambda: ctx.wrap_socket(sock, server_hostname='localhost')))
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
ss.settimeout(0.3)
print(bytes_or_error(lambda: ss.recv(10)))
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
ss.settimeout(0.3)
print(unit_or_error(lambda: ss.sendall(b'w' * (32 << 20))))
ss.close()
"#
        ),
        &[&port.to_string(), &silent_port.to_string()],
    );
    release.set();
    server.join().unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(
        ours,
        [
            "TimeoutError|None|-|-|-|-|The handshake operation timed out",
            "TimeoutError|None|-|-|-|-|The read operation timed out",
            "TimeoutError|None|-|-|-|-|The write operation timed out",
        ]
    );
}

// ---- the everyday calls ----------------------------------------------------------------------

/// A peer that sends `b'0123456789'` then waits for one byte before closing.
fn ten_bytes_then_wait(n: usize) -> (u16, thread::JoinHandle<()>) {
    serve(n, |mut conn| {
        conn.sendall(b"0123456789").unwrap();
        let _ = conn.recv(1);
    })
}

#[test]
fn recv_into_nbytes_read_into_and_pending_are_cpythons() {
    let (port, server) = ten_bytes_then_wait(2);
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    let mut buf = [b'.'; 12];
    let mut ours = Vec::new();
    // ss.recv_into(buf, 4)
    let n = ss.recv_into(&mut buf[..4]).unwrap();
    ours.push(format!("{n} {} {}", PyBytes(&buf).py_repr(), ss.pending()));
    // ss.read(3, memoryview(buf)[4:])
    let n = ss.read_into(&mut buf[4..7]).unwrap();
    ours.push(format!("{n} {} {}", PyBytes(&buf).py_repr(), ss.pending()));
    // ss.recv_into(memoryview(buf)[7:])
    let n = ss.recv_into(&mut buf[7..]).unwrap();
    ours.push(format!("{n} {} {}", PyBytes(&buf).py_repr(), ss.pending()));
    ss.sendall(b"x").unwrap();

    let theirs = py(
        &format!(
            "{PY_CLIENT}{}",
            r#"
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
buf = bytearray(b'.' * 12)
n = ss.recv_into(buf, 4); print(n, repr(bytes(buf)), ss.pending())
n = ss.read(3, memoryview(buf)[4:]); print(n, repr(bytes(buf)), ss.pending())
n = ss.recv_into(memoryview(buf)[7:]); print(n, repr(bytes(buf)), ss.pending())
ss.sendall(b'x')
"#
        ),
        &[&port.to_string()],
    );
    server.join().unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(ours[2], "3 b'0123456789..' 0");
}

#[test]
fn shutdown_and_close_drop_tls_as_cpython_does() {
    // The peer reports what it sees after our shutdown: a ragged EOF (no close_notify).
    let (port, server) = serve(6, |mut conn| {
        let _ = conn.read(10);
    });
    let mut ours = Vec::new();
    for how in [socket::SHUT_WR, socket::SHUT_RDWR] {
        let mut ss = wrap_client(tcp_connect(port), true).unwrap();
        ss.shutdown(how).unwrap();
        ours.push(format!(
            "{} {} {} {}",
            ss.version().py_repr(),
            ss.cipher().py_repr(),
            ss.pending(),
            (ss.fileno() >= 0).py_repr()
        ));
        ours.push(bytes_or_error(ss.read(1)));
        ours.push(unit_or_error(ss.write(b"x")));
        ours.push(unit_or_error(ss.unwrap()));
    }
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    ss.close().unwrap();
    ss.close().unwrap();
    ours.push(format!(
        "{} {} {}",
        ss.fileno(),
        ss.version().py_repr(),
        ss.cipher().py_repr()
    ));
    ours.push(bytes_or_error(ss.read(1)));
    ours.push(unit_or_error(ss.write(b"x")));
    ours.push(bytes_or_error(ss.recv(1)));
    ours.push(unit_or_error(ss.send(b"x")));
    ours.push(unit_or_error(ss.sendall(b"x")));
    // CPython 3.13 fails here with `AttributeError: 'NoneType' object has no attribute
    // 'getpeercert'` (its `_connected` flag survives close()); pyssl has no AttributeError
    // and reports the closed descriptor instead.
    assert_eq!(
        unit_or_error(ss.getpeercert(false)),
        "OSError|9|-|-|-|-|[Errno 9] Bad file descriptor"
    );
    drop(ss);

    let theirs = py(
        &format!(
            "{PY_CLIENT}{}",
            r#"
port = int(sys.argv[1])
for how in [socket.SHUT_WR, socket.SHUT_RDWR]:
    ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
    ss.shutdown(how)
    print(repr(ss.version()), repr(ss.cipher()), ss.pending(), ss.fileno() >= 0)
    print(bytes_or_error(lambda: ss.read(1)))
    print(unit_or_error(lambda: ss.write(b'x')))
    print(unit_or_error(ss.unwrap))
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
ss.close(); ss.close()
print(ss.fileno(), ss.version(), ss.cipher())
print(bytes_or_error(lambda: ss.read(1)))
print(unit_or_error(lambda: ss.write(b'x')))
print(bytes_or_error(lambda: ss.recv(1)))
print(unit_or_error(lambda: ss.send(b'x')))
print(unit_or_error(lambda: ss.sendall(b'x')))
"#
        ),
        &[&port.to_string()],
    );
    server.join().unwrap();
    let ours: Vec<String> = ours.iter().map(|l| normalise_repr(l)).collect();
    let theirs: Vec<String> = theirs.iter().map(|l| normalise_repr(l)).collect();
    assert_eq!(ours, theirs);
    assert_eq!(
        ours[1],
        "ValueError|None|-|-|-|-|Read on closed or unwrapped SSL socket."
    );
}

/// `No SSL wrapper around <ssl.SSLSocket fd=5, ...>`: descriptor numbers and ports differ
/// between the two processes; the shape is what must match.
fn normalise_repr(line: &str) -> String {
    match line.find("<ssl.SSLSocket") {
        Some(i) => format!("{}<ssl.SSLSocket ...>", &line[..i]),
        None => line.to_string(),
    }
}

#[test]
fn explicit_handshake_after_do_handshake_on_connect_off() {
    let (port, server) = ten_bytes_then_wait(2);
    let mut ss = wrap_client(tcp_connect(port), false).unwrap();
    let mut ours = vec![
        format!("{} {}", ss.version().py_repr(), ss.cipher().py_repr()),
        unit_or_error(ss.getpeercert(false)),
    ];
    ss.do_handshake().unwrap();
    ours.push(format!(
        "{} {}",
        ss.version().py_repr(),
        ss.cipher().py_repr()
    ));
    ours.push(ss.getpeercert(false).unwrap().py_repr());
    ours.push(bytes_or_error(ss.recv(10)));
    ss.sendall(b"x").unwrap();
    drop(ss);

    let theirs = py(
        &format!(
            "{PY_CLIENT}{}",
            r#"
ss = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost', do_handshake_on_connect=False)
print(repr(ss.version()), repr(ss.cipher()))
print(unit_or_error(ss.getpeercert))
ss.do_handshake()
print(repr(ss.version()), repr(ss.cipher()))
print(repr(ss.getpeercert()))
print(bytes_or_error(lambda: ss.recv(10)))
ss.sendall(b'x')
"#
        ),
        &[&port.to_string()],
    );
    server.join().unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(
        ours[..2],
        [
            "None None",
            "ValueError|None|-|-|-|-|handshake not done yet"
        ]
    );
}

#[test]
fn sendall_of_64_mib_both_ways_arrives_byte_for_byte() {
    const SIZE: usize = 64 << 20;
    /// Every 8-byte word differs (a counter through a multiplicative hash), so a lost,
    /// repeated or reordered record shows.
    fn pattern(seed: u64) -> Vec<u8> {
        (0..(SIZE / 8) as u64)
            .flat_map(|i| {
                i.wrapping_add(seed)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .to_le_bytes()
            })
            .collect()
    }
    fn recv_all(ss: &mut ssl::SSLSocket, n: usize) -> Vec<u8> {
        let mut out = vec![0u8; n];
        let mut got = 0;
        while got < n {
            let k = ss.recv_into(&mut out[got..]).unwrap();
            assert!(k > 0, "closed after {got} of {n} bytes");
            got += k;
        }
        out
    }
    let up = Arc::new(pattern(1));
    let down = Arc::new(pattern(1 << 40));
    let (up2, down2) = (up.clone(), down.clone());
    let (port, server) = serve(1, move |mut conn| {
        let got = recv_all(&mut conn, SIZE);
        assert!(got == *up2, "the server received different bytes");
        conn.sendall(&down2).unwrap();
    });
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    ss.sendall(&up).unwrap();
    let got = recv_all(&mut ss, SIZE);
    assert!(got == *down, "the client received different bytes");
    server.join().unwrap();
}

#[test]
fn bufreader_reads_lines_over_tls() {
    let (port, server) = serve(1, |mut conn| {
        conn.sendall(b"line one\r\nline two\n").unwrap();
        conn.sendall(b"split ").unwrap();
        thread::sleep(Duration::from_millis(20));
        conn.sendall(b"line\nno newline at the end").unwrap();
        conn.unwrap().unwrap();
    });
    let mut ss = wrap_client(tcp_connect(port), true).unwrap();
    let mut reader = BufReader::new(&mut ss);
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line);
    }
    assert_eq!(
        lines,
        [
            "line one\r\n",
            "line two\n",
            "split line\n",
            "no newline at the end"
        ]
    );
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0);
    drop(reader);
    ss.unwrap().unwrap();
    server.join().unwrap();
}

// ---- STARTTLS --------------------------------------------------------------------------------

/// `target/<profile>/examples/<name>`, built by `cargo test` beside the tests.
fn example(name: &str) -> Command {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path: PathBuf = dir.join("examples").join(name);
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    let mut cmd = Command::new(path);
    cmd.stdin(Stdio::null());
    cmd
}

const STARTTLS_TRANSCRIPT: &str = "S: 220 localhost ESMTP ready
C: EHLO client
S: 250-localhost
S: 250 STARTTLS
C: STARTTLS
S: 220 Go ahead
-- TLS: TLSv1.3 --
C: EHLO client
S: 250 localhost
C: STOPTLS
S: 220 Plain text from here
-- plain text --
C: QUIT
S: 221 Bye
";

#[test]
fn the_starttls_example_upgrades_and_unwraps_against_a_cpython_server() {
    let server = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.create_server(('127.0.0.1', 0))
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
def readline(s):
    line = b''
    while not line.endswith(b'\n'):
        c = s.recv(1)
        if not c: break
        line += c
    print('got', repr(line), type(s).__name__, flush=True)
    return line
conn.sendall(b'220 localhost ESMTP ready\r\n')
assert readline(conn) == b'EHLO client\r\n'
conn.sendall(b'250-localhost\r\n250 STARTTLS\r\n')
assert readline(conn) == b'STARTTLS\r\n'
conn.sendall(b'220 Go ahead\r\n')
tls = ctx.wrap_socket(conn, server_side=True)
assert readline(tls) == b'EHLO client\r\n'
tls.sendall(b'250 localhost\r\n')
assert readline(tls) == b'STOPTLS\r\n'
tls.sendall(b'220 Plain text from here\r\n')
plain = tls.unwrap()
print('unwrapped', type(plain).__name__, flush=True)
assert readline(plain) == b'QUIT\r\n'
plain.sendall(b'221 Bye\r\n')
plain.close()
"#;
    let mut child = common::python313()
        .arg("-c")
        .arg(server)
        .arg(common::fixture("server.pem"))
        .arg(common::fixture("server.key"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut port = String::new();
    out.read_line(&mut port).unwrap();
    let client = example("starttls")
        .args(["localhost", port.trim(), &common::fixture_str("ca.pem")])
        .output()
        .unwrap();
    assert!(
        client.status.success(),
        "{}",
        String::from_utf8_lossy(&client.stderr)
    );
    assert_eq!(
        String::from_utf8(client.stdout).unwrap(),
        STARTTLS_TRANSCRIPT
    );
    let mut log = String::new();
    out.read_to_string(&mut log).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(
        log,
        "got b'EHLO client\\r\\n' socket\n\
         got b'STARTTLS\\r\\n' socket\n\
         got b'EHLO client\\r\\n' SSLSocket\n\
         got b'STOPTLS\\r\\n' SSLSocket\n\
         unwrapped SSLSocket\n\
         got b'QUIT\\r\\n' SSLSocket\n"
    );
}

#[test]
fn the_starttls_example_runs_offline_against_its_own_server() {
    let out = example("starttls").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), STARTTLS_TRANSCRIPT);
}
