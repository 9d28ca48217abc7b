//! `open_connection`'s `loop.create_connection` keywords against CPython 3.13: `sock`,
//! `local_addr`, `family`, `proto`, `flags`, `happy_eyeballs_delay`, `interleave` and
//! `all_errors`, each bad combination's exception and text, the errors of every attempt when
//! none connects (one, the same several times, several, an `ExceptionGroup`), and Happy
//! Eyeballs moving on from an address that never answers.
#![cfg(feature = "asyncio")]

mod common;

use common::{fixture_str, PyPeer};
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, socket};

/// `fd=N` for any descriptor number, and `PORT` for the local ports the kernel picks.
fn norm(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("fd=") {
        out.push_str(&rest[..i + 3]);
        rest = rest[i + 3..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
        out.push('N');
    }
    out.push_str(rest);
    out
}

const PY_NORM: &str = r#"
import re
def norm(s): return re.sub(r'fd=-?\d+', 'fd=N', s)
"#;

/// The failures, one line each: `name | type | str | repr`.
const PY_FAILURES: &str = r#"
import asyncio, socket, ssl, sys
inuse, closed = int(sys.argv[1]), int(sys.argv[2])
async def main():
    ctx = ssl.create_default_context()
    cases = [
        ('no host', dict()),
        ('host and sock', dict(host='127.0.0.1', port=closed, sock=socket.socket())),
        ('port and sock', dict(port=closed, sock=socket.socket())),
        ('host alone and sock', dict(host='127.0.0.1', sock=socket.socket())),
        ('datagram sock', dict(sock=socket.socket(type=socket.SOCK_DGRAM))),
        ('ssl sock without server_hostname', dict(sock=socket.socket(), ssl=ctx)),
        ('ssl empty host', dict(host='', port=closed, ssl=ctx)),
        ('family mismatch', dict(host='127.0.0.1', port=closed, family=socket.AF_INET6)),
        ('numeric flag', dict(host='localhost', port=closed, flags=socket.AI_NUMERICHOST)),
        ('unknown service', dict(host='localhost', port='nosuchservice')),
        ('local family mismatch', dict(host='127.0.0.1', port=closed, local_addr=('::1', 0))),
        ('local address absent', dict(host='127.0.0.1', port=closed, local_addr=('192.0.2.1', 0))),
        ('local address in use', dict(host='127.0.0.1', port=closed, local_addr=('127.0.0.1', inuse))),
        ('refused', dict(host='127.0.0.1', port=closed)),
        ('refused, all_errors', dict(host='127.0.0.1', port=closed, all_errors=True)),
        ('both families refused', dict(host=None, port=closed)),
        ('both families refused, all_errors', dict(host=None, port=closed, all_errors=True)),
        ('staggered, all_errors', dict(host=None, port=closed, happy_eyeballs_delay=0.05, all_errors=True)),
        ('interleaved', dict(host=None, port=closed, interleave=2)),
        ('ipv6 refused', dict(host='::1', port=closed)),
    ]
    for name, kw in cases:
        try:
            await asyncio.open_connection(**kw)
            print(name, '| connected')
        except Exception as e:
            print(name, '|', type(e).__name__, '|', norm(str(e)), '|', norm(repr(e)))
asyncio.run(main())
"#;

fn line(
    name: &str,
    result: pyssl::Result<(asyncio::StreamReader, asyncio::StreamWriter)>,
) -> String {
    match result {
        Ok(_) => format!("{name} | connected"),
        Err(e) => format!(
            "{name} | {} | {} | {}",
            e.type_name(),
            norm(&e.to_string()),
            norm(&e.py_repr())
        ),
    }
}

/// The pyssl port of `PY_FAILURES`.
async fn pyssl_failures(inuse: u16, closed: u16) -> Vec<String> {
    use asyncio::open_connection as open;
    let ctx = pyssl::ssl::create_default_context().unwrap();
    let tcp = || socket::socket(None, None).unwrap();
    let kw = asyncio::OpenConnection::default;
    let mut out = Vec::new();
    out.push(line("no host", open(None, None, kw()).await));
    let sock = asyncio::OpenConnection {
        sock: Some(tcp()),
        ..kw()
    };
    out.push(line("host and sock", open("127.0.0.1", closed, sock).await));
    let sock = asyncio::OpenConnection {
        sock: Some(tcp()),
        ..kw()
    };
    out.push(line("port and sock", open(None, closed, sock).await));
    let sock = asyncio::OpenConnection {
        sock: Some(tcp()),
        ..kw()
    };
    out.push(line(
        "host alone and sock",
        open("127.0.0.1", None, sock).await,
    ));
    let udp = socket::socket(None, socket::SOCK_DGRAM).unwrap();
    let sock = asyncio::OpenConnection {
        sock: Some(udp),
        ..kw()
    };
    out.push(line("datagram sock", open(None, None, sock).await));
    let with_ssl = asyncio::OpenConnection {
        sock: Some(tcp()),
        ssl: (&ctx).into(),
        ..kw()
    };
    out.push(line(
        "ssl sock without server_hostname",
        open(None, None, with_ssl).await,
    ));
    let with_ssl = asyncio::OpenConnection {
        ssl: (&ctx).into(),
        ..kw()
    };
    out.push(line("ssl empty host", open("", closed, with_ssl).await));
    let v6 = asyncio::OpenConnection {
        family: socket::AF_INET6,
        ..kw()
    };
    out.push(line("family mismatch", open("127.0.0.1", closed, v6).await));
    let numeric = asyncio::OpenConnection {
        flags: socket::AI_NUMERICHOST,
        ..kw()
    };
    out.push(line(
        "numeric flag",
        open("localhost", closed, numeric).await,
    ));
    out.push(line(
        "unknown service",
        open("localhost", "nosuchservice", kw()).await,
    ));
    for (name, local) in [
        ("local family mismatch", ("::1", 0)),
        ("local address absent", ("192.0.2.1", 0)),
        ("local address in use", ("127.0.0.1", inuse)),
    ] {
        let local = asyncio::OpenConnection {
            local_addr: Some(local),
            ..kw()
        };
        out.push(line(name, open("127.0.0.1", closed, local).await));
    }
    out.push(line("refused", open("127.0.0.1", closed, kw()).await));
    let all = asyncio::OpenConnection {
        all_errors: true,
        ..kw()
    };
    out.push(line(
        "refused, all_errors",
        open("127.0.0.1", closed, all).await,
    ));
    out.push(line(
        "both families refused",
        open(None, closed, kw()).await,
    ));
    let all = asyncio::OpenConnection {
        all_errors: true,
        ..kw()
    };
    out.push(line(
        "both families refused, all_errors",
        open(None, closed, all).await,
    ));
    let staggered = asyncio::OpenConnection {
        happy_eyeballs_delay: Some(0.05),
        all_errors: true,
        ..kw()
    };
    out.push(line(
        "staggered, all_errors",
        open(None, closed, staggered).await,
    ));
    let interleaved = asyncio::OpenConnection {
        interleave: Some(2),
        ..kw()
    };
    out.push(line("interleaved", open(None, closed, interleaved).await));
    out.push(line("ipv6 refused", open("::1", closed, kw()).await));
    out
}

/// A port nobody listens on, on 127.0.0.1 nor on ::1.
fn closed_port() -> u16 {
    let sock = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    sock.getsockname().unwrap().port()
}

#[test]
fn each_failure_is_cpythons_exception_with_cpythons_text() {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let inuse = listener.getsockname().unwrap().port();
    let closed = closed_port();
    let args = [inuse.to_string(), closed.to_string()];
    let theirs = common::py313(&format!("{PY_NORM}{PY_FAILURES}"), &[&args[0], &args[1]]);
    let theirs: Vec<&str> = theirs.lines().collect();
    for runtime in common::runtimes() {
        let ours = runtime.block_on(pyssl_failures(inuse, closed));
        assert_eq!(ours, theirs);
    }
    // What each case checks, in CPython's words.
    let expect = |name: &str, text: &str| {
        let line = theirs
            .iter()
            .find(|l| l.starts_with(&format!("{name} |")))
            .unwrap();
        assert!(line.contains(text), "{line}");
    };
    expect(
        "no host",
        "ValueError | host and port was not specified and no sock specified",
    );
    expect(
        "port and sock",
        "ValueError | host/port and sock can not be specified at the same time",
    );
    expect(
        "datagram sock",
        "A Stream Socket was expected, got <socket.socket fd=N, family=2, type=2,",
    );
    expect(
        "local family mismatch",
        "no matching local address with family=<AddressFamily.AF_INET: 2> found",
    );
    expect("local address absent", "[Errno 99] error while attempting to bind on address ('192.0.2.1', 0): [errno 99] cannot assign requested address");
    expect("refused, all_errors", "ExceptionGroup | create_connection failed (1 sub-exception) | ExceptionGroup('create_connection failed', [ConnectionRefusedError(111, ");
    expect("both families refused", &format!("OSError | Multiple exceptions: [Errno 111] Connect call failed ('::1', {closed}, 0, 0), [Errno 111] Connect call failed ('127.0.0.1', {closed})"));
    expect(
        "staggered, all_errors",
        "create_connection failed (2 sub-exceptions)",
    );
    drop(listener);
}

/// A CPython asyncio server, TLS on one port and plain TCP on another, answering a line
/// upper-cased and closing once the client did.
const PY_SERVER: &str = r#"
import asyncio, ssl, sys
fixtures = sys.argv[1]
async def handle(reader, writer):
    writer.write((await reader.readline()).upper())
    await writer.drain()
    await reader.read()
    writer.close()
async def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    tls = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=ctx)
    plain = await asyncio.start_server(handle, '127.0.0.1', 0)
    print('port', tls.sockets[0].getsockname()[1], flush=True)
    print('plain', plain.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
"#;

/// The connections that succeed, each printing what the stream shows of its socket.
const PY_CLIENT: &str = r#"
import asyncio, socket, ssl, sys
fixtures, tls, plain = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def show(name, writer, line):
    sockname = writer.get_extra_info('sockname')
    print(name, '|', line, '|', writer.get_extra_info('peername'), '|', sockname[0],
          '|', norm(repr(writer.get_extra_info('socket'))).replace(str(sockname[1]), 'LPORT'))
async def exchange(name, kw, tls_stream=False):
    try:
        reader, writer = await asyncio.open_connection(**kw)
    except Exception as e:
        print(name, '|', type(e).__name__, '|', str(e))
        return
    writer.write(name.encode() + b'\n')
    await writer.drain()
    show(name, writer, repr(await reader.readline()))
    writer.close()
    await writer.wait_closed()
async def main():
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    await exchange('tls sock', dict(sock=socket.create_connection(('127.0.0.1', tls)), ssl=ctx,
                                    server_hostname='localhost'))
    sock = socket.socket()
    sock.connect(('127.0.0.1', plain))
    await exchange('plain sock', dict(sock=sock))
    await exchange('local_addr', dict(host='127.0.0.1', port=plain, local_addr=('127.0.0.1', 0)))
    await exchange('family', dict(host='localhost', port=plain, family=socket.AF_INET))
    await exchange('udp proto on a numeric host', dict(host='127.0.0.1', port=plain, proto=17))
    await exchange('service name port', dict(host='127.0.0.1', port=str(plain)))
    await exchange('second address', dict(host=None, port=plain))
    await exchange('second address staggered', dict(host=None, port=plain, happy_eyeballs_delay=5))
asyncio.run(main())
"#;

async fn exchange(
    name: &str,
    opened: pyssl::Result<(asyncio::StreamReader, asyncio::StreamWriter)>,
) -> String {
    let (mut reader, writer) = match opened {
        Ok(streams) => streams,
        Err(e) => return format!("{name} | {} | {e}", e.type_name()),
    };
    writer.write(format!("{name}\n").as_bytes()).unwrap();
    writer.drain().await.unwrap();
    let line = PyBytes(&reader.readline().await.unwrap()).py_repr();
    let sockname = writer.get_extra_info("sockname");
    let sockname = sockname.address().unwrap();
    let shown = format!(
        "{name} | {line} | {} | {} | {}",
        writer.get_extra_info("peername").py_str(),
        sockname.host(),
        norm(&writer.get_extra_info("socket").py_repr())
            .replace(&sockname.port().to_string(), "LPORT")
    );
    writer.close();
    writer.wait_closed().await.unwrap();
    shown
}

/// The pyssl port of `PY_CLIENT`.
async fn pyssl_client(tls: u16, plain: u16) -> Vec<String> {
    use asyncio::open_connection as open;
    let ctx = common::client_context();
    let kw = asyncio::OpenConnection::default;
    let connected =
        |port: u16| socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let mut out = Vec::new();
    let with_sock = asyncio::OpenConnection {
        sock: Some(connected(tls)),
        ssl: (&ctx).into(),
        server_hostname: Some("localhost"),
        ..kw()
    };
    out.push(exchange("tls sock", open(None, None, with_sock).await).await);
    let sock = socket::socket(None, None).unwrap();
    sock.connect(("127.0.0.1", plain)).unwrap();
    let with_sock = asyncio::OpenConnection {
        sock: Some(sock),
        ..kw()
    };
    out.push(exchange("plain sock", open(None, None, with_sock).await).await);
    let local = asyncio::OpenConnection {
        local_addr: Some(("127.0.0.1", 0)),
        ..kw()
    };
    out.push(exchange("local_addr", open("127.0.0.1", plain, local).await).await);
    let v4 = asyncio::OpenConnection {
        family: socket::AF_INET,
        ..kw()
    };
    out.push(exchange("family", open("localhost", plain, v4).await).await);
    let udp = asyncio::OpenConnection {
        proto: socket::IPPROTO_UDP,
        ..kw()
    };
    out.push(
        exchange(
            "udp proto on a numeric host",
            open("127.0.0.1", plain, udp).await,
        )
        .await,
    );
    let service = plain.to_string();
    out.push(
        exchange(
            "service name port",
            open("127.0.0.1", service.as_str(), kw()).await,
        )
        .await,
    );
    out.push(exchange("second address", open(None, plain, kw()).await).await);
    let staggered = asyncio::OpenConnection {
        happy_eyeballs_delay: Some(5.0),
        ..kw()
    };
    out.push(
        exchange(
            "second address staggered",
            open(None, plain, staggered).await,
        )
        .await,
    );
    out
}

#[test]
fn sock_local_addr_family_proto_and_the_next_address_connect_as_in_cpython() {
    let fixtures = fixture_str("");
    let fixtures = fixtures.trim_end_matches('/');
    let mut server = PyPeer::start(PY_SERVER, &[fixtures]);
    let tls = server.port();
    let plain: u16 = server
        .line()
        .strip_prefix("plain ")
        .unwrap()
        .parse()
        .unwrap();
    let ports = [tls.to_string(), plain.to_string()];
    let theirs = common::py313(
        &format!("{PY_NORM}{PY_CLIENT}"),
        &[fixtures, &ports[0], &ports[1]],
    );
    let theirs: Vec<&str> = theirs.lines().collect();
    for runtime in common::runtimes() {
        assert_eq!(runtime.block_on(pyssl_client(tls, plain)), theirs);
    }
    // A `sock=` socket keeps its own `proto` (0 from `socket.socket()`, 6 from
    // `create_connection`'s `getaddrinfo`).
    assert!(theirs[0].starts_with(&format!("tls sock | b'TLS SOCK\\n' | ('127.0.0.1', {tls}) | 127.0.0.1 | <asyncio.TransportSocket fd=N, family=2, type=1, proto=6,")), "{theirs:#?}");
    assert!(theirs[1].contains("proto=0"), "{theirs:#?}");
    assert!(
        theirs[6].starts_with(&format!(
            "second address | b'SECOND ADDRESS\\n' | ('127.0.0.1', {plain}) |"
        )),
        "{theirs:#?}"
    );
}

/// Happy Eyeballs against an address that never answers: `None` resolves to `::1` first,
/// where a listener with a full accept queue drops the SYN; `127.0.0.1` answers.
const PY_STAGGERED: &str = r#"
import asyncio, sys
port = int(sys.argv[1])
async def main():
    for name, kw in [('staggered', dict(happy_eyeballs_delay=0.2)),
                     ('one after another', dict()),
                     ('staggered, not interleaved', dict(happy_eyeballs_delay=0.2, interleave=0))]:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(None, port, **kw), 1.0)
            print(name, '| connected to', writer.get_extra_info('peername'))
            writer.close()
            await writer.wait_closed()
        except Exception as e:
            print(name, '|', repr(e))
asyncio.run(main())
"#;

async fn pyssl_staggered(port: u16) -> Vec<String> {
    let mut out = Vec::new();
    for (name, delay, interleave) in [
        ("staggered", Some(0.2), None),
        ("one after another", None, None),
        ("staggered, not interleaved", Some(0.2), Some(0)),
    ] {
        let kw = asyncio::OpenConnection {
            happy_eyeballs_delay: delay,
            interleave,
            ..Default::default()
        };
        match asyncio::wait_for(asyncio::open_connection(None, port, kw), 1.0).await {
            Ok(Ok((_reader, writer))) => {
                let peer = writer.get_extra_info("peername").py_repr();
                out.push(format!("{name} | connected to {peer}"));
                writer.close();
                writer.wait_closed().await.unwrap();
            }
            Ok(Err(e)) | Err(e) => out.push(format!("{name} | {}", e.py_repr())),
        }
    }
    out
}

#[test]
fn happy_eyeballs_moves_on_from_an_address_that_never_answers() {
    let fixtures = fixture_str("");
    let mut server = PyPeer::start(PY_SERVER, &[fixtures.trim_end_matches('/')]);
    server.port();
    let plain: u16 = server
        .line()
        .strip_prefix("plain ")
        .unwrap()
        .parse()
        .unwrap();
    // The same port on ::1: listening, its one-connection queue full, so that a new SYN is
    // dropped and the attempt hangs.
    let blackhole = socket::socket(socket::AF_INET6, None).unwrap();
    blackhole.bind(("::1", plain)).unwrap();
    blackhole.listen(0).unwrap();
    let queued: Vec<socket::socket> = (0..4)
        .map(|_| {
            let sock = socket::socket(socket::AF_INET6, None).unwrap();
            sock.setblocking(false).unwrap();
            sock.connect_ex(("::1", plain)).unwrap();
            sock
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(100));
    let theirs = common::py313(PY_STAGGERED, &[&plain.to_string()]);
    let theirs: Vec<&str> = theirs.lines().collect();
    for runtime in common::runtimes() {
        assert_eq!(runtime.block_on(pyssl_staggered(plain)), theirs);
    }
    let connected = format!("connected to ('127.0.0.1', {plain})");
    assert_eq!(
        theirs,
        [
            format!("staggered | {connected}"),
            "one after another | TimeoutError()".to_string(),
            format!("staggered, not interleaved | {connected}"),
        ]
    );
    drop(queued);
}

/// An `AF_UNIX` stream socket, which CPython takes as `sock` (its streams are whatever the
/// socket is): pyssl's transports are TCP, so it refuses the socket with a
/// `NotImplementedError` (a pyssl difference, see docs/differences.md) rather than a stream
/// whose `peername`, `sockname` and `socket` would read wrong, or a server that would drop
/// every connection it accepts.
#[test]
fn an_af_unix_sock_is_refused_rather_than_misread() {
    let expected = "NotImplementedError: sock of family <AddressFamily.AF_UNIX: 1>: pyssl's asyncio streams run over TCP (AF_INET, AF_INET6) only";
    for runtime in common::runtimes() {
        runtime.block_on(async {
            let (a, _b) = socket::socketpair().unwrap();
            let kw = asyncio::OpenConnection {
                sock: Some(a),
                ..Default::default()
            };
            let e = asyncio::open_connection(None, None, kw).await.unwrap_err();
            assert_eq!(e.format_exception_only(), expected);
            let unix = socket::socket(socket::AF_UNIX, None).unwrap();
            let kw = asyncio::StartServer {
                sock: Some(unix),
                ..Default::default()
            };
            let e = asyncio::start_server(|_r, _w| async {}, None, None, kw)
                .await
                .unwrap_err();
            assert_eq!(e.format_exception_only(), expected);
        });
    }
}

/// A `sock=` that was never connected: CPython's transport sends at once (before its loop
/// polls the socket), so TLS's first flight fails with `BrokenPipeError`, not with what a read
/// of the socket would say (`[Errno 107]`). A plain stream connects, with no `peername`; what
/// its first write then meets depends on whether the connection's task read first (see
/// docs/differences.md), so it is not compared here.
const PY_UNCONNECTED: &str = r#"
import asyncio, socket, ssl
async def main():
    ctx = ssl.create_default_context()
    try:
        await asyncio.open_connection(sock=socket.socket(), ssl=ctx, server_hostname='localhost')
        print('tls | connected')
    except Exception as e:
        print('tls |', repr(e))
    reader, writer = await asyncio.open_connection(sock=socket.socket())
    print('plain | peername', writer.get_extra_info('peername'))
    writer.close()
asyncio.run(main())
"#;

async fn pyssl_unconnected() -> Vec<String> {
    let mut out = Vec::new();
    let ctx = pyssl::ssl::create_default_context().unwrap();
    let kw = asyncio::OpenConnection {
        sock: Some(socket::socket(socket::AF_INET, None).unwrap()),
        ssl: (&ctx).into(),
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    match asyncio::open_connection(None, None, kw).await {
        Ok(_) => out.push("tls | connected".to_string()),
        Err(e) => out.push(format!("tls | {}", e.py_repr())),
    }
    let kw = asyncio::OpenConnection {
        sock: Some(socket::socket(socket::AF_INET, None).unwrap()),
        ..Default::default()
    };
    let (_reader, writer) = asyncio::open_connection(None, None, kw).await.unwrap();
    let peer = writer.get_extra_info("peername").py_repr();
    out.push(format!("plain | peername {peer}"));
    writer.close();
    out
}

#[test]
fn an_unconnected_sock_fails_tls_on_its_first_send_as_in_cpython() {
    let theirs = common::py313(PY_UNCONNECTED, &[]);
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(theirs[0], "tls | BrokenPipeError(32, 'Broken pipe')");
    for runtime in common::runtimes() {
        assert_eq!(runtime.block_on(pyssl_unconnected()), theirs);
    }
}
