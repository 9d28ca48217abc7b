//! One set of keyword arguments for both `wrap_socket` and `wrap_bio`, as Python code passes
//! `**kwargs` to either: `From<WrapBio> for WrapSocket` and `TryFrom<WrapSocket> for WrapBio`
//! give CPython 3.13's results and errors.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl};

const PY: &str = r#"
import socket, ssl
cases = [
    dict(server_hostname='localhost'),
    dict(server_side=True),
    dict(server_hostname='example.org', suppress_ragged_eofs=False),
    dict(do_handshake_on_connect=False),
    dict(),
]
for kwargs in cases:
    proto = ssl.PROTOCOL_TLS_SERVER if kwargs.get('server_side') else ssl.PROTOCOL_TLS_CLIENT
    ctx = ssl.SSLContext(proto)
    ctx.check_hostname = False
    s = ctx.wrap_socket(socket.socket(), **kwargs)
    print(repr(s.server_hostname), s.server_side, s.do_handshake_on_connect, s.suppress_ragged_eofs)
    s.close()
    try:
        o = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kwargs)
        print(repr(o.server_hostname), o.server_side)
    except Exception as e:
        print(describe_error(e))
"#;

fn cases() -> Vec<ssl::WrapSocket<'static>> {
    let d = ssl::WrapSocket::default;
    vec![
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..d()
        },
        ssl::WrapSocket {
            server_side: true,
            ..d()
        },
        ssl::WrapSocket {
            server_hostname: Some("example.org"),
            suppress_ragged_eofs: false,
            ..d()
        },
        ssl::WrapSocket {
            do_handshake_on_connect: false,
            ..d()
        },
        d(),
    ]
}

#[test]
fn one_keyword_set_for_both_calls_as_cpython() {
    let theirs = common::py313(&format!("{}{PY}", common::PY_DESCRIBE_ERROR), &[]);
    let mut ours = Vec::new();
    for kw in cases() {
        let proto = if kw.server_side {
            ssl::PROTOCOL_TLS_SERVER
        } else {
            ssl::PROTOCOL_TLS_CLIENT
        };
        let ctx = ssl::SSLContext::new(proto).unwrap();
        ctx.set_check_hostname(false);
        let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        let s = ctx.wrap_socket(sock, kw).unwrap();
        ours.push(format!(
            "{} {} {} {}",
            s.server_hostname().py_repr(),
            s.server_side().py_repr(),
            s.do_handshake_on_connect().py_repr(),
            s.suppress_ragged_eofs().py_repr()
        ));
        let bio = || ssl::MemoryBIO::new().unwrap();
        let outcome = ssl::WrapBio::try_from(kw).and_then(|kw| ctx.wrap_bio(&bio(), &bio(), kw));
        ours.push(match outcome {
            Ok(o) => format!(
                "{} {}",
                o.server_hostname().py_repr(),
                o.server_side().py_repr()
            ),
            Err(e) => common::describe_error(&e),
        });
    }
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(ours, theirs);
}

#[test]
fn a_wrap_bio_keyword_set_converts_to_wrap_socket_losslessly() {
    let kw = ssl::WrapBio {
        server_side: true,
        server_hostname: Some("localhost"),
        session: None,
        ..Default::default()
    };
    let socket_kw = ssl::WrapSocket::from(kw);
    assert!(socket_kw.server_side);
    assert_eq!(socket_kw.server_hostname, Some("localhost"));
    assert!(socket_kw.do_handshake_on_connect && socket_kw.suppress_ragged_eofs);
    let back = ssl::WrapBio::try_from(socket_kw).unwrap();
    assert_eq!(
        (back.server_side, back.server_hostname),
        (true, Some("localhost"))
    );
}
