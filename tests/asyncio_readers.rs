//! `StreamReader`'s reads and their errors (`IncompleteReadError`, `LimitOverrunError`, the
//! `ValueError`s), and `write_eof` on plain TCP (a half-close the peer answers), against CPython
//! 3.13's asyncio: the same client script under CPython and as its pyssl port.
#![cfg(feature = "asyncio")]

mod common;

use std::sync::{Arc, Mutex};

use common::PyPeer;
use pyssl::asyncio;
use pyssl::exceptions::EOFError;
use pyssl::pyrepr::{PyBytes, PyRepr};

/// What the `script` server sends, then half-closes.
const SCRIPT: &[u8] = b"abc\ntoolongline123\n12345\r\nrest0123456789ABCDEF";

const PY_PEERS: &str = r#"
import asyncio, sys
role, mode = sys.argv[1], sys.argv[2]
SCRIPT = b"abc\ntoolongline123\n12345\r\nrest0123456789ABCDEF"
def say(*args):
    print(*args, flush=True)
def describe(e):
    extra = [repr(getattr(e, a)) for a in ('partial', 'expected', 'consumed') if hasattr(e, a)]
    return ' | '.join([type(e).__name__, str(e), repr(e), *extra, str(isinstance(e, EOFError))])

async def handle(reader, writer):
    if mode == 'script':
        writer.write(SCRIPT)
        writer.write_eof()
        await reader.read()
    else:
        data = await reader.read()
        writer.write(b'got %d bytes' % len(data))
        await writer.drain()
    writer.close()
    await writer.wait_closed()
    done.set()

async def step(name, coro):
    try:
        say(name, repr(await coro))
    except Exception as e:
        say(name, describe(e))

async def client(port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port, limit=8)
    if mode == 'script':
        await step('readuntil', reader.readuntil(b'\n'))
        await step('readline', reader.readline())
        await step('readexactly', reader.readexactly(4))
        await step('readuntil_any', reader.readuntil((b'\r\n', b'\n')))
        await step('readuntil', reader.readuntil(b'\n'))
        await step('readexactly', reader.readexactly(30))
        await step('readuntil', reader.readuntil(b'\n'))
        await step('readline', reader.readline())
        await step('read', reader.read(5))
        say('at_eof', reader.at_eof())
        await step('readexactly', reader.readexactly(0))
        await step('readuntil', reader.readuntil(b''))
        await step('readuntil_any', reader.readuntil(()))
    else:
        say('can_write_eof', writer.can_write_eof())
        writer.write(b'some data')
        writer.write_eof()
        for call in (lambda: writer.write(b'x'), lambda: writer.writelines([b'x'])):
            try:
                call()
                say('write ok')
            except Exception as e:
                say('write', describe(e))
        say('is_closing', writer.is_closing())
        await step('read', reader.read())
        await step('read', reader.read())
    writer.close()
    await writer.wait_closed()
    say('closed')

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
        await asyncio.wait_for(client(int(sys.argv[3])), 20)
asyncio.run(main())
"#;

/// The script's `describe(e)`.
fn describe(e: &pyssl::Error) -> String {
    let mut parts = vec![e.type_name().to_string(), e.to_string(), e.py_repr()];
    match e {
        pyssl::Error::IncompleteReadError { partial, expected } => {
            parts.push(PyBytes(partial).py_repr());
            parts.push(expected.map_or("None".to_string(), |n| n.to_string()));
        }
        pyssl::Error::LimitOverrunError { consumed, .. } => parts.push(consumed.to_string()),
        _ => {}
    }
    parts.push(e.isinstance(EOFError).py_str());
    parts.join(" | ")
}

fn step(out: &mut Vec<String>, name: &str, result: pyssl::Result<Vec<u8>>) {
    match result {
        Ok(data) => out.push(format!("{name} {}", PyBytes(&data).py_repr())),
        Err(e) => out.push(format!("{name} {}", describe(&e))),
    }
}

/// The pyssl port of the script's `client`.
async fn pyssl_client(mode: &str, port: u16) -> pyssl::Result<Vec<String>> {
    let mut out = Vec::new();
    let (mut reader, writer) = asyncio::open_connection(
        "127.0.0.1",
        port,
        asyncio::OpenConnection {
            limit: 8,
            ..Default::default()
        },
    )
    .await?;
    if mode == "script" {
        step(&mut out, "readuntil", reader.readuntil(b"\n").await);
        step(&mut out, "readline", reader.readline().await);
        step(&mut out, "readexactly", reader.readexactly(4).await);
        step(
            &mut out,
            "readuntil_any",
            reader.readuntil_any(&[b"\r\n", b"\n"]).await,
        );
        step(&mut out, "readuntil", reader.readuntil(b"\n").await);
        step(&mut out, "readexactly", reader.readexactly(30).await);
        step(&mut out, "readuntil", reader.readuntil(b"\n").await);
        step(&mut out, "readline", reader.readline().await);
        step(&mut out, "read", reader.read(5).await);
        out.push(format!("at_eof {}", reader.at_eof().py_str()));
        step(&mut out, "readexactly", reader.readexactly(0).await);
        step(&mut out, "readuntil", reader.readuntil(b"").await);
        step(&mut out, "readuntil_any", reader.readuntil_any(&[]).await);
    } else {
        out.push(format!("can_write_eof {}", writer.can_write_eof().py_str()));
        writer.write(b"some data")?;
        writer.write_eof()?;
        for result in [writer.write(b"x"), writer.writelines([b"x"])] {
            match result {
                Ok(()) => out.push("write ok".into()),
                Err(e) => out.push(format!("write {}", describe(&e))),
            }
        }
        out.push(format!("is_closing {}", writer.is_closing().py_str()));
        step(&mut out, "read", reader.read(-1).await);
        step(&mut out, "read", reader.read(-1).await);
    }
    writer.close();
    writer.wait_closed().await?;
    out.push("closed".into());
    Ok(out)
}

/// The pyssl port of the script's `handle`.
async fn pyssl_handle(
    mode: String,
    mut reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
    done: Arc<Mutex<bool>>,
) -> pyssl::Result<()> {
    if mode == "script" {
        writer.write(SCRIPT)?;
        writer.write_eof()?;
        reader.read(-1).await?;
    } else {
        let data = reader.read(-1).await?;
        writer.write(format!("got {} bytes", data.len()).as_bytes())?;
        writer.drain().await?;
    }
    writer.close();
    writer.wait_closed().await?;
    *done.lock().unwrap() = true;
    Ok(())
}

/// CPython with CPython, then pyssl's client with CPython's server and CPython's client with
/// pyssl's server: the client lines must be the same each time.
fn check(mode: &str) -> Vec<String> {
    let mut server = PyPeer::start(PY_PEERS, &["server", mode]);
    let port = server.port().to_string();
    let theirs = PyPeer::start(PY_PEERS, &["client", mode, &port]).finish();
    server.finish();
    for runtime in common::runtimes() {
        let mut server = PyPeer::start(PY_PEERS, &["server", mode]);
        let port = server.port();
        assert_eq!(
            runtime.block_on(pyssl_client(mode, port)).unwrap(),
            theirs,
            "{mode}"
        );
        server.finish();

        let lines = runtime
            .block_on(async {
                let done = Arc::new(Mutex::new(false));
                let (handler_done, handler_mode) = (done.clone(), mode.to_string());
                let server = asyncio::start_server(
                    move |r, w| pyssl_handle(handler_mode.clone(), r, w, handler_done.clone()),
                    "127.0.0.1",
                    0,
                    Default::default(),
                )
                .await?;
                let port = server.sockets()[0].getsockname()?.port().to_string();
                let mode = mode.to_string();
                let lines = tokio::task::spawn_blocking(move || {
                    PyPeer::start(PY_PEERS, &["client", &mode, &port]).finish()
                })
                .await
                .unwrap();
                server.close();
                asyncio::wait_for(server.wait_closed(), 10.0).await?;
                assert!(*done.lock().unwrap());
                pyssl::Result::Ok(lines)
            })
            .unwrap();
        assert_eq!(lines, theirs, "{mode}, pyssl server");
    }
    theirs
}

#[test]
fn reads_and_their_errors_are_cpythons() {
    let theirs = check("script");
    assert_eq!(theirs[0], "readuntil b'abc\\n'");
    assert_eq!(
        theirs[1],
        "readline ValueError | Separator is found, but chunk is longer than limit | ValueError('Separator is found, but chunk is longer than limit') | False"
    );
    assert!(theirs.contains(&"readexactly IncompleteReadError | 20 bytes read on a total of 30 expected bytes | IncompleteReadError('20 bytes read on a total of 30 expected bytes') | b'rest0123456789ABCDEF' | 30 | True".to_string()), "{theirs:#?}");
    assert!(theirs.contains(&"readuntil LimitOverrunError | Separator is not found, and chunk exceed the limit | LimitOverrunError('Separator is not found, and chunk exceed the limit') | 20 | False".to_string()), "{theirs:#?}");
}

#[test]
fn write_eof_half_closes_a_plain_stream() {
    let theirs = check("halfclose");
    assert_eq!(theirs[0], "can_write_eof True");
    assert!(
        theirs.contains(&"read b'got 9 bytes'".to_string()),
        "{theirs:#?}"
    );
}

#[test]
fn asyncio_errors_print_as_cpythons() {
    let theirs = common::py313(
        r#"
import asyncio, traceback
for e in [asyncio.IncompleteReadError(b'abc', 10), asyncio.IncompleteReadError(b'', None),
          asyncio.LimitOverrunError('Separator is not found, and chunk exceed the limit', 9)]:
    print(''.join(traceback.format_exception_only(e)).strip(), '|', repr(e), '|', type(e).__module__)
"#,
        &[],
    );
    let ours: Vec<String> = [
        pyssl::Error::IncompleteReadError {
            partial: b"abc".to_vec(),
            expected: Some(10),
        },
        pyssl::Error::IncompleteReadError {
            partial: Vec::new(),
            expected: None,
        },
        pyssl::Error::LimitOverrunError {
            message: "Separator is not found, and chunk exceed the limit".into(),
            consumed: 9,
        },
    ]
    .iter()
    .map(|e| {
        format!(
            "{} | {} | {}",
            e.format_exception_only(),
            e.py_repr(),
            e.type_().__module__()
        )
    })
    .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert!(ours[0].starts_with(
        "asyncio.exceptions.IncompleteReadError: 3 bytes read on a total of 10 expected bytes"
    ));
    assert_eq!(asyncio::IncompleteReadError.__bases__(), [EOFError]);
}

#[test]
fn wait_for_and_timeout_raise_a_bare_timeout_error() {
    let theirs = common::py313(
        r#"
import asyncio
async def main():
    try:
        await asyncio.wait_for(asyncio.sleep(5), 0.05)
    except TimeoutError as e:
        print(repr(e), repr(str(e)))
    try:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(5)
    except TimeoutError as e:
        print(repr(e), repr(str(e)))
    print(await asyncio.wait_for(asyncio.sleep(0, 'done'), None))
    try:
        print(await asyncio.wait_for(asyncio.sleep(0, 'done'), 0))
    except TimeoutError as e:
        print(repr(e))
    async with asyncio.timeout(0):
        print('a body that does not wait finishes')
asyncio.run(main())
"#,
        &[],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ours = runtime.block_on(async {
        let sleep = || tokio::time::sleep(std::time::Duration::from_secs(5));
        let mut out = Vec::new();
        let e = asyncio::wait_for(sleep(), 0.05).await.unwrap_err();
        out.push(format!(
            "{} {}",
            e.py_repr(),
            pyssl::pyrepr::PyStr(&e.to_string()).py_repr()
        ));
        let e = asyncio::timeout(0.05, sleep()).await.unwrap_err();
        out.push(format!(
            "{} {}",
            e.py_repr(),
            pyssl::pyrepr::PyStr(&e.to_string()).py_repr()
        ));
        out.push(
            asyncio::wait_for(async { "done" }, None)
                .await
                .unwrap()
                .to_string(),
        );
        out.push(
            asyncio::wait_for(async { "done" }, 0.0)
                .await
                .unwrap_err()
                .py_repr(),
        );
        let body = async { "a body that does not wait finishes".to_string() };
        out.push(asyncio::timeout(0.0, body).await.unwrap());
        out
    });
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(ours[0], "TimeoutError() ''");
}
