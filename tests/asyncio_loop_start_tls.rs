//! STARTTLS the way streams did it before Python 3.11: `loop.start_tls(writer.transport,
//! transport.get_protocol(), ctx, ...)` (`asyncio::get_running_loop()?.start_tls(...)`),
//! against CPython 3.13 in both directions, and an upgrade that fails on the hostname.
#![cfg(feature = "asyncio")]

mod common;

use std::sync::{Arc, Mutex};

use common::exc_line as exc;
use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{asyncio, ssl};

const PY_LOOP_START_TLS: &str = r#"
import asyncio, ssl, sys
fixtures, role, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def say(*args):
    print(*args, flush=True)
def exc(e):
    return f'{type(e).__name__}: {e}'

async def handle(reader, writer):
    say('server line', repr(await reader.readline()))
    writer.write(b'220 ready\r\n')
    await writer.drain()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/server.pem', fixtures + '/server.key')
    loop = asyncio.get_running_loop()
    transport = writer.transport
    try:
        new_transport = await loop.start_tls(transport, transport.get_protocol(), ctx, server_side=True)
    except Exception as e:
        say('server start_tls', exc(e))
        say('server is_closing', transport.is_closing())
        done.set()
        return
    writer._transport = new_transport
    say('server cipher', new_transport.get_extra_info('cipher'))
    line = await reader.readline()
    say('server got', repr(line))
    writer.write(line.upper())
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    say('server closed')
    done.set()

async def client(port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    writer.write(b'STARTTLS\r\n')
    await writer.drain()
    say('client line', repr(await reader.readline()))
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    hostname = 'wrong.example' if mode == 'wronghost' else 'localhost'
    loop = asyncio.get_running_loop()
    transport = writer.transport
    try:
        new_transport = await loop.start_tls(transport, transport.get_protocol(), ctx, server_hostname=hostname)
    except Exception as e:
        say('client start_tls', exc(e))
        say('client is_closing', transport.is_closing())
        return
    writer._transport = new_transport
    say('client cipher', new_transport.get_extra_info('cipher'))
    say('client subject', new_transport.get_extra_info('peercert')['subject'])
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

/// The pyssl port of the script's `client`; its lines.
async fn pyssl_client(mode: &str, port: u16) -> pyssl::Result<Vec<String>> {
    let mut out = Vec::new();
    let (mut reader, writer) =
        asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
    writer.write(b"STARTTLS\r\n")?;
    writer.drain().await?;
    let line = reader.readline().await?;
    out.push(format!("client line {}", PyBytes(&line).py_repr()));
    let ctx = common::client_context();
    let hostname = if mode == "wronghost" {
        "wrong.example"
    } else {
        "localhost"
    };
    let loop_ = asyncio::get_running_loop()?;
    let transport = writer.transport();
    let kw = asyncio::LoopStartTls {
        server_hostname: Some(hostname),
        ..Default::default()
    };
    let new_transport = match loop_
        .start_tls(&transport, &transport.get_protocol(), &ctx, kw)
        .await
    {
        Ok(t) => t,
        Err(e) => {
            out.push(format!("client start_tls {}", exc(&e)));
            out.push(format!(
                "client is_closing {}",
                transport.is_closing().py_str()
            ));
            return Ok(out);
        }
    };
    // writer._transport = new_transport: the writer already writes through the new session.
    let cipher = new_transport.get_extra_info("cipher");
    out.push(format!("client cipher {}", cipher.py_str()));
    let info = new_transport.get_extra_info("peercert");
    let subject = &info
        .peercert()
        .and_then(ssl::PeerCert::as_dict)
        .unwrap()
        .subject;
    out.push(format!("client subject {}", subject.py_str()));
    writer.write(b"hello\n")?;
    writer.drain().await?;
    let line = reader.readline().await?;
    out.push(format!("client got {}", PyBytes(&line).py_repr()));
    writer.close();
    writer.wait_closed().await?;
    out.push("client closed".into());
    Ok(out)
}

/// The pyssl port of the script's `handle`; its lines go to `out`, then `done`.
async fn pyssl_handler(
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    out: Arc<Mutex<Vec<String>>>,
) -> pyssl::Result<()> {
    let say = |line: String| out.lock().unwrap().push(line);
    let line = reader.readline().await?;
    say(format!("server line {}", PyBytes(&line).py_repr()));
    writer.write(b"220 ready\r\n")?;
    writer.drain().await?;
    let loop_ = asyncio::get_running_loop()?;
    let transport = writer.transport();
    let kw = asyncio::LoopStartTls {
        server_side: true,
        ..Default::default()
    };
    let ctx = common::server_context();
    match loop_
        .start_tls(&transport, &transport.get_protocol(), &ctx, kw)
        .await
    {
        Ok(new_transport) => {
            let cipher = new_transport.get_extra_info("cipher");
            say(format!("server cipher {}", cipher.py_str()));
        }
        Err(e) => {
            say(format!("server start_tls {}", exc(&e)));
            say(format!(
                "server is_closing {}",
                transport.is_closing().py_str()
            ));
            say("done".into());
            return Ok(());
        }
    }
    let line = reader.readline().await?;
    say(format!("server got {}", PyBytes(&line).py_repr()));
    writer.write(&line.to_ascii_uppercase())?;
    writer.drain().await?;
    writer.close();
    writer.wait_closed().await?;
    say("server closed".into());
    say("done".into());
    Ok(())
}

/// The `loop.start_tls` exchange both ways against CPython's (see `common::both_directions`).
fn check(mode: &str) -> (Vec<String>, Vec<String>) {
    common::both_directions(
        PY_LOOP_START_TLS,
        mode,
        |port| pyssl_client(mode, port),
        || async {
            let out = Arc::new(Mutex::new(Vec::new()));
            let handler_out = out.clone();
            let on_client = move |r, w| pyssl_handler(r, w, handler_out.clone());
            let server =
                asyncio::start_server(on_client, "127.0.0.1", 0, Default::default()).await?;
            Ok((server, out))
        },
    )
}

#[test]
fn loop_start_tls_upgrades_a_stream_as_cpython_does() {
    let (client, server) = check("good");
    assert_eq!(
        client,
        [
            "client line b'220 ready\\r\\n'",
            "client cipher ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
            "client subject ((('organizationName', 'pyssl'),), (('commonName', 'localhost'),))",
            "client got b'HELLO\\n'",
            "client closed",
        ]
    );
    assert_eq!(
        server,
        [
            "server line b'STARTTLS\\r\\n'",
            "server cipher ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)",
            "server got b'hello\\n'",
            "server closed",
        ]
    );
}

#[test]
fn a_failed_loop_start_tls_raises_the_verification_error_and_closes_the_transport() {
    let (client, server) = check("wronghost");
    assert_eq!(
        client,
        [
            "client line b'220 ready\\r\\n'",
            "client start_tls SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] \
             certificate verify failed: Hostname mismatch, certificate is not valid for \
             'wrong.example'.",
            "client is_closing True",
        ]
    );
    assert_eq!(server[0], "server line b'STARTTLS\\r\\n'");
    assert_eq!(server[2], "server is_closing True");
}

/// `loop.start_tls` outside a runtime, and with another stream's protocol.
#[test]
fn get_running_loop_outside_a_runtime_and_a_foreign_protocol_are_errors() {
    let e = asyncio::get_running_loop().unwrap_err();
    assert_eq!(
        format!("{}: {e}", e.type_name()),
        "RuntimeError: no running event loop"
    );
    for runtime in common::runtimes() {
        let text = runtime
            .block_on(async {
                let server = asyncio::start_server(
                    |_r, w: asyncio::StreamWriter| async move { w.wait_closed().await },
                    "127.0.0.1",
                    0,
                    Default::default(),
                )
                .await?;
                let port = server.sockets()[0].getsockname()?.port();
                let (_r1, w1) =
                    asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
                let (_r2, w2) =
                    asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
                let loop_ = asyncio::get_running_loop()?;
                let err = loop_
                    .start_tls(
                        &w1.transport(),
                        &w2.transport().get_protocol(),
                        &common::client_context(),
                        Default::default(),
                    )
                    .await
                    .unwrap_err();
                w1.close();
                w2.close();
                server.close();
                pyssl::Result::Ok(format!("{}: {err}", err.type_name()))
            })
            .unwrap();
        assert_eq!(
            text,
            "NotImplementedError: start_tls() with another stream's protocol: a pyssl transport carries its own stream"
        );
    }
}
