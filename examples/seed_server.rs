//! The article's HTTPS server, line for line.
//!
//! `cargo run --example seed_server` binds ('localhost', 4433) as the article does;
//! `-- --port 0` picks a free port and `--connections N` stops after N clients (the tests use
//! both). Like the Python, it handles clients inline and stops at the first failed handshake
//! (`pyssl serve` is the hardened version).
#![allow(deprecated)]

mod common;

use std::io::Write as _;

// import socket
// import ssl
use pyssl::{socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let port: u16 = option("--port").map_or(4433, |p| p.parse().expect("--port N"));
    let connections: Option<usize> =
        option("--connections").map(|n| n.parse().expect("--connections N"));
    let (keyfile, certfile) = (common::fixture("server.key"), common::fixture("server.pem"));

    // # Create a standard socket
    // bindsocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    // bindsocket.bind(('localhost', 4433))
    // bindsocket.listen(5)
    let bindsocket = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    bindsocket.bind(("localhost", port))?;
    bindsocket.listen(5)?;
    println!("Listening on {}", bindsocket.getsockname()?);
    std::io::stdout().flush().ok();

    // # Wrap the socket for SSL
    // ssl_socket = ssl.wrap_socket(bindsocket, keyfile='path/to/server.key',
    //                              certfile='path/to/server.crt', server_side=True)
    let ssl_socket = ssl::wrap_socket(
        bindsocket,
        ssl::WrapSocketArgs {
            keyfile: Some(&keyfile),
            certfile: Some(&certfile),
            server_side: true,
            ..Default::default()
        },
    )?;

    // while True:
    let mut served = 0;
    while connections.map_or(true, |n| served < n) {
        // newsocket, fromaddr = ssl_socket.accept()
        // print("Connection from:", fromaddr)
        let (mut newsocket, fromaddr) = ssl_socket.accept()?;
        println!("Connection from: {fromaddr}");
        std::io::stdout().flush().ok();
        // data = newsocket.recv(1024)
        // newsocket.sendall(b'HTTP/1.1 200 OK\r\n\r\nHello Secure World!')
        // newsocket.close()
        let _data = newsocket.recv(1024)?;
        newsocket.sendall(b"HTTP/1.1 200 OK\r\n\r\nHello Secure World!")?;
        newsocket.close()?;
        served += 1;
    }
    Ok(())
}
