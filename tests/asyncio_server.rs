//! `asyncio.Server` against CPython 3.13: `start_serving=False`, `is_serving`, `sockets`,
//! `close` with a client still connected (`wait_closed` waits for it), `serve_forever` on a
//! closed server and twice, `async with server:`; a TLS server's handshake timeout; and the
//! blocking API beside the asyncio one, unchanged.
#![cfg(feature = "asyncio")]

mod common;

use std::io::{Read, Write};

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, socket, ssl};

const PY_SERVER_API: &str = r#"
import asyncio, re
def norm(text):
    text = re.sub(r'fd=\d+', 'fd=?', text)
    return re.sub(r"'127.0.0.1', \d+", "'127.0.0.1', PORT", text)
async def handle(reader, writer):
    writer.write(await reader.readline())
    await writer.drain()
    await reader.read()
    writer.close()
async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 0, start_serving=False)
    print('is_serving', server.is_serving())
    await server.start_serving()
    print('is_serving', server.is_serving())
    print('repr', norm(repr(server)))
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b'ping\n')
    await writer.drain()
    print('echo', await reader.readline())
    server.close()
    print('closed', server.is_serving(), server.sockets)
    try:
        await asyncio.wait_for(server.wait_closed(), 0.3)
        print('wait_closed returned with a client connected')
    except TimeoutError:
        print('wait_closed waits for the client')
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(server.wait_closed(), 5)
    print('wait_closed done')
    try:
        await server.serve_forever()
    except RuntimeError as e:
        print('serve_forever', norm(str(e)))
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    task = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.1)
    try:
        await server.serve_forever()
    except RuntimeError as e:
        print('serve_forever', norm(str(e)))
    server.close()
    try:
        await task
    except asyncio.CancelledError:
        pass
    print('serve_forever ended', server.is_serving())
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    async with server:
        print('in async with', server.is_serving())
    print('after async with', server.is_serving(), server.sockets)
    server = await asyncio.start_server(handle, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    for how in ['close_clients', 'abort_clients']:
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        transport = writer.transport
        print('transport', transport.get_write_buffer_limits(), transport.is_reading(),
              transport.get_write_buffer_size(), transport.is_closing())
        writer.write(b'ping\n')
        await writer.drain()
        await reader.readline()
        getattr(server, how)()
        print(how, await reader.read())
        writer.close()
        await writer.wait_closed()
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.transport.abort()
    print('abort', writer.is_closing(), writer.transport.is_reading())
    try:
        await writer.wait_closed()
        print('closed')
    except Exception as e:
        print('closed', repr(e))
    server.close()
    await asyncio.wait_for(server.wait_closed(), 5)
    print('all closed')
asyncio.run(main())
"#;

fn norm(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("fd=") {
            let n = tail.chars().take_while(char::is_ascii_digit).count();
            out.push_str("fd=?");
            rest = &tail[n..];
        } else if let Some(tail) = rest.strip_prefix("'127.0.0.1', ") {
            let n = tail.chars().take_while(char::is_ascii_digit).count();
            out.push_str("'127.0.0.1', PORT");
            rest = &tail[n..];
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

async fn handle(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
) -> pyssl::Result<()> {
    writer.write(&reader.readline().await?)?;
    writer.drain().await?;
    reader.read(-1).await?;
    writer.close();
    Ok(())
}

/// `server.sockets` printed as Python prints the tuple.
fn sockets(server: &asyncio::Server) -> String {
    let socks: Vec<String> = server.sockets().iter().map(PyRepr::py_repr).collect();
    match socks.len() {
        0 => "()".into(),
        1 => format!("({},)", socks[0]),
        _ => format!("({})", socks.join(", ")),
    }
}

async fn server_api() -> pyssl::Result<Vec<String>> {
    let mut out = Vec::new();
    let server = asyncio::start_server(
        handle,
        "127.0.0.1",
        0,
        asyncio::StartServer {
            start_serving: false,
            ..Default::default()
        },
    )
    .await?;
    out.push(format!("is_serving {}", server.is_serving().py_str()));
    server.start_serving().await?;
    out.push(format!("is_serving {}", server.is_serving().py_str()));
    out.push(format!("repr {}", norm(&server.py_repr())));
    let port = server.sockets()[0].getsockname()?.port();
    let (mut reader, writer) =
        asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
    writer.write(b"ping\n")?;
    writer.drain().await?;
    out.push(format!(
        "echo {}",
        PyBytes(&reader.readline().await?).py_repr()
    ));
    server.close();
    out.push(format!(
        "closed {} {}",
        server.is_serving().py_str(),
        sockets(&server)
    ));
    match asyncio::wait_for(server.wait_closed(), 0.3).await {
        Ok(()) => out.push("wait_closed returned with a client connected".into()),
        Err(_) => out.push("wait_closed waits for the client".into()),
    }
    writer.close();
    writer.wait_closed().await?;
    asyncio::wait_for(server.wait_closed(), 5.0).await?;
    out.push("wait_closed done".into());
    if let Err(e) = server.serve_forever().await {
        out.push(format!("serve_forever {}", norm(&e.to_string())));
    }
    let server = asyncio::start_server(handle, "127.0.0.1", 0, Default::default()).await?;
    let task = tokio::spawn({
        let server = server.clone();
        async move { server.serve_forever().await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    if let Err(e) = server.serve_forever().await {
        out.push(format!("serve_forever {}", norm(&e.to_string())));
    }
    server.close();
    task.await.unwrap()?;
    out.push(format!(
        "serve_forever ended {}",
        server.is_serving().py_str()
    ));
    let server = asyncio::start_server(handle, "127.0.0.1", 0, Default::default()).await?;
    let line = server
        .async_with(
            |server| async move { format!("in async with {}", server.is_serving().py_str()) },
        )
        .await;
    out.push(line);
    out.push(format!(
        "after async with {} {}",
        server.is_serving().py_str(),
        sockets(&server)
    ));
    let server = asyncio::start_server(handle, "127.0.0.1", 0, Default::default()).await?;
    let port = server.sockets()[0].getsockname()?.port();
    for how in ["close_clients", "abort_clients"] {
        let (mut reader, writer) =
            asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
        let transport = writer.transport();
        out.push(format!(
            "transport {} {} {} {}",
            transport.get_write_buffer_limits().py_repr(),
            transport.is_reading().py_str(),
            transport.get_write_buffer_size(),
            transport.is_closing().py_str()
        ));
        writer.write(b"ping\n")?;
        writer.drain().await?;
        reader.readline().await?;
        if how == "close_clients" {
            server.close_clients();
        } else {
            server.abort_clients();
        }
        out.push(format!(
            "{how} {}",
            PyBytes(&reader.read(-1).await?).py_repr()
        ));
        writer.close();
        writer.wait_closed().await?;
    }
    let (_reader, writer) = asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
    writer.transport().abort();
    out.push(format!(
        "abort {} {}",
        writer.is_closing().py_str(),
        writer.transport().is_reading().py_str()
    ));
    match writer.wait_closed().await {
        Ok(()) => out.push("closed".into()),
        Err(e) => out.push(format!("closed {}", e.py_repr())),
    }
    server.close();
    asyncio::wait_for(server.wait_closed(), 5.0).await?;
    out.push("all closed".into());
    Ok(out)
}

#[test]
fn the_server_object_behaves_as_cpythons() {
    let theirs = common::py313(PY_SERVER_API, &[]);
    assert!(
        theirs.contains("wait_closed waits for the client"),
        "{theirs}"
    );
    for runtime in common::runtimes() {
        let ours = runtime.block_on(server_api()).unwrap();
        assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    }
}

/// A TLS client that connects and never says a word: how long until the server hangs up, and
/// what `recv` then gets (`-` for CPython's server, the port for pyssl's).
const PY_SILENT_CLIENT: &str = r#"
import asyncio, socket, ssl, sys, time
fixtures = sys.argv[1]
async def handle(reader, writer):
    print('handler called')
async def cpython_server():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    return await asyncio.start_server(handle, '127.0.0.1', 0, ssl=ctx, ssl_handshake_timeout=0.3)
def silent(port):
    sock = socket.create_connection(('127.0.0.1', port))
    start = time.monotonic()
    data = sock.recv(100)
    print('recv', data, 'within a second', time.monotonic() - start < 1)
async def main():
    if sys.argv[2] == '-':
        server = await cpython_server()
        await asyncio.to_thread(silent, server.sockets[0].getsockname()[1])
    else:
        silent(int(sys.argv[2]))
asyncio.run(main())
"#;

#[test]
fn a_tls_server_drops_a_client_silent_past_the_handshake_timeout() {
    let fixtures = common::fixture_str("").trim_end_matches('/').to_string();
    let theirs = common::py313(PY_SILENT_CLIENT, &[&fixtures, "-"]);
    assert_eq!(theirs, "recv b'' within a second True\n");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ours = runtime
        .block_on(async {
            let ctx = common::server_context();
            let server = asyncio::start_server(
                |_r, _w| async { println!("handler called") },
                "127.0.0.1",
                0,
                asyncio::StartServer {
                    ssl: Some(&ctx),
                    ssl_handshake_timeout: Some(0.3),
                    ..Default::default()
                },
            )
            .await?;
            let port = server.sockets()[0].getsockname()?.port().to_string();
            let fixtures = fixtures.clone();
            let out = tokio::task::spawn_blocking(move || {
                common::py313(PY_SILENT_CLIENT, &[&fixtures, &port])
            })
            .await
            .unwrap();
            server.close();
            asyncio::wait_for(server.wait_closed(), 5.0).await?;
            pyssl::Result::Ok(out)
        })
        .unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn the_blocking_api_works_beside_the_asyncio_one() {
    // A blocking pyssl server thread, an asyncio pyssl client.
    let (port, listener) = common::tls_listener(4);
    let thread = std::thread::spawn(move || -> pyssl::Result<()> {
        let (mut conn, _) = listener.accept()?;
        let data = conn.recv(1024)?;
        conn.sendall(&data.to_ascii_uppercase())?;
        conn.unwrap()?;
        Ok(())
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(async {
            let ctx = common::client_context();
            let (mut reader, writer) = asyncio::open_connection(
                "localhost",
                port,
                asyncio::OpenConnection::default().ssl(&ctx),
            )
            .await?;
            writer.write(b"blocking peer")?;
            assert_eq!(reader.read(-1).await?, b"BLOCKING PEER");
            writer.close();
            writer.wait_closed().await
        })
        .unwrap();
    thread.join().unwrap().unwrap();

    // An asyncio pyssl server, a blocking pyssl client in a thread.
    runtime
        .block_on(async {
            let ctx = common::server_context();
            let server = asyncio::start_server(
                |mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter| async move {
                    let line = reader.readline().await?;
                    writer.write(&line.to_ascii_uppercase())?;
                    writer.close();
                    writer.wait_closed().await
                },
                "127.0.0.1",
                0,
                asyncio::StartServer {
                    ssl: Some(&ctx),
                    ..Default::default()
                },
            )
            .await?;
            let port = server.sockets()[0].getsockname()?.port();
            let reply = tokio::task::spawn_blocking(move || -> pyssl::Result<Vec<u8>> {
                let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
                let mut ssock = common::client_context().wrap_socket(
                    sock,
                    ssl::WrapSocket {
                        server_hostname: Some("localhost"),
                        ..Default::default()
                    },
                )?;
                ssock.write_all(b"hello from a blocking socket\n")?;
                let mut reply = Vec::new();
                ssock.read_to_end(&mut reply)?;
                Ok(reply)
            })
            .await
            .unwrap()?;
            assert_eq!(reply, b"HELLO FROM A BLOCKING SOCKET\n");
            server.close();
            server.wait_closed().await;
            pyssl::Result::Ok(())
        })
        .unwrap();
}

#[test]
fn the_stream_types_can_move_between_threads() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<asyncio::StreamReader>();
    send_and_sync::<asyncio::StreamWriter>();
    send_and_sync::<asyncio::Server>();
    send_and_sync::<asyncio::Transport>();
    send_and_sync::<asyncio::ExtraInfo>();
}

/// Full duplex on a multi-thread runtime: each side writes 8 MiB from one task while another
/// task reads what the other side writes, so the reader, the writer and the connection's task
/// run on different threads at once (lost wake-ups would hang, lost bytes would differ).
#[test]
fn both_ends_read_and_write_at_once_from_different_tasks() {
    const SIZE: usize = 8 * 1024 * 1024;
    fn pattern(seed: u8) -> Vec<u8> {
        (0..SIZE)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }
    async fn duplex(
        mut reader: asyncio::StreamReader,
        writer: asyncio::StreamWriter,
        send: u8,
        expect: u8,
    ) -> pyssl::Result<bool> {
        let receiving = tokio::spawn(async move {
            let data = reader.readexactly(SIZE).await?;
            pyssl::Result::Ok(data == pattern(expect))
        });
        for chunk in pattern(send).chunks(100_000) {
            writer.write(chunk)?;
            writer.drain().await?;
        }
        let ok = receiving.await.expect("the reading task")?;
        writer.close();
        writer.wait_closed().await?;
        Ok(ok)
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (client_ok, server_ok) = runtime
        .block_on(async {
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            let done_tx = std::sync::Mutex::new(done_tx);
            let ctx = common::server_context();
            let server = asyncio::start_server(
                move |r, w| {
                    let done = done_tx.lock().unwrap().clone();
                    async move {
                        let ok = duplex(r, w, 2, 1).await;
                        done.send(ok).unwrap();
                    }
                },
                "127.0.0.1",
                0,
                asyncio::StartServer {
                    ssl: Some(&ctx),
                    ..Default::default()
                },
            )
            .await?;
            let port = server.sockets()[0].getsockname()?.port();
            let ctx = common::client_context();
            let (reader, writer) = asyncio::open_connection(
                "localhost",
                port,
                asyncio::OpenConnection::default().ssl(&ctx),
            )
            .await?;
            let client_ok = asyncio::wait_for(duplex(reader, writer, 1, 2), 30.0).await??;
            let server_ok = tokio::task::spawn_blocking(move || done_rx.recv().unwrap())
                .await
                .unwrap()?;
            server.close();
            server.wait_closed().await;
            pyssl::Result::Ok((client_ok, server_ok))
        })
        .unwrap();
    assert!(client_ok && server_ok);
}

/// Echoes one line, then holds the connection until the client's EOF.
async fn hold_after_a_line(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
) -> pyssl::Result<()> {
    let line = reader.readline().await?;
    writer.write(&line)?;
    writer.drain().await?;
    reader.read(-1).await?;
    writer.close();
    writer.wait_closed().await
}

/// The server forgets its lost clients in batches; after 300 connections came and went,
/// `close_clients()` still reaches each of the three still open, and only those.
#[test]
fn close_clients_reaches_every_live_client_after_many_came_and_went() {
    for runtime in common::runtimes() {
        let eofs = runtime
            .block_on(async {
                let server =
                    asyncio::start_server(hold_after_a_line, "127.0.0.1", 0, Default::default())
                        .await?;
                let port = server.sockets()[0].getsockname()?.port();
                let exchange = || async move {
                    let (mut reader, writer) =
                        asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
                    writer.write(b"ping\n")?;
                    writer.drain().await?;
                    reader.readline().await?;
                    pyssl::Result::Ok((reader, writer))
                };
                for _ in 0..300 {
                    let (_reader, writer) = exchange().await?;
                    writer.close();
                    writer.wait_closed().await?;
                }
                let mut live = Vec::new();
                for _ in 0..3 {
                    live.push(exchange().await?);
                }
                server.close_clients();
                let mut eofs = Vec::new();
                for (mut reader, writer) in live {
                    eofs.push(asyncio::wait_for(reader.read(-1), 5.0).await??);
                    writer.close();
                }
                server.close();
                asyncio::wait_for(server.wait_closed(), 5.0).await?;
                pyssl::Result::Ok(eofs)
            })
            .unwrap();
        assert_eq!(eofs, [Vec::<u8>::new(), Vec::new(), Vec::new()]);
    }
}
