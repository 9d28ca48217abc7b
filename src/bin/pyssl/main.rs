//! `pyssl`: the seed article, played on loopback (`pyssl demo`, the default), its client for real
//! servers (`pyssl connect`) and its server, hardened (`pyssl serve`); and tools that answer as
//! CPython would: `ciphers` (what a cipher string selects), `decode-cert` (a certificate as
//! `getpeercert()` shows it), `getcert` (`ssl.get_server_certificate`).

#![deny(clippy::print_stdout, clippy::print_stderr)]

// First: its macros serve the modules below.
#[macro_use]
mod output;

mod ciphers;
mod connect;
mod decode_cert;
mod demo;
mod getcert;
mod request;
mod serve;
#[cfg(feature = "asyncio")]
mod serve_async;

use std::process::ExitCode;

const USAGE: &str = "\
usage: pyssl [demo]
       pyssl connect HOST PORT [--cafile FILE] [--insecure] [--server-hostname NAME]
       pyssl serve [--certfile FILE --keyfile FILE] [--port N] [--host ADDR]
                   [--handshake-timeout SECS] [--request-timeout SECS]
                   [--profile intermediate|modern|python] [--asyncio]
       pyssl ciphers [--repr] [--] CIPHER_STRING
       pyssl decode-cert FILE [--repr]
       pyssl getcert HOST PORT [--cafile FILE] [--timeout SECONDS]";

fn main() -> ExitCode {
    // `args_os`: a non-UTF-8 argument is an error message, not a panic.
    let args: Vec<String> = match std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect()
    {
        Ok(args) => args,
        Err(bad) => {
            errln!("argument is not valid UTF-8: {bad:?}");
            return ExitCode::from(2);
        }
    };
    let result = match args.first().map(String::as_str) {
        None | Some("demo") => demo::run(),
        Some("connect") => connect::run(&args[1..]),
        Some("serve") => serve::run(&args[1..]),
        Some("ciphers") => ciphers::run(&args[1..]),
        Some("decode-cert") => decode_cert::run(&args[1..]),
        Some("getcert") => getcert::run(&args[1..]),
        Some("-h") | Some("--help") => {
            outln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            errln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Takes the value after `--name` from `args`, removing both.
fn take_option(args: &mut Vec<String>, name: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) if i + 1 < args.len() => {
            let value = args.remove(i + 1);
            args.remove(i);
            Ok(Some(value))
        }
        Some(_) => Err(format!("{name} needs a value\n{USAGE}")),
    }
}

/// Removes a `--flag` from `args`, telling whether it was there.
fn take_flag(args: &mut Vec<String>, name: &str) -> bool {
    match args.iter().position(|a| a == name) {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    }
}

/// A file of the repository's `fixtures/` (the demo's certificates).
fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}
