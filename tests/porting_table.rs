//! `docs/porting.md` stays honest.
//!
//! * Complete: every public name `dir(ssl)` lists in CPython 3.11 and in CPython 3.13 (plus the
//!   private names the page documents, and the public members of the classes a port uses) has a
//!   row in the `ssl` tables.
//! * Real: every row names something CPython has (`ssl` rows in `ssl`, `socket` rows in `socket`),
//!   unless it is a pyssl `extension` or explains why it is `not applicable`.
//! * Compiled: every `works` and `extension` row is backed by a Rust path below, so a row that
//!   claims an item pyssl lacks fails to compile, and the sets of rows and of checked paths must
//!   be equal, so a new `works` row needs its check here and a new check needs its row. For
//!   module-level names the page's "Rust spelling" cell must also show the checked path.
//!
//! The CPython oracles are `python3` (3.11, which still has the names 3.12 removed) and
//! CPython 3.13 (`tests/common`).

mod common;

use std::collections::BTreeSet;

use common::{py313, python311, run_python};
// `ssl`/`socket` are the paths the checks below name.
#[allow(unused_imports)]
use pyssl::{socket, ssl};

const DOC: &str = include_str!("../docs/porting.md");

/// Underscored names of `ssl` the page documents; CPython must still have each, and the page must
/// keep a row for each.
const DOCUMENTED_PRIVATE: &[&str] = &[
    "_ASN1Object",
    "_SSLMethod",
    "_DEFAULT_CIPHERS",
    "_OPENSSL_API_VERSION",
    "_create_unverified_context",
    "_create_stdlib_context",
    "_create_default_https_context",
    "_GLOBAL_DEFAULT_TIMEOUT",
    "_dnsname_match",
    "_inet_paton",
    "_ipaddress_match",
    "_TLSContentType",
    "_TLSAlertType",
    "_TLSMessageType",
];

/// C-level names the page documents (`_ssl.X`, `_ssl.X.y`) and the private attributes it documents
/// on objects (`SSLSocket._sslobj`): none is in `dir(ssl)`, so CPython 3.13 is asked for each.
const DOCUMENTED_C_LEVEL: &[&str] = &[
    "_ssl._test_decode_cert",
    "_ssl.Certificate",
    "_ssl.Certificate.public_bytes",
    "_ssl.Certificate.get_info",
    "_ssl.ENCODING_PEM",
    "_ssl.ENCODING_DER",
    "_ssl._SSLSocket.get_verified_chain",
    "_ssl._SSLSocket.get_unverified_chain",
    "SSLSocket._sslobj",
    "SSLObject._sslobj",
];

/// Prints `name True` for each argument CPython 3.13 has (`_ssl` attributes, or attributes of an
/// unconnected `SSLSocket` and a fresh `SSLObject`), `name False` otherwise.
const C_LEVEL_ORACLE: &str = r#"
import socket, ssl, sys, _ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
roots = {'_ssl': _ssl, 'SSLSocket': ctx.wrap_socket(socket.socket(), server_hostname='x'),
         'SSLObject': ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname='x')}
for name in sys.argv[1:]:
    head, *path = name.split('.')
    obj, found = roots[head], True
    for attr in path:
        found = found and hasattr(obj, attr)
        obj = getattr(obj, attr, None)
    print(name, found)
"#;
/// Underscored members the page documents; the oracle lists each CPython still has, so a row
/// for one that disappeared fails as a name CPython lacks.
const DOCUMENTED_PRIVATE_MEMBERS: &[&str] = &["SSLContext._msg_callback"];

/// Attributes CPython sets only on exceptions raised by a failed handshake, which the oracle
/// script cannot produce without a peer.
const HANDSHAKE_ONLY_ATTRIBUTES: &[&str] = &[
    "SSLCertVerificationError.verify_code",
    "SSLCertVerificationError.verify_message",
];

/// Lists, one per line: `M name` for `dir(ssl)`, `C Class.member` for the public members of the
/// classes a port uses (without what they inherit from `int`, `tuple` or `_ASN1Object`, and with
/// the instance attributes of an `SSLSocket` and of a library-raised `SSLError`), `S name` for
/// `dir(socket)` and `T socket.member` for `dir(socket.socket)`.
const ORACLE: &str = r#"
import socket, ssl, sys
def public(cls, *bases):
    inherited = set()
    for base in bases:
        inherited |= set(dir(base))
    return [n for n in dir(cls) if not n.startswith('_') and n not in inherited]
for n in dir(ssl):
    print('M', n)
classes = {
    'SSLContext': (ssl.SSLContext,), 'SSLSocket': (ssl.SSLSocket,),
    'SSLObject': (ssl.SSLObject,), 'MemoryBIO': (ssl.MemoryBIO,),
    'SSLSession': (ssl.SSLSession,), 'DefaultVerifyPaths': (ssl.DefaultVerifyPaths, tuple),
    '_ASN1Object': (ssl._ASN1Object, tuple), 'Purpose': (ssl.Purpose, ssl._ASN1Object),
    'TLSVersion': (ssl.TLSVersion, int),
}
for name, (cls, *bases) in classes.items():
    for n in public(cls, *bases):
        print('C', name + '.' + n)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
with ctx.wrap_socket(socket.socket(), server_hostname='localhost') as ssock:
    for n in vars(ssock):
        if not n.startswith('_'):
            print('C', 'SSLSocket.' + n)
try:
    ctx.load_cert_chain(ssl.__file__)
except ssl.SSLError as e:
    for n in [*vars(e), 'errno', 'strerror']:
        if hasattr(e, n):
            print('C', 'SSLError.' + n)
for n in sys.argv[1:]:
    cls, _, attr = n.partition('.')
    if hasattr(getattr(ssl, cls), attr):
        print('C', n)
for n in dir(socket):
    print('S', n)
for n in dir(socket.socket):
    print('T', 'socket.' + n)
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Ssl,
    Socket,
    Asyncio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Works,
    Extension,
    NotYet,
    NotApplicable,
}

#[derive(Debug)]
struct Row {
    section: Section,
    /// The first backticked name of the first column: `create_default_context`,
    /// `SSLContext.wrap_socket`, `socket.settimeout`.
    name: String,
    /// The "Rust spelling" cell.
    rust: String,
    status: Status,
    line: usize,
}

impl Row {
    fn module_level(&self) -> bool {
        !self.name.contains('.')
    }
}

/// The cells of a table line, split at `|` not escaped as `\|`.
fn cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().unwrap().push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    // A row `| a | b |` splits into "", " a ", " b ", "".
    cells[1..cells.len() - 1]
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

/// The `code` spans of a cell, in order.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn first_code_span(cell: &str) -> Option<String> {
    code_spans(cell).into_iter().next()
}

/// Every row of the `ssl` and `socket` tables; panics on a malformed row.
fn rows() -> Vec<Row> {
    let mut section = None;
    let mut rows = Vec::new();
    for (i, line) in DOC.lines().enumerate() {
        let line_no = i + 1;
        if let Some(heading) = line.strip_prefix("## ") {
            section = match heading {
                "The `ssl` module" => Some(Section::Ssl),
                "The `socket` module" => Some(Section::Socket),
                "The `asyncio` module" => Some(Section::Asyncio),
                _ => None,
            };
            continue;
        }
        let Some(section) = section else { continue };
        if !line.starts_with('|') || line.starts_with("|---") || line.starts_with("| Python name") {
            continue;
        }
        assert!(
            line.matches('`').count() % 2 == 0,
            "line {line_no}: unbalanced backticks: {line}"
        );
        let cells = cells(line);
        assert_eq!(cells.len(), 4, "line {line_no}: a row has 4 cells: {line}");
        let name = first_code_span(&cells[0])
            .unwrap_or_else(|| panic!("line {line_no}: no `name` in the first cell: {line}"));
        let status_cell = &cells[3];
        let status = if status_cell.starts_with("works") {
            Status::Works
        } else if status_cell.starts_with("extension") {
            Status::Extension
        } else if let Some(rest) = status_cell.strip_prefix("not yet: ") {
            let issue =
                rest.starts_with("issue ") && rest[6..].starts_with(|c: char| c.is_ascii_digit());
            assert!(
                issue || rest.starts_with("no issue assigned"),
                "line {line_no}: `not yet` names its issue (`not yet: issue N`) or says `no issue assigned`: {line}"
            );
            Status::NotYet
        } else if let Some(reason) = status_cell.strip_prefix("not applicable: ") {
            assert!(
                reason.len() > 10,
                "line {line_no}: `not applicable` needs a reason: {line}"
            );
            Status::NotApplicable
        } else {
            panic!("line {line_no}: unknown status {status_cell:?}");
        };
        rows.push(Row {
            section,
            name,
            rust: cells[1].clone(),
            status,
            line: line_no,
        });
    }
    rows
}

/// The oracle's lists from one interpreter.
#[derive(Default)]
struct Oracle {
    ssl_module: BTreeSet<String>,
    ssl_members: BTreeSet<String>,
    socket_module: BTreeSet<String>,
    socket_members: BTreeSet<String>,
}

fn oracle(output: &str) -> Oracle {
    let mut o = Oracle::default();
    for line in output.lines() {
        let (kind, name) = line.split_once(' ').expect("oracle lines are `K name`");
        let set = match kind {
            "M" => &mut o.ssl_module,
            "C" => &mut o.ssl_members,
            "S" => &mut o.socket_module,
            "T" => &mut o.socket_members,
            _ => panic!("unexpected oracle line {line:?}"),
        };
        set.insert(name.to_string());
    }
    assert!(o.ssl_module.contains("create_default_context"), "{output}");
    assert!(o.ssl_members.contains("SSLContext.wrap_socket"), "{output}");
    assert!(
        o.ssl_members.contains("SSLSocket.server_hostname"),
        "{output}"
    );
    assert!(o.ssl_members.contains("SSLError.library"), "{output}");
    o
}

/// Module-level names: `"python name" => path::from::pyssl;` checked by importing the path (which
/// works for functions, generic or not, types, constants, statics and enum variants alike).
/// Returns each Python name with its path as written (`ssl::create_default_context`).
macro_rules! module_items {
    ($( $(#[$meta:meta])* $py:literal => $($seg:ident)::+ ;)*) => {{
        let mut items: Vec<(&'static str, String)> = Vec::new();
        $(
            $(#[$meta])*
            let () = {
                #[allow(unused_imports, deprecated)]
                use pyssl::$($seg)::+ as _;
                items.push(($py, stringify!($($seg)::+).replace(' ', "")));
            };
        )*
        items
    }};
}

/// Members: `"Class.member" => expression;` where the expression names the method (a path), or
/// uses the member in a closure that is type-checked but never run.
macro_rules! members {
    ($( $py:literal => $e:expr ;)*) => {{
        let mut names: Vec<&'static str> = Vec::new();
        $(
            let _ = $e;
            names.push($py);
        )*
        names
    }};
}

fn ssl_module_works() -> Vec<(&'static str, String)> {
    module_items! {
        "create_default_context" => ssl::create_default_context;
        "_create_unverified_context" => ssl::_create_unverified_context;
        "_create_stdlib_context" => ssl::_create_stdlib_context;
        "DER_cert_to_PEM_cert" => ssl::DER_cert_to_PEM_cert;
        "PEM_cert_to_DER_cert" => ssl::PEM_cert_to_DER_cert;
        "cert_time_to_seconds" => ssl::cert_time_to_seconds;
        "get_default_verify_paths" => ssl::get_default_verify_paths;
        "get_protocol_name" => ssl::get_protocol_name;
        "get_server_certificate" => ssl::get_server_certificate;
        "match_hostname" => ssl::match_hostname;
        "wrap_socket" => ssl::wrap_socket;
        "RAND_bytes" => ssl::RAND_bytes;
        "RAND_status" => ssl::RAND_status;
        "RAND_add" => ssl::RAND_add;
        "SSLContext" => ssl::SSLContext;
        "SSLSocket" => ssl::SSLSocket;
        "SSLObject" => ssl::SSLObject;
        "MemoryBIO" => ssl::MemoryBIO;
        "SSLSession" => ssl::SSLSession;
        "Purpose" => ssl::Purpose;
        "DefaultVerifyPaths" => ssl::DefaultVerifyPaths;
        "TLSVersion" => ssl::TLSVersion;
        "Options" => ssl::Options;
        "VerifyMode" => ssl::VerifyMode;
        "VerifyFlags" => ssl::VerifyFlags;
        "AlertDescription" => ssl::AlertDescription;
        "SSLErrorNumber" => ssl::SSLErrorNumber;
        "SSLError" => ssl::SSLError;
        "SSLZeroReturnError" => ssl::SSLZeroReturnError;
        "SSLWantReadError" => ssl::SSLWantReadError;
        "SSLWantWriteError" => ssl::SSLWantWriteError;
        "SSLSyscallError" => ssl::SSLSyscallError;
        "SSLEOFError" => ssl::SSLEOFError;
        "SSLCertVerificationError" => ssl::SSLCertVerificationError;
        "CertificateError" => ssl::CertificateError;
        "socket_error" => ssl::socket_error;
        "HAS_SNI" => ssl::HAS_SNI;
        "HAS_ALPN" => ssl::HAS_ALPN;
        "HAS_ECDH" => ssl::HAS_ECDH;
        "HAS_NEVER_CHECK_COMMON_NAME" => ssl::HAS_NEVER_CHECK_COMMON_NAME;
        "HAS_NPN" => ssl::HAS_NPN;
        "HAS_SSLv2" => ssl::HAS_SSLv2;
        "HAS_SSLv3" => ssl::HAS_SSLv3;
        "HAS_TLSv1" => ssl::HAS_TLSv1;
        "HAS_TLSv1_1" => ssl::HAS_TLSv1_1;
        "HAS_TLSv1_2" => ssl::HAS_TLSv1_2;
        "HAS_TLSv1_3" => ssl::HAS_TLSv1_3;
        "HAS_PSK" => ssl::HAS_PSK;
        "CHANNEL_BINDING_TYPES" => ssl::CHANNEL_BINDING_TYPES;
        "OPENSSL_VERSION" => ssl::OPENSSL_VERSION;
        "OPENSSL_VERSION_INFO" => ssl::OPENSSL_VERSION_INFO;
        "OPENSSL_VERSION_NUMBER" => ssl::OPENSSL_VERSION_NUMBER;
        "PEM_HEADER" => ssl::PEM_HEADER;
        "PEM_FOOTER" => ssl::PEM_FOOTER;
        "CERT_NONE" => ssl::CERT_NONE;
        "CERT_OPTIONAL" => ssl::CERT_OPTIONAL;
        "CERT_REQUIRED" => ssl::CERT_REQUIRED;
        "OP_ALL" => ssl::OP_ALL;
        "OP_CIPHER_SERVER_PREFERENCE" => ssl::OP_CIPHER_SERVER_PREFERENCE;
        "OP_ENABLE_MIDDLEBOX_COMPAT" => ssl::OP_ENABLE_MIDDLEBOX_COMPAT;
        #[cfg(ossl300)]
        "OP_IGNORE_UNEXPECTED_EOF" => ssl::OP_IGNORE_UNEXPECTED_EOF;
        "OP_NO_COMPRESSION" => ssl::OP_NO_COMPRESSION;
        "OP_NO_RENEGOTIATION" => ssl::OP_NO_RENEGOTIATION;
        "OP_NO_SSLv2" => ssl::OP_NO_SSLv2;
        "OP_NO_SSLv3" => ssl::OP_NO_SSLv3;
        "OP_NO_TICKET" => ssl::OP_NO_TICKET;
        "OP_NO_TLSv1" => ssl::OP_NO_TLSv1;
        "OP_NO_TLSv1_1" => ssl::OP_NO_TLSv1_1;
        "OP_NO_TLSv1_2" => ssl::OP_NO_TLSv1_2;
        "OP_NO_TLSv1_3" => ssl::OP_NO_TLSv1_3;
        "OP_SINGLE_DH_USE" => ssl::OP_SINGLE_DH_USE;
        "OP_SINGLE_ECDH_USE" => ssl::OP_SINGLE_ECDH_USE;
        "OP_LEGACY_SERVER_CONNECT" => ssl::OP_LEGACY_SERVER_CONNECT;
        #[cfg(ossl300)]
        "OP_ENABLE_KTLS" => ssl::OP_ENABLE_KTLS;
        "VERIFY_DEFAULT" => ssl::VERIFY_DEFAULT;
        "VERIFY_CRL_CHECK_LEAF" => ssl::VERIFY_CRL_CHECK_LEAF;
        "VERIFY_CRL_CHECK_CHAIN" => ssl::VERIFY_CRL_CHECK_CHAIN;
        "VERIFY_X509_STRICT" => ssl::VERIFY_X509_STRICT;
        "VERIFY_ALLOW_PROXY_CERTS" => ssl::VERIFY_ALLOW_PROXY_CERTS;
        "VERIFY_X509_TRUSTED_FIRST" => ssl::VERIFY_X509_TRUSTED_FIRST;
        "VERIFY_X509_PARTIAL_CHAIN" => ssl::VERIFY_X509_PARTIAL_CHAIN;
        "PROTOCOL_TLS_CLIENT" => ssl::PROTOCOL_TLS_CLIENT;
        "PROTOCOL_TLS_SERVER" => ssl::PROTOCOL_TLS_SERVER;
        "PROTOCOL_TLS" => ssl::PROTOCOL_TLS;
        "PROTOCOL_SSLv23" => ssl::PROTOCOL_SSLv23;
        "PROTOCOL_TLSv1" => ssl::PROTOCOL_TLSv1;
        "PROTOCOL_TLSv1_1" => ssl::PROTOCOL_TLSv1_1;
        "PROTOCOL_TLSv1_2" => ssl::PROTOCOL_TLSv1_2;
        "ALERT_DESCRIPTION_ACCESS_DENIED" => ssl::ALERT_DESCRIPTION_ACCESS_DENIED;
        "ALERT_DESCRIPTION_BAD_CERTIFICATE" => ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE;
        "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE" => ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE;
        "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE" => ssl::ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE;
        "ALERT_DESCRIPTION_BAD_RECORD_MAC" => ssl::ALERT_DESCRIPTION_BAD_RECORD_MAC;
        "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED" => ssl::ALERT_DESCRIPTION_CERTIFICATE_EXPIRED;
        "ALERT_DESCRIPTION_CERTIFICATE_REVOKED" => ssl::ALERT_DESCRIPTION_CERTIFICATE_REVOKED;
        "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN" => ssl::ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN;
        "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE" => ssl::ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE;
        "ALERT_DESCRIPTION_CLOSE_NOTIFY" => ssl::ALERT_DESCRIPTION_CLOSE_NOTIFY;
        "ALERT_DESCRIPTION_DECODE_ERROR" => ssl::ALERT_DESCRIPTION_DECODE_ERROR;
        "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE" => ssl::ALERT_DESCRIPTION_DECOMPRESSION_FAILURE;
        "ALERT_DESCRIPTION_DECRYPT_ERROR" => ssl::ALERT_DESCRIPTION_DECRYPT_ERROR;
        "ALERT_DESCRIPTION_HANDSHAKE_FAILURE" => ssl::ALERT_DESCRIPTION_HANDSHAKE_FAILURE;
        "ALERT_DESCRIPTION_ILLEGAL_PARAMETER" => ssl::ALERT_DESCRIPTION_ILLEGAL_PARAMETER;
        "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY" => ssl::ALERT_DESCRIPTION_INSUFFICIENT_SECURITY;
        "ALERT_DESCRIPTION_INTERNAL_ERROR" => ssl::ALERT_DESCRIPTION_INTERNAL_ERROR;
        "ALERT_DESCRIPTION_NO_RENEGOTIATION" => ssl::ALERT_DESCRIPTION_NO_RENEGOTIATION;
        "ALERT_DESCRIPTION_PROTOCOL_VERSION" => ssl::ALERT_DESCRIPTION_PROTOCOL_VERSION;
        "ALERT_DESCRIPTION_RECORD_OVERFLOW" => ssl::ALERT_DESCRIPTION_RECORD_OVERFLOW;
        "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE" => ssl::ALERT_DESCRIPTION_UNEXPECTED_MESSAGE;
        "ALERT_DESCRIPTION_UNKNOWN_CA" => ssl::ALERT_DESCRIPTION_UNKNOWN_CA;
        "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY" => ssl::ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY;
        "ALERT_DESCRIPTION_UNRECOGNIZED_NAME" => ssl::ALERT_DESCRIPTION_UNRECOGNIZED_NAME;
        "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE" => ssl::ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE;
        "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION" => ssl::ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION;
        "ALERT_DESCRIPTION_USER_CANCELLED" => ssl::ALERT_DESCRIPTION_USER_CANCELLED;
        "SSL_ERROR_EOF" => ssl::SSL_ERROR_EOF;
        "SSL_ERROR_INVALID_ERROR_CODE" => ssl::SSL_ERROR_INVALID_ERROR_CODE;
        "SSL_ERROR_SSL" => ssl::SSL_ERROR_SSL;
        "SSL_ERROR_SYSCALL" => ssl::SSL_ERROR_SYSCALL;
        "SSL_ERROR_WANT_CONNECT" => ssl::SSL_ERROR_WANT_CONNECT;
        "SSL_ERROR_WANT_READ" => ssl::SSL_ERROR_WANT_READ;
        "SSL_ERROR_WANT_WRITE" => ssl::SSL_ERROR_WANT_WRITE;
        "SSL_ERROR_WANT_X509_LOOKUP" => ssl::SSL_ERROR_WANT_X509_LOOKUP;
        "SSL_ERROR_ZERO_RETURN" => ssl::SSL_ERROR_ZERO_RETURN;
        "_ASN1Object" => ssl::_ASN1Object;
        "_SSLMethod" => ssl::SSLMethod;
        "_DEFAULT_CIPHERS" => ssl::_DEFAULT_CIPHERS;
        "_OPENSSL_API_VERSION" => ssl::_OPENSSL_API_VERSION;
        "_TLSContentType" => ssl::_TLSContentType;
        "_TLSAlertType" => ssl::_TLSAlertType;
        "_TLSMessageType" => ssl::_TLSMessageType;
    }
}

fn ssl_module_extensions() -> Vec<(&'static str, String)> {
    module_items! {
        "create_default_context_with" => ssl::create_default_context_with;
        "_decode_der_cert" => ssl::_decode_der_cert;
        "AnySocket" => ssl::AnySocket;
        "PeerCertDict" => ssl::PeerCertDict;
        "Subscript" => ssl::Subscript;
    }
}

// The NPN methods are `#[deprecated]`, as Python deprecates them.
#[allow(deprecated)]
fn ssl_members_works() -> Vec<&'static str> {
    members! {
        "SSLError.library" => |e: &ssl::SSLError| e.library;
        "SSLError.reason" => |e: &ssl::SSLError| e.reason;
        "SSLError.errno" => |e: &ssl::Error| (e.errno(), match e { ssl::Error::SSLError(s) => s.errno, _ => None });
        "SSLError.strerror" => (ssl::SSLError::strerror, ssl::Error::strerror);
        "SSLCertVerificationError.verify_code" => |e: &ssl::SSLError| e.verify_code;
        "SSLCertVerificationError.verify_message" => |e: ssl::SSLError| e.verify_message;
        "_ASN1Object.fromname" => ssl::_ASN1Object::fromname;
        "_ASN1Object.fromnid" => ssl::_ASN1Object::fromnid;
        "_ASN1Object.nid" => |o: &ssl::_ASN1Object| o.nid;
        "_ASN1Object.shortname" => |o: ssl::_ASN1Object| o.shortname;
        "_ASN1Object.longname" => |o: ssl::_ASN1Object| o.longname;
        "_ASN1Object.oid" => |o: ssl::_ASN1Object| o.oid;
        "_ssl._test_decode_cert" => |p: &str| ssl::_test_decode_cert(p);
        "_ssl.Certificate" => |a: &ssl::Certificate, b: &ssl::Certificate| (a == b, a.py_hash(), a.try_py_repr());
        "_ssl.Certificate.public_bytes" => |c: &ssl::Certificate| -> (pyssl::Result<String>, pyssl::Result<Vec<u8>>) {
            (c.public_bytes(ssl::ENCODING_PEM), c.public_bytes(ssl::ENCODING_DER))
        };
        "_ssl.Certificate.get_info" => ssl::Certificate::get_info;
        "_ssl.ENCODING_PEM" => ssl::ENCODING_PEM.value();
        "_ssl.ENCODING_DER" => ssl::ENCODING_DER.value();
        "_ssl._SSLSocket.get_verified_chain" => ssl::_SSLSocket::get_verified_chain;
        "_ssl._SSLSocket.get_unverified_chain" => ssl::_SSLSocket::get_unverified_chain;
        "SSLSocket._sslobj" => ssl::SSLSocket::_sslobj;
        "SSLObject._sslobj" => ssl::SSLObject::_sslobj;
        "Purpose.SERVER_AUTH" => ssl::Purpose::SERVER_AUTH.oid();
        "Purpose.CLIENT_AUTH" => ssl::Purpose::CLIENT_AUTH.oid();
        "TLSVersion.MINIMUM_SUPPORTED" => ssl::TLSVersion::MINIMUM_SUPPORTED;
        "TLSVersion.SSLv3" => ssl::TLSVersion::SSLv3;
        "TLSVersion.TLSv1" => ssl::TLSVersion::TLSv1;
        "TLSVersion.TLSv1_1" => ssl::TLSVersion::TLSv1_1;
        "TLSVersion.TLSv1_2" => ssl::TLSVersion::TLSv1_2;
        "TLSVersion.TLSv1_3" => ssl::TLSVersion::TLSv1_3;
        "TLSVersion.MAXIMUM_SUPPORTED" => ssl::TLSVersion::MAXIMUM_SUPPORTED;
        "DefaultVerifyPaths.cafile" => |p: ssl::DefaultVerifyPaths| p.cafile;
        "DefaultVerifyPaths.capath" => |p: ssl::DefaultVerifyPaths| p.capath;
        "DefaultVerifyPaths.openssl_cafile_env" => |p: ssl::DefaultVerifyPaths| p.openssl_cafile_env;
        "DefaultVerifyPaths.openssl_cafile" => |p: ssl::DefaultVerifyPaths| p.openssl_cafile;
        "DefaultVerifyPaths.openssl_capath_env" => |p: ssl::DefaultVerifyPaths| p.openssl_capath_env;
        "DefaultVerifyPaths.openssl_capath" => |p: ssl::DefaultVerifyPaths| p.openssl_capath;

        "SSLContext.check_hostname" => (ssl::SSLContext::check_hostname, ssl::SSLContext::set_check_hostname);
        "SSLContext.hostname_checks_common_name" => (ssl::SSLContext::hostname_checks_common_name, ssl::SSLContext::set_hostname_checks_common_name);
        "SSLContext.keylog_filename" => |c: &ssl::SSLContext| {
            let _ = c.keylog_filename();
            // Python: ctx.keylog_filename = 'k.log'; = b'k.log'; = pathlib.Path('k.log'); = None
            (c.set_keylog_filename("k.log"), c.set_keylog_filename(b"k.log"),
             c.set_keylog_filename(std::path::Path::new("k.log")), c.set_keylog_filename(None))
        };
        "SSLContext.maximum_version" => (ssl::SSLContext::maximum_version, ssl::SSLContext::set_maximum_version);
        "SSLContext.minimum_version" => (ssl::SSLContext::minimum_version, ssl::SSLContext::set_minimum_version);
        "SSLContext.num_tickets" => (ssl::SSLContext::num_tickets, ssl::SSLContext::set_num_tickets);
        "SSLContext.options" => (ssl::SSLContext::options, ssl::SSLContext::set_options, ssl::SSLContext::clear_options, ssl::SSLContext::assign_options);
        "SSLContext.post_handshake_auth" => (ssl::SSLContext::post_handshake_auth, ssl::SSLContext::set_post_handshake_auth);
        "SSLContext.protocol" => ssl::SSLContext::protocol;
        "SSLContext.security_level" => ssl::SSLContext::security_level;
        "SSLContext.sni_callback" => |c: &ssl::SSLContext| {
            let _ = c.sni_callback();
            // Python: ctx.sni_callback = lambda sock, name, ctx: None; ...; ctx.sni_callback = None
            (c.set_sni_callback(|_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| Ok(None)),
             c.set_sni_callback(None), c.set_sni_callback(c.sni_callback()))
        };
        "SSLContext.verify_flags" => (ssl::SSLContext::verify_flags, ssl::SSLContext::set_verify_flags, ssl::SSLContext::clear_verify_flags, ssl::SSLContext::assign_verify_flags);
        "SSLContext.verify_mode" => (ssl::SSLContext::verify_mode, ssl::SSLContext::set_verify_mode);
        "SSLContext._msg_callback" => |c: &ssl::SSLContext| {
            let _ = c._msg_callback();
            // Python: ctx._msg_callback = lambda *args: None; ...; ctx._msg_callback = None
            (c.set__msg_callback(|_: &ssl::MsgConnection, _: &str, _: ssl::EnumOrInt<ssl::TLSVersion>, _: ssl::EnumOrInt<ssl::_TLSContentType>, _: ssl::MsgType, _: &[u8]| Ok(())),
             c.set__msg_callback(None))
        };
        "SSLContext.cert_store_stats" => ssl::SSLContext::cert_store_stats;
        "SSLContext.get_ciphers" => ssl::SSLContext::get_ciphers;
        "SSLContext.get_ca_certs" => ssl::SSLContext::get_ca_certs;
        "SSLSocket.get_verified_chain" => ssl::SSLSocket::get_verified_chain;
        "SSLSocket.get_unverified_chain" => ssl::SSLSocket::get_unverified_chain;
        "SSLObject.get_verified_chain" => ssl::SSLObject::get_verified_chain;
        "SSLObject.get_unverified_chain" => ssl::SSLObject::get_unverified_chain;
        "SSLContext.load_cert_chain" => |c: &ssl::SSLContext| (
            c.load_cert_chain("cert.pem", "key.pem"),
            c.load_cert_chain("cert.pem", ssl::LoadCertChain { password: Some("pw"), ..Default::default() }),
        );
        "SSLContext.load_default_certs" => ssl::SSLContext::load_default_certs;
        "SSLContext.load_dh_params" => |c: &ssl::SSLContext| c.load_dh_params("dh.pem");
        "SSLContext.load_verify_locations" => |c: &ssl::SSLContext| (
            c.load_verify_locations("ca.pem"),
            c.load_verify_locations(ssl::LoadVerifyLocations { cadata: Some(ssl::Cadata::Der(b"")), ..Default::default() }),
        );
        "SSLContext.session_stats" => ssl::SSLContext::session_stats;
        "SSLContext.set_alpn_protocols" => ssl::SSLContext::set_alpn_protocols;
        "SSLContext.set_npn_protocols" => ssl::SSLContext::set_npn_protocols;
        "SSLContext.set_ciphers" => ssl::SSLContext::set_ciphers;
        "SSLContext.set_default_verify_paths" => ssl::SSLContext::set_default_verify_paths;
        "SSLContext.set_ecdh_curve" => |c: &ssl::SSLContext| {
            (c.set_ecdh_curve("prime256v1"), c.set_ecdh_curve(b"prime256v1"))
        };
        "SSLContext.set_psk_client_callback" => |c: &ssl::SSLContext| {
            (c.set_psk_client_callback(|_: Option<&str>| Ok((Some("id".to_string()), vec![0u8]))),
             c.set_psk_client_callback(None))
        };
        "SSLContext.set_psk_server_callback" => |c: &ssl::SSLContext| {
            (c.set_psk_server_callback(|_: Option<&str>| Ok(vec![0u8]), Some("hint")),
             c.set_psk_server_callback(None, None))
        };
        "SSLContext.set_servername_callback" => |c: &ssl::SSLContext| {
            (c.set_servername_callback(|_: &mut ssl::SNIConnection, _: Option<&str>, _: &ssl::SSLContext| Ok(None)),
             c.set_servername_callback(None))
        };
        "SSLContext.wrap_bio" => |c: &ssl::SSLContext, b: &ssl::MemoryBIO| c.wrap_bio(b, b, ssl::WrapBio::default());
        "SSLContext.wrap_socket" => |c: &ssl::SSLContext, s: socket::socket| c.wrap_socket(s, ssl::WrapSocket::default());

        "SSLSocket.accept" => ssl::SSLSocket::accept;
        "SSLSocket.bind" => |s: &ssl::SSLSocket| s.bind(("", 0));
        "SSLSocket.cipher" => ssl::SSLSocket::cipher;
        "SSLSocket.close" => ssl::SSLSocket::close;
        "SSLSocket.compression" => ssl::SSLSocket::compression;
        "SSLSocket.connect" => |s: &mut ssl::SSLSocket| s.connect(("localhost", 443));
        "SSLSocket.connect_ex" => |s: &mut ssl::SSLSocket| s.connect_ex(("localhost", 443));
        "SSLSocket.context" => (ssl::SSLSocket::context, ssl::SSLSocket::set_context);
        "SSLSocket.do_handshake" => ssl::SSLSocket::do_handshake;
        "SSLSocket.detach" => ssl::SSLSocket::detach;
        "SSLSocket.dup" => ssl::SSLSocket::dup;
        "SSLSocket.family" => |s: &ssl::SSLSocket| s.family();
        "SSLSocket.fileno" => |s: &ssl::SSLSocket| s.fileno();
        "SSLSocket.get_channel_binding" => ssl::SSLSocket::get_channel_binding;
        "SSLSocket.get_inheritable" => ssl::SSLSocket::get_inheritable;
        "SSLSocket.set_inheritable" => ssl::SSLSocket::set_inheritable;
        "SSLSocket.getblocking" => |s: &ssl::SSLSocket| s.getblocking();
        "SSLSocket.getpeercert" => ssl::SSLSocket::getpeercert;
        "SSLSocket.getpeername" => |s: &ssl::SSLSocket| s.getpeername();
        "SSLSocket.getsockname" => |s: &ssl::SSLSocket| s.getsockname();
        "SSLSocket.getsockopt" => (ssl::SSLSocket::getsockopt, ssl::SSLSocket::getsockopt_bytes);
        "SSLSocket.gettimeout" => |s: &ssl::SSLSocket| s.gettimeout();
        "SSLSocket.listen" => |s: &ssl::SSLSocket| (s.listen(None), s.listen(5));
        "SSLSocket.pending" => ssl::SSLSocket::pending;
        "SSLSocket.proto" => |s: &ssl::SSLSocket| s.proto();
        "SSLSocket.read" => (ssl::SSLSocket::read, ssl::SSLSocket::read_into);
        "SSLSocket.recv" => (ssl::SSLSocket::recv, ssl::SSLSocket::recv_flags);
        "SSLSocket.recv_into" => (ssl::SSLSocket::recv_into, ssl::SSLSocket::recv_into_flags);
        "SSLSocket.recvfrom" => (ssl::SSLSocket::recvfrom, ssl::SSLSocket::recvfrom_flags);
        "SSLSocket.recvfrom_into" => (ssl::SSLSocket::recvfrom_into, ssl::SSLSocket::recvfrom_into_flags);
        "SSLSocket.recvmsg" => ssl::SSLSocket::recvmsg;
        "SSLSocket.recvmsg_into" => ssl::SSLSocket::recvmsg_into;
        "SSLSocket.sendmsg" => ssl::SSLSocket::sendmsg;
        "SSLSocket.sendto" => |s: &ssl::SSLSocket| (s.sendto(b"", ("", 0)), s.sendto_flags(b"", 0, ("", 0)));
        "SSLSocket.selected_alpn_protocol" => ssl::SSLSocket::selected_alpn_protocol;
        "SSLSocket.selected_npn_protocol" => ssl::SSLSocket::selected_npn_protocol;
        "SSLSocket.send" => (ssl::SSLSocket::send, ssl::SSLSocket::send_flags);
        "SSLSocket.sendall" => (ssl::SSLSocket::sendall, ssl::SSLSocket::sendall_flags);
        "SSLSocket.session" => (ssl::SSLSocket::session, ssl::SSLSocket::set_session);
        "SSLSocket.session_reused" => ssl::SSLSocket::session_reused;
        "SSLSocket.setblocking" => |s: &ssl::SSLSocket| s.setblocking(false);
        "SSLSocket.setsockopt" => (ssl::SSLSocket::setsockopt, ssl::SSLSocket::setsockopt_bytes);
        "SSLSocket.settimeout" => |s: &ssl::SSLSocket| s.settimeout(Some(5.0));
        "SSLSocket.shared_ciphers" => ssl::SSLSocket::shared_ciphers;
        "SSLSocket.shutdown" => ssl::SSLSocket::shutdown;
        "SSLSocket.timeout" => |s: &ssl::SSLSocket| s.gettimeout();
        "SSLSocket.type" => |s: &ssl::SSLSocket| s.type_();
        "SSLSocket.unwrap" => ssl::SSLSocket::unwrap;
        "SSLSocket.verify_client_post_handshake" => ssl::SSLSocket::verify_client_post_handshake;
        "SSLSocket.version" => ssl::SSLSocket::version;
        "SSLSocket.write" => ssl::SSLSocket::write;
        "SSLSocket.server_side" => ssl::SSLSocket::server_side;
        "SSLSocket.server_hostname" => ssl::SSLSocket::server_hostname;
        "SSLSocket.do_handshake_on_connect" => ssl::SSLSocket::do_handshake_on_connect;
        "SSLSocket.suppress_ragged_eofs" => ssl::SSLSocket::suppress_ragged_eofs;

        "SSLObject.cipher" => ssl::SSLObject::cipher;
        "SSLObject.compression" => ssl::SSLObject::compression;
        "SSLObject.context" => (ssl::SSLObject::context, ssl::SSLObject::set_context);
        "SSLObject.do_handshake" => ssl::SSLObject::do_handshake;
        "SSLObject.get_channel_binding" => ssl::SSLObject::get_channel_binding;
        "SSLObject.getpeercert" => ssl::SSLObject::getpeercert;
        "SSLObject.pending" => ssl::SSLObject::pending;
        "SSLObject.read" => (ssl::SSLObject::read, ssl::SSLObject::read_into);
        "SSLObject.selected_alpn_protocol" => ssl::SSLObject::selected_alpn_protocol;
        "SSLObject.selected_npn_protocol" => ssl::SSLObject::selected_npn_protocol;
        "SSLObject.server_hostname" => ssl::SSLObject::server_hostname;
        "SSLObject.server_side" => ssl::SSLObject::server_side;
        "SSLObject.session" => (ssl::SSLObject::session, ssl::SSLObject::set_session);
        "SSLObject.session_reused" => ssl::SSLObject::session_reused;
        "SSLObject.shared_ciphers" => ssl::SSLObject::shared_ciphers;
        "SSLObject.unwrap" => ssl::SSLObject::unwrap;
        "SSLObject.verify_client_post_handshake" => ssl::SSLObject::verify_client_post_handshake;
        "SSLObject.version" => ssl::SSLObject::version;
        "SSLObject.write" => ssl::SSLObject::write;

        "MemoryBIO.eof" => ssl::MemoryBIO::eof;
        "MemoryBIO.pending" => ssl::MemoryBIO::pending;
        "MemoryBIO.read" => ssl::MemoryBIO::read;
        "MemoryBIO.write" => ssl::MemoryBIO::write;
        "MemoryBIO.write_eof" => ssl::MemoryBIO::write_eof;
        "SSLSession.has_ticket" => ssl::SSLSession::has_ticket;
        "SSLSession.id" => ssl::SSLSession::id;
        "SSLSession.ticket_lifetime_hint" => ssl::SSLSession::ticket_lifetime_hint;
        "SSLSession.time" => ssl::SSLSession::time;
        "SSLSession.timeout" => ssl::SSLSession::timeout;
    }
}

fn ssl_members_extensions() -> Vec<&'static str> {
    members! {
        "SSLContext.set_options" => ssl::SSLContext::set_options;
        "SSLContext.clear_options" => ssl::SSLContext::clear_options;
        "SSLContext.set_verify_flags" => ssl::SSLContext::set_verify_flags;
        "SSLContext.clear_verify_flags" => ssl::SSLContext::clear_verify_flags;
        "SSLContext.assign_options" => ssl::SSLContext::assign_options;
        "SSLContext.assign_verify_flags" => ssl::SSLContext::assign_verify_flags;
        "SSLContext.set_ciphersuites" => ssl::SSLContext::set_ciphersuites;
        "SSLContext.apply_mozilla_profile" => ssl::SSLContext::apply_mozilla_profile;
        "SSLContext.as_openssl" => ssl::SSLContext::as_openssl;
        "SSLSocket.ssl_object" => ssl::SSLSocket::ssl_object;
        "SSLObject.ssl_object" => ssl::SSLObject::ssl_object;
        "_ssl.Certificate.as_openssl" => ssl::Certificate::as_openssl;
        "AnySocket.wrap_socket" => ssl::AnySocket::wrap_socket;
        "AnySocket.unwrap" => ssl::AnySocket::unwrap;
        "AnySocket.version" => ssl::AnySocket::version;
        "AnySocket.cipher" => ssl::AnySocket::cipher;
        "AnySocket.shared_ciphers" => ssl::AnySocket::shared_ciphers;
        "AnySocket.compression" => ssl::AnySocket::compression;
        "AnySocket.getpeercert" => ssl::AnySocket::getpeercert;
        "AnySocket.selected_alpn_protocol" => ssl::AnySocket::selected_alpn_protocol;
        "AnySocket.get_channel_binding" => ssl::AnySocket::get_channel_binding;
        "AnySocket.session_reused" => ssl::AnySocket::session_reused;
    }
}

fn socket_module_works() -> Vec<(&'static str, String)> {
    module_items! {
        "socket" => socket::socket;
        "create_connection" => socket::create_connection;
        "create_server" => socket::create_server;
        "getaddrinfo" => socket::getaddrinfo;
        "gethostname" => socket::gethostname;
        "getdefaulttimeout" => socket::getdefaulttimeout;
        "setdefaulttimeout" => socket::setdefaulttimeout;
        "socketpair" => socket::socketpair;
        "has_dualstack_ipv6" => socket::has_dualstack_ipv6;
        "has_ipv6" => socket::has_ipv6;
        "_GLOBAL_DEFAULT_TIMEOUT" => socket::_GLOBAL_DEFAULT_TIMEOUT;
        "error" => exceptions::OSError;
        "timeout" => exceptions::TimeoutError;
        "gaierror" => socket::gaierror;
        "herror" => socket::herror;
        "AF_UNSPEC" => socket::AF_UNSPEC;
        "AF_UNIX" => socket::AF_UNIX;
        "AF_INET" => socket::AF_INET;
        "AF_INET6" => socket::AF_INET6;
        "SOCK_STREAM" => socket::SOCK_STREAM;
        "SOCK_DGRAM" => socket::SOCK_DGRAM;
        "SOCK_RAW" => socket::SOCK_RAW;
        "SOCK_NONBLOCK" => socket::SOCK_NONBLOCK;
        "SOCK_CLOEXEC" => socket::SOCK_CLOEXEC;
        "SOL_SOCKET" => socket::SOL_SOCKET;
        "SO_REUSEADDR" => socket::SO_REUSEADDR;
        "SO_REUSEPORT" => socket::SO_REUSEPORT;
        "SO_TYPE" => socket::SO_TYPE;
        "SO_KEEPALIVE" => socket::SO_KEEPALIVE;
        "SO_ERROR" => socket::SO_ERROR;
        "SO_RCVBUF" => socket::SO_RCVBUF;
        "SO_SNDBUF" => socket::SO_SNDBUF;
        "SO_LINGER" => socket::SO_LINGER;
        "SO_BROADCAST" => socket::SO_BROADCAST;
        "SO_DOMAIN" => socket::SO_DOMAIN;
        "SO_PROTOCOL" => socket::SO_PROTOCOL;
        "IPPROTO_IP" => socket::IPPROTO_IP;
        "IPPROTO_TCP" => socket::IPPROTO_TCP;
        "IPPROTO_UDP" => socket::IPPROTO_UDP;
        "IPPROTO_IPV6" => socket::IPPROTO_IPV6;
        "IPV6_V6ONLY" => socket::IPV6_V6ONLY;
        "TCP_NODELAY" => socket::TCP_NODELAY;
        "TCP_KEEPIDLE" => socket::TCP_KEEPIDLE;
        "TCP_KEEPINTVL" => socket::TCP_KEEPINTVL;
        "TCP_KEEPCNT" => socket::TCP_KEEPCNT;
        "SHUT_RD" => socket::SHUT_RD;
        "SHUT_WR" => socket::SHUT_WR;
        "SHUT_RDWR" => socket::SHUT_RDWR;
        "SOMAXCONN" => socket::SOMAXCONN;
        "MSG_PEEK" => socket::MSG_PEEK;
        "MSG_DONTWAIT" => socket::MSG_DONTWAIT;
        "MSG_WAITALL" => socket::MSG_WAITALL;
        "MSG_NOSIGNAL" => socket::MSG_NOSIGNAL;
        "MSG_TRUNC" => socket::MSG_TRUNC;
        "MSG_CTRUNC" => socket::MSG_CTRUNC;
        "SCM_RIGHTS" => socket::SCM_RIGHTS;
        "SCM_CREDENTIALS" => socket::SCM_CREDENTIALS;
        "SO_PASSCRED" => socket::SO_PASSCRED;
        "CMSG_LEN" => socket::CMSG_LEN;
        "CMSG_SPACE" => socket::CMSG_SPACE;
        "AI_PASSIVE" => socket::AI_PASSIVE;
        "AI_CANONNAME" => socket::AI_CANONNAME;
        "AI_NUMERICHOST" => socket::AI_NUMERICHOST;
        "AI_V4MAPPED" => socket::AI_V4MAPPED;
        "AI_ALL" => socket::AI_ALL;
        "AI_ADDRCONFIG" => socket::AI_ADDRCONFIG;
        "AI_NUMERICSERV" => socket::AI_NUMERICSERV;
        "EAI_NONAME" => socket::EAI_NONAME;
        "EAI_AGAIN" => socket::EAI_AGAIN;
        "NI_NUMERICHOST" => socket::NI_NUMERICHOST;
    }
}

fn socket_module_extensions() -> Vec<(&'static str, String)> {
    module_items! {
        "SocketLike" => socket::SocketLike;
        "AddressTuple" => socket::AddressTuple;
    }
}

fn socket_members_works() -> Vec<&'static str> {
    members! {
        "socket.accept" => socket::socket::accept;
        "socket.bind" => |s: &socket::socket| s.bind(("", 0));
        "socket.close" => socket::socket::close;
        "socket.connect" => |s: &socket::socket| s.connect(("localhost", 443));
        "socket.connect_ex" => |s: &socket::socket| s.connect_ex(("localhost", 443));
        "socket.detach" => socket::socket::detach;
        "socket.dup" => socket::socket::dup;
        "socket.family" => socket::socket::family;
        "socket.fileno" => socket::socket::fileno;
        "socket.get_inheritable" => socket::socket::get_inheritable;
        "socket.set_inheritable" => socket::socket::set_inheritable;
        "socket.getblocking" => socket::socket::getblocking;
        "socket.getpeername" => socket::socket::getpeername;
        "socket.getsockname" => socket::socket::getsockname;
        "socket.getsockopt" => (socket::socket::getsockopt, socket::socket::getsockopt_bytes);
        "socket.gettimeout" => socket::socket::gettimeout;
        "socket.listen" => |s: &socket::socket| (s.listen(None), s.listen(5));
        "socket.proto" => socket::socket::proto;
        "socket.recv" => (socket::socket::recv, socket::socket::recv_flags);
        "socket.recv_into" => (socket::socket::recv_into, socket::socket::recv_into_flags);
        "socket.recvfrom" => (socket::socket::recvfrom, socket::socket::recvfrom_flags);
        "socket.recvfrom_into" => (socket::socket::recvfrom_into, socket::socket::recvfrom_into_flags);
        "socket.sendmsg" => socket::socket::sendmsg;
        "socket.recvmsg" => socket::socket::recvmsg;
        "socket.recvmsg_into" => socket::socket::recvmsg_into;
        "socket.sendto" => |s: &socket::socket| (s.sendto(b"", ("", 0)), s.sendto_flags(b"", 0, ("", 0)));
        "socket.send" => (socket::socket::send, socket::socket::send_flags);
        "socket.sendall" => (socket::socket::sendall, socket::socket::sendall_flags);
        "socket.setblocking" => socket::socket::setblocking;
        "socket.setsockopt" => (socket::socket::setsockopt, socket::socket::setsockopt_bytes);
        "socket.settimeout" => socket::socket::settimeout;
        "socket.shutdown" => socket::socket::shutdown;
        "socket.timeout" => socket::socket::gettimeout;
        "socket.type" => socket::socket::type_;
    }
}

/// The doc's names in `section` with `status`, module-level or members.
fn doc_names(
    rows: &[Row],
    section: Section,
    status: Status,
    module_level: bool,
) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.section == section && r.status == status && r.module_level() == module_level)
        .map(|r| r.name.clone())
        .collect()
}

fn names<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    items.into_iter().map(str::to_string).collect()
}

/// Asserts two name sets are equal, saying which rows or checks are missing.
fn assert_same(doc: &BTreeSet<String>, checked: &BTreeSet<String>, what: &str) {
    let unchecked: Vec<_> = doc.difference(checked).collect();
    let undocumented: Vec<_> = checked.difference(doc).collect();
    assert!(
        unchecked.is_empty() && undocumented.is_empty(),
        "{what}: rows without a compile check in tests/porting_table.rs: {unchecked:?}; \
         checks without such a row in docs/porting.md: {undocumented:?}"
    );
}

/// Module-level rows: the checked path must be what the row's Rust cell shows.
fn assert_spelled(rows: &[Row], section: Section, checked: &[(&'static str, String)]) {
    for (py, path) in checked {
        let row = rows
            .iter()
            .find(|r| r.section == section && r.name == *py)
            .unwrap_or_else(|| panic!("no row for {py}"));
        let spelled = code_spans(&row.rust)
            .iter()
            .any(|span| span == path || span.ends_with(&format!("::{path}")));
        assert!(
            spelled,
            "docs/porting.md line {}: the Rust spelling of `{py}` should show `{path}`, found {:?}",
            row.line, row.rust
        );
    }
}

#[test]
fn every_public_name_of_cpython_311_and_313_has_a_row() {
    let rows = rows();
    let doc: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.section == Section::Ssl)
        .map(|r| r.name.clone())
        .collect();
    let oracles = [
        (
            "CPython 3.11",
            oracle(&run_python(python311(), ORACLE, DOCUMENTED_PRIVATE_MEMBERS)),
        ),
        (
            "CPython 3.13",
            oracle(&py313(ORACLE, DOCUMENTED_PRIVATE_MEMBERS)),
        ),
    ];
    let mut all = Oracle::default();
    for (version, o) in &oracles {
        let mut required: BTreeSet<String> = o
            .ssl_module
            .iter()
            .filter(|n| !n.starts_with('_'))
            .cloned()
            .collect();
        for private in DOCUMENTED_PRIVATE {
            assert!(
                o.ssl_module.contains(*private),
                "{version} has no ssl.{private} any more: drop it from the page and DOCUMENTED_PRIVATE"
            );
            required.insert(private.to_string());
        }
        required.extend(o.ssl_members.iter().cloned());
        let missing: Vec<_> = required.difference(&doc).collect();
        assert!(
            missing.is_empty(),
            "docs/porting.md has no row for these names of {version}'s ssl: {missing:?}"
        );
        all.ssl_module.extend(o.ssl_module.iter().cloned());
        all.ssl_members.extend(o.ssl_members.iter().cloned());
        all.socket_module.extend(o.socket_module.iter().cloned());
        all.socket_members.extend(o.socket_members.iter().cloned());
    }

    // The converse: a row that is neither an extension nor explained away names a real thing.
    for row in &rows {
        if matches!(row.status, Status::Extension | Status::NotApplicable) {
            continue;
        }
        let known = match (row.section, row.module_level()) {
            (Section::Ssl, true) => all.ssl_module.contains(&row.name),
            (Section::Ssl, false) => {
                all.ssl_members.contains(&row.name)
                    || HANDSHAKE_ONLY_ATTRIBUTES.contains(&row.name.as_str())
                    || DOCUMENTED_C_LEVEL.contains(&row.name.as_str())
            }
            (Section::Socket, true) => all.socket_module.contains(&row.name),
            (Section::Socket, false) => all.socket_members.contains(&row.name),
            // Checked against CPython 3.13's asyncio below.
            (Section::Asyncio, _) => true,
        };
        assert!(
            known,
            "docs/porting.md line {}: `{}` is not a name CPython 3.11 or 3.13 has",
            row.line, row.name
        );
    }
}

#[test]
fn documented_c_level_names_exist_in_cpython_313_and_have_rows() {
    let found = py313(C_LEVEL_ORACLE, DOCUMENTED_C_LEVEL);
    let expected: String = DOCUMENTED_C_LEVEL
        .iter()
        .map(|n| format!("{n} True\n"))
        .collect();
    assert_eq!(
        found, expected,
        "CPython 3.13 lacks a documented C-level name"
    );
    let rows = rows();
    for name in DOCUMENTED_C_LEVEL {
        assert!(
            rows.iter()
                .any(|r| r.section == Section::Ssl && r.name == *name),
            "docs/porting.md has no row for {name}"
        );
    }
}

#[test]
fn works_and_extension_rows_name_rust_items_that_compile() {
    let rows = rows();

    let module = ssl_module_works();
    let mut doc = doc_names(&rows, Section::Ssl, Status::Works, true);
    if !cfg!(ossl300) {
        // CPython lacks them too on OpenSSL 1.1.1; the page documents the usual OpenSSL 3.
        doc.remove("OP_IGNORE_UNEXPECTED_EOF");
        doc.remove("OP_ENABLE_KTLS");
    }
    assert_same(
        &doc,
        &names(module.iter().map(|m| m.0)),
        "ssl module-level `works`",
    );
    assert_spelled(&rows, Section::Ssl, &module);

    let module_ext = ssl_module_extensions();
    assert_same(
        &doc_names(&rows, Section::Ssl, Status::Extension, true),
        &names(module_ext.iter().map(|m| m.0)),
        "ssl module-level `extension`",
    );
    assert_spelled(&rows, Section::Ssl, &module_ext);

    assert_same(
        &doc_names(&rows, Section::Ssl, Status::Works, false),
        &names(ssl_members_works()),
        "ssl member `works`",
    );
    assert_same(
        &doc_names(&rows, Section::Ssl, Status::Extension, false),
        &names(ssl_members_extensions()),
        "ssl member `extension`",
    );

    let socket_module = socket_module_works();
    assert_same(
        &doc_names(&rows, Section::Socket, Status::Works, true),
        &names(socket_module.iter().map(|m| m.0)),
        "socket module-level `works`",
    );
    assert_spelled(&rows, Section::Socket, &socket_module);
    let socket_module_ext = socket_module_extensions();
    assert_same(
        &doc_names(&rows, Section::Socket, Status::Extension, true),
        &names(socket_module_ext.iter().map(|m| m.0)),
        "socket module-level `extension`",
    );
    assert_spelled(&rows, Section::Socket, &socket_module_ext);
    assert_same(
        &doc_names(&rows, Section::Socket, Status::Works, false),
        &names(socket_members_works()),
        "socket member `works`",
    );
}

#[test]
fn the_parser_reads_the_rows_it_must() {
    let rows = rows();
    let find = |name: &str| {
        rows.iter()
            .find(|r| r.section == Section::Ssl && r.name == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    assert_eq!(find("create_default_context").status, Status::Works);
    assert_eq!(
        find("create_default_context_with").status,
        Status::Extension
    );
    assert_eq!(find("SSLSocket.get_inheritable").status, Status::Works);
    assert_eq!(find("RAND_pseudo_bytes").status, Status::NotYet);
    assert_eq!(find("base64").status, Status::NotApplicable);
    // An escaped `\|` stays inside its cell.
    assert_eq!(
        cells(r"| `a` | `x \| y` | e | works |"),
        ["`a`", "`x | y`", "e", "works"]
    );
    assert!(rows
        .iter()
        .any(|r| r.section == Section::Socket && r.name == "AF_INET"));
    assert!(rows.len() > 350, "{} rows", rows.len());
}

/// Every `.rs` file under `dir`, recursively.
fn rust_sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn not_yet_rows_are_not_already_public_in_src_ssl() {
    // A `not yet` row goes stale when the item lands: a `pub fn` of that name in `src/ssl/`
    // (where the `ssl` module lives) means the row should become `works`, with its check above.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ssl");
    let mut files = Vec::new();
    rust_sources(&root, &mut files);
    let sources: Vec<(std::path::PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            (p, text)
        })
        .collect();
    let rows = rows();
    let not_yet: Vec<&Row> = rows
        .iter()
        .filter(|r| r.section == Section::Ssl && r.status == Status::NotYet)
        .collect();
    assert!(not_yet.iter().any(|r| r.name == "RAND_pseudo_bytes"));
    for row in not_yet {
        let item = row.name.rsplit('.').next().expect("a name");
        for (path, text) in &sources {
            assert!(
                !text.contains(&format!("pub fn {item}("))
                    && !text.contains(&format!("pub fn {item}<")),
                "docs/porting.md line {}: `{}` is `not yet`, but {} has `pub fn {item}`: \
                 make the row `works` and add its check to tests/porting_table.rs",
                row.line,
                row.name,
                path.display()
            );
        }
    }
}

/// For each argument, `name True` when CPython 3.13's `asyncio` has it (`Class.member`: the
/// class has the member), then `M Class.member` for every public member of the stream classes
/// and `Server`, which must all have rows.
const ASYNCIO_ORACLE: &str = r#"
import asyncio, sys
for name in sys.argv[1:]:
    obj, found = asyncio, True
    for attr in name.split('.'):
        found = found and hasattr(obj, attr)
        obj = getattr(obj, attr, None)
    print(name, found)
for cls in ('StreamReader', 'StreamWriter', 'Server'):
    for member in dir(getattr(asyncio, cls)):
        if not member.startswith('_'):
            print('M', cls + '.' + member)
"#;

#[test]
fn asyncio_rows_name_what_cpython_313_has_and_cover_the_stream_classes() {
    let rows: Vec<Row> = rows()
        .into_iter()
        .filter(|r| r.section == Section::Asyncio)
        .collect();
    assert!(rows.iter().any(|r| r.name == "StreamWriter.start_tls"));
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let out = py313(ASYNCIO_ORACLE, &names);
    let mut required = BTreeSet::new();
    for line in out.lines() {
        if let Some(member) = line.strip_prefix("M ") {
            required.insert(member.to_string());
        } else {
            let (name, found) = line.rsplit_once(' ').expect("`name found` lines");
            let row = rows
                .iter()
                .find(|r| r.name == name)
                .expect("a row per argument");
            assert!(
                found == "True" || row.status == Status::Extension,
                "docs/porting.md line {}: `{name}` is not a name CPython 3.13's asyncio has",
                row.line
            );
        }
    }
    let documented: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();
    let missing: Vec<_> = required.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "docs/porting.md has no asyncio row for {missing:?}"
    );
}

#[cfg(feature = "asyncio")]
fn asyncio_module_works() -> Vec<(&'static str, String)> {
    module_items! {
        "run" => asyncio::run;
        "get_running_loop" => asyncio::get_running_loop;
        "AbstractEventLoop" => asyncio::EventLoop;
        "StreamReaderProtocol" => asyncio::StreamReaderProtocol;
        "open_connection" => asyncio::open_connection;
        "start_server" => asyncio::start_server;
        "StreamReader" => asyncio::StreamReader;
        "StreamWriter" => asyncio::StreamWriter;
        "Server" => asyncio::Server;
        "Transport" => asyncio::Transport;
        "wait_for" => asyncio::wait_for;
        "timeout" => asyncio::timeout;
        "IncompleteReadError" => asyncio::IncompleteReadError;
        "LimitOverrunError" => asyncio::LimitOverrunError;
        "TimeoutError" => asyncio::TimeoutError;
    }
}

#[cfg(feature = "asyncio")]
fn asyncio_members_works() -> Vec<&'static str> {
    use pyssl::asyncio::{EventLoop, Server, StreamReader, StreamWriter, Transport};
    members! {
        "StreamReader.read" => StreamReader::read;
        "StreamReader.readline" => StreamReader::readline;
        "StreamReader.readexactly" => StreamReader::readexactly;
        "StreamReader.readuntil" => (StreamReader::readuntil, StreamReader::readuntil_any);
        "StreamReader.at_eof" => StreamReader::at_eof;
        "StreamReader.exception" => StreamReader::exception;
        "StreamWriter.write" => StreamWriter::write;
        "StreamWriter.writelines" => |w: &StreamWriter| w.writelines([b"a"]);
        "StreamWriter.drain" => StreamWriter::drain;
        "StreamWriter.write_eof" => StreamWriter::write_eof;
        "StreamWriter.can_write_eof" => StreamWriter::can_write_eof;
        "StreamWriter.close" => StreamWriter::close;
        "StreamWriter.is_closing" => StreamWriter::is_closing;
        "StreamWriter.wait_closed" => StreamWriter::wait_closed;
        "StreamWriter.get_extra_info" => StreamWriter::get_extra_info;
        "StreamWriter.start_tls" => StreamWriter::start_tls;
        "StreamWriter.transport" => StreamWriter::transport;
        "Server.serve_forever" => Server::serve_forever;
        "Server.close" => Server::close;
        "Server.close_clients" => Server::close_clients;
        "Server.abort_clients" => Server::abort_clients;
        "Server.wait_closed" => Server::wait_closed;
        "Server.sockets" => Server::sockets;
        "Server.is_serving" => Server::is_serving;
        "Server.start_serving" => Server::start_serving;
        "Server.__aenter__" => |s: &Server| drop(s.async_with(|_server| async {}));
        "AbstractEventLoop.start_tls" => EventLoop::start_tls;
        "Transport.get_protocol" => Transport::get_protocol;
        "Transport.get_extra_info" => Transport::get_extra_info;
        "Transport.is_closing" => Transport::is_closing;
        "Transport.close" => Transport::close;
        "Transport.abort" => Transport::abort;
        "Transport.get_write_buffer_size" => Transport::get_write_buffer_size;
        "Transport.get_write_buffer_limits" => Transport::get_write_buffer_limits;
        "Transport.is_reading" => Transport::is_reading;
        "Transport.pause_reading" => Transport::pause_reading;
        "Transport.resume_reading" => Transport::resume_reading;
    }
}

#[cfg(feature = "asyncio")]
#[test]
fn asyncio_works_rows_name_rust_items_that_compile() {
    let rows = rows();
    let module = asyncio_module_works();
    assert_same(
        &doc_names(&rows, Section::Asyncio, Status::Works, true),
        &names(module.iter().map(|m| m.0)),
        "asyncio module-level `works`",
    );
    assert_spelled(&rows, Section::Asyncio, &module);
    assert_same(
        &doc_names(&rows, Section::Asyncio, Status::Works, false),
        &names(asyncio_members_works()),
        "asyncio member `works`",
    );
}
