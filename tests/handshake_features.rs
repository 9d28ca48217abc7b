//! ALPN, channel binding and TLS 1.3 post-handshake authentication, each scenario run by a
//! pyssl client and server and by a CPython 3.13 client and server, with identical observations.

mod common;

use std::thread;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{socket, ssl};

/// Runs `server` on one accepted connection and `client` on a connection to it.
fn pair<S: Send + 'static, C>(
    sctx: ssl::SSLContext,
    cctx: ssl::SSLContext,
    server: impl FnOnce(&mut ssl::SSLSocket) -> S + Send + 'static,
    client: impl FnOnce(&mut ssl::SSLSocket) -> C,
) -> (S, C) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let mut s = sctx
            .wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        server(&mut s)
    });
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut c = cctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    c.connect(("127.0.0.1", port)).unwrap();
    let c_out = client(&mut c);
    (handle.join().unwrap(), c_out)
}

const PY_PAIR: &str = r#"
import socket, ssl, sys, threading
fixtures = sys.argv[1]
def server_ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(f"{fixtures}/server.pem", f"{fixtures}/server.key")
    return c
def client_ctx():
    return ssl.create_default_context(cafile=f"{fixtures}/ca.pem")
def pair(sctx, cctx, server, client):
    srv = socket.create_server(("127.0.0.1", 0))
    out = {}
    def run():
        conn, _ = srv.accept()
        with sctx.wrap_socket(conn, server_side=True) as s:
            out["s"] = server(s)
    t = threading.Thread(target=run); t.start()
    with cctx.wrap_socket(socket.create_connection(srv.getsockname()), server_hostname="localhost") as c:
        out["c"] = client(c)
    t.join(); srv.close()
    return out["s"], out["c"]
"#;

/// One side's ALPN list; `None` leaves that side unset.
type Protocols = Option<&'static [&'static str]>;

/// ALPN: (server protocols, client protocols).
const ALPN_CASES: &[(Protocols, Protocols)] = &[
    (Some(&["foo", "bar", "milkshake"]), Some(&["bar", "foo"])),
    (Some(&["h2", "http/1.1"]), Some(&["http/1.1", "h2"])),
    (Some(&["h2"]), Some(&["http/1.1"])),
    (Some(&[]), Some(&["h2"])),
    (Some(&["h2"]), Some(&[])),
    (None, Some(&["h2"])),
    (Some(&["h2"]), None),
];

#[test]
fn alpn_negotiation_matches_cpython() {
    let mut ours = Vec::new();
    for (server_protos, client_protos) in ALPN_CASES {
        let (sctx, cctx) = (common::server_context(), common::client_context());
        if let Some(p) = server_protos {
            sctx.set_alpn_protocols(p).unwrap();
        }
        if let Some(p) = client_protos {
            cctx.set_alpn_protocols(p).unwrap();
        }
        let (s, c) = pair(
            sctx,
            cctx,
            |s| s.selected_alpn_protocol().unwrap(),
            |c| c.selected_alpn_protocol().unwrap(),
        );
        ours.push(format!("{} {}", s.py_repr(), c.py_repr()));
    }
    let cases: Vec<String> = ALPN_CASES
        .iter()
        .map(|(s, c)| {
            let list = |l: &Option<&[&str]>| l.map(|l| l.to_vec()).py_repr();
            format!("({}, {})", list(s), list(c))
        })
        .collect();
    let code = format!(
        "{PY_PAIR}{}",
        r#"
for sp, cp in CASES:
    sctx, cctx = server_ctx(), client_ctx()
    if sp is not None: sctx.set_alpn_protocols(sp)
    if cp is not None: cctx.set_alpn_protocols(cp)
    s, c = pair(sctx, cctx, lambda s: s.selected_alpn_protocol(), lambda c: c.selected_alpn_protocol())
    print(repr(s), repr(c))
"#
        .replace("CASES", &format!("[{}]", cases.join(", ")))
    );
    let theirs = common::py313(&code, &[common::fixture_str("").trim_end_matches('/')]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert_eq!(ours[0], "'foo' 'foo'");
}

#[test]
fn alpn_protocol_list_errors_match_cpython() {
    let ctx = common::client_context();
    let long = "x".repeat(256);
    let ours: Vec<String> = [
        vec![""],
        vec![long.as_str()],
        vec!["pythön"],
        vec!["äö-h2"],
        vec!["h2", ""],
    ]
    .iter()
    .map(|p| common::describe_error(&ctx.set_alpn_protocols(p).unwrap_err()))
    .collect();
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import ssl
ctx = ssl.create_default_context()
for p in ([""], ["x" * 256], ["pythön"], ["äö-h2"], ["h2", ""]):
    try:
        ctx.set_alpn_protocols(p)
    except Exception as e:
        print(describe_error(e))
"#
    );
    assert_eq!(ours, common::py313(&code, &[]).lines().collect::<Vec<_>>());
}

#[test]
fn tls_unique_channel_binding() {
    for max in [ssl::TLSVersion::TLSv1_2, ssl::TLSVersion::TLSv1_3] {
        let cctx = common::client_context();
        cctx.set_maximum_version(max).unwrap();
        let (s, c) = pair(
            common::server_context(),
            cctx,
            |s| {
                let cb = s.get_channel_binding("tls-unique").unwrap();
                let _ = s.recv(1);
                cb
            },
            |c| {
                let cb = c.get_channel_binding("tls-unique").unwrap();
                let err = c.get_channel_binding("tls-server-end-point").unwrap_err();
                c.sendall(b"x").unwrap();
                (cb, err.to_string())
            },
        );
        let (cb, err) = c;
        assert_eq!(s, cb, "both ends bind to the same Finished message");
        let expected = if max == ssl::TLSVersion::TLSv1_2 {
            12
        } else {
            48
        };
        assert_eq!(cb.map(|b| b.len()), Some(expected));
        assert_eq!(
            err,
            "'tls-server-end-point' channel binding type not implemented"
        );
    }
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let ssock = common::client_context()
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(ssock.get_channel_binding("tls-unique").unwrap(), None);
    assert_eq!(
        ssock.get_channel_binding("foo").unwrap_err().to_string(),
        "foo channel binding type not implemented"
    );
}

/// What each side sees in a TLS 1.3 post-handshake authentication, in order.
fn pha_rust(client_offers_pha: bool, max: ssl::TLSVersion) -> (Vec<String>, Vec<String>) {
    let sctx = common::server_context();
    sctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    sctx.set_verify_mode(ssl::CERT_REQUIRED).unwrap();
    sctx.set_post_handshake_auth(true);
    sctx.set_maximum_version(max).unwrap();
    let cctx = common::client_context();
    cctx.load_cert_chain(
        common::fixture("client.pem"),
        common::fixture_str("client.key").as_str(),
    )
    .unwrap();
    cctx.set_post_handshake_auth(client_offers_pha);
    pair(
        sctx,
        cctx,
        |s| {
            let mut seen = vec![s.getpeercert(false).unwrap().py_repr()];
            match s.verify_client_post_handshake() {
                Ok(()) => {
                    s.sendall(b"cert please").unwrap();
                    let data = s.recv(100).unwrap();
                    seen.push(PyBytes(&data).py_repr());
                    seen.push(s.getpeercert(false).unwrap().map_or("None".into(), |c| {
                        c.as_dict().map_or("{}".into(), |d| d.subject.py_repr())
                    }));
                }
                Err(e) => {
                    seen.push(common::describe_error(&e));
                    s.sendall(b"no").unwrap();
                    let _ = s.recv(100);
                }
            }
            seen
        },
        |c| {
            let mut seen = vec![common::describe_error(
                &c.verify_client_post_handshake().unwrap_err(),
            )];
            let data = c.recv(100).unwrap();
            seen.push(PyBytes(&data).py_repr());
            c.sendall(b"ok").unwrap();
            seen
        },
    )
}

const PY_PHA: &str = r#"
def pha(client_offers_pha, max_version):
    sctx = server_ctx()
    sctx.load_verify_locations(f"{fixtures}/ca.pem")
    sctx.verify_mode = ssl.CERT_REQUIRED
    sctx.post_handshake_auth = True
    sctx.maximum_version = max_version
    cctx = client_ctx()
    cctx.load_cert_chain(f"{fixtures}/client.pem", f"{fixtures}/client.key")
    cctx.post_handshake_auth = client_offers_pha
    def server(s):
        seen = [repr(s.getpeercert())]
        try:
            s.verify_client_post_handshake()
        except Exception as e:
            seen.append(describe_error(e)); s.sendall(b"no"); s.recv(100)
            return seen
        s.sendall(b"cert please")
        seen.append(repr(s.recv(100)))
        cert = s.getpeercert()
        seen.append(repr(cert["subject"]) if cert else repr(cert))
        return seen
    def client(c):
        seen = []
        try:
            c.verify_client_post_handshake()
        except Exception as e:
            seen.append(describe_error(e))
        seen.append(repr(c.recv(100)))
        c.sendall(b"ok")
        return seen
    return pair(sctx, cctx, server, client)
for offers, version in [(True, ssl.TLSVersion.TLSv1_3), (False, ssl.TLSVersion.TLSv1_3), (True, ssl.TLSVersion.TLSv1_2)]:
    s, c = pha(offers, version)
    print(" | ".join(s)); print(" | ".join(c))
"#;

#[test]
fn post_handshake_authentication_matches_cpython() {
    let mut ours = Vec::new();
    for (offers, max) in [
        (true, ssl::TLSVersion::TLSv1_3),
        (false, ssl::TLSVersion::TLSv1_3),
        (true, ssl::TLSVersion::TLSv1_2),
    ] {
        let (s, c) = pha_rust(offers, max);
        ours.push(s.join(" | "));
        ours.push(c.join(" | "));
    }
    let code = format!("{}{PY_PAIR}{PY_PHA}", common::PY_DESCRIBE_ERROR);
    let theirs = common::py313(&code, &[common::fixture_str("").trim_end_matches('/')]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert!(
        ours[0].ends_with("(('commonName', 'pyssl test client'),))"),
        "{}",
        ours[0]
    );
}

#[test]
#[allow(deprecated)]
fn version_and_cipher_for_every_protocol_version() {
    skip_in_fips!("TLS 1.0 and 1.1 sign with MD5+SHA1, which the FIPS provider lacks (tests/fips.rs compares that failure with CPython)");
    let versions = [
        ssl::TLSVersion::TLSv1,
        ssl::TLSVersion::TLSv1_1,
        ssl::TLSVersion::TLSv1_2,
        ssl::TLSVersion::TLSv1_3,
    ];
    let mut ours = Vec::new();
    for v in versions {
        let (sctx, cctx) = (common::server_context(), common::client_context());
        for ctx in [&sctx, &cctx] {
            ctx.set_ciphers("@SECLEVEL=0:ALL").unwrap();
            ctx.set_minimum_version(v).unwrap();
            ctx.set_maximum_version(v).unwrap();
        }
        let (s, c) = pair(
            sctx,
            cctx,
            |s| (s.version(), s.cipher(), s.compression()),
            |c| (c.version(), c.cipher(), c.compression()),
        );
        assert_eq!(s, c);
        ours.push(format!(
            "{} {} {}",
            c.0.py_repr(),
            c.1.py_repr(),
            c.2.py_repr()
        ));
    }
    let code = format!(
        "{PY_PAIR}{}",
        r#"
import warnings
warnings.simplefilter("ignore")
for v in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
    sctx, cctx = server_ctx(), client_ctx()
    for c in (sctx, cctx):
        c.set_ciphers("@SECLEVEL=0:ALL"); c.minimum_version = v; c.maximum_version = v
    s, c = pair(sctx, cctx, lambda s: None, lambda c: (c.version(), c.cipher(), c.compression()))
    print(repr(c[0]), repr(c[1]), repr(c[2]))
"#
    );
    let theirs = common::py313(&code, &[common::fixture_str("").trim_end_matches('/')]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert!(ours[0].starts_with("'TLSv1' "), "{}", ours[0]);
}

#[test]
fn tls13_ciphersuites_extension_picks_the_suite() {
    skip_in_fips!(
        "its client offers only TLS_CHACHA20_POLY1305_SHA256; the FIPS provider has no ChaCha20"
    );
    let cctx = common::client_context();
    cctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    let (s, c) = pair(
        common::server_context(),
        cctx,
        |s| s.cipher(),
        |c| c.cipher(),
    );
    let expected = Some((
        "TLS_CHACHA20_POLY1305_SHA256".to_string(),
        "TLSv1.3".to_string(),
        256,
    ));
    assert_eq!((s, c), (expected.clone(), expected));
}

#[test]
fn alpn_with_cpython_peers_on_each_side() {
    use std::io::{BufRead, BufReader, Read};
    // A CPython server preferring foo over bar; a pyssl client offering bar, foo.
    let code = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.set_alpn_protocols(["foo", "bar", "milkshake"])
with socket.create_server(("127.0.0.1", 0)) as srv:
    print(srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as s:
        s.recv(1)
        print(repr(s.selected_alpn_protocol()), flush=True)
"#;
    let mut child = common::python313()
        .args([
            "-c",
            code,
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
        ])
        .stdout(std::process::Stdio::piped())
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let cctx = common::client_context();
    cctx.set_alpn_protocols(&["bar", "foo"]).unwrap();
    let sock = socket::create_connection(
        ("127.0.0.1", line.trim().parse::<u16>().unwrap()),
        Default::default(),
    )
    .unwrap();
    let mut c = cctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(c.selected_alpn_protocol().unwrap().as_deref(), Some("foo"));
    c.sendall(b"x").unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest.trim(), "'foo'");

    // A pyssl server preferring bar; a CPython client offering foo, bar.
    let sctx = common::server_context();
    sctx.set_alpn_protocols(&["bar", "foo"]).unwrap();
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let s = sctx
            .wrap_socket(
                conn,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        s.selected_alpn_protocol().unwrap()
    });
    let theirs = common::py313(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.set_alpn_protocols(["foo", "bar"])
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="localhost") as s:
    print(repr(s.selected_alpn_protocol()))
"#,
        &[&port.to_string(), &common::fixture_str("ca.pem")],
    );
    assert_eq!(theirs.trim(), "'bar'");
    assert_eq!(server.join().unwrap().as_deref(), Some("bar"));
}
