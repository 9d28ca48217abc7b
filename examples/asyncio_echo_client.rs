//! A TLS client on asyncio: sends each message as a line and prints the echo.
//!
//! usage: asyncio_echo_client HOST PORT CAFILE MESSAGE...
//!
//! The line-for-line port of `examples/asyncio_echo_client.py` on `pyssl::asyncio` (cargo
//! feature `asyncio`; its markers are explained in `examples/smtp_starttls.rs`, and
//! `docs/porting.md` counts them). `tests/example_programs/` runs both against the same
//! loopback servers and compares their output and exit status.
use pyssl::asyncio;
use pyssl::exceptions::*; // +: Python's builtin exceptions need no import
use pyssl::ssl::{self, PeerCertDict, Subscript};
use std::collections::HashMap; // +: dict() is a builtin
use std::{env, process}; // std: sys

#[rustfmt::skip]
async fn main_(host: &str, port: u16, cafile: &str, messages: &[String]) -> pyssl::Result<i32> {
    let context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(cafile), ..Default::default() })?;
    // -: try:
    let connected = asyncio::wait_for(
        asyncio::open_connection(host, port, asyncio::OpenConnection { ssl: (&context).into(), ssl_handshake_timeout: Some(5.0), ..Default::default() }), 10.0).await;
    let (mut reader, writer) = match connected.and_then(|c| c) { // +: the except clauses match the try block's outcome
        Err(ssl::Error::SSLError(e)) if e.isinstance(ssl::SSLCertVerificationError) => {
            println!("certificate rejected: {}", e.verify_message.unwrap_or_default());
            return Ok(2);
        }
        Err(e) if e.isinstance(ConnectionRefusedError) => {
            println!("cannot connect: {}", e.strerror().unwrap_or_default());
            return Ok(3);
        }
        Err(e) if e.isinstance(TimeoutError) => {
            println!("no answer from the server");
            return Ok(4);
        }
        other => other?, // +: what no clause catches propagates
    };
    let cert = writer.get_extra_info("peercert").dict()?;
    let subject: HashMap<_, _> = cert.subject.iter().map(|rdn| rdn[0].clone()).collect();
    println!("connected to {} with {}", subject["commonName"], writer.get_extra_info("cipher").cipher().subscript()?.0);
    for message in messages {
        writer.write(&[message.as_bytes(), b"\n"].concat())?;
        writer.drain().await?;
        let line = reader.readline().await?;
        if line.is_empty() {
            println!("the server hung up");
            return Ok(5);
        }
        println!("echo: {}", String::from_utf8_lossy(&line).trim_end());
    }
    writer.close();
    writer.wait_closed().await?;
    Ok(0)
}

#[rustfmt::skip]
fn main() -> pyssl::Main { // +: Rust's main runs the async one
    let argv: Vec<String> = env::args().collect(); // +std: sys.argv
    if argv.len() < 5 { // std: len(sys.argv)
        eprintln!("usage: {} HOST PORT CAFILE MESSAGE...", argv[0]); // std: sys.argv, file=sys.stderr
        process::exit(1); // std: sys.exit
    }
    asyncio::run(main_(&argv[1], argv[2].parse().expect("PORT is a number"), &argv[3], &argv[4..])).map(|code| process::exit(code)).into() // std: sys.exit, int(sys.argv[2])
}
