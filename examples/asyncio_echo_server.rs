//! A TLS echo server on asyncio: each client gets its lines back until it hangs up.
//!
//! usage: asyncio_echo_server CERTFILE KEYFILE [--port N] [--connections N]
//!
//! Serves N connections (default 3), then stops.
//!
//! The line-for-line port of `examples/asyncio_echo_server.py` on `pyssl::asyncio` (cargo
//! feature `asyncio`; its markers are explained in `examples/smtp_starttls.rs`, and
//! `docs/porting.md` counts them). `tests/example_programs/` runs both against the same
//! loopback clients and compares their output and exit status.
use pyssl::asyncio;
use pyssl::exceptions::*; // +: Python's builtin exceptions need no import
use pyssl::pyrepr::PyRepr; // +: str() is a builtin
use pyssl::ssl::{self, Subscript};
use std::env; // std: argparse
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst}; // +std: a counter shared by tasks is atomic
use std::sync::Arc; // +std: tasks share the state through an Arc

/// The Python's `state` dict.
#[rustfmt::skip]
struct State { next: AtomicUsize, done: AtomicUsize, limit: usize, finished: tokio::sync::Notify } // +std: a dict of counters and an asyncio.Event

#[rustfmt::skip]
async fn handle(mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter, state: Arc<State>) -> pyssl::Result<()> {
    let peer = writer.get_extra_info("peername");
    let tls = writer.get_extra_info("ssl_object");
    println!("client {}: {}, {}", state.next.load(SeqCst), tls.ssl_object().map(|tls| tls.version()).py_str(), writer.get_extra_info("cipher").cipher().subscript()?.0);
    state.next.fetch_add(1, SeqCst); // std: the counter is atomic
    let outcome: pyssl::Result<()> = async { // try:
        while let line @ [_, ..] = &reader.readline().await?[..] {
            writer.write(line)?;
            writer.drain().await?;
        }
        println!("client from {} hung up", peer.address().map(|a| a.host()).py_str());
        writer.close();
        writer.wait_closed().await?;
        Ok(()) // +: the try block ends
    }.await; // +: the try block is an async block, awaited at once
    let result = match outcome { // +: the except clauses match the try block's outcome
        Err(e) if e.isinstance_any(&[ConnectionResetError, ssl::SSLError]) => {
            println!("client from {} failed: {e}", peer.address().map(|a| a.host()).py_str()); Ok(())
        }
        other => other, // +: what no clause catches propagates, after the finally block
    };
    // -: finally:
    writer.close();
    state.done.fetch_add(1, SeqCst); // std: the counter is atomic
    if state.done.load(SeqCst) == state.limit { // std: the counter is atomic
        state.finished.notify_one(); // std: asyncio.Event
    }
    result // +: the exception leaves after the finally block
}

/// What `parser.parse_args()` returns.
#[rustfmt::skip]
struct Args { certfile: String, keyfile: String, port: u16, connections: usize } // +std: argparse's namespace

#[rustfmt::skip]
async fn main_() -> pyssl::Result<()> {
    let mut args = Args { certfile: String::new(), keyfile: String::new(), port: 0, connections: 3 }; // std: argparse.ArgumentParser(description='TLS echo server')
    let mut argv = env::args().skip(1); // +std: the arguments parse_args reads
    let mut positional = Vec::new(); // +std: parse_args' positional arguments
    while let Some(arg) = argv.next() { // std: parser.add_argument('certfile')
        match arg.as_str() { // std: parser.add_argument('keyfile')
            "--port" => args.port = argv.next().and_then(|v| v.parse().ok()).expect("--port N"), // std: parser.add_argument('--port', type=int, default=0)
            "--connections" => args.connections = argv.next().and_then(|v| v.parse().ok()).expect("--connections N"), // std: parser.add_argument('--connections', type=int, default=3)
            _ => positional.push(arg), // +std: a positional argument
        }
    }
    (args.certfile, args.keyfile) = (positional[0].clone(), positional[1].clone()); // std: args = parser.parse_args()

    let context = ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, ..Default::default() })?;
    context.load_cert_chain(args.certfile.as_str(), args.keyfile.as_str())?;
    let state = Arc::new(State { next: AtomicUsize::new(1), done: AtomicUsize::new(0), limit: args.connections, finished: tokio::sync::Notify::new() }); // std: a dict of counters and an asyncio.Event
    let server = asyncio::start_server({ let state = state.clone(); move |r, w| handle(r, w, state.clone()) }, "127.0.0.1", args.port, asyncio::StartServer { ssl: Some(&context), ..Default::default() }).await?;
    let (host, port) = server.sockets()[0].getsockname()?.unpack()?;
    println!("serving on {host}:{port}");
    server.async_with(|_server| async {
        state.finished.notified().await; // std: asyncio.Event
    }).await; // +: the with block ends
    println!("served {} connections", state.done.load(SeqCst)); // std: the counter is atomic
    Ok(()) // +: main returns
}

#[rustfmt::skip]
fn main() -> pyssl::Main { // +: Rust's main runs the async one
    asyncio::run(main_()).into()
}
