//! Shared by the examples: where the article dials `example.com`, an example called without
//! arguments starts this local server instead, so it runs offline.
#![allow(dead_code)]

use std::thread;

use pyssl::{socket, ssl};

/// A file of the repository's `fixtures/`.
pub fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `(host, port)` from the command line, or a local HTTPS server's (started here).
pub fn target() -> (String, u16) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [host, port] => (host.clone(), port.parse().expect("PORT must be a number")),
        _ => (
            "localhost".to_string(),
            local_server("server.pem", "server.key"),
        ),
    }
}

/// Starts the article's server (with a fixture certificate) on a free loopback port; it
/// answers every request with the article's reply until the example exits.
pub fn local_server(cert: &str, key: &str) -> u16 {
    let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).expect("server context");
    context
        .load_cert_chain(fixture(cert), fixture(key).as_str())
        .expect("fixture certificate");
    let bindsocket = socket::socket(socket::AF_INET, socket::SOCK_STREAM).expect("socket");
    bindsocket.bind(("127.0.0.1", 0)).expect("bind");
    bindsocket.listen(5).expect("listen");
    let port = bindsocket.getsockname().expect("getsockname").port();
    let ssl_socket = context
        .wrap_socket(
            bindsocket,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .expect("wrap");
    thread::spawn(move || loop {
        if let Ok((mut newsocket, _)) = ssl_socket.accept() {
            let _ = newsocket.recv(1024);
            let _ = newsocket.sendall(b"HTTP/1.1 200 OK\r\n\r\nHello Secure World!");
        }
    });
    port
}
