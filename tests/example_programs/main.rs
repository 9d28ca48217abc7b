//! The three example programs written as Python scripts usually are (`examples/smtp_starttls.py`,
//! `examples/check_certs.py`, `examples/mtls_echo_server.py`) run under CPython 3.13, and their
//! line-for-line ports (`examples/*.rs`) run against the very same loopback peers, which this
//! test controls; stdout, stderr and the exit status must be the same, success and failure
//! paths alike. Only what must differ is normalised: the client ports a server prints, the
//! `(_ssl.c:NNN)` locations in CPython's messages, and the traceback frames above the last line
//! when an exception escapes (the port prints that line only).
//!
//! `docs/porting.md` counts how the programs' lines ported; the last test checks its numbers
//! against `scripts/port_lines.py`.

#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "asyncio")]
mod asyncio_programs;
mod check_certs;
mod mtls_echo_server;
mod peers;
mod smtp_starttls;

use std::path::PathBuf;
use std::process::{Command, Stdio};

pub(crate) fn manifest(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// The port: `target/<profile>/examples/<name>`. `cargo test` builds the examples;
/// `cargo test --test example_programs` alone does not rebuild them (`cargo build --examples`).
pub(crate) fn port(name: &str) -> Command {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path: PathBuf = dir.join("examples").join(name);
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    Command::new(path)
}

/// The Python program under CPython 3.13, printing as it goes (stdout is a pipe here).
pub(crate) fn python(name: &str) -> Command {
    common::py313("pass", &[]); // asserts the oracle is CPython 3.13
    let mut cmd = common::python313();
    cmd.arg(manifest(&format!("examples/{name}.py")))
        .env("PYTHONUNBUFFERED", "1");
    cmd
}

/// What a program did: stdout, stderr, exit status.
#[derive(Debug, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) status: Option<i32>,
}

pub(crate) fn run(mut cmd: Command, args: &[&str]) -> Outcome {
    let out = cmd.args(args).stdin(Stdio::null()).output().unwrap();
    Outcome {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        status: out.status.code(),
    }
}

/// Each line without CPython's `(_ssl.c:NNN)` location, and a traceback reduced to its last
/// line(s): what the port prints for an escaping exception.
fn normalise(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(common::strip_location).collect();
    if let Some(start) = lines
        .iter()
        .position(|l| l == "Traceback (most recent call last):")
    {
        let tail = lines.split_off(start);
        lines.extend(
            tail.into_iter()
                .skip(1)
                .filter(|l| !l.starts_with(' ') && !l.starts_with('~') && !l.starts_with('^')),
        );
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Python's outcome, normalised and as the OpenSSL pyssl links would word it.
pub(crate) fn theirs(outcome: Outcome) -> Outcome {
    Outcome {
        stdout: common::oracle_as_linked(&normalise(&outcome.stdout)),
        stderr: common::oracle_as_linked(&normalise(&outcome.stderr)),
        status: outcome.status,
    }
}

/// Runs the Python program and its port with the same arguments; asserts they end alike and
/// returns the port's outcome.
pub(crate) fn both(name: &str, args: &[&str]) -> Outcome {
    let python = theirs(run(python(name), args));
    let rust = run(port(name), args);
    // The port's text goes through the same rewrite as Python's: off OpenSSL 3.0 a reason the
    // rewrite maps (3.2+'s record layer) must not tell them apart.
    let rust = Outcome {
        stdout: common::oracle_as_linked(&rust.stdout),
        stderr: common::oracle_as_linked(&rust.stderr),
        status: rust.status,
    };
    assert_eq!(
        rust, python,
        "{name} {args:?}: the port (left) and CPython 3.13 (right)"
    );
    rust
}

#[test]
fn porting_md_states_how_the_lines_of_each_program_ported() {
    let doc = std::fs::read_to_string(manifest("docs/porting.md")).unwrap();
    let mut names = vec!["smtp_starttls", "check_certs", "mtls_echo_server"];
    if cfg!(feature = "asyncio") {
        names.extend([
            "asyncio_starttls",
            "asyncio_echo_client",
            "asyncio_echo_server",
        ]);
    }
    for name in names {
        let counted = common::run_python(
            common::python311(),
            &std::fs::read_to_string(manifest("scripts/port_lines.py")).unwrap(),
            &["--counts", &manifest(&format!("examples/{name}"))],
        );
        // `<stem> python=N one_to_one=N std=N pyssl=N rust_extra=N`
        let numbers: Vec<&str> = counted
            .split_whitespace()
            .skip(1)
            .map(|field| field.split_once('=').unwrap().1)
            .collect();
        let row = format!(
            "| [`{name}`](../examples/{name}.py) | {} |",
            numbers.join(" | ")
        );
        assert!(
            doc.contains(&row),
            "docs/porting.md should have the row\n{row}\n(scripts/port_lines.py examples/{name})"
        );
    }
}
