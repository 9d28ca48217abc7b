//! Every API that takes a file reads it the way CPython 3.13 does, through OpenSSL's own
//! readers (never slurped whole): `/dev/zero`, a directory, a missing file, a file that fails
//! to read (`/proc/self/mem`), an empty file and a non-PEM file get CPython's answers, at once,
//! from `load_dh_params`, `load_cert_chain` (cert and key), `load_verify_locations` (cafile,
//! capath and a capath entry met during verification), `_test_decode_cert`, `pyssl
//! decode-cert` and `keylog_filename`. Each runs under a deadline, so a reader that reads
//! forever fails the test instead of hanging or ballooning.

mod common;

use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

/// Runs `f` on its own thread and fails if it takes longer than `secs` (the thread is left
/// behind; the failing test ends the process).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(Duration::from_secs(secs))
        .expect("a file reader did not return in time")
}

fn outcome(r: pyssl::Result<()>) -> String {
    match r {
        Ok(()) => "OK".into(),
        Err(e) => common::describe_error(&e),
    }
}

/// A connected loopback TCP pair.
fn tcp_pair() -> (pyssl::socket::socket, pyssl::socket::socket) {
    use pyssl::socket;
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let client = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    (client, listener.accept().unwrap().0)
}

/// A fresh empty directory under the system's temporary directory.
fn temp_dir(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("pyssl-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    dir.to_str().unwrap().to_string()
}

fn paths(dir: &str) -> Vec<String> {
    vec![
        "/dev/zero".into(),
        dir.into(),
        "/nonexistent/x.pem".into(),
        "/proc/self/mem".into(),
        "/dev/null".into(),
        common::fixture_str("garbage.pem"),
    ]
}

fn matrix(dir: &str) -> Vec<String> {
    let server_pem = common::fixture_str("server.pem");
    let mut out = Vec::new();
    for p in paths(dir) {
        let s = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        out.push(outcome(s.load_dh_params(&p)));
        out.push(outcome(
            s.load_cert_chain(&p, ssl::LoadCertChain::default()),
        ));
        out.push(outcome(s.load_cert_chain(&server_pem, p.as_str())));
        out.push(outcome(s.load_verify_locations(ssl::LoadVerifyLocations {
            cafile: Some(&p),
            ..Default::default()
        })));
        out.push(outcome(s.load_verify_locations(ssl::LoadVerifyLocations {
            capath: Some(&p),
            ..Default::default()
        })));
        out.push(outcome(ssl::_test_decode_cert(&p).map(drop)));
        out.push(outcome(s.set_keylog_filename(&p)));
        out.push(s.keylog_filename().py_repr());
    }
    out
}

const PY_MATRIX: &str = r#"
import ssl, sys
d, F = sys.argv[1], sys.argv[2]
out = []
def t(f):
    try:
        f(); out.append("OK")
    except Exception as e:
        out.append(describe_error(e))
for p in ["/dev/zero", d, "/nonexistent/x.pem", "/proc/self/mem", "/dev/null", F + "/garbage.pem"]:
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    t(lambda: s.load_dh_params(p))
    t(lambda: s.load_cert_chain(p))
    t(lambda: s.load_cert_chain(F + "/server.pem", p))
    t(lambda: s.load_verify_locations(cafile=p))
    t(lambda: s.load_verify_locations(capath=p))
    t(lambda: ssl._ssl._test_decode_cert(p))
    t(lambda: setattr(s, "keylog_filename", p))
    out.append(repr(s.keylog_filename))
print("\n".join(out))
"#;

#[test]
fn file_taking_apis_answer_as_cpython_at_once() {
    let dir = temp_dir("files");
    let ours = within(60, {
        let dir = dir.clone();
        move || matrix(&dir)
    });
    let code = format!("{}{PY_MATRIX}", common::PY_DESCRIBE_ERROR);
    let fixtures = common::fixture_str("");
    let theirs = common::py313(&code, &[&dir, fixtures.trim_end_matches('/')]);
    common::assert_outcomes_eq("file readers", &ours, &theirs);
    std::fs::remove_dir_all(&dir).unwrap();
    // The headline case: OpenSSL's PEM reader gives up on /dev/zero at once.
    assert_eq!(
        ours[0],
        "SSLError|108|'PEM'|'NO_START_LINE'|None|None|[PEM: NO_START_LINE] no start line"
    );
    assert_eq!(
        ours[8],
        format!("IsADirectoryError|21|-|-|-|-|[Errno 21] Is a directory: '{dir}'")
    );
}

#[test]
fn keylog_filename_fails_only_where_cpython_does() {
    let dir = temp_dir("keylog");
    let log = format!("{dir}/k.log");
    let ours = within(60, {
        let log = log.clone();
        move || {
            let ctx = common::server_context();
            let mut out = vec![outcome(ctx.set_keylog_filename(&log))];
            out.push(ctx.keylog_filename().py_repr());
            // A failed open leaves no key log, not the previous one.
            out.push(outcome(ctx.set_keylog_filename("/nonexistent/k.log")));
            out.push(ctx.keylog_filename().py_repr());
            // A device that refuses every write: accepted; the header and the secrets of a
            // handshake are lost silently.
            out.push(outcome(ctx.set_keylog_filename("/dev/full")));
            out.push(ctx.keylog_filename().py_repr());
            let client = common::client_context();
            let (a, b) = tcp_pair();
            let server = thread::spawn(move || {
                let wrap = ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                };
                ctx.wrap_socket(b, wrap).map(|s| s.version().unwrap())
            });
            let wrap = ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            };
            let c = client.wrap_socket(a, wrap).map(|s| s.version().unwrap());
            out.push(format!("{c:?} {:?}", server.join().unwrap()));
            out
        }
    });
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, sys, threading
log, F = sys.argv[1], sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(F + "/server.pem", F + "/server.key")
out = []
def t(f):
    try:
        f(); out.append("OK")
    except Exception as e:
        out.append(describe_error(e))
def name():
    out.append(repr(ctx.keylog_filename))
t(lambda: setattr(ctx, "keylog_filename", log)); name()
t(lambda: setattr(ctx, "keylog_filename", "/nonexistent/k.log")); name()
t(lambda: setattr(ctx, "keylog_filename", "/dev/full")); name()
srv = socket.create_server(("127.0.0.1", 0))
a = socket.create_connection(srv.getsockname()); b = srv.accept()[0]
res = {}
def serve():
    res["s"] = ctx.wrap_socket(b, server_side=True).version()
th = threading.Thread(target=serve); th.start()
c = ssl.create_default_context(cafile=F + "/ca.pem").wrap_socket(a, server_hostname="localhost")
th.join()
out.append(f'Ok("{c.version()}") Ok("{res["s"]}")')
print("\n".join(out))
"#
    );
    let fixtures = common::fixture_str("");
    let theirs_log = format!("{dir}/py.log");
    let theirs = common::py313(&code, &[&theirs_log, fixtures.trim_end_matches('/')]);
    let theirs = theirs.replace(&theirs_log, &log);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    // Both wrote the same header into their empty file.
    assert_eq!(
        std::fs::read(&log).unwrap(),
        std::fs::read(&theirs_log).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `capath` entry OpenSSL looks up during verification is read by OpenSSL too: an entry that
/// is `/dev/zero` fails the lookup at once, and the handshake fails as CPython's does.
#[test]
fn a_capath_entry_that_is_dev_zero_fails_verification_at_once() {
    let dir = temp_dir("capath");
    // The name OpenSSL looks for: the fixture CA's subject hash, as in fixtures/capath.
    let entry = std::fs::read_dir(common::fixture("capath"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    std::os::unix::fs::symlink("/dev/zero", format!("{dir}/{}", entry.to_str().unwrap())).unwrap();
    let ours = within(60, {
        let dir = dir.clone();
        move || {
            let client = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
            client
                .load_verify_locations(ssl::LoadVerifyLocations {
                    capath: Some(&dir),
                    ..Default::default()
                })
                .unwrap();
            let (a, b) = tcp_pair();
            let server = thread::spawn(move || {
                let wrap = ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                };
                outcome(common::server_context().wrap_socket(b, wrap).map(drop))
            });
            let wrap = ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            };
            let c = outcome(client.wrap_socket(a, wrap).map(drop));
            vec![c, server.join().unwrap()]
        }
    });
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, sys, threading
d, F = sys.argv[1], sys.argv[2]
client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client.load_verify_locations(capath=d)
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(F + "/server.pem", F + "/server.key")
srv = socket.create_server(("127.0.0.1", 0))
a = socket.create_connection(srv.getsockname()); b = srv.accept()[0]
res = {}
def serve():
    try:
        sctx.wrap_socket(b, server_side=True); res["s"] = "OK"
    except Exception as e:
        res["s"] = describe_error(e)
th = threading.Thread(target=serve); th.start()
try:
    client.wrap_socket(a, server_hostname="localhost"); print("OK")
except Exception as e:
    print(describe_error(e))
th.join()
print(res["s"])
"#
    );
    let fixtures = common::fixture_str("");
    let theirs = common::py313(&code, &[&dir, fixtures.trim_end_matches('/')]);
    common::assert_outcomes_eq("capath entry /dev/zero", &ours, &theirs);
    assert!(ours[0].contains("CERTIFICATE_VERIFY_FAILED"), "{ours:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn decode_cert_subcommand_reads_as_openssl_does() {
    let dir = temp_dir("decode");
    let theirs = common::py313(
        r#"
import ssl, sys
for p in sys.argv[1:]:
    try:
        print(ssl._ssl._test_decode_cert(p))
    except Exception as e:
        print(e)
"#,
        &paths(&dir).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for (p, expected) in paths(&dir).iter().zip(theirs.lines()) {
        let out = within(60, {
            let p = p.clone();
            move || {
                Command::new(env!("CARGO_BIN_EXE_pyssl"))
                    .args(["decode-cert", &p, "--repr"])
                    .output()
                    .unwrap()
            }
        });
        assert_eq!(out.status.code(), Some(1), "{p}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim_end(),
            expected,
            "{p}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
