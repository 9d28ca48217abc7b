//! Both ends authenticate: a server with `CERT_OPTIONAL`/`CERT_REQUIRED` and clients with a good
//! certificate, none, an untrusted one or one for the wrong purpose, over TLS 1.2 and TLS 1.3.
//!
//! Every scenario runs four ways over loopback: CPython against CPython (the reference), the
//! pyssl client against a CPython server, a CPython client against the pyssl server, and pyssl
//! against pyssl. What each side reports (handshake errors, the server's `getpeercert()`, what
//! the client reads) must be the reference's, line for line.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::thread;

use pyssl::pyrepr::{PyBytes, PyRepr};
use pyssl::{socket, ssl};

/// `version,mode,cert`: maximum TLS version, the server's `verify_mode` (`none`, `optional`,
/// `required`) and the client's certificate (`none` or a fixture name without `.pem`/`.key`).
const SCENARIOS: &[&str] = &[
    "TLSv1_2,required,client",
    "TLSv1_2,required,none",
    "TLSv1_2,optional,client",
    "TLSv1_2,optional,none",
    "TLSv1_2,required,selfsigned",
    "TLSv1_2,optional,selfsigned",
    "TLSv1_2,required,server",
    "TLSv1_3,required,client",
    "TLSv1_3,required,none",
    "TLSv1_3,optional,client",
    "TLSv1_3,optional,none",
    "TLSv1_3,required,selfsigned",
    "TLSv1_3,optional,selfsigned",
    "TLSv1_3,required,server",
    "TLSv1_3,none,client",
];

/// The CPython side, in three roles: `ref` (both ends, printing `C ...`/`S ...` per scenario),
/// `server` (prints its port, serves one connection per scenario, then prints `S ...` lines),
/// `client PORT` (connects once per scenario, printing `C ...` lines).
const PY_PEERS: &str = r#"
import hashlib, socket, ssl, sys, threading
F = sys.argv[1]
def server_ctx(version, mode, cert):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(F + 'server.pem', F + 'server.key')
    c.load_verify_locations(F + 'ca.pem')
    c.verify_mode = {'none': ssl.CERT_NONE, 'optional': ssl.CERT_OPTIONAL,
                     'required': ssl.CERT_REQUIRED}[mode]
    c.maximum_version = getattr(ssl.TLSVersion, version)
    return c
def client_ctx(version, mode, cert):
    c = ssl.create_default_context(cafile=F + 'ca.pem')
    c.maximum_version = getattr(ssl.TLSVersion, version)
    if cert != 'none':
        c.load_cert_chain(F + cert + '.pem', F + cert + '.key')
    return c
def serve(lsock, ctx):
    conn, _ = lsock.accept()
    keep = conn.dup()
    keep.settimeout(10)
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        der = s.getpeercert(True)
        digest = hashlib.sha256(der).hexdigest()[:16] if der else None
        r = f"S peer:{s.getpeercert()!r}|{digest}|{s.version()}"
        s.sendall(b'hi')
    except Exception as e:
        r = 'S handshake:' + describe_error(e)
    try:
        while keep.recv(4096):
            pass
    except OSError:
        pass
    keep.close()
    return r
def client(port, ctx):
    s = ctx.wrap_socket(socket.socket(), server_hostname='localhost')
    s.settimeout(10)
    try:
        s.connect(('127.0.0.1', port))
    except Exception as e:
        s.close()
        return 'C connect:' + describe_error(e)
    r = f'C connected:{s.version()}'
    try:
        r += f'|read:{s.recv(2)!r}'
    except Exception as e:
        r += '|read:' + describe_error(e)
    s.close()
    return r
role, specs = sys.argv[2], [s.split(',') for s in sys.argv[3:]]
if role == 'ref':
    for spec in specs:
        lsock = socket.socket(); lsock.bind(('127.0.0.1', 0)); lsock.listen(1)
        out = []
        t = threading.Thread(target=lambda: out.append(serve(lsock, server_ctx(*spec))))
        t.start()
        print(client(lsock.getsockname()[1], client_ctx(*spec)))
        t.join()
        print(out[0])
elif role == 'server':
    lsock = socket.socket(); lsock.bind(('127.0.0.1', 0)); lsock.listen(1)
    print(lsock.getsockname()[1], flush=True)
    for line in [serve(lsock, server_ctx(*spec)) for spec in specs]:
        print(line)
else:
    port = int(specs.pop(0)[0])
    for spec in specs:
        print(client(port, client_ctx(*spec)))
"#;

fn py_args<'a>(role: &'a str, fixtures: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![fixtures, role];
    args.extend_from_slice(extra);
    args.extend_from_slice(SCENARIOS);
    args
}

fn parse(spec: &str) -> (ssl::TLSVersion, &str, &str) {
    let mut it = spec.split(',');
    let version = match it.next().unwrap() {
        "TLSv1_2" => ssl::TLSVersion::TLSv1_2,
        _ => ssl::TLSVersion::TLSv1_3,
    };
    (version, it.next().unwrap(), it.next().unwrap())
}

fn server_ctx(spec: &str) -> ssl::SSLContext {
    let (version, mode, _) = parse(spec);
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        common::fixture("server.pem"),
        common::fixture_str("server.key").as_str(),
    )
    .unwrap();
    ctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    ctx.set_verify_mode(match mode {
        "none" => ssl::CERT_NONE,
        "optional" => ssl::CERT_OPTIONAL,
        _ => ssl::CERT_REQUIRED,
    })
    .unwrap();
    ctx.set_maximum_version(version).unwrap();
    ctx
}

fn client_ctx(spec: &str) -> ssl::SSLContext {
    let (version, _, cert) = parse(spec);
    let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
        cafile: Some(&common::fixture_str("ca.pem")),
        ..Default::default()
    })
    .unwrap();
    ctx.set_maximum_version(version).unwrap();
    if cert != "none" {
        ctx.load_cert_chain(
            common::fixture(&format!("{cert}.pem")),
            common::fixture_str(&format!("{cert}.key")).as_str(),
        )
        .unwrap();
    }
    ctx
}

fn hex16(bytes: &[u8]) -> String {
    bytes[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The pyssl server side of one connection, reported as the CPython `serve()` does.
fn serve(listener: &socket::socket, ctx: &ssl::SSLContext) -> String {
    let (conn, _) = listener.accept().unwrap();
    let keep = conn.dup().unwrap();
    keep.settimeout(Some(10.0)).unwrap();
    let kw = ssl::WrapSocket {
        server_side: true,
        ..Default::default()
    };
    let line = match ctx.wrap_socket(conn, kw) {
        Ok(mut s) => {
            let der = s.getpeercert(true).unwrap();
            let digest = der
                .as_ref()
                .and_then(|d| d.as_bytes())
                .map(|d| hex16(&openssl::sha::sha256(d)));
            let line = format!(
                "S peer:{}|{}|{}",
                s.getpeercert(false).unwrap().py_repr(),
                digest.as_deref().unwrap_or("None"),
                s.version().as_deref().unwrap_or("None")
            );
            s.sendall(b"hi").unwrap();
            line
        }
        Err(e) => format!("S handshake:{}", common::describe_error(&e)),
    };
    while keep.recv(4096).is_ok_and(|d| !d.is_empty()) {}
    line
}

/// The pyssl client side of one connection, reported as the CPython `client()` does.
fn client(port: u16, ctx: &ssl::SSLContext) -> String {
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let mut s = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    s.settimeout(Some(10.0)).unwrap();
    if let Err(e) = s.connect(("127.0.0.1", port)) {
        s.close().unwrap();
        return format!("C connect:{}", common::describe_error(&e));
    }
    let mut line = format!("C connected:{}", s.version().as_deref().unwrap_or("None"));
    match s.recv(2) {
        Ok(data) => line += &format!("|read:{}", PyBytes(&data).py_repr()),
        Err(e) => line += &format!("|read:{}", common::describe_error(&e)),
    }
    s.close().unwrap();
    line
}

/// A pyssl server serving one connection per scenario, in order; returns its port and the
/// lines it reports.
fn pyssl_server() -> (u16, thread::JoinHandle<Vec<String>>) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let handle = thread::spawn(move || {
        SCENARIOS
            .iter()
            .map(|spec| serve(&listener, &server_ctx(spec)))
            .collect()
    });
    (port, handle)
}

fn split_sides(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let pick = |p: &str| lines.iter().filter(|l| l.starts_with(p)).cloned().collect();
    (pick("C "), pick("S "))
}

fn assert_sides(what: &str, ours: &[String], reference: &[String]) {
    assert_eq!(ours.len(), SCENARIOS.len(), "{what}: {ours:#?}");
    for ((spec, o), r) in SCENARIOS.iter().zip(ours).zip(reference) {
        // One side of `o` may be CPython's (on the oracle's OpenSSL): translate both.
        assert_eq!(
            common::oracle_as_linked(o),
            common::oracle_as_linked(r),
            "{what} differs from CPython for {spec}"
        );
    }
}

#[test]
fn client_certificates_match_cpython_on_both_sides() {
    let mut fixtures = common::fixture_str("");
    if !fixtures.ends_with('/') {
        fixtures.push('/');
    }
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY_PEERS);
    let lines = |out: String| -> Vec<String> { out.lines().map(str::to_string).collect() };
    // The four ways run concurrently (each is mostly waiting on loopback round trips).

    // The reference: CPython at both ends.
    let reference = {
        let (code, fixtures) = (code.clone(), fixtures.clone());
        thread::spawn(move || common::py313(&code, &py_args("ref", &fixtures, &[])))
    };

    // pyssl server, CPython client.
    let (port, rust_servers_py) = pyssl_server();
    let py_clients = {
        let (code, fixtures) = (code.clone(), fixtures.clone());
        thread::spawn(move || {
            let port = port.to_string();
            common::py313(&code, &py_args("client", &fixtures, &[&port]))
        })
    };

    // pyssl against pyssl.
    let (port, rust_servers_rust) = pyssl_server();
    let rust_clients_rust = thread::spawn(move || -> Vec<String> {
        SCENARIOS
            .iter()
            .map(|spec| client(port, &client_ctx(spec)))
            .collect()
    });

    // CPython server, pyssl client: the server runs as a child while we connect.
    let mut py_server = common::python313();
    let mut py_server = py_server
        .arg("-c")
        .arg(&code)
        .args(py_args("server", &fixtures, &[]))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3.13");
    let mut server_out = BufReader::new(py_server.stdout.take().unwrap());
    let mut port_line = String::new();
    server_out.read_line(&mut port_line).unwrap();
    let py_port: u16 = port_line.trim().parse().expect("the CPython server's port");
    let rust_clients: Vec<String> = SCENARIOS
        .iter()
        .map(|spec| client(py_port, &client_ctx(spec)))
        .collect();
    let py_servers: Vec<String> = server_out.lines().map(|l| l.unwrap()).collect();
    assert!(py_server.wait().unwrap().success());

    let reference = lines(reference.join().unwrap());
    let py_clients = lines(py_clients.join().unwrap());
    let rust_servers_py = rust_servers_py.join().unwrap();
    let rust_clients_rust = rust_clients_rust.join().unwrap();
    let rust_servers_rust = rust_servers_rust.join().unwrap();
    let (ref_clients, ref_servers) = split_sides(&reference);

    assert_sides(
        "pyssl client vs CPython server",
        &rust_clients,
        &ref_clients,
    );
    assert_sides("CPython server vs pyssl client", &py_servers, &ref_servers);
    assert_sides(
        "pyssl server vs CPython client",
        &rust_servers_py,
        &ref_servers,
    );
    assert_sides("CPython client vs pyssl server", &py_clients, &ref_clients);
    assert_sides(
        "pyssl client vs pyssl server",
        &rust_clients_rust,
        &ref_clients,
    );
    assert_sides(
        "pyssl server vs pyssl client",
        &rust_servers_rust,
        &ref_servers,
    );

    // The reference says what the issue expects.
    let at = |spec: &str| SCENARIOS.iter().position(|s| *s == spec).unwrap();
    let client_dict = "S peer:{'subject': ((('organizationName', 'pyssl'),), (('commonName', 'pyssl test client'),)), 'issuer': ((('organizationName', 'pyssl'),), (('commonName', 'pyssl test CA'),)), 'version': 3,";
    for spec in [
        "TLSv1_2,required,client",
        "TLSv1_3,required,client",
        "TLSv1_3,optional,client",
    ] {
        assert!(ref_servers[at(spec)].starts_with(client_dict), "{spec}");
        assert!(ref_clients[at(spec)].ends_with("|read:b'hi'"), "{spec}");
    }
    assert_eq!(
        ref_servers[at("TLSv1_3,optional,none")],
        "S peer:None|None|TLSv1.3"
    );
    assert_eq!(
        ref_servers[at("TLSv1_3,none,client")],
        "S peer:None|None|TLSv1.3"
    );
    let refused = "S handshake:SSLError|1|'SSL'|'PEER_DID_NOT_RETURN_A_CERTIFICATE'|None|None|[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate";
    assert_eq!(ref_servers[at("TLSv1_2,required,none")], refused);
    assert_eq!(ref_servers[at("TLSv1_3,required,none")], refused);
    assert_eq!(
        ref_clients[at("TLSv1_2,required,none")],
        "C connect:SSLError|1|'SSL'|'SSLV3_ALERT_HANDSHAKE_FAILURE'|None|None|[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure"
    );
    assert_eq!(
        ref_clients[at("TLSv1_3,required,none")],
        "C connected:TLSv1.3|read:SSLError|1|'SSL'|'TLSV13_ALERT_CERTIFICATE_REQUIRED'|None|None|[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required"
    );
    assert!(ref_servers[at("TLSv1_3,optional,selfsigned")].ends_with(
        "|18|'self-signed certificate'|[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
    ));
}
