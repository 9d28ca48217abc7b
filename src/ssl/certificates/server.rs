//! `ssl.get_server_certificate`: fetch a server's certificate as PEM, as CPython 3.13 does.
//!
//! ```text
//! Python:  pem = ssl.get_server_certificate(('example.com', 443))
//! Rust:    let pem = ssl::get_server_certificate(("example.com", 443), Default::default())?;
//! ```

use super::super::constants::{Purpose, SSLMethod, VerifyMode};
use super::super::context::SSLContext;
use super::super::kw_values::{path_keywords, KwValues};
use super::super::sslsocket::WrapSocket;
use super::pem::DER_cert_to_PEM_cert;
use crate::error::{Error, Result};
use crate::path_arg::PathArg;
use crate::socket::{self, ToAddress};

/// Keyword arguments of `ssl.get_server_certificate(addr, ssl_version=PROTOCOL_TLS_CLIENT,
/// ca_certs=None, timeout=_GLOBAL_DEFAULT_TIMEOUT)` (CPython 3.13).
///
/// ```text
/// Python:  ssl.get_server_certificate(('localhost', 4433), ca_certs='ca.pem', timeout=5)
/// Rust:    ssl::get_server_certificate(("localhost", 4433), ssl::GetServerCertificate { ca_certs: Some("ca.pem"), timeout: 5.0.into(), ..Default::default() })?;
/// ```
///
/// A `ca_certs` that is a path or `bytes` is given with the method of that name
/// (`ssl::GetServerCertificate::default().ca_certs(Path::new("ca.pem"))`).
#[derive(Debug, Clone, Copy)]
pub struct GetServerCertificate<'a> {
    /// `ssl_version`: the protocol of the context (`PROTOCOL_TLS_CLIENT`).
    pub ssl_version: SSLMethod,
    /// `ca_certs`: a CA file; when given (even as `""`) the server's certificate must verify
    /// (`CERT_REQUIRED`, against the system store for `""`), else nothing is checked. (A path
    /// or `bytes`: [`GetServerCertificate::ca_certs`].)
    pub ca_certs: Option<&'a str>,
    /// `timeout` of the connection, handshake included: [`socket::Timeout`].
    pub timeout: socket::Timeout,
    /// Values given by the methods; `..Default::default()` fills it.
    #[doc(hidden)]
    pub _set_by_methods: KwValues<'a>,
}

path_keywords!(GetServerCertificate {
    ca_certs, ca_certs_arg: "ca_certs";
});

impl Default for GetServerCertificate<'_> {
    fn default() -> Self {
        GetServerCertificate {
            ssl_version: SSLMethod::PROTOCOL_TLS_CLIENT,
            ca_certs: None,
            timeout: socket::Timeout::GlobalDefault,
            _set_by_methods: KwValues::default(),
        }
    }
}

/// `ssl._create_stdlib_context(protocol, cert_reqs=cert_reqs, cafile=cafile)` (=
/// `_create_unverified_context`) for `purpose=SERVER_AUTH` and no certificate chain: no host
/// name check, `verify_mode = cert_reqs`, the CA file (or the system store when verifying
/// without one), `SSLKEYLOGFILE`.
fn _create_stdlib_context(
    protocol: SSLMethod,
    cert_reqs: VerifyMode,
    cafile: Option<PathArg<'_>>,
) -> Result<SSLContext> {
    let context = SSLContext::new(protocol)?;
    context.set_check_hostname(false);
    context.set_verify_mode(cert_reqs)?;
    if let Some(cafile) = cafile.filter(|f| f.is_truthy()) {
        context.load_verify_locations(cafile)?;
    } else if context.verify_mode() != VerifyMode::CERT_NONE {
        context.load_default_certs(Purpose::SERVER_AUTH)?;
    }
    if let Some(keylogfile) = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty()) {
        context.set_keylog_filename(&keylogfile)?;
    }
    Ok(context)
}

/// `host, port = addr`: Python's tuple unpacking of the address.
fn unpack(addr: &socket::Address) -> Result<(&str, u16)> {
    let items = match addr.unix_path() {
        // A path is a `str`: Python unpacks its characters (a two-character path is refused too,
        // where Python would go on with a one-character host).
        Some(_) => addr.host().chars().count(),
        None => addr.len(),
    };
    match items {
        2 if addr.unix_path().is_none() => Ok((addr.host(), addr.port())),
        n if n < 2 => Err(Error::value(format!(
            "not enough values to unpack (expected 2, got {n})"
        ))),
        _ => Err(Error::value("too many values to unpack (expected 2)")),
    }
}

/// `ssl.get_server_certificate(addr, ssl_version=PROTOCOL_TLS_CLIENT, ca_certs=None,
/// timeout=_GLOBAL_DEFAULT_TIMEOUT)`: connects to `addr`, handshakes (sending `host` as SNI,
/// without checking the host name) and returns the server's certificate as PEM text.
///
/// ```text
/// Python:  pem = ssl.get_server_certificate(('localhost', 4433), timeout=0.5)
/// Rust:    let pem = ssl::get_server_certificate(("localhost", 4433), ssl::GetServerCertificate { timeout: 0.5.into(), ..Default::default() })?;
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::{socket, ssl};
/// let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// // A TLS server on loopback presenting fixtures/server.pem:
/// let server_ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
/// server_ctx.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
/// let listener = socket::create_server(("127.0.0.1", 0), Default::default())?;
/// let port = listener.getsockname()?.port();
/// let listener = server_ctx.wrap_socket(listener, ssl::WrapSocket { server_side: true, ..Default::default() })?;
/// let server = std::thread::spawn(move || listener.accept().map(drop));
///
/// // Python: pem = ssl.get_server_certificate(('127.0.0.1', port), ca_certs='ca.pem', timeout=5)
/// let ca = format!("{fixtures}/ca.pem");
/// let pem = ssl::get_server_certificate(
///     ("127.0.0.1", port),
///     ssl::GetServerCertificate { ca_certs: Some(&ca), timeout: 5.0.into(), ..Default::default() },
/// )?;
/// assert_eq!(pem, std::fs::read_to_string(format!("{fixtures}/server.pem"))?);
/// # let _ = server.join();
/// # Ok(())
/// # }
/// ```
///
/// As CPython 3.13: `cert_reqs = CERT_REQUIRED if ca_certs is not None else CERT_NONE`, a
/// `_create_stdlib_context(ssl_version, cert_reqs=cert_reqs, cafile=ca_certs)`,
/// `socket.create_connection(addr, timeout=timeout)`, `wrap_socket(sock,
/// server_hostname=host)`, `DER_cert_to_PEM_cert(sslsock.getpeercert(True))`. Errors are the
/// ones those steps raise (`ConnectionRefusedError`, `SSLCertVerificationError`,
/// `TimeoutError('The handshake operation timed out')`, ...); an IPv6 4-tuple address is
/// Python's `ValueError('too many values to unpack (expected 2)')`.
pub fn get_server_certificate(
    addr: impl ToAddress,
    kw: GetServerCertificate<'_>,
) -> Result<String> {
    let addr = addr.to_address();
    let (host, port) = unpack(&addr)?;
    let ca_certs = kw.ca_certs_arg();
    let cert_reqs = if ca_certs.is_some() {
        VerifyMode::CERT_REQUIRED
    } else {
        VerifyMode::CERT_NONE
    };
    let context = _create_stdlib_context(kw.ssl_version, cert_reqs, ca_certs)?;
    let sock = socket::create_connection(
        (host, port),
        socket::CreateConnection {
            timeout: kw.timeout,
            source_address: None,
        },
    )?;
    let sslsock = context.wrap_socket(
        sock,
        WrapSocket {
            server_hostname: Some(host),
            ..Default::default()
        },
    )?;
    let dercert = sslsock.getpeercert(true);
    sslsock.close()?;
    match dercert? {
        Some(cert) => match cert.as_bytes() {
            Some(der) => Ok(DER_cert_to_PEM_cert(der)),
            None => Err(Error::type_error(
                "a bytes-like object is required, not 'dict'",
            )),
        },
        None => Err(Error::type_error(
            "a bytes-like object is required, not 'NoneType'",
        )),
    }
}
