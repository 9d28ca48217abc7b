//! Hostname checking, compared case by case with CPython 3.13: wildcards, IDNA names, IP
//! addresses, `hostname_checks_common_name`, and the `check_hostname`/`server_hostname` rules.
//!
//! Each case of the table runs a pyssl client against a pyssl server, then one CPython process
//! runs the whole table against the same servers; the outcomes (`"connected"` or
//! `common::describe_error`) must be equal, and equal to the expected one.

mod common;

use std::borrow::Cow;
use std::sync::mpsc;
use std::thread;

use pyssl::{socket, ssl};

/// One row: the server's certificate, the client's `server_hostname`, and its context flags.
struct Case {
    cert: &'static str,
    server_hostname: &'static str,
    check_hostname: bool,
    hostname_checks_common_name: bool,
    /// The outcome's end: `"connected"` or the end of the error line.
    expected: Cow<'static, str>,
}

const fn case(cert: &'static str, server_hostname: &'static str, expected: &'static str) -> Case {
    Case {
        cert,
        server_hostname,
        check_hostname: true,
        hostname_checks_common_name: true,
        expected: Cow::Borrowed(expected),
    }
}

const OK: &str = "connected";

fn host_mismatch(cert: &'static str, host: &'static str) -> Case {
    Case {
        expected: Cow::Owned(format!("|62|\"Hostname mismatch, certificate is not valid for '{host}'.\"|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for '{host}'.")),
        ..case(cert, host, "")
    }
}

fn ip_mismatch(cert: &'static str, host: &'static str) -> Case {
    Case {
        expected: Cow::Owned(format!("|64|\"IP address mismatch, certificate is not valid for '{host}'.\"|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '{host}'.")),
        ..case(cert, host, "")
    }
}

fn table() -> Vec<Case> {
    let mut t = vec![
        // Wildcards: one whole left-most label only.
        case("wildcard", "www.example.org", OK),
        case("wildcard", "WWW.Example.ORG", OK),
        host_mismatch("wildcard", "example.org"),
        host_mismatch("wildcard", "a.b.example.org"),
        // Partial wildcards never match (X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS).
        host_mismatch("partialwildcard", "www.example.org"),
        host_mismatch("partialwildcard", "w.example.org"),
        // IDNA: the client's U-label is encoded to the certificate's A-label.
        case("idna", "pythön.org", OK),
        case("idna", "xn--pythn-mua.org", OK),
        host_mismatch("idna", "python.org"),
        // DNS names, case-insensitively.
        case("server", "localhost", OK),
        case("server", "LOCALHOST", OK),
        // IP addresses match IP SAN entries only, in any spelling.
        case("server", "127.0.0.1", OK),
        case("server", "::1", OK),
        case("server", "0:0:0:0:0:0:0:1", OK),
        ip_mismatch("server", "127.0.0.2"),
        ip_mismatch("ipsan", "127.0.0.1"), // only a DNS SAN "127.0.0.1"
        case("ipsan", "2001:db8::1", OK),
        case("ipsan", "2001:DB8:0:0:0:0:0:1", OK),
        case("ipsan", "2001:0db8:0000::0001", OK),
        ip_mismatch("ipsan", "::1"),
        ip_mismatch("wronghost", "::1"),
        // A DNS SAN means the subject CN is never consulted.
        host_mismatch("cnsan", "localhost"),
        case("cnsan", "san.example.org", OK),
        // SAN-less certificate: the CN is used unless hostname_checks_common_name is off.
        case("cnonly", "localhost", OK),
        host_mismatch("cnonly", "other.example.org"),
        // IP addresses are never matched against the CN.
        ip_mismatch("cnonly-ip", "127.0.0.1"),
    ];
    let mut no_cn = host_mismatch("cnonly", "localhost");
    no_cn.hostname_checks_common_name = false;
    t.push(no_cn);
    let mut san_without_cn = case("server", "localhost", OK);
    san_without_cn.hostname_checks_common_name = false;
    t.push(san_without_cn);
    // check_hostname off: any name (or IP) is accepted, the chain is still verified.
    for (cert, host) in [
        ("wronghost", "localhost"),
        ("cnonly", "other.example.org"),
        ("server", "10.1.2.3"),
    ] {
        let mut c = case(cert, host, OK);
        c.check_hostname = false;
        t.push(c);
    }
    t
}

/// A pyssl server for `cert` that handshakes `connections` clients and ignores their failures.
fn server(cert: &str, connections: usize) -> u16 {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture(&format!("{cert}.pem")),
        common::fixture_str(&format!("{cert}.key")).as_str(),
    )
    .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(5).unwrap();
    let port = listener.getsockname().unwrap().port();
    thread::spawn(move || {
        for _ in 0..connections {
            let Ok((conn, _)) = listener.accept() else {
                return;
            };
            let _ = ctx.wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            );
        }
    });
    port
}

fn client_context(check_hostname: bool, common_name: bool) -> ssl::SSLContext {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    ctx.set_hostname_checks_common_name(common_name);
    ctx.set_check_hostname(check_hostname);
    ctx
}

fn rust_client(port: u16, c: &Case) -> String {
    let ctx = client_context(c.check_hostname, c.hostname_checks_common_name);
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let kw = ssl::WrapSocket {
        server_hostname: Some(c.server_hostname),
        ..Default::default()
    };
    let mut ssock = match ctx.wrap_socket(sock, kw) {
        Ok(s) => s,
        Err(e) => return format!("wrap: {}", common::describe_error(&e)),
    };
    match ssock.connect(("127.0.0.1", port)) {
        Ok(()) => OK.to_string(),
        Err(e) => common::describe_error(&e),
    }
}

/// The CPython 3.13 client for every row (arguments: `port<TAB>hostname<TAB>check<TAB>cn`).
const PY_CLIENTS: &str = r#"
import socket, ssl, sys
for arg in sys.argv[2:]:
    port, hostname, check, cn = arg.split('\t')
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(sys.argv[1])
    ctx.hostname_checks_common_name = cn == '1'
    ctx.check_hostname = check == '1'
    try:
        s = ctx.wrap_socket(socket.socket(), server_hostname=hostname)
    except Exception as e:
        print('wrap: ' + describe_error(e)); continue
    try:
        s.connect(('127.0.0.1', int(port))); print('connected')
    except Exception as e:
        print(describe_error(e))
    s.close()
"#;

#[test]
fn hostname_table_matches_cpython() {
    let cases = table();
    let ports: Vec<u16> = cases.iter().map(|c| server(c.cert, 2)).collect();
    let ours: Vec<String> = cases
        .iter()
        .zip(&ports)
        .map(|(c, &port)| rust_client(port, c))
        .collect();
    let args: Vec<String> = cases
        .iter()
        .zip(&ports)
        .map(|(c, port)| {
            format!(
                "{port}\t{}\t{}\t{}",
                c.server_hostname, c.check_hostname as u8, c.hostname_checks_common_name as u8
            )
        })
        .collect();
    let mut argv = vec![common::fixture_str("ca.pem")];
    argv.extend(args);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let theirs = common::py313(&format!("{}{PY_CLIENTS}", common::PY_DESCRIBE_ERROR), &argv);
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(theirs.len(), cases.len(), "{theirs:?}");
    for ((c, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        let what = format!(
            "{}.pem as {:?} (check_hostname={}, hostname_checks_common_name={})",
            c.cert, c.server_hostname, c.check_hostname, c.hostname_checks_common_name
        );
        assert_eq!(ours, theirs, "pyssl and CPython disagree for {what}");
        assert!(ours.ends_with(&*c.expected), "{what}: {ours}");
    }
}

/// The `server_hostname` rules enforced before any certificate is seen: at `wrap_socket`, or
/// (for names that only `SSL_set_tlsext_host_name`'s caller rejects) at `connect`.
#[test]
fn server_hostname_rules_match_cpython() {
    // (server_side, server_hostname or None, check_hostname)
    let rows: &[(bool, Option<&str>, bool)] = &[
        (false, None, true),
        (false, Some(""), true),
        (false, Some(""), false),
        (false, Some(".example.org"), false),
        (false, Some("a..example.org"), true),
        (false, Some("example.org."), true),
        (false, Some("pythön.org"), true),
        (false, Some("ÄB.example"), true),
        (false, Some("LocalHost"), true),
        (false, Some("127.0.0.1"), true),
        (true, Some("example.org"), false),
        (true, None, false),
    ];
    // A port nobody listens on: a wrap that succeeds then fails to connect, unless the
    // hostname is rejected first.
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    unused.bind(("127.0.0.1", 0)).unwrap();
    let port = unused.getsockname().unwrap().port();
    drop(unused);

    let mut ours = Vec::new();
    for &(server_side, hostname, check) in rows {
        let ctx = if server_side {
            ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap()
        } else {
            client_context(check, true)
        };
        let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        let kw = ssl::WrapSocket {
            server_side,
            server_hostname: hostname,
            ..Default::default()
        };
        let line = match ctx.wrap_socket(sock, kw) {
            Err(e) => format!("wrap: {}", common::describe_error(&e)),
            Ok(mut s) => {
                let name = s.server_hostname().map(str::to_string);
                let outcome = if server_side {
                    "-".to_string()
                } else {
                    match s.connect(("127.0.0.1", port)) {
                        Ok(()) => OK.to_string(),
                        Err(e) => common::describe_error(&e),
                    }
                };
                format!("wrapped {name:?}: {outcome}")
            }
        };
        ours.push(line);
    }

    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import socket, ssl, sys
port = int(sys.argv[1])
for arg in sys.argv[2:]:
    side, hostname, check = arg.split('\t')
    hostname = None if hostname == '<None>' else hostname
    if side == '1':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = check == '1'
    try:
        s = ctx.wrap_socket(socket.socket(), server_side=side == '1', server_hostname=hostname)
    except Exception as e:
        print('wrap: ' + describe_error(e)); continue
    name = 'None' if s.server_hostname is None else 'Some(' + '"' + s.server_hostname + '"' + ')'
    if side == '1':
        outcome = '-'
    else:
        try:
            s.connect(('127.0.0.1', port)); outcome = 'connected'
        except Exception as e:
            outcome = describe_error(e)
    print(f'wrapped {name}: {outcome}')
    s.close()
"#
    );
    let mut argv = vec![port.to_string()];
    for &(server_side, hostname, check) in rows {
        argv.push(format!(
            "{}\t{}\t{}",
            server_side as u8,
            hostname.unwrap_or("<None>"),
            check as u8
        ));
    }
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let theirs = common::py313(&code, &argv);
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(theirs.len(), rows.len(), "{theirs:?}");
    for ((row, ours), theirs) in rows.iter().zip(&ours).zip(&theirs) {
        assert_eq!(ours, theirs, "pyssl and CPython disagree for {row:?}");
    }
    // The texts the brief names, pinned.
    assert_eq!(
        ours[0],
        "wrap: ValueError|None|-|-|-|-|check_hostname requires server_hostname"
    );
    assert_eq!(ours[1], ours[0]);
    assert_eq!(ours[2], "wrapped Some(\"\"): ValueError|None|-|-|-|-|server_hostname cannot be an empty string or start with a leading dot.");
    assert_eq!(
        ours[10],
        "wrap: ValueError|None|-|-|-|-|server_hostname can only be specified in client mode"
    );
    assert!(ours[6].starts_with("wrapped Some(\"xn--pythn-mua.org\")"));
}

#[test]
fn idna_hostname_over_the_wire() {
    // The server sees the A-label as SNI; the certificate names the A-label too.
    let (tx, rx) = mpsc::channel();
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture("idna.pem"),
        common::fixture_str("idna.key").as_str(),
    )
    .unwrap();
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let s = ctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        );
        let sni = s.ok().and_then(|s| {
            s.ssl_object()?
                .servername(openssl::ssl::NameType::HOST_NAME)
                .map(str::to_string)
        });
        tx.send(sni).unwrap();
    });
    let ctx = client_context(true, true);
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut ssock = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("pythön.org"),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(ssock.server_hostname(), Some("xn--pythn-mua.org"));
    ssock.connect(("127.0.0.1", port)).unwrap();
    assert_eq!(rx.recv().unwrap().as_deref(), Some("xn--pythn-mua.org"));
}
