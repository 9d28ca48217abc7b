//! TLS inside TLS: `writer.start_tls(ctx)` on a stream that is already TLS, which CPython
//! 3.11+ allows (the new TLS session runs over the first one's application transport),
//! against CPython 3.13 in both directions: the outer session is TLS 1.2 and the inner one
//! TLS 1.3, so each end sees which one it talks through; data, close and the end of the
//! stream go through both; an inner handshake that fails on the hostname fails as CPython's.
#![cfg(feature = "asyncio")]

mod common;

use std::sync::{Arc, Mutex};

use common::{
    exc_line as exc, fixtures_dir as fixtures, handler_lines, pause_if_blocked, say,
    server_echo_then_close, server_start_tls, PyPeer,
};
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, ssl};

const PY_TLS_IN_TLS: &str = r#"
import asyncio, ssl, sys, time
fixtures, role, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def say(*args):
    print(*args, flush=True)
def exc(e):
    return f'{type(e).__name__}: {e}'
def server_context(outer):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    if outer:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx
def show(side, writer):
    say(side, 'cipher', writer.get_extra_info('cipher'))
    say(side, 'version', writer.get_extra_info('ssl_object').version())
    say(side, 'server_side', writer.get_extra_info('ssl_object').server_side)

async def handle(reader, writer):
    show('server outer', writer)
    say('server line', repr(await reader.readline()))
    writer.write(b'220 ready\r\n')
    await writer.drain()
    if mode == 'blocked':
        await asyncio.sleep(0)
        time.sleep(0.2)
    try:
        await writer.start_tls(server_context(False),
                               ssl_handshake_timeout=0.5 if mode == 'silent' else None)
    except Exception as e:
        say('server start_tls', exc(e))
        say('server is_closing', writer.is_closing())
        done.set()
        return
    show('server inner', writer)
    line = await reader.readline()
    say('server got', repr(line))
    writer.write(line.upper())
    if mode != 'blocked':
        await writer.drain()
    say('server read', repr(await reader.read()))
    writer.close()
    await writer.wait_closed()
    say('server closed')
    done.set()

async def client(port):
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    reader, writer = await asyncio.open_connection('localhost', port, ssl=ctx)
    show('client outer', writer)
    writer.write(b'STARTTLS\r\n')
    await writer.drain()
    say('client line', repr(await reader.readline()))
    if mode == 'silent':
        say('client read', repr(await reader.read()))
        return
    hostname = 'wrong.example' if mode == 'wronghost' else 'localhost'
    try:
        await writer.start_tls(ctx, server_hostname=hostname)
    except Exception as e:
        say('client start_tls', exc(e))
        say('client is_closing', writer.is_closing())
        return
    show('client inner', writer)
    say('client can_write_eof', writer.can_write_eof())
    writer.write(b'hello\n')
    await writer.drain()
    say('client got', repr(await reader.readline()))
    writer.close()
    say('client is_closing', writer.is_closing())
    await writer.wait_closed()
    say('client closed')
    say('client read', repr(await reader.read()))

async def main():
    global done
    done = asyncio.Event()
    if role == 'server':
        server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_context(True))
        say('port', server.sockets[0].getsockname()[1])
        await asyncio.wait_for(done.wait(), 20)
        server.close()
        await server.wait_closed()
    else:
        await asyncio.wait_for(client(int(sys.argv[4])), 20)
asyncio.run(main())
"#;

/// `server_context(outer)`: the outer session at most TLS 1.2.
fn server_context(outer: bool) -> ssl::SSLContext {
    let ctx = common::server_context();
    if outer {
        ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    }
    ctx
}

/// The script's `show`.
fn show(out: &Mutex<Vec<String>>, side: &str, writer: &asyncio::StreamWriter) {
    say(
        out,
        format!("{side} cipher {}", writer.get_extra_info("cipher").py_str()),
    );
    let info = writer.get_extra_info("ssl_object");
    let sslobj = info.ssl_object().unwrap();
    say(out, format!("{side} version {}", sslobj.version().py_str()));
    say(
        out,
        format!("{side} server_side {}", sslobj.server_side().py_str()),
    );
}

/// The pyssl port of the script's `client`.
async fn pyssl_client(mode: &str, port: u16) -> pyssl::Result<Vec<String>> {
    let out = Mutex::new(Vec::new());
    let ctx = common::client_context();
    let kw = asyncio::OpenConnection {
        ssl: (&ctx).into(),
        ..Default::default()
    };
    let (mut reader, writer) = asyncio::open_connection("localhost", port, kw).await?;
    show(&out, "client outer", &writer);
    writer.write(b"STARTTLS\r\n")?;
    writer.drain().await?;
    say(
        &out,
        format!(
            "client line {}",
            PyBytes(&reader.readline().await?).py_repr()
        ),
    );
    if mode == "silent" {
        let rest = reader.read(-1).await?;
        say(&out, format!("client read {}", PyBytes(&rest).py_repr()));
        return Ok(out.into_inner().unwrap());
    }
    let hostname = if mode == "wronghost" {
        "wrong.example"
    } else {
        "localhost"
    };
    let kw = asyncio::StartTls {
        server_hostname: Some(hostname),
        ..Default::default()
    };
    if let Err(e) = writer.start_tls(&ctx, kw).await {
        say(&out, format!("client start_tls {}", exc(&e)));
        say(
            &out,
            format!("client is_closing {}", writer.is_closing().py_str()),
        );
        return Ok(out.into_inner().unwrap());
    }
    show(&out, "client inner", &writer);
    say(
        &out,
        format!("client can_write_eof {}", writer.can_write_eof().py_str()),
    );
    writer.write(b"hello\n")?;
    writer.drain().await?;
    say(
        &out,
        format!(
            "client got {}",
            PyBytes(&reader.readline().await?).py_repr()
        ),
    );
    writer.close();
    say(
        &out,
        format!("client is_closing {}", writer.is_closing().py_str()),
    );
    writer.wait_closed().await?;
    say(&out, "client closed".into());
    say(
        &out,
        format!("client read {}", PyBytes(&reader.read(-1).await?).py_repr()),
    );
    Ok(out.into_inner().unwrap())
}

/// The pyssl port of the script's `handle`.
async fn pyssl_handler(
    mode: String,
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: Arc<Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    show(&out, "server outer", &writer);
    say(
        &out,
        format!(
            "server line {}",
            PyBytes(&reader.readline().await?).py_repr()
        ),
    );
    writer.write(b"220 ready\r\n")?;
    writer.drain().await?;
    pause_if_blocked(&mode).await;
    let kw = asyncio::StartTls {
        ssl_handshake_timeout: (mode == "silent").then_some(0.5),
        ..Default::default()
    };
    if !server_start_tls(&writer, &server_context(false), kw, &out).await {
        return Ok(());
    }
    show(&out, "server inner", &writer);
    server_echo_then_close(&mut reader, &writer, &out).await
}

/// The TLS-in-TLS exchange both ways against CPython's (see `common::both_directions`); the
/// pyssl server's outer session is TLS 1.2.
fn check(mode: &str) -> (Vec<String>, Vec<String>) {
    common::both_directions(
        PY_TLS_IN_TLS,
        mode,
        |port| pyssl_client(mode, port),
        || async {
            let out = Arc::new(Mutex::new(Vec::new()));
            let handler_out = out.clone();
            let outer = server_context(true);
            let kw = asyncio::StartServer {
                ssl: Some(&outer),
                ..Default::default()
            };
            let handler_mode = mode.to_string();
            let on_client =
                move |r, w| pyssl_handler(handler_mode.clone(), r, w, handler_out.clone());
            let server = asyncio::start_server(on_client, "127.0.0.1", 0, kw).await?;
            Ok((server, out))
        },
    )
}

/// What the client of a good exchange prints.
const GOOD_CLIENT: [&str; 12] = [
    "client outer cipher ('ECDHE-RSA-AES256-GCM-SHA384', 'TLSv1.2', 256)",
    "client outer version TLSv1.2",
    "client outer server_side False",
    "client line b'220 ready\\r\\n'",
    "client inner cipher ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
    "client inner version TLSv1.3",
    "client inner server_side False",
    "client can_write_eof False",
    "client got b'HELLO\\n'",
    "client is_closing True",
    "client closed",
    "client read b''",
];

/// A `mode` in which both ends run the whole session, inner TLS included, and close.
fn assert_whole_session(mode: &str) {
    let (client, server) = check(mode);
    assert_eq!(client, GOOD_CLIENT);
    assert!(
        server.contains(&"server inner version TLSv1.3".to_string()),
        "{server:#?}"
    );
    assert_eq!(server.last().map(String::as_str), Some("server closed"));
}

#[test]
fn start_tls_on_a_tls_stream_runs_a_second_session_inside_the_first() {
    assert_whole_session("good");
}

/// The handler blocks (`time.sleep`) between its `220 ready` and `start_tls`, after the loop
/// ran once. CPython's loop reads nothing meanwhile, so the client's ClientHello, sent on
/// `220`, goes to the new session. pyssl's connection task reads beside the handler on the
/// multi-thread runtime: it had put the ClientHello in the reader, and the inner handshake
/// waited for it (the intermittent 20 s timeout of the test above, under load).
#[test]
fn a_handler_slow_to_start_tls_still_gets_the_clienthello_sent_meanwhile() {
    assert_whole_session("blocked");
}

#[test]
fn an_inner_handshake_that_fails_fails_as_cpythons() {
    let (client, server) = check("wronghost");
    assert_eq!(
        client[4..],
        [
            "client start_tls SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'wrong.example'.",
            "client is_closing True",
        ]
    );
    assert_eq!(
        server[4..],
        [
            "server start_tls ConnectionResetError: ",
            "server is_closing True"
        ]
    );
}

/// Bulk data through both sessions: 4 MiB each way, the reader's side held back by each
/// layer's flow control.
const PY_BULK: &str = r#"
import asyncio, hashlib, ssl, sys
fixtures, role = sys.argv[1], sys.argv[2]
N = 4 * 1024 * 1024
def data(seed):
    return bytes((i * 7 + seed) % 251 for i in range(N))
def server_context(outer):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    if outer:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx
async def handle(reader, writer):
    await reader.readline()
    writer.write(b'220 ready\r\n')
    await writer.drain()
    await writer.start_tls(server_context(False))
    got = await reader.readexactly(N)
    print('server got', hashlib.sha256(got).hexdigest() == hashlib.sha256(data(1)).hexdigest(), flush=True)
    writer.write(data(2))
    await writer.drain()
    await reader.read()
    writer.close()
    await writer.wait_closed()
    done.set()
async def client(port):
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    reader, writer = await asyncio.open_connection('localhost', port, ssl=ctx)
    writer.write(b'STARTTLS\r\n')
    await writer.drain()
    await reader.readline()
    await writer.start_tls(ctx, server_hostname='localhost')
    writer.write(data(1))
    await writer.drain()
    got = await reader.readexactly(N)
    print('client got', got == data(2), flush=True)
    writer.close()
    await writer.wait_closed()
async def main():
    global done
    done = asyncio.Event()
    if role == 'server':
        server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=server_context(True))
        print('port', server.sockets[0].getsockname()[1], flush=True)
        await asyncio.wait_for(done.wait(), 60)
        server.close()
        await server.wait_closed()
    else:
        await asyncio.wait_for(client(int(sys.argv[3])), 60)
asyncio.run(main())
"#;

const BULK: usize = 4 * 1024 * 1024;

fn bulk_data(seed: usize) -> Vec<u8> {
    (0..BULK).map(|i| ((i * 7 + seed) % 251) as u8).collect()
}

async fn pyssl_bulk_client(port: u16) -> pyssl::Result<bool> {
    let ctx = common::client_context();
    let kw = asyncio::OpenConnection {
        ssl: (&ctx).into(),
        ..Default::default()
    };
    let (mut reader, writer) = asyncio::open_connection("localhost", port, kw).await?;
    writer.write(b"STARTTLS\r\n")?;
    writer.drain().await?;
    reader.readline().await?;
    let kw = asyncio::StartTls {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    writer.start_tls(&ctx, kw).await?;
    writer.write(&bulk_data(1))?;
    // As in CPython, the inner session hands all its records to the outer one at once (whose
    // socket transport holds them): the inner one's buffer is empty, drain() does not wait.
    assert_eq!(writer.transport().get_write_buffer_size(), 0);
    writer.drain().await?;
    let got = reader.readexactly(BULK).await?;
    writer.close();
    writer.wait_closed().await?;
    Ok(got == bulk_data(2))
}

async fn pyssl_bulk_handler(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: Arc<Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    reader.readline().await?;
    writer.write(b"220 ready\r\n")?;
    writer.drain().await?;
    writer
        .start_tls(&server_context(false), Default::default())
        .await?;
    let got = reader.readexactly(BULK).await?;
    say(
        &out,
        format!("server got {}", (got == bulk_data(1)).py_str()),
    );
    writer.write(&bulk_data(2))?;
    writer.drain().await?;
    reader.read(-1).await?;
    writer.close();
    writer.wait_closed().await?;
    say(&out, "done".into());
    Ok(())
}

#[test]
fn four_mib_each_way_through_both_sessions() {
    let fixtures = fixtures();
    for runtime in common::runtimes() {
        let mut server = PyPeer::start(PY_BULK, &[&fixtures, "server"]);
        let port = server.port();
        assert!(runtime.block_on(pyssl_bulk_client(port)).unwrap());
        assert_eq!(server.finish(), ["server got True"]);

        let (client, server) = runtime
            .block_on(async {
                let out = Arc::new(Mutex::new(Vec::new()));
                let handler_out = out.clone();
                let outer = server_context(true);
                let kw = asyncio::StartServer {
                    ssl: Some(&outer),
                    ..Default::default()
                };
                let server = asyncio::start_server(
                    move |r, w| pyssl_bulk_handler(r, w, handler_out.clone()),
                    "127.0.0.1",
                    0,
                    kw,
                )
                .await?;
                let port = server.sockets()[0].getsockname()?.port().to_string();
                let fixtures = fixtures.clone();
                let client = tokio::task::spawn_blocking(move || {
                    PyPeer::start(PY_BULK, &[&fixtures, "client", &port]).finish()
                });
                let server_lines = asyncio::wait_for(handler_lines(&out), 60.0).await??;
                server.close();
                server.wait_closed().await;
                pyssl::Result::Ok((client.await.unwrap(), server_lines))
            })
            .unwrap();
        assert_eq!(client, ["client got True"]);
        assert_eq!(server, ["server got True"]);
    }
}

#[test]
fn an_inner_handshake_past_its_timeout_aborts_the_connection() {
    let (client, server) = check("silent");
    assert_eq!(client[4..], ["client read b''"]);
    assert_eq!(
        server[4..],
        [
            "server start_tls ConnectionAbortedError: SSL handshake is taking longer than 0.5 seconds: aborting the connection",
            "server is_closing True",
        ]
    );
}
