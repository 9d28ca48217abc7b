//! `pyssl::asyncio` against CPython 3.13's asyncio over loopback, in both directions: a TLS
//! echo exchange seen from both ends (every `get_extra_info` value, `write_eof`'s refusal,
//! `close`/`wait_closed`), run three ways: CPython with CPython, pyssl client with a CPython
//! server, CPython client with a pyssl server; each end must print what CPython's printed.
#![cfg(feature = "asyncio")]

mod common;

use common::{fixture_str, PyPeer};
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, ssl};

/// The `get_extra_info` names a TLS stream answers.
const KEYS: &[&str] = &[
    "peercert",
    "cipher",
    "compression",
    "sslcontext",
    "ssl_object",
    "peername",
    "sockname",
    "socket",
];

/// Shared by the Python peers: contexts and the normalisation-free printing helpers.
const PY_COMMON: &str = r#"
import asyncio, ssl, sys
fixtures = sys.argv[1]
KEYS = ['peercert', 'cipher', 'compression', 'sslcontext', 'ssl_object', 'peername',
        'sockname', 'socket']
def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    return ctx
def client_context():
    return ssl.create_default_context(cafile=fixtures + '/ca.pem')
def say(*args):
    print(*args, flush=True)
def exc(e):
    return f'{type(e).__name__}: {e}'
"#;

/// A CPython TLS echo server for one connection, printing what it sees.
const PY_ECHO_SERVER: &str = r#"
async def handle(reader, writer):
    for key in KEYS:
        say('server', key, repr(writer.get_extra_info(key)))
    say('server can_write_eof', writer.can_write_eof())
    while True:
        line = await reader.readline()
        say('server got', repr(line))
        if not line:
            break
        writer.write(line.upper())
        await writer.drain()
    say('server at_eof', reader.at_eof())
    writer.close()
    say('server is_closing', writer.is_closing())
    try:
        await writer.wait_closed()
        say('server closed')
    except Exception as e:
        say('server closed', exc(e))
    done.set()

async def main():
    global done
    done = asyncio.Event()
    server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_context())
    say('port', server.sockets[0].getsockname()[1])
    await asyncio.wait_for(done.wait(), 20)
    server.close()
    await server.wait_closed()
asyncio.run(main())
"#;

/// The CPython client of the echo exchange.
const PY_ECHO_CLIENT: &str = r#"
async def main():
    port = int(sys.argv[2])
    reader, writer = await asyncio.open_connection('localhost', port, ssl=client_context())
    for key in KEYS:
        say('client', key, repr(writer.get_extra_info(key)))
    say('client can_write_eof', writer.can_write_eof())
    transport = writer.transport
    say('client transport', transport.get_write_buffer_limits(), transport.is_reading(),
        transport.get_write_buffer_size())
    try:
        writer.write_eof()
    except Exception as e:
        say('client write_eof', repr(e))
    for line in [b'hello\n', b'tls world\n']:
        writer.write(line)
        await writer.drain()
        say('client got', repr(await reader.readline()))
    writer.close()
    say('client is_closing', writer.is_closing())
    await writer.wait_closed()
    say('client closed')
    say('client read', repr(await reader.read()))
    say('client at_eof', reader.at_eof())
asyncio.run(asyncio.wait_for(main(), 20))
"#;

/// Python's printed values with what differs from run to run (ports, descriptors, object
/// addresses) replaced by placeholders.
fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        // `0x7f...` object addresses.
        if let Some(tail) = rest.strip_prefix("0x") {
            let n = tail.chars().take_while(char::is_ascii_hexdigit).count();
            out.push_str("0x?");
            rest = &tail[n..];
            continue;
        }
        // `fd=7`.
        if let Some(tail) = rest.strip_prefix("fd=") {
            let n = tail.chars().take_while(char::is_ascii_digit).count();
            out.push_str(if n > 0 { "fd=?" } else { "fd=" });
            rest = &tail[n..];
            continue;
        }
        // The port of an address tuple: `'127.0.0.1', 54321`.
        if let Some(tail) = rest.strip_prefix("', ") {
            let quoted = out.rsplit('\'').next().unwrap_or("");
            let address = !quoted.is_empty()
                && quoted
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == '.' || c == ':');
            let n = tail.chars().take_while(char::is_ascii_digit).count();
            out.push_str("', ");
            out.push_str(if address && n > 0 { "PORT" } else { &tail[..n] });
            rest = &tail[n..];
            continue;
        }
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn normalized(lines: Vec<String>) -> Vec<String> {
    lines.iter().map(|l| normalize(l)).collect()
}

/// Python's `f'{type(e).__name__}: {e}'`.
fn exc(e: &pyssl::Error) -> String {
    format!("{}: {e}", e.type_name())
}

fn server_context() -> ssl::SSLContext {
    common::server_context()
}

fn client_context() -> ssl::SSLContext {
    common::client_context()
}

fn fixtures() -> String {
    fixture_str("").trim_end_matches('/').to_string()
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// CPython with CPython: the reference both sides' lines are compared with.
fn cpython_echo() -> (Vec<String>, Vec<String>) {
    let mut server = PyPeer::start(&format!("{PY_COMMON}{PY_ECHO_SERVER}"), &[&fixtures()]);
    let port = server.port().to_string();
    let client = PyPeer::start(
        &format!("{PY_COMMON}{PY_ECHO_CLIENT}"),
        &[&fixtures(), &port],
    );
    let client_lines = client.finish();
    (client_lines, server.finish())
}

/// The pyssl port of `PY_ECHO_CLIENT`.
async fn pyssl_echo_client(port: u16) -> pyssl::Result<Vec<String>> {
    let mut out = Vec::new();
    let ctx = client_context();
    let (mut reader, writer) = asyncio::open_connection(
        "localhost",
        port,
        asyncio::OpenConnection {
            ssl: (&ctx).into(),
            ..Default::default()
        },
    )
    .await?;
    for key in KEYS {
        out.push(format!(
            "client {key} {}",
            writer.get_extra_info(key).py_repr()
        ));
    }
    out.push(format!(
        "client can_write_eof {}",
        writer.can_write_eof().py_str()
    ));
    let transport = writer.transport();
    out.push(format!(
        "client transport {} {} {}",
        transport.get_write_buffer_limits().py_repr(),
        transport.is_reading().py_str(),
        transport.get_write_buffer_size()
    ));
    if let Err(e) = writer.write_eof() {
        out.push(format!("client write_eof {}", e.py_repr()));
    }
    for line in [&b"hello\n"[..], b"tls world\n"] {
        writer.write(line)?;
        writer.drain().await?;
        out.push(format!(
            "client got {}",
            PyBytes(&reader.readline().await?).py_repr()
        ));
    }
    writer.close();
    out.push(format!(
        "client is_closing {}",
        writer.is_closing().py_str()
    ));
    writer.wait_closed().await?;
    out.push("client closed".into());
    out.push(format!(
        "client read {}",
        PyBytes(&reader.read(-1).await?).py_repr()
    ));
    out.push(format!("client at_eof {}", reader.at_eof().py_str()));
    Ok(out)
}

/// The pyssl port of `PY_ECHO_SERVER`'s handler; its lines go to `out`.
async fn pyssl_echo_handler(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    let say = |line: String| out.lock().unwrap().push(line);
    for key in KEYS {
        say(format!(
            "server {key} {}",
            writer.get_extra_info(key).py_repr()
        ));
    }
    say(format!(
        "server can_write_eof {}",
        writer.can_write_eof().py_str()
    ));
    loop {
        let line = reader.readline().await?;
        say(format!("server got {}", PyBytes(&line).py_repr()));
        if line.is_empty() {
            break;
        }
        writer.write(&line.to_ascii_uppercase())?;
        writer.drain().await?;
    }
    say(format!("server at_eof {}", reader.at_eof().py_str()));
    writer.close();
    say(format!(
        "server is_closing {}",
        writer.is_closing().py_str()
    ));
    match writer.wait_closed().await {
        Ok(()) => say("server closed".into()),
        Err(e) => say(format!("server closed {}", exc(&e))),
    }
    say("done".into());
    Ok(())
}

/// Runs the pyssl echo server for one connection from the CPython client; both sides' lines.
async fn pyssl_server_with_cpython_client() -> pyssl::Result<(Vec<String>, Vec<String>)> {
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let handler_out = out.clone();
    let ctx = server_context();
    let server = asyncio::start_server(
        move |r, w| pyssl_echo_handler(r, w, handler_out.clone()),
        "127.0.0.1",
        0,
        asyncio::StartServer {
            ssl: Some(&ctx),
            ..Default::default()
        },
    )
    .await?;
    let port = server.sockets()[0].getsockname()?.port().to_string();
    let client = PyPeer::start(
        &format!("{PY_COMMON}{PY_ECHO_CLIENT}"),
        &[&fixtures(), &port],
    );
    // The CPython client runs in its own process; wait for the handler's last line.
    asyncio::wait_for(
        async {
            while out.lock().unwrap().last().map(String::as_str) != Some("done") {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        },
        20.0,
    )
    .await?;
    server.close();
    server.wait_closed().await;
    let mut server_lines = out.lock().unwrap().clone();
    server_lines.pop();
    Ok((
        tokio::task::spawn_blocking(|| client.finish())
            .await
            .unwrap(),
        server_lines,
    ))
}

#[test]
fn the_echo_exchange_prints_what_cpython_prints_from_both_ends() {
    let (client_ref, server_ref) = cpython_echo();
    let (client_ref, server_ref) = (normalized(client_ref), normalized(server_ref));
    assert!(
        client_ref
            .iter()
            .any(|l| l.starts_with("client peercert {'subject'")),
        "{client_ref:#?}"
    );
    assert!(client_ref.contains(&"client write_eof NotImplementedError()".to_string()));
    assert!(client_ref.contains(&"client transport (131072, 524288) True 0".to_string()));
    assert!(client_ref
        .contains(&"client cipher ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)".to_string()));
    assert!(server_ref.contains(&"server peername ('127.0.0.1', PORT)".to_string()));

    for runtime in [current_thread(), multi_thread()] {
        // pyssl client, CPython server.
        let mut server = PyPeer::start(&format!("{PY_COMMON}{PY_ECHO_SERVER}"), &[&fixtures()]);
        let port = server.port();
        let client = runtime.block_on(pyssl_echo_client(port)).unwrap();
        assert_eq!(normalized(client), client_ref);
        assert_eq!(normalized(server.finish()), server_ref);

        // CPython client, pyssl server.
        let (client, server) = runtime
            .block_on(pyssl_server_with_cpython_client())
            .unwrap();
        assert_eq!(normalized(client), client_ref);
        assert_eq!(normalized(server), server_ref);
    }
}

/// Bytes buffered by a reader, from its `repr` (`<StreamReader 131072 bytes ...>`).
fn buffered(reader: &asyncio::StreamReader) -> usize {
    let repr = format!("{reader:?}");
    repr.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// 16 MiB each way; the reader of each side sleeps first, so the writer's `drain()` must
/// wait, and the sleeping side's buffer must stay bounded (the connection stops reading).
const BULK: usize = 16 * 1024 * 1024;

fn bulk_data() -> Vec<u8> {
    (0..BULK).map(|i| (i % 251) as u8).collect()
}

const PY_BULK: &str = r#"
import time
N = 16 * 1024 * 1024
DATA = bytes(i % 251 for i in range(251)) * (N // 251) + bytes(i % 251 for i in range(N % 251))
def bounded(reader):
    return len(reader._buffer) <= 1024 * 1024, len(reader._buffer) > 0

async def send(side, writer):
    waited = False
    for i in range(0, N, 65536):
        writer.write(DATA[i:i + 65536])
        start = time.monotonic()
        await writer.drain()
        waited = waited or time.monotonic() - start > 0.1
    say(side, 'drain waited', waited)

async def handle(reader, writer):
    await asyncio.sleep(0.5)
    say('server bounded', *bounded(reader))
    say('server received', await reader.readexactly(N) == DATA)
    writer.write(b'ok\n')
    await send('server', writer)
    say('server read', repr(await reader.read()))
    writer.close()
    await writer.wait_closed()
    say('server closed')
    done.set()

async def client(port):
    reader, writer = await asyncio.open_connection('localhost', port, ssl=client_context())
    await send('client', writer)
    say('client got', repr(await reader.readline()))
    await asyncio.sleep(0.5)
    say('client bounded', *bounded(reader))
    say('client received', await reader.readexactly(N) == DATA)
    writer.close()
    await writer.wait_closed()
    say('client closed')

async def main():
    global done
    done = asyncio.Event()
    if sys.argv[2] == 'server':
        server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_context())
        say('port', server.sockets[0].getsockname()[1])
        await asyncio.wait_for(done.wait(), 30)
        server.close()
        await server.wait_closed()
    else:
        await asyncio.wait_for(client(int(sys.argv[3])), 30)
asyncio.run(main())
"#;

/// `send` of `PY_BULK`: 64 KiB writes, each followed by `drain()`; whether any drain waited.
async fn send(side: &str, writer: &asyncio::StreamWriter, data: &[u8]) -> pyssl::Result<String> {
    let mut waited = false;
    for chunk in data.chunks(65536) {
        writer.write(chunk)?;
        let start = std::time::Instant::now();
        writer.drain().await?;
        waited |= start.elapsed() > std::time::Duration::from_millis(100);
    }
    Ok(format!("{side} drain waited {}", waited.py_str()))
}

fn bounded(reader: &asyncio::StreamReader) -> String {
    let n = buffered(reader);
    format!("{} {}", (n <= 1024 * 1024).py_str(), (n > 0).py_str())
}

async fn pyssl_bulk_client(port: u16) -> pyssl::Result<Vec<String>> {
    let mut out = Vec::new();
    let data = bulk_data();
    let ctx = client_context();
    let (mut reader, writer) = asyncio::open_connection(
        "localhost",
        port,
        asyncio::OpenConnection::default().ssl(&ctx),
    )
    .await?;
    out.push(send("client", &writer, &data).await?);
    out.push(format!(
        "client got {}",
        PyBytes(&reader.readline().await?).py_repr()
    ));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    out.push(format!("client bounded {}", bounded(&reader)));
    let received = reader.readexactly(BULK).await?;
    out.push(format!("client received {}", (received == data).py_str()));
    writer.close();
    writer.wait_closed().await?;
    out.push("client closed".into());
    Ok(out)
}

async fn pyssl_bulk_handler(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    let mut lines = Vec::new();
    let data = bulk_data();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    lines.push(format!("server bounded {}", bounded(&reader)));
    let received = reader.readexactly(BULK).await?;
    lines.push(format!("server received {}", (received == data).py_str()));
    writer.write(b"ok\n")?;
    lines.push(send("server", &writer, &data).await?);
    lines.push(format!(
        "server read {}",
        PyBytes(&reader.read(-1).await?).py_repr()
    ));
    writer.close();
    writer.wait_closed().await?;
    lines.push("server closed".into());
    lines.push("done".into());
    *out.lock().unwrap() = lines;
    Ok(())
}

#[test]
fn sixteen_mib_each_way_wait_in_drain_and_stay_bounded_in_the_reader() {
    let fixtures = fixtures();
    let mut server = PyPeer::start(&format!("{PY_COMMON}{PY_BULK}"), &[&fixtures, "server"]);
    let port = server.port().to_string();
    let client_ref = PyPeer::start(
        &format!("{PY_COMMON}{PY_BULK}"),
        &[&fixtures, "client", &port],
    )
    .finish();
    let server_ref = server.finish();
    assert_eq!(
        client_ref,
        [
            "client drain waited True",
            "client got b'ok\\n'",
            "client bounded True True",
            "client received True",
            "client closed"
        ]
    );
    assert_eq!(
        server_ref,
        [
            "server bounded True True",
            "server received True",
            "server drain waited True",
            "server read b''",
            "server closed"
        ]
    );
    for runtime in [current_thread(), multi_thread()] {
        let mut server = PyPeer::start(&format!("{PY_COMMON}{PY_BULK}"), &[&fixtures, "server"]);
        let port = server.port();
        assert_eq!(
            runtime.block_on(pyssl_bulk_client(port)).unwrap(),
            client_ref
        );
        assert_eq!(server.finish(), server_ref);

        let server_lines = runtime
            .block_on(async {
                let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
                let handler_out = out.clone();
                let ctx = server_context();
                let server = asyncio::start_server(
                    move |r, w| pyssl_bulk_handler(r, w, handler_out.clone()),
                    "127.0.0.1",
                    0,
                    asyncio::StartServer {
                        ssl: Some(&ctx),
                        ..Default::default()
                    },
                )
                .await?;
                let port = server.sockets()[0].getsockname()?.port().to_string();
                let client = PyPeer::start(
                    &format!("{PY_COMMON}{PY_BULK}"),
                    &[&fixtures, "client", &port],
                );
                let client_lines = tokio::task::spawn_blocking(|| client.finish())
                    .await
                    .unwrap();
                assert_eq!(client_lines, client_ref);
                asyncio::wait_for(
                    async {
                        while out.lock().unwrap().last().map(String::as_str) != Some("done") {
                            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        }
                    },
                    20.0,
                )
                .await?;
                server.close();
                server.wait_closed().await;
                let mut lines = out.lock().unwrap().clone();
                lines.pop();
                pyssl::Result::Ok(lines)
            })
            .unwrap();
        assert_eq!(server_lines, server_ref);
    }
}
