//! A TLS echo server that requires client certificates, one thread per connection.
//!
//! Clients must present a certificate signed by CLIENT_CA. Each connection gets its own thread,
//! which prints the client's certificate and echoes whatever the client sends until it hangs
//! up. After --max-connections connections the main thread closes the listening socket, which
//! ends the accept loop, waits for the connection threads and exits.
//!
//! usage: mtls_echo_server CERTFILE KEYFILE CLIENT_CA [--port PORT] [--max-connections N]
//!
//! The line-for-line port of `examples/mtls_echo_server.py` (its markers are explained in
//! `examples/smtp_starttls.rs`; `docs/porting.md` counts them). `tests/example_programs/`
//! runs both with the same loopback clients and compares their output and exit status.
use pyssl::exceptions::*; // +: Python's builtin exceptions need no import
use pyssl::pyrepr::PyRepr; // +: repr() is a builtin

use std::env; // std: argparse

use pyssl::socket;
use pyssl::ssl;

use std::process; // std: sys
use std::sync::{Arc, Condvar, Mutex}; // std: threading
use std::thread; // +std: threading

// -std: lock = threading.Lock() (the Mutex below is the lock)
static FINISHED: Mutex<usize> = Mutex::new(0); // std: a counter shared by threads lives in a Mutex
static ALL_DONE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new()); // std: threading.Event

/// What `parser.parse_args()` returns.
#[rustfmt::skip]
struct Args { certfile: String, keyfile: String, client_ca: String, port: u16, max_connections: usize } // +std: argparse's namespace

#[rustfmt::skip]
fn handle(context: &ssl::SSLContext, mut conn: socket::socket, addr: socket::Address, max_connections: usize) -> pyssl::Result<()> {
    // -: global finished
    let peer = format!("{}:{}", addr.host(), addr.port());
    let outcome = (|| -> pyssl::Result<()> { // try:
        let mut tls = context.wrap_socket(&mut conn, ssl::WrapSocket { server_side: true, ..Default::default() })?;
        println!("{peer}: {}, client certificate {}", tls.version().py_str(), tls.getpeercert(false)?.py_repr());
        let mut received = 0;
        loop {
            let data = tls.recv(1024)?;
            if data.is_empty() {
                break;
            }
            tls.sendall(&data)?;
            received += data.len();
        }
        println!("{peer}: echoed {received} bytes");
        Ok(()) // +: the try block ends
    })();
    let result = match outcome { // +: the except clauses match the try block's outcome
        Err(ssl::Error::SSLError(e)) if e.isinstance(ssl::SSLCertVerificationError) => {
            println!("{peer}: rejected the client certificate: {}", e.verify_message.unwrap_or_default()); Ok(())
        }
        Err(e @ ssl::Error::SSLError(_)) => {
            println!("{peer}: TLS error: {e}"); Ok(())
        }
        Err(e) if e.isinstance(OSError) => {
            println!("{peer}: connection error: {e}"); Ok(())
        }
        other => other, // +: what no clause catches propagates, after the finally block
    };
    // -: finally:
    conn.close()?;
    let mut finished = FINISHED.lock().unwrap(); // std: with lock:
    *finished += 1; // std: the counter is behind the lock
    if *finished == max_connections { // std: the counter is behind the lock
        *ALL_DONE.0.lock().unwrap() = true; ALL_DONE.1.notify_all(); // std: all_done.set()
    }
    result // +: the exception leaves after the finally block
}

/// Accept connections until the main thread closes the listening socket.
#[rustfmt::skip]
fn serve(listener: &socket::socket, context: &ssl::SSLContext, max_connections: usize) -> pyssl::Result<()> {
    let mut threads = Vec::new();
    loop {
        // -: try:
        let (conn, addr) = match listener.accept() {
            Err(e) if e.isinstance(TimeoutError) => {
                continue;
            }
            Err(e) if e.isinstance(OSError) => {
                break;
            }
            other => other?, // +: what no clause catches propagates
        };
        let thread = thread::spawn({ let context = context.clone(); move || handle(&context, conn, addr, max_connections) }); // std: threading.Thread
        // -std: thread.start() (spawn starts it)
        threads.push(thread);
    }
    for thread in threads {
        let _ = thread.join(); // std: thread.join()
    }
    Ok(()) // +: the function ends
}

#[rustfmt::skip]
fn run() -> pyssl::Result<()> {
    let mut args = Args { certfile: String::new(), keyfile: String::new(), client_ca: String::new(), port: 8443, max_connections: 10 }; // std: argparse
    let mut positional = Vec::new(); // std: argparse
    let mut argv = env::args().skip(1); // std: argparse
    while let Some(arg) = argv.next() { // std: argparse
        match arg.as_str() { // std: argparse
            "--port" => args.port = argv.next().and_then(|p| p.parse().ok()).expect("--port PORT"), // std: argparse
            "--max-connections" => args.max_connections = argv.next().and_then(|n| n.parse().ok()).expect("--max-connections N"), // std: argparse
            _ => positional.push(arg), // +std: argparse
        }
    }
    [args.certfile, args.keyfile, args.client_ca] = positional.try_into().expect("CERTFILE KEYFILE CLIENT_CA"); // +std: argparse

    let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    context.set_verify_mode(ssl::CERT_REQUIRED)?;
    let outcome = (|| -> pyssl::Result<()> { // try:
        context.load_cert_chain(&args.certfile, args.keyfile.as_str())?;
        context.load_verify_locations(args.client_ca.as_str())
    })();
    match outcome { // +: the except clauses match the try block's outcome
        Err(e) if e.isinstance_any(&[FileNotFoundError, ssl::SSLError]) => {
            eprintln!("cannot load certificates: {e}");
            process::exit(1); // std: sys.exit
        }
        other => other?, // +: what no clause catches propagates
    }

    let listener = Arc::new(socket::create_server(("127.0.0.1", args.port), Default::default())?); // std: threads share it through an Arc
    listener.settimeout(Some(1.0))?;
    let (host, port) = listener.getsockname()?.unpack()?;
    println!("listening on {host}:{port}, serving {} connections", args.max_connections);
    let accept_thread = thread::spawn({ let (listener, context) = (listener.clone(), context.clone()); move || serve(&listener, &context, args.max_connections) }); // std: threading.Thread
    // -std: accept_thread.start() (spawn starts it)
    drop(ALL_DONE.1.wait_while(ALL_DONE.0.lock().unwrap(), |done| !*done).unwrap()); // std: all_done.wait()
    listener.close()?;
    let _ = accept_thread.join(); // std: thread.join()
    println!("served {} connections", FINISHED.lock().unwrap()); // std: the counter is behind the lock
    Ok(()) // +: the function ends
}

#[rustfmt::skip]
fn main() -> pyssl::Main {
    run().into()
}
