//! Every `pyssl` subcommand that prints, with its stdout a pipe nobody reads any more
//! (`pyssl ciphers ALL | head -1`), stops at its first write quietly: nothing on stderr, status 0.

mod common;

use std::fs::File;
use std::process::{ChildStdin, Command, Output, Stdio};
use std::thread;

/// The write end of a pipe whose reader has exited: every write to it fails with EPIPE.
fn pipe_without_reader() -> ChildStdin {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let write_end = reader.stdin.take().unwrap();
    assert!(reader.wait().unwrap().success());
    write_end
}

/// `pyssl ARGS` with stdout a pipe without reader.
fn run_into_broken_pipe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(pipe_without_reader())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Each run's arguments, exit status and stderr, for a comparison that shows them all.
type Outcomes<'a> = Vec<(&'a [&'a str], Option<i32>, String)>;

fn outcome<'a>(args: &'a [&'a str], out: &Output) -> (&'a [&'a str], Option<i32>, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (args, out.status.code(), stderr)
}

/// Asserts that every run exited 0 with nothing on stderr.
fn assert_all_quiet(outcomes: Outcomes<'_>) {
    let quiet: Outcomes<'_> = outcomes
        .iter()
        .map(|(args, _, _)| (*args, Some(0), String::new()))
        .collect();
    assert_eq!(outcomes, quiet);
}

#[test]
fn local_subcommands_stop_quietly_when_stdout_is_a_broken_pipe() {
    let cert = common::fixture_str("server.pem");
    let runs: [&[&str]; 8] = [
        &[],
        &["demo"],
        &["--help"],
        &["ciphers", "ALL"],
        &["ciphers", "--repr", "ALL"],
        &["decode-cert", &cert],
        &["decode-cert", &cert, "--repr"],
        &["serve", "--port", "0"],
    ];
    assert_all_quiet(
        runs.iter()
            .map(|args| outcome(args, &run_into_broken_pipe(args)))
            .collect(),
    );
}

/// Runs `pyssl ARGS` (with stdout a broken pipe), `PORT` in them replaced by the port of a TLS
/// server on loopback that serves one connection.
fn run_against_server(args: &[&str]) -> Output {
    let (port, listener) = common::tls_listener(1);
    let server = thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            conn.settimeout(Some(5.0)).unwrap();
            let _ = conn.recv(4096);
        }
    });
    let port = port.to_string();
    let args: Vec<&str> = args
        .iter()
        .map(|&a| if a == "PORT" { port.as_str() } else { a })
        .collect();
    let out = run_into_broken_pipe(&args);
    server.join().unwrap();
    out
}

#[test]
fn network_subcommands_stop_quietly_when_stdout_is_a_broken_pipe() {
    let ca = common::fixture_str("ca.pem");
    let verified = [
        "connect",
        "127.0.0.1",
        "PORT",
        "--cafile",
        &ca,
        "--server-hostname",
        "localhost",
    ];
    let runs: [&[&str]; 3] = [
        &verified,
        &["connect", "127.0.0.1", "PORT", "--insecure"],
        &["getcert", "127.0.0.1", "PORT"],
    ];
    assert_all_quiet(
        runs.iter()
            .map(|args| outcome(args, &run_against_server(args)))
            .collect(),
    );
}

#[test]
fn other_stdout_failures_are_reported() {
    let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(["ciphers", "ALL"])
        .stdout(File::options().write(true).open("/dev/full").unwrap())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).as_ref()
        ),
        (
            Some(1),
            "pyssl: cannot write to stdout: No space left on device (os error 28)\n"
        )
    );
}
