//! NPN as CPython 3.13 has it: `set_npn_protocols` warns, checks its list as
//! `set_alpn_protocols` does and then fails with 3.13's `AttributeError`;
//! `selected_npn_protocol()` warns and answers `None` on `SSLSocket` (unconnected, handshaken,
//! closed) and `SSLObject`. The warnings are recorded with `pyssl::warnings::catch_warnings` and
//! compared with the `DeprecationWarning`s CPython records.
#![allow(deprecated)]

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl, warnings};

/// Runs `f` inside Python's `with warnings.catch_warnings(record=True) as caught:
/// warnings.simplefilter('always')`, returning what it returned and
/// `[f'{w.category.__name__}: {w.message}' for w in caught]` as Python prints that list.
fn recording<T>(f: impl FnOnce() -> T) -> (T, String) {
    let caught = warnings::catch_warnings(warnings::CatchWarnings {
        record: true,
        action: Some("always"),
        ..Default::default()
    })
    .expect("a valid action");
    let value = f();
    let warnings: Vec<String> = caught
        .recorded()
        .iter()
        .map(|w| format!("{}: {}", w.category.__name__(), w.message))
        .collect();
    (value, warnings.py_repr())
}

/// The protocol lists tried; each goes to Python as its `repr()`, read with `ast.literal_eval`.
fn npn_lists() -> Vec<Vec<String>> {
    let long = "x".repeat(256);
    let max = "y".repeat(255);
    [
        vec!["http/1.1"],
        vec![],
        vec!["h2", "http/1.1"],
        vec![""],
        vec![&long],
        vec![&max],
        vec!["é"],
        vec!["h2", ""],
        vec!["a", "pythön"],
        vec!["", "é"],
    ]
    .iter()
    .map(|l| l.iter().map(|s| s.to_string()).collect())
    .collect()
}

#[test]
fn set_npn_protocols_warns_and_fails_as_cpython() {
    let lists = npn_lists();
    let args: Vec<String> = lists.iter().map(|l| l.py_repr()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let code = format!(
        r#"{}
import ast, sys, warnings
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for arg in sys.argv[1:]:
    protocols = ast.literal_eval(arg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try:
            outcome = repr(ctx.set_npn_protocols(protocols))
        except Exception as e:
            outcome = describe_error(e) + '|' + repr(e)
    print(ascii(outcome), [f'{{w.category.__name__}}: {{w.message}}' for w in caught])
"#,
        common::PY_DESCRIBE_ERROR
    );
    let python = common::py313(&code, &args);
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let mut rust = String::new();
    for list in &lists {
        let list: Vec<&str> = list.iter().map(String::as_str).collect();
        let (outcome, warnings) = recording(|| match ctx.set_npn_protocols(&list) {
            Ok(()) => "None".to_string(),
            Err(e) => format!("{}|{}", common::describe_error(&e), e.py_repr()),
        });
        rust.push_str(&format!("{} {warnings}\n", common::py_ascii(&outcome)));
    }
    assert_eq!(rust, python);
    assert!(python.contains("AttributeError"), "{python}");
}

#[test]
fn selected_npn_protocol_warns_and_is_none_as_in_cpython() {
    let python = common::py313(
        r#"
import socket, ssl, sys, threading, warnings
def record(f):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        value = f()
    return f'{value!r} {[f"{w.category.__name__}: {w.message}" for w in caught]!r}'
F = lambda n: sys.argv[1] + '/' + n
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(F('server.pem'), F('server.key'))
sctx.set_alpn_protocols(['http/1.1'])
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
def serve():
    c, _ = l.accept()
    with sctx.wrap_socket(c, server_side=True) as s:
        result.append('server ' + record(s.selected_npn_protocol))
        s.recv(1)
result = []
t = threading.Thread(target=serve)
t.start()
cctx = ssl.create_default_context(cafile=F('ca.pem'))
cctx.set_alpn_protocols(['http/1.1'])
c = cctx.wrap_socket(socket.socket(), server_hostname='localhost')
print('unconnected', record(c.selected_npn_protocol))
c.connect(l.getsockname())
print('client', record(c.selected_npn_protocol), c.selected_alpn_protocol())
c.send(b'x')
t.join()
print(*result)
c.close()
print('closed', record(c.selected_npn_protocol))
o = cctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname='localhost')
print('sslobject', record(o.selected_npn_protocol))
"#,
        &[&common::fixture_str("")],
    );

    let mut rust = Vec::new();
    let (port, listener) = common::tls_listener(1);
    listener
        .context()
        .set_alpn_protocols(&["http/1.1"])
        .unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let (value, warnings) = recording(|| s.selected_npn_protocol());
        let line = format!(
            "server {} {warnings}",
            value.expect("no error filter").py_repr()
        );
        s.recv(1).unwrap();
        line
    });
    let cctx = common::client_context();
    cctx.set_alpn_protocols(&["http/1.1"]).unwrap();
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
    let (value, warnings) = recording(|| c.selected_npn_protocol());
    rust.push(format!(
        "unconnected {} {warnings}",
        value.expect("no error filter").py_repr()
    ));
    c.connect(("127.0.0.1", port)).unwrap();
    let (value, warnings) = recording(|| c.selected_npn_protocol());
    let alpn = c.selected_alpn_protocol().unwrap().unwrap();
    rust.push(format!(
        "client {} {warnings} {alpn}",
        value.expect("no error filter").py_repr()
    ));
    c.send(b"x").unwrap();
    rust.push(server.join().unwrap());
    c.close().unwrap();
    let (value, warnings) = recording(|| c.selected_npn_protocol());
    rust.push(format!(
        "closed {} {warnings}",
        value.expect("no error filter").py_repr()
    ));
    let (incoming, outgoing) = (
        ssl::MemoryBIO::new().unwrap(),
        ssl::MemoryBIO::new().unwrap(),
    );
    let o = cctx
        .wrap_bio(
            &incoming,
            &outgoing,
            ssl::WrapBio {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let (value, warnings) = recording(|| o.selected_npn_protocol());
    rust.push(format!(
        "sslobject {} {warnings}",
        value.expect("no error filter").py_repr()
    ));

    let python: Vec<&str> = python.lines().collect();
    assert_eq!(rust, python);
}
