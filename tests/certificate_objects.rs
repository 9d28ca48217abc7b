//! `_ssl.Certificate` objects and the C-level chain getters (`_sslobj.get_verified_chain()`,
//! `_sslobj.get_unverified_chain()`) against CPython 3.13, over real loopback handshakes with
//! the fixtures' chains and over memory BIOs: for every certificate of every chain its
//! `repr()`, `hash()`, `get_info()`, `public_bytes()` in each encoding (the constants, the ints
//! 1, 2, 0x101, and unknown ones), and `==`/`!=` between every pair of the verified and
//! unverified chains; `None` where CPython has no chain (before the handshake, a server that
//! asked for nothing), `_sslobj` itself before `connect()` and after `close()`; and a
//! certificate whose empty subject makes CPython's `repr()` raise.

mod common;

use std::path::PathBuf;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl::{self, Certificate};
use pyssl::{socket, Error};

/// CPython's side: one function per configuration, printing the lines `chain_lines` prints.
const PY_CHAINS: &str = r#"
import socket, ssl, sys, threading, _ssl
fixtures, empty_subject = sys.argv[1], sys.argv[2]
F = lambda n: fixtures + '/' + n

def cert_lines(c):
    out = []
    try:
        out.append('repr ' + repr(c))
    except Exception as e:
        out.append('repr ' + describe_error(e))
    out.append(f'hash {hash(c)}')
    out.append('info ' + repr(c.get_info()))
    pem, der = c.public_bytes(_ssl.ENCODING_PEM), c.public_bytes(_ssl.ENCODING_DER)
    out.append(f'pem {type(pem).__name__} {pem!r}')
    out.append(f'default {type(c.public_bytes()).__name__} {c.public_bytes() == pem}')
    out.append(f'der {type(der).__name__} {der.hex()}')
    for f in (0, 1, 2, 3, 0x100, 0x101, -1):
        try:
            r = c.public_bytes(f)
            out.append(f'fmt {f} {type(r).__name__} {repr(r) if isinstance(r, str) else r.hex()}')
        except Exception as e:
            out.append(f'fmt {f} ' + describe_error(e))
    return out

def chain_lines(label, chain):
    if chain is None:
        return [f'{label} None']
    out = [f'{label} len={len(chain)}']
    for c in chain:
        out += ['  ' + l for l in cert_lines(c)]
    return out

def conn_lines(side, obj):
    vc, uvc = obj.get_verified_chain(), obj.get_unverified_chain()
    out = chain_lines(side + ' verified', vc) + chain_lines(side + ' unverified', uvc)
    if vc is not None and uvc is not None:
        out.append(side + ' eq ' + ' '.join(f'{int(a == b)}{int(a != b)}' for a in vc for b in uvc))
        out.append(side + ' hash-eq ' + ' '.join(str(int(hash(a) == hash(b))) for a in vc for b in uvc))
        out.append(side + ' eq-self ' + ' '.join(f'{int(a == a)}{int(a == c)}' for a in vc for c in vc))
        out.append(f'{side} set-len {len(set(vc + uvc))}')
    return out

def handshake(label, scert, skey, sverify=None, ccert=None, cverify=True, before=False):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(scert, skey)
    if sverify is not None:
        sctx.verify_mode = sverify
        sctx.load_verify_locations(F('ca.pem'))
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
    server = []
    def serve():
        c, _ = l.accept()
        s = sctx.wrap_socket(c, server_side=True)
        server.extend(conn_lines(label + ' server', s._sslobj))
        s.recv(1)
        s.close()
    t = threading.Thread(target=serve); t.start()
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(F('ca.pem'))
    if not cverify:
        cctx.check_hostname = False
        cctx.verify_mode = ssl.CERT_NONE
    if ccert:
        cctx.load_cert_chain(F(ccert[0]), F(ccert[1]))
    c = cctx.wrap_socket(socket.socket(), server_hostname='localhost',
                         do_handshake_on_connect=not before)
    out = [f'{label} unconnected _sslobj {c._sslobj!r}']
    c.connect(l.getsockname())
    if before:
        out += conn_lines(label + ' before', c._sslobj)
        c.do_handshake()
    out += conn_lines(label + ' client', c._sslobj)
    c.send(b'x')
    t.join()
    c.close()
    out.append(f'{label} closed _sslobj {c._sslobj!r}')
    l.close()
    return out + server

def bio(label):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(F('server-chain.pem'), F('server-chain.key'))
    cctx = ssl.create_default_context(cafile=F('ca.pem'))
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = cctx.wrap_bio(c_in, c_out, server_hostname='localhost')
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    out = conn_lines(label + ' before', client._sslobj)
    for _ in range(10):
        for obj in (client, server):
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
    return out + conn_lines(label + ' client', client._sslobj) + conn_lines(label + ' server', server._sslobj)

lines = []
lines += handshake('chain', F('server-chain.pem'), F('server-chain.key'))
lines += handshake('expired_root', F('server-expiredroot.pem'), F('server.key'))
lines += handshake('cert_none', F('server.pem'), F('server.key'), cverify=False)
lines += handshake('client_cert', F('server.pem'), F('server.key'), sverify=ssl.CERT_REQUIRED,
                   ccert=('client-chain.pem', 'client-chain.key'))
lines += handshake('before', F('server.pem'), F('server.key'), before=True)
lines += handshake('empty_subject', empty_subject + '.pem', empty_subject + '.key', cverify=False)
lines += bio('bio')
print('\n'.join(lines))
"#;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cert_lines(c: &Certificate) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match c.try_py_repr() {
        Ok(r) => format!("repr {r}"),
        Err(e) => format!("repr {}", common::describe_error(&e)),
    });
    out.push(format!("hash {}", c.py_hash()));
    out.push(format!("info {}", c.get_info().unwrap().py_repr()));
    let pem: String = c.public_bytes(ssl::ENCODING_PEM).unwrap();
    let der: Vec<u8> = c.public_bytes(ssl::ENCODING_DER).unwrap();
    out.push(format!("pem str {}", pem.py_repr()));
    // Python's default argument is ENCODING_PEM: the Rust call names it.
    out.push("default str True".to_string());
    out.push(format!("der bytes {}", hex(&der)));
    for f in [0, 1, 2, 3, 0x100, 0x101, -1] {
        out.push(match c.public_bytes(f) {
            Ok(ssl::PublicBytes::Text(s)) => format!("fmt {f} str {}", s.py_repr()),
            Ok(ssl::PublicBytes::Bytes(b)) => format!("fmt {f} bytes {}", hex(&b)),
            Err(e) => format!("fmt {f} {}", common::describe_error(&e)),
        });
    }
    out
}

fn chain_lines(label: &str, chain: &Option<Vec<Certificate>>) -> Vec<String> {
    let Some(chain) = chain else {
        return vec![format!("{label} None")];
    };
    let mut out = vec![format!("{label} len={}", chain.len())];
    for c in chain {
        out.extend(cert_lines(c).into_iter().map(|l| format!("  {l}")));
    }
    out
}

fn conn_lines(side: &str, obj: ssl::_SSLSocket<'_>) -> Vec<String> {
    let (vc, uvc) = (obj.get_verified_chain(), obj.get_unverified_chain());
    let mut out = chain_lines(&format!("{side} verified"), &vc);
    out.extend(chain_lines(&format!("{side} unverified"), &uvc));
    if let (Some(vc), Some(uvc)) = (&vc, &uvc) {
        let mut eq = Vec::new();
        let mut hash_eq = Vec::new();
        for a in vc {
            for b in uvc {
                eq.push(format!("{}{}", u8::from(a == b), u8::from(a != b)));
                hash_eq.push(u8::from(a.py_hash() == b.py_hash()).to_string());
            }
        }
        let eq_self: Vec<String> = vc
            .iter()
            .flat_map(|a| vc.iter().map(move |c| format!("1{}", u8::from(a == c))))
            .collect();
        out.push(format!("{side} eq {}", eq.join(" ")));
        out.push(format!("{side} hash-eq {}", hash_eq.join(" ")));
        out.push(format!("{side} eq-self {}", eq_self.join(" ")));
        let set: std::collections::HashSet<&Certificate> = vc.iter().chain(uvc).collect();
        out.push(format!("{side} set-len {}", set.len()));
    }
    out
}

/// One loopback connection, both ends pyssl, recording what `PY_CHAINS`' `handshake` does.
struct Handshake<'a> {
    label: &'a str,
    server_cert: PathBuf,
    server_key: PathBuf,
    server_verify: Option<ssl::VerifyMode>,
    client_cert: Option<(&'a str, &'a str)>,
    client_verifies: bool,
    before: bool,
}

impl Handshake<'_> {
    fn new(label: &str, cert: PathBuf, key: PathBuf) -> Handshake<'_> {
        Handshake {
            label,
            server_cert: cert,
            server_key: key,
            server_verify: None,
            client_cert: None,
            client_verifies: true,
            before: false,
        }
    }

    fn run(&self) -> Vec<String> {
        let label = self.label.to_string();
        let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        sctx.load_cert_chain(&self.server_cert, self.server_key.to_str().unwrap())
            .unwrap();
        if let Some(mode) = self.server_verify {
            sctx.set_verify_mode(mode).unwrap();
            sctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
                .unwrap();
        }
        let listener = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        listener.bind(("127.0.0.1", 0)).unwrap();
        listener.listen(None).unwrap();
        let port = listener.getsockname().unwrap().port();
        let server_label = label.clone();
        let server = std::thread::spawn(move || {
            let (c, _) = listener.accept().unwrap();
            let mut s = sctx
                .wrap_socket(
                    c,
                    ssl::WrapSocket {
                        server_side: true,
                        ..Default::default()
                    },
                )
                .unwrap();
            let lines = conn_lines(&format!("{server_label} server"), s._sslobj().unwrap());
            s.recv(1).unwrap();
            s.close().unwrap();
            lines
        });
        let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        cctx.load_verify_locations(common::fixture_str("ca.pem").as_str())
            .unwrap();
        if !self.client_verifies {
            cctx.set_check_hostname(false);
            cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
        }
        if let Some((cert, key)) = self.client_cert {
            cctx.load_cert_chain(common::fixture(cert), common::fixture_str(key).as_str())
                .unwrap();
        }
        let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap();
        let mut c = cctx
            .wrap_socket(
                sock,
                ssl::WrapSocket {
                    server_hostname: Some("localhost"),
                    do_handshake_on_connect: !self.before,
                    ..Default::default()
                },
            )
            .unwrap();
        // Python: repr(c._sslobj) is 'None' here.
        let mut out = vec![format!(
            "{label} unconnected _sslobj {}",
            if c._sslobj().is_none() { "None" } else { "?" }
        )];
        c.connect(("127.0.0.1", port)).unwrap();
        if self.before {
            out.extend(conn_lines(&format!("{label} before"), c._sslobj().unwrap()));
            c.do_handshake().unwrap();
        }
        out.extend(conn_lines(&format!("{label} client"), c._sslobj().unwrap()));
        // The ssl.py level is ssl.py's conversion of what was just compared.
        let vc = c
            ._sslobj()
            .unwrap()
            .get_verified_chain()
            .unwrap_or_default();
        let ders: Vec<Vec<u8>> = vc
            .iter()
            .map(|c| c.public_bytes(ssl::ENCODING_DER).unwrap())
            .collect();
        assert_eq!(c.get_verified_chain(), ders);
        c.send(b"x").unwrap();
        let server_lines = server.join().unwrap();
        c.close().unwrap();
        out.push(format!(
            "{label} closed _sslobj {}",
            if c._sslobj().is_none() { "None" } else { "?" }
        ));
        out.extend(server_lines);
        out
    }
}

/// Two `SSLObject`s over memory BIOs, as `PY_CHAINS`' `bio`.
fn bio(label: &str) -> Vec<String> {
    let sctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    sctx.load_cert_chain(
        common::fixture("server-chain.pem"),
        common::fixture_str("server-chain.key").as_str(),
    )
    .unwrap();
    let cctx = common::client_context();
    let bios: Vec<ssl::MemoryBIO> = (0..4).map(|_| ssl::MemoryBIO::new().unwrap()).collect();
    let (c_in, c_out, s_in, s_out) = (&bios[0], &bios[1], &bios[2], &bios[3]);
    let mut client = cctx
        .wrap_bio(
            c_in,
            c_out,
            ssl::WrapBio {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    let mut server = sctx
        .wrap_bio(
            s_in,
            s_out,
            ssl::WrapBio {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    let mut out = conn_lines(&format!("{label} before"), client._sslobj());
    for _ in 0..10 {
        for obj in [&mut client, &mut server] {
            match obj.do_handshake() {
                Err(e) if e.is_want_read() => {}
                r => r.unwrap(),
            }
        }
        s_in.write(&c_out.read(-1).unwrap()).unwrap();
        c_in.write(&s_out.read(-1).unwrap()).unwrap();
    }
    out.extend(conn_lines(&format!("{label} client"), client._sslobj()));
    out.extend(conn_lines(&format!("{label} server"), server._sslobj()));
    out
}

/// A self-signed certificate with an empty subject (and issuer), written as `<base>.pem` and
/// `<base>.key`: `X509_NAME_print_ex` prints nothing for it, so CPython's `repr()` raises.
fn empty_subject_cert() -> PathBuf {
    use openssl::asn1::Asn1Time;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::{X509Name, X509};
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-subject");
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let name = X509Name::builder().unwrap().build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_str("20200101000000Z").unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_str("20990101000000Z").unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = b.build();
    std::fs::write(base.with_extension("pem"), cert.to_pem().unwrap()).unwrap();
    std::fs::write(
        base.with_extension("key"),
        key.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap();
    base
}

#[test]
fn certificates_of_every_chain_match_cpython() {
    let empty = empty_subject_cert();
    let python = common::py313(
        &format!("{}{PY_CHAINS}", common::PY_DESCRIBE_ERROR),
        &[&common::fixture_str(""), empty.to_str().unwrap()],
    );

    let fixture = common::fixture;
    let mut rust = Handshake::new(
        "chain",
        fixture("server-chain.pem"),
        fixture("server-chain.key"),
    )
    .run();
    // The server sends an expired copy of the root (same subject and key): `==` tells the two
    // roots apart where their subject hashes cannot.
    rust.extend(
        Handshake::new(
            "expired_root",
            fixture("server-expiredroot.pem"),
            fixture("server.key"),
        )
        .run(),
    );
    rust.extend(
        Handshake {
            client_verifies: false,
            ..Handshake::new("cert_none", fixture("server.pem"), fixture("server.key"))
        }
        .run(),
    );
    rust.extend(
        Handshake {
            server_verify: Some(ssl::CERT_REQUIRED),
            client_cert: Some(("client-chain.pem", "client-chain.key")),
            ..Handshake::new("client_cert", fixture("server.pem"), fixture("server.key"))
        }
        .run(),
    );
    rust.extend(
        Handshake {
            before: true,
            ..Handshake::new("before", fixture("server.pem"), fixture("server.key"))
        }
        .run(),
    );
    rust.extend(
        Handshake {
            client_verifies: false,
            ..Handshake::new(
                "empty_subject",
                empty.with_extension("pem"),
                empty.with_extension("key"),
            )
        }
        .run(),
    );
    rust.extend(bio("bio"));

    let python: Vec<String> = python.lines().map(common::strip_location).collect();
    for (i, (ours, theirs)) in rust.iter().zip(&python).enumerate() {
        assert_eq!(ours, theirs, "line {i}");
    }
    assert_eq!(rust.len(), python.len());

    // What the comparison covered, so that it cannot pass on empty chains.
    let has = |needle: &str| python.iter().any(|l| l.contains(needle));
    assert!(has("chain client verified len=3") && has("chain client unverified len=2"));
    assert!(has("client_cert server verified len=3") && has("bio client verified len=3"));
    assert!(has("before before verified None") && has("chain server verified None"));
    assert!(has(
        "<_ssl.Certificate 'CN=pyssl test intermediate CA,O=pyssl'>"
    ));
    assert!(has("repr SSLError|0|None|None|None|None|unknown error"));
    // The trusted root and its expired copy: different certificates, the same hash.
    assert!(
        has("expired_root client eq 10 01 01 01") && has("expired_root client hash-eq 1 0 0 1")
    );
    assert!(has("fmt 257 str '-----BEGIN TRUSTED CERTIFICATE-----"));
    assert!(has("fmt 3 ValueError|None|-|-|-|-|Unsupported format"));
}

#[test]
fn a_server_without_the_optional_client_certificate_gets_an_empty_list() {
    // CPython 3.13's C layer answers `[None]` here (ssl.py then fails on it); pyssl's `[]`.
    let python = common::py313(
        r#"
import socket, ssl, sys, threading
F = lambda n: sys.argv[1] + '/' + n
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(F('server.pem'), F('server.key'))
sctx.verify_mode = ssl.CERT_OPTIONAL
sctx.load_verify_locations(F('ca.pem'))
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
def serve():
    with sctx.wrap_socket(l.accept()[0], server_side=True) as s:
        print(s._sslobj.get_verified_chain(), s._sslobj.get_unverified_chain())
        try:
            s.get_unverified_chain()
        except AttributeError as e:
            print('AttributeError', e)
        s.recv(1)
t = threading.Thread(target=serve); t.start()
c = ssl.create_default_context(cafile=F('ca.pem')).wrap_socket(socket.socket(), server_hostname='localhost')
c.connect(l.getsockname()); c.send(b'x'); t.join(); c.close()
"#,
        &[&common::fixture_str("")],
    );
    assert_eq!(
        python,
        "None [None]\nAttributeError 'NoneType' object has no attribute 'public_bytes'\n"
    );

    let (port, listener) = common::tls_listener(1);
    listener
        .context()
        .set_verify_mode(ssl::CERT_OPTIONAL)
        .unwrap();
    listener
        .context()
        .load_verify_locations(common::fixture_str("ca.pem").as_str())
        .unwrap();
    let server = std::thread::spawn(move || -> Result<_, Error> {
        let (mut s, _) = listener.accept()?;
        let o = s._sslobj().expect("handshaken");
        let chains = (o.get_verified_chain(), o.get_unverified_chain());
        let der = s.get_unverified_chain();
        s.recv(1)?;
        Ok((chains, der))
    });
    let mut c = common::client_context()
        .wrap_socket(
            socket::socket(socket::AF_INET, socket::SOCK_STREAM).unwrap(),
            ssl::WrapSocket {
                server_hostname: Some("localhost"),
                ..Default::default()
            },
        )
        .unwrap();
    c.connect(("127.0.0.1", port)).unwrap();
    c.send(b"x").unwrap();
    let ((verified, unverified), der) = server.join().unwrap().unwrap();
    assert_eq!(verified, None);
    assert_eq!(unverified, Some(vec![]));
    assert!(der.is_empty());
}
