//! `pyssl serve`: the article's HTTPS server, hardened. Each connection is handshaken in its own
//! thread with a timeout, so a client that fails its handshake, sends garbage or stalls costs
//! one thread for at most that long and never stops the server.

use std::io::Write as _;
use std::thread;

use pyssl::{socket, ssl};

use crate::{fixture, take_option};

/// How long a client may take to handshake and send its request.
const CLIENT_TIMEOUT: f64 = 10.0;

/// The article's reply (with the backslashes its text lost).
pub const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let certfile = take_option(&mut args, "--certfile")?.unwrap_or_else(|| fixture("server.pem"));
    let keyfile = take_option(&mut args, "--keyfile")?.unwrap_or_else(|| fixture("server.key"));
    let port: u16 = match take_option(&mut args, "--port")? {
        Some(p) => p.parse().map_err(|_| format!("invalid port {p:?}"))?,
        None => 4433,
    };
    let host = take_option(&mut args, "--host")?.unwrap_or_else(|| "127.0.0.1".to_string());
    if let Some(extra) = args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let context = server_context(&certfile, &keyfile).map_err(|e| e.to_string())?;
    let listener = listen(&host, port).map_err(|e| e.to_string())?;
    let address = listener.getsockname().map_err(|e| e.to_string())?;
    println!("Serving HTTPS on {address}");
    let _ = std::io::stdout().flush();
    serve(&context, &listener, None);
    Ok(())
}

/// A server context with the given certificate chain.
pub fn server_context(certfile: &str, keyfile: &str) -> ssl::Result<ssl::SSLContext> {
    let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    context.load_cert_chain(certfile, keyfile)?;
    Ok(context)
}

/// A listening TCP socket on `host:port` (port 0 picks a free one).
pub fn listen(host: &str, port: u16) -> ssl::Result<socket::socket> {
    let family = if host.contains(':') {
        socket::AF_INET6
    } else {
        socket::AF_INET
    };
    let bindsocket = socket::socket(family, socket::SOCK_STREAM)?;
    bindsocket.setsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR, 1)?;
    bindsocket.bind((host, port))?;
    bindsocket.listen(128)?;
    Ok(bindsocket)
}

/// Accepts connections forever (or `max_connections` of them), each served in its own thread.
pub fn serve(context: &ssl::SSLContext, listener: &socket::socket, max_connections: Option<usize>) {
    let mut workers = Vec::new();
    let mut served = 0;
    while max_connections.map_or(true, |max| served < max) {
        let (newsocket, fromaddr) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        served += 1;
        let context = context.clone();
        workers.push(thread::spawn(move || {
            if let Err(e) = handle(&context, newsocket) {
                eprintln!("connection from {fromaddr} failed: {e}");
            }
        }));
        workers.retain(|w| !w.is_finished());
    }
    for w in workers {
        let _ = w.join();
    }
}

fn handle(context: &ssl::SSLContext, newsocket: socket::socket) -> ssl::Result<()> {
    newsocket.settimeout(Some(CLIENT_TIMEOUT))?;
    let mut conn = context.wrap_socket(
        newsocket,
        ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        },
    )?;
    let _request = conn.recv(1024)?;
    conn.sendall(RESPONSE)?;
    conn.close()
}
