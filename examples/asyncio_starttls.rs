//! STARTTLS on asyncio: a line protocol that starts in clear text and upgrades the same streams.
//!
//! usage: asyncio_starttls CERTFILE KEYFILE CAFILE
//!
//! The server and the client run in one event loop; each prints what it sees.
//!
//! The line-for-line port of `examples/asyncio_starttls.py` on `pyssl::asyncio` (cargo
//! feature `asyncio`; its markers are explained in `examples/smtp_starttls.rs`, and
//! `docs/porting.md` counts them). `tests/example_programs/` runs both and compares their
//! output and exit status.
use pyssl::asyncio;
use pyssl::pyrepr::PyRepr; // +: str() and repr() are builtins
use pyssl::ssl::{self, PeerCertDict};
use std::{env, process}; // std: sys

#[rustfmt::skip]
async fn serve(mut reader: asyncio::StreamReader, writer: asyncio::StreamWriter, context: ssl::SSLContext) -> pyssl::Result<()> {
    writer.write(b"220 ready\n")?;
    while let line @ [_, ..] = &reader.readline().await?[..] {
        let command = String::from_utf8_lossy(line).trim().to_string();
        let tls = writer.get_extra_info("ssl_object");
        println!("server got: {command} ({})", tls.ssl_object().map_or("clear text".into(), |tls| tls.version().py_str()));
        if command == "STARTTLS" {
            writer.write(b"220 go ahead\n")?;
            writer.start_tls(&context, Default::default()).await?;
        } else if command == "QUIT" {
            writer.write(b"221 bye\n")?;
            break;
        } else {
            writer.write(format!("250 {}\n", command.to_lowercase()).as_bytes())?;
        }
    }
    writer.close();
    writer.wait_closed().await
}

#[rustfmt::skip]
async fn command(reader: &mut asyncio::StreamReader, writer: &asyncio::StreamWriter, text: &str) -> pyssl::Result<String> {
    writer.write(&[text.as_bytes(), b"\n"].concat())?;
    writer.drain().await?;
    let reply = String::from_utf8_lossy(&reader.readline().await?).trim_end().to_string();
    println!("client: {text} -> {reply}");
    Ok(reply)
}

#[rustfmt::skip]
async fn main_(certfile: &str, keyfile: &str, cafile: &str) -> pyssl::Result<i32> {
    let server_context = ssl::create_default_context_with(ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, ..Default::default() })?;
    server_context.load_cert_chain(certfile, keyfile)?;
    let client_context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: Some(cafile), ..Default::default() })?;

    let server = asyncio::start_server(move |r, w| serve(r, w, server_context.clone()), "127.0.0.1", 0, Default::default()).await?;
    let port = server.sockets()[0].getsockname()?.port();
    let (mut reader, writer) = asyncio::open_connection("127.0.0.1", port, Default::default()).await?;
    println!("client: greeting {}", String::from_utf8_lossy(&reader.readline().await?).trim_end());
    println!("client: encrypted before? {}", (!writer.get_extra_info("ssl_object").is_none()).py_str());
    command(&mut reader, &writer, "EHLO client").await?;
    if !command(&mut reader, &writer, "STARTTLS").await?.starts_with("220") {
        return Ok(1);
    }
    writer.start_tls(&client_context, asyncio::StartTls { server_hostname: Some("localhost"), ..Default::default() }).await?;
    println!("client: now {}", writer.get_extra_info("ssl_object").ssl_object().map(|tls| tls.version()).py_str());
    println!("client: server certificate for {}", writer.get_extra_info("peercert").dict()?.subject.py_repr());
    command(&mut reader, &writer, "EHLO client").await?;
    command(&mut reader, &writer, "QUIT").await?;
    writer.close();
    writer.wait_closed().await?;
    server.close();
    server.wait_closed().await;
    Ok(0)
}

#[rustfmt::skip]
fn main() -> pyssl::Main { // +: Rust's main runs the async one
    let argv: Vec<String> = env::args().collect(); // +std: sys.argv
    asyncio::run(main_(&argv[1], &argv[2], &argv[3])).map(|code| process::exit(code)).into() // std: sys.exit
}
