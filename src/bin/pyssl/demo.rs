//! `pyssl demo`: the seed article, played on loopback with the repository's fixture
//! certificates. Every step prints what the Python would print.

use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

use crate::fixture;
use crate::serve::{listen, serve, server_context};

pub fn run() -> Result<(), String> {
    play().map_err(|e| format!("demo failed: {e}"))
}

fn play() -> ssl::Result<()> {
    outln!(
        "pyssl demo: the article's examples over {}\n",
        *ssl::OPENSSL_VERSION
    );

    outln!("== 1. The article's HTTPS server: ssl.wrap_socket(bindsocket, server_side=True)");
    let port = start_article_server(2)?;
    outln!("listening on ('127.0.0.1', {port})\n");

    outln!("== 2. The article's client: ssl.wrap_socket(sock, ssl_version=PROTOCOL_TLS)");
    outln!("   (cert_reqs defaults to CERT_NONE: this client does not verify the server)");
    article_client(port)?;

    outln!("\n== 3. Best practices: create_default_context(), strong ciphers, our CA, no tickets");
    verified_client(port, "localhost")?;

    outln!(
        "\n== 4. Handling errors: try: secure_sock.connect(...) except ssl.SSLError / socket.error"
    );
    let selfsigned = start_server("selfsigned.pem", "selfsigned.key")?;
    out!("   a self-signed server:  ");
    handled(verified_client(selfsigned, "localhost"));
    let server = start_server("server.pem", "server.key")?;
    out!("   the wrong host name:   ");
    handled(verified_client_for(
        server,
        "127.0.0.1",
        "wrong.example.org",
    ));
    out!("   an expired server:     ");
    let expired = start_server("expired.pem", "expired.key")?;
    handled(verified_client(expired, "localhost"));
    out!("   nobody listening:      ");
    handled(verified_client(closed_port()?, "localhost"));
    Ok(())
}

/// The article's server, line for line, serving `connections` clients inline.
fn start_article_server(connections: usize) -> ssl::Result<u16> {
    let bindsocket = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    bindsocket.bind(("127.0.0.1", 0))?; // the article binds ('localhost', 4433)
    bindsocket.listen(5)?;
    let port = bindsocket.getsockname()?.port();
    #[allow(deprecated)]
    let ssl_socket = ssl::wrap_socket(
        bindsocket,
        ssl::WrapSocketArgs {
            keyfile: Some(&fixture("server.key")),
            certfile: Some(&fixture("server.pem")),
            server_side: true,
            ..Default::default()
        },
    )?;
    thread::spawn(move || -> ssl::Result<()> {
        for _ in 0..connections {
            let (mut newsocket, fromaddr) = ssl_socket.accept()?;
            outln!("   [server] Connection from: {fromaddr}");
            let _data = newsocket.recv(1024)?;
            newsocket.sendall(b"HTTP/1.1 200 OK\r\n\r\nHello Secure World!")?;
            newsocket.close()?;
        }
        Ok(())
    });
    Ok(port)
}

/// The article's first client.
fn article_client(port: u16) -> ssl::Result<()> {
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    #[allow(deprecated)]
    let mut secure_sock = ssl::wrap_socket(
        sock,
        ssl::WrapSocketArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            ssl_version: ssl::PROTOCOL_TLS,
            ..Default::default()
        },
    )?;
    let server_address = ("localhost", port);
    secure_sock.connect(server_address)?;
    report(&secure_sock)?;
    let request = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
    secure_sock.sendall(request.as_bytes())?;
    let response = secure_sock.recv(4096)?;
    outln!(
        "   response: {}",
        String::from_utf8_lossy(&response).py_repr()
    );
    secure_sock.close()
}

fn verified_client(port: u16, hostname: &str) -> ssl::Result<()> {
    verified_client_for(port, "localhost", hostname)
}

/// The article's best practices, verifying against the fixture CA.
fn verified_client_for(port: u16, host: &str, hostname: &str) -> ssl::Result<()> {
    let context = ssl::create_default_context()?;
    context.set_ciphers("HIGH:!RC4:!MD5:!3DES")?;
    context.load_verify_locations(fixture("ca.pem").as_str())?;
    context.set_options(ssl::OP_NO_TICKET)?;
    context.set_options(ssl::OP_NO_SSLv2 | ssl::OP_NO_SSLv3)?;
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    let mut secure_sock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(hostname),
            ..Default::default()
        },
    )?;
    secure_sock.connect((host, port))?;
    report(&secure_sock)?;
    secure_sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    let response = secure_sock.recv(4096)?;
    outln!(
        "   response: {}",
        String::from_utf8_lossy(&response).py_repr()
    );
    secure_sock.close()
}

fn report(secure_sock: &ssl::SSLSocket) -> ssl::Result<()> {
    outln!("   version(): {}", secure_sock.version().py_repr());
    outln!("   cipher(): {}", secure_sock.cipher().py_repr());
    outln!(
        "   getpeercert(): {}",
        secure_sock.getpeercert(false)?.py_repr()
    );
    Ok(())
}

/// The article's `except ssl.SSLError` / `except socket.error` arms.
fn handled(result: ssl::Result<()>) {
    match result {
        Ok(()) => outln!("connected (unexpected)"),
        Err(e @ ssl::Error::SSLError(_)) => outln!("SSL error occurred: {e}"),
        Err(e) if e.is_os_error() => outln!("Socket error occurred: {e}"),
        Err(e) => outln!("{}: {e}", e.type_name()),
    }
}

/// A hardened server with the given fixture certificate, in the background.
fn start_server(cert: &str, key: &str) -> ssl::Result<u16> {
    let context = server_context(&fixture(cert), &fixture(key))?;
    let listener = listen("127.0.0.1", 0)?;
    let port = listener.getsockname()?.port();
    thread::spawn(move || serve(&context, &listener, None));
    Ok(port)
}

/// A loopback port nobody listens on.
fn closed_port() -> ssl::Result<u16> {
    let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    s.bind(("127.0.0.1", 0))?;
    s.getsockname().map(|a| a.port())
}
