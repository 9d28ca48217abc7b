//! `start_server`'s sockets against CPython 3.13: `start_serving=False` binds without
//! listening (a client is refused until `start_serving()` or `serve_forever()`; `async with`
//! does not start it), `sock` (bound or listening), a sequence of hosts, `family`, `flags`,
//! `keep_alive` (on the server's sockets and so on each accepted one), `limit=0` (each
//! connection fails, not the call), and each bad combination's exception and text.
#![cfg(feature = "asyncio")]

mod common;

use pyssl::asyncio::{self, TransportSocket};
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::socket;

const PY_SERVERS: &str = r#"
import asyncio, re, socket, sys
inuse = int(sys.argv[1])
def norm(s):
    return re.sub(r'fd=-?\d+', 'fd=N', s)
def say(*a):
    print(*a, flush=True)
async def handle(reader, writer):
    line = await reader.readline()
    keep_alive = writer.get_extra_info('socket').getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
    writer.write(line.rstrip() + b' keep_alive=%d\n' % keep_alive)
    await writer.drain()
    writer.close()
async def knock(sock, send=True):
    host, port = sock.getsockname()[:2]
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as e:
        return f'{type(e).__name__}: {e}'.replace(str(port), 'PORT')
    if send:
        writer.write(b'ping\n')
    line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return f'echo {line!r}'
def sockets(server):
    return sorted(norm(repr(s)).replace(f', {s.getsockname()[1]}', ', PORT') for s in server.sockets)
async def knock_all(server, send=True):
    return sorted([await knock(s, send) for s in server.sockets])
async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 0, start_serving=False)
    say('not serving', server.is_serving(), await knock_all(server))
    async with server:
        say('in async with', server.is_serving(), await knock_all(server))
    server = await asyncio.start_server(handle, '127.0.0.1', 0, start_serving=False)
    await server.start_serving()
    say('start_serving', server.is_serving(), await knock_all(server))
    server.close()
    await server.wait_closed()
    server = await asyncio.start_server(handle, '127.0.0.1', 0, start_serving=False)
    task = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0)
    say('serve_forever', server.is_serving(), await knock_all(server))
    server.close()
    try:
        await task
    except asyncio.CancelledError:
        pass
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    server = await asyncio.start_server(handle, sock=sock, start_serving=False)
    say('bound sock', sockets(server), await knock_all(server))
    await server.start_serving()
    say('bound sock serving', await knock_all(server))
    server.close()
    await server.wait_closed()
    server = await asyncio.start_server(handle, sock=socket.create_server(('127.0.0.1', 0)))
    say('listening sock', sockets(server), await knock_all(server))
    server.close()
    for name, host, kw in [
        ('hosts', ['127.0.0.1', '::1', '127.0.0.1'], {}),
        ('hosts with an absent address', ['192.0.2.1', '127.0.0.1'], {}),
        ('every IPv4 interface', None, dict(family=socket.AF_INET)),
        ('every interface', '', {}),
        ('keep_alive', '127.0.0.1', dict(keep_alive=True)),
        ('limit 0', '127.0.0.1', dict(limit=0)),
    ]:
        server = await asyncio.start_server(handle, host, 0, **kw)
        keep_alive = [s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) for s in server.sockets]
        # A connection the server drops at once: whether a line sent meanwhile comes back as
        # a reset depends on timing, so nothing is sent.
        say(name, sockets(server), keep_alive, await knock_all(server, send=name != 'limit 0'))
        server.close()
        await server.wait_closed()
    for name, host, port, kw in [
        ('no host nor sock', None, None, {}),
        ('host and sock', '127.0.0.1', None, dict(sock=socket.socket())),
        ('port and sock', None, 0, dict(sock=socket.socket())),
        ('datagram sock', None, None, dict(sock=socket.socket(type=socket.SOCK_DGRAM))),
        ('no hosts', [], 0, {}),
        ('absent address', '192.0.2.1', 0, {}),
        ('family mismatch', '127.0.0.1', 0, dict(family=socket.AF_INET6)),
        ('numeric flag', 'localhost', 0, dict(flags=socket.AI_NUMERICHOST)),
        ('address in use', '127.0.0.1', inuse, {}),
        ('ssl_handshake_timeout without ssl', '127.0.0.1', 0, dict(ssl_handshake_timeout=1.0)),
    ]:
        try:
            server = await asyncio.start_server(handle, host, port, **kw)
            say(name, '| serving')
            server.close()
        except Exception as e:
            say(name, '|', type(e).__name__, '|', norm(str(e)))
asyncio.run(main())"#;

/// `fd=N` for any descriptor number.
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

/// Echoes the line with the accepted socket's `SO_KEEPALIVE`.
async fn handle(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
) -> pyssl::Result<()> {
    let line = reader.readline().await?;
    let info = writer.get_extra_info("socket");
    let keep_alive = info
        .socket()
        .unwrap()
        .getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)?;
    let mut reply = line.trim_ascii_end().to_vec();
    reply.extend_from_slice(format!(" keep_alive={keep_alive}\n").as_bytes());
    writer.write(&reply)?;
    writer.drain().await?;
    writer.close();
    Ok(())
}

async fn knock(sock: &TransportSocket, send: bool) -> String {
    let addr = sock.getsockname().unwrap();
    let (host, port) = (addr.host().to_string(), addr.port());
    let (mut reader, writer) =
        match asyncio::open_connection(host.as_str(), port, Default::default()).await {
            Ok(streams) => streams,
            Err(e) => return format!("{}: {e}", e.type_name()).replace(&port.to_string(), "PORT"),
        };
    if send {
        writer.write(b"ping\n").unwrap();
    }
    let line = reader.readline().await.unwrap();
    writer.close();
    writer.wait_closed().await.unwrap();
    format!("echo {}", PyBytes(&line).py_repr())
}

fn sockets(server: &asyncio::Server) -> String {
    let mut socks: Vec<String> = server
        .sockets()
        .iter()
        .map(|s| {
            let port = s.getsockname().unwrap().port();
            norm(&s.py_repr()).replace(&format!(", {port}"), ", PORT")
        })
        .collect();
    socks.sort();
    socks.py_repr()
}

async fn knock_all(server: &asyncio::Server, send: bool) -> String {
    let mut out = Vec::new();
    for sock in server.sockets() {
        out.push(knock(&sock, send).await);
    }
    out.sort();
    out.py_repr()
}

/// The pyssl port of `PY_SERVERS`.
async fn pyssl_servers(inuse: u16) -> pyssl::Result<Vec<String>> {
    use asyncio::start_server;
    let kw = asyncio::StartServer::default;
    let not_serving = || asyncio::StartServer {
        start_serving: false,
        ..kw()
    };
    let mut out = Vec::new();
    let server = start_server(handle, "127.0.0.1", 0, not_serving()).await?;
    out.push(format!(
        "not serving {} {}",
        server.is_serving().py_str(),
        knock_all(&server, true).await
    ));
    let line = server
        .async_with(|server| async move {
            format!(
                "in async with {} {}",
                server.is_serving().py_str(),
                knock_all(&server, true).await
            )
        })
        .await;
    out.push(line);
    let server = start_server(handle, "127.0.0.1", 0, not_serving()).await?;
    server.start_serving().await?;
    out.push(format!(
        "start_serving {} {}",
        server.is_serving().py_str(),
        knock_all(&server, true).await
    ));
    server.close();
    server.wait_closed().await;
    let server = start_server(handle, "127.0.0.1", 0, not_serving()).await?;
    let task = tokio::spawn({
        let server = server.clone();
        async move { server.serve_forever().await }
    });
    // `await asyncio.sleep(0)`: let the task start (tokio may poll this future first again).
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    out.push(format!(
        "serve_forever {} {}",
        server.is_serving().py_str(),
        knock_all(&server, true).await
    ));
    server.close();
    task.await.unwrap()?;
    let sock = socket::socket(None, None)?;
    sock.bind(("127.0.0.1", 0))?;
    let bound = asyncio::StartServer {
        sock: Some(sock),
        ..not_serving()
    };
    let server = start_server(handle, None, None, bound).await?;
    out.push(format!(
        "bound sock {} {}",
        sockets(&server),
        knock_all(&server, true).await
    ));
    server.start_serving().await?;
    out.push(format!(
        "bound sock serving {}",
        knock_all(&server, true).await
    ));
    server.close();
    server.wait_closed().await;
    let listening = socket::create_server(("127.0.0.1", 0), Default::default())?;
    let listening = asyncio::StartServer {
        sock: Some(listening),
        ..kw()
    };
    let server = start_server(handle, None, None, listening).await?;
    out.push(format!(
        "listening sock {} {}",
        sockets(&server),
        knock_all(&server, true).await
    ));
    server.close();
    let cases: Vec<(
        &str,
        Box<dyn asyncio::ServerHostArg + Send>,
        asyncio::StartServer,
    )> = vec![
        ("hosts", Box::new(["127.0.0.1", "::1", "127.0.0.1"]), kw()),
        (
            "hosts with an absent address",
            Box::new(vec!["192.0.2.1", "127.0.0.1"]),
            kw(),
        ),
        (
            "every IPv4 interface",
            Box::new(None::<&str>),
            asyncio::StartServer {
                family: socket::AF_INET,
                ..kw()
            },
        ),
        ("every interface", Box::new(""), kw()),
        (
            "keep_alive",
            Box::new("127.0.0.1"),
            asyncio::StartServer {
                keep_alive: Some(true),
                ..kw()
            },
        ),
        (
            "limit 0",
            Box::new("127.0.0.1"),
            asyncio::StartServer { limit: 0, ..kw() },
        ),
    ];
    for (name, host, options) in cases {
        let server = start_server(handle, &*host, 0, options).await?;
        let keep_alive: Vec<i32> = server
            .sockets()
            .iter()
            .map(|s| {
                s.getsockopt(socket::SOL_SOCKET, socket::SO_KEEPALIVE)
                    .unwrap()
            })
            .collect();
        out.push(format!(
            "{name} {} {} {}",
            sockets(&server),
            keep_alive.py_repr(),
            knock_all(&server, name != "limit 0").await
        ));
        server.close();
        server.wait_closed().await;
    }
    let failures = [
        (
            "no host nor sock",
            start_server(handle, None, None, kw()).await,
        ),
        (
            "host and sock",
            start_server(
                handle,
                "127.0.0.1",
                None,
                asyncio::StartServer {
                    sock: Some(socket::socket(None, None)?),
                    ..kw()
                },
            )
            .await,
        ),
        (
            "port and sock",
            start_server(
                handle,
                None,
                0,
                asyncio::StartServer {
                    sock: Some(socket::socket(None, None)?),
                    ..kw()
                },
            )
            .await,
        ),
        (
            "datagram sock",
            start_server(
                handle,
                None,
                None,
                asyncio::StartServer {
                    sock: Some(socket::socket(None, socket::SOCK_DGRAM)?),
                    ..kw()
                },
            )
            .await,
        ),
        (
            "no hosts",
            start_server(handle, Vec::<&str>::new(), 0, kw()).await,
        ),
        (
            "absent address",
            start_server(handle, "192.0.2.1", 0, kw()).await,
        ),
        (
            "family mismatch",
            start_server(
                handle,
                "127.0.0.1",
                0,
                asyncio::StartServer {
                    family: socket::AF_INET6,
                    ..kw()
                },
            )
            .await,
        ),
        (
            "numeric flag",
            start_server(
                handle,
                "localhost",
                0,
                asyncio::StartServer {
                    flags: socket::AI_NUMERICHOST,
                    ..kw()
                },
            )
            .await,
        ),
        (
            "address in use",
            start_server(handle, "127.0.0.1", inuse, kw()).await,
        ),
        (
            "ssl_handshake_timeout without ssl",
            start_server(
                handle,
                "127.0.0.1",
                0,
                asyncio::StartServer {
                    ssl_handshake_timeout: Some(1.0),
                    ..kw()
                },
            )
            .await,
        ),
    ];
    for (name, result) in failures {
        match result {
            Ok(server) => {
                out.push(format!("{name} | serving"));
                server.close();
            }
            Err(e) => out.push(format!(
                "{name} | {} | {}",
                e.type_name(),
                norm(&e.to_string())
            )),
        }
    }
    Ok(out)
}

#[test]
fn server_sockets_and_keywords_are_cpythons() {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let inuse = listener.getsockname().unwrap().port();
    let theirs = common::py313(PY_SERVERS, &[&inuse.to_string()]);
    let theirs: Vec<&str> = theirs.lines().collect();
    for runtime in common::runtimes() {
        assert_eq!(runtime.block_on(pyssl_servers(inuse)).unwrap(), theirs);
    }
    // What the comparison covers, in CPython's words.
    let refused =
        "[\"ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', PORT)\"]";
    assert_eq!(theirs[0], format!("not serving False {refused}"));
    assert_eq!(theirs[1], format!("in async with False {refused}"));
    assert!(
        theirs[4]
            .starts_with("bound sock [\"<asyncio.TransportSocket fd=N, family=2, type=1, proto=0,"),
        "{theirs:#?}"
    );
    assert!(
        theirs[11].starts_with("keep_alive ")
            && theirs[11].ends_with(" [1] [\"echo b'ping keep_alive=1\\\\n'\"]"),
        "{theirs:#?}"
    );
    assert!(theirs[12].ends_with("[\"echo b''\"]"), "{theirs:#?}");
    drop(listener);
}
