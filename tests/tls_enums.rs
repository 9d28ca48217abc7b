//! ssl.py's private enums of `_msg_callback`, `_TLSContentType`, `_TLSAlertType` and
//! `_TLSMessageType`, against CPython 3.13: every member's name, value, `repr()` and `str()`,
//! and `Enum(value)` for every value from -300 to 300 and the pseudo types (a member, or
//! CPython's `ValueError`); then the `msg_type` choice ssl.py makes for the callback.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::ssl::{self, EnumOrInt, IntEnum, MsgType};

/// Values looked up in every enum: all of -300..=300 and the pseudo types above 255.
fn probe_values() -> Vec<i32> {
    (-300..=300).chain([0x100, 0x101, 0x102, 0xffff]).collect()
}

fn probe_args() -> Vec<String> {
    probe_values().iter().map(i32::to_string).collect()
}

const PY_ENUMS: &str = r#"
import ssl, sys
values = [int(v) for v in sys.argv[1:]]
for E in (ssl._TLSContentType, ssl._TLSAlertType, ssl._TLSMessageType):
    for m in E:
        print('member', E.__name__, m.name, int(m), repr(m), str(m), sep='|')
    for v in values:
        try:
            print('lookup', E.__name__, v, repr(E(v)), sep='|')
        except ValueError as e:
            print('lookup', E.__name__, v, type(e).__name__ + ': ' + str(e), sep='|')
"#;

fn rust_lines<E>() -> Vec<String>
where
    E: IntEnum + PyRepr + std::fmt::Display + TryFrom<i32, Error = pyssl::Error>,
{
    let class = E::CLASS_NAME;
    let mut lines: Vec<String> = E::members()
        .iter()
        .map(|m| {
            format!(
                "member|{class}|{}|{}|{}|{m}",
                m.name(),
                m.value(),
                m.py_repr()
            )
        })
        .collect();
    for v in probe_values() {
        let outcome = match E::try_from(v) {
            Ok(m) => m.py_repr(),
            Err(e) => format!("{}: {e}", e.type_name()),
        };
        lines.push(format!("lookup|{class}|{v}|{outcome}"));
    }
    lines
}

#[test]
fn every_member_and_every_lookup_matches_cpython() {
    let args = probe_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let python = common::py313(PY_ENUMS, &args);
    let mut rust = rust_lines::<ssl::_TLSContentType>();
    rust.extend(rust_lines::<ssl::_TLSAlertType>());
    rust.extend(rust_lines::<ssl::_TLSMessageType>());
    let python: Vec<&str> = python.lines().collect();
    assert_eq!(rust.len(), python.len(), "{python:#?}");
    for (ours, theirs) in rust.iter().zip(&python) {
        assert_eq!(ours, theirs);
    }
    // The members CPython has: 6, 34 and 22 (a lost or extra member fails above too).
    let count = |kind: &str| python.iter().filter(|l| l.starts_with(kind)).count();
    assert_eq!(count("member|"), 6 + 34 + 22);
}

/// ssl.py's `_msg_callback` wrapper, fed every (content type, message type) pair: what it
/// passes on as `content_type` and `msg_type` (their `repr()`).
const PY_MSG_TYPES: &str = r#"
import ssl, sys
seen = []
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx._msg_callback = lambda conn, direction, version, content_type, msg_type, data: \
    seen.append(f'{version!r}|{content_type!r}|{msg_type!r}')
inner = ssl._ssl._SSLContext._msg_callback.__get__(ctx)
for arg in sys.argv[1:]:
    version, content_type, msg_type = map(int, arg.split(','))
    inner(None, 'read', version, content_type, msg_type, b'')
print('\n'.join(seen))
"#;

#[test]
fn msg_callback_values_convert_as_ssl_py_converts_them() {
    let content_types = [20, 21, 22, 23, 24, 0x100, 0x101, -1, 0];
    let msg_types = [
        -2, -1, 0, 1, 20, 21, 22, 23, 40, 116, 200, 254, 0x100, 0x101,
    ];
    let versions = [0x303, 0x304, 0x300, 0x100, -1];
    let mut args = Vec::new();
    let mut rust = Vec::new();
    for (i, &content_type) in content_types.iter().enumerate() {
        for &msg_type in &msg_types {
            let version = versions[i % versions.len()];
            args.push(format!("{version},{content_type},{msg_type}"));
            rust.push(format!(
                "{}|{}|{}",
                EnumOrInt::<ssl::TLSVersion>::from(version).py_repr(),
                EnumOrInt::<ssl::_TLSContentType>::from(content_type).py_repr(),
                MsgType::new(content_type, msg_type).py_repr()
            ));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let python = common::py313(PY_MSG_TYPES, &args);
    let python: Vec<&str> = python.lines().collect();
    assert_eq!(rust.len(), python.len(), "{python:#?}");
    for (ours, theirs) in rust.iter().zip(&python) {
        assert_eq!(ours, theirs);
    }
}
