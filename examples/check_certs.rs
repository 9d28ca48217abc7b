//! Check the TLS certificates of a list of servers.
//!
//! For each HOST:PORT, connect with SNI, verify the certificate chain and the host name, and
//! print the certificate's subject, issuer, subjectAltName, validity period and the days left
//! before it expires. A server whose certificate does not verify, or that cannot be reached,
//! is reported with the reason. Exits with status 1 when any check failed.
//!
//! usage: check_certs [--cafile FILE] [--timeout SECONDS] HOST:PORT [HOST:PORT ...]
//!
//! The line-for-line port of `examples/check_certs.py` (its markers are explained in
//! `examples/smtp_starttls.rs`; `docs/porting.md` counts them). `tests/example_programs/`
//! runs both against the same loopback servers and compares their output and exit status.
use pyssl::exceptions::*; // +: Python's builtin exceptions need no import
use pyssl::pyrepr::PyRepr; // +: str() and repr() are builtins

use std::env; // std: argparse

use pyssl::socket;
use pyssl::ssl::{self, PeerCertDict};

use std::process; // std: sys
use std::time::{SystemTime, UNIX_EPOCH}; // std: time

/// What `parser.parse_args()` returns.
#[rustfmt::skip]
struct Args { targets: Vec<String>, cafile: Option<String>, timeout: f64 } // +std: argparse's namespace

/// Turn ((('commonName', 'example.org'),), ...) into 'commonName=example.org, ...'.
#[rustfmt::skip]
fn format_name(name: &ssl::Name) -> String {
    name.iter().flat_map(|rdn| rdn.iter()).map(|(key, value)| format!("{key}={value}")).collect::<Vec<_>>().join(", ")
}

#[rustfmt::skip]
fn fetch_certificate(context: &ssl::SSLContext, host: &str, port: u16, timeout: f64) -> pyssl::Result<(ssl::CertDict, Option<String>)> {
    let sock = socket::create_connection((host, port), socket::CreateConnection { timeout: timeout.into(), ..Default::default() })?;
    let tls = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some(host), ..Default::default() })?;
    Ok((tls.getpeercert(false)?.dict()?, tls.version()))
}

#[rustfmt::skip]
fn check(context: &ssl::SSLContext, target: &str, timeout: f64) -> pyssl::Result<bool> {
    let (host, port) = target.rsplit_once(':').unwrap_or(("", target));
    println!("{host}:{port}");
    // -: try:
    let (cert, version) = match fetch_certificate(context, host, port.parse().expect("PORT is a number"), timeout) {
        Err(ssl::Error::SSLError(e)) if e.isinstance(ssl::SSLCertVerificationError) => {
            println!("  verification failed: {} (code {})", e.verify_message.unwrap_or_default(), e.verify_code.unwrap_or_default());
            return Ok(false);
        }
        Err(ssl::Error::SSLError(e)) => {
            println!("  TLS handshake failed: {}", e.reason.unwrap_or("None"));
            return Ok(false);
        }
        Err(e) if e.isinstance(TimeoutError) => {
            println!("  timed out");
            return Ok(false);
        }
        Err(e) if e.isinstance(OSError) => {
            println!("  cannot connect: {}", e.strerror().unwrap_or("None"));
            return Ok(false);
        }
        other => other?, // +: what no clause catches propagates
    };

    let expires = ssl::cert_time_to_seconds(&cert.notAfter)?;
    let days_left = (expires as f64 - SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())).div_euclid(86400.0) as i64; // std: time.time()
    let alt_names: Vec<String> = cert.subjectAltName.iter().flatten().map(|(kind, value)| format!("{kind}:{value}")).collect();
    println!("  subject:    {}", format_name(&cert.subject));
    println!("  issuer:     {}", format_name(&cert.issuer));
    println!("  alt names:  {}", Some(alt_names.join(", ")).filter(|names| !names.is_empty()).unwrap_or("(none)".into()));
    println!("  valid from: {}", cert.notBefore);
    println!("  valid to:   {} ({days_left} days left)", cert.notAfter);
    println!("  verified:   yes, over {}", version.py_str());
    Ok(days_left >= 0)
}

#[rustfmt::skip]
fn run() -> pyssl::Result<()> {
    let mut args = Args { targets: Vec::new(), cafile: None, timeout: 5.0 }; // std: argparse
    let mut argv = env::args().skip(1); // std: argparse
    while let Some(arg) = argv.next() { // std: argparse
        match arg.as_str() { // std: argparse
            "--cafile" => args.cafile = argv.next(), // std: argparse
            "--timeout" => args.timeout = argv.next().and_then(|t| t.parse().ok()).expect("--timeout SECONDS"), // +std: argparse
            _ => args.targets.push(arg), // +std: argparse
        }
    }

    let context = ssl::create_default_context_with(ssl::CreateDefaultContext { cafile: args.cafile.as_deref(), ..Default::default() })?;
    let results = args.targets.iter().map(|target| check(&context, target, args.timeout)).collect::<pyssl::Result<Vec<bool>>>()?;
    let failed = results.iter().filter(|ok| !**ok).count();
    println!("{} of {} certificates OK", results.len() - failed, results.len());
    process::exit(if failed > 0 { 1 } else { 0 }); // std: sys.exit
}

#[rustfmt::skip]
fn main() -> pyssl::Main {
    run().into()
}
