//! Threads (see `docs/threads.md`): one `SSLContext` shared by a threaded server and many
//! client threads at once; a context reconfigured while other threads wrap sockets with it;
//! `MemoryBIO` handles used from two threads.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pyssl::{socket, ssl};

/// A threaded echo-style server: the accept loop hands each connection to a new thread, which
/// runs the handshake (`do_handshake_on_connect=False` on the listener, so handshakes run in
/// parallel) and answers `REQ <text>\n` lines with `RESP <text>\n` until the client closes.
/// Serves `total` connections, then joins its workers and returns how many lines it answered.
fn threaded_server(ctx: ssl::SSLContext, total: usize) -> (u16, thread::JoinHandle<usize>) {
    let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    listener.bind(("127.0.0.1", 0)).unwrap();
    listener.listen(128).unwrap();
    // A failed client must not hang the suite: accept gives up after a while.
    listener.settimeout(Some(20.0)).unwrap();
    let port = listener.getsockname().unwrap().port();
    let server = ctx
        .wrap_socket(
            listener,
            ssl::WrapSocket {
                server_side: true,
                do_handshake_on_connect: false,
                ..Default::default()
            },
        )
        .unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let handle = thread::spawn(move || {
        let mut workers = Vec::new();
        for _ in 0..total {
            let (mut conn, _) = server.accept().unwrap();
            let answered = answered.clone();
            workers.push(thread::spawn(move || {
                conn.settimeout(Some(20.0)).unwrap();
                conn.do_handshake().unwrap();
                let mut pending = Vec::new();
                loop {
                    let data = conn.recv(4096).unwrap();
                    if data.is_empty() {
                        break;
                    }
                    pending.extend_from_slice(&data);
                    while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                        let line: Vec<u8> = pending.drain(..=end).collect();
                        let text = line.strip_prefix(b"REQ ").expect("a request line");
                        conn.sendall(&[b"RESP ", text].concat()).unwrap();
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
        answered.load(Ordering::SeqCst)
    });
    (port, handle)
}

/// One request on a new connection; returns the negotiated cipher's name.
fn request(ctx: &ssl::SSLContext, port: u16, text: &str) -> String {
    let sock = socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    sock.settimeout(Some(20.0)).unwrap();
    let mut ss = ctx
        .wrap_socket(
            sock,
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    ss.sendall(format!("REQ {text}\n").as_bytes()).unwrap();
    let want = format!("RESP {text}\n");
    let mut got = Vec::new();
    while got.len() < want.len() {
        let data = ss.recv(4096).unwrap();
        assert!(!data.is_empty(), "closed early");
        got.extend_from_slice(&data);
    }
    assert_eq!(String::from_utf8(got).unwrap(), want);
    let cipher = ss.cipher().unwrap().0;
    ss.close().unwrap();
    cipher
}

#[test]
fn one_context_serves_sixteen_client_threads_at_once() {
    const CLIENTS: usize = 16;
    const REQUESTS: usize = 25;
    let start = Instant::now();
    let (port, server) = threaded_server(common::server_context(), CLIENTS * REQUESTS);
    let ctx = common::client_context();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let ctx = ctx.clone();
            thread::spawn(move || {
                for r in 0..REQUESTS {
                    request(&ctx, port, &format!("client {c} request {r}"));
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    assert_eq!(server.join().unwrap(), CLIENTS * REQUESTS);
    // 400 handshakes; bounded so a lock convoy or a serialised server would show.
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn long_lived_connections_from_many_threads_at_once() {
    const CLIENTS: usize = 16;
    const REQUESTS: usize = 25;
    let (port, server) = threaded_server(common::server_context(), CLIENTS);
    let ctx = common::client_context();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let ctx = ctx.clone();
            thread::spawn(move || {
                let sock =
                    socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
                sock.settimeout(Some(20.0)).unwrap();
                let mut ss = ctx
                    .wrap_socket(
                        sock,
                        ssl::WrapSocket {
                            server_hostname: Some("localhost"),
                            ..Default::default()
                        },
                    )
                    .unwrap();
                for r in 0..REQUESTS {
                    let text = format!("{c}/{r} {}", "x".repeat(r * 100));
                    ss.sendall(format!("REQ {text}\n").as_bytes()).unwrap();
                    let want = format!("RESP {text}\n");
                    let mut got = Vec::new();
                    while got.len() < want.len() {
                        got.extend_from_slice(&ss.recv(65536).unwrap());
                    }
                    assert_eq!(String::from_utf8(got).unwrap(), want);
                }
                ss.close().unwrap();
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    assert_eq!(server.join().unwrap(), CLIENTS * REQUESTS);
}

#[test]
fn a_context_reconfigured_while_other_threads_wrap_sockets() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 12;
    const A: &str = "ECDHE-RSA-AES128-GCM-SHA256";
    const B: &str = "ECDHE-RSA-AES256-GCM-SHA384";
    let (port, server) = threaded_server(common::server_context(), CLIENTS * REQUESTS);
    // TLS 1.2, so that set_ciphers decides the cipher of every new connection.
    let ctx = common::client_context();
    ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    ctx.set_ciphers(A).unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let changes = Arc::new(AtomicUsize::new(0));
    let reconfigure = {
        let (ctx, done, changes) = (ctx.clone(), done.clone(), changes.clone());
        let ca = common::fixture_str("ca.pem");
        thread::spawn(move || {
            let mut i = 0;
            while !done.load(Ordering::SeqCst) {
                let name = if i % 2 == 0 { B } else { A };
                ctx.set_ciphers(name).unwrap();
                // A reader sees one whole configuration, never a half-written one.
                let tls12: Vec<String> = ctx
                    .get_ciphers()
                    .into_iter()
                    .filter(|c| c.protocol == "TLSv1.2")
                    .map(|c| c.name)
                    .collect();
                assert_eq!(tls12, [name]);
                ctx.load_verify_locations(ca.as_str()).unwrap();
                changes.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let ctx = ctx.clone();
            thread::spawn(move || {
                let mut seen = Vec::new();
                for r in 0..REQUESTS {
                    seen.push(request(&ctx, port, &format!("{c}/{r}")));
                }
                seen
            })
        })
        .collect();
    let mut ciphers = Vec::new();
    for c in clients {
        ciphers.extend(c.join().unwrap());
    }
    done.store(true, Ordering::SeqCst);
    reconfigure.join().unwrap();
    assert_eq!(server.join().unwrap(), CLIENTS * REQUESTS);
    assert!(ciphers.iter().all(|c| c == A || c == B), "{ciphers:?}");
    assert!(
        changes.load(Ordering::SeqCst) > 1,
        "the context never changed"
    );
    // The trust store grew by the same CA each time: still one certificate, as in Python.
    assert_eq!(ctx.cert_store_stats().x509_ca, 1);
}

#[test]
fn memory_bio_handles_move_bytes_between_threads() {
    let bio = ssl::MemoryBIO::new().unwrap();
    let writer = {
        let bio = bio.clone();
        thread::spawn(move || {
            for i in 0..2000u32 {
                bio.write(&i.to_be_bytes()).unwrap();
            }
            bio.write_eof();
        })
    };
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !bio.eof() {
        assert!(Instant::now() < deadline, "reader starved");
        got.extend(bio.read(-1).unwrap());
    }
    writer.join().unwrap();
    let expected: Vec<u8> = (0..2000u32).flat_map(u32::to_be_bytes).collect();
    assert!(got == expected, "bytes lost or reordered");
}

/// The other half of the cipher-list copy above: a context switched in by `sni_callback`
/// (`ssl_sock.context = other`) must bring its own cipher list, as CPython's connection (which
/// reads the current context's list) gets; `SSLContext::adopt` (`sni::switch_context`) sees to
/// it after `SSL_set_SSL_CTX`.
#[test]
fn a_context_switched_by_sni_brings_its_cipher_list() {
    const A: &str = "ECDHE-RSA-AES128-GCM-SHA256";
    const B: &str = "ECDHE-RSA-AES256-GCM-SHA384";
    let first = common::server_context();
    first.set_ciphers(A).unwrap();
    let second = common::server_context();
    second.set_ciphers(B).unwrap();
    first
        .set_sni_callback(
            move |conn: &mut ssl::SNIConnection<'_>, _: Option<&str>, _: &ssl::SSLContext| {
                conn.set_context(&second)?;
                Ok(None)
            },
        )
        .unwrap();
    let (port, server) = threaded_server(first, 1);
    let ctx = common::client_context();
    ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2).unwrap();
    ctx.set_ciphers(&format!("{A}:{B}")).unwrap();
    let ours = request(&ctx, port, "sni");
    server.join().unwrap();
    let theirs = common::py313(
        r#"
import socket, ssl, sys, threading
def sctx(c):
    x = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); x.load_cert_chain(sys.argv[1], sys.argv[2])
    x.set_ciphers(c); return x
first, second = sctx(sys.argv[4]), sctx(sys.argv[5])
first.sni_callback = lambda so, name, ctx: setattr(so, 'context', second)
srv = socket.create_server(('127.0.0.1', 0))
def serve():
    c, _ = srv.accept(); first.wrap_socket(c, server_side=True).close()
t = threading.Thread(target=serve); t.start()
cc = ssl.create_default_context(cafile=sys.argv[3]); cc.maximum_version = ssl.TLSVersion.TLSv1_2
cc.set_ciphers(sys.argv[4] + ':' + sys.argv[5])
s = cc.wrap_socket(socket.create_connection(srv.getsockname()), server_hostname='localhost')
print(s.cipher()[0]); s.close(); t.join()
"#,
        &[
            &common::fixture_str("server.pem"),
            &common::fixture_str("server.key"),
            &common::fixture_str("ca.pem"),
            A,
            B,
        ],
    );
    assert_eq!(theirs.trim(), B);
    assert_eq!(ours, B);
}
