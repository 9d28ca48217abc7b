//! `except` and `isinstance` on every class a pyssl error can be, against CPython 3.13: the class
//! tree itself (names, modules, bases, `issubclass` for every pair), the `OSError` subclass
//! each errno selects, and a table of real failures provoked over loopback and the file system,
//! classified with `isinstance` against every class in both.

mod common;

use std::thread;

use pyssl::exceptions::*;
use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl, warnings, Error};

/// `module.name` of every class, as the Python side resolves it.
fn qualified(cls: ExceptionType) -> String {
    format!("{}.{}", cls.__module__(), cls.__name__())
}

const PY_CLASSES: &str = r#"
import asyncio.exceptions, builtins, socket, ssl, sys
modules = {'builtins': builtins, 'ssl': ssl, 'socket': socket,
           'asyncio.exceptions': asyncio.exceptions}
def resolve(q):
    module, name = q.rsplit('.', 1)
    return getattr(modules[module], name)
classes = [resolve(q) for q in sys.argv[1:]]
"#;

#[test]
fn the_class_tree_is_cpythons() {
    let all = ExceptionType::ALL;
    let args: Vec<String> = all.iter().map(|&c| qualified(c)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let code = format!(
        "{PY_CLASSES}
for c in classes:
    bases = ','.join(b.__name__ for b in c.__bases__ if b is not object)
    subclass_of = ','.join(o.__name__ for o in classes if issubclass(c, o))
    print('|'.join([c.__name__, c.__module__, str(c), repr(c), bases, subclass_of]))
"
    );
    let theirs = common::py313(&code, &args);
    let ours: Vec<String> = all
        .iter()
        .map(|&c| {
            let names = |v: Vec<ExceptionType>| {
                v.iter().map(|o| o.__name__()).collect::<Vec<_>>().join(",")
            };
            [
                c.__name__().to_string(),
                c.__module__().to_string(),
                c.to_string(),
                c.py_repr(),
                names(c.__bases__().to_vec()),
                names(all.iter().copied().filter(|&o| c.issubclass(o)).collect()),
            ]
            .join("|")
        })
        .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    // Bases come before their subclasses in ALL, and each class is listed once.
    for (i, c) in all.iter().enumerate() {
        assert!(c.__bases__().iter().all(|b| all[..i].contains(b)), "{c}");
        assert_eq!(all.iter().filter(|&o| o == c).count(), 1, "{c}");
    }
}

#[test]
fn the_aliases_are_the_classes_python_aliases() {
    let theirs = common::py313(
        "import socket, ssl
print(socket.timeout is TimeoutError, socket.error is OSError, ssl.socket_error is OSError,
      ssl.CertificateError is ssl.SSLCertVerificationError, IOError is OSError,
      EnvironmentError is OSError)",
        &[],
    );
    assert_eq!(theirs.trim(), "True True True True True True");
    assert_eq!(ssl::socket_error, OSError);
    assert_eq!(ssl::CertificateError, ssl::SSLCertVerificationError);
    assert_eq!((IOError, EnvironmentError), (OSError, OSError));
    // The constants of each module are the classes of that module.
    for (cls, module) in [
        (ssl::SSLError, "ssl"),
        (ssl::SSLZeroReturnError, "ssl"),
        (ssl::SSLWantReadError, "ssl"),
        (ssl::SSLWantWriteError, "ssl"),
        (ssl::SSLSyscallError, "ssl"),
        (ssl::SSLEOFError, "ssl"),
        (ssl::SSLCertVerificationError, "ssl"),
        (socket::gaierror, "socket"),
        (socket::herror, "socket"),
    ] {
        assert_eq!(cls.__module__(), module, "{cls}");
    }
}

#[test]
fn every_errno_selects_cpythons_oserror_subclass() {
    let theirs = common::py313(
        "for n in range(0, 200): print(type(OSError(n, 'x')).__name__)",
        &[],
    );
    let ours: Vec<&str> = (0..200).map(|n| Error::from_errno(n).type_name()).collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    for n in 0..200 {
        let e = Error::from_errno(n);
        assert_eq!(e.type_(), ExceptionType::from_errno(n));
        assert!(e.isinstance(OSError) && e.is_os_error(), "{n}");
    }
    assert!(Error::from_errno(libc::ETIMEDOUT).is_timeout());
}

/// Each case provoked in CPython, printed as `case|type(e)|traceback line` followed by the
/// names of the classes `e` is an instance of.
const PY_FAILURES: &str = r#"
import socket, ssl, threading, warnings
fixtures = sys.argv[1]
ca = fixtures + '/ca.pem'

def tls_server(cert, key):
    listener = socket.create_server(('127.0.0.1', 0))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(fixtures + '/' + cert, fixtures + '/' + key)
    def run():
        conn, _ = listener.accept()
        try:
            ctx.wrap_socket(conn, server_side=True)
        except (OSError, ValueError):
            pass
    threading.Thread(target=run, daemon=True).start()
    return listener.getsockname()[1]

def plain_server(reply, reset=False):
    listener = socket.create_server(('127.0.0.1', 0))
    def run():
        conn, _ = listener.accept()
        conn.recv(4096)
        if reset:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\0\0\0\0\0\0\0')
        else:
            conn.sendall(reply)
        conn.close()
    threading.Thread(target=run, daemon=True).start()
    return listener.getsockname()[1]

def refused():
    unused = socket.socket(); unused.bind(('127.0.0.1', 0))
    socket.create_connection(unused.getsockname())
def reset():
    port = plain_server(b'', reset=True)
    s = socket.create_connection(('127.0.0.1', port)); s.sendall(b'hello'); s.recv(10)
def broken_pipe():
    a, b = socket.socketpair(); b.shutdown(socket.SHUT_RDWR); b.close(); a.send(b'x')
def recv_timeout():
    a, b = socket.socketpair(); a.settimeout(0.05); a.recv(1)
def handshake_timeout():
    a, b = socket.socketpair(); a.settimeout(0.1)
    ssl.create_default_context().wrap_socket(a, server_hostname='localhost')
def missing_cafile():
    ssl.create_default_context().load_verify_locations(fixtures + '/missing.pem')
def directory_cafile():
    ssl.create_default_context().load_verify_locations(fixtures)
def not_a_directory():
    ssl.create_default_context().load_verify_locations(ca + '/x')
def permission_denied():
    ssl.create_default_context().keylog_filename = '/proc/sys/kernel/version'
def would_block():
    a, b = socket.socketpair(); a.setblocking(False); a.recv(1)
def gaierror():
    socket.getaddrinfo('127.0.0.1', 'nosuchservice')
def cert_verification():
    port = tls_server('selfsigned.pem', 'selfsigned.key')
    ctx = ssl.create_default_context(cafile=ca)
    ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
def hostname_mismatch():
    port = tls_server('server.pem', 'server.key')
    ctx = ssl.create_default_context(cafile=ca)
    ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='example.org')
def want_read():
    ssl.create_default_context().wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname='localhost').do_handshake()
def want_read_socket():
    a, b = socket.socketpair(); a.setblocking(False)
    ssl.create_default_context().wrap_socket(a, server_hostname='localhost', do_handshake_on_connect=False).do_handshake()
def eof():
    a, b = socket.socketpair(); b.shutdown(socket.SHUT_WR)
    ssl.create_default_context().wrap_socket(a, server_hostname='localhost')
def wrong_version():
    port = plain_server(b'HTTP/1.1 400 Bad Request\r\n\r\n')
    ssl.create_default_context().wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
def no_cipher():
    ssl.create_default_context().set_ciphers('NOPE')
def check_hostname():
    ssl.create_default_context().wrap_socket(socket.socket())
def idna():
    ssl.create_default_context().wrap_socket(socket.socket(), server_hostname='a..b')
def deprecated():
    with warnings.catch_warnings(action='error'):
        ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)

cases = [refused, reset, broken_pipe, recv_timeout, handshake_timeout, missing_cafile,
         directory_cafile, not_a_directory, permission_denied, would_block, gaierror,
         cert_verification, hostname_mismatch, want_read, want_read_socket, eof, wrong_version,
         no_cipher, check_hostname, idna, deprecated]
for case in cases:
    try:
        case()
        print(case.__name__, 'did not fail')
    except Exception as e:
        line = traceback.format_exception_only(e)[0].rstrip('\n')
        name, _, text = line.partition(': ')
        line = name + (': ' + strip(text) if text else '')
        print('|'.join([case.__name__, str(type(e)), line]))
        print(' ' + ','.join(c.__name__ for c in classes if isinstance(e, c)))
"#;

fn tls_server(cert: &str, key: &str) -> u16 {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(common::fixture(cert), common::fixture_str(key).as_str())
        .unwrap();
    let port = listener.getsockname().unwrap().port();
    thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let _ = ctx.wrap_socket(
            conn,
            ssl::WrapSocket {
                server_side: true,
                ..Default::default()
            },
        );
    });
    port
}

fn plain_server(reply: &'static [u8], reset: bool) -> u16 {
    let listener = socket::create_server(("127.0.0.1", 0), Default::default()).unwrap();
    let port = listener.getsockname().unwrap().port();
    thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let _ = conn.recv(4096);
        if reset {
            conn.setsockopt_bytes(socket::SOL_SOCKET, socket::SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                .unwrap();
        } else {
            conn.sendall(reply).unwrap();
        }
    });
    port
}

fn client(hostname: &str) -> pyssl::Result<ssl::WrapSocket<'_>> {
    Ok(ssl::WrapSocket {
        server_hostname: Some(hostname),
        ..Default::default()
    })
}

/// One failure to provoke.
type Case<'a> = Box<dyn Fn() -> pyssl::Result<()> + 'a>;

/// The same failures through pyssl, in the same order.
fn pyssl_failures() -> Vec<(&'static str, Error)> {
    let ca = common::fixture_str("ca.pem");
    let fixtures = common::fixture_str("");
    let fixtures = fixtures.trim_end_matches('/');
    let default = || ssl::create_default_context().unwrap();
    let trusting = || {
        ssl::create_default_context_with(ssl::CreateDefaultContext {
            cafile: Some(&ca),
            ..Default::default()
        })
        .unwrap()
    };
    let connect =
        |port: u16| socket::create_connection(("127.0.0.1", port), Default::default()).unwrap();
    let cases: Vec<(&str, Case)> = vec![
        (
            "refused",
            Box::new(|| {
                let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
                unused.bind(("127.0.0.1", 0))?;
                socket::create_connection(unused.getsockname()?, Default::default()).map(drop)
            }),
        ),
        (
            "reset",
            Box::new(|| {
                let s = connect(plain_server(b"", true));
                s.sendall(b"hello")?;
                s.recv(10).map(drop)
            }),
        ),
        (
            "broken_pipe",
            Box::new(|| {
                let (a, b) = socket::socketpair()?;
                // Shut down as well as closed: a child process that another test thread is
                // spawning may hold a copy of the descriptor for a moment.
                b.shutdown(socket::SHUT_RDWR)?;
                drop(b);
                a.send(b"x").map(drop)
            }),
        ),
        (
            "recv_timeout",
            Box::new(|| {
                let (a, _b) = socket::socketpair()?;
                a.settimeout(Some(0.05))?;
                a.recv(1).map(drop)
            }),
        ),
        (
            "handshake_timeout",
            Box::new(|| {
                let (a, _b) = socket::socketpair()?;
                a.settimeout(Some(0.1))?;
                default().wrap_socket(a, client("localhost")?).map(drop)
            }),
        ),
        (
            "missing_cafile",
            Box::new(|| {
                default().load_verify_locations(format!("{fixtures}/missing.pem").as_str())
            }),
        ),
        (
            "directory_cafile",
            Box::new(|| default().load_verify_locations(fixtures)),
        ),
        (
            "not_a_directory",
            Box::new(|| default().load_verify_locations(format!("{ca}/x").as_str())),
        ),
        (
            "permission_denied",
            Box::new(|| default().set_keylog_filename(Some("/proc/sys/kernel/version"))),
        ),
        (
            "would_block",
            Box::new(|| {
                let (a, _b) = socket::socketpair()?;
                a.setblocking(false)?;
                a.recv(1).map(drop)
            }),
        ),
        (
            "gaierror",
            Box::new(|| {
                socket::getaddrinfo("127.0.0.1", "nosuchservice", Default::default()).map(drop)
            }),
        ),
        (
            "cert_verification",
            Box::new(|| {
                let port = tls_server("selfsigned.pem", "selfsigned.key");
                trusting()
                    .wrap_socket(connect(port), client("localhost")?)
                    .map(drop)
            }),
        ),
        (
            "hostname_mismatch",
            Box::new(|| {
                let port = tls_server("server.pem", "server.key");
                trusting()
                    .wrap_socket(connect(port), client("example.org")?)
                    .map(drop)
            }),
        ),
        (
            "want_read",
            Box::new(|| {
                let (incoming, outgoing) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
                let wrap = ssl::WrapBio {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                };
                default()
                    .wrap_bio(&incoming, &outgoing, wrap)?
                    .do_handshake()
            }),
        ),
        (
            "want_read_socket",
            Box::new(|| {
                let (a, _b) = socket::socketpair()?;
                a.setblocking(false)?;
                let wrap = ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    do_handshake_on_connect: false,
                    ..Default::default()
                };
                default().wrap_socket(a, wrap)?.do_handshake()
            }),
        ),
        (
            "eof",
            Box::new(|| {
                let (a, b) = socket::socketpair()?;
                b.shutdown(socket::SHUT_WR)?;
                default().wrap_socket(a, client("localhost")?).map(drop)
            }),
        ),
        (
            "wrong_version",
            Box::new(|| {
                let port = plain_server(b"HTTP/1.1 400 Bad Request\r\n\r\n", false);
                default()
                    .wrap_socket(connect(port), client("localhost")?)
                    .map(drop)
            }),
        ),
        ("no_cipher", Box::new(|| default().set_ciphers("NOPE"))),
        (
            "check_hostname",
            Box::new(|| {
                let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
                default().wrap_socket(s, Default::default()).map(drop)
            }),
        ),
        (
            "idna",
            Box::new(|| {
                let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
                default().wrap_socket(s, client("a..b")?).map(drop)
            }),
        ),
        (
            "deprecated",
            Box::new(|| {
                let _scope = warnings::catch_warnings(warnings::CatchWarnings {
                    action: Some("error"),
                    ..Default::default()
                })?;
                ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).map(drop)
            }),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, case)| match case() {
            Ok(()) => panic!("{name} did not fail"),
            Err(e) => (name, e),
        })
        .collect()
}

#[test]
fn real_failures_are_instances_of_the_classes_cpython_says() {
    let all = ExceptionType::ALL;
    let mut args: Vec<String> = vec![common::fixture_str("").trim_end_matches('/').to_string()];
    args.extend(all.iter().map(|&c| qualified(c)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let code = format!(
        "import sys, traceback\n{}\nclasses = [resolve(q) for q in sys.argv[2:]]\n{}\n{PY_FAILURES}",
        PY_CLASSES.replace("classes = [resolve(q) for q in sys.argv[1:]]", ""),
        common::PY_DESCRIBE_ERROR.replace("def describe_error", "def _unused")
            + "\nimport re\ndef strip(s):\n    s = re.sub(r' \\(_ssl\\.c:\\d+\\)', '', s)\n    return re.sub(r'^_ssl\\.c:\\d+: ', '', s)\n"
    );
    let theirs = common::oracle_as_linked(&common::py313(&code, &args));
    let mut ours = Vec::new();
    for (name, e) in pyssl_failures() {
        let line = e.format_exception_only();
        // One line per case, as CPython's first line of format_exception_only.
        let line = line.lines().next().unwrap();
        ours.push(format!("{name}|{}|{line}", e.type_()));
        let classes: Vec<&str> = all
            .iter()
            .filter(|&&c| e.isinstance(c))
            .map(|c| c.__name__())
            .collect();
        ours.push(format!(" {}", classes.join(",")));
        // The one-class and any-of forms agree with the list.
        assert!(e.isinstance_any(&[ValueError, Exception]));
        assert!(!e.isinstance_any(&[socket::herror, ChildProcessError]));
    }
    common::assert_outcomes_eq("failure classes", &ours, &theirs);
}

#[test]
fn strerror_is_cpythons_for_every_failure() {
    // The same cases; for each, `e.strerror` (`None` where the class has no such attribute, as
    // `Error::strerror()` answers for those), without CPython's `(_ssl.c:NNN)` location.
    let (cases, _) = PY_FAILURES.split_once("for case in cases:").unwrap();
    let code = format!(
        "import re, sys\n{cases}\nfor case in cases:\n    try:\n        case()\n    except Exception as e:\n        s = getattr(e, 'strerror', None)\n        print(case.__name__, repr(s if s is None else re.sub(r' \\(_ssl\\.c:\\d+\\)', '', s)))\n"
    );
    let theirs = common::py313(&code, &[common::fixture_str("").trim_end_matches('/')]);
    let ours: Vec<String> = pyssl_failures()
        .iter()
        .map(|(name, e)| format!("{name} {}", e.strerror().py_repr()))
        .collect();
    common::assert_outcomes_eq("strerror", &ours, &theirs);
    // Python's examples of each kind, as the table holds them.
    assert!(theirs.contains("refused 'Connection refused'"), "{theirs}");
    assert!(theirs.contains("recv_timeout None"), "{theirs}");
    assert!(theirs.contains("check_hostname None"), "{theirs}");
}

#[test]
fn the_is_predicates_agree_with_isinstance() {
    for (name, e) in pyssl_failures() {
        assert_eq!(e.is_os_error(), e.isinstance(OSError), "{name}");
        assert_eq!(e.is_ssl_error(), e.isinstance(ssl::SSLError), "{name}");
        assert_eq!(e.is_value_error(), e.isinstance(ValueError), "{name}");
        assert_eq!(e.is_unicode_error(), e.isinstance(UnicodeError), "{name}");
        assert_eq!(e.is_timeout(), e.isinstance(TimeoutError), "{name}");
        assert_eq!(
            e.is_want_read(),
            e.isinstance(ssl::SSLWantReadError),
            "{name}"
        );
        assert_eq!(
            e.is_want_write(),
            e.isinstance(ssl::SSLWantWriteError),
            "{name}"
        );
        assert_eq!(e.is_eof_error(), e.isinstance(ssl::SSLEOFError), "{name}");
        assert_eq!(
            e.is_zero_return(),
            e.isinstance(ssl::SSLZeroReturnError),
            "{name}"
        );
        assert_eq!(
            e.is_cert_verification_error(),
            e.isinstance(ssl::SSLCertVerificationError),
            "{name}"
        );
    }
}

#[test]
fn except_clauses_port_to_one_match_arm_each() {
    // Python:
    //   try: a.send(b'x')                       (the peer has shut down and closed)
    //   except (ConnectionResetError, BrokenPipeError): print('peer gone')
    //   except ConnectionError: print('other connection error')
    //   except OSError as e: print('os', e)
    let (a, b) = socket::socketpair().unwrap();
    b.shutdown(socket::SHUT_RDWR).unwrap();
    drop(b);
    let said = match a.send(b"x") {
        Ok(_) => "sent".to_string(),
        Err(e) if e.isinstance_any(&[ConnectionResetError, BrokenPipeError]) => {
            "peer gone".to_string()
        }
        Err(e) if e.isinstance(ConnectionError) => "other connection error".to_string(),
        Err(e) if e.isinstance(OSError) => format!("os {e}"),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(said, "peer gone");
    // socket.herror is never raised by pyssl, but `except socket.herror` compiles and matches
    // nothing pyssl returns.
    assert!(!Error::from_errno(libc::EPIPE).isinstance(socket::herror));
    assert!(socket::herror.issubclass(OSError));
}

#[test]
fn every_variant_renders_as_cpython_renders_it() {
    use pyssl::{
        OSError as OsErr, SSLError as SslErr, SSLErrorKind, UnicodeDecodeError, UnicodeEncodeError,
    };
    // (CPython expression, the same exception in pyssl)
    let cases: Vec<(&str, Error)> = vec![
        (
            "ssl.SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number')",
            SslErr::new(
                SSLErrorKind::SSLError,
                1,
                "[SSL: WRONG_VERSION_NUMBER] wrong version number",
            )
            .into(),
        ),
        (
            "ssl.SSLError('No cipher can be selected.')",
            SslErr::single("No cipher can be selected.").into(),
        ),
        (
            "ssl.SSLZeroReturnError(6, 'TLS/SSL connection has been closed (EOF)')",
            SslErr::new(
                SSLErrorKind::SSLZeroReturnError,
                6,
                "TLS/SSL connection has been closed (EOF)",
            )
            .into(),
        ),
        (
            "ssl.SSLWantWriteError(3, 'The operation did not complete (write)')",
            SslErr::new(
                SSLErrorKind::SSLWantWriteError,
                3,
                "The operation did not complete (write)",
            )
            .into(),
        ),
        (
            "ssl.SSLSyscallError(5, 'Some I/O error occurred')",
            SslErr::new(SSLErrorKind::SSLSyscallError, 5, "Some I/O error occurred").into(),
        ),
        (
            "OSError(104, 'Connection reset by peer')",
            Error::from_errno(104),
        ),
        (
            "OSError(2, 'No such file or directory', 'ca.pem')",
            Error::OSError(OsErr::from_errno(2).with_filename("ca.pem")),
        ),
        (
            "OSError('no errno')",
            Error::OSError(OsErr {
                errno: None,
                strerror: Some("no errno".into()),
                filename: None,
            }),
        ),
        (
            "OSError()",
            Error::OSError(OsErr {
                errno: None,
                strerror: None,
                filename: None,
            }),
        ),
        (
            "socket.gaierror(-2, 'Name or service not known')",
            Error::gaierror(OsErr {
                errno: Some(-2),
                strerror: Some("Name or service not known".into()),
                filename: None,
            }),
        ),
        (
            "TimeoutError('timed out')",
            Error::TimeoutError("timed out".into()),
        ),
        (
            "ValueError('check_hostname requires server_hostname')",
            Error::value("check_hostname requires server_hostname"),
        ),
        (
            "TypeError('cadata should be an ASCII string or a bytes-like object')",
            Error::type_error("cadata should be an ASCII string or a bytes-like object"),
        ),
        (
            "NotImplementedError('NPN')",
            Error::NotImplementedError("NPN".into()),
        ),
        (
            "OverflowError('byte string is too large')",
            Error::OverflowError("byte string is too large".into()),
        ),
        ("MemoryError()", Error::MemoryError(String::new())),
        (
            "UnicodeError('Unsupported error handling: x')",
            Error::UnicodeError("Unsupported error handling: x".into()),
        ),
        (
            "UnicodeEncodeError('ascii', 'pythön', 4, 5, 'ordinal not in range(128)')",
            UnicodeEncodeError::new("ascii", "pythön", 4, 5, "ordinal not in range(128)").into(),
        ),
        (
            "UnicodeDecodeError('utf-8', b'\\xff', 0, 1, 'invalid start byte')",
            UnicodeDecodeError::new("utf-8", b"\xff".to_vec(), 0, 1, "invalid start byte").into(),
        ),
        (
            "DeprecationWarning('ssl.PROTOCOL_TLS is deprecated')",
            Error::DeprecationWarning("ssl.PROTOCOL_TLS is deprecated".into()),
        ),
        (
            "RuntimeWarning('Unknown general name type 9')",
            Error::RuntimeWarning("Unknown general name type 9".into()),
        ),
        (
            "ExceptionGroup('create_connection failed', [OSError(111, 'Connect call failed'), ValueError('x')])",
            Error::ExceptionGroup {
                message: "create_connection failed".into(),
                exceptions: vec![
                    Error::OSError(OsErr {
                        errno: Some(111),
                        strerror: Some("Connect call failed".into()),
                        filename: None,
                    }),
                    Error::value("x"),
                ],
            },
        ),
        (
            "ExceptionGroup('create_connection failed', [OSError('one')])",
            Error::ExceptionGroup {
                message: "create_connection failed".into(),
                exceptions: vec![Error::OSError(OsErr {
                    errno: None,
                    strerror: Some("one".into()),
                    filename: None,
                })],
            },
        ),
    ];
    let exprs: Vec<&str> = cases.iter().map(|(expr, _)| *expr).collect();
    let theirs = common::py313(
        "import socket, ssl, sys, traceback
for expr in sys.argv[1:]:
    e = eval(expr)
    print('|'.join([str(type(e)), type(e).__name__, repr(e), ascii(''.join(traceback.format_exception_only(e)))]))",
        &exprs,
    );
    let ours: Vec<String> = cases
        .iter()
        .map(|(_, e)| {
            let line = format!("{}\n", e.format_exception_only());
            format!(
                "{}|{}|{}|{}",
                e.type_(),
                e.type_name(),
                e.py_repr(),
                common::py_ascii(&line)
            )
        })
        .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}
