//! `script_endings.py`, ported line for line: how a script ends. An exception that escapes
//! ends the port as it ends the Python (the traceback's last line on stderr, exit status 1)
//! because `main` returns a `pyssl::Main`; deprecation warnings reach stderr as Python prints
//! them because `main` starts with `pyssl::warnings::print_to_stderr()`.
//!
//! `cargo run --example script_endings -- CASE FIXTURES_DIR`; `tests/script_endings.rs` runs
//! every case of both programs and compares their stderr and exit status.

use std::thread;

use pyssl::exceptions::DeprecationWarning;
use pyssl::{socket, ssl, warnings};

/// `serve_once(handle)`: a loopback server thread that accepts one connection for `handle`.
fn serve_once(handle: impl FnOnce(socket::socket) + Send + 'static) -> pyssl::Result<u16> {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default())?;
    let port = listener.getsockname()?.port();
    thread::spawn(move || {
        if let Ok((conn, _)) = listener.accept() {
            handle(conn);
        }
    });
    Ok(port)
}

fn untrusted_server(conn: socket::socket, fixtures: &str) {
    let run = || -> pyssl::Result<()> {
        let server = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
        server.load_cert_chain(
            format!("{fixtures}/selfsigned.pem"),
            format!("{fixtures}/selfsigned.key").as_str(),
        )?;
        // except ssl.SSLError: pass
        match server.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        ) {
            Err(e) if e.isinstance(ssl::SSLError) => Ok(()),
            other => other.map(drop),
        }
    };
    let _ = run();
}

fn close_after_hello(conn: socket::socket) {
    let _ = conn.recv(4096);
    drop(conn); // conn.close()
}

fn reset_after_hello(conn: socket::socket) {
    let _ = conn.recv(4096);
    let _ = conn.setsockopt_bytes(
        socket::SOL_SOCKET,
        socket::SO_LINGER,
        b"\x01\x00\x00\x00\x00\x00\x00\x00",
    );
    drop(conn); // conn.close()
}

fn run() -> pyssl::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (case, fixtures) = (args[1].as_str(), args[2].clone());
    match case {
        "ok" => {
            let _ctx = ssl::create_default_context()?;
            println!("done");
        }
        "cert_verify" => {
            let server_fixtures = fixtures.clone();
            let port = serve_once(move |conn| untrusted_server(conn, &server_fixtures))?;
            let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
                cafile: Some(&format!("{fixtures}/ca.pem")),
                ..Default::default()
            })?;
            let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
            let _ssock = ctx.wrap_socket(
                sock,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )?;
        }
        "refused" => {
            let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
            unused.bind(("127.0.0.1", 0))?;
            let _sock = socket::create_connection(unused.getsockname()?, Default::default())?;
        }
        "missing_cafile" => {
            let ctx = ssl::create_default_context()?;
            ctx.load_verify_locations(format!("{fixtures}/missing.pem").as_str())?;
        }
        "no_cipher" => {
            let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
            ctx.set_ciphers("NOPE")?;
        }
        "gaierror" => {
            socket::getaddrinfo("127.0.0.1", "nosuchservice", Default::default())?;
        }
        "idna" => {
            let ctx = ssl::create_default_context()?;
            let _ssock = ctx.wrap_socket(
                socket::socket(socket::AF_INET, socket::SOCK_STREAM)?,
                ssl::WrapSocket {
                    server_hostname: Some("a..b"),
                    ..Default::default()
                },
            )?;
        }
        "check_hostname" => {
            let ctx = ssl::create_default_context()?;
            let _ssock = ctx.wrap_socket(
                socket::socket(socket::AF_INET, socket::SOCK_STREAM)?,
                Default::default(),
            )?;
        }
        "handshake_timeout" => {
            let (sock, _silent_peer) = socket::socketpair()?;
            sock.settimeout(Some(0.2))?;
            let ctx = ssl::create_default_context()?;
            let _ssock = ctx.wrap_socket(
                sock,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )?;
        }
        "want_read" => {
            let ctx = ssl::create_default_context()?;
            let mut sslobj = ctx.wrap_bio(
                &ssl::MemoryBIO::new()?,
                &ssl::MemoryBIO::new()?,
                ssl::WrapBio {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )?;
            sslobj.do_handshake()?;
        }
        "eof" => {
            let port = serve_once(close_after_hello)?;
            let ctx = ssl::create_default_context()?;
            let _ssock = ctx.wrap_socket(
                socket::create_connection(("127.0.0.1", port), Default::default())?,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )?;
        }
        "reset" => {
            let port = serve_once(reset_after_hello)?;
            let ctx = ssl::create_default_context()?;
            let _ssock = ctx.wrap_socket(
                socket::create_connection(("127.0.0.1", port), Default::default())?,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )?;
        }
        "deprecation_error" => {
            warnings::simplefilter("error", DeprecationWarning)?;
            let _ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS)?;
        }
        "deprecations" => {
            for _i in 0..3 {
                let _ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2)?;
            }
            let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
            ctx.set_minimum_version(ssl::TLSVersion::TLSv1_1)?;
            ctx.set_options(ssl::OP_NO_TLSv1)?;
            let _ctx = ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext {
                protocol: Some(ssl::PROTOCOL_TLS),
                ..Default::default()
            })?;
            println!("done");
        }
        _ => return Err(pyssl::Error::value(format!("unknown case {case}"))),
    }
    Ok(())
}

fn main() -> pyssl::Main {
    warnings::print_to_stderr();
    run().into()
}
