//! A NUL inside each text argument of the public API, compared with CPython: the same outcome
//! (success, or the same exception class and message, raised at the same step). Which error
//! CPython raises depends on the converter its C code uses for that argument: Argument Clinic's
//! `str` (`ValueError: embedded null character`), `PyUnicode_FSConverter` for paths (`ValueError:
//! embedded null byte`), `es` for `server_hostname` (`TypeError: argument must be encoded string
//! without null bytes, not str`), the socket module's host converter (`TypeError: host name must
//! not contain null character`); and some arguments take the NUL as data (ALPN protocols,
//! passwords, `cadata`) or cut the C string there (`getaddrinfo`'s host and port).
//!
//! One row per argument: a pyssl call and the same Python call, run by CPython 3.13 (or by 3.11
//! for what 3.12 removed: `ssl.wrap_socket`, `ssl.match_hostname`).

mod common;

use pyssl::ssl::{self, Cadata};
use pyssl::{socket, Error};

/// What a row's call gave: `OK` or `type|str(e)`, as [`PY_PRELUDE`]'s `run` prints it.
fn outcome<T>(r: Result<T, Error>) -> String {
    match r {
        Ok(_) => "OK".into(),
        Err(e) => format!("{}|{e}", e.type_name()),
    }
}

/// The per-row context: fixture directory, a scratch directory and a port nobody listens on.
struct Env {
    fixtures: String,
    scratch: String,
    closed: u16,
}

impl Env {
    fn f(&self, name: &str) -> String {
        format!("{}/{name}", self.fixtures)
    }
}

type Call = fn(&Env) -> String;

const PY_PRELUDE: &str = r#"
import re, socket, ssl, sys
F = sys.argv[1] + '/'
D = sys.argv[2]
closed = int(sys.argv[3])
def server(): return ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def client(): return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
def bio(**kw): return client().wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kw)
PEM = open(F + 'ca.pem').read()
def run(f):
    try:
        f()
        return 'OK'
    except Exception as e:
        return type(e).__name__ + '|' + re.sub(r' \(_ssl\.c:\d+\)', '', str(e))
"#;

fn server() -> ssl::SSLContext {
    ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap()
}

fn client() -> ssl::SSLContext {
    ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap()
}

fn bio(server_hostname: Option<&str>) -> pyssl::Result<ssl::SSLObject> {
    let (incoming, outgoing) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
    let kw = ssl::WrapBio {
        server_hostname,
        ..Default::default()
    };
    client().wrap_bio(&incoming, &outgoing, kw)
}

fn pem(env: &Env) -> String {
    std::fs::read_to_string(env.f("ca.pem")).unwrap()
}

/// The rows CPython 3.13 answers: (name, Python expression, pyssl call).
fn rows_313() -> Vec<(&'static str, &'static str, Call)> {
    vec![
        ("set_ecdh_curve", "server().set_ecdh_curve('prime256v1\\0')", |_| {
            outcome(server().set_ecdh_curve("prime256v1\0"))
        }),
        ("load_dh_params", "server().load_dh_params(F + 'dh.pem\\0')", |e| {
            outcome(server().load_dh_params(e.f("dh.pem\0")))
        }),
        ("set_ciphers", "client().set_ciphers('ALL\\0')", |_| {
            outcome(client().set_ciphers("ALL\0"))
        }),
        ("load_cert_chain certfile", "server().load_cert_chain(F + 'server.pem\\0')", |e| {
            outcome(server().load_cert_chain(e.f("server.pem\0"), ssl::LoadCertChain::default()))
        }),
        (
            "load_cert_chain keyfile",
            "server().load_cert_chain(F + 'server.pem', F + 'server.key\\0')",
            |e| outcome(server().load_cert_chain(e.f("server.pem"), e.f("server.key\0"))),
        ),
        (
            "load_cert_chain password str",
            "server().load_cert_chain(F + 'server.pem', F + 'server-encrypted.key', password='pyssl-password\\0')",
            |e| {
                let kw = ssl::LoadCertChain {
                    keyfile: Some(&e.f("server-encrypted.key")),
                    password: Some("pyssl-password\0"),
                    ..Default::default()
                };
                outcome(server().load_cert_chain(e.f("server.pem"), kw))
            },
        ),
        (
            "load_cert_chain password bytes",
            "server().load_cert_chain(F + 'server.pem', F + 'server-encrypted.key', password=b'pyssl\\0-password')",
            |e| {
                let key = e.f("server-encrypted.key");
                let kw = ssl::LoadCertChain {
                    keyfile: Some(&key),
                    ..Default::default()
                };
                outcome(server().load_cert_chain(e.f("server.pem"), kw.password(b"pyssl\0-password")))
            },
        ),
        (
            "load_cert_chain password callable",
            "server().load_cert_chain(F + 'server.pem', F + 'server-encrypted.key', password=lambda: 'pyssl-password\\0')",
            |e| {
                let key = e.f("server-encrypted.key");
                let kw = ssl::LoadCertChain::default()
                    .keyfile(&key)
                    .password(&|| Ok(b"pyssl-password\0".to_vec()));
                outcome(server().load_cert_chain(e.f("server.pem"), kw))
            },
        ),
        ("load_verify_locations cafile", "client().load_verify_locations(F + 'ca.pem\\0')", |e| {
            outcome(client().load_verify_locations(e.f("ca.pem\0")))
        }),
        (
            "load_verify_locations capath",
            "client().load_verify_locations(capath=F + 'capath\\0')",
            |e| {
                let kw = ssl::LoadVerifyLocations {
                    capath: Some(&e.f("capath\0")),
                    ..Default::default()
                };
                outcome(client().load_verify_locations(kw))
            },
        ),
        ("load_verify_locations cadata NUL", "client().load_verify_locations(cadata='\\0')", |_| {
            let kw = ssl::LoadVerifyLocations {
                cadata: Some(Cadata::Pem("\0")),
                ..Default::default()
            };
            outcome(client().load_verify_locations(kw))
        }),
        (
            "load_verify_locations cadata PEM NUL",
            "client().load_verify_locations(cadata=PEM + '\\0')",
            |e| {
                let text = pem(e) + "\0";
                let kw = ssl::LoadVerifyLocations {
                    cadata: Some(Cadata::Pem(&text)),
                    ..Default::default()
                };
                outcome(client().load_verify_locations(kw))
            },
        ),
        (
            "load_verify_locations cadata NUL PEM",
            "client().load_verify_locations(cadata='\\0' + PEM)",
            |e| {
                let text = format!("\0{}", pem(e));
                let kw = ssl::LoadVerifyLocations {
                    cadata: Some(Cadata::Pem(&text)),
                    ..Default::default()
                };
                outcome(client().load_verify_locations(kw))
            },
        ),
        ("wrap_bio server_hostname", "bio(server_hostname='a\\0b')", |_| {
            outcome(bio(Some("a\0b")))
        }),
        ("wrap_bio server_hostname non-ASCII", "bio(server_hostname='ä\\0b')", |_| {
            outcome(bio(Some("ä\0b")))
        }),
        (
            "wrap_socket server_hostname (unconnected)",
            "client().wrap_socket(socket.socket(), server_hostname='a\\0b')",
            |_| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let kw = ssl::WrapSocket {
                    server_hostname: Some("a\0b"),
                    ..Default::default()
                };
                outcome(client().wrap_socket(sock, kw))
            },
        ),
        (
            "wrap_socket server_hostname, then connect",
            "client().wrap_socket(socket.socket(), server_hostname='a\\0b').connect(('127.0.0.1', closed))",
            |e| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let kw = ssl::WrapSocket {
                    server_hostname: Some("a\0b"),
                    ..Default::default()
                };
                let mut s = client().wrap_socket(sock, kw).unwrap();
                outcome(s.connect(("127.0.0.1", e.closed)))
            },
        ),
        ("set_alpn_protocols", "client().set_alpn_protocols(['h2\\0'])", |_| {
            outcome(client().set_alpn_protocols(&["h2\0"]))
        }),
        (
            "keylog_filename",
            "setattr(client(), 'keylog_filename', D + '/keys\\0')",
            |e| {
                let name = format!("{}/keys\0", e.scratch);
                outcome(client().set_keylog_filename(&name))
            },
        ),
        (
            "cert_time_to_seconds",
            "ssl.cert_time_to_seconds('Jan  5 09:34:43 2018 GMT\\0')",
            |_| outcome(ssl::cert_time_to_seconds("Jan  5 09:34:43 2018 GMT\0")),
        ),
        (
            "PEM_cert_to_DER_cert",
            "ssl.PEM_cert_to_DER_cert(PEM.replace('\\n', '\\0', 3))",
            |e| outcome(ssl::PEM_cert_to_DER_cert(&pem(e).replacen('\n', "\0", 3))),
        ),
        (
            "get_server_certificate host",
            "ssl.get_server_certificate(('localhost\\0junk', closed))",
            |e| {
                let kw = ssl::GetServerCertificate::default();
                outcome(ssl::get_server_certificate(("localhost\0junk", e.closed), kw))
            },
        ),
        (
            "get_server_certificate ca_certs",
            "ssl.get_server_certificate(('localhost', closed), ca_certs=F + 'ca.pem\\0')",
            |e| {
                let ca = e.f("ca.pem\0");
                let kw = ssl::GetServerCertificate {
                    ca_certs: Some(&ca),
                    ..Default::default()
                };
                outcome(ssl::get_server_certificate(("localhost", e.closed), kw))
            },
        ),
        (
            "create_default_context cafile",
            "ssl.create_default_context(cafile=F + 'ca.pem\\0')",
            |e| {
                let ca = e.f("ca.pem\0");
                outcome(ssl::create_default_context_with(ssl::CreateDefaultContext {
                    cafile: Some(&ca),
                    ..Default::default()
                }))
            },
        ),
        (
            "create_default_context capath",
            "ssl.create_default_context(capath=F + 'capath\\0')",
            |e| {
                let capath = e.f("capath\0");
                outcome(ssl::create_default_context_with(ssl::CreateDefaultContext {
                    capath: Some(&capath),
                    ..Default::default()
                }))
            },
        ),
        (
            "_create_unverified_context certfile",
            "ssl._create_unverified_context(certfile=F + 'server.pem\\0')",
            |e| {
                let cert = e.f("server.pem\0");
                outcome(ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext {
                    certfile: Some(&cert),
                    ..Default::default()
                }))
            },
        ),
        (
            "getaddrinfo host",
            "socket.getaddrinfo('localhost\\0junk', 80, type=socket.SOCK_STREAM)",
            |_| {
                let kw = socket::GetAddrInfo {
                    type_: socket::SOCK_STREAM,
                    ..Default::default()
                };
                outcome(socket::getaddrinfo("localhost\0junk", 80, kw))
            },
        ),
        (
            "getaddrinfo port",
            "socket.getaddrinfo('localhost', '80\\0', type=socket.SOCK_STREAM)",
            |_| {
                let kw = socket::GetAddrInfo {
                    type_: socket::SOCK_STREAM,
                    ..Default::default()
                };
                outcome(socket::getaddrinfo("localhost", "80\0", kw))
            },
        ),
        ("connect", "socket.socket().connect(('a\\0b', closed))", |e| {
            let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            outcome(s.connect(("a\0b", e.closed)))
        }),
        ("connect_ex", "socket.socket().connect_ex(('a\\0b', closed))", |e| {
            let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            outcome(s.connect_ex(("a\0b", e.closed)))
        }),
        ("bind", "socket.socket().bind(('a\\0b', 0))", |_| {
            let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            outcome(s.bind(("a\0b", 0)))
        }),
        ("bind non-ASCII", "socket.socket().bind(('ä\\0', 0))", |_| {
            let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            outcome(s.bind(("ä\0", 0)))
        }),
        ("bind bad IDNA", "socket.socket().bind(('ä..\\0', 0))", |_| {
            let s = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            outcome(s.bind(("ä..\0", 0)))
        }),
        (
            "AF_UNIX bind",
            "socket.socket(socket.AF_UNIX).bind(D + '/unix\\0tail')",
            |e| {
                let s = socket::socket(socket::AF_UNIX, socket::SOCK_STREAM).unwrap();
                outcome(s.bind(socket::Address::unix(format!("{}/unix\0tail", e.scratch))))
            },
        ),
        (
            "create_connection",
            "socket.create_connection(('localhost\\0junk', closed))",
            |e| {
                let kw = socket::CreateConnection::default();
                outcome(socket::create_connection(("localhost\0junk", e.closed), kw))
            },
        ),
        (
            "create_connection source_address",
            "socket.create_connection(('127.0.0.1', closed), source_address=('a\\0b', 0))",
            |e| {
                let kw = socket::CreateConnection {
                    source_address: Some(("a\0b", 0).to_address()),
                    ..Default::default()
                };
                outcome(socket::create_connection(("127.0.0.1", e.closed), kw))
            },
        ),
        ("create_server", "socket.create_server(('a\\0b', 0))", |_| {
            outcome(socket::create_server(("a\0b", 0), Default::default()))
        }),
        (
            "SSLObject.get_channel_binding",
            "bio().get_channel_binding('tls-unique\\0')",
            |_| outcome(bio(None).unwrap().get_channel_binding("tls-unique\0")),
        ),
        (
            "SSLSocket.get_channel_binding (unconnected)",
            "client().wrap_socket(socket.socket(), server_hostname='x').get_channel_binding('tls-unique\\0')",
            |_| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let kw = ssl::WrapSocket {
                    server_hostname: Some("x"),
                    ..Default::default()
                };
                outcome(client().wrap_socket(sock, kw).unwrap().get_channel_binding("tls-unique\0"))
            },
        ),
        ("_ASN1Object", "ssl._ASN1Object('1.3.6.1.5.5.7.3.1\\0')", |_| {
            outcome(ssl::_ASN1Object::new("1.3.6.1.5.5.7.3.1\0"))
        }),
        ("_ASN1Object.fromname", "ssl._ASN1Object.fromname('serverAuth\\0')", |_| {
            outcome(ssl::_ASN1Object::fromname("serverAuth\0"))
        }),
        (
            "set_psk_server_callback identity_hint",
            "server().set_psk_server_callback(lambda identity: b'k', identity_hint='a\\0')",
            |_| {
                outcome(server().set_psk_server_callback(
                    |_: Option<&str>| Ok(b"k".to_vec()),
                    Some("a\0"),
                ))
            },
        ),
        ("_test_decode_cert", "ssl._ssl._test_decode_cert(F + 'server.pem\\0')", |e| {
            outcome(ssl::_test_decode_cert(e.f("server.pem\0")))
        }),
    ]
}

/// What 3.12 removed, answered by CPython 3.11 (`python3`).
fn rows_311() -> Vec<(&'static str, &'static str, Call)> {
    vec![
        (
            "ssl.wrap_socket certfile",
            "ssl.wrap_socket(socket.socket(), certfile=F + 'server.pem\\0')",
            |e| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let cert = e.f("server.pem\0");
                #[allow(deprecated)]
                let r = ssl::wrap_socket(
                    sock,
                    ssl::WrapSocketArgs {
                        certfile: Some(&cert),
                        ..Default::default()
                    },
                );
                outcome(r)
            },
        ),
        (
            "ssl.wrap_socket keyfile",
            "ssl.wrap_socket(socket.socket(), certfile=F + 'server.pem', keyfile=F + 'server.key\\0')",
            |e| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let (cert, key) = (e.f("server.pem"), e.f("server.key\0"));
                #[allow(deprecated)]
                let r = ssl::wrap_socket(
                    sock,
                    ssl::WrapSocketArgs {
                        certfile: Some(&cert),
                        keyfile: Some(&key),
                        ..Default::default()
                    },
                );
                outcome(r)
            },
        ),
        (
            "ssl.wrap_socket ca_certs",
            "ssl.wrap_socket(socket.socket(), ca_certs=F + 'ca.pem\\0')",
            |e| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                let ca = e.f("ca.pem\0");
                #[allow(deprecated)]
                let r = ssl::wrap_socket(
                    sock,
                    ssl::WrapSocketArgs {
                        ca_certs: Some(&ca),
                        ..Default::default()
                    },
                );
                outcome(r)
            },
        ),
        (
            "ssl.wrap_socket ciphers",
            "ssl.wrap_socket(socket.socket(), ciphers='ALL\\0')",
            |_| {
                let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
                #[allow(deprecated)]
                let r = ssl::wrap_socket(
                    sock,
                    ssl::WrapSocketArgs {
                        ciphers: Some("ALL\0"),
                        ..Default::default()
                    },
                );
                outcome(r)
            },
        ),
        (
            "match_hostname",
            "ssl.match_hostname({'subjectAltName': (('DNS', 'example.com'),)}, 'example.com\\0')",
            |_| {
                let cert = san_cert("DNS", "example.com");
                #[allow(deprecated)]
                let r = ssl::match_hostname(cert, "example.com\0");
                outcome(r)
            },
        ),
        (
            "match_hostname IP",
            "ssl.match_hostname({'subjectAltName': (('IP Address', '127.0.0.1'),)}, '127.0.0.1\\0')",
            |_| {
                let cert = san_cert("IP Address", "127.0.0.1");
                #[allow(deprecated)]
                let r = ssl::match_hostname(cert, "127.0.0.1\0");
                outcome(r)
            },
        ),
    ]
}

use pyssl::socket::ToAddress;

/// `{'subjectAltName': ((kind, value),)}` (the fields Python's dict lacks left empty).
fn san_cert(kind: &str, value: &str) -> ssl::CertDict {
    ssl::CertDict {
        subject: ssl::Name::default(),
        issuer: ssl::Name::default(),
        version: 3,
        serialNumber: String::new(),
        notBefore: String::new(),
        notAfter: String::new(),
        subjectAltName: Some(pyssl::pyrepr::Tuple(vec![(
            kind.to_string(),
            ssl::SanValue::Str(value.into()),
        )])),
        OCSP: None,
        caIssuers: None,
        crlDistributionPoints: None,
    }
}

fn compare(python: std::process::Command, rows: &[(&'static str, &'static str, Call)]) {
    let scratch = std::env::temp_dir().join(format!("pyssl-nul-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let unused = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
    unused.bind(("127.0.0.1", 0)).unwrap();
    let env = Env {
        fixtures: common::fixture_str("").trim_end_matches('/').to_string(),
        scratch: scratch.display().to_string(),
        closed: unused.getsockname().unwrap().port(),
    };
    let ours: Vec<String> = rows
        .iter()
        .map(|(_, _, call)| common::py_ascii(&call(&env)))
        .collect();
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut code = PY_PRELUDE.to_string();
    for (_, expr, _) in rows {
        code.push_str(&format!("print(ascii(run(lambda: {expr})))\n"));
    }
    let closed = env.closed.to_string();
    let theirs = common::run_python(python, &code, &[&env.fixtures, &env.scratch, &closed]);
    let _ = std::fs::remove_dir_all(&scratch);
    drop(unused);
    let names: Vec<&str> = rows.iter().map(|(name, _, _)| *name).collect();
    common::assert_rows_match(&names, &ours, &theirs);
}

#[test]
fn nul_in_each_argument_matches_cpython_313() {
    common::py313("pass", &[]);
    compare(common::python313(), &rows_313());
}

#[test]
fn nul_in_each_argument_matches_cpython_311_for_removed_names() {
    compare(common::python311(), &rows_311());
}
