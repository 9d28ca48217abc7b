//! `UnicodeEncodeError` and `UnicodeDecodeError`, compared with CPython 3.13: the class, `str(e)`,
//! `repr(e)` and the attributes, for errors built directly (including positions outside the
//! object, which CPython prints as given) and for those the API raises.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::{socket, ssl, Error, UnicodeDecodeError, UnicodeEncodeError};

/// `type|str(e)|repr(e)|isinstance(e, ValueError)|isinstance(e, UnicodeError)`, ASCII-escaped.
fn describe(e: &Error) -> String {
    common::py_ascii(&format!(
        "{}|{e}|{}|{}|{}",
        e.type_name(),
        e.py_repr(),
        e.is_value_error().py_repr(),
        e.is_unicode_error().py_repr()
    ))
}

const PY_DESCRIBE: &str = r#"
def describe(e):
    return ascii(f'{type(e).__name__}|{e}|{e!r}|{isinstance(e, ValueError)}|{isinstance(e, UnicodeError)}')
"#;

#[test]
fn built_errors_print_as_cpythons() {
    let encode = [
        ("idna", "ab", 5, 6, "r"),
        ("idna", "ab", 1, 2, "label empty"),
        ("idna", "ab", 1, 1, "r"),
        ("idna", "", 0, 1, "label empty"),
        ("ascii", "pythön", 4, 5, "ordinal not in range(128)"),
        ("idna", "a\u{1f600}", 1, 2, "q"),
        ("idna", "a\u{3000}", 1, 2, "Invalid character '\u{3000}'"),
        ("idna", "it's", 0, 4, "quote\"s"),
    ];
    let decode: [(&str, &[u8], usize, usize, &str); 4] = [
        ("utf-8", b"\xff", 0, 1, "invalid start byte"),
        ("utf-8", b"ab", 1, 3, "r"),
        ("utf-8", b"a'\"\\\n", 1, 2, "r"),
        ("ascii", b"", 0, 0, "r"),
    ];
    let mut ours: Vec<String> = encode
        .iter()
        .map(|&(enc, obj, s, e, r)| describe(&UnicodeEncodeError::new(enc, obj, s, e, r).into()))
        .collect();
    ours.extend(
        decode.iter().map(|&(enc, obj, s, e, r)| {
            describe(&UnicodeDecodeError::new(enc, obj, s, e, r).into())
        }),
    );
    ours.push(describe(&Error::UnicodeError(
        "Unsupported error handling: x".into(),
    )));
    let code = format!(
        "{PY_DESCRIBE}{}",
        r#"
for a in [('idna', 'ab', 5, 6, 'r'), ('idna', 'ab', 1, 2, 'label empty'), ('idna', 'ab', 1, 1, 'r'),
          ('idna', '', 0, 1, 'label empty'), ('ascii', 'pythön', 4, 5, 'ordinal not in range(128)'),
          ('idna', 'a\U0001f600', 1, 2, 'q'), ('idna', 'a\u3000', 1, 2, "Invalid character '\u3000'"),
          ('idna', "it's", 0, 4, 'quote"s')]:
    print(describe(UnicodeEncodeError(*a)))
for a in [('utf-8', b'\xff', 0, 1, 'invalid start byte'), ('utf-8', b'ab', 1, 3, 'r'),
          ('utf-8', b'a\'"\\\n', 1, 2, 'r'), ('ascii', b'', 0, 0, 'r')]:
    print(describe(UnicodeDecodeError(*a)))
print(describe(UnicodeError('Unsupported error handling: x')))
"#
    );
    let theirs = common::py313(&code, &[]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

#[test]
fn api_errors_have_cpythons_class_and_attributes() {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let pem = format!("{}äö{}", ssl::PEM_HEADER, ssl::PEM_FOOTER);
    let errors = [
        ssl::PEM_cert_to_DER_cert(&pem).unwrap_err(),
        ctx.set_alpn_protocols(&["a", "äöx"]).unwrap_err(),
        socket::getaddrinfo("ä..b", 80, Default::default()).unwrap_err(),
        socket::getaddrinfo("a..b", 80, Default::default()).unwrap_err(),
        socket::socket(socket::AF_INET, socket::SOCK_STREAM)
            .unwrap()
            .bind(("ä..b", 0))
            .unwrap_err(),
    ];
    let ours: Vec<String> = errors.iter().map(describe).collect();
    let code = format!(
        "{PY_DESCRIBE}{}",
        r#"
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for f in (lambda: ssl.PEM_cert_to_DER_cert(ssl.PEM_HEADER + 'äö' + ssl.PEM_FOOTER),
          lambda: ctx.set_alpn_protocols(['a', 'äöx']),
          lambda: socket.getaddrinfo('ä..b', 80),
          lambda: socket.getaddrinfo('a..b', 80),
          lambda: socket.socket().bind(('ä..b', 0))):
    try:
        f()
    except Exception as e:
        print(describe(e))
"#
    );
    let theirs = common::py313(&code, &[]);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    match &errors[2] {
        Error::UnicodeEncodeError(e) => {
            assert_eq!((e.encoding.as_str(), e.object.as_str()), ("idna", "ä..b"));
            assert_eq!((e.start, e.end, e.reason.as_str()), (2, 3, "label empty"));
        }
        other => panic!("{other:?}"),
    }
}
