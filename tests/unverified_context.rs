//! `ssl._create_unverified_context` (and its other name `_create_stdlib_context`), keyword by
//! keyword against CPython 3.13 (3.11's function is the same): the context it makes, or the
//! exception.

mod common;

use common::{describe_error, fixture_str, py313, PY_DESCRIBE_ERROR};
use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

fn describe(r: pyssl::Result<ssl::SSLContext>) -> String {
    match r {
        Ok(ctx) => format!(
            "{}|{}|{}|{}",
            ctx.protocol().py_repr(),
            ctx.verify_mode().py_repr(),
            ctx.check_hostname().py_repr(),
            ctx.cert_store_stats()
        ),
        Err(e) => describe_error(&e),
    }
}

#[test]
fn each_keyword_makes_the_context_cpython_makes() {
    let (ca, cert, key) = (
        fixture_str("ca.pem"),
        fixture_str("server.pem"),
        fixture_str("server.key"),
    );
    let kw = ssl::CreateUnverifiedContext::default;
    let ours = [
        describe(ssl::_create_unverified_context()),
        describe(ssl::_create_stdlib_context()),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                purpose: ssl::Purpose::CLIENT_AUTH,
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                cert_reqs: Some(ssl::CERT_REQUIRED),
                cafile: Some(&ca),
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                cert_reqs: None,
                cadata: Some(ssl::Cadata::Pem(&std::fs::read_to_string(&ca).unwrap())),
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                check_hostname: true,
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                check_hostname: true,
                cert_reqs: Some(ssl::CERT_REQUIRED),
                cafile: Some(&ca),
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                keyfile: Some(&key),
                ..kw()
            },
        )),
        describe(ssl::_create_stdlib_context_with(
            ssl::CreateUnverifiedContext {
                protocol: Some(ssl::PROTOCOL_TLS_SERVER),
                certfile: Some(&cert),
                keyfile: Some(&key),
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                purpose: ssl::Purpose::CLIENT_AUTH,
                certfile: Some(&cert),
                keyfile: Some(&ca),
                ..kw()
            },
        )),
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                certfile: Some(""),
                cafile: Some(""),
                ..kw()
            },
        )),
        // No CA given and verification on: the system's default store, as CPython loads it.
        describe(ssl::_create_unverified_context_with(
            ssl::CreateUnverifiedContext {
                cert_reqs: Some(ssl::CERT_OPTIONAL),
                ..kw()
            },
        )),
    ];
    let theirs = py313(
        &format!(
            "{PY_DESCRIBE_ERROR}{}",
            r#"
import sys
ca, cert, key = sys.argv[1:4]
def describe(f):
    try:
        c = f()
        return '%r|%r|%r|%s' % (c.protocol, c.verify_mode, c.check_hostname, c.cert_store_stats())
    except Exception as e:
        return describe_error(e)
cases = [
    lambda: ssl._create_unverified_context(),
    lambda: ssl._create_stdlib_context(),
    lambda: ssl._create_unverified_context(purpose=ssl.Purpose.CLIENT_AUTH),
    lambda: ssl._create_unverified_context(cert_reqs=ssl.CERT_REQUIRED, cafile=ca),
    lambda: ssl._create_unverified_context(cert_reqs=None, cadata=open(ca).read()),
    lambda: ssl._create_unverified_context(check_hostname=True),
    lambda: ssl._create_unverified_context(check_hostname=True, cert_reqs=ssl.CERT_REQUIRED, cafile=ca),
    lambda: ssl._create_unverified_context(keyfile=key),
    lambda: ssl._create_stdlib_context(ssl.PROTOCOL_TLS_SERVER, certfile=cert, keyfile=key),
    lambda: ssl._create_unverified_context(purpose=ssl.Purpose.CLIENT_AUTH, certfile=cert, keyfile=ca),
    lambda: ssl._create_unverified_context(certfile='', cafile=''),
    lambda: ssl._create_unverified_context(cert_reqs=ssl.CERT_OPTIONAL),
]
for f in cases:
    print(describe(f))
"#
        ),
        &[&ca, &cert, &key],
    );
    let theirs: Vec<String> = theirs.lines().map(common::oracle_as_linked).collect();
    assert_eq!(ours.to_vec(), theirs);
    // In plain words: the default verifies nothing; check_hostname with CERT_NONE is refused.
    assert_eq!(
        ours[0],
        "<_SSLMethod.PROTOCOL_TLS_CLIENT: 16>|<VerifyMode.CERT_NONE: 0>|False|{'x509': 0, 'crl': 0, 'x509_ca': 0}"
    );
    assert!(ours[5].starts_with("ValueError|"), "{}", ours[5]);
    assert!(
        ours[7].ends_with("|certfile must be specified"),
        "{}",
        ours[7]
    );
}
