//! A STARTTLS client (the client side of an SMTP-like exchange): a plain greeting, `STARTTLS`,
//! commands over TLS, then `unwrap()` back to plain text for the goodbye.
//!
//! ```text
//! S: 220 <host> ESMTP ready            (plain)
//! C: EHLO client
//! S: 250-<host> / 250 STARTTLS
//! C: STARTTLS
//! S: 220 Go ahead
//!    ... TLS handshake ...
//! C: EHLO client                       (TLS)
//! S: 250 <host>
//! C: STOPTLS
//! S: 220 Plain text from here
//!    ... both sides unwrap() ...
//! C: QUIT                              (plain again)
//! S: 221 Bye
//! ```
//!
//! `starttls HOST PORT CAFILE` talks to a server there; without arguments it starts a local
//! pyssl server doing the other side. It prints the transcript.
//!
//! The Python it ports (smtplib-style, reading replies through a buffered file):
//!
//! ```python
//! sock = socket.create_connection((host, port))
//! f = sock.makefile('rb'); print(getreply(f))
//! sock.sendall(b'EHLO client\r\n'); print(getreply(f))
//! sock.sendall(b'STARTTLS\r\n'); print(getreply(f))
//! tls = context.wrap_socket(sock, server_hostname=host)
//! f = tls.makefile('rb')
//! tls.sendall(b'EHLO client\r\n'); print(getreply(f))
//! tls.sendall(b'STOPTLS\r\n'); print(getreply(f))
//! sock = tls.unwrap()
//! f = sock.makefile('rb')
//! sock.sendall(b'QUIT\r\n'); print(getreply(f))
//! ```

mod common;

use std::io::{BufRead, BufReader, Read};
use std::thread;

use pyssl::{socket, ssl};

/// smtplib's `getreply`: lines until one whose fourth byte is a space (`250-...` continues).
fn getreply(f: &mut impl BufRead) -> Result<Vec<String>, pyssl::Error> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if f.read_line(&mut line).map_err(pyssl::Error::from)? == 0 {
            return Err(pyssl::Error::OSError(pyssl::OSError {
                errno: None,
                strerror: Some("Connection unexpectedly closed".into()),
                filename: None,
            }));
        }
        let line = line.trim_end().to_string();
        let last = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line);
        if last {
            return Ok(lines);
        }
    }
}

/// Prints one reply as the transcript shows it.
fn show(reply: &[String]) {
    for line in reply {
        println!("S: {line}");
    }
}

/// Switching layers with bytes still in the reader would lose them: the protocol is lockstep,
/// so there are none (smtplib relies on the same).
fn nothing_buffered<R>(f: &BufReader<R>) {
    assert!(
        f.buffer().is_empty(),
        "bytes read ahead across a layer switch"
    );
}

fn main() -> Result<(), pyssl::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (host, port, cafile) = match args.as_slice() {
        [host, port, cafile] => (
            host.clone(),
            port.parse().expect("PORT must be a number"),
            cafile.clone(),
        ),
        _ => (
            "localhost".to_string(),
            local_server()?,
            common::fixture("ca.pem"),
        ),
    };
    // context = ssl.create_default_context(cafile=cafile)
    let context = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&cafile),
        ..Default::default()
    })?;

    // sock = socket.create_connection((host, port))
    let sock = socket::create_connection((host.as_str(), port), Default::default())?;
    // f = sock.makefile('rb'); print(getreply(f))
    let mut f = BufReader::new(&sock);
    show(&getreply(&mut f)?);
    println!("C: EHLO client");
    sock.sendall(b"EHLO client\r\n")?;
    show(&getreply(&mut f)?);
    println!("C: STARTTLS");
    sock.sendall(b"STARTTLS\r\n")?;
    show(&getreply(&mut f)?);
    nothing_buffered(&f);
    drop(f);

    // tls = context.wrap_socket(sock, server_hostname=host)
    let mut tls = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(&host),
            ..Default::default()
        },
    )?;
    println!("-- TLS: {} --", tls.version().unwrap_or_default());
    // f = tls.makefile('rb')
    let mut f = BufReader::new(&mut tls);
    println!("C: EHLO client");
    f.get_mut().sendall(b"EHLO client\r\n")?;
    show(&getreply(&mut f)?);
    println!("C: STOPTLS");
    f.get_mut().sendall(b"STOPTLS\r\n")?;
    show(&getreply(&mut f)?);
    nothing_buffered(&f);
    drop(f);

    // sock = tls.unwrap()
    let sock = tls.unwrap()?;
    println!("-- plain text --");
    let mut f = BufReader::new(&sock);
    println!("C: QUIT");
    sock.sendall(b"QUIT\r\n")?;
    show(&getreply(&mut f)?);
    Ok(())
}

/// Reads one line without reading ahead (a byte at a time), so no TLS byte is taken for text.
fn readline(r: &mut impl Read) -> Result<String, pyssl::Error> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        if r.read(&mut byte).map_err(pyssl::Error::from)? == 0 {
            break;
        }
        line.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// The server side, for running offline: one connection, the exchange above.
fn local_server() -> Result<u16, pyssl::Error> {
    let context = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    context.load_cert_chain(
        common::fixture("server.pem"),
        common::fixture("server.key").as_str(),
    )?;
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    listener.bind(("127.0.0.1", 0))?;
    listener.listen(1)?;
    let port = listener.getsockname()?.port();
    thread::spawn(move || -> Result<(), pyssl::Error> {
        let (mut conn, _) = listener.accept()?;
        conn.sendall(b"220 localhost ESMTP ready\r\n")?;
        assert_eq!(readline(&mut conn)?, "EHLO client\r\n");
        conn.sendall(b"250-localhost\r\n250 STARTTLS\r\n")?;
        assert_eq!(readline(&mut conn)?, "STARTTLS\r\n");
        conn.sendall(b"220 Go ahead\r\n")?;
        let mut tls = context.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )?;
        assert_eq!(readline(&mut tls)?, "EHLO client\r\n");
        tls.sendall(b"250 localhost\r\n")?;
        assert_eq!(readline(&mut tls)?, "STOPTLS\r\n");
        tls.sendall(b"220 Plain text from here\r\n")?;
        let mut conn = tls.unwrap()?;
        assert_eq!(readline(&mut conn)?, "QUIT\r\n");
        conn.sendall(b"221 Bye\r\n")?;
        Ok(())
    });
    Ok(port)
}
