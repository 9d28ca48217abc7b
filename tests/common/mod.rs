//! Shared test helpers: fixture paths and the CPython oracle.
#![allow(dead_code)]

pub mod cipher_corpus;
pub mod memory_pair;

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Path of a file in `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Path of a fixture as a `String` (for APIs taking `&str`).
pub fn fixture_str(name: &str) -> String {
    fixture(name)
        .to_str()
        .expect("fixture paths are UTF-8")
        .to_string()
}

/// The CPython the tests compare against: 3.13, the version pyssl follows. `python3.13` on the
/// PATH if there is one, else pyenv's 3.13.0 (`PYENV_VERSION=3.13.0 python3`).
pub fn python313() -> Command {
    // Asked once per test binary: a pyenv shim answers `python3.13` slowly when it fails.
    static ON_PATH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let on_path = *ON_PATH.get_or_init(|| {
        Command::new("python3.13")
            .arg("-c")
            .arg("pass")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if on_path {
        return Command::new("python3.13");
    }
    let mut cmd = Command::new("python3");
    cmd.env("PYENV_VERSION", "3.13.0");
    cmd
}

/// Plain `python3` (3.11 here): the oracle for what 3.12 removed (`wrap_socket`, ...).
pub fn python311() -> Command {
    let mut cmd = Command::new("python3");
    cmd.env_remove("PYENV_VERSION");
    cmd
}

/// Runs `code` with `python` and the given arguments; returns stdout, panicking with stderr on
/// failure. Checks that the interpreter is the one asked for.
pub fn run_python(mut python: Command, code: &str, args: &[&str]) -> String {
    let out = python
        .arg("-W")
        .arg("ignore::DeprecationWarning")
        .arg("-c")
        .arg(code)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("python3 must be installed: it is the oracle");
    assert!(
        out.status.success(),
        "python3 failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("python output is UTF-8")
}

/// Runs `code` under CPython 3.13 after asserting the interpreter really is 3.13.
pub fn py313(code: &str, args: &[&str]) -> String {
    let version = run_python(python313(), "import sys; print(sys.version_info[:2])", &[]);
    assert_eq!(
        version.trim(),
        "(3, 13)",
        "CPython 3.13 (pyenv 3.13.0) is the oracle"
    );
    run_python(python313(), code, args)
}

/// Runs `code` under CPython 3.13 with `input` on its standard input (for data too large or too
/// unusual for arguments: NULs, lone surrogates as JSON escapes, ...); returns stdout.
pub fn py313_stdin(code: &str, input: &str) -> String {
    use std::io::Write;
    py313("pass", &[]);
    let mut child = python313()
        .arg("-c")
        .arg(code)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed: it is the oracle");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python3 runs");
    writer.join().unwrap().expect("python3 reads its input");
    assert!(
        out.status.success(),
        "python3 failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("python output is UTF-8")
}

/// Python's `ascii(s)`: `repr(s)` with every non-ASCII character escaped, so that two outcomes
/// compare byte for byte whatever characters they hold.
pub fn py_ascii(s: &str) -> String {
    use pyssl::pyrepr::PyRepr;
    let repr = pyssl::pyrepr::PyStr(s).py_repr();
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        match c as u32 {
            0..=0x7f => out.push(c),
            n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
            n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
            n => out.push_str(&format!("\\U{n:08x}")),
        }
    }
    out
}

/// CPython's text without its source location: drops ` (_ssl.c:NNN)` and `_ssl.c:NNN: `.
pub fn strip_location(text: &str) -> String {
    let mut s = text.to_string();
    if let Some(start) = s.find(" (_ssl.c:") {
        if let Some(len) = s[start..].find(')') {
            s.replace_range(start..start + len + 1, "");
        }
    }
    if s.starts_with("_ssl.c:") {
        if let Some(i) = s.find(": ") {
            s.replace_range(..i + 2, "");
        }
    }
    s
}

/// One line describing an exception the way `PY_DESCRIBE_ERROR` does for Python's:
/// `type|errno|library|reason|verify_code|verify_message|str`.
pub fn describe_error(e: &pyssl::Error) -> String {
    use pyssl::pyrepr::PyRepr;
    let (library, reason, code, message) = match e {
        pyssl::Error::SSLError(s) => (
            s.library.py_repr(),
            s.reason.py_repr(),
            s.verify_code.py_repr(),
            s.verify_message.clone().py_repr(),
        ),
        _ => ("-".into(), "-".into(), "-".into(), "-".into()),
    };
    format!(
        "{}|{}|{library}|{reason}|{code}|{message}|{e}",
        e.type_name(),
        e.errno().py_repr()
    )
}

/// Python helper printing an exception as `describe_error` does.
pub const PY_DESCRIBE_ERROR: &str = r#"
import re, ssl
def describe_error(e):
    def strip(s):
        s = re.sub(r' \(_ssl\.c:\d+\)', '', s)
        return re.sub(r'^_ssl\.c:\d+: ', '', s)
    if isinstance(e, ssl.SSLError):
        extra = [repr(getattr(e, 'library', None)), repr(getattr(e, 'reason', None)),
                 repr(getattr(e, 'verify_code', None)), repr(getattr(e, 'verify_message', None))]
    else:
        extra = ['-'] * 4
    return '|'.join([type(e).__name__, repr(getattr(e, 'errno', None))] + extra + [strip(str(e))])
"#;

/// A server context with the fixture certificate for `localhost` (`server.pem`).
pub fn server_context() -> pyssl::ssl::SSLContext {
    let ctx = pyssl::ssl::SSLContext::new(pyssl::ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(fixture("server.pem"), fixture_str("server.key").as_str())
        .unwrap();
    ctx
}

/// `create_default_context(cafile='fixtures/ca.pem')`: a client that trusts the fixture CA.
pub fn client_context() -> pyssl::ssl::SSLContext {
    pyssl::ssl::create_default_context_with(pyssl::ssl::CreateDefaultContext {
        cafile: Some(&fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap()
}

/// A wrapped listening socket on 127.0.0.1 (port 0) with the fixture server certificate, and its
/// port: `accept()` hands out handshaken connections.
pub fn tls_listener(backlog: i32) -> (u16, pyssl::ssl::SSLSocket) {
    use pyssl::{socket, ssl};
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(backlog).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = server_context()
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    (port, server)
}

/// `ssl.OPENSSL_VERSION_NUMBER` of the OpenSSL the oracle (CPython 3.13) links, asked once.
pub fn oracle_openssl_version_number() -> u64 {
    static NUMBER: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *NUMBER.get_or_init(|| {
        let out = py313("import ssl; print(ssl.OPENSSL_VERSION_NUMBER)", &[]);
        out.trim()
            .parse()
            .expect("ssl.OPENSSL_VERSION_NUMBER is an int")
    })
}

/// `ssl.OPENSSL_VERSION_NUMBER` of the OpenSSL pyssl links.
pub fn linked_openssl_version_number() -> u64 {
    *pyssl::ssl::OPENSSL_VERSION_NUMBER
}

/// Whether the oracle links the very OpenSSL pyssl links (same `OPENSSL_VERSION_NUMBER`).
/// When it does not (the OpenSSL matrix builds pyssl against 1.1.1 and 3.5 while CPython keeps
/// the system 3.0), an answer that depends on the OpenSSL version cannot be compared byte for
/// byte with CPython's: such a test asserts the version's own known answer instead, or skips
/// only that comparison through [`oracle_differs`].
pub fn same_openssl_as_oracle() -> bool {
    oracle_openssl_version_number() == linked_openssl_version_number()
}

/// `true` (after saying on stderr what is not compared, and why) when the oracle's OpenSSL is not
/// pyssl's; `false` when they are the same and `what` must be compared with CPython.
pub fn oracle_differs(what: &str) -> bool {
    if same_openssl_as_oracle() {
        return false;
    }
    eprintln!(
        "not comparing {what} with CPython: it links OpenSSL {:#x}, pyssl links {:#x}",
        oracle_openssl_version_number(),
        linked_openssl_version_number()
    );
    true
}

/// Whether pyssl links OpenSSL 1.1.1 (any 1.1.x: 1.1.1 is the oldest pyssl builds against).
pub fn linked_openssl_111() -> bool {
    linked_openssl_version_number() < 0x3000_0000
}

/// What the oracle's output `text` (CPython 3.13 on the system OpenSSL 3.0) becomes on the OpenSSL
/// pyssl links, for the differences between versions whose answer is known text: identical
/// `text` when the oracle links pyssl's OpenSSL. The rewrites (each a fact about that OpenSSL,
/// see docs/openssl-versions.md):
/// - 1.1.1: `X509_verify_cert_error_string` says `self signed certificate` (3.0: `self-signed`);
///   and `unsupported certificate purpose` (3.0: `unsuitable`); a transport EOF is `SSL_ERROR_SYSCALL` with an empty queue, so CPython raises a bare
///   `SSLEOFError('EOF occurred in violation of protocol')` (3.0: `SSL_R_UNEXPECTED_EOF_WHILE_READING`);
///   `ERR_R_PEM_LIB` is 9 (3.0 adds `ERR_RFLAG_COMMON`: 524297); the alerts unknown_psk_identity
///   and no_application_protocol have no reason string (`[SSL] unknown error`, 3.0: `[SSL] tlsv1
///   alert unknown psk identity`, `... no application protocol`); `SSL_CIPHER_description` pads
///   its columns as `%-23s %s Kx=%-8s Au=%-4s Enc=%-9s Mac=%-4s` (3.0: `%-30s %-7s Kx=%-8s Au=%-5s
///   Enc=%-22s Mac=%-4s`); `GENERAL_NAME_print` prints every otherName as `<unsupported>`.
/// - 3.2 and later: alert texts say `ssl/tls alert …` (3.0: `sslv3 alert …`); a record the new
///   record layer rejects may surface as `SSL_R_RECORD_LAYER_FAILURE` (`record layer failure`),
///   the last error CPython reports, where 3.0 reported the record's own reason
///   (`WRONG_VERSION_NUMBER`, `PACKET_LENGTH_TOO_LONG`, `DECRYPTION_FAILED_OR_BAD_RECORD_MAC`);
///   that reason is newer than CPython 3.13's table (`_ssl_data_31.h`, from OpenSSL 3.1), so it
///   prints as `[SSL] record layer failure` with `reason` None.
///   Which one depends on the path (a server reading a plain-text client gets the failure, a
///   client reading a plain-text banner the reason), so these are rewritten to the failure, and
///   tests that see both sides also pass their own answer through this function.
pub fn oracle_as_linked(text: &str) -> String {
    let oracle = oracle_openssl_version_number();
    let linked = linked_openssl_version_number();
    if oracle == linked {
        return text.to_string();
    }
    assert!(
        (0x3000_0000..0x3010_0000).contains(&oracle),
        "oracle_as_linked knows the differences from OpenSSL 3.0 only (oracle: {oracle:#x})"
    );
    let mut s = text.to_string();
    if linked < 0x3000_0000 {
        s = s.replace("self-signed certificate", "self signed certificate");
        s = s.replace(
            "unsuitable certificate purpose",
            "unsupported certificate purpose",
        );
        s = s.replace(
            "SSLEOFError|8|'SSL'|'UNEXPECTED_EOF_WHILE_READING'|None|None|",
            "SSLEOFError|8|None|None|None|None|",
        );
        s = s.replace(
            "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol",
            "EOF occurred in violation of protocol",
        );
        s = s.replace("Error|524297|", "Error|9|");
        s = s.replace(
            "[SSL] tlsv1 alert unknown psk identity",
            "[SSL] unknown error",
        );
        s = s.replace(
            "[SSL] tlsv1 alert no application protocol",
            "[SSL] unknown error",
        );
        s = rewrite_descriptions(&s, description_111);
        s = othernames_unsupported(&s);
    }
    if linked >= 0x3020_0000 {
        s = s.replace("sslv3 alert ", "ssl/tls alert ");
        for (reason, text) in [
            ("WRONG_VERSION_NUMBER", "wrong version number"),
            ("PACKET_LENGTH_TOO_LONG", "packet length too long"),
            (
                "DECRYPTION_FAILED_OR_BAD_RECORD_MAC",
                "decryption failed or bad record mac",
            ),
        ] {
            s = s.replace(
                &format!("'{reason}'|None|None|[SSL: {reason}] {text}"),
                "None|None|None|[SSL] record layer failure",
            );
            s = s.replace(
                &format!("[SSL: {reason}] {text}"),
                "[SSL] record layer failure",
            );
        }
    }
    s
}

/// 1.1.1's `GENERAL_NAME_print` names no otherName type: every one is `othername:<unsupported>`
/// (3.0 prints `UPN:…`, `NAIRealm:…` and the like for the types it knows).
fn othernames_unsupported(text: &str) -> String {
    const KEY: &str = "('othername', '";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        rest = &rest[i + KEY.len()..];
        let end = rest.find("')").unwrap_or(rest.len());
        out.push_str("<unsupported>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Applies `f` to every `'description': '…'` value of a `get_ciphers()` repr.
fn rewrite_descriptions(text: &str, f: fn(&str) -> Option<String>) -> String {
    const KEY: &str = "'description': '";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        rest = &rest[i + KEY.len()..];
        let end = rest.find('\'').unwrap_or(rest.len());
        let value = &rest[..end];
        out.push_str(&f(value).unwrap_or_else(|| value.to_string()));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A 3.0 `SSL_CIPHER_description` line re-padded the way 1.1.1 pads it.
fn description_111(desc: &str) -> Option<String> {
    let fields: Vec<&str> = desc.split_whitespace().collect();
    let [name, version, kx, au, enc, mac] = fields[..] else {
        return None;
    };
    let kx = kx.strip_prefix("Kx=")?;
    let au = au.strip_prefix("Au=")?;
    let enc = enc.strip_prefix("Enc=")?;
    let mac = mac.strip_prefix("Mac=")?;
    Some(format!(
        "{name:<23} {version} Kx={kx:<8} Au={au:<4} Enc={enc:<9} Mac={mac:<4}"
    ))
}

/// Whether cipher lists the oracle selects can be compared with pyssl's: only on the same
/// OpenSSL. 1.1.1 orders and selects some strings differently (`ALL`, `COMPLEMENTOFALL`, ...) and
/// 3.2 and later too (the `*-CCM8` suites left `HIGH`): there the comparison is skipped, said on
/// stderr.
pub fn cipher_lists_comparable(what: &str) -> bool {
    !oracle_differs(what)
}

/// Whether a line of an oracle comparison (already through [`oracle_as_linked`]) holds an answer
/// that depends on the OpenSSL version beyond what that function rewrites, so that it cannot be
/// compared with CPython on another OpenSSL: on 1.1.1 an `Options` repr (1.1.1's `SSL_OP_ALL`
/// also sets `OP_LEGACY_SERVER_CONNECT`; `OP_ENABLE_KTLS` and `OP_IGNORE_UNEXPECTED_EOF` do not
/// exist), and a cipher list (see [`cipher_lists_comparable`]). Always `false` when the oracle links pyssl's OpenSSL.
pub fn version_dependent_line(line: &str) -> bool {
    if same_openssl_as_oracle() {
        return false;
    }
    let linked = linked_openssl_version_number();
    let dependent =
        (linked < 0x3000_0000 && line.contains("Options.")) || line.contains("'description': ");
    if dependent {
        eprintln!(
            "not comparing with CPython (OpenSSL {:#x} there, {linked:#x} here): {}",
            oracle_openssl_version_number(),
            line.chars().take(100).collect::<String>()
        );
    }
    dependent
}

/// `assert_eq!(ours, theirs)` line by line after [`oracle_as_linked`], for sequences of I/O
/// outcomes whose behaviour (not only text) changed between OpenSSL versions (EOF and reset
/// handling, writes after a fatal alert): when the oracle links another OpenSSL and the outcomes
/// still differ, the differing lines are printed on stderr and not asserted. Exactly
/// `assert_eq!` when the oracle links pyssl's OpenSSL.
pub fn assert_outcomes_eq(what: &str, ours: &[String], theirs: &str) {
    let theirs = oracle_as_linked(theirs);
    let theirs: Vec<&str> = theirs.lines().collect();
    if same_openssl_as_oracle() {
        assert_eq!(ours, theirs, "{what}");
        return;
    }
    assert_eq!(ours.len(), theirs.len(), "{what}: {ours:#?}");
    for (o, t) in ours.iter().zip(&theirs) {
        if o != t {
            eprintln!(
                "{what}: not asserted on OpenSSL {:#x} (CPython links {:#x}):\n  pyssl:   {o}\n  CPython: {t}",
                linked_openssl_version_number(),
                oracle_openssl_version_number()
            );
        }
    }
}

/// A table of named calls: pyssl's answer for each row beside CPython's (`theirs`, one line a
/// row, in order); every row that differs is reported, by name, in one failure.
pub fn assert_rows_match(names: &[&str], ours: &[String], theirs: &str) {
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(
        theirs.len(),
        names.len(),
        "CPython answered {} rows",
        theirs.len()
    );
    assert_eq!(ours.len(), names.len());
    let mismatches: Vec<String> = names
        .iter()
        .zip(ours)
        .zip(&theirs)
        .filter(|((_, ours), theirs)| ours != *theirs)
        .map(|((name, ours), theirs)| format!("{name}:\n  pyssl:   {ours}\n  CPython: {theirs}"))
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// A CPython 3.13 program running beside the test (an asyncio server or client peer): its
/// first line on stdout is `port N` when it listens, and it is killed if the test fails first.
pub struct PyPeer {
    child: std::process::Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl PyPeer {
    /// Starts `python3.13 -c code args...`.
    pub fn start(code: &str, args: &[&str]) -> PyPeer {
        static CHECKED: std::sync::Once = std::sync::Once::new();
        CHECKED.call_once(|| {
            py313("pass", &[]);
        });
        let mut child = python313()
            .arg("-c")
            .arg(code)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 must be installed: it is the oracle");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        PyPeer { child, stdout }
    }

    /// The next line it prints (without its newline); panics at its end.
    pub fn line(&mut self) -> String {
        use std::io::BufRead;
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("the peer's stdout");
        assert!(!line.is_empty(), "the peer ended early");
        line.trim_end_matches('\n').to_string()
    }

    /// Reads its `port N` line.
    pub fn port(&mut self) -> u16 {
        let line = self.line();
        line.strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("expected `port N`, got {line:?}"))
    }

    /// Waits for it to exit successfully; the lines it printed since.
    pub fn finish(mut self) -> Vec<String> {
        use std::io::Read;
        let mut rest = String::new();
        self.stdout
            .read_to_string(&mut rest)
            .expect("the peer's stdout");
        let status = self.child.wait().expect("the peer runs");
        assert!(status.success(), "the Python peer failed: {status}\n{rest}");
        rest.lines().map(str::to_string).collect()
    }
}

impl Drop for PyPeer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Whether the OpenSSL pyssl links runs in FIPS mode (the matrix's `3.0-fips` row: only the FIPS
/// and base providers, `default_properties = fips=yes`). Asked once, of that very library:
/// CPython 3.13 run with the tests' environment (`LD_LIBRARY_PATH`, `OPENSSL_CONF`) loads it, and
/// its `_hashlib.get_fips_mode()` is `EVP_default_properties_is_fips_enabled(NULL)` on OpenSSL 3.
/// `false` when the oracle links another OpenSSL (the 1.1.1 and 3.5 rows link theirs statically
/// with the system configuration, never in FIPS mode).
pub fn fips_mode() -> bool {
    static FIPS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FIPS.get_or_init(|| {
        if !same_openssl_as_oracle() {
            return false;
        }
        let out = py313("import _hashlib; print(_hashlib.get_fips_mode())", &[]);
        match out.trim() {
            "0" => false,
            "1" => true,
            other => panic!("_hashlib.get_fips_mode() answered {other:?}"),
        }
    })
}

/// Ends the test early, saying why on stderr, when the linked OpenSSL runs in FIPS mode
/// ([`fips_mode`]): for a test whose subject is something FIPS mode refuses (measured on 3.0.22:
/// ChaCha20, Camellia and ARIA suites, MD5 and so TLS 1.0/1.1, signing with RSA-1024; its
/// provider does have X25519, X448, Ed25519 and Ed448). Never silent: the reason names what the
/// test needs. `tests/fips.rs` checks what FIPS mode does instead.
#[macro_export]
macro_rules! skip_in_fips {
    ($reason:expr) => {
        if $crate::common::fips_mode() {
            // The test harness names each test's thread after the test.
            eprintln!(
                "skipped in FIPS mode: {}: {}",
                std::thread::current().name().unwrap_or("?"),
                $reason
            );
            return;
        }
    };
}

/// The two tokio runtimes every asyncio test runs on: current-thread (asyncio's one loop
/// thread) and multi-thread (two workers), both with the I/O and timer drivers.
#[cfg(feature = "asyncio")]
pub fn runtimes() -> [tokio::runtime::Runtime; 2] {
    [
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}

/// The `fixtures/` directory without its trailing slash, as the Python peer scripts take it.
pub fn fixtures_dir() -> String {
    fixture_str("").trim_end_matches('/').to_string()
}

/// An error as the Python peer scripts print one (`f'{type(e).__name__}: {e}'`), without
/// CPython's C source locations.
pub fn exc_line(e: &pyssl::Error) -> String {
    strip_location(&format!("{}: {e}", e.type_name()))
}

/// The lines a pyssl server handler pushed to `out` once its last one is `done` (within 20 s),
/// without `done`.
#[cfg(feature = "asyncio")]
pub async fn handler_lines(out: &std::sync::Mutex<Vec<String>>) -> pyssl::Result<Vec<String>> {
    let finished = || out.lock().unwrap().last().map(String::as_str) == Some("done");
    pyssl::asyncio::wait_for(
        async {
            while !finished() {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        },
        20.0,
    )
    .await?;
    let mut lines = out.lock().unwrap().clone();
    lines.pop();
    Ok(lines)
}

/// A pyssl server for [`both_directions`], and the lines its handler pushes (`done` last).
#[cfg(feature = "asyncio")]
pub type LinesServer = (
    pyssl::asyncio::Server,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
);

/// An exchange written twice, as a CPython 3.13 script (`script FIXTURES server|client MODE
/// [PORT]`, printing its lines; the server first prints `port N`) and as its pyssl port
/// (`client(port)` returns the client's lines; `server()` starts the server). CPython against
/// CPython gives the reference; then on both runtimes pyssl's client against CPython's server
/// and pyssl's server against CPython's client must print the same lines (C source locations
/// stripped). Returns the reference (client lines, server lines).
#[cfg(feature = "asyncio")]
pub fn both_directions<C, CF, S, SF>(
    script: &'static str,
    mode: &str,
    client: C,
    server: S,
) -> (Vec<String>, Vec<String>)
where
    C: Fn(u16) -> CF,
    CF: std::future::Future<Output = pyssl::Result<Vec<String>>>,
    S: Fn() -> SF,
    SF: std::future::Future<Output = pyssl::Result<LinesServer>>,
{
    let fixtures = fixtures_dir();
    let strip =
        |lines: Vec<String>| -> Vec<String> { lines.iter().map(|l| strip_location(l)).collect() };
    let mut peer = PyPeer::start(script, &[&fixtures, "server", mode]);
    let port = peer.port().to_string();
    let client_ref = strip(PyPeer::start(script, &[&fixtures, "client", mode, &port]).finish());
    let server_ref = peer.finish();
    let names = ["current-thread", "multi-thread"];
    for (runtime, name) in runtimes().into_iter().zip(names) {
        let mut peer = PyPeer::start(script, &[&fixtures, "server", mode]);
        let port = peer.port();
        let lines = runtime.block_on(client(port)).unwrap();
        assert_eq!(lines, client_ref, "{name}: pyssl's client");
        assert_eq!(
            peer.finish(),
            server_ref,
            "{name}: CPython's server of pyssl's client"
        );

        let (client_lines, server_lines) = runtime
            .block_on(async {
                let (server, out) = server().await?;
                let port = server.sockets()[0].getsockname()?.port().to_string();
                let (fixtures, mode) = (fixtures.clone(), mode.to_string());
                let peer = tokio::task::spawn_blocking(move || {
                    PyPeer::start(script, &[&fixtures, "client", &mode, &port]).finish()
                });
                let server_lines = match handler_lines(&out).await {
                    Ok(lines) => lines,
                    // Says how far the handler got (seen once, under ASan in the whole suite).
                    Err(e) => panic!(
                        "{name}: the pyssl server's handler did not finish ({e:?}); \
                         its lines so far: {:?}",
                        out.lock().unwrap()
                    ),
                };
                server.close();
                server.wait_closed().await;
                pyssl::Result::Ok((peer.await.unwrap(), server_lines))
            })
            .unwrap();
        assert_eq!(
            strip(client_lines),
            client_ref,
            "{name}: CPython's client of pyssl's server"
        );
        assert_eq!(server_lines, server_ref, "{name}: pyssl's server");
    }
    (client_ref, server_ref)
}

// ---- the steps the STARTTLS and TLS-in-TLS handlers share (ports of their scripts' `handle`) ----

/// Appends one of a pyssl side's lines (the scripts' `say`).
pub fn say(out: &std::sync::Mutex<Vec<String>>, line: String) {
    out.lock().unwrap().push(line);
}

/// The `blocked` mode's pause between `220 ready` and `start_tls`: one turn of the loop, then
/// the handler's thread blocks (`await asyncio.sleep(0); time.sleep(0.2)`), so that the
/// client's ClientHello arrives before `start_tls` runs.
#[cfg(feature = "asyncio")]
pub async fn pause_if_blocked(mode: &str) {
    if mode == "blocked" {
        tokio::task::yield_now().await;
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// `await writer.start_tls(ctx, ...)`; on failure the script's lines for it (`server start_tls
/// <exc>`, `server is_closing ...`, `done`) and `false`.
#[cfg(feature = "asyncio")]
pub async fn server_start_tls(
    writer: &pyssl::asyncio::StreamWriter,
    ctx: &pyssl::ssl::SSLContext,
    kw: pyssl::asyncio::StartTls<'_>,
    out: &std::sync::Mutex<Vec<String>>,
) -> bool {
    use pyssl::pyrepr::PyRepr;
    match writer.start_tls(ctx, kw).await {
        Ok(()) => true,
        Err(e) => {
            say(out, format!("server start_tls {}", exc_line(&e)));
            say(
                out,
                format!("server is_closing {}", writer.is_closing().py_str()),
            );
            say(out, "done".into());
            false
        }
    }
}

/// After the upgrade: echo one line upper-cased, read to the end, close, and say so (`done`
/// last).
#[cfg(feature = "asyncio")]
pub async fn server_echo_then_close(
    reader: &mut pyssl::asyncio::StreamReader,
    writer: &pyssl::asyncio::StreamWriter,
    out: &std::sync::Mutex<Vec<String>>,
) -> pyssl::Result<()> {
    use pyssl::pyrepr::{PyBytes, PyRepr};
    let line = reader.readline().await?;
    say(out, format!("server got {}", PyBytes(&line).py_repr()));
    writer.write(&line.to_ascii_uppercase())?;
    writer.drain().await?;
    say(
        out,
        format!("server read {}", PyBytes(&reader.read(-1).await?).py_repr()),
    );
    writer.close();
    writer.wait_closed().await?;
    say(out, "server closed".into());
    say(out, "done".into());
    Ok(())
}
