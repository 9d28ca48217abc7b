//! `print(value)` prints `str(value)`: `py_str()` must give CPython 3.13's text for what a
//! script prints (a connection's version and cipher, `None`, int-valued enums and flags, a
//! certificate, name values, an error), and `py_repr()` its `repr()`.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

/// What the Python side prints, one `print()` per line, then each value's `repr()` likewise.
const PYTHON: &str = r#"
import socket, ssl, sys, threading
server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(sys.argv[1], sys.argv[2])
a, b = socket.socketpair()
def serve():
    with server_ctx.wrap_socket(b, server_side=True) as conn:
        conn.recv(1)
t = threading.Thread(target=serve)
t.start()
ctx = ssl.create_default_context(cafile=sys.argv[3])
ssock = ctx.wrap_socket(a, server_hostname='localhost')
cert = ssock.getpeercert()
try:
    ctx.load_verify_locations(sys.argv[1] + '.missing')
except OSError as e:
    error = e
try:
    ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).set_ciphers('NOPE')
except ssl.SSLError as e:
    ssl_error = e
values = [ssock.version(), ssock.cipher(), ssock.selected_alpn_protocol(), ctx.verify_mode,
          ctx.minimum_version, ctx.options & ssl.OP_NO_COMPRESSION, ctx.verify_flags,
          ssl._TLSContentType.HANDSHAKE, cert['subject'][1][0][1], cert['subjectAltName'][0][1],
          cert['notAfter'], error, ssl_error, ssock.server_hostname]
for v in values:
    print(v)
for v in values:
    print(repr(v))
ssock.sendall(b'x')
ssock.close()
t.join()
"#;

#[test]
fn py_str_prints_what_print_prints_and_py_repr_what_repr_gives() {
    let (cert, key, ca) = (
        common::fixture_str("server.pem"),
        common::fixture_str("server.key"),
        common::fixture_str("ca.pem"),
    );
    let python = common::py313(PYTHON, &[&cert, &key, &ca]);

    let server_ctx = common::server_context();
    let (a, b) = socket::socketpair().unwrap();
    let server = std::thread::spawn(move || {
        let mut conn = server_ctx
            .wrap_socket(
                b,
                ssl::WrapSocket {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        conn.recv(1).unwrap();
    });
    let ctx = common::client_context();
    let mut ssock = ctx
        .wrap_socket(
            a,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let cert = ssock.getpeercert(false).unwrap().unwrap();
    let cert = cert.as_dict().unwrap().clone();
    let error = ctx
        .load_verify_locations(format!("{cert_path}.missing", cert_path = cert_path()).as_str())
        .unwrap_err();
    let ssl_error = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)
        .unwrap()
        .set_ciphers("NOPE")
        .unwrap_err();
    let values: Vec<Box<dyn PyRepr>> = vec![
        Box::new(ssock.version()),
        Box::new(ssock.cipher()),
        Box::new(ssock.selected_alpn_protocol().unwrap()),
        Box::new(ctx.verify_mode()),
        Box::new(ctx.minimum_version()),
        Box::new(ctx.options() & ssl::OP_NO_COMPRESSION),
        Box::new(ctx.verify_flags()),
        Box::new(ssl::_TLSContentType::HANDSHAKE),
        Box::new(cert.subject[1][0].1.clone()),
        Box::new(cert.subjectAltName.as_ref().unwrap()[0].1.clone()),
        Box::new(cert.notAfter.clone()),
        Box::new(error),
        Box::new(ssl_error),
        Box::new(ssock.server_hostname().map(str::to_string)),
    ];
    let mut ours = String::new();
    for v in &values {
        ours.push_str(&v.py_str());
        ours.push('\n');
    }
    for v in &values {
        ours.push_str(&v.py_repr());
        ours.push('\n');
    }
    assert_eq!(ours, python);
    // The lines that tell str() from repr() apart are there.
    assert!(python.starts_with("TLSv1.3\n"), "{python}");
    assert!(python.contains("\n'TLSv1.3'\n"), "{python}");
    ssock.sendall(b"x").unwrap();
    ssock.close().unwrap();
    server.join().unwrap();
}

fn cert_path() -> String {
    common::fixture_str("server.pem")
}
