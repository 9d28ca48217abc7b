//! The article's client ("Setting Up a Secure Socket Connection" and "Implementing SSL/TLS in
//! Python"), line for line. Without arguments it talks to a local server it starts itself;
//! `cargo run --example seed_client -- example.com 443` dials the real thing.
//!
//! Note `ssl.wrap_socket` (removed in Python 3.12) defaults to `cert_reqs=CERT_NONE`: this client
//! does not verify the server, exactly like the Python.
#![allow(deprecated)]

mod common;

// import socket
// import ssl
use pyssl::{socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    let (host, port) = common::target();

    // # Create a standard socket
    // sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;

    // # Wrap the socket with SSL/TLS
    // secure_sock = ssl.wrap_socket(sock, keyfile=None, certfile=None, server_side=False,
    //                               ssl_version=ssl.PROTOCOL_TLS)  # Use PROTOCOL_TLS for TLS
    let mut secure_sock = ssl::wrap_socket(
        sock,
        ssl::WrapSocketArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            ssl_version: ssl::PROTOCOL_TLS, // Use PROTOCOL_TLS for TLS
            ..Default::default()
        },
    )?;

    // # Connect to a server
    // server_address = ('example.com', 443)  # Use an appropriate server and port
    // secure_sock.connect(server_address)
    let server_address = (host.as_str(), port);
    secure_sock.connect(server_address)?;

    // # Send an HTTP GET request
    // request = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
    // secure_sock.sendall(request.encode('utf-8'))
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
    secure_sock.sendall(request.as_bytes())?;

    // # Receive the response
    // response = secure_sock.recv(4096)  # Buffer size of 4096 bytes
    // print(response.decode('utf-8'))
    let response = secure_sock.recv(4096)?;
    println!("{}", String::from_utf8_lossy(&response));

    // # Close the secure socket
    // secure_sock.close()
    secure_sock.close()?;
    Ok(())
}
