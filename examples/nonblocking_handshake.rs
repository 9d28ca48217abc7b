//! The classic Python non-blocking TLS handshake, line for line, waiting with
//! `select.select` on `SSLWantReadError`/`SSLWantWriteError`; then one request and its reply
//! read the same way.
//!
//! Without arguments it talks to a local HTTPS server it starts itself (verified with the
//! repository's test CA); `cargo run --example nonblocking_handshake -- example.com 443` dials a
//! real server, verified with the system's trust store.
//!
//! ```python
//! import select, socket, ssl
//!
//! context = ssl.create_default_context()
//! sock = socket.create_connection((host, port))
//! sock.setblocking(False)
//! sock = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
//! while True:
//!     try:
//!         sock.do_handshake(); break
//!     except ssl.SSLWantReadError:
//!         select.select([sock], [], [])
//!     except ssl.SSLWantWriteError:
//!         select.select([], [sock], [])
//! ```

mod common;

// import select, socket, ssl
use pyssl::{select, socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, port, context) = match args.as_slice() {
        [host, port] => (
            host.clone(),
            port.parse().expect("PORT must be a number"),
            // context = ssl.create_default_context()
            ssl::create_default_context()?,
        ),
        _ => {
            let port = common::local_server("server.pem", "server.key");
            // context = ssl.create_default_context(cafile='fixtures/ca.pem')
            let context = ssl::create_default_context_with(ssl::CreateDefaultContext {
                cafile: Some(&common::fixture("ca.pem")),
                ..Default::default()
            })?;
            ("localhost".to_string(), port, context)
        }
    };

    // sock = socket.create_connection((host, port))
    let sock = socket::create_connection((host.as_str(), port), Default::default())?;
    // sock.setblocking(False)
    sock.setblocking(false)?;
    // sock = context.wrap_socket(sock, server_hostname=host, do_handshake_on_connect=False)
    let mut sock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(&host),
            do_handshake_on_connect: false,
            ..Default::default()
        },
    )?;

    // while True:
    //     try:
    //         sock.do_handshake(); break
    //     except ssl.SSLWantReadError:
    //         select.select([sock], [], [])
    //     except ssl.SSLWantWriteError:
    //         select.select([], [sock], [])
    let mut waits = 0;
    loop {
        match sock.do_handshake() {
            Ok(()) => break,
            Err(e) if e.is_want_read() => {
                select::select(&[&sock], &[], &[], None)?;
            }
            Err(e) if e.is_want_write() => {
                select::select(&[], &[&sock], &[], None)?;
            }
            Err(e) => return Err(e),
        }
        waits += 1;
    }
    // print('handshake done:', sock.version(), 'after waiting' if waits else 'at once')
    println!(
        "handshake done: {} {}",
        sock.version().unwrap_or_default(),
        if waits > 0 {
            "after waiting"
        } else {
            "at once"
        }
    );

    // The request and its reply go through the same loop (a read may want a write too).
    // request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    loop {
        match sock.send(request.as_bytes()) {
            Ok(_) => break,
            Err(e) if e.is_want_read() => {
                select::select(&[&sock], &[], &[], None)?;
            }
            Err(e) if e.is_want_write() => {
                select::select(&[], &[&sock], &[], None)?;
            }
            Err(e) => return Err(e),
        }
    }
    let response = loop {
        match sock.recv(4096) {
            Ok(data) => break data,
            Err(e) if e.is_want_read() => {
                select::select(&[&sock], &[], &[], None)?;
            }
            Err(e) if e.is_want_write() => {
                select::select(&[], &[&sock], &[], None)?;
            }
            Err(e) => return Err(e),
        }
    };
    // print(response.decode().splitlines()[0])
    println!(
        "{}",
        String::from_utf8_lossy(&response)
            .lines()
            .next()
            .unwrap_or_default()
    );
    sock.close()?;
    Ok(())
}
