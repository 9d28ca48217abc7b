//! The article's "disable verification" snippet (`cert_reqs=ssl.CERT_NONE`), line for line,
//! against a server whose self-signed certificate nobody trusts: the handshake succeeds because
//! nothing is verified (which is exactly the man-in-the-middle risk the article warns about).
#![allow(deprecated)]

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, port) = match args.as_slice() {
        [host, port] => (host.clone(), port.parse().expect("PORT must be a number")),
        _ => (
            "localhost".to_string(),
            common::local_server("selfsigned.pem", "selfsigned.key"),
        ),
    };
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;

    // secure_sock = ssl.wrap_socket(sock, keyfile=None, certfile=None, server_side=False,
    //                               ssl_version=ssl.PROTOCOL_TLS,
    //                               cert_reqs=ssl.CERT_NONE)  # Disable certificate verification
    let mut secure_sock = ssl::wrap_socket(
        sock,
        ssl::WrapSocketArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            ssl_version: ssl::PROTOCOL_TLS,
            cert_reqs: ssl::CERT_NONE, // Disable certificate verification
            ..Default::default()
        },
    )?;
    secure_sock.connect((host.as_str(), port))?;
    println!("version: {}", secure_sock.version().py_repr());
    println!(
        "getpeercert(): {}",
        secure_sock.getpeercert(false)?.py_repr()
    );
    secure_sock.close()?;
    Ok(())
}
