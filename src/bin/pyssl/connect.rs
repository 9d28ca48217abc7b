//! `pyssl connect HOST PORT`: the article's client, for real servers.
//!
//! Verification is on by default (the system trust store, or `--cafile`); `--insecure` is the
//! article's `cert_reqs=ssl.CERT_NONE`. Errors print as Python's `str(e)` on stderr, exit 1.

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

use crate::{take_flag, take_option, USAGE};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let cafile = take_option(&mut args, "--cafile")?;
    let server_hostname = take_option(&mut args, "--server-hostname")?;
    let insecure = take_flag(&mut args, "--insecure");
    let [host, port] = args.as_slice() else {
        return Err(USAGE.to_string());
    };
    let port: u16 = port.parse().map_err(|_| format!("invalid port {port:?}"))?;
    let hostname = server_hostname.unwrap_or_else(|| host.clone());
    fetch(host, port, &hostname, cafile.as_deref(), insecure).map_err(|e| e.to_string())
}

/// The article's client: context, wrap, connect, GET, print.
fn fetch(
    host: &str,
    port: u16,
    hostname: &str,
    cafile: Option<&str>,
    insecure: bool,
) -> ssl::Result<()> {
    let context = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile,
        ..Default::default()
    })?;
    if insecure {
        context.set_check_hostname(false);
        context.set_verify_mode(ssl::CERT_NONE)?;
    }
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
    let mut secure_sock = context.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some(hostname),
            ..Default::default()
        },
    )?;
    secure_sock.connect((host, port))?;
    outln!("version: {}", secure_sock.version().py_repr());
    outln!("cipher: {}", secure_sock.cipher().py_repr());
    outln!(
        "peer certificate: {}",
        secure_sock.getpeercert(false)?.py_repr()
    );
    // The chain as CPython 3.13 shows it: each certificate decoded as getpeercert() does.
    for (i, der) in secure_sock.get_verified_chain().iter().enumerate() {
        outln!(
            "verified chain [{i}]: {}",
            ssl::_decode_der_cert(der)?.py_repr()
        );
    }
    let request = format!("GET / HTTP/1.1\r\nHost: {hostname}\r\nConnection: close\r\n\r\n");
    secure_sock.sendall(request.as_bytes())?;
    let response = secure_sock.recv(4096)?;
    outln!("{}", String::from_utf8_lossy(&response));
    secure_sock.close()?;
    Ok(())
}
