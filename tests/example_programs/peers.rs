//! The loopback peers the programs meet: TLS and SMTP servers run by the test on ports bound
//! to 0, and a port nobody listens on.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use pyssl::socket::{self, SocketLike};
use pyssl::ssl;

use crate::common;

/// A listening socket on 127.0.0.1 whose connections `serve` handles, one after the other,
/// until the returned socket is closed (which wakes the blocked `accept`).
pub(crate) fn server(
    serve: impl Fn(socket::socket) + Send + 'static,
) -> (u16, Arc<socket::socket>) {
    let listener = Arc::new(socket::create_server(("127.0.0.1", 0), Default::default()).unwrap());
    let port = listener.getsockname().unwrap().port();
    let accepting = listener.clone();
    thread::spawn(move || {
        while let Ok((conn, _)) = accepting.accept() {
            serve(conn);
        }
    });
    (port, listener)
}

/// A port nobody listens on: bound, never `listen()`ed (kept bound until dropped).
pub(crate) fn refused_port() -> (u16, socket::socket) {
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    unused.bind(("127.0.0.1", 0)).unwrap();
    (unused.getsockname().unwrap().port(), unused)
}

pub(crate) fn server_context(cert: &str) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture(&format!("{cert}.pem")),
        common::fixture_str(&format!("{cert}.key")).as_str(),
    )
    .unwrap();
    ctx
}

/// A TLS server presenting `cert` that completes handshakes and hangs up.
pub(crate) fn tls_server(cert: &str) -> (u16, Arc<socket::socket>) {
    let ctx = server_context(cert);
    server(move |conn| {
        let wrapped = ctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        );
        if let Ok(mut tls) = wrapped {
            until_closed(&mut tls);
        }
    })
}

/// One line from the client, read without reading ahead (the TLS handshake may follow it).
fn read_line(sock: &mut dyn SocketLike) -> Option<String> {
    let mut line = Vec::new();
    while !line.ends_with(b"\r\n") {
        match sock.recv(1) {
            Ok(byte) if !byte.is_empty() => line.extend(byte),
            _ => return None,
        }
    }
    Some(String::from_utf8(line).unwrap())
}

/// Reads one TLS record (the ClientHello) whole, so that none of it is left unread.
pub(crate) fn read_tls_record(sock: &mut dyn SocketLike) {
    let mut record = Vec::new();
    while record.len() < 5
        || record.len() < 5 + usize::from(u16::from_be_bytes([record[3], record[4]]))
    {
        match sock.recv(1) {
            Ok(byte) if !byte.is_empty() => record.extend(byte),
            _ => return,
        }
    }
}

/// SO_LINGER with a zero timeout: closing sends a reset (RST) instead of a FIN.
pub(crate) fn reset_on_close(sock: &dyn SocketLike) {
    sock.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        .unwrap();
}

/// Reads until the client hangs up, so that this side closes last and never sends a reset.
pub(crate) fn until_closed(sock: &mut dyn SocketLike) {
    while matches!(sock.recv(1024), Ok(data) if !data.is_empty()) {}
}

/// What the SMTP test server does.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Smtp {
    /// Offers STARTTLS and completes the session.
    Normal,
    /// Does not offer STARTTLS.
    NoStartTls,
    /// Answers STARTTLS with 220, then sends clear text instead of a handshake.
    NoTlsAfterStartTls,
    /// Hangs up after the greeting and the client's first command.
    HangUp,
    /// Resets the connection after the greeting and the client's first command.
    Reset,
}

/// An SMTP server presenting `cert` after STARTTLS. The first EHLO reply comes in two pieces,
/// so the clients' multi-line reader has to loop.
pub(crate) fn smtp_server(cert: &str, mode: Smtp) -> (u16, Arc<socket::socket>) {
    let ctx = server_context(cert);
    server(move |conn| {
        let mut sock = ssl::AnySocket::from(conn);
        let _ = sock.sendall(b"220 mail.example.org ESMTP ready\r\n");
        if matches!(mode, Smtp::HangUp | Smtp::Reset) {
            // Read the command first: closing with it unread would send a reset.
            let _ = read_line(&mut sock);
            if mode == Smtp::Reset {
                reset_on_close(&sock);
            }
            return;
        }
        let mut ehlo_replies = 0;
        while let Some(line) = read_line(&mut sock) {
            let reply: &[u8] = match line.split_whitespace().next().unwrap_or("") {
                "EHLO" if ehlo_replies == 0 => {
                    ehlo_replies += 1;
                    let _ = sock.sendall(b"250-mail.example.org\r\n");
                    thread::sleep(Duration::from_millis(50));
                    if mode == Smtp::NoStartTls {
                        b"250 SIZE 10240000\r\n"
                    } else {
                        b"250-SIZE 10240000\r\n250 STARTTLS\r\n"
                    }
                }
                "EHLO" => b"250-mail.example.org\r\n250 SIZE 10240000\r\n",
                "NOOP" => b"250 2.0.0 OK\r\n",
                "QUIT" => {
                    let _ = sock.sendall(b"221 2.0.0 Bye\r\n");
                    return;
                }
                "STARTTLS" => {
                    let _ = sock.sendall(b"220 2.0.0 Ready to start TLS\r\n");
                    if mode == Smtp::NoTlsAfterStartTls {
                        read_tls_record(&mut sock);
                        let _ = sock.sendall(b"554 5.5.1 Error: no TLS here\r\n");
                        until_closed(&mut sock);
                        return;
                    }
                    let handshake = sock.wrap_socket(
                        &ctx,
                        ssl::WrapSocket {
                            server_side: true,
                            ..Default::default()
                        },
                    );
                    if handshake.is_err() {
                        return;
                    }
                    continue;
                }
                _ => b"500 5.5.2 Error: command not recognized\r\n",
            };
            if sock.sendall(reply).is_err() {
                return;
            }
        }
    })
}
