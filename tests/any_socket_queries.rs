//! The TLS queries of an `ssl::AnySocket` (`sock.version()`, `sock.cipher()`,
//! `sock.getpeercert()`, ... on the variable a STARTTLS script rebinds): the `SSLSocket`'s own
//! answers while it holds TLS, and CPython 3.13's `AttributeError` while it is plain.

mod common;

use std::thread;

use pyssl::pyrepr::PyRepr;
use pyssl::socket::{self, SocketLike};
use pyssl::ssl;

const QUERIES: [&str; 8] = [
    "version",
    "cipher",
    "shared_ciphers",
    "compression",
    "getpeercert",
    "selected_alpn_protocol",
    "get_channel_binding",
    "session_reused",
];

/// Each query's answer, as `repr` (or the error as `Class: text`), in `QUERIES` order.
fn answers(sock: &ssl::AnySocket) -> Vec<String> {
    fn show<T: PyRepr>(r: pyssl::Result<T>) -> String {
        match r {
            Ok(v) => v.py_repr(),
            Err(e) => format!("{}: {e}", e.type_name()),
        }
    }
    vec![
        show(sock.version()),
        show(sock.cipher()),
        show(sock.shared_ciphers()),
        show(sock.compression()),
        show(sock.getpeercert(false)),
        show(sock.selected_alpn_protocol()),
        show(
            sock.get_channel_binding("tls-unique")
                .map(|b| b.map(|b| b.len())),
        ),
        show(sock.session_reused()),
    ]
}

/// The same queries on the `SSLSocket` itself.
fn sslsocket_answers(tls: &ssl::SSLSocket) -> Vec<String> {
    vec![
        tls.version().py_repr(),
        tls.cipher().py_repr(),
        tls.shared_ciphers().py_repr(),
        tls.compression().py_repr(),
        tls.getpeercert(false).unwrap().py_repr(),
        tls.selected_alpn_protocol().unwrap().py_repr(),
        tls.get_channel_binding("tls-unique")
            .unwrap()
            .map(|b| b.len())
            .py_repr(),
        tls.session_reused().py_repr(),
    ]
}

#[test]
fn on_a_plain_socket_each_is_pythons_attribute_error() {
    let theirs = common::py313(
        "import socket, sys\ns = socket.socket()\nfor name in sys.argv[1:]:\n    \
         try: getattr(s, name)\n    except AttributeError as e: print(f'{type(e).__name__}: {e}')",
        &QUERIES,
    );
    let plain = ssl::AnySocket::from(socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap());
    assert_eq!(answers(&plain), theirs.lines().collect::<Vec<_>>());
    assert!(theirs.starts_with("AttributeError: 'socket' object has no attribute 'version'\n"));
}

#[test]
fn after_starttls_each_is_the_sslsockets_answer_and_after_unwrap_an_error_again() {
    let (client, server) = socket::socketpair().unwrap();
    let server = thread::spawn(move || -> pyssl::Result<()> {
        let mut conn = ssl::AnySocket::from(server);
        conn.wrap_socket(
            &common::server_context(),
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )?;
        // Python: sock.shared_ciphers() answers on a server only.
        assert!(matches!(conn.shared_ciphers(), Ok(Some(c)) if !c.is_empty()));
        conn.sendall(b"hello")?;
        conn.unwrap()?;
        Ok(())
    });
    let mut sock = ssl::AnySocket::from(client);
    sock.wrap_socket(
        &common::client_context(),
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(sock.recv(5).unwrap(), b"hello");
    let ours = answers(&sock);
    let ssl::AnySocket::Tls(tls) = &sock else {
        panic!("wrap_socket left the variable plain")
    };
    assert_eq!(ours, sslsocket_answers(tls));
    assert_eq!(ours[0], "'TLSv1.3'");
    assert!(ours[4].starts_with("{'subject': "), "{}", ours[4]);

    sock.unwrap().unwrap();
    server.join().unwrap().unwrap();
    assert_eq!(
        answers(&sock)[0],
        "AttributeError: 'socket' object has no attribute 'version'"
    );
}
