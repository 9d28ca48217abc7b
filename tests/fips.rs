//! OpenSSL in FIPS mode (the matrix's `3.0-fips` row: only the FIPS and base providers,
//! `default_properties = fips=yes`) against CPython 3.13 on the very same library: what new
//! contexts hold, what the cipher-string corpus selects, handshakes with a peer outside FIPS mode
//! (a CPython server or an `openssl s_client` on the system OpenSSL) offering only ChaCha20, only
//! X25519/X448, an Ed25519 or an RSA-1024 certificate, TLS 1.0/1.1, and loading those keys;
//! every outcome and error text compared line for line with CPython's, and with the answers
//! measured on OpenSSL 3.0.22 (ChaCha20, Camellia, ARIA, MD5 and RSA-1024 signing are refused;
//! 3.0's FIPS provider does implement X25519, X448, Ed25519 and Ed448).
//!
//! The first test runs on every row; the others skip, saying so, when the linked OpenSSL is not
//! in FIPS mode (`bash scripts/openssl-matrix.sh fips` runs them).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread;

use common::{describe_error, fixture_str, PY_DESCRIBE_ERROR};
use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// Ends a FIPS-only test, saying why, when the linked OpenSSL is not in FIPS mode.
macro_rules! only_in_fips {
    () => {
        if !common::fips_mode() {
            eprintln!(
                "skipped: {}: the linked OpenSSL is not in FIPS mode (run `bash \
                 scripts/openssl-matrix.sh fips`)",
                thread::current().name().unwrap_or("?")
            );
            return;
        }
    };
}

/// The environment of the tests, minus what selects the FIPS build: a process started this way
/// runs on the system OpenSSL with its default providers (a peer outside FIPS mode).
fn outside_fips(mut cmd: Command) -> Command {
    cmd.env_remove("LD_LIBRARY_PATH").env_remove("OPENSSL_CONF");
    cmd
}

#[test]
fn fips_mode_is_what_the_linked_library_does() {
    // ChaCha20 is the one TLS cipher every other row offers and the FIPS provider lacks.
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let chacha = ctx.set_ciphers("CHACHA20").map_err(|e| describe_error(&e));
    if common::fips_mode() {
        assert_eq!(
            chacha.unwrap_err(),
            "SSLError|None|None|None|None|None|('No cipher can be selected.',)"
        );
    } else {
        assert_eq!(chacha, Ok(()));
    }
    // The oracle loads the library pyssl links (LD_LIBRARY_PATH on the FIPS row): same text.
    if common::same_openssl_as_oracle() {
        let theirs = common::py313("import ssl; print(ssl.OPENSSL_VERSION)", &[]);
        assert_eq!(theirs.trim_end(), *ssl::OPENSSL_VERSION);
    }
}

/// What a context holds that FIPS mode changes, one line per field.
fn context_state(ctx: &ssl::SSLContext) -> String {
    let names: Vec<String> = ctx.get_ciphers().into_iter().map(|c| c.name).collect();
    [
        ctx.protocol().py_repr(),
        ctx.options().value().to_string(),
        ctx.minimum_version().py_repr(),
        ctx.maximum_version().py_repr(),
        ctx.security_level().to_string(),
        names.py_repr(),
    ]
    .join("\n")
}

const PY_CONTEXT_STATE: &str = r#"
import ssl, warnings
warnings.simplefilter("ignore")
def state(ctx):
    return "\n".join([repr(ctx.protocol), str(int(ctx.options)), repr(ctx.minimum_version),
        repr(ctx.maximum_version), str(ctx.security_level),
        repr([c["name"] for c in ctx.get_ciphers()])])
contexts = [ssl.create_default_context(), ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)]
contexts += [ssl.SSLContext(p) for p in (ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLS_CLIENT,
    ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLSv1_2)]
print("\n=====\n".join(state(c) for c in contexts))
"#;

/// The default suites in FIPS mode (measured on OpenSSL 3.0.22 with CPython 3.13): CPython's
/// default cipher string minus the ChaCha20 suites, TLS 1.3 ones first.
const FIPS_DEFAULT_CIPHERS: &str = "['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', \
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', \
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', \
    'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA256', \
    'ECDHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES128-GCM-SHA256', \
    'DHE-RSA-AES256-SHA256', 'DHE-RSA-AES128-SHA256']";

#[test]
#[allow(deprecated)]
fn new_contexts_hold_what_cpython_holds_in_fips_mode() {
    only_in_fips!();
    let ours: Vec<String> = [
        ssl::create_default_context().unwrap(),
        ssl::create_default_context_with(ssl::CreateDefaultContext {
            purpose: ssl::Purpose::CLIENT_AUTH,
            ..Default::default()
        })
        .unwrap(),
    ]
    .into_iter()
    .chain(
        [
            ssl::PROTOCOL_TLS,
            ssl::PROTOCOL_TLS_CLIENT,
            ssl::PROTOCOL_TLS_SERVER,
            ssl::PROTOCOL_TLSv1_2,
        ]
        .into_iter()
        .map(|p| ssl::SSLContext::new(p).unwrap()),
    )
    .map(|ctx| context_state(&ctx))
    .collect();
    let theirs = common::py313(PY_CONTEXT_STATE, &[]);
    let theirs: Vec<&str> = theirs.trim_end().split("\n=====\n").collect();
    assert_eq!(ours, theirs);
    for state in &ours {
        assert!(!state.contains("CHACHA20"), "{state}");
    }
    assert_eq!(ours[0].lines().last(), Some(FIPS_DEFAULT_CIPHERS));
}

const PY_CORPUS: &str = r#"
import ssl, sys
for s in sys.argv[1:]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.set_ciphers(s)
        print(repr([c["name"] for c in ctx.get_ciphers()]))
    except Exception as e:
        print("ERR", type(e).__name__, str(e))
"#;

/// What FIPS mode removes from the system library's `ALL:COMPLEMENTOFALL:@SECLEVEL=0` (158
/// suites there, 105 here; measured): 8 ChaCha20, 28 Camellia and 16 ARIA suites and `NULL-MD5`.
const NOT_IN_FIPS: &[&str] = &["CHACHA20", "CAMELLIA", "ARIA", "MD5"];

#[test]
fn cipher_strings_select_what_cpython_selects_in_fips_mode() {
    only_in_fips!();
    let strings = common::cipher_corpus::table();
    let ours: Vec<String> = strings
        .iter()
        .map(|s| {
            let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
            match ctx.set_ciphers(s) {
                Ok(()) => {
                    let names: Vec<String> =
                        ctx.get_ciphers().into_iter().map(|c| c.name).collect();
                    names.py_repr()
                }
                Err(e) => format!("ERR {} {e}", e.type_name()),
            }
        })
        .collect();
    let args: Vec<&str> = strings.iter().map(String::as_str).collect();
    let theirs = common::py313(PY_CORPUS, &args);
    common::assert_rows_match(&args, &ours, &theirs);

    for (s, selected) in strings.iter().zip(&ours) {
        for family in NOT_IN_FIPS {
            assert!(!selected.contains(family), "{s:?} selects {selected}");
        }
    }
    // The names of the system library's ciphers that FIPS mode refuses, one by one.
    let refused = |name: &str| {
        let i = strings.iter().position(|s| s == name).unwrap();
        ours[i].clone()
    };
    for name in [
        "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-CAMELLIA256-SHA256",
        "ECDHE-ARIA256-GCM-SHA384",
        "CHACHA20",
    ] {
        assert_eq!(
            refused(name),
            "ERR SSLError ('No cipher can be selected.',)",
            "{name}"
        );
    }
    assert_eq!(
        refused("ECDHE-RSA-AES128-GCM-SHA256"),
        "['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256']"
    );
}

/// `ok VERSION CIPHER` after a handshake, else `ERR <describe_error>`.
fn outcome(result: pyssl::Result<(String, String)>) -> String {
    match result {
        Ok((version, cipher)) => format!("ok {version} {cipher}"),
        Err(e) => format!("ERR {}", describe_error(&e)),
    }
}

/// A Python server that serves `count` connections, one after the other, and prints the outcome
/// of each (as [`outcome`]) after printing its port. argv: cert key ciphers tls12 curve count.
const PY_SERVER: &str = r#"
import socket, ssl, sys
cert, key, ciphers, tls12, curve, count = sys.argv[1:7]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
if ciphers:
    ctx.set_ciphers(ciphers)
ctx.load_cert_chain(cert, key)
if tls12 == "1":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if curve:
    ctx.set_ecdh_curve(curve)
srv = socket.create_server(("127.0.0.1", 0))
print(srv.getsockname()[1], flush=True)
for _ in range(int(count)):
    conn, _ = srv.accept()
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            print("ok", s.version(), s.cipher()[0], flush=True)
            try:
                s.sendall(b"x")
            except OSError:
                pass  # a client that hung up first
    except Exception as e:
        print("ERR " + describe_error(e), flush=True)
"#;

/// A Python client of `127.0.0.1:PORT` trusting the fixture CA (`create_default_context`), the
/// cipher string applied when not empty; prints its outcome as [`outcome`]. argv: port ciphers.
const PY_CLIENT: &str = r#"
import socket, ssl, sys
port, ciphers, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
if ciphers:
    ctx.set_ciphers(ciphers)
try:
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as c:
            print("ok", c.version(), c.cipher()[0])
            c.recv(1)
except Exception as e:
    print("ERR " + describe_error(e))
"#;

/// A running server process: its port, and its output once it has served every connection.
struct ServerProcess {
    child: Child,
    stdout: BufReader<ChildStdout>,
    port: u16,
}

impl ServerProcess {
    fn start(python: Command, args: &[&str]) -> ServerProcess {
        let code = format!("{PY_DESCRIBE_ERROR}\n{PY_SERVER}");
        let mut child = { python }
            .arg("-c")
            .arg(code)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the server printed {line:?}, not its port"));
        ServerProcess {
            child,
            stdout,
            port,
        }
    }

    fn finish(mut self) -> Vec<String> {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        assert!(self.child.wait().unwrap().success(), "the server failed");
        rest.lines().map(str::to_string).collect()
    }
}

/// pyssl's client: `create_default_context(cafile=ca.pem)`, `ciphers` applied when not empty.
fn pyssl_client(port: u16, ciphers: &str) -> String {
    let attempt = || -> pyssl::Result<(String, String)> {
        let ctx = common::client_context();
        if !ciphers.is_empty() {
            ctx.set_ciphers(ciphers)?;
        }
        let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
        let mut c = ctx.wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )?;
        let seen = (
            c.version().unwrap_or_default().to_string(),
            c.cipher().map(|c| c.0.to_string()).unwrap_or_default(),
        );
        c.recv(1)?;
        Ok(seen)
    };
    outcome(attempt())
}

/// One peer outside FIPS mode, and the FIPS-mode client configuration that meets it.
struct ServerCase {
    what: &'static str,
    cert: &'static str,
    key: &'static str,
    /// The peer's `set_ciphers` (before loading its certificate), empty for the default.
    server_ciphers: &'static str,
    /// The peer caps the version at TLS 1.2 (where `set_ciphers` governs the suites).
    tls12: bool,
    /// The peer's `set_ecdh_curve`, empty for the default groups.
    curve: &'static str,
    client_ciphers: &'static str,
}

const SERVER_CASES: &[ServerCase] = &[
    ServerCase {
        what: "control: RSA-2048 server, defaults",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        tls12: false,
        curve: "",
        client_ciphers: "",
    },
    ServerCase {
        what: "the peer offers only ChaCha20 (TLS 1.2)",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "ECDHE-RSA-CHACHA20-POLY1305",
        tls12: true,
        curve: "",
        client_ciphers: "",
    },
    ServerCase {
        what: "the peer accepts only X25519 (in 3.0's FIPS provider)",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        tls12: false,
        curve: "X25519",
        client_ciphers: "",
    },
    ServerCase {
        what: "Ed25519 certificate (verified by 3.0's FIPS provider)",
        cert: "ed25519.pem",
        key: "ed25519.key",
        server_ciphers: "",
        tls12: false,
        curve: "",
        client_ciphers: "",
    },
    ServerCase {
        what: "RSA-1024 certificate, client at the default security level",
        cert: "rsa1024.pem",
        key: "rsa1024.key",
        server_ciphers: "DEFAULT:@SECLEVEL=0",
        tls12: false,
        curve: "",
        client_ciphers: "",
    },
    ServerCase {
        what: "RSA-1024 certificate, client at security level 0 (FIPS verifies RSA-1024)",
        cert: "rsa1024.pem",
        key: "rsa1024.key",
        server_ciphers: "DEFAULT:@SECLEVEL=0",
        tls12: false,
        curve: "",
        client_ciphers: "DEFAULT:@SECLEVEL=0",
    },
];

/// What the FIPS-mode client and the peer saw, per case (measured with CPython 3.13 on
/// OpenSSL 3.0.22 in FIPS mode; pyssl must say the same, and the test checks that CPython does).
const SERVER_CASE_CLIENTS: &[&str] = &[
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ERR SSLError|1|'SSL'|'SSLV3_ALERT_HANDSHAKE_FAILURE'|None|None|[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ERR SSLCertVerificationError|1|'SSL'|'CERTIFICATE_VERIFY_FAILED'|66|'EE certificate key too weak'|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: EE certificate key too weak",
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
];

#[test]
fn handshakes_with_a_peer_outside_fips_mode() {
    only_in_fips!();
    let ca = fixture_str("ca.pem");
    let mut report = Vec::new();
    for case in SERVER_CASES {
        let (cert, key) = (fixture_str(case.cert), fixture_str(case.key));
        let args = [
            cert.as_str(),
            key.as_str(),
            case.server_ciphers,
            if case.tls12 { "1" } else { "0" },
            case.curve,
            "2",
        ];
        let server = ServerProcess::start(outside_fips(common::python313()), &args);
        let port = server.port.to_string();
        let ours = pyssl_client(server.port, case.client_ciphers);
        let client_code = format!("{PY_DESCRIBE_ERROR}\n{PY_CLIENT}");
        let theirs = common::py313(&client_code, &[&port, case.client_ciphers, &ca]);
        let served = server.finish();
        assert_eq!(served.len(), 2, "{}: {served:?}", case.what);
        report.push(format!(
            "{}:\n  pyssl client:   {ours}\n  CPython client: {}\n  peer, pyssl's attempt:   {}\n  peer, CPython's attempt: {}",
            case.what,
            theirs.trim_end(),
            served[0],
            served[1]
        ));
        assert_eq!(ours, theirs.trim_end(), "{}", case.what);
        assert_eq!(served[0], served[1], "{}: the peer's view", case.what);
    }
    eprintln!("{}", report.join("\n"));
    for (line, want) in report.iter().zip(SERVER_CASE_CLIENTS) {
        let seen = line.lines().nth(1).unwrap().trim_start();
        assert_eq!(seen, format!("pyssl client:   {want}"));
    }
}

/// A server in FIPS mode (RSA-2048 or RSA-1024 certificate), and what a client outside FIPS mode
/// (`openssl s_client` on the system library) offers it.
struct ClientCase {
    what: &'static str,
    cert: &'static str,
    key: &'static str,
    server_ciphers: &'static str,
    s_client: &'static [&'static str],
}

const CLIENT_CASES: &[ClientCase] = &[
    ClientCase {
        what: "control: defaults",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        s_client: &[],
    },
    ClientCase {
        what: "the client offers only TLS_CHACHA20_POLY1305_SHA256 (TLS 1.3)",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        s_client: &["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"],
    },
    ClientCase {
        what: "the client offers only ECDHE-RSA-CHACHA20-POLY1305 (TLS 1.2)",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        s_client: &["-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305"],
    },
    ClientCase {
        what: "the client offers only the X25519 and X448 groups",
        cert: "server.pem",
        key: "server.key",
        server_ciphers: "",
        s_client: &["-groups", "X25519:X448"],
    },
    ClientCase {
        what: "the server signs with Ed25519 (in 3.0's FIPS provider)",
        cert: "ed25519.pem",
        key: "ed25519.key",
        server_ciphers: "",
        s_client: &[],
    },
    ClientCase {
        what: "the server signs with RSA-1024 (security level 0 on both sides): FIPS refuses",
        cert: "rsa1024.pem",
        key: "rsa1024.key",
        server_ciphers: "DEFAULT:@SECLEVEL=0",
        s_client: &["-cipher", "DEFAULT:@SECLEVEL=0"],
    },
];

/// What the FIPS-mode server saw, per case (measured with CPython 3.13 on OpenSSL 3.0.22 in FIPS
/// mode; pyssl must say the same, and the test checks that CPython does).
const CLIENT_CASE_SERVERS: &[&str] = &[
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ERR SSLError|1|'SSL'|'NO_SHARED_CIPHER'|None|None|[SSL: NO_SHARED_CIPHER] no shared cipher",
    "ERR SSLError|1|'SSL'|'NO_SHARED_CIPHER'|None|None|[SSL: NO_SHARED_CIPHER] no shared cipher",
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ok TLSv1.3 TLS_AES_256_GCM_SHA384",
    "ERR SSLError|1|'SSL'|'NO_SUITABLE_SIGNATURE_ALGORITHM'|None|None|[SSL: NO_SUITABLE_SIGNATURE_ALGORITHM] no suitable signature algorithm",
];

/// Runs `openssl s_client` on the system library against 127.0.0.1:`port`; it hangs up after
/// the handshake (its stdin is empty) or when the handshake fails.
fn s_client(port: u16, opts: &[&str]) {
    let status = outside_fips(Command::new("openssl"))
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", "localhost"])
        .args(opts)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the openssl command line is installed");
    // Its status says whether the handshake worked: what matters is the server's view.
    let _ = status;
}

/// pyssl's server in FIPS mode: one connection from `s_client`, its outcome as [`outcome`].
fn pyssl_server(case: &ClientCase) -> String {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let loaded = (|| {
        if !case.server_ciphers.is_empty() {
            ctx.set_ciphers(case.server_ciphers)?;
        }
        ctx.load_cert_chain(fixture_str(case.cert), fixture_str(case.key).as_str())
    })();
    if let Err(e) = loaded {
        return format!("ERR {}", describe_error(&e));
    }
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let attempt = || -> pyssl::Result<(String, String)> {
            let mut s = ctx.wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            )?;
            let seen = (
                s.version().unwrap_or_default().to_string(),
                s.cipher().map(|c| c.0.to_string()).unwrap_or_default(),
            );
            // A client that hung up first is no failure of the handshake.
            let _ = s.sendall(b"x");
            Ok(seen)
        };
        outcome(attempt())
    });
    s_client(port, case.s_client);
    server.join().unwrap()
}

#[test]
fn fips_servers_meet_a_client_outside_fips_mode() {
    only_in_fips!();
    let mut report = Vec::new();
    for case in CLIENT_CASES {
        let ours = pyssl_server(case);
        let (cert, key) = (fixture_str(case.cert), fixture_str(case.key));
        let args = [
            cert.as_str(),
            key.as_str(),
            case.server_ciphers,
            "0",
            "",
            "1",
        ];
        let server = ServerProcess::start(common::python313(), &args);
        s_client(server.port, case.s_client);
        let theirs = server.finish();
        report.push(format!(
            "{}:\n  pyssl server:   {ours}\n  CPython server: {}",
            case.what,
            theirs.join(" / ")
        ));
        assert_eq!(theirs, [ours.as_str()], "{}", case.what);
    }
    eprintln!("{}", report.join("\n"));
    for (line, want) in report.iter().zip(CLIENT_CASE_SERVERS) {
        let seen = line.lines().nth(1).unwrap().trim_start();
        assert_eq!(seen, format!("pyssl server:   {want}"));
    }
}

/// Certificates and keys a context loads (or refuses) in FIPS mode: `cert key ciphers` per
/// case; `load_verify_locations` of the certificate alone follows.
const LOADS: &[(&str, &str, &str)] = &[
    ("server.pem", "server.key", ""),
    ("ecdsa.pem", "ecdsa.key", ""),
    ("ed25519.pem", "ed25519.key", ""),
    ("rsa1024.pem", "rsa1024.key", ""),
    ("rsa1024.pem", "rsa1024.key", "DEFAULT:@SECLEVEL=0"),
];

const PY_LOADS: &str = r#"
import ssl, sys
args = sys.argv[1:]
for i in range(0, len(args), 3):
    cert, key, ciphers = args[i:i + 3]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        if ciphers:
            ctx.set_ciphers(ciphers)
        ctx.load_cert_chain(cert, key)
        print("ok")
    except Exception as e:
        print("ERR " + describe_error(e))
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cert)
        print("ok")
    except Exception as e:
        print("ERR " + describe_error(e))
"#;

/// What loading says in FIPS mode (measured with CPython 3.13 on OpenSSL 3.0.22): the same as
/// outside it. The FIPS provider decodes Ed25519 and RSA-1024 keys; RSA-1024 fails only at
/// security level 2 (as everywhere), and only when it has to sign (the handshakes above).
const LOAD_OUTCOMES: &[&str] = &[
    "ok",
    "ok",
    "ok",
    "ok",
    "ok",
    "ok",
    "ERR SSLError|399|'SSL'|'EE_KEY_TOO_SMALL'|None|None|[SSL: EE_KEY_TOO_SMALL] ee key too small",
    "ok",
    "ok",
    "ok",
];

#[test]
fn loading_keys_in_fips_mode() {
    only_in_fips!();
    let mut ours = Vec::new();
    let mut args = Vec::new();
    for (cert, key, ciphers) in LOADS {
        let (cert, key) = (fixture_str(cert), fixture_str(key));
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        let loaded = (|| {
            if !ciphers.is_empty() {
                ctx.set_ciphers(ciphers)?;
            }
            ctx.load_cert_chain(cert.as_str(), key.as_str())
        })();
        ours.push(match loaded {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("ERR {}", describe_error(&e)),
        });
        let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        ours.push(match client.load_verify_locations(cert.as_str()) {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("ERR {}", describe_error(&e)),
        });
        args.extend([cert, key, ciphers.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let theirs = common::py313(&format!("{PY_DESCRIBE_ERROR}\n{PY_LOADS}"), &args);
    let names: Vec<String> = LOADS
        .iter()
        .flat_map(|(c, k, s)| {
            [
                format!("load_cert_chain({c}, {k}) after set_ciphers({s:?})"),
                format!("load_verify_locations({c})"),
            ]
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    eprintln!("{}", ours.join("\n"));
    common::assert_rows_match(&names, &ours, &theirs);
    assert_eq!(ours, LOAD_OUTCOMES);
}

const PY_LEGACY_HELLO: &str = r#"
import ssl, warnings
warnings.simplefilter("ignore")
for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ctx.maximum_version = v
    obj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO())
    try:
        obj.do_handshake()
        print("done")
    except ssl.SSLWantReadError:
        print("ClientHello sent")
    except Exception as e:
        print("ERR " + describe_error(e))
"#;

#[test]
fn tls_1_0_and_1_1_cannot_start_in_fips_mode() {
    only_in_fips!();
    // TLS 1.0 and 1.1 sign the handshake with MD5+SHA1, which the FIPS provider lacks: the
    // client cannot even send its ClientHello (TLS 1.2, the control, can).
    let ours: Vec<String> = [
        ssl::TLSVersion::TLSv1,
        ssl::TLSVersion::TLSv1_1,
        ssl::TLSVersion::TLSv1_2,
    ]
    .into_iter()
    .map(|v| {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        ctx.set_check_hostname(false);
        ctx.set_verify_mode(ssl::CERT_NONE).unwrap();
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0").unwrap();
        ctx.set_minimum_version(v).unwrap();
        ctx.set_maximum_version(v).unwrap();
        let (incoming, outgoing) = (
            ssl::MemoryBIO::new().unwrap(),
            ssl::MemoryBIO::new().unwrap(),
        );
        let mut obj = ctx
            .wrap_bio(&incoming, &outgoing, ssl::WrapBio::default())
            .unwrap();
        match obj.do_handshake() {
            Ok(()) => "done".to_string(),
            Err(e) if e.is_want_read() => "ClientHello sent".to_string(),
            Err(e) => format!("ERR {}", describe_error(&e)),
        }
    })
    .collect();
    let theirs = common::py313(&format!("{PY_DESCRIBE_ERROR}\n{PY_LEGACY_HELLO}"), &[]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    let refused = "ERR SSLError|1|'SSL'|'NO_SUITABLE_DIGEST_ALGORITHM'|None|None|\
                   [SSL: NO_SUITABLE_DIGEST_ALGORITHM] no suitable digest algorithm";
    assert_eq!(ours, [refused, refused, "ClientHello sent"]);
}
