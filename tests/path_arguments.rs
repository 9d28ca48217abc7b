//! Each argument CPython takes as `str`, `bytes` or `os.PathLike` (and `server_hostname`, `str`
//! or `bytes`), given in each Rust form that stands for those (`&str`, `String`, `&OsStr`,
//! `OsString`, `&[u8]`, `b"..."`, `Vec<u8>`, `&Path`, `PathBuf`), compared with CPython 3.13
//! given the matching Python object: the same result or the same exception and message. File
//! names that are not UTF-8 (CPython takes them as `bytes`, or as `str` with `surrogateescape`
//! surrogates) open the same files; the reprs in error messages (`b'..'`, `PosixPath('..')`)
//! are Python's.

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl, Error};

/// `OK`, `OK <value>`, or `type|str(e)`, as [`PY_PRELUDE`]'s `run` prints it.
fn outcome<T: std::fmt::Display>(r: Result<Option<T>, Error>) -> String {
    match r {
        Ok(None) => "OK".into(),
        Ok(Some(v)) => format!("OK {v}"),
        Err(e) => format!("{}|{e}", e.type_name()),
    }
}

fn done<T>(r: Result<T, Error>) -> String {
    outcome(r.map(|_| None::<String>))
}

/// Fixtures, a scratch directory holding copies under names that are not UTF-8, and a TLS
/// server for `get_server_certificate`.
struct Env {
    fixtures: String,
    scratch: String,
    port: u16,
}

impl Env {
    fn f(&self, name: &str) -> String {
        format!("{}/{name}", self.fixtures)
    }
    /// `os.fsencode(D) + b'/\xff' + name`: a copy whose name is not UTF-8.
    fn nb(&self, name: &str) -> Vec<u8> {
        let mut b = format!("{}/", self.scratch).into_bytes();
        b.push(0xff);
        b.extend_from_slice(name.as_bytes());
        b
    }
    /// `os.fsdecode(...)` of the same: a Python `str` with a surrogate.
    fn ns(&self, name: &str) -> OsString {
        OsString::from_vec(self.nb(name))
    }
    fn d(&self, name: &str) -> String {
        format!("{}/{name}", self.scratch)
    }
}

type Call = fn(&Env) -> String;

const PY_PRELUDE: &str = r#"
import os, pathlib, re, socket, ssl, sys
F = sys.argv[1] + '/'
D = sys.argv[2] + '/'
PORT = int(sys.argv[3])
P = pathlib.Path
def f(name): return F + name
def fb(name): return os.fsencode(F + name)
def nb(name): return os.fsencode(D) + b'\xff' + name.encode()
def ns(name): return os.fsdecode(nb(name))
def server(): return ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def client(): return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
def bio(ctx=None, **kw):
    return (ctx or client()).wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kw)
def stats(ctx): return ctx.cert_store_stats()
def handshake(cctx, server_hostname='localhost'):
    sctx = server(); sctx.load_cert_chain(f('server.pem'), f('server.key'))
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(c_in, c_out, server_hostname=server_hostname)
    s = sctx.wrap_bio(s_in, s_out, server_side=True)
    done = [False, False]
    for _ in range(10):
        for i, (obj, src, dst) in enumerate(((c, c_out, s_in), (s, s_out, c_in))):
            try:
                obj.do_handshake(); done[i] = True
            except ssl.SSLWantReadError:
                pass
            dst.write(src.read())
    return c.version()
def keylog(arg):
    ctx = client(); ctx.keylog_filename = arg; return repr(ctx.keylog_filename)
def run(f):
    try:
        v = f()
        return 'OK' if v is None else 'OK ' + str(v)
    except Exception as e:
        return type(e).__name__ + '|' + re.sub(r' \(_ssl\.c:\d+\)', '', str(e))
"#;

fn server() -> ssl::SSLContext {
    ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap()
}

fn client() -> ssl::SSLContext {
    ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap()
}

fn bio(ctx: &ssl::SSLContext, kw: ssl::WrapBio<'_>) -> pyssl::Result<Option<String>> {
    let (incoming, outgoing) = (ssl::MemoryBIO::new()?, ssl::MemoryBIO::new()?);
    let obj = ctx.wrap_bio(&incoming, &outgoing, kw)?;
    Ok(obj.server_hostname().map(|h| h.to_string()))
}

fn stats(ctx: &ssl::SSLContext) -> Option<String> {
    Some(ctx.cert_store_stats().to_string())
}

/// The prelude's `handshake`: a memory-BIO handshake against the fixture server.
fn handshake(cctx: &ssl::SSLContext, kw: ssl::WrapBio<'_>) -> pyssl::Result<Option<String>> {
    let sctx = common::server_context();
    let b = || ssl::MemoryBIO::new().unwrap();
    let (c_in, c_out, s_in, s_out) = (b(), b(), b(), b());
    let mut c = cctx.wrap_bio(&c_in, &c_out, kw)?;
    let skw = ssl::WrapBio {
        server_side: true,
        ..Default::default()
    };
    let mut s = sctx.wrap_bio(&s_in, &s_out, skw)?;
    for _ in 0..10 {
        for (obj, src, dst) in [(&mut c, &c_out, &s_in), (&mut s, &s_out, &c_in)] {
            match obj.do_handshake() {
                Err(e) if !e.is_want_read() => return Err(e),
                _ => {}
            }
            dst.write(&src.read(-1)?)?;
        }
    }
    Ok(c.version())
}

fn localhost() -> ssl::WrapBio<'static> {
    ssl::WrapBio {
        server_hostname: Some("localhost"),
        ..Default::default()
    }
}

fn keylog(arg: impl ssl::OptionalPathArg) -> pyssl::Result<Option<String>> {
    let ctx = client();
    ctx.set_keylog_filename(arg)?;
    Ok(Some(ctx.keylog_filename().py_repr()))
}

fn combined(e: &Env) -> String {
    e.f("server-combined.pem")
}

/// The rows CPython 3.13 answers: (name, Python expression, pyssl call).
#[allow(clippy::needless_borrows_for_generic_args)] // each form on purpose, borrowed ones too
fn rows_313() -> Vec<(&'static str, &'static str, Call)> {
    vec![
        // load_cert_chain(certfile)
        ("certfile str", "server().load_cert_chain(f('server-combined.pem'))", |e| {
            done(server().load_cert_chain(combined(e).as_str(), ssl::LoadCertChain::default()))
        }),
        ("certfile String", "server().load_cert_chain(f('server-combined.pem'))", |e| {
            done(server().load_cert_chain(combined(e), ssl::LoadCertChain::default()))
        }),
        ("certfile bytes", "server().load_cert_chain(fb('server-combined.pem'))", |e| {
            done(server().load_cert_chain(combined(e).as_bytes(), ssl::LoadCertChain::default()))
        }),
        ("certfile Vec<u8>", "server().load_cert_chain(fb('server-combined.pem'))", |e| {
            done(server().load_cert_chain(combined(e).into_bytes(), ssl::LoadCertChain::default()))
        }),
        ("certfile Path", "server().load_cert_chain(P(f('server-combined.pem')))", |e| {
            done(server().load_cert_chain(Path::new(&combined(e)), ssl::LoadCertChain::default()))
        }),
        ("certfile non-UTF-8 bytes", "server().load_cert_chain(nb('server-combined.pem'))", |e| {
            done(server().load_cert_chain(e.nb("server-combined.pem"), ssl::LoadCertChain::default()))
        }),
        ("certfile non-UTF-8 str", "server().load_cert_chain(ns('server-combined.pem'))", |e| {
            done(server().load_cert_chain(e.ns("server-combined.pem"), ssl::LoadCertChain::default()))
        }),
        ("certfile non-UTF-8 Path", "server().load_cert_chain(P(ns('server-combined.pem')))", |e| {
            let path = PathBuf::from(e.ns("server-combined.pem"));
            done(server().load_cert_chain(path, ssl::LoadCertChain::default()))
        }),
        ("certfile missing bytes", "server().load_cert_chain(b'/nonexistent/\\xff.pem')", |_| {
            done(server().load_cert_chain(b"/nonexistent/\xff.pem", ssl::LoadCertChain::default()))
        }),
        // load_cert_chain(certfile, keyfile)
        ("keyfile positional &String", "server().load_cert_chain(f('server.pem'), f('server.key'))", |e| {
            done(server().load_cert_chain(e.f("server.pem"), &e.f("server.key")))
        }),
        ("keyfile positional PathBuf", "server().load_cert_chain(f('server.pem'), P(f('server.key')))", |e| {
            done(server().load_cert_chain(e.f("server.pem"), PathBuf::from(e.f("server.key"))))
        }),
        ("keyfile positional non-UTF-8 bytes", "server().load_cert_chain(f('server.pem'), nb('server.key'))", |e| {
            done(server().load_cert_chain(e.f("server.pem"), e.nb("server.key")))
        }),
        ("keyfile= bytes", "server().load_cert_chain(certfile=fb('server.pem'), keyfile=fb('server.key'))", |e| {
            let key = e.f("server.key");
            let kw = ssl::LoadCertChain::default().keyfile(key.as_bytes());
            done(server().load_cert_chain(e.f("server.pem").as_bytes(), kw))
        }),
        ("keyfile= Path", "server().load_cert_chain(f('server.pem'), keyfile=P(f('server.key')))", |e| {
            let key = PathBuf::from(e.f("server.key"));
            done(server().load_cert_chain(e.f("server.pem"), ssl::LoadCertChain::default().keyfile(&key)))
        }),
        ("keyfile= non-UTF-8 str", "server().load_cert_chain(f('server.pem'), keyfile=ns('server.key'))", |e| {
            let key = e.ns("server.key");
            done(server().load_cert_chain(e.f("server.pem"), ssl::LoadCertChain::default().keyfile(&key)))
        }),
        ("keyfile= missing bytes", "server().load_cert_chain(f('server.pem'), keyfile=b'/nonexistent/\\xff.key')", |e| {
            let kw = ssl::LoadCertChain::default().keyfile(b"/nonexistent/\xff.key");
            done(server().load_cert_chain(e.f("server.pem"), kw))
        }),
        ("keyfile= and password= bytes", "server().load_cert_chain(f('server.pem'), keyfile=fb('server-encrypted.key'), password=b'pyssl-password')", |e| {
            let key = e.f("server-encrypted.key");
            let kw = ssl::LoadCertChain::default().keyfile(key.as_bytes()).password(b"pyssl-password");
            done(server().load_cert_chain(e.f("server.pem"), kw))
        }),
        ("password= callable", "server().load_cert_chain(f('server.pem'), f('server-encrypted.key'), lambda: 'pyssl-password')", |e| {
            let key = e.f("server-encrypted.key");
            let kw = ssl::LoadCertChain { keyfile: Some(&key), ..Default::default() }
                .password(&|| Ok(b"pyssl-password".to_vec()));
            done(server().load_cert_chain(e.f("server.pem"), kw))
        }),
        // load_verify_locations(cafile, capath)
        ("cafile positional bytes", "(lambda c: (c.load_verify_locations(fb('ca.pem')), stats(c))[1])(client())", |e| {
            let c = client();
            outcome(c.load_verify_locations(e.f("ca.pem").as_bytes()).map(|_| stats(&c)))
        }),
        ("cafile positional Path", "(lambda c: (c.load_verify_locations(P(f('ca.pem'))), stats(c))[1])(client())", |e| {
            let c = client();
            outcome(c.load_verify_locations(Path::new(&e.f("ca.pem"))).map(|_| stats(&c)))
        }),
        ("cafile positional non-UTF-8 OsString", "(lambda c: (c.load_verify_locations(ns('ca.pem')), stats(c))[1])(client())", |e| {
            let c = client();
            outcome(c.load_verify_locations(e.ns("ca.pem")).map(|_| stats(&c)))
        }),
        ("cafile= Vec<u8>, capath=None", "(lambda c: (c.load_verify_locations(cafile=nb('ca.pem'), capath=None), stats(c))[1])(client())", |e| {
            let c = client();
            let ca = e.nb("ca.pem");
            outcome(c.load_verify_locations(ssl::LoadVerifyLocations::default().cafile(&ca)).map(|_| stats(&c)))
        }),
        ("cafile= missing bytes", "client().load_verify_locations(cafile=b'/nonexistent/\\xff.pem')", |_| {
            done(client().load_verify_locations(ssl::LoadVerifyLocations::default().cafile(b"/nonexistent/\xff.pem")))
        }),
        ("capath= str", "(lambda c: (c.load_verify_locations(capath=f('capath')), handshake(c))[1])(client())", |e| {
            let c = client();
            let kw = ssl::LoadVerifyLocations { capath: Some(&e.f("capath")), ..Default::default() };
            outcome(c.load_verify_locations(kw).and_then(|_| handshake(&c, localhost())))
        }),
        ("capath= bytes", "(lambda c: (c.load_verify_locations(capath=fb('capath')), handshake(c))[1])(client())", |e| {
            let c = client();
            let dir = e.f("capath");
            outcome(c.load_verify_locations(ssl::LoadVerifyLocations::default().capath(dir.as_bytes())).and_then(|_| handshake(&c, localhost())))
        }),
        ("capath= non-UTF-8 bytes", "(lambda c: (c.load_verify_locations(capath=nb('capath')), handshake(c))[1])(client())", |e| {
            let c = client();
            let dir = e.nb("capath");
            outcome(c.load_verify_locations(ssl::LoadVerifyLocations::default().capath(&dir)).and_then(|_| handshake(&c, localhost())))
        }),
        ("capath= Path", "(lambda c: (c.load_verify_locations(capath=P(f('capath'))), handshake(c))[1])(client())", |e| {
            let c = client();
            let dir = PathBuf::from(e.f("capath"));
            outcome(c.load_verify_locations(ssl::LoadVerifyLocations::default().capath(&dir)).and_then(|_| handshake(&c, localhost())))
        }),
        ("capath= wrong directory", "(lambda c: (c.load_verify_locations(capath=b'/nonexistent/\\xff'), handshake(c))[1])(client())", |_| {
            let c = client();
            outcome(c.load_verify_locations(ssl::LoadVerifyLocations::default().capath(b"/nonexistent/\xff")).and_then(|_| handshake(&c, localhost())))
        }),
        ("cafile str, capath= bytes", "(lambda c: (c.load_verify_locations(f('otherca.pem'), capath=fb('capath')), handshake(c))[1])(client())", |e| {
            let c = client();
            let (ca, dir) = (e.f("otherca.pem"), e.f("capath"));
            let kw = ssl::LoadVerifyLocations { cafile: Some(&ca), ..Default::default() }.capath(dir.as_bytes());
            outcome(c.load_verify_locations(kw).and_then(|_| handshake(&c, localhost())))
        }),
        ("cadata= str and bytes", "(lambda c: (c.load_verify_locations(cadata=open(f('ca.pem')).read()), c.load_verify_locations(cadata=ssl.PEM_cert_to_DER_cert(open(f('otherca.pem')).read())), stats(c))[2])(client())", |e| {
            let c = client();
            let pem = std::fs::read_to_string(e.f("ca.pem")).unwrap();
            let der = ssl::PEM_cert_to_DER_cert(&std::fs::read_to_string(e.f("otherca.pem")).unwrap()).unwrap();
            outcome(
                c.load_verify_locations(ssl::LoadVerifyLocations::default().cadata(&pem))
                    .and_then(|_| c.load_verify_locations(ssl::LoadVerifyLocations::default().cadata(&der)))
                    .map(|_| stats(&c)),
            )
        }),
        // load_dh_params(path): its OSError names the path as given.
        ("load_dh_params missing str", "server().load_dh_params(D + 'missing.pem')", |e| {
            done(server().load_dh_params(e.d("missing.pem")))
        }),
        ("load_dh_params missing bytes", "server().load_dh_params(nb('missing.pem'))", |e| {
            done(server().load_dh_params(e.nb("missing.pem")))
        }),
        ("load_dh_params missing non-UTF-8 str", "server().load_dh_params(ns('missing.pem'))", |e| {
            done(server().load_dh_params(e.ns("missing.pem")))
        }),
        ("load_dh_params missing Path", "server().load_dh_params(P(D + 'missing//dir/'))", |e| {
            done(server().load_dh_params(Path::new(&e.d("missing//dir/"))))
        }),
        ("load_dh_params no DH in bytes", "server().load_dh_params(fb('server.pem'))", |e| {
            done(server().load_dh_params(e.f("server.pem").as_bytes()))
        }),
        // set_ecdh_curve(name)
        ("set_ecdh_curve str", "server().set_ecdh_curve('prime256v1')", |_| done(server().set_ecdh_curve("prime256v1"))),
        ("set_ecdh_curve bytes", "server().set_ecdh_curve(b'prime256v1')", |_| done(server().set_ecdh_curve(b"prime256v1"))),
        ("set_ecdh_curve Path", "server().set_ecdh_curve(P('prime256v1'))", |_| done(server().set_ecdh_curve(Path::new("prime256v1")))),
        ("set_ecdh_curve unknown str", "server().set_ecdh_curve('nope')", |_| done(server().set_ecdh_curve("nope"))),
        ("set_ecdh_curve unknown bytes", "server().set_ecdh_curve(b'no\\xffpe')", |_| done(server().set_ecdh_curve(b"no\xffpe"))),
        ("set_ecdh_curve unknown Path", "server().set_ecdh_curve(P('no//pe/'))", |_| done(server().set_ecdh_curve(Path::new("no//pe/")))),
        // keylog_filename: given back as set.
        ("keylog_filename str", "keylog(D + 'k1.log')", |e| outcome(keylog(e.d("k1.log").as_str()))),
        ("keylog_filename bytes", "keylog(os.fsencode(D + 'k2.log'))", |e| outcome(keylog(e.d("k2.log").as_bytes()))),
        ("keylog_filename Path", "keylog(P(D + 'k3.log'))", |e| outcome(keylog(PathBuf::from(e.d("k3.log"))))),
        ("keylog_filename non-UTF-8 bytes", "keylog(nb('k4.log'))", |e| outcome(keylog(e.nb("k4.log")))),
        ("keylog_filename non-UTF-8 str", "keylog(ns('k5.log'))", |e| outcome(keylog(e.ns("k5.log")))),
        ("keylog_filename missing dir bytes", "keylog(b'/nonexistent/\\xff.log')", |_| outcome(keylog(b"/nonexistent/\xff.log"))),
        ("keylog_filename missing dir Path", "keylog(P('/nonexistent/k.log'))", |_| outcome(keylog(Path::new("/nonexistent/k.log")))),
        ("keylog_filename None", "keylog(None)", |_| outcome(keylog(None))),
        // create_default_context(cafile=, capath=, cadata=)
        ("create_default_context cafile= bytes", "stats(ssl.create_default_context(cafile=nb('ca.pem')))", |e| {
            let ca = e.nb("ca.pem");
            outcome(ssl::create_default_context_with(ssl::CreateDefaultContext::default().cafile(&ca)).map(|c| stats(&c)))
        }),
        ("create_default_context cafile= Path", "stats(ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=P(f('ca.pem'))))", |e| {
            let ca = PathBuf::from(e.f("ca.pem"));
            let kw = ssl::CreateDefaultContext { purpose: ssl::Purpose::CLIENT_AUTH, ..Default::default() }.cafile(&ca);
            outcome(ssl::create_default_context_with(kw).map(|c| stats(&c)))
        }),
        ("create_default_context cafile= empty bytes", "ssl.create_default_context(cafile=b'').verify_mode", |_| {
            outcome(ssl::create_default_context_with(ssl::CreateDefaultContext::default().cafile(b"")).map(|c| Some(c.verify_mode().value())))
        }),
        ("create_default_context cafile= empty str", "ssl.create_default_context(cafile='').verify_mode", |_| {
            let kw = ssl::CreateDefaultContext { cafile: Some(""), ..Default::default() };
            outcome(ssl::create_default_context_with(kw).map(|c| Some(c.verify_mode().value())))
        }),
        ("create_default_context cadata= empty", "ssl.create_default_context(cadata='').verify_mode", |_| {
            let kw = ssl::CreateDefaultContext::default().cadata("");
            outcome(ssl::create_default_context_with(kw).map(|c| Some(c.verify_mode().value())))
        }),
        ("create_default_context capath= non-UTF-8 bytes", "handshake(ssl.create_default_context(capath=nb('capath')))", |e| {
            let dir = e.nb("capath");
            outcome(ssl::create_default_context_with(ssl::CreateDefaultContext::default().capath(&dir)).and_then(|c| handshake(&c, localhost())))
        }),
        // _create_unverified_context(certfile=, keyfile=, cafile=, capath=)
        ("_create_unverified_context certfile= Path keyfile= bytes", "stats(ssl._create_unverified_context(certfile=P(f('server.pem')), keyfile=fb('server.key'), cafile=nb('ca.pem')))", |e| {
            let (cert, key, ca) = (PathBuf::from(e.f("server.pem")), e.f("server.key"), e.nb("ca.pem"));
            let kw = ssl::CreateUnverifiedContext::default().certfile(&cert).keyfile(key.as_bytes()).cafile(&ca);
            outcome(ssl::_create_unverified_context_with(kw).map(|c| stats(&c)))
        }),
        ("_create_unverified_context keyfile= empty bytes", "ssl._create_unverified_context(keyfile=b'').verify_mode", |_| {
            let kw = ssl::CreateUnverifiedContext::default().keyfile(b"");
            outcome(ssl::_create_unverified_context_with(kw).map(|c| Some(c.verify_mode().value())))
        }),
        ("_create_unverified_context keyfile= Path only", "ssl._create_unverified_context(keyfile=P('k.pem'))", |_| {
            let kw = ssl::CreateUnverifiedContext::default().keyfile(Path::new("k.pem"));
            done(ssl::_create_unverified_context_with(kw))
        }),
        // server_hostname: str goes through IDNA, bytes are decoded as ASCII.
        ("server_hostname b'localhost'", "bio(server_hostname=b'localhost').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"localhost")))
        }),
        ("server_hostname b'LocalHost'", "bio(server_hostname=b'LocalHost').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"LocalHost")))
        }),
        ("server_hostname &Vec<u8>", "bio(server_hostname=b'example.org').server_hostname", |_| {
            let host = b"example.org".to_vec();
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(&host)))
        }),
        ("server_hostname non-ASCII bytes", "bio(server_hostname=b'k\\xf6nig.example').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"k\xf6nig.example")))
        }),
        ("server_hostname bytes skip IDNA", "bio(server_hostname=b'EXAMPLE..COM').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"EXAMPLE..COM")))
        }),
        ("server_hostname str IDNA", "bio(server_hostname='EXAMPLE..COM').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio { server_hostname: Some("EXAMPLE..COM"), ..Default::default() }))
        }),
        ("server_hostname bytes NUL", "bio(server_hostname=b'a\\x00b').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"a\0b")))
        }),
        ("server_hostname empty bytes", "bio(server_hostname=b'').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b"")))
        }),
        ("server_hostname leading dot bytes", "bio(server_hostname=b'.example').server_hostname", |_| {
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(b".example")))
        }),
        ("server_hostname too long bytes", "bio(server_hostname=b'x' * 300).server_hostname", |_| {
            let host = vec![b'x'; 300];
            outcome(bio(&client(), ssl::WrapBio::default().server_hostname(&host)))
        }),
        ("server_hostname empty bytes server side", "bio(server(), server_side=True, server_hostname=b'').server_hostname", |_| {
            outcome(bio(&server(), ssl::WrapBio { server_side: true, ..Default::default() }.server_hostname(b"")))
        }),
        ("server_hostname bytes server side", "bio(server(), server_side=True, server_hostname=b'x').server_hostname", |_| {
            outcome(bio(&server(), ssl::WrapBio { server_side: true, ..Default::default() }.server_hostname(b"x")))
        }),
        ("wrap_socket server_hostname bytes", "client().wrap_socket(socket.socket(), server_hostname=b'localhost').server_hostname", |_| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            let kw = ssl::WrapSocket::default().server_hostname(b"localhost");
            outcome(client().wrap_socket(sock, kw).map(|s| s.server_hostname().map(str::to_string)))
        }),
        ("wrap_socket server_hostname empty bytes", "client().wrap_socket(socket.socket(), server_hostname=b'')", |_| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            done(client().wrap_socket(sock, ssl::WrapSocket::default().server_hostname(b"")))
        }),
        ("wrap_socket server_hostname non-ASCII bytes", "client().wrap_socket(socket.socket(), server_hostname=b'k\\xf6nig')", |_| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            done(client().wrap_socket(sock, ssl::WrapSocket::default().server_hostname(b"k\xf6nig")))
        }),
        ("handshake with a bytes server_hostname", "(lambda c: (c.load_verify_locations(f('ca.pem')), handshake(c, b'localhost'))[1])(client())", |e| {
            let c = client();
            outcome(c.load_verify_locations(e.f("ca.pem")).and_then(|_| handshake(&c, ssl::WrapBio::default().server_hostname(b"localhost"))))
        }),
        ("handshake with a bytes server_hostname that mismatches", "(lambda c: (c.load_verify_locations(f('ca.pem')), handshake(c, b'example.org'))[1])(client())", |e| {
            let c = client();
            outcome(c.load_verify_locations(e.f("ca.pem")).and_then(|_| handshake(&c, ssl::WrapBio::default().server_hostname(b"example.org"))))
        }),
        // Smaller ones.
        ("_test_decode_cert bytes", "ssl._ssl._test_decode_cert(nb('ca.pem'))['serialNumber']", |e| {
            outcome(ssl::_test_decode_cert(e.nb("ca.pem")).map(|c| Some(c.serialNumber)))
        }),
        ("_test_decode_cert Path", "ssl._ssl._test_decode_cert(P(f('ca.pem')))['serialNumber']", |e| {
            outcome(ssl::_test_decode_cert(PathBuf::from(e.f("ca.pem"))).map(|c| Some(c.serialNumber)))
        }),
        ("RAND_add str and bytes", "(ssl.RAND_add('seed', 1.0), ssl.RAND_add(b'seed', 1.0))[0]", |_| {
            ssl::RAND_add("seed", 1.0);
            ssl::RAND_add(b"seed", 1.0);
            "OK".into()
        }),
        ("get_server_certificate ca_certs= bytes", "ssl.get_server_certificate(('127.0.0.1', PORT), ca_certs=fb('ca.pem'))[:27]", |e| {
            let ca = e.f("ca.pem");
            let kw = ssl::GetServerCertificate::default().ca_certs(ca.as_bytes());
            outcome(ssl::get_server_certificate(("127.0.0.1", e.port), kw).map(|pem| Some(pem[..27].to_string())))
        }),
        ("get_server_certificate ca_certs= Path", "ssl.get_server_certificate(('127.0.0.1', PORT), ca_certs=P(f('otherca.pem')))[:27]", |e| {
            let ca = PathBuf::from(e.f("otherca.pem"));
            let kw = ssl::GetServerCertificate::default().ca_certs(&ca);
            outcome(ssl::get_server_certificate(("127.0.0.1", e.port), kw).map(|pem| Some(pem[..27].to_string())))
        }),
    ]
}

/// What 3.12 removed, answered by CPython 3.11 (`python3`).
fn rows_311() -> Vec<(&'static str, &'static str, Call)> {
    vec![
        ("ssl.wrap_socket certfile= bytes keyfile= Path", "ssl.wrap_socket(socket.socket(), certfile=fb('server.pem'), keyfile=P(f('server.key')), server_side=True).server_side", |e| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            let (cert, key) = (e.f("server.pem"), PathBuf::from(e.f("server.key")));
            let kw = ssl::WrapSocketArgs { server_side: true, ..Default::default() }
                .certfile(cert.as_bytes())
                .keyfile(&key);
            #[allow(deprecated)]
            let r = ssl::wrap_socket(sock, kw);
            outcome(r.map(|s| Some(if s.server_side() { "True" } else { "False" })))
        }),
        ("ssl.wrap_socket certfile= empty bytes", "ssl.wrap_socket(socket.socket(), certfile=b'', server_side=True)", |_| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            let kw = ssl::WrapSocketArgs { server_side: true, ..Default::default() }.certfile(b"");
            #[allow(deprecated)]
            let r = ssl::wrap_socket(sock, kw);
            done(r)
        }),
        ("ssl.wrap_socket ca_certs= non-UTF-8 bytes", "ssl.wrap_socket(socket.socket(), ca_certs=nb('ca.pem')).context.cert_store_stats()", |e| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            let ca = e.nb("ca.pem");
            #[allow(deprecated)]
            let r = ssl::wrap_socket(sock, ssl::WrapSocketArgs::default().ca_certs(&ca));
            outcome(r.map(|s| stats(s.context())))
        }),
        ("ssl.wrap_socket ca_certs= missing Path", "ssl.wrap_socket(socket.socket(), ca_certs=P('/nonexistent/ca.pem'))", |_| {
            let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
            #[allow(deprecated)]
            let r = ssl::wrap_socket(sock, ssl::WrapSocketArgs::default().ca_certs(Path::new("/nonexistent/ca.pem")));
            done(r)
        }),
    ]
}

/// Copies of fixtures under names starting with byte 0xff, in a fresh scratch directory.
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyssl-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let odd = |name: &str| {
        let mut bytes = vec![0xffu8];
        bytes.extend_from_slice(name.as_bytes());
        dir.join(std::ffi::OsStr::from_bytes(&bytes))
    };
    for name in ["server-combined.pem", "server.key", "ca.pem"] {
        std::fs::copy(common::fixture(name), odd(name)).unwrap();
    }
    std::fs::create_dir(odd("capath")).unwrap();
    for entry in std::fs::read_dir(common::fixture("capath")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), odd("capath").join(entry.file_name())).unwrap();
    }
    dir
}

/// A server presenting the fixture certificate to any number of clients, for
/// `get_server_certificate`.
fn certificate_server() -> u16 {
    let (port, listener) = common::tls_listener(8);
    std::thread::spawn(move || loop {
        // Each client just takes the certificate; failed handshakes are the clients' to report.
        let _ = listener.accept();
    });
    port
}

fn compare(python: std::process::Command, rows: &[(&'static str, &'static str, Call)]) {
    let scratch = scratch_dir();
    let env = Env {
        fixtures: common::fixture_str("").trim_end_matches('/').to_string(),
        scratch: scratch.to_str().unwrap().to_string(),
        port: certificate_server(),
    };
    let ours: Vec<String> = rows
        .iter()
        .map(|(_, _, call)| common::py_ascii(&call(&env)))
        .collect();
    let mut code = PY_PRELUDE.to_string();
    for (_, expr, _) in rows {
        code.push_str(&format!("print(ascii(run(lambda: {expr})))\n"));
    }
    let port = env.port.to_string();
    let theirs = common::run_python(python, &code, &[&env.fixtures, &env.scratch, &port]);
    let _ = std::fs::remove_dir_all(&scratch);
    let names: Vec<&str> = rows.iter().map(|(name, _, _)| *name).collect();
    common::assert_rows_match(&names, &ours, &theirs);
}

#[test]
fn each_path_and_bytes_argument_matches_cpython_313() {
    common::py313("pass", &[]);
    compare(common::python313(), &rows_313());
}

#[test]
fn path_and_bytes_arguments_of_removed_names_match_cpython_311() {
    compare(common::python311(), &rows_311());
}
