//! A ported script ends as the Python script ends: `examples/script_endings.py` under CPython
//! 3.13 and its port `examples/script_endings.rs` (whose `main` returns `pyssl::Main` and starts
//! with `warnings::print_to_stderr()`) run as processes, case by case; the exit status, stdout
//! and the traceback's last line(s) must be the same, and so must the warnings printed on
//! stderr (category and text; the file and line are each program's own).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn manifest(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/examples/script_endings`: `cargo test` builds the examples.
fn port() -> Command {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path: PathBuf = dir.join("examples").join("script_endings");
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    Command::new(path)
}

fn run(mut cmd: Command, case: &str) -> Output {
    cmd.arg(case)
        .arg(manifest("fixtures"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn python(case: &str) -> Output {
    common::py313("pass", &[]); // the oracle is CPython 3.13
    let mut cmd = common::python313();
    cmd.arg(manifest("examples/script_endings.py"));
    run(cmd, case)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The cases whose exception escapes, with the traceback's last line CPython prints (checked
/// against CPython below; written here so that a change in either program is seen).
const ESCAPING: &[(&str, &str)] = &[
    ("cert_verify", "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"),
    ("refused", "ConnectionRefusedError: [Errno 111] Connection refused"),
    ("missing_cafile", "FileNotFoundError: [Errno 2] No such file or directory"),
    ("no_cipher", "ssl.SSLError: ('No cipher can be selected.',)"),
    ("gaierror", "socket.gaierror: [Errno -8] Servname not supported for ai_socktype"),
    ("idna", "UnicodeEncodeError: 'idna' codec can't encode character '\\x2e' in position 2: label empty\nencoding with 'idna' codec failed"),
    ("check_hostname", "ValueError: check_hostname requires server_hostname"),
    ("handshake_timeout", "TimeoutError: The handshake operation timed out"),
    ("want_read", "ssl.SSLWantReadError: The operation did not complete (read)"),
    ("eof", "ssl.SSLEOFError: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"),
    ("reset", "ConnectionResetError: [Errno 104] Connection reset by peer"),
    ("deprecation_error", "DeprecationWarning: ssl.PROTOCOL_TLS is deprecated"),
];

#[test]
fn an_escaping_exception_ends_the_port_as_it_ends_the_script() {
    for (case, expected) in ESCAPING {
        let expected = common::oracle_as_linked(expected);
        let ours = run(port(), case);
        let theirs = python(case);
        assert_eq!(
            theirs.status.code(),
            Some(1),
            "{case}: CPython's exit status"
        );
        assert_eq!(
            ours.status.code(),
            Some(1),
            "{case}: the port's exit status"
        );
        assert_eq!(text(&ours.stdout), text(&theirs.stdout), "{case}: stdout");
        // The port prints only the traceback's last line (and the notes after it).
        assert_eq!(
            text(&ours.stderr),
            format!("{expected}\n"),
            "{case}: the port's stderr"
        );
        let python_stderr = text(&theirs.stderr);
        let n = expected.lines().count();
        let python_tail: Vec<String> = python_stderr.lines().collect::<Vec<_>>()
            [python_stderr.lines().count() - n..]
            .iter()
            .map(|line| match line.split_once(": ") {
                // `Class: str(e)`: the location is part of str(e).
                Some((class, message)) => format!("{class}: {}", common::strip_location(message)),
                None => line.to_string(),
            })
            .collect();
        assert_eq!(
            common::oracle_as_linked(&python_tail.join("\n")),
            expected,
            "{case}: CPython's last line(s), without the _ssl.c location:\n{python_stderr}"
        );
    }
}

#[test]
fn the_handshake_timeout_is_where_cpython_puts_its_location_prefix() {
    // CPython 3.13: `TimeoutError: _ssl.c:1003: The handshake operation timed out` (the line
    // number changes with every release); pyssl drops the prefix as it drops ` (_ssl.c:NNN)`.
    let theirs = text(&python("handshake_timeout").stderr);
    let last = theirs.lines().last().unwrap();
    assert!(
        last.starts_with("TimeoutError: _ssl.c:")
            && last.ends_with(": The handshake operation timed out"),
        "{last}"
    );
    assert_eq!(
        text(&run(port(), "handshake_timeout").stderr),
        "TimeoutError: The handshake operation timed out\n"
    );
}

#[test]
fn a_script_that_succeeds_exits_zero_in_both() {
    let ours = run(port(), "ok");
    let theirs = python("ok");
    assert_eq!(ours.status.code(), Some(0));
    assert_eq!(theirs.status.code(), Some(0));
    assert_eq!(text(&ours.stdout), "done\n");
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    assert_eq!(text(&ours.stderr), "");
    assert_eq!(text(&theirs.stderr), "");
}

/// `(file, line, category, text)` of each `file:line: Category: text` line of a stderr.
fn warning_lines(stderr: &str) -> Vec<(String, usize, String, String)> {
    stderr
        .lines()
        .filter(|l| !l.starts_with("  ")) // CPython's source line under each warning
        .map(|line| {
            let (location, rest) = line.split_once(": ").unwrap_or_else(|| panic!("{line}"));
            let (file, lineno) = location.rsplit_once(':').unwrap();
            let (category, message) = rest.split_once(": ").unwrap();
            (
                file.to_string(),
                lineno.parse().unwrap(),
                category.to_string(),
                message.to_string(),
            )
        })
        .collect()
}

#[test]
fn deprecation_warnings_are_printed_as_cpython_prints_them_for_a_script() {
    let ours = run(port(), "deprecations");
    let theirs = python("deprecations");
    assert_eq!(
        (ours.status.code(), theirs.status.code()),
        (Some(0), Some(0))
    );
    assert_eq!(text(&ours.stdout), text(&theirs.stdout));
    let ours = warning_lines(&text(&ours.stderr));
    let theirs = warning_lines(&text(&theirs.stderr));
    let shown = |lines: &[(String, usize, String, String)]| -> Vec<(String, String)> {
        lines
            .iter()
            .map(|(_, _, c, m)| (c.clone(), m.clone()))
            .collect()
    };
    // Once per calling line (the loop warns once), the script's own calls only (the
    // PROTOCOL_TLS context `_create_unverified_context` makes is ssl's, not shown).
    let expected = [
        "ssl.PROTOCOL_TLSv1_2 is deprecated",
        "ssl.TLSVersion.TLSv1_1 is deprecated",
        "ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated",
    ]
    .map(|m| ("DeprecationWarning".to_string(), m.to_string()));
    assert_eq!(shown(&theirs), expected);
    assert_eq!(shown(&ours), expected);
    // Each warning names the port's line that made the call.
    let source = std::fs::read_to_string(manifest("examples/script_endings.rs")).unwrap();
    let source: Vec<&str> = source.lines().collect();
    for ((file, line, _, message), call) in ours.iter().zip([
        "SSLContext::new(ssl::PROTOCOL_TLSv1_2)",
        "set_minimum_version(ssl::TLSVersion::TLSv1_1)",
        "set_options(ssl::OP_NO_TLSv1)",
    ]) {
        assert_eq!(file, "examples/script_endings.rs", "{message}");
        assert!(
            source[line - 1].contains(call),
            "line {line}: {}",
            source[line - 1]
        );
    }
}
