//! Names CPython 3.12 removed (`wrap_socket`, `match_hostname`), kept with CPython 3.11's
//! semantics because real scripts (and the seed article) still use them.
//!
//! ```text
//! Python:  secure_sock = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLS)
//! Rust:    let secure_sock = ssl::wrap_socket(sock, ssl::WrapSocketArgs { ssl_version: ssl::PROTOCOL_TLS, ..Default::default() })?;
//! ```

use super::certificates::{CertDict, NameValue, PeerCert, SanValue};
use super::constants::{SSLMethod, VerifyMode};
use super::context::{LoadCertChain, SSLContext};
use super::kw_values::{path_keywords, KwValues};
use super::sslsocket::{SSLSocket, SockArg, WrapSocket};
use crate::error::{Error, Result, SSLError, SSLErrorKind};
use crate::pyrepr::{PyBytes, PyRepr, PyStr};

/// Keyword arguments of the module-level `ssl.wrap_socket(sock, keyfile=None, certfile=None,
/// server_side=False, cert_reqs=CERT_NONE, ssl_version=PROTOCOL_TLS, ca_certs=None,
/// do_handshake_on_connect=True, suppress_ragged_eofs=True, ciphers=None)` (CPython 3.11).
///
/// ```text
/// Python:  ssl.wrap_socket(sock, keyfile=None, certfile=None, server_side=False, ssl_version=ssl.PROTOCOL_TLS)
/// Rust:    ssl::wrap_socket(sock, ssl::WrapSocketArgs { keyfile: None, certfile: None, server_side: false, ssl_version: ssl::PROTOCOL_TLS, ..Default::default() })?;
/// ```
///
/// A `keyfile`, `certfile` or `ca_certs` that is a path or `bytes` is given with the method of
/// that name (`ssl::WrapSocketArgs::default().certfile(Path::new("c.pem"))`).
#[derive(Debug, Clone, Copy)]
pub struct WrapSocketArgs<'a> {
    /// `keyfile`. (A path or `bytes`: [`WrapSocketArgs::keyfile`].)
    pub keyfile: Option<&'a str>,
    /// `certfile`: required for `server_side`. (A path or `bytes`:
    /// [`WrapSocketArgs::certfile`].)
    pub certfile: Option<&'a str>,
    /// `server_side`.
    pub server_side: bool,
    /// `cert_reqs`: note the default `CERT_NONE` (no verification, as in Python 3.11).
    pub cert_reqs: VerifyMode,
    /// `ssl_version`.
    pub ssl_version: SSLMethod,
    /// `ca_certs`: a CA file to verify the peer with. (A path or `bytes`:
    /// [`WrapSocketArgs::ca_certs`].)
    pub ca_certs: Option<&'a str>,
    /// `do_handshake_on_connect`.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`.
    pub suppress_ragged_eofs: bool,
    /// `ciphers`: an OpenSSL cipher string.
    pub ciphers: Option<&'a str>,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

path_keywords!(WrapSocketArgs {
    keyfile, keyfile_arg: "keyfile";
    certfile, certfile_arg: "certfile";
    ca_certs, ca_certs_arg: "ca_certs";
});

impl Default for WrapSocketArgs<'_> {
    fn default() -> Self {
        WrapSocketArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            cert_reqs: VerifyMode::CERT_NONE,
            ssl_version: SSLMethod::PROTOCOL_TLS,
            ca_certs: None,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            ciphers: None,
            _set_by_methods: KwValues::default(),
        }
    }
}

/// `ssl.wrap_socket(sock, ...)` as CPython 3.11 defines it (removed in 3.12): a fresh
/// `SSLContext(ssl_version)` with `verify_mode = cert_reqs`, no `server_hostname` (so no SNI and
/// no host name check), then `context.wrap_socket(...)`. `sock` may be lent as `&mut sock`
/// ([`SockArg`]): the checks and context set-up before that last call leave it untouched when
/// they fail, as in Python.
///
/// ```text
/// Python:  ssl_socket = ssl.wrap_socket(bindsocket, keyfile='server.key', certfile='server.crt', server_side=True)
/// Rust:    let ssl_socket = ssl::wrap_socket(bindsocket, ssl::WrapSocketArgs { keyfile: Some("server.key"), certfile: Some("server.crt"), server_side: true, ..Default::default() })?;
/// ```
///
/// The seed article's server and client, over loopback. Note the 3.11 default
/// `cert_reqs=CERT_NONE`: this client encrypts but verifies nothing, so its `getpeercert()` is
/// `{}`.
///
/// ```
/// # #![allow(deprecated)]
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::{socket, ssl};
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// let (certfile, keyfile) = (format!("{fixtures}/server.pem"), format!("{fixtures}/server.key"));
///
/// // Python: bindsocket = socket.create_server(('127.0.0.1', 0))
/// //         ssl_socket = ssl.wrap_socket(bindsocket, keyfile=keyfile, certfile=certfile, server_side=True)
/// let bindsocket = socket::create_server(("127.0.0.1", 0), Default::default())?;
/// let port = bindsocket.getsockname()?.port();
/// let ssl_socket = ssl::wrap_socket(bindsocket, ssl::WrapSocketArgs {
///     keyfile: Some(&keyfile),
///     certfile: Some(&certfile),
///     server_side: true,
///     ..Default::default()
/// })?;
/// let server = std::thread::spawn(move || -> pyssl::Result<()> {
///     // Python: newsocket, fromaddr = ssl_socket.accept(); newsocket.sendall(b'hello')
///     let (mut newsocket, _fromaddr) = ssl_socket.accept()?;
///     newsocket.sendall(b"hello")
/// });
///
/// // Python: sock = socket.create_connection(('127.0.0.1', port))
/// //         secure_sock = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLS)
/// let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
/// let mut secure_sock = ssl::wrap_socket(sock, ssl::WrapSocketArgs { ssl_version: ssl::PROTOCOL_TLS, ..Default::default() })?;
/// assert_eq!(secure_sock.recv(1024)?, b"hello");
/// // Python: print(secure_sock.getpeercert())   ->  {}
/// assert_eq!(secure_sock.getpeercert(false)?.py_repr(), "{}");
/// server.join().unwrap()?;
/// # Ok(())
/// # }
/// ```
#[deprecated(
    note = "removed in Python 3.12; use SSLContext::wrap_socket (ssl.wrap_socket() is deprecated, use SSLContext.wrap_socket())"
)]
#[track_caller]
pub fn wrap_socket(sock: impl SockArg, kw: WrapSocketArgs<'_>) -> Result<SSLSocket> {
    crate::warnings::deprecated("ssl.wrap_socket() is deprecated, use SSLContext.wrap_socket()")?;
    // Python's truth tests: `None`, `''` and `b''` are false.
    let certfile = kw.certfile_arg().filter(|c| c.is_truthy());
    if kw.server_side && certfile.is_none() {
        return Err(Error::value(
            "certfile must be specified for server-side operations",
        ));
    }
    let keyfile = kw.keyfile_arg();
    if keyfile.is_some_and(|k| k.is_truthy()) && certfile.is_none() {
        return Err(Error::value("certfile must be specified"));
    }
    let context = SSLContext::new(kw.ssl_version)?;
    context.set_verify_mode(kw.cert_reqs)?;
    if let Some(ca_certs) = kw.ca_certs_arg().filter(|c| c.is_truthy()) {
        context.load_verify_locations(ca_certs)?;
    }
    if let Some(certfile) = certfile {
        let mut chain = LoadCertChain::default();
        chain._set_by_methods.keyfile = keyfile;
        context.load_cert_chain(certfile, chain)?;
    }
    if let Some(ciphers) = kw.ciphers.filter(|c| !c.is_empty()) {
        context.set_ciphers(ciphers)?;
    }
    context.wrap_socket(
        sock,
        WrapSocket {
            server_side: kw.server_side,
            do_handshake_on_connect: kw.do_handshake_on_connect,
            suppress_ragged_eofs: kw.suppress_ragged_eofs,
            ..Default::default()
        },
    )
}

// ---- match_hostname (CPython 3.11) ------------------------------------------------------------

/// What `ssl.match_hostname(cert, hostname)` accepts as `cert`: a decoded certificate
/// ([`CertDict`]), what `getpeercert()` returns ([`PeerCert`], or the whole
/// `Option<PeerCert>`), or a reference to any of them.
///
/// ```text
/// Python:  ssl.match_hostname(ssock.getpeercert(), 'example.com')
/// Rust:    ssl::match_hostname(&ssock.getpeercert(false)?, "example.com")?;
/// ```
///
/// Python's "falsy cert" test (`if not cert`) ports as: `None` and `{}` ([`PeerCert::Empty`],
/// what `getpeercert()` gives on a `CERT_NONE` connection) and empty bytes are falsy; a
/// [`CertDict`] never is (a decoded certificate always has its `subject`, `issuer`, ... keys,
/// even when they hold empty tuples).
pub trait MatchHostnameCert {
    /// The certificate dict; `Ok(None)` when Python's `not cert` is true; `Err` for a value that
    /// is no dict (`getpeercert(True)` bytes).
    fn cert_dict(&self) -> Result<Option<&CertDict>>;
}

impl MatchHostnameCert for CertDict {
    fn cert_dict(&self) -> Result<Option<&CertDict>> {
        Ok(Some(self))
    }
}

impl MatchHostnameCert for PeerCert {
    fn cert_dict(&self) -> Result<Option<&CertDict>> {
        match self {
            PeerCert::Empty => Ok(None),
            PeerCert::Dict(d) => Ok(Some(d)),
            PeerCert::Binary(b) if b.is_empty() => Ok(None),
            // Python raises AttributeError from `cert.get(...)`; pyssl has no AttributeError, so
            // the same text comes as a TypeError.
            PeerCert::Binary(_) => Err(Error::type_error("'bytes' object has no attribute 'get'")),
        }
    }
}

impl<T: MatchHostnameCert> MatchHostnameCert for Option<T> {
    fn cert_dict(&self) -> Result<Option<&CertDict>> {
        match self {
            None => Ok(None),
            Some(c) => c.cert_dict(),
        }
    }
}

impl<T: MatchHostnameCert + ?Sized> MatchHostnameCert for &T {
    fn cert_dict(&self) -> Result<Option<&CertDict>> {
        (**self).cert_dict()
    }
}

/// `ssl.CertificateError(message)`: Python raises it with one argument, so `str(e)` is the
/// 1-tuple `("hostname 'x' doesn't match 'a'",)`.
fn certificate_error(message: String) -> Error {
    Error::SSLError(SSLError {
        kind: SSLErrorKind::SSLCertVerificationError,
        ..SSLError::single(message)
    })
}

/// A value `match_hostname` compares: Python's `str`, or the `bytes` of a BIT STRING
/// `commonName` (only a hand-built dict has one; it is handled as Python's `bytes` would be).
#[derive(Clone, Copy)]
enum DnValue<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

impl DnValue<'_> {
    fn py_repr(self) -> String {
        match self {
            DnValue::Str(s) => PyStr(s).py_repr(),
            DnValue::Bytes(b) => PyBytes(b).py_repr(),
        }
    }
}

/// Python's `str.lower()`: full Unicode lower-casing with the final-sigma rule, as Rust's
/// `str::to_lowercase`.
fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// `ssl._dnsname_match(dn, hostname)` (3.11): RFC 6125 section 6.4.3 matching, with one
/// wildcard at most, only as the whole left-most label, standing for exactly one label.
fn _dnsname_match(dn: DnValue<'_>, hostname: &str) -> Result<bool> {
    let dn = match dn {
        DnValue::Str(s) => s,
        DnValue::Bytes([]) => return Ok(false),
        // `b'...'.count('*')`.
        DnValue::Bytes(_) => {
            return Err(Error::type_error(
                "argument should be integer or bytes-like object, not 'str'",
            ))
        }
    };
    if dn.is_empty() {
        return Ok(false);
    }
    let wildcards = dn.matches('*').count();
    if wildcards == 0 {
        return Ok(lower(dn) == lower(hostname));
    }
    if wildcards > 1 {
        return Err(certificate_error(format!(
            "too many wildcards in certificate DNS name: {}.",
            PyStr(dn).py_repr()
        )));
    }
    let (dn_leftmost, dn_remainder) = match dn.split_once('.') {
        Some((left, right)) => (left, Some(right)),
        None => (dn, None),
    };
    if dn_remainder.is_some_and(|r| r.contains('*')) {
        return Err(certificate_error(format!(
            "wildcard can only be present in the leftmost label: {}.",
            PyStr(dn).py_repr()
        )));
    }
    let Some(dn_remainder) = dn_remainder else {
        return Err(certificate_error(format!(
            "sole wildcard without additional labels are not support: {}.",
            PyStr(dn).py_repr()
        )));
    };
    if dn_leftmost != "*" {
        return Err(certificate_error(format!(
            "partial wildcards in leftmost label are not supported: {}.",
            PyStr(dn).py_repr()
        )));
    }
    match hostname.split_once('.') {
        // The wildcard must match at least one character.
        Some((hostname_leftmost, hostname_remainder)) if !hostname_leftmost.is_empty() => {
            Ok(lower(dn_remainder) == lower(hostname_remainder))
        }
        _ => Ok(false),
    }
}

/// glibc's `inet_aton` (what Python's `socket.inet_aton` calls): C-style numbers (`0x` hex,
/// leading-`0` octal, decimal) in one to four parts, the last filling the remaining bytes, and
/// anything after the first ASCII white space ignored.
fn inet_aton(text: &[u8]) -> Option<[u8; 4]> {
    const MAX: [u64; 4] = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff];
    let mut parts: Vec<u8> = Vec::with_capacity(3);
    let mut i = 0;
    let val = loop {
        if !text.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        // strtoul(cp, &end, 0), starting at a digit.
        let hex_prefix = text.get(i) == Some(&b'0')
            && matches!(text.get(i + 1), Some(b'x' | b'X'))
            && text.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        let (radix, start) = if hex_prefix {
            (16, i + 2)
        } else if text.get(i) == Some(&b'0') {
            (8, i)
        } else {
            (10, i)
        };
        let mut value: u64 = 0;
        let mut end = start;
        while let Some(d) = text.get(end).and_then(|&c| char::from(c).to_digit(radix)) {
            value = value
                .saturating_mul(u64::from(radix))
                .saturating_add(u64::from(d));
            end += 1;
        }
        if value > 0xffff_ffff {
            return None;
        }
        i = end;
        if text.get(i) == Some(&b'.') {
            let Ok(byte) = u8::try_from(value) else {
                return None;
            };
            if parts.len() > 2 {
                return None;
            }
            parts.push(byte);
            i += 1;
        } else {
            break value;
        }
    };
    // Trailing characters must start with white space (C's isspace in the "C" locale).
    if let Some(&c) = text.get(i) {
        if !matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            return None;
        }
    }
    if val > MAX[parts.len()] {
        return None;
    }
    let mut word = u32::try_from(val).ok()?;
    for (k, &b) in parts.iter().enumerate() {
        word |= u32::from(b) << (24 - 8 * k);
    }
    Some(word.to_be_bytes())
}

/// `ssl._inet_paton(ipname)` (3.11): the packed address of exact dotted-quad IPv4 text or of
/// IPv6 text (`inet_pton(AF_INET6)`), else Python's `ValueError`.
fn _inet_paton(ipname: &str) -> Result<Vec<u8>> {
    // `socket.inet_aton` and `socket.inet_pton` take the text as a C string.
    crate::error::check_no_nul_character(ipname)?;
    if let Some(addr) = inet_aton(ipname.as_bytes()) {
        // Only injective names: refuse short forms and trailing data.
        if std::net::Ipv4Addr::from(addr).to_string() == ipname {
            return Ok(addr.to_vec());
        }
        return Err(Error::value(format!(
            "{} is not a quad-dotted IPv4 address.",
            PyStr(ipname).py_repr()
        )));
    }
    match ipname.parse::<std::net::Ipv6Addr>() {
        Ok(ip) => Ok(ip.octets().to_vec()),
        Err(_) => Err(Error::value(format!(
            "{} is neither an IPv4 nor an IP6 address.",
            PyStr(ipname).py_repr()
        ))),
    }
}

/// Python's `str.rstrip()`: Unicode white space, plus the separators `\x1c`..`\x1f` that
/// Python counts as space and Rust does not.
fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// `ssl._ipaddress_match(cert_ipaddress, host_ip)` (3.11): exact comparison of packed
/// addresses; a certificate value that is no IP address raises `_inet_paton`'s `ValueError`.
fn _ipaddress_match(cert_ipaddress: &str, host_ip: &[u8]) -> Result<bool> {
    Ok(_inet_paton(py_rstrip(cert_ipaddress))? == host_ip)
}

/// `ssl.match_hostname(cert, hostname)` as CPython 3.11 defines it (removed in 3.12): checks
/// that a decoded certificate is valid for `hostname` by RFC 2818 / RFC 6125 rules.
///
/// ```text
/// Python:  ssl.match_hostname(cert, 'www.example.org')
/// Rust:    ssl::match_hostname(&cert, "www.example.org")?;
/// ```
///
/// ```
/// # #![allow(deprecated)]
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
///
/// // Python: cert = ssl._ssl._test_decode_cert('wildcard.pem')   # or ssock.getpeercert()
/// let cert = ssl::_test_decode_cert(format!("{fixtures}/wildcard.pem"))?;
/// // Python: ssl.match_hostname(cert, 'www.example.org')
/// ssl::match_hostname(&cert, "www.example.org")?;
///
/// // Python: except ssl.CertificateError as e: print(e)   # a wildcard covers one label only
/// let err = ssl::match_hostname(&cert, "a.b.example.org").unwrap_err();
/// assert!(err.is_cert_verification_error());
/// assert_eq!(err.to_string(), r#"("hostname 'a.b.example.org' doesn't match '*.example.org'",)"#);
/// # Ok(())
/// # }
/// ```
///
/// When `hostname` is IPv4 (exact dotted quad) or IPv6 text, only the `'IP Address'` entries of
/// `subjectAltName` are compared; otherwise its `'DNS'` entries, case-insensitively, with one
/// wildcard at most, as the whole left-most label, standing for exactly one label. The
/// subject's `commonName`s are consulted only when `subjectAltName` has neither kind of entry.
/// A mismatch is `ssl.CertificateError` (=
/// [`SSLCertVerificationError`](SSLErrorKind::SSLCertVerificationError), built with one
/// argument, so `str(e)` is the tuple `("hostname 'x' doesn't match 'a'",)`); a falsy `cert`
/// (see [`MatchHostnameCert`]) and a certificate `'IP Address'` that is no address are Python's
/// `ValueError`. Logs CPython's DeprecationWarning text at `warn` level.
///
/// `SanValue::Name` entries (`DirName`) under a `'DNS'` or `'IP Address'` key exist only in
/// hand-made dicts; they are skipped (Python would raise `AttributeError`).
#[deprecated(
    note = "removed in Python 3.12; use SSLContext.check_hostname (ssl.match_hostname() is deprecated)"
)]
#[track_caller]
pub fn match_hostname(cert: impl MatchHostnameCert, hostname: &str) -> Result<()> {
    crate::warnings::deprecated("ssl.match_hostname() is deprecated")?;
    let Some(cert) = cert.cert_dict()? else {
        return Err(Error::value(
            "empty or no certificate, match_hostname needs a SSL socket or SSL context with \
             either CERT_OPTIONAL or CERT_REQUIRED",
        ));
    };
    // Not an IP address is the common case.
    let host_ip = _inet_paton(hostname).ok();
    let mut dnsnames: Vec<DnValue<'_>> = Vec::new();
    for (key, value) in cert.subjectAltName.iter().flatten() {
        let SanValue::Str(value) = value else {
            continue;
        };
        if key == "DNS" {
            if host_ip.is_none() && _dnsname_match(DnValue::Str(value), hostname)? {
                return Ok(());
            }
            dnsnames.push(DnValue::Str(value));
        } else if key == "IP Address" {
            if let Some(host_ip) = &host_ip {
                if _ipaddress_match(value, host_ip)? {
                    return Ok(());
                }
            }
            dnsnames.push(DnValue::Str(value));
        }
    }
    if dnsnames.is_empty() {
        // The subject is only checked when there is no dNSName entry in subjectAltName.
        for (key, value) in cert.subject.iter().flatten() {
            if key == "commonName" {
                let value = match value {
                    NameValue::Str(s) => DnValue::Str(s),
                    NameValue::Bytes(b) => DnValue::Bytes(b),
                };
                if _dnsname_match(value, hostname)? {
                    return Ok(());
                }
                dnsnames.push(value);
            }
        }
    }
    let hostname = PyStr(hostname).py_repr();
    Err(certificate_error(match dnsnames.as_slice() {
        [] => "no appropriate commonName or subjectAltName fields were found".to_string(),
        [one] => format!("hostname {hostname} doesn't match {}", one.py_repr()),
        many => format!(
            "hostname {hostname} doesn't match either of {}",
            many.iter()
                .map(|v| v.py_repr())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }))
}
