//! pyssl's log lines with a common logger (`env_logger`): the handshake (version, cipher, peer)
//! at debug, a verification failure at info, a suppressed ragged EOF at info. Never secrets.
//!
//! `RUST_LOG=pyssl=debug cargo run --example logging`

mod common;

use pyssl::{socket, ssl};

fn main() -> Result<(), pyssl::Error> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("pyssl=debug"))
        .init();
    let port = common::local_server("server.pem", "server.key");

    // A verified handshake, a request, then the server closes without close_notify.
    let context = ssl::create_default_context()?;
    context.load_verify_locations(common::fixture("ca.pem").as_str())?;
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    let mut ssock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )?;
    ssock.connect(("127.0.0.1", port))?;
    ssock.sendall(b"GET / HTTP/1.1\r\n\r\n")?;
    while !ssock.recv(4096)?.is_empty() {}
    ssock.close()?;

    // A server whose certificate does not verify.
    let bad = common::local_server("selfsigned.pem", "selfsigned.key");
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    let mut ssock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )?;
    if let Err(e) = ssock.connect(("127.0.0.1", bad)) {
        println!("refused: {e}");
    }
    Ok(())
}
