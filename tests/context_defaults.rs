//! Every readable property of a new context equals CPython 3.13's, for each protocol and for
//! `create_default_context(SERVER_AUTH / CLIENT_AUTH)`.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

/// One line per context: the same fields, rendered the same way, in Rust and in Python.
fn describe(ctx: &ssl::SSLContext) -> String {
    [
        ctx.protocol().py_repr(),
        ctx.options().py_repr(),
        ctx.options().value().to_string(),
        ctx.verify_mode().py_repr(),
        ctx.verify_flags().py_repr(),
        ctx.check_hostname().py_repr(),
        ctx.minimum_version().py_repr(),
        ctx.maximum_version().py_repr(),
        ctx.security_level().to_string(),
        ctx.post_handshake_auth().py_repr(),
        ctx.hostname_checks_common_name().py_repr(),
        ctx.get_ciphers().py_repr(),
    ]
    .join("\n")
}

const PY_DESCRIBE: &str = r#"
import ssl, sys, warnings
warnings.simplefilter("ignore")
def describe(ctx):
    return "\n".join([repr(ctx.protocol), repr(ctx.options), str(int(ctx.options)),
        repr(ctx.verify_mode), repr(ctx.verify_flags), repr(ctx.check_hostname),
        repr(ctx.minimum_version), repr(ctx.maximum_version), str(ctx.security_level),
        repr(ctx.post_handshake_auth), repr(ctx.hostname_checks_common_name),
        repr(ctx.get_ciphers())])
contexts = [ssl.SSLContext(p) for p in (ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLS_CLIENT,
    ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLSv1, ssl.PROTOCOL_TLSv1_1, ssl.PROTOCOL_TLSv1_2)]
contexts.append(ssl.create_default_context())
contexts.append(ssl.create_default_context(ssl.Purpose.CLIENT_AUTH))
print("\n=====\n".join(describe(c) for c in contexts))
"#;

#[test]
#[allow(deprecated)]
fn new_contexts_match_cpython_313() {
    let ours: Vec<String> = [
        ssl::PROTOCOL_TLS,
        ssl::PROTOCOL_TLS_CLIENT,
        ssl::PROTOCOL_TLS_SERVER,
        ssl::PROTOCOL_TLSv1,
        ssl::PROTOCOL_TLSv1_1,
        ssl::PROTOCOL_TLSv1_2,
    ]
    .into_iter()
    .map(|p| describe(&ssl::SSLContext::new(p).unwrap()))
    .chain([
        describe(&ssl::create_default_context().unwrap()),
        describe(
            &ssl::create_default_context_with(ssl::CreateDefaultContext {
                purpose: ssl::Purpose::CLIENT_AUTH,
                ..Default::default()
            })
            .unwrap(),
        ),
    ])
    .collect();
    let theirs = common::py313(PY_DESCRIBE, &[]);
    let theirs: Vec<&str> = theirs.trim_end().split("\n=====\n").collect();
    assert_eq!(ours.len(), theirs.len());
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        for (line, (ol, tl)) in o.lines().zip(t.lines()).enumerate() {
            assert_eq!(ol, tl, "context #{i}, property #{line}");
        }
        assert_eq!(o.lines().count(), t.lines().count(), "context #{i}");
    }
}

#[test]
fn setters_follow_python_rules() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let err = ctx.set_verify_mode(ssl::CERT_NONE).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cannot set verify_mode to CERT_NONE when check_hostname is enabled."
    );
    assert_eq!(err.type_name(), "ValueError");
    ctx.set_check_hostname(false);
    ctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    assert_eq!(ctx.verify_mode(), ssl::CERT_NONE);
    // check_hostname on a CERT_NONE context upgrades it to CERT_REQUIRED, never the reverse.
    ctx.set_check_hostname(true);
    assert_eq!(ctx.verify_mode(), ssl::CERT_REQUIRED);

    // The seed article's `set_options` adds bits; `clear_options` removes them.
    let before = ctx.options().value();
    ctx.set_options(ssl::OP_NO_TICKET);
    assert_eq!(ctx.options().value(), before | 0x4000);
    ctx.clear_options(ssl::OP_NO_TICKET);
    assert_eq!(ctx.options().value(), before);

    ctx.set_minimum_version(ssl::TLSVersion::MAXIMUM_SUPPORTED)
        .unwrap();
    assert_eq!(ctx.minimum_version(), ssl::TLSVersion::TLSv1_3);
    ctx.set_maximum_version(ssl::TLSVersion::MINIMUM_SUPPORTED)
        .unwrap();
    assert_eq!(ctx.maximum_version(), ssl::TLSVersion::TLSv1);

    #[allow(deprecated)]
    let pinned = ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2).unwrap();
    assert_eq!(
        pinned
            .set_minimum_version(ssl::TLSVersion::TLSv1_2)
            .unwrap_err()
            .to_string(),
        "The context's protocol doesn't support modification of highest and lowest version."
    );
}

#[test]
fn cipher_strings_select_what_cpython_selects() {
    let code = r#"
import ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for s in sys.argv[1:]:
    try:
        ctx.set_ciphers(s); print(repr(ctx.get_ciphers()))
    except ssl.SSLError as e:
        print(type(e).__name__, str(e), repr(ctx.get_ciphers()))
"#;
    let strings = [
        "HIGH:!RC4:!MD5:!3DES",
        "XXX",
        "ECDHE+AESGCM",
        "",
        "AES128-SHA",
        "TLS_AES_128_GCM_SHA256",
    ];
    let theirs = common::py313(code, &strings);
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let ours: Vec<String> = strings
        .iter()
        .map(|s| match ctx.set_ciphers(s) {
            Ok(()) => ctx.get_ciphers().py_repr(),
            Err(e) => format!("{} {} {}", e.type_name(), e, ctx.get_ciphers().py_repr()),
        })
        .collect();
    for (o, t) in ours.iter().zip(theirs.lines()) {
        assert_eq!(o, t);
    }
    assert_eq!(ours.len(), theirs.lines().count());
}
