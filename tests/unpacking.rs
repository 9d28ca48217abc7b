//! The two one-call forms that keep a script's line shape: `.dict()?` on what `getpeercert()`
//! returns (Python's `cert['subject']`) and `.unpack()?` on an address (Python's
//! `host, port = sock.getsockname()`), each compared with what CPython 3.13 answers for the
//! same scenario on loopback.

mod common;

use std::path::Path;
use std::thread;

use common::{client_context, py313, tls_listener};
use pyssl::pyrepr::PyRepr;
use pyssl::ssl::PeerCertDict;
use pyssl::{socket, ssl};

/// `Class: str(e)`, or `ok: repr(value)`, as the Python side prints each row.
fn row<T>(result: pyssl::Result<T>, show: impl FnOnce(T) -> String) -> String {
    match result {
        Ok(value) => format!("ok: {}", show(value)),
        Err(e) => format!("{}: {e}", e.type_name()),
    }
}

/// The Python side's `row`, as [`row`] prints it.
const PY_ROW: &str = r#"
def row(f):
    try:
        print('ok:', repr(f()))
    except Exception as e:
        print(f'{type(e).__name__}: {e}')
"#;

const PYTHON: &str = r#"
import os, socket, ssl, sys, tempfile, threading
fixtures = sys.argv[1]

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(os.path.join(fixtures, 'server.pem'), os.path.join(fixtures, 'server.key'))
listener = server_ctx.wrap_socket(socket.create_server(('127.0.0.1', 0)), server_side=True)
port = listener.getsockname()[1]
accepted = []
def serve(n):
    for _ in range(n):
        conn, _ = listener.accept()
        accepted.append(conn)
threading.Thread(target=serve, args=(3,), daemon=True).start()

verified = ssl.create_default_context(cafile=os.path.join(fixtures, 'ca.pem'))
unverified = ssl._create_unverified_context()

def connect(ctx):
    return ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')

c1 = connect(verified)
def first_index(cert):
    return cert['subject']
row(lambda: first_index(c1.getpeercert()))
row(lambda: first_index(c1.getpeercert(binary_form=True)))
c2 = connect(unverified)
try:
    first_index(c2.getpeercert())
except KeyError as e:
    print('KeyError')
c3 = connect(verified)
while len(accepted) < 3:
    pass
row(lambda: first_index(accepted[2].getpeercert()))

def unpack2(addr):
    host, port = addr
    return host
def unpack4(addr):
    host, port, flowinfo, scope_id = addr
    return (host, flowinfo, scope_id)
s4 = socket.socket(socket.AF_INET)
s4.bind(('127.0.0.1', 0))
row(lambda: unpack2(s4.getsockname()))
row(lambda: unpack4(s4.getsockname()))
s6 = socket.socket(socket.AF_INET6)
s6.bind(('::1', 0))
row(lambda: unpack2(s6.getsockname()))
row(lambda: unpack4(s6.getsockname()))
su = socket.socket(socket.AF_UNIX)
su.bind(os.path.join(tempfile.mkdtemp(), 'sock'))
row(lambda: unpack2(su.getsockname()))
"#;

#[test]
fn dict_and_unpack_raise_what_python_raises() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let theirs = py313(&format!("{PY_ROW}{PYTHON}"), &[fixtures.to_str().unwrap()]);

    let (port, listener) = tls_listener(8);
    let server = thread::spawn(move || {
        (0..3)
            .map(|_| listener.accept().unwrap().0)
            .collect::<Vec<_>>()
    });
    let connect = |ctx: &ssl::SSLContext| {
        let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
        ctx.wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let verified = client_context();
    let unverified = ssl::_create_unverified_context_with(Default::default()).unwrap();
    let mut ours = Vec::new();
    let c1 = connect(&verified);
    ours.push(row(c1.getpeercert(false).unwrap().dict(), |c| {
        c.subject.py_repr()
    }));
    ours.push(row(c1.getpeercert(true).unwrap().dict(), |c| {
        c.subject.py_repr()
    }));
    let c2 = connect(&unverified);
    let e = c2.getpeercert(false).unwrap().dict().unwrap_err();
    assert!(e.isinstance(pyssl::exceptions::LookupError));
    ours.push(e.type_name().to_string());
    let c3 = connect(&verified);
    let accepted = server.join().unwrap();
    ours.push(row(accepted[2].getpeercert(false).unwrap().dict(), |c| {
        c.subject.py_repr()
    }));
    drop((c1, c2, c3));

    let s4 = socket::socket(socket::AF_INET, None).unwrap();
    s4.bind(("127.0.0.1", 0)).unwrap();
    let unpack2 = |a: socket::Address| a.unpack::<(String, u16)>().map(|(host, _port)| host);
    let unpack4 = |a: socket::Address| {
        a.unpack::<(String, u16, u32, u32)>()
            .map(|(host, _port, flowinfo, scope_id)| (host, flowinfo, scope_id))
    };
    ours.push(row(unpack2(s4.getsockname().unwrap()), |h| h.py_repr()));
    ours.push(row(unpack4(s4.getsockname().unwrap()), |t| t.py_repr()));
    let s6 = socket::socket(socket::AF_INET6, None).unwrap();
    s6.bind(("::1", 0)).unwrap();
    ours.push(row(unpack2(s6.getsockname().unwrap()), |h| h.py_repr()));
    ours.push(row(unpack4(s6.getsockname().unwrap()), |t| t.py_repr()));
    let dir = std::env::temp_dir().join(format!("pyssl-unpack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let su = socket::socket(socket::AF_UNIX, None).unwrap();
    su.bind(socket::Address::unix(dir.join("sock").to_str().unwrap()))
        .unwrap();
    ours.push(row(unpack2(su.getsockname().unwrap()), |h| h.py_repr()));
    std::fs::remove_dir_all(&dir).unwrap();

    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours, theirs);
}

#[test]
fn the_dict_of_an_unverified_peer_says_why_it_is_empty() {
    let e = Some(ssl::PeerCert::Empty).dict().unwrap_err();
    assert_eq!(e.type_().qualified_name(), "KeyError");
    assert_eq!(
        e.to_string(),
        "'getpeercert() returned {}: certificates are not verified (CERT_NONE), so none is decoded'"
    );
    assert_eq!(
        e.py_repr(),
        "KeyError('getpeercert() returned {}: certificates are not verified (CERT_NONE), so none is decoded')"
    );
}

#[test]
fn a_pair_unpacks_into_host_and_port() {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let (host, port) = listener.getsockname().unwrap().unpack().unwrap();
    assert_eq!(host, "127.0.0.1");
    assert_eq!(port, listener.getsockname().unwrap().port());
}

/// `writer.get_extra_info(name)['subject']` on a plain asyncio stream: `.dict()` on each value
/// raises what CPython 3.13's subscript raises on the same value.
#[cfg(feature = "asyncio")]
#[test]
fn extra_info_dict_raises_what_python_subscripts_raise() {
    use pyssl::asyncio;
    const PY: &str = r#"
import asyncio
async def main():
    server = await asyncio.start_server(lambda r, w: None, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    for name in ('peercert', 'cipher', 'peername', 'socket'):
        try:
            writer.get_extra_info(name)['subject']
        except Exception as e:
            print(f'{name}: {type(e).__name__}: {e}')
    writer.close()
    server.close()
asyncio.run(main())
"#;
    let theirs = py313(PY, &[]);
    let ours = asyncio::run(async {
        let server = asyncio::start_server(
            |_r: asyncio::StreamReader, _w: asyncio::StreamWriter| async {},
            "127.0.0.1",
            0,
            Default::default(),
        )
        .await?;
        let port = server.sockets()[0].getsockname()?.port();
        let (_reader, writer) =
            asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
        let lines: Vec<String> = ["peercert", "cipher", "peername", "socket"]
            .iter()
            .map(|name| match writer.get_extra_info(name).dict() {
                Ok(_) => format!("{name}: a dict"),
                Err(e) => format!("{name}: {}: {e}", e.type_name()),
            })
            .collect();
        writer.close();
        server.close();
        Ok(lines)
    })
    .unwrap();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

/// `cipher()[0]` with no cipher yet (an `SSLObject` before its handshake) and with one (after
/// a handshake over memory BIOs): `.subscript()?` gives CPython 3.13's `TypeError`, or the name.
#[test]
fn cipher_subscript_raises_what_python_raises() {
    use pyssl::ssl::Subscript;
    const PY: &str = r#"
import os, ssl, sys
fixtures = sys.argv[1]
server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(os.path.join(fixtures, 'server.pem'), os.path.join(fixtures, 'server.key'))
client_ctx = ssl.create_default_context(cafile=os.path.join(fixtures, 'ca.pem'))
c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
client = client_ctx.wrap_bio(c_in, c_out, server_hostname='localhost')
server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
row(lambda: client.cipher()[0])
for _ in range(4):
    for end in (client, server):
        try:
            end.do_handshake()
        except ssl.SSLWantReadError:
            pass
    s_in.write(c_out.read())
    c_in.write(s_out.read())
row(lambda: client.cipher()[0])
"#;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let theirs = py313(&format!("{PY_ROW}{PY}"), &[fixtures.to_str().unwrap()]);
    let mut pair = common::memory_pair::MemoryPair::wrapped();
    let mut ours = vec![row(pair.client.cipher().subscript(), |c| c.0.py_repr())];
    pair.handshake();
    ours.push(row(pair.client.cipher().subscript(), |c| c.0.py_repr()));
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(ours[0], "TypeError: 'NoneType' object is not subscriptable");
}
