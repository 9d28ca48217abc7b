//! STARTTLS with `StreamWriter.start_tls` (CPython 3.11+: the streams are upgraded in place)
//! against CPython 3.13, both directions, plus an upgrade that fails on the hostname; and many
//! concurrent TLS connections each way.
#![cfg(feature = "asyncio")]

mod common;

use std::sync::{Arc, Mutex};

use common::{
    exc_line as exc, fixtures_dir as fixtures, pause_if_blocked, say, server_echo_then_close,
    server_start_tls, PyPeer,
};
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, ssl};

const PY_STARTTLS: &str = r#"
import asyncio, ssl, sys, time
fixtures, role, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def say(*args):
    print(*args, flush=True)
def exc(e):
    return f'{type(e).__name__}: {e}'
def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    return ctx

async def handle(reader, writer):
    say('server line', repr(await reader.readline()))
    say('server sslcontext', writer.get_extra_info('sslcontext'))
    writer.write(b'220 ready\r\n')
    await writer.drain()
    if mode == 'blocked':
        await asyncio.sleep(0)
        time.sleep(0.2)
    try:
        await writer.start_tls(server_context())
    except Exception as e:
        say('server start_tls', exc(e))
        say('server is_closing', writer.is_closing())
        done.set()
        return
    say('server cipher', writer.get_extra_info('cipher'))
    say('server can_write_eof', writer.can_write_eof())
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
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    say('client sslcontext', writer.get_extra_info('sslcontext'))
    say('client can_write_eof', writer.can_write_eof())
    writer.write(b'STARTTLS\r\nNOOP\r\n' if mode == 'pipelined' else b'STARTTLS\r\n')
    await writer.drain()
    say('client line', repr(await reader.readline()))
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    hostname = 'wrong.example' if mode == 'wronghost' else 'localhost'
    try:
        await writer.start_tls(ctx, server_hostname=hostname)
    except Exception as e:
        say('client start_tls', exc(e))
        say('client is_closing', writer.is_closing())
        return
    say('client cipher', writer.get_extra_info('cipher'))
    say('client can_write_eof', writer.can_write_eof())
    say('client subject', writer.get_extra_info('peercert')['subject'])
    writer.write(b'hello\n')
    await writer.drain()
    say('client got', repr(await reader.readline()))
    writer.close()
    await writer.wait_closed()
    say('client closed')

async def main():
    global done
    done = asyncio.Event()
    if role == 'server':
        server = await asyncio.start_server(handle, '127.0.0.1', 0)
        say('port', server.sockets[0].getsockname()[1])
        await asyncio.wait_for(done.wait(), 20)
        server.close()
        await server.wait_closed()
    else:
        await asyncio.wait_for(client(int(sys.argv[4])), 20)
asyncio.run(main())
"#;

/// The pyssl port of the script's `client`.
async fn pyssl_client(mode: &str, port: u16) -> pyssl::Result<Vec<String>> {
    let out = Mutex::new(Vec::new());
    let (mut reader, writer) =
        asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
    say(
        &out,
        format!(
            "client sslcontext {}",
            writer.get_extra_info("sslcontext").py_str()
        ),
    );
    say(
        &out,
        format!("client can_write_eof {}", writer.can_write_eof().py_str()),
    );
    writer.write(if mode == "pipelined" {
        b"STARTTLS\r\nNOOP\r\n"
    } else {
        b"STARTTLS\r\n"
    })?;
    writer.drain().await?;
    say(
        &out,
        format!(
            "client line {}",
            PyBytes(&reader.readline().await?).py_repr()
        ),
    );
    let ctx = common::client_context();
    let hostname = if mode == "wronghost" {
        "wrong.example"
    } else {
        "localhost"
    };
    let upgraded = writer
        .start_tls(
            &ctx,
            asyncio::StartTls {
                server_hostname: Some(hostname),
                ..Default::default()
            },
        )
        .await;
    if let Err(e) = upgraded {
        say(&out, format!("client start_tls {}", exc(&e)));
        say(
            &out,
            format!("client is_closing {}", writer.is_closing().py_str()),
        );
        return Ok(out.into_inner().unwrap());
    }
    say(
        &out,
        format!("client cipher {}", writer.get_extra_info("cipher").py_str()),
    );
    say(
        &out,
        format!("client can_write_eof {}", writer.can_write_eof().py_str()),
    );
    let info = writer.get_extra_info("peercert");
    let subject = &info
        .peercert()
        .and_then(ssl::PeerCert::as_dict)
        .unwrap()
        .subject;
    say(&out, format!("client subject {}", subject.py_str()));
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
    writer.wait_closed().await?;
    say(&out, "client closed".into());
    Ok(out.into_inner().unwrap())
}

/// The pyssl port of the script's `handle`.
async fn pyssl_handler(
    mode: String,
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: Arc<Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    let line = reader.readline().await?;
    say(&out, format!("server line {}", PyBytes(&line).py_repr()));
    say(
        &out,
        format!(
            "server sslcontext {}",
            writer.get_extra_info("sslcontext").py_str()
        ),
    );
    writer.write(b"220 ready\r\n")?;
    writer.drain().await?;
    pause_if_blocked(&mode).await;
    if !server_start_tls(&writer, &common::server_context(), Default::default(), &out).await {
        return Ok(());
    }
    say(
        &out,
        format!("server cipher {}", writer.get_extra_info("cipher").py_str()),
    );
    say(
        &out,
        format!("server can_write_eof {}", writer.can_write_eof().py_str()),
    );
    server_echo_then_close(&mut reader, &writer, &out).await
}

/// The STARTTLS exchange both ways against CPython's (see `common::both_directions`).
fn check_starttls(mode: &str) -> (Vec<String>, Vec<String>) {
    common::both_directions(
        PY_STARTTLS,
        mode,
        |port| pyssl_client(mode, port),
        || async {
            let out = Arc::new(Mutex::new(Vec::new()));
            let handler_out = out.clone();
            let handler_mode = mode.to_string();
            let on_client =
                move |r, w| pyssl_handler(handler_mode.clone(), r, w, handler_out.clone());
            let server =
                asyncio::start_server(on_client, "127.0.0.1", 0, Default::default()).await?;
            Ok((server, out))
        },
    )
}

#[test]
fn starttls_upgrades_both_streams_in_place_as_cpython_does() {
    let (client, server) = check_starttls("good");
    assert!(
        client.contains(&"client cipher ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)".to_string()),
        "{client:#?}"
    );
    assert!(client.contains(&"client can_write_eof False".to_string()));
    assert_eq!(server[0], "server line b'STARTTLS\\r\\n'");
    assert_eq!(server[1], "server sslcontext None");
}

/// The handler blocks (`time.sleep`) between its `220 ready` and `start_tls`, after the loop
/// ran once: CPython's loop reads nothing meanwhile, so the ClientHello the client sent on
/// `220` goes to the new session; so it must on pyssl's multi-thread runtime, whose
/// connection task reads beside the handler (it had put it in the reader: the handshake hung).
#[test]
fn a_handler_slow_to_start_tls_still_gets_the_clienthello_sent_meanwhile() {
    let (client, server) = check_starttls("blocked");
    assert!(
        client.contains(&"client got b'HELLO\\n'".to_string()),
        "{client:#?}"
    );
    assert_eq!(server.last().map(String::as_str), Some("server closed"));
}

/// A line the client sent with `STARTTLS`, before the upgrade: CPython's reader holds it
/// when `start_tls` runs and returns it after the upgrade, as if it had come through TLS;
/// pyssl does the same (only what arrives after the application last waited goes to TLS).
#[test]
fn a_line_pipelined_with_starttls_is_read_after_the_upgrade_as_in_cpython() {
    let (client, server) = check_starttls("pipelined");
    assert!(
        client.contains(&"client got b'NOOP\\r\\n'".to_string()),
        "{client:#?}"
    );
    assert!(
        server.contains(&"server got b'NOOP\\r\\n'".to_string()),
        "{server:#?}"
    );
    assert!(
        server.contains(&"server read b'hello\\n'".to_string()),
        "{server:#?}"
    );
}

#[test]
fn a_failed_upgrade_raises_the_verification_error_and_closes() {
    let (client, _) = check_starttls("wronghost");
    assert!(client.iter().any(|l| l.starts_with("client start_tls SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch")), "{client:#?}");
}

/// A CPython TLS echo server for `n` connections, or `n` concurrent CPython clients.
const PY_MANY: &str = r#"
import asyncio, ssl, sys
fixtures, role, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
async def handle(reader, writer):
    writer.write((await reader.readline()).upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    global served
    served += 1
    if served == n:
        done.set()
async def one(port, i):
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    reader, writer = await asyncio.open_connection('localhost', port, ssl=ctx)
    writer.write(b'client %d\n' % i)
    await writer.drain()
    line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return line
async def main():
    global done, served
    done, served = asyncio.Event(), 0
    if role == 'server':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
        server = await asyncio.start_server(handle, '127.0.0.1', 0, ssl=ctx)
        print('port', server.sockets[0].getsockname()[1], flush=True)
        await asyncio.wait_for(done.wait(), 30)
        server.close()
        await server.wait_closed()
        print('served', served)
    else:
        lines = await asyncio.gather(*(one(int(sys.argv[4]), i) for i in range(n)))
        print(all(line == b'CLIENT %d\n' % i for i, line in enumerate(lines)))
asyncio.run(main())
"#;

const MANY: usize = 50;

async fn pyssl_one(port: u16, i: usize) -> pyssl::Result<bool> {
    let ctx = common::client_context();
    let (mut reader, writer) = asyncio::open_connection(
        "localhost",
        port,
        asyncio::OpenConnection::default().ssl(&ctx),
    )
    .await?;
    writer.write(format!("client {i}\n").as_bytes())?;
    writer.drain().await?;
    let line = reader.readline().await?;
    writer.close();
    writer.wait_closed().await?;
    Ok(line == format!("CLIENT {i}\n").as_bytes())
}

#[test]
fn fifty_concurrent_tls_connections_each_way() {
    let fixtures = fixtures();
    let n = MANY.to_string();
    for runtime in common::runtimes() {
        // pyssl clients, CPython server.
        let mut server = PyPeer::start(PY_MANY, &[&fixtures, "server", &n]);
        let port = server.port();
        let all_ok = runtime.block_on(async {
            let tasks: Vec<_> = (0..MANY)
                .map(|i| tokio::spawn(pyssl_one(port, i)))
                .collect();
            let mut all = true;
            for task in tasks {
                all &= task.await.unwrap().unwrap();
            }
            all
        });
        assert!(all_ok);
        assert_eq!(server.finish(), [format!("served {MANY}")]);

        // CPython clients, pyssl server.
        let lines =
            runtime
                .block_on(async {
                    let ctx = common::server_context();
                    let server = asyncio::start_server(
                    |mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter| async move {
                        let line = reader.readline().await?;
                        writer.write(&line.to_ascii_uppercase())?;
                        writer.drain().await?;
                        writer.close();
                        writer.wait_closed().await
                    },
                    "127.0.0.1",
                    0,
                    asyncio::StartServer { ssl: Some(&ctx), ..Default::default() },
                )
                .await?;
                    let port = server.sockets()[0].getsockname()?.port().to_string();
                    let (fixtures, n) = (fixtures.clone(), n.clone());
                    let lines = tokio::task::spawn_blocking(move || {
                        PyPeer::start(PY_MANY, &[&fixtures, "client", &n, &port]).finish()
                    })
                    .await
                    .unwrap();
                    server.close();
                    asyncio::wait_for(server.wait_closed(), 10.0).await?;
                    pyssl::Result::Ok(lines)
                })
                .unwrap();
        assert_eq!(lines, ["True"]);
    }
}
