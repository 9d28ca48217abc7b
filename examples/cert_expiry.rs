//! A certificate-expiry checker, ported from the usual Python script:
//!
//! ```python
//! import socket, ssl, time
//! def days_left(host, port=443, cafile=None):
//!     ctx = ssl.create_default_context(cafile=cafile)
//!     with socket.create_connection((host, port), timeout=10) as sock:
//!         with ctx.wrap_socket(sock, server_hostname=host) as ssock:
//!             cert = ssock.getpeercert()
//!     expires = ssl.cert_time_to_seconds(cert['notAfter'])
//!     return cert['notAfter'], int((expires - time.time()) // 86400)
//! ```
//!
//! `cargo run --example cert_expiry -- HOST PORT [CAFILE]`; without arguments it checks a local
//! server it starts with the fixture certificate (trusted through the fixture CA).

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use pyssl::{socket, ssl};

fn days_left(host: &str, port: u16, cafile: Option<&str>) -> pyssl::Result<(String, i64)> {
    // ctx = ssl.create_default_context(cafile=cafile)
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile,
        ..Default::default()
    })?;
    // with socket.create_connection((host, port), timeout=10) as sock:
    let sock = socket::create_connection(
        (host, port),
        socket::CreateConnection {
            timeout: 10.0.into(),
            ..Default::default()
        },
    )?;
    //     with ctx.wrap_socket(sock, server_hostname=host) as ssock:
    //         cert = ssock.getpeercert()
    let ssock = ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(host),
            ..Default::default()
        },
    )?;
    let cert = ssock
        .getpeercert(false)?
        .and_then(|c| c.as_dict().cloned())
        .expect("a verified peer has a certificate");
    // expires = ssl.cert_time_to_seconds(cert['notAfter'])
    let expires = ssl::cert_time_to_seconds(&cert.notAfter)?;
    // return cert['notAfter'], int((expires - time.time()) // 86400)
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Ok((cert.notAfter.clone(), (expires - now).div_euclid(86400)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ca = common::fixture("ca.pem");
    let (host, port, cafile) = match args.as_slice() {
        [host, port] => (host.clone(), port.parse().expect("PORT"), None),
        [host, port, cafile] => (
            host.clone(),
            port.parse().expect("PORT"),
            Some(cafile.clone()),
        ),
        _ => (
            "localhost".to_string(),
            common::local_server("server.pem", "server.key"),
            Some(ca),
        ),
    };
    match days_left(&host, port, cafile.as_deref()) {
        Ok((not_after, days)) => println!("{host}:{port} expires {not_after} ({days} days left)"),
        Err(e) => {
            eprintln!("{host}:{port}: {e}");
            std::process::exit(1);
        }
    }
}
