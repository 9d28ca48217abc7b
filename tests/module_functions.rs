//! The smaller module functions and context setters: `_ASN1Object` lookups, `RAND_*`,
//! `set_ecdh_curve`, `load_dh_params`, each compared with CPython 3.13.

mod common;

use std::process::Command;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

fn show(r: pyssl::Result<ssl::_ASN1Object>) -> String {
    match r {
        Ok(o) => o.py_repr(),
        Err(e) => format!("{} {e}", e.type_name()),
    }
}

#[test]
fn asn1_objects_match_cpython() {
    let ours = [
        show(ssl::_ASN1Object::new("1.3.6.1.5.5.7.3.1")),
        show(ssl::_ASN1Object::fromnid(129)),
        show(ssl::_ASN1Object::fromname("serverAuth")),
        show(ssl::_ASN1Object::fromname("TLS Web Server Authentication")),
        show(ssl::_ASN1Object::new("serverAuth")),
        show(ssl::_ASN1Object::new("1.2.3.4.5.6.7")),
        show(ssl::_ASN1Object::fromnid(-1)),
        show(ssl::_ASN1Object::fromnid(100000)),
        show(ssl::_ASN1Object::fromname("serverauth")),
        show(ssl::_ASN1Object::fromnid(1)),
        show(ssl::_ASN1Object::fromname("1.3.6.1.5.5.7.3.2")),
    ];
    let code = r#"
import ssl
for f in (lambda: ssl._ASN1Object('1.3.6.1.5.5.7.3.1'), lambda: ssl._ASN1Object.fromnid(129),
          lambda: ssl._ASN1Object.fromname('serverAuth'),
          lambda: ssl._ASN1Object.fromname('TLS Web Server Authentication'),
          lambda: ssl._ASN1Object('serverAuth'), lambda: ssl._ASN1Object('1.2.3.4.5.6.7'),
          lambda: ssl._ASN1Object.fromnid(-1), lambda: ssl._ASN1Object.fromnid(100000),
          lambda: ssl._ASN1Object.fromname('serverauth'), lambda: ssl._ASN1Object.fromnid(1),
          lambda: ssl._ASN1Object.fromname('1.3.6.1.5.5.7.3.2')):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__, e)
"#;
    assert_eq!(
        ours.to_vec(),
        common::py313(code, &[]).lines().collect::<Vec<_>>()
    );
    assert_eq!(
        ssl::_ASN1Object::fromnid(129).unwrap(),
        ssl::Purpose::SERVER_AUTH.value()
    );
}

#[test]
fn rand_functions() {
    assert_eq!(
        ssl::RAND_bytes(-1).unwrap_err().to_string(),
        "num must be positive"
    );
    let a = ssl::RAND_bytes(32).unwrap();
    let b = ssl::RAND_bytes(32).unwrap();
    assert_eq!((a.len(), b.len()), (32, 32));
    assert_ne!(a, b);
    assert_eq!(ssl::RAND_bytes(0).unwrap(), b"");
    assert!(ssl::RAND_status());
    ssl::RAND_add(b"some entropy", 2.0);
}

#[test]
fn ecdh_curve_and_dh_params_match_cpython() {
    let dir = std::env::temp_dir().join(format!("pyssl-dh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dh = dir.join("dh.pem");
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "group:ffdhe2048",
            "-out",
        ])
        .arg(&dh)
        .status()
        .unwrap();
    assert!(status.success());
    let missing = dir.join("missing.pem");
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
    let describe =
        |r: pyssl::Result<()>| r.map_or_else(|e| common::describe_error(&e), |_| "ok".into());
    let ours = [
        describe(ctx.set_ecdh_curve("prime256v1")),
        describe(ctx.set_ecdh_curve("secp384r1")),
        describe(ctx.set_ecdh_curve("foo")),
        describe(ctx.load_dh_params(&dh)),
        // A `str`, as the Python side passes (a `PathBuf` would be a `pathlib.Path`, printed
        // `PosixPath('...')` in the error, as tests/path_arguments.rs checks).
        describe(ctx.load_dh_params(missing.to_str().unwrap())),
        describe(ctx.load_dh_params(common::fixture("server.pem"))),
    ];
    let code = format!(
        "{}{}",
        common::PY_DESCRIBE_ERROR,
        r#"
import ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
for f in (lambda: ctx.set_ecdh_curve('prime256v1'), lambda: ctx.set_ecdh_curve('secp384r1'),
          lambda: ctx.set_ecdh_curve('foo'), lambda: ctx.load_dh_params(sys.argv[1]),
          lambda: ctx.load_dh_params(sys.argv[2]), lambda: ctx.load_dh_params(sys.argv[3])):
    try:
        f(); print('ok')
    except Exception as e:
        print(describe_error(e))
"#
    );
    let theirs = common::py313(
        &code,
        &[
            dh.to_str().unwrap(),
            missing.to_str().unwrap(),
            &common::fixture_str("server.pem"),
        ],
    );
    assert_eq!(ours.to_vec(), theirs.lines().collect::<Vec<_>>());
    std::fs::remove_dir_all(&dir).unwrap();
}
