//! Open an SMTP session, upgrade it with STARTTLS and greet the server again over TLS.
//!
//! usage: smtp_starttls HOST PORT [CAFILE]
//!
//! Prints the conversation, the TLS version and cipher, and whom the server's certificate
//! names. Exits with status 1 and a message on stderr when the server cannot be reached,
//! does not offer STARTTLS, or presents a certificate that does not verify.
//!
//! The line-for-line port of `examples/smtp_starttls.py`: its statements in the same order,
//! each Rust line doing what the Python line in the same place does (`#[rustfmt::skip]` keeps
//! them one to a line). A trailing comment says when a line is not a plain one-to-one port:
//! `std:` another shape because of Python's standard library outside `ssl`/`socket` (`sys`
//! here), `pyssl:` another shape because of pyssl, `+:`/`+std:` a line Rust needs in addition;
//! a `// -: ...` line stands for a Python line that needs no statement of its own.
//! `scripts/port_lines.py examples/smtp_starttls` shows the pairs side by side and counts them
//! for `docs/porting.md`; `tests/example_programs/` runs both programs against the same
//! loopback SMTP server and compares their output and exit status.
use pyssl::exceptions::*; // +: Python's builtin exceptions need no import
use pyssl::pyrepr::PyRepr; // +: str() and repr() are builtins
use pyssl::socket::{self, SocketLike};
use pyssl::ssl::{self, PeerCertDict, Subscript};
use std::collections::HashMap; // +: dict() is a builtin
use std::{env, process}; // std: sys

const CLIENT_NAME: &str = "client.example.org";

#[rustfmt::skip]
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    process::exit(1); // std: sys.exit
}

/// Read one SMTP reply: '250-' lines continue it, a '250 ' line ends it.
#[rustfmt::skip]
fn read_reply(sock: &mut dyn SocketLike) -> pyssl::Result<String> {
    let mut reply = String::new();
    while !reply.ends_with("\r\n") || reply.lines().last().unwrap_or_default().get(3..4) == Some("-") {
        let chunk = sock.recv(1024)?;
        if chunk.is_empty() {
            break;
        }
        reply += &String::from_utf8_lossy(&chunk);
    }
    for line in reply.lines() {
        println!("S: {line}");
    }
    Ok(reply)
}

#[rustfmt::skip]
fn command(sock: &mut dyn SocketLike, line: &str, expected: &str) -> pyssl::Result<String> {
    println!("C: {line}");
    sock.sendall(&[line.as_bytes(), b"\r\n"].concat())?;
    let reply = read_reply(sock)?;
    if !reply.starts_with(expected) {
        fail(&format!("{} failed: {}", line.split_whitespace().next().unwrap_or_default(), Some(reply.trim()).filter(|r| !r.is_empty()).unwrap_or("connection closed")));
    }
    Ok(reply)
}

#[rustfmt::skip]
fn run() -> pyssl::Result<()> {
    let argv: Vec<String> = env::args().collect(); // +std: sys.argv
    if ![3, 4].contains(&argv.len()) { // std: sys.argv
        eprintln!("usage: {} HOST PORT [CAFILE]", argv[0]); // std: sys.argv
        process::exit(2); // std: sys.exit
    }
    let (host, port): (&str, u16) = (&argv[1], argv[2].parse().expect("PORT is a number")); // std: sys.argv
    let cafile = if argv.len() == 4 { Some(argv[3].as_str()) } else { None }; // std: sys.argv

    let context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile, ..Default::default() })?;
    let outcome = (|| -> pyssl::Result<()> { // try:
        let mut sock = ssl::AnySocket::from(socket::create_connection((host, port), socket::CreateConnection { timeout: 10.0.into(), ..Default::default() })?);
        if !read_reply(&mut sock)?.starts_with("220") {
            fail("no greeting from the server");
        }
        let features = command(&mut sock, &format!("EHLO {CLIENT_NAME}"), "250")?;
        if !features.contains("STARTTLS") {
            fail("the server does not offer STARTTLS");
        }
        command(&mut sock, "STARTTLS", "220")?;
        sock.wrap_socket(&context, ssl::WrapSocket { server_hostname: Some(host), ..Default::default() })?;
        println!("-- TLS established: {}, cipher {}", sock.version()?.py_str(), sock.cipher()?.subscript()?.0);
        let cert = sock.getpeercert(false)?.dict()?;
        let subject: HashMap<_, _> = cert.subject.iter().map(|rdn| rdn[0].clone()).collect();
        println!("-- server certificate: {}, expires {}", subject["commonName"], cert.notAfter);
        command(&mut sock, &format!("EHLO {CLIENT_NAME}"), "250")?;
        command(&mut sock, "NOOP", "250")?;
        command(&mut sock, "QUIT", "221")?;
        sock.close()
    })();
    match outcome { // +: the except clauses match the try block's outcome
        Err(ssl::Error::SSLError(e)) if e.isinstance(ssl::SSLCertVerificationError) => {
            fail(&format!("certificate verification failed: {} (code {})", e.verify_message.unwrap_or_default(), e.verify_code.unwrap_or_default()))
        }
        Err(e) if e.isinstance(ConnectionRefusedError) => {
            fail(&format!("connection refused by {host}:{port}"))
        }
        Err(e @ ssl::Error::SSLError(_)) => {
            fail(&format!("TLS error: {e}"))
        }
        Err(e) if e.isinstance(OSError) => {
            fail(&format!("network error: {e}"))
        }
        other => other, // +: what no clause catches propagates
    }
}

#[rustfmt::skip]
fn main() -> pyssl::Main {
    run().into()
}
