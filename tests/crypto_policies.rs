//! System crypto policies: `openssl.cnf`'s `system_default` section, which OpenSSL reads once per
//! process and applies inside every `SSL_CTX_new`. Under each policy of `fixtures/policies/`
//! (RHEL's DEFAULT, FUTURE, LEGACY and FIPS, Debian's, and narrow ones), pyssl and CPython 3.13
//! build the same contexts, and their peers shake hands (or fail) the same way in both
//! directions. Each side runs in its own process with `OPENSSL_CONF` pointing at the policy:
//! CPython as itself, pyssl as this test binary re-run with `PYSSL_POLICY_CHILD` set.
//! docs/openssl-versions.md ("System crypto policies") states the results.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// The pyssl child's task (`state`, `server` or `client`), set by the parent.
const CHILD: &str = "PYSSL_POLICY_CHILD";
/// The port the child's client connects to.
const CHILD_PORT: &str = "PYSSL_POLICY_PORT";
/// A cipher string the child's peer applies with `set_ciphers` (empty: none).
const CHILD_CIPHERS: &str = "PYSSL_POLICY_CIPHERS";

/// Every policy of `fixtures/policies/`.
const POLICIES: [&str; 15] = [
    "rhel-default",
    "rhel-future",
    "rhel-legacy",
    "rhel-fips",
    "debian",
    "tls13-only",
    "tls12-max",
    "no-x25519",
    "x25519-only",
    "seclevel3",
    "chacha-only",
    "ecdsa-signatures",
    "options",
    "unknown-directive",
    "verify-mode",
];

fn policy_path(name: &str) -> String {
    common::fixture_str(&format!("policies/{name}.cnf"))
}

/// CPython 3.13's interpreter itself (not pyenv's shim: these tests start dozens of them).
fn cpython(policy: &str) -> Command {
    static EXE: OnceLock<String> = OnceLock::new();
    let exe = EXE.get_or_init(|| {
        common::py313("import sys; print(sys.executable)", &[])
            .trim()
            .to_string()
    });
    let mut cmd = Command::new(exe);
    cmd.env("OPENSSL_CONF", policy_path(policy))
        .env_remove("PYENV_VERSION")
        .stdin(Stdio::null());
    cmd
}

/// This test binary, re-run as a pyssl peer under `policy`.
fn pyssl_child(policy: &str, task: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary path"));
    cmd.args([
        "pyssl_under_policy",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("OPENSSL_CONF", policy_path(policy))
    .env(CHILD, task)
    .stdin(Stdio::null());
    cmd
}

/// What follows `tag` on each line of `out` that has it (libtest prints `test NAME ... ` before
/// the child's first line).
fn tagged(out: &str, tag: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_once(tag).map(|(_, rest)| rest.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Context state

/// The properties compared, in the order both sides print them.
const STATE_FIELDS: [&str; 11] = [
    "protocol",
    "minimum_version",
    "maximum_version",
    "options",
    "verify_mode",
    "verify_flags",
    "check_hostname",
    "security_level",
    "num_tickets",
    "post_handshake_auth",
    "get_ciphers()",
];

/// The contexts described, in order: the two a program should use, and the deprecated
/// protocols (OpenSSL ignores MinProtocol/MaxProtocol on their version-specific methods).
const CONTEXTS: [&str; 7] = [
    "create_default_context()",
    "SSLContext(PROTOCOL_TLS_CLIENT)",
    "SSLContext(PROTOCOL_TLS_SERVER)",
    "SSLContext(PROTOCOL_TLS)",
    "SSLContext(PROTOCOL_TLSv1)",
    "SSLContext(PROTOCOL_TLSv1_1)",
    "SSLContext(PROTOCOL_TLSv1_2)",
];

fn describe(ctx: &ssl::SSLContext) -> Vec<String> {
    vec![
        ctx.protocol().py_repr(),
        ctx.minimum_version().py_repr(),
        ctx.maximum_version().py_repr(),
        ctx.options().py_repr(),
        ctx.verify_mode().py_repr(),
        ctx.verify_flags().py_repr(),
        ctx.check_hostname().py_repr(),
        ctx.security_level().to_string(),
        ctx.num_tickets().to_string(),
        ctx.post_handshake_auth().py_repr(),
        ctx.get_ciphers().py_repr(),
    ]
}

const PY_STATE: &str = r#"
import ssl, warnings
warnings.simplefilter("ignore")
def describe(ctx):
    return [repr(ctx.protocol), repr(ctx.minimum_version), repr(ctx.maximum_version),
            repr(ctx.options), repr(ctx.verify_mode), repr(ctx.verify_flags),
            repr(ctx.check_hostname), str(ctx.security_level), str(ctx.num_tickets),
            repr(ctx.post_handshake_auth), repr(ctx.get_ciphers())]
protocols = [ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLS,
             ssl.PROTOCOL_TLSv1, ssl.PROTOCOL_TLSv1_1, ssl.PROTOCOL_TLSv1_2]
makers = [ssl.create_default_context] + [lambda p=p: ssl.SSLContext(p) for p in protocols]
for make in makers:
    try:
        lines = describe(make())
    except Exception as e:
        lines = [describe_error(e)]
    for line in lines:
        print("STATE:" + line)
"#;

/// The state lines of the three contexts under `policy`: (pyssl's, CPython's).
fn states(policy: &str) -> (Vec<String>, Vec<String>) {
    let ours = pyssl_child(policy, "state").output().unwrap();
    assert!(
        ours.status.success(),
        "{policy}: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let theirs = cpython(policy)
        .args(["-c", &format!("{}{PY_STATE}", common::PY_DESCRIBE_ERROR)])
        .output()
        .unwrap();
    assert!(
        theirs.status.success(),
        "{policy}: {}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    (
        tagged(&String::from_utf8(ours.stdout).unwrap(), "STATE:"),
        tagged(&String::from_utf8(theirs.stdout).unwrap(), "STATE:"),
    )
}

/// Why the state under `policy` cannot be compared with CPython's on the linked OpenSSL, if so:
/// OpenSSL versions differ in what they do with a bad command of `system_default`.
fn state_not_comparable(policy: &str) -> Option<&'static str> {
    if policy != "unknown-directive" || common::same_openssl_as_oracle() {
        return None;
    }
    match common::linked_openssl_version_number() {
        v if v < 0x3000_0000 => Some(
            "OpenSSL 1.1.1 stops at the first bad command of system_default, so the \
             Ciphersuites line after it is not applied; 3.0 (CPython's) skips it and goes on",
        ),
        v if v >= 0x3020_0000 => Some(
            "after OpenSSL 3.1 (seen in 3.5.5), config_diagnostics = 1 makes SSL_CTX_new fail on \
             the unknown directives, which 3.0 (CPython's) skips",
        ),
        _ => None,
    }
}

#[test]
fn contexts_under_each_policy_match_cpython() {
    let handles: Vec<_> = POLICIES
        .iter()
        .map(|&policy| thread::spawn(move || (policy, states(policy))))
        .collect();
    let mut failures = Vec::new();
    for handle in handles {
        let (policy, (ours, theirs)) = handle.join().unwrap();
        if let Some(reason) = state_not_comparable(policy) {
            eprintln!("{policy}: not comparing the contexts with CPython: {reason}");
            eprintln!("  pyssl: {ours:?}");
            continue;
        }
        assert_eq!(
            theirs.len(),
            CONTEXTS.len() * STATE_FIELDS.len(),
            "{policy}: CPython made every context: {theirs:#?}"
        );
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{policy}: pyssl: {:#?}",
            &ours[..1]
        );
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            let t = common::oracle_as_linked(t);
            if o != &t && !common::version_dependent_line(&t) {
                failures.push(format!(
                    "{policy}: {}.{}:\n  pyssl:   {o}\n  CPython: {t}",
                    CONTEXTS[i / STATE_FIELDS.len()],
                    STATE_FIELDS[i % STATE_FIELDS.len()]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What a property must show under a policy.
enum Shows {
    /// Exactly this (a repr or a number).
    Is(&'static str),
    /// A repr containing this.
    Has(&'static str),
    /// A repr without this.
    Lacks(&'static str),
}

/// Which contexts an expectation holds for (indexes into [`CONTEXTS`]).
const EVERY: &[usize] = &[0, 1, 2, 3, 4, 5, 6];
/// Made with `TLS_method()` or its client or server form: CPython sets their minimum.
const TLS_METHOD: &[usize] = &[0, 1, 2, 3];
/// Made with a version-specific method, on which OpenSSL ignores MinProtocol and MaxProtocol.
const FIXED_VERSION: &[usize] = &[4, 5, 6];
/// Client-only methods (the rest can serve, so server commands reach them).
const CLIENT_ONLY: &[usize] = &[0, 1];
const CAN_SERVE: &[usize] = &[2, 3, 4, 5, 6];

const TLS1_2: &str = "<TLSVersion.TLSv1_2: 771>";
const MIN_SUPPORTED: &str = "<TLSVersion.MINIMUM_SUPPORTED: -2>";
const MAX_SUPPORTED: &str = "<TLSVersion.MAXIMUM_SUPPORTED: -1>";

/// What CPython keeps of a policy and what it overrides after `SSL_CTX_new`
/// (docs/openssl-versions.md's table): asserted on CPython's answer and on pyssl's.
#[rustfmt::skip]
const SURVIVAL: &[(&str, &str, &[usize], Shows)] = &[
    // Overridden: CPython sets the minimum to TLS 1.2 and its own cipher string, whose
    // @SECLEVEL=2 replaces the policy's level (3 or 1 alike) and its CipherString.
    ("tls13-only", "minimum_version", TLS_METHOD, Shows::Is(TLS1_2)),
    ("rhel-legacy", "minimum_version", TLS_METHOD, Shows::Is(TLS1_2)),
    ("seclevel3", "security_level", EVERY, Shows::Is("2")),
    ("rhel-future", "security_level", EVERY, Shows::Is("2")),
    ("rhel-legacy", "security_level", EVERY, Shows::Is("2")),
    ("rhel-fips", "get_ciphers()", EVERY, Shows::Has("'name': 'ECDHE-RSA-CHACHA20-POLY1305'")),
    // CPython sets the verify mode of every context it makes.
    ("verify-mode", "verify_mode", CAN_SERVE, Shows::Is("<VerifyMode.CERT_NONE: 0>")),
    // Ignored by OpenSSL itself: bounds on a version-specific method.
    ("tls13-only", "minimum_version", FIXED_VERSION, Shows::Is(MIN_SUPPORTED)),
    ("tls12-max", "maximum_version", FIXED_VERSION, Shows::Is(MAX_SUPPORTED)),
    // Kept: MaxProtocol, Ciphersuites, Options (CPython only adds bits), NumTickets.
    ("tls12-max", "maximum_version", TLS_METHOD, Shows::Is(TLS1_2)),
    ("rhel-fips", "get_ciphers()", EVERY, Shows::Lacks("'name': 'TLS_CHACHA20_POLY1305_SHA256'")),
    ("chacha-only", "get_ciphers()", EVERY, Shows::Lacks("'name': 'TLS_AES_256_GCM_SHA384'")),
    ("chacha-only", "get_ciphers()", EVERY, Shows::Has("'name': 'TLS_CHACHA20_POLY1305_SHA256'")),
    ("unknown-directive", "get_ciphers()", EVERY, Shows::Lacks("'name': 'TLS_AES_256_GCM_SHA384'")),
    ("options", "options", EVERY, Shows::Has("OP_NO_TICKET")),
    ("options", "options", EVERY, Shows::Has("OP_NO_RENEGOTIATION")),
    // SSL_OP_PRIORITIZE_CHACHA: no member of Python's Options, so repr shows the bare bit.
    ("options", "options", EVERY, Shows::Has("|2097152: ")),
    // NumTickets is a server command: client-only contexts keep OpenSSL's 2.
    ("options", "num_tickets", CAN_SERVE, Shows::Is("4")),
    ("options", "num_tickets", CLIENT_ONLY, Shows::Is("2")),
];

#[test]
fn policy_settings_survive_or_not_as_documented() {
    let mut policies: Vec<&str> = SURVIVAL.iter().map(|s| s.0).collect();
    policies.dedup();
    let handles: Vec<_> = policies
        .into_iter()
        .map(|policy| thread::spawn(move || (policy, states(policy))))
        .collect();
    let mut failures = Vec::new();
    for handle in handles {
        let (policy, (ours, theirs)) = handle.join().unwrap();
        if let Some(reason) = state_not_comparable(policy) {
            eprintln!("{policy}: not checked: {reason}");
            continue;
        }
        for (_, field, contexts, shows) in SURVIVAL.iter().filter(|s| s.0 == policy) {
            let i = STATE_FIELDS.iter().position(|f| f == field).unwrap();
            for &c in *contexts {
                for (side, lines) in [("CPython", &theirs), ("pyssl", &ours)] {
                    let value = &lines[c * STATE_FIELDS.len() + i];
                    let ok = match shows {
                        Shows::Is(v) => value == v,
                        Shows::Has(v) => value.contains(v),
                        Shows::Lacks(v) => !value.contains(v),
                    };
                    if !ok {
                        failures.push(format!(
                            "{policy}: {side}'s {}.{field}: {value}",
                            CONTEXTS[c]
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Handshakes

/// A handshake between a server under one policy and a client under another, each optionally
/// calling `set_ciphers` first (before `load_cert_chain` on the server), with what both sides
/// of an all-CPython pair report: `version|cipher` or the error as `describe_error` prints it
/// (`setup:` when the server could not even load its certificate; the client is then not run).
struct Handshake {
    server: &'static str,
    client: &'static str,
    server_ciphers: &'static str,
    client_ciphers: &'static str,
    expect_server: &'static str,
    expect_client: &'static str,
}

const TLS13_AES256: &str = "TLSv1.3|TLS_AES_256_GCM_SHA384";
const HANDSHAKE_FAILURE_ALERT: &str = "SSLError|1|'SSL'|'SSLV3_ALERT_HANDSHAKE_FAILURE'|None|None|[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure";

const fn same_policy(policy: &'static str, expect: &'static str) -> Handshake {
    Handshake {
        server: policy,
        client: policy,
        server_ciphers: "",
        client_ciphers: "",
        expect_server: expect,
        expect_client: expect,
    }
}

const HANDSHAKES: &[Handshake] = &[
    same_policy("rhel-default", TLS13_AES256),
    same_policy("rhel-future", TLS13_AES256),
    same_policy("rhel-fips", TLS13_AES256),
    same_policy("options", TLS13_AES256),
    // The 2048-bit RSA certificate passes: CPython's @SECLEVEL=2 replaced the policy's 3.
    same_policy("seclevel3", TLS13_AES256),
    Handshake {
        expect_server: "TLSv1.3|TLS_AES_128_GCM_SHA256",
        expect_client: "TLSv1.3|TLS_AES_128_GCM_SHA256",
        ..same_policy("unknown-directive", "")
    },
    // The policy's MinProtocol = TLSv1.3 does not survive CPython's TLS 1.2 minimum, on either
    // side: a peer capped at 1.2 connects.
    Handshake {
        server: "tls13-only",
        client: "tls12-max",
        ..same_policy("", "TLSv1.2|ECDHE-RSA-AES256-GCM-SHA384")
    },
    Handshake {
        server: "tls12-max",
        client: "tls13-only",
        ..same_policy("", "TLSv1.2|ECDHE-RSA-AES256-GCM-SHA384")
    },
    // Groups survive: no common group.
    Handshake {
        server: "no-x25519",
        client: "x25519-only",
        expect_server: "SSLError|1|'SSL'|'NO_SUITABLE_KEY_SHARE'|None|None|[SSL: NO_SUITABLE_KEY_SHARE] no suitable key share",
        expect_client: HANDSHAKE_FAILURE_ALERT,
        ..same_policy("", "")
    },
    // Ciphersuites survive: no common TLS 1.3 suite, and TLS 1.3 does not fall back to 1.2.
    Handshake {
        server: "rhel-fips",
        client: "chacha-only",
        expect_server: "SSLError|1|'SSL'|'NO_SHARED_CIPHER'|None|None|[SSL: NO_SHARED_CIPHER] no shared cipher",
        expect_client: HANDSHAKE_FAILURE_ALERT,
        ..same_policy("", "")
    },
    // SignatureAlgorithms survive: the client accepts ECDSA only, the server holds RSA.
    Handshake {
        server: "rhel-default",
        client: "ecdsa-signatures",
        expect_server: "SSLError|1|'SSL'|'NO_SUITABLE_SIGNATURE_ALGORITHM'|None|None|[SSL: NO_SUITABLE_SIGNATURE_ALGORITHM] no suitable signature algorithm",
        expect_client: HANDSHAKE_FAILURE_ALERT,
        ..same_policy("", "")
    },
    // Security level 3 only where the program sets it again: the server cannot load its
    // 2048-bit RSA key, the client rejects it.
    Handshake {
        server_ciphers: "DEFAULT:@SECLEVEL=3",
        expect_server: "setup:SSLError|399|'SSL'|'EE_KEY_TOO_SMALL'|None|None|[SSL: EE_KEY_TOO_SMALL] ee key too small",
        expect_client: "-",
        ..same_policy("seclevel3", "")
    },
    Handshake {
        client_ciphers: "DEFAULT:@SECLEVEL=3",
        expect_server: "SSLError|1|'SSL'|'SSLV3_ALERT_BAD_CERTIFICATE'|None|None|[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate",
        expect_client: "SSLCertVerificationError|1|'SSL'|'CERTIFICATE_VERIFY_FAILED'|66|'EE certificate key too weak'|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: EE certificate key too weak",
        ..same_policy("seclevel3", "")
    },
];

/// The CPython peer: `server CIPHERS FIXTURES` prints `PORT:n` once listening, or
/// `client CIPHERS FIXTURES PORT`; each prints its outcome as `RESULT:...`.
const PY_PEER: &str = r#"
import socket, ssl, sys
role, ciphers, fixtures = sys.argv[1:4]
def report(text):
    print("RESULT:" + text, flush=True)
def outcome(s):
    return s.version() + "|" + s.cipher()[0]
if role == "server":
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if ciphers:
            ctx.set_ciphers(ciphers)
        ctx.load_cert_chain(fixtures + "/server.pem", fixtures + "/server.key")
    except Exception as e:
        report("setup:" + describe_error(e))
        sys.exit()
    with socket.create_server(("127.0.0.1", 0)) as srv:
        srv.settimeout(10)
        print("PORT:%d" % srv.getsockname()[1], flush=True)
        conn, _ = srv.accept()
        conn.settimeout(10)
        try:
            with ctx.wrap_socket(conn, server_side=True) as s:
                report(outcome(s))
                s.sendall(b"x")
        except Exception as e:
            report(describe_error(e))
else:
    # Connected first, so that the server always has a peer, even when making the context fails
    # (3.5 with config_diagnostics).
    with socket.create_connection(("127.0.0.1", int(sys.argv[4])), timeout=10) as sock:
        try:
            ctx = ssl.create_default_context(cafile=fixtures + "/ca.pem")
            if ciphers:
                ctx.set_ciphers(ciphers)
            with ctx.wrap_socket(sock, server_hostname="localhost") as s:
                s.recv(1)
                report(outcome(s))
        except Exception as e:
            report(describe_error(e))
"#;

#[derive(Clone, Copy, PartialEq)]
enum Side {
    CPython,
    Pyssl,
}

fn peer(side: Side, policy: &str, role: &str, ciphers: &str, port: Option<u16>) -> Command {
    let fixtures = common::fixture_str("");
    match side {
        Side::CPython => {
            let mut cmd = cpython(policy);
            let code = format!("{}{PY_PEER}", common::PY_DESCRIBE_ERROR);
            cmd.args(["-c", &code, role, ciphers, fixtures.trim_end_matches('/')]);
            if let Some(port) = port {
                cmd.arg(port.to_string());
            }
            cmd
        }
        Side::Pyssl => {
            let mut cmd = pyssl_child(policy, role);
            cmd.env(CHILD_CIPHERS, ciphers);
            if let Some(port) = port {
                cmd.env(CHILD_PORT, port.to_string());
            }
            cmd
        }
    }
}

/// Runs one handshake with the given implementations; returns (server's, client's) outcome.
fn shake(h: &Handshake, server: Side, client: Side) -> (String, String) {
    let mut srv = peer(server, h.server, "server", h.server_ciphers, None)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(srv.stdout.take().unwrap()).lines();
    let mut port = None;
    let mut server_result = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some((_, p)) = line.split_once("PORT:") {
            port = Some(p.parse().unwrap());
            break;
        }
        if let Some((_, r)) = line.split_once("RESULT:") {
            server_result = Some(r.to_string());
            break;
        }
    }
    let client_result = match port {
        Some(port) => {
            let out = peer(client, h.client, "client", h.client_ciphers, Some(port))
                .output()
                .unwrap();
            let stdout = String::from_utf8(out.stdout).unwrap();
            let results = tagged(&stdout, "RESULT:");
            assert_eq!(
                results.len(),
                1,
                "client: {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            results[0].clone()
        }
        None => "-".to_string(),
    };
    // Read to the end (libtest's last lines included), so that the child never writes to a
    // closed pipe.
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let server_result = server_result
        .or_else(|| tagged(&rest.join("\n"), "RESULT:").into_iter().next())
        .unwrap_or_default();
    let status = srv.wait().unwrap();
    assert!(
        status.success() && !server_result.is_empty(),
        "server ({}) reported nothing: {}",
        h.server,
        std::io::read_to_string(srv.stderr.take().unwrap()).unwrap_or_default()
    );
    (server_result, client_result)
}

#[test]
fn handshakes_under_policies_match_cpython_both_ways() {
    let handles: Vec<_> = HANDSHAKES
        .iter()
        .map(|h| {
            thread::spawn(move || {
                (
                    h,
                    shake(h, Side::CPython, Side::CPython),
                    shake(h, Side::Pyssl, Side::CPython),
                    shake(h, Side::CPython, Side::Pyssl),
                )
            })
        })
        .collect();
    for handle in handles {
        let (h, oracle, pyssl_server, pyssl_client) = handle.join().unwrap();
        let what = format!(
            "server under {} ({:?}), client under {} ({:?})",
            h.server, h.server_ciphers, h.client, h.client_ciphers
        );
        // CPython against itself: the documented answer (CPython links the same OpenSSL on
        // every row of the matrix).
        assert_eq!(
            oracle,
            (h.expect_server.to_string(), h.expect_client.to_string()),
            "CPython, {what}"
        );
        let (server, client) = (&oracle.0, &oracle.1);
        // pyssl's side: its text is the linked OpenSSL's; CPython's side: the system 3.0's.
        same_as_oracle(
            &format!("pyssl server: {what}"),
            &pyssl_server.0,
            server,
            true,
        );
        same_as_oracle(
            &format!("its CPython client: {what}"),
            &pyssl_server.1,
            client,
            false,
        );
        same_as_oracle(
            &format!("CPython server: {what}"),
            &pyssl_client.0,
            server,
            false,
        );
        same_as_oracle(
            &format!("its pyssl client: {what}"),
            &pyssl_client.1,
            client,
            true,
        );
    }
}

/// `assert_eq!(got, oracle)`, through [`common::oracle_as_linked`] when `got` is pyssl's; when
/// pyssl links another OpenSSL than CPython, a difference is printed instead (see
/// [`common::assert_outcomes_eq`]).
fn same_as_oracle(what: &str, got: &str, oracle: &str, pyssl_side: bool) {
    if pyssl_side {
        return common::assert_outcomes_eq(what, &[got.to_string()], oracle);
    }
    if common::same_openssl_as_oracle() {
        assert_eq!(got, oracle, "{what}");
    } else if got != oracle {
        eprintln!("{what}: not asserted with pyssl on another OpenSSL:\n  got:    {got}\n  oracle: {oracle}");
    }
}

// ---------------------------------------------------------------------------------------------
// The pyssl child

/// A pyssl peer or state report under the `OPENSSL_CONF` its parent chose; run only by the
/// tests above (`--ignored`). Without `PYSSL_POLICY_CHILD` it reports the state under whatever
/// configuration the process has.
#[test]
#[ignore = "run by the other tests of this file in a child process, under a policy"]
fn pyssl_under_policy() {
    let ciphers = std::env::var(CHILD_CIPHERS).unwrap_or_default();
    match std::env::var(CHILD).as_deref() {
        Ok("server") => serve(&ciphers),
        Ok("client") => {
            let port = std::env::var(CHILD_PORT).unwrap().parse().unwrap();
            connect(port, &ciphers)
        }
        _ => print_state(),
    }
}

#[allow(deprecated)]
fn print_state() {
    let protocols = [
        ssl::PROTOCOL_TLS_CLIENT,
        ssl::PROTOCOL_TLS_SERVER,
        ssl::PROTOCOL_TLS,
        ssl::PROTOCOL_TLSv1,
        ssl::PROTOCOL_TLSv1_1,
        ssl::PROTOCOL_TLSv1_2,
    ];
    let made = std::iter::once(ssl::create_default_context())
        .chain(protocols.into_iter().map(ssl::SSLContext::new));
    for ctx in made {
        let lines = match ctx {
            Ok(ctx) => describe(&ctx),
            Err(e) => vec![common::describe_error(&e)],
        };
        for line in lines {
            println!("STATE:{line}");
        }
    }
}

fn report(result: pyssl::Result<String>) {
    match result {
        Ok(text) => println!("RESULT:{text}"),
        Err(e) => println!("RESULT:{}", common::describe_error(&e)),
    }
}

fn outcome(s: &ssl::SSLSocket) -> String {
    format!(
        "{}|{}",
        s.version().unwrap_or_default(),
        s.cipher().map(|c| c.0).unwrap_or_default()
    )
}

fn server_context(ciphers: &str) -> pyssl::Result<ssl::SSLContext> {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
    if !ciphers.is_empty() {
        ctx.set_ciphers(ciphers)?;
    }
    ctx.load_cert_chain(
        common::fixture("server.pem"),
        common::fixture_str("server.key").as_str(),
    )?;
    Ok(ctx)
}

fn serve(ciphers: &str) {
    let ctx = match server_context(ciphers) {
        Ok(ctx) => ctx,
        Err(e) => return println!("RESULT:setup:{}", common::describe_error(&e)),
    };
    let srv = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    srv.settimeout(Some(10.0)).unwrap();
    println!("PORT:{}", srv.getsockname().unwrap().port());
    let (conn, _) = srv.accept().unwrap();
    conn.settimeout(Some(10.0)).unwrap();
    report((|| {
        let mut s = ctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )?;
        let text = outcome(&s);
        s.sendall(b"x")?;
        Ok(text)
    })());
}

fn connect(port: u16, ciphers: &str) {
    // Connected first, as the CPython peer does.
    let sock = socket::create_connection(
        ("127.0.0.1", port),
        socket::CreateConnection {
            timeout: 10.0.into(),
            ..Default::default()
        },
    )
    .unwrap();
    report((|| {
        let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
            cafile: Some(&common::fixture_str("ca.pem")),
            ..Default::default()
        })?;
        if !ciphers.is_empty() {
            ctx.set_ciphers(ciphers)?;
        }
        let mut s = ctx.wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )?;
        s.recv(1)?;
        Ok(outcome(&s))
    })());
}
