//! Closing a socket that other threads are using (`docs/threads.md`): Python stops a server
//! thread blocked in `accept()` by closing the listening socket from another thread. The blocked
//! call's error is compared with CPython 3.13's for the same program, and a stress test checks
//! that no call ever acts on a descriptor number that a new file reused after the close.

mod common;

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use pyssl::{socket, ssl};

/// How each listener is stopped.
const ACTIONS: [&str; 2] = ["close", "shutdown"];

/// The CPython program: a server thread blocked in `accept()` (blocking, or with a timeout),
/// stopped from the main thread. Prints `kind mode action: outcome`, where the outcome is the
/// error `accept` raised, `accepted`, or `still blocked` if the thread was still in `accept`
/// 1.5 s after the stop (then a connection is made to let it go).
const PY_STOP_ACCEPT: &str = r#"
import socket, ssl, sys, threading, time
def listener(kind):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(('127.0.0.1', 0)); srv.listen()
    if kind == 'tls':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[1], sys.argv[2])
        srv = ctx.wrap_socket(srv, server_side=True)
    return srv
for kind in ['plain', 'tls']:
    for mode, timeout in [('blocking', None), ('timeout', 0.5)]:
        for action in ['close', 'shutdown']:
            if kind == 'tls' and action == 'shutdown':
                continue
            srv = listener(kind)
            port = srv.getsockname()[1]
            srv.settimeout(timeout)
            out = []
            def serve():
                try:
                    conn, addr = srv.accept()
                    out.append('accepted')
                except OSError as e:
                    out.append(describe_error(e))
            t = threading.Thread(target=serve, daemon=True)
            t.start()
            time.sleep(0.2)
            if action == 'close':
                srv.close()
            else:
                srv.shutdown(socket.SHUT_RDWR)
            t.join(1.5)
            if t.is_alive():
                out.append('still blocked')
                socket.create_connection(('127.0.0.1', port)).close()
                t.join(5)
            print(kind, mode, action + ':', out[0])
"#;

/// One stop in pyssl: the outcome line, and how long `accept` went on after the stop.
fn stop_accept(kind: &str, timeout: Option<f64>, action: &str) -> (String, Duration) {
    let plain = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    plain.bind(("127.0.0.1", 0)).unwrap();
    plain.listen(None).unwrap();
    plain.settimeout(timeout).unwrap();
    // Python: srv = ctx.wrap_socket(srv, server_side=True), shared with the server thread.
    enum Listener {
        Plain(socket::socket),
        Tls(ssl::SSLSocket),
    }
    let srv = Arc::new(if kind == "tls" {
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        Listener::Tls(common::server_context().wrap_socket(plain, kw).unwrap())
    } else {
        Listener::Plain(plain)
    });
    let server = srv.clone();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let accepted = match &*server {
            Listener::Plain(s) => s.accept().map(drop),
            Listener::Tls(s) => s.accept().map(drop),
        };
        let ended = Instant::now();
        let outcome = match accepted {
            Ok(()) => "accepted".to_string(),
            Err(e) => common::describe_error(&e),
        };
        tx.send((outcome, ended)).unwrap();
    });
    thread::sleep(Duration::from_millis(200));
    let stopped = Instant::now();
    match (&*srv, action) {
        (Listener::Plain(s), "close") => s.close().unwrap(),
        (Listener::Plain(s), _) => s.shutdown(socket::SHUT_RDWR).unwrap(),
        (Listener::Tls(s), _) => s.close().unwrap(),
    }
    let (outcome, ended) = rx
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("{kind} {timeout:?} {action}: accept was not woken"));
    (outcome, ended.saturating_duration_since(stopped))
}

#[test]
fn a_thread_blocked_in_accept_is_stopped_by_close_from_another_thread() {
    let code = format!("{}{}", common::PY_DESCRIBE_ERROR, PY_STOP_ACCEPT);
    let cert = common::fixture_str("server.pem");
    let key = common::fixture_str("server.key");
    let theirs = common::py313(&code, &[&cert, &key]);
    let theirs: Vec<&str> = theirs.lines().collect();
    let find = |prefix: &str| -> String {
        let line = theirs
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {theirs:?}"));
        line[prefix.len()..].trim().to_string()
    };

    // What CPython does: a close wakes nothing on Linux. With a timeout its wait runs out and
    // the retry finds the descriptor gone: EBADF. Without one, accept goes on waiting.
    let bad_fd = "OSError|9|-|-|-|-|[Errno 9] Bad file descriptor";
    assert_eq!(find("plain timeout close:"), bad_fd);
    assert_eq!(find("tls timeout close:"), bad_fd);
    assert_eq!(find("plain blocking close:"), "still blocked");
    assert_eq!(find("tls blocking close:"), "still blocked");

    for kind in ["plain", "tls"] {
        // A long timeout: pyssl's close must wake the call, not let it time out.
        for (mode, timeout) in [("blocking", None), ("timeout", Some(30.0))] {
            for action in ACTIONS {
                if kind == "tls" && action == "shutdown" {
                    continue; // SSLSocket::shutdown takes &mut self (it drops the TLS layer)
                }
                let (ours, after) = stop_accept(kind, timeout, action);
                assert!(
                    after < Duration::from_secs(2),
                    "{kind} {mode} {action}: accept went on {after:?} after the stop"
                );
                // pyssl ends every case at once with the error CPython ends the timeout case
                // with (a blocking CPython accept waits for a connection, see above).
                let cpython = find(&format!("{kind} timeout {action}:"));
                assert_eq!(ours, cpython, "{kind} {mode} {action}");
            }
        }
    }
    // shutdown() wakes accept in CPython too, with EINVAL, blocking or not.
    let invalid = "OSError|22|-|-|-|-|[Errno 22] Invalid argument";
    assert_eq!(find("plain blocking shutdown:"), invalid);
    assert_eq!(find("plain timeout shutdown:"), invalid);
}

#[test]
fn a_closed_tls_socket_answers_as_pythons_closed_sslsocket() {
    // Closed through a shared reference: the TLS layer is gone as far as every call can see.
    let (a, b) = socket::socketpair().unwrap();
    let server = thread::spawn(move || {
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        let mut conn = common::server_context().wrap_socket(b, kw).unwrap();
        let _ = conn.recv(10);
    });
    let kw = ssl::WrapSocket {
        server_hostname: Some("localhost"),
        ..Default::default()
    };
    let mut ssock = common::client_context().wrap_socket(a, kw).unwrap();
    assert!(ssock.cipher().is_some());
    let shared = &ssock;
    thread::scope(|s| {
        s.spawn(|| shared.close().unwrap());
    });
    assert_eq!(ssock.cipher(), None);
    assert_eq!(ssock.version(), None);
    assert_eq!(ssock.pending(), 0);
    assert_eq!(ssock.fileno(), -1);
    let err = |r: pyssl::Result<Vec<u8>>| common::describe_error(&r.unwrap_err());
    assert_eq!(
        err(ssock.recv(10)),
        "OSError|9|-|-|-|-|[Errno 9] Bad file descriptor"
    );
    assert_eq!(
        err(ssock.read(10)),
        "ValueError|None|-|-|-|-|Read on closed or unwrapped SSL socket."
    );
    assert_eq!(
        ssock.unwrap().unwrap_err().to_string(),
        "No SSL wrapper around <ssl.SSLSocket [closed] fd=-1, family=1, type=1, proto=0>"
    );
    server.join().unwrap();
}

/// One victim: a new connected pair opened while (and after) the shared socket is closed, so
/// that it may get the closed socket's descriptor number. `V` bytes wait in `x`.
struct Victim {
    x: UnixStream,
    y: UnixStream,
}

const VICTIM_DATA: &[u8] = b"VVVVVVVV";

impl Victim {
    fn new() -> Victim {
        let (x, mut y) = UnixStream::pair().unwrap();
        y.write_all(VICTIM_DATA).unwrap();
        Victim { x, y }
    }

    /// Checks nothing but its owner touched it: `x` still blocking, its `V`s all there and
    /// nothing else; nothing arrived at `y`.
    fn check_untouched(mut self) {
        // A duplicate shares the file status flags: pyssl's adoption reads O_NONBLOCK as
        // timeout 0.0 (a stray settimeout on the reused number would have set it).
        let dup = self.x.as_fd().try_clone_to_owned().unwrap();
        let dup = socket::socket::try_from(dup).unwrap();
        assert!(dup.getblocking(), "the victim was made non-blocking");
        drop(dup);
        for (side, expected) in [(&mut self.x, VICTIM_DATA), (&mut self.y, &b""[..])] {
            side.set_nonblocking(true).unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 256];
            loop {
                match side.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("victim read: {e}"),
                }
            }
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected),
                "a closed socket's call read or wrote a new socket that reused its number"
            );
        }
    }
}

const EAGAIN: i64 = 11;

/// One round: `a` is shared by a reader, a writer and a thread that changes its timeout and
/// reads its name, all busy (the peer floods `P`s and drains `W`s), while another thread opens
/// new sockets; the main thread closes `a`. Returns whether a new socket got `a`'s number.
fn close_under_fire(round: u32) -> bool {
    let (a, peer) = socket::socketpair().unwrap();
    if round % 2 == 1 {
        a.settimeout(Some(5.0)).unwrap(); // the other half wait in poll, not in the call
    }
    let number = a.fileno();
    let a = Arc::new(a);
    let stop = Arc::new(AtomicBool::new(false));

    let feeder = {
        let stop = stop.clone();
        thread::spawn(move || {
            peer.setblocking(false).unwrap();
            let mut got = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let _ = peer.send(b"PPPPPPPP");
                if let Ok(data) = peer.recv(4096) {
                    got.extend_from_slice(&data);
                }
            }
            assert!(got.iter().all(|&b| b == b'W'), "the peer got {got:?}");
        })
    };
    let reader = {
        let a = a.clone();
        thread::spawn(move || loop {
            match a.recv(64) {
                Ok(data) => assert!(
                    !data.is_empty() && data.iter().all(|&b| b == b'P'),
                    "the reader got {:?}",
                    String::from_utf8_lossy(&data)
                ),
                // The fiddler may make the descriptor non-blocking under a blocking call.
                Err(e) if e.errno() == Some(EAGAIN) => continue,
                Err(e) => return e.errno(),
            }
        })
    };
    let writer = {
        let a = a.clone();
        thread::spawn(move || loop {
            match a.send(b"WWWW") {
                Err(e) if e.errno() == Some(EAGAIN) => continue,
                Err(e) => return e.errno(),
                Ok(_) => {}
            }
        })
    };
    let fiddler = {
        let a = a.clone();
        thread::spawn(move || {
            for i in 0.. {
                let timeout = if i % 2 == 0 { Some(5.0) } else { None };
                if let Err(e) = a.settimeout(timeout).and_then(|()| a.getsockname()) {
                    return e.errno();
                }
            }
            unreachable!()
        })
    };
    let opener = {
        let stop = stop.clone();
        thread::spawn(move || {
            // Opens new sockets until one gets the closed number (only that one can be touched
            // by a stray call on it), or a while after the users are gone.
            let mut tries_after_stop = 0;
            loop {
                let victim = Victim::new();
                if [victim.x.as_raw_fd(), victim.y.as_raw_fd()].contains(&number) {
                    return Some(victim);
                }
                if stop.load(Ordering::SeqCst) {
                    tries_after_stop += 1;
                    if tries_after_stop > 100 {
                        return None;
                    }
                }
            }
        })
    };

    thread::sleep(Duration::from_micros(200 + u64::from(round % 7) * 150));
    a.close().unwrap();
    thread::sleep(Duration::from_millis(2));
    let ends = [reader.join(), writer.join(), fiddler.join()];
    stop.store(true, Ordering::SeqCst);
    feeder.join().unwrap();
    let victim = opener.join().unwrap();
    for end in ends {
        assert_eq!(
            end.unwrap(),
            Some(9),
            "each user ends with EBADF (Bad file descriptor)"
        );
    }
    victim.map(Victim::check_untouched).is_some()
}

#[test]
fn closing_while_other_threads_use_the_socket_never_touches_a_reused_descriptor() {
    const ROUNDS: u32 = 300;
    let mut reused = 0;
    for round in 0..ROUNDS {
        reused += u32::from(close_under_fire(round));
    }
    // The test means something only if new sockets did get the old numbers.
    assert!(
        reused > ROUNDS / 2,
        "the closed number was reused in only {reused} of {ROUNDS} rounds"
    );
}
