//! Server names at the edges of SNI, compared with CPython 3.13: a `server_hostname` longer than
//! the extension allows, and a client whose SNI holds raw non-ASCII bytes (which CPython's
//! server refuses before its `sni_callback` would see them).

mod common;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use pyssl::{socket, ssl};

/// Five labels of 60 letters: valid for the `idna` codec, too long for SNI (255 bytes).
fn long_name(len: usize) -> String {
    let label = "a".repeat(60);
    let mut name = [label.as_str(); 5].join(".");
    name.truncate(len);
    name
}

#[test]
fn server_hostname_over_the_sni_limit_is_cpythons_error() {
    let names = [long_name(255), long_name(256), long_name(299)];
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    unused.bind(("127.0.0.1", 0)).unwrap();
    let closed = unused.getsockname().unwrap().port();
    let mut ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_check_hostname(false);
    let ctx = &mut ctx;
    let mut ours = Vec::new();
    for name in &names {
        let (incoming, outgoing) = (
            ssl::MemoryBIO::new().unwrap(),
            ssl::MemoryBIO::new().unwrap(),
        );
        let kw = ssl::WrapBio {
            server_hostname: Some(name),
            ..Default::default()
        };
        ours.push(match ctx.wrap_bio(&incoming, &outgoing, kw) {
            Ok(_) => "wrap_bio: OK".to_string(),
            Err(e) => format!("wrap_bio: {}", common::describe_error(&e)),
        });
        let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        let kw = ssl::WrapSocket {
            server_hostname: Some(name),
            ..Default::default()
        };
        let mut s = ctx.wrap_socket(sock, kw).unwrap();
        ours.push(match s.connect(("127.0.0.1", closed)) {
            Ok(()) => "connect: OK".to_string(),
            Err(e) => format!("connect: {}", common::describe_error(&e)),
        });
    }
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, sys
closed = int(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
for name in sys.argv[2:]:
    try:
        ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname=name); print('wrap_bio: OK')
    except Exception as e:
        print('wrap_bio: ' + describe_error(e))
    s = ctx.wrap_socket(socket.socket(), server_hostname=name)
    try:
        s.connect(('127.0.0.1', closed)); print('connect: OK')
    except Exception as e:
        print('connect: ' + describe_error(e))
"#
    );
    let closed = closed.to_string();
    let mut args = vec![closed.as_str()];
    args.extend(names.iter().map(String::as_str));
    let theirs = common::py313(&code, &args);
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours, theirs);
    let invalid = "SSLError|319|'SSL'|'SSL3_EXT_INVALID_SERVERNAME'|None|None|[SSL: SSL3_EXT_INVALID_SERVERNAME] ssl3 ext invalid servername";
    assert_eq!(ours[2], format!("wrap_bio: {invalid}"));
    assert_eq!(ours[5], format!("connect: {invalid}"));
}

/// `openssl s_client` sending `servername` (raw bytes) as SNI to `port`: the alert it received,
/// as `reason|SSL alert number N`, or `no alert`.
fn s_client(port: u16, servername: &[u8]) -> String {
    let out = Command::new("openssl")
        .arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-servername")
        .arg(std::ffi::OsStr::from_bytes(servername))
        .stdin(Stdio::null())
        .output()
        .expect("the openssl command line tool");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.lines()
        .find(|l| l.contains("SSL alert number"))
        .map(|l| {
            let fields: Vec<&str> = l.split(':').collect();
            format!("{}|{}", fields[5], fields[fields.len() - 1])
        })
        .unwrap_or_else(|| "no alert".into())
}

/// The names an SNI callback was called with.
type NamesSeen = Arc<Mutex<Vec<Option<String>>>>;

/// A pyssl server with an SNI callback: its port, the names the callback saw, and the thread
/// giving the outcome of one server-side handshake.
fn pyssl_server() -> (u16, NamesSeen, std::thread::JoinHandle<String>) {
    let ctx = common::server_context();
    let seen: NamesSeen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    ctx.set_sni_callback(
        move |_: &mut ssl::SNIConnection<'_>, name: Option<&str>, _: &ssl::SSLContext| {
            record.lock().unwrap().push(name.map(str::to_string));
            Ok(None)
        },
    )
    .unwrap();
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        match ctx.wrap_socket(conn, kw) {
            Ok(_) => "OK".to_string(),
            Err(e) => common::describe_error(&e),
        }
    });
    (port, seen, server)
}

const PY_SERVER: &str = r#"
import socket, ssl, sys
F = sys.argv[1] + '/'
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(F + 'server.pem', F + 'server.key')
seen = []
ctx.sni_callback = lambda sock, name, c: seen.append(name)
ls = socket.create_server(('127.0.0.1', 0))
print(ls.getsockname()[1], flush=True)
conn, _ = ls.accept()
try:
    ctx.wrap_socket(conn, server_side=True)
    print('OK')
except Exception as e:
    print(describe_error(e))
print(repr(seen))
"#;

/// The same with CPython 3.13 as the server: (server outcome, names seen, client's alert).
fn cpython_server(servername: &[u8]) -> (String, String, String) {
    common::py313("pass", &[]);
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY_SERVER);
    let fixtures = common::fixture_str("");
    let mut child = common::python313()
        .arg("-c")
        .arg(code)
        .arg(fixtures.trim_end_matches('/'))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut port = String::new();
    stdout.read_line(&mut port).unwrap();
    let alert = s_client(port.trim().parse().unwrap(), servername);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    let mut lines = rest.lines().map(str::to_string);
    (lines.next().unwrap(), lines.next().unwrap(), alert)
}

#[test]
fn non_ascii_sni_from_the_client_fails_as_cpythons_server_does() {
    for servername in [&b"\xc3\xa9x"[..], b"\xffx", b"example.com"] {
        let (port, seen, server) = pyssl_server();
        let alert = s_client(port, servername);
        let outcome = server.join().unwrap();
        let seen: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|n| pyssl::pyrepr::PyRepr::py_repr(&n.as_deref()))
            .collect();
        let seen = format!("[{}]", seen.join(", "));
        let (their_outcome, their_seen, their_alert) = cpython_server(servername);
        let shown = String::from_utf8_lossy(servername);
        assert_eq!(outcome, their_outcome, "server outcome for {shown:?}");
        assert_eq!(seen, their_seen, "names seen for {shown:?}");
        assert_eq!(alert, their_alert, "client's alert for {shown:?}");
        if servername.is_ascii() {
            assert_eq!(seen, "['example.com']");
        } else {
            assert_eq!(seen, "[]");
            assert_eq!(
                outcome,
                "SSLError|1|'SSL'|'CALLBACK_FAILED'|None|None|[SSL: CALLBACK_FAILED] callback failed"
            );
            assert_eq!(alert, "tlsv1 alert internal error|SSL alert number 80");
        }
    }
}
