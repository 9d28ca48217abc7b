//! What `wrap_socket` checks before any TLS byte moves, against CPython 3.13: the socket kind,
//! a closed socket, and CVE-2023-40217 (bytes that reached a socket which no longer looks
//! connected must not come out as if they had come through TLS). pyssl answers the first two
//! without CPython's `SO_TYPE` system call and probes with one `MSG_DONTWAIT` `recv` instead of
//! a `setblocking` dance, so these pin the answers down.

mod common;

use common::{describe_error, py313, PY_DESCRIBE_ERROR};
use pyssl::{socket, ssl};

fn client_wrap(sock: socket::socket) -> pyssl::Result<ssl::SSLSocket> {
    let ctx = common::client_context();
    ctx.wrap_socket(
        sock,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )
}

#[test]
fn datagram_and_closed_sockets_are_refused_as_cpython() {
    let udp = socket::socket(socket::AF_INET, socket::SOCK_DGRAM).unwrap();
    let closed = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    closed.close().unwrap();
    let ours = [
        describe_error(&client_wrap(udp).unwrap_err()),
        describe_error(&client_wrap(closed).unwrap_err()),
    ];
    let theirs = py313(
        &format!(
            "{PY_DESCRIBE_ERROR}{}",
            r#"
import socket, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed = socket.socket(); closed.close()
for s in (udp, closed):
    try:
        ctx.wrap_socket(s, server_hostname='localhost')
    except Exception as e:
        print(describe_error(e))
"#
        ),
        &[&common::fixture_str("ca.pem")],
    );
    assert_eq!(ours.join("\n"), theirs.trim_end());
    assert_eq!(
        ours[0],
        "NotImplementedError|None|-|-|-|-|only stream sockets are supported"
    );
}

#[test]
fn an_unconnected_socket_is_wrapped_lazily_with_its_timeout_kept() {
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    sock.settimeout(Some(2.5)).unwrap();
    let wrapped = client_wrap(sock).unwrap();
    // The probe did not disturb the mode: still a 2.5 s timeout, not blocking-less.
    assert_eq!(wrapped.gettimeout(), Some(2.5));
    let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    let wrapped = client_wrap(sock).unwrap();
    assert_eq!(wrapped.gettimeout(), None);
    assert!(wrapped.getblocking());
}

/// The peer connects, sends cleartext and resets the connection before the server wraps the
/// accepted socket: the kernel then reports it unconnected (`getpeername` fails with ENOTCONN)
/// while the bytes still sit in its receive buffer. CPython closes the socket and raises.
#[test]
fn data_before_the_handshake_on_a_reset_socket_is_refused_as_cpython() {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(1).unwrap();
    let port = listener.getsockname().unwrap().port();
    let client = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    client.connect(("127.0.0.1", port)).unwrap();
    let (conn, _) = listener.accept().unwrap();
    // struct linger { l_onoff = 1, l_linger = 0 }: close() sends RST.
    let linger: Vec<u8> = [1i32, 0].iter().flat_map(|v| v.to_ne_bytes()).collect();
    client
        .setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, &linger)
        .unwrap();
    client.sendall(b"DELETE /data HTTP/1.0\r\n\r\n").unwrap();
    drop(client);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let server = common::server_context();
    let kw = ssl::WrapSocket {
        server_side: true,
        ..Default::default()
    };
    let ours = describe_error(&server.wrap_socket(conn, kw).unwrap_err());
    let theirs = py313(
        &format!(
            "{PY_DESCRIBE_ERROR}{}",
            r#"
import socket, struct, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(sys.argv[1], sys.argv[2])
lst = socket.create_server(('127.0.0.1', 0))
cli = socket.create_connection(lst.getsockname())
conn, _ = lst.accept()
cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
cli.sendall(b'DELETE /data HTTP/1.0\r\n\r\n'); cli.close(); time.sleep(0.05)
try:
    ctx.wrap_socket(conn, server_side=True)
except Exception as e:
    print(describe_error(e)); print(conn.fileno())
"#
        ),
        &[
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
        ],
    );
    assert_eq!(
        ours,
        "SSLError|107|None|'Closed before TLS handshake with data in recv buffer.'|None|None|\
         Closed before TLS handshake with data in recv buffer."
    );
    assert_eq!(format!("{ours}\n-1"), theirs.trim_end());
}
