//! STARTTLS written as Python writes it: one variable rebound from the plain socket to the TLS
//! one and back (`ssl::AnySocket`), and one helper per side that neither knows nor cares which
//! it has been given (`&mut dyn socket::SocketLike`). CPython 3.13 is the peer: a pyssl client
//! against a CPython server, and a pyssl server against a CPython client, each side keeping a
//! transcript that must come out exactly.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::thread;

use pyssl::socket::{self, SocketLike};
use pyssl::ssl;

/// `plain` or `tls`, from the socket's repr (`<socket.socket ...>` or `<ssl.SSLSocket ...>`).
fn layer(sock: &dyn SocketLike) -> &'static str {
    if format!("{sock:?}").starts_with("<ssl.SSLSocket") {
        "tls"
    } else {
        "plain"
    }
}

/// One line, read a byte at a time so that nothing past it is taken from the connection (the
/// bytes after a `STARTTLS` reply are the handshake's).
fn readline(sock: &mut dyn SocketLike) -> pyssl::Result<String> {
    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        let byte = sock.recv(1)?;
        if byte.is_empty() {
            break;
        }
        line.extend(byte);
    }
    Ok(String::from_utf8(line).expect("the protocol is ASCII"))
}

/// The client's helper, for every phase: sends `line` (if any), then reads the reply up to
/// its last line (`250-...` continues, `250 ...` ends it), logging both.
fn command(
    sock: &mut dyn SocketLike,
    line: Option<&str>,
    log: &mut Vec<String>,
) -> pyssl::Result<()> {
    if let Some(line) = line {
        sock.sendall(format!("{line}\r\n").as_bytes())?;
        log.push(format!("C ({}): {line}", layer(sock)));
    }
    loop {
        let reply = readline(sock)?;
        let reply = reply.trim_end();
        log.push(format!("S ({}): {reply}", layer(sock)));
        if reply.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}

/// The server's helper, for every phase: reads one command, checks it, sends `reply`.
fn respond(
    sock: &mut dyn SocketLike,
    expected: &str,
    reply: &str,
    log: &mut Vec<String>,
) -> pyssl::Result<()> {
    let line = readline(sock)?;
    log.push(format!("C ({}): {}", layer(sock), line.trim_end()));
    assert_eq!(line, format!("{expected}\r\n"));
    sock.sendall(reply.as_bytes())?;
    for reply_line in reply.lines() {
        log.push(format!("S ({}): {reply_line}", layer(sock)));
    }
    Ok(())
}

/// What both sides see, in order, whoever logs it.
const TRANSCRIPT: &[&str] = &[
    "S (plain): 220 localhost ESMTP ready",
    "C (plain): EHLO client",
    "S (plain): 250-localhost",
    "S (plain): 250 STARTTLS",
    "C (plain): STARTTLS",
    "S (plain): 220 Go ahead",
    "C (tls): EHLO client",
    "S (tls): 250 localhost",
    "C (tls): STOPTLS",
    "S (tls): 220 Plain text from here",
    "C (plain): QUIT",
    "S (plain): 221 Bye",
];

/// CPython's half of the protocol, with the same transcript format (`type(sock)` decides
/// the layer, as the Rust side decides it from the repr) and the same helper-for-all-phases
/// shape. `server` or `client` is the first argument.
const PY_PEER: &str = r#"
import socket, ssl, sys
def layer(sock):
    return 'tls' if isinstance(sock, ssl.SSLSocket) and sock._sslobj is not None else 'plain'
def readline(sock):
    line = b''
    while not line.endswith(b'\n'):
        c = sock.recv(1)
        if not c: break
        line += c
    return line.decode()
def command(sock, line):
    if line is not None:
        sock.sendall(line.encode() + b'\r\n')
        print(f'C ({layer(sock)}): {line}', flush=True)
    while True:
        reply = readline(sock).rstrip()
        print(f'S ({layer(sock)}): {reply}', flush=True)
        if reply[3:4] != '-':
            return
def respond(sock, expected, reply):
    line = readline(sock)
    print(f'C ({layer(sock)}): {line.rstrip()}', flush=True)
    assert line == expected + '\r\n', line
    sock.sendall(reply.encode())
    for reply_line in reply.splitlines():
        print(f'S ({layer(sock)}): {reply_line}', flush=True)

if sys.argv[1] == 'server':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    srv = socket.create_server(('127.0.0.1', 0))
    print(srv.getsockname()[1], flush=True)
    sock, _ = srv.accept()
    sock.sendall(b'220 localhost ESMTP ready\r\n')
    print('S (plain): 220 localhost ESMTP ready', flush=True)
    respond(sock, 'EHLO client', '250-localhost\r\n250 STARTTLS\r\n')
    respond(sock, 'STARTTLS', '220 Go ahead\r\n')
    sock = ctx.wrap_socket(sock, server_side=True)
    respond(sock, 'EHLO client', '250 localhost\r\n')
    respond(sock, 'STOPTLS', '220 Plain text from here\r\n')
    sock = sock.unwrap()
    respond(sock, 'QUIT', '221 Bye\r\n')
    sock.close()
else:
    ctx = ssl.create_default_context(cafile=sys.argv[2])
    sock = socket.create_connection(('127.0.0.1', int(sys.argv[3])))
    command(sock, None)
    command(sock, 'EHLO client')
    command(sock, 'STARTTLS')
    sock = ctx.wrap_socket(sock, server_hostname='localhost')
    command(sock, 'EHLO client')
    command(sock, 'STOPTLS')
    sock = sock.unwrap()
    command(sock, 'QUIT')
    sock.close()
"#;

fn python_peer(args: &[&str]) -> Child {
    let version = common::py313("import sys; print(sys.version_info[:2])", &[]);
    assert_eq!(version.trim(), "(3, 13)");
    common::python313()
        .arg("-c")
        .arg(PY_PEER)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("CPython 3.13 is the peer")
}

fn finish(mut child: Child, mut out: impl Read) -> Vec<String> {
    let mut text = String::new();
    out.read_to_string(&mut text).unwrap();
    assert!(child.wait().unwrap().success(), "the CPython peer failed");
    text.lines().map(str::to_string).collect()
}

#[test]
fn a_pyssl_client_upgrades_and_unwraps_one_variable_against_cpython() {
    let server = python_peer(&[
        "server",
        &common::fixture_str("server.pem"),
        &common::fixture_str("server.key"),
    ]);
    let mut server = server;
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut port = String::new();
    out.read_line(&mut port).unwrap();
    let port: u16 = port.trim().parse().unwrap();

    let ctx = common::client_context();
    let mut log = Vec::new();
    // Python: sock = socket.create_connection(('127.0.0.1', port))
    let mut sock = ssl::AnySocket::from(
        socket::create_connection(("127.0.0.1", port), Default::default()).unwrap(),
    );
    command(&mut sock, None, &mut log).unwrap();
    command(&mut sock, Some("EHLO client"), &mut log).unwrap();
    command(&mut sock, Some("STARTTLS"), &mut log).unwrap();
    // Python: sock = ctx.wrap_socket(sock, server_hostname='localhost')
    sock.wrap_socket(
        &ctx,
        ssl::WrapSocket {
            server_hostname: Some("localhost"),
            ..Default::default()
        },
    )
    .unwrap();
    match &sock {
        ssl::AnySocket::Tls(tls) => assert_eq!(tls.version().as_deref(), Some("TLSv1.3")),
        ssl::AnySocket::Plain(_) => panic!("wrap_socket left the variable plain"),
    }
    command(&mut sock, Some("EHLO client"), &mut log).unwrap();
    command(&mut sock, Some("STOPTLS"), &mut log).unwrap();
    // Python: sock = sock.unwrap()
    sock.unwrap().unwrap();
    assert!(matches!(sock, ssl::AnySocket::Plain(_)));
    command(&mut sock, Some("QUIT"), &mut log).unwrap();
    sock.close().unwrap();

    assert_eq!(log, TRANSCRIPT);
    assert_eq!(finish(server, out), TRANSCRIPT);
}

#[test]
fn a_pyssl_server_upgrades_and_unwraps_one_variable_against_cpython() {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    let client = python_peer(&["client", &common::fixture_str("ca.pem"), &port.to_string()]);
    let server = thread::spawn(move || -> pyssl::Result<Vec<String>> {
        let ctx = common::server_context();
        let mut log = Vec::new();
        // Python: sock, _ = srv.accept()
        let mut sock = ssl::AnySocket::from(listener.accept()?.0);
        sock.sendall(b"220 localhost ESMTP ready\r\n")?;
        log.push("S (plain): 220 localhost ESMTP ready".to_string());
        respond(
            &mut sock,
            "EHLO client",
            "250-localhost\r\n250 STARTTLS\r\n",
            &mut log,
        )?;
        respond(&mut sock, "STARTTLS", "220 Go ahead\r\n", &mut log)?;
        // Python: sock = ctx.wrap_socket(sock, server_side=True)
        sock.wrap_socket(
            &ctx,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        )?;
        respond(&mut sock, "EHLO client", "250 localhost\r\n", &mut log)?;
        respond(
            &mut sock,
            "STOPTLS",
            "220 Plain text from here\r\n",
            &mut log,
        )?;
        // Python: sock = sock.unwrap()
        sock.unwrap()?;
        respond(&mut sock, "QUIT", "221 Bye\r\n", &mut log)?;
        sock.close()?;
        Ok(log)
    });
    let mut client = client;
    let out = client.stdout.take().unwrap();
    let theirs = finish(client, out);
    assert_eq!(server.join().unwrap().unwrap(), TRANSCRIPT);
    assert_eq!(theirs, TRANSCRIPT);
}

/// The same helper over a list of boxed sockets, one plain and one TLS: what a Python list of
/// sockets of either kind gives.
#[test]
fn boxed_socket_likes_of_both_kinds_share_one_helper() {
    let (plain_client, plain_server) = socket::socketpair().unwrap();
    let (tls_client, tls_server) = socket::socketpair().unwrap();
    let server = thread::spawn(move || {
        let mut plain: Box<dyn SocketLike + Send> = Box::new(plain_server);
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        let tls = common::server_context()
            .wrap_socket(tls_server, kw)
            .unwrap();
        let mut tls: Box<dyn SocketLike + Send> = Box::new(tls);
        let mut log = Vec::new();
        for sock in [&mut plain, &mut tls] {
            respond(sock.as_mut(), "HELLO", "250 hi\r\n", &mut log).unwrap();
        }
        log
    });
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let tls = common::client_context()
        .wrap_socket(tls_client, kw)
        .unwrap();
    let mut socks: Vec<Box<dyn SocketLike>> = vec![Box::new(plain_client), Box::new(tls)];
    let mut log = Vec::new();
    for sock in &mut socks {
        command(sock.as_mut(), Some("HELLO"), &mut log).unwrap();
    }
    let expected = [
        "C (plain): HELLO",
        "S (plain): 250 hi",
        "C (tls): HELLO",
        "S (tls): 250 hi",
    ];
    assert_eq!(log, expected);
    assert_eq!(server.join().unwrap(), expected);
}

/// `wrap_socket` on the variable leaves what Python's rebinding leaves when it fails: the
/// socket untouched after an argument check, a closed socket after a failed handshake; and
/// `unwrap()` on a plain socket or `wrap_socket` on a TLS one are refused.
#[test]
fn failed_upgrades_leave_what_python_leaves() {
    // Argument check: `check_hostname requires server_hostname`, the socket stays usable.
    let (a, b) = socket::socketpair().unwrap();
    let mut sock = ssl::AnySocket::from(a);
    let err = sock
        .wrap_socket(&common::client_context(), Default::default())
        .unwrap_err();
    assert_eq!(err.to_string(), "check_hostname requires server_hostname");
    sock.sendall(b"still plain").unwrap();
    assert_eq!(b.recv(100).unwrap(), b"still plain");

    // A handshake the peer refuses (it closes): the variable holds a closed socket.
    drop(b);
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let err = sock.wrap_socket(&common::client_context(), kw).unwrap_err();
    // The peer is gone before the ClientHello: `[Errno 32] Broken pipe`, in CPython too.
    assert_eq!(err.type_name(), "BrokenPipeError");
    assert!(matches!(sock, ssl::AnySocket::Plain(_)));
    assert_eq!(sock.fileno(), -1);
    assert!(format!("{sock:?}").starts_with("<socket.socket [closed] fd=-1, family=1, type=1"));

    // CPython, same two steps (its `wrap_socket` detaches the socket before the handshake).
    let theirs = common::py313(
        r#"
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
a, b = socket.socketpair()
try:
    ctx.wrap_socket(a)
except ValueError as e:
    print(e)
a.sendall(b'still plain'); print(b.recv(100))
b.close()
try:
    a2 = ctx.wrap_socket(a, server_hostname='localhost')
except OSError as e:
    print(type(e).__name__)
print(a.fileno(), repr(a).startswith('<socket.socket [closed] fd=-1, family=1, type=1'))
"#,
        &[&common::fixture_str("ca.pem")],
    );
    assert_eq!(
        theirs,
        "check_hostname requires server_hostname\nb'still plain'\nBrokenPipeError\n-1 True\n"
    );

    let err = sock.unwrap().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("No SSL wrapper around <socket.socket [closed] fd=-1"),
        "{err}"
    );
}
