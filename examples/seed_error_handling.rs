//! The article's error handling ("Handling errors" and best practice 6), line for line:
//!
//! ```python
//! try:
//!     secure_sock.connect(server_address)
//! except ssl.SSLError as e:
//!     print("SSL error occurred:", e)
//! except socket.error as e:
//!     print("Socket error occurred:", e)
//! ```
//!
//! Without arguments it tries three local failures: a server whose self-signed certificate is
//! not trusted, a plain-text (non-TLS) server, and a port where nobody listens. With
//! `HOST PORT` it tries that server once, verifying it against the system's trust store.

mod common;

use std::io::Write as _;
use std::thread;

use pyssl::{socket, ssl};

fn attempt(host: &str, port: u16) {
    let context = ssl::create_default_context().expect("default context");
    context
        .load_verify_locations(common::fixture("ca.pem").as_str())
        .expect("fixture CA");
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).expect("socket");
    let mut secure_sock = context
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some(host),
                ..Default::default()
            },
        )
        .expect("wrap_socket");
    let server_address = (host, port);

    // try:
    //     secure_sock.connect(server_address)
    // except ssl.SSLError as e:
    //     print("SSL error occurred:", e)
    // except socket.error as e:
    //     print("Socket error occurred:", e)
    match secure_sock.connect(server_address) {
        Ok(()) => println!("Connected: {}", secure_sock.version().unwrap_or_default()),
        Err(e @ ssl::Error::SSLError(_)) => println!("SSL error occurred: {e}"),
        Err(e) if e.is_os_error() => println!("Socket error occurred: {e}"),
        Err(e) => println!("{}: {e}", e.type_name()),
    }
}

/// A server that answers TLS with plain HTTP, like a misconfigured port.
fn plain_text_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    port
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [host, port] = args.as_slice() {
        attempt(host, port.parse().expect("PORT must be a number"));
        return;
    }
    attempt(
        "localhost",
        common::local_server("selfsigned.pem", "selfsigned.key"),
    );
    attempt("localhost", plain_text_server());
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).expect("socket");
    unused.bind(("127.0.0.1", 0)).expect("bind");
    let closed_port = unused.getsockname().expect("getsockname").port();
    drop(unused);
    attempt("localhost", closed_port);
}
