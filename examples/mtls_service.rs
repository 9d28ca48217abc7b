//! A mutual-TLS echo service and its client, ported from the usual Python pair:
//!
//! ```python
//! # server
//! ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile='ca.pem')
//! ctx.verify_mode = ssl.CERT_REQUIRED
//! ctx.load_cert_chain('server.pem', 'server.key')
//! with socket.create_server(('127.0.0.1', 0)) as srv:
//!     with ctx.wrap_socket(srv, server_side=True) as ssrv:
//!         conn, addr = ssrv.accept()
//!         who = dict(x[0] for x in conn.getpeercert()['subject'])['commonName']
//!         conn.sendall(f"hello {who}: ".encode() + conn.recv(1024))
//! # client
//! ctx = ssl.create_default_context(cafile='ca.pem')
//! ctx.load_cert_chain('client.pem', 'client.key')
//! with ctx.wrap_socket(socket.create_connection(addr), server_hostname='localhost') as s:
//!     s.sendall(b'ping'); print(s.recv(1024).decode())
//! ```

mod common;

use std::thread;

use pyssl::{socket, ssl};

fn main() -> pyssl::Result<()> {
    let (ca, server_cert, server_key) = (
        common::fixture("ca.pem"),
        common::fixture("server.pem"),
        common::fixture("server.key"),
    );
    let (client_cert, client_key) = (common::fixture("client.pem"), common::fixture("client.key"));

    // The server: client certificates required, signed by our CA.
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        purpose: ssl::Purpose::CLIENT_AUTH,
        cafile: Some(&ca),
        ..Default::default()
    })?;
    ctx.set_verify_mode(ssl::CERT_REQUIRED)?;
    ctx.load_cert_chain(&server_cert, server_key.as_str())?;
    let srv = socket::create_server(("127.0.0.1", 0), Default::default())?;
    let addr = srv.getsockname()?;
    let ssrv = ctx.wrap_socket(
        srv,
        ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        },
    )?;
    let server = thread::spawn(move || -> pyssl::Result<()> {
        let (mut conn, _addr) = ssrv.accept()?;
        let cert = conn.getpeercert(false)?.and_then(|c| c.as_dict().cloned());
        // who = dict(x[0] for x in conn.getpeercert()['subject'])['commonName']
        let who = cert
            .iter()
            .flat_map(|c| c.subject.iter())
            .map(|rdn| &rdn[0])
            .find(|(name, _)| name == "commonName")
            .and_then(|(_, value)| value.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut reply = format!("hello {who}: ").into_bytes();
        reply.extend(conn.recv(1024)?);
        conn.sendall(&reply)
    });

    // The client: presents its certificate, verifies the server's.
    let cctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&ca),
        ..Default::default()
    })?;
    cctx.load_cert_chain(&client_cert, client_key.as_str())?;
    let sock = socket::create_connection(("127.0.0.1", addr.port()), Default::default())?;
    let mut s = cctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )?;
    s.sendall(b"ping")?;
    println!("{}", String::from_utf8_lossy(&s.recv(1024)?));
    server.join().expect("server thread")?;
    Ok(())
}
