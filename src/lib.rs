//! # pyssl: Python's `ssl` module, rebuilt in Rust over the system OpenSSL
//!
//! A Python script that uses `ssl` (and the parts of `socket` it leans on) becomes Rust by
//! changing syntax, not structure:
//!
//! ```text
//! Python:  context = ssl.create_default_context()
//! Rust:    let context = ssl::create_default_context()?;
//! ```
//!
//! * [`ssl`] mirrors Python's `ssl` module: same names, same defaults, same errors and the same
//!   answers CPython gives on the same OpenSSL.
//! * [`socket`] gives what Python's `socket` module gives ssl scripts, over `libc`.
//! * An [`ssl::SSLSocket`] is never a plain socket by accident (no `Deref` to one); code for
//!   "a socket, plain or TLS" takes a [`socket::SocketLike`], and a variable that STARTTLS
//!   rebinds is an [`ssl::AnySocket`].
//! * [`Error`] is Python's exception tree; its `Display` is Python's `str(e)`, `e.type_()` is
//!   `type(e)` and `e.isinstance(X)` is `except X:`, with the classes in [`exceptions`] (the
//!   builtins), [`ssl`] and [`socket`]; `fn main() -> pyssl::Main` ends a port as an uncaught
//!   exception ends the script.
//! * [`warnings`] is Python's `warnings` module for the deprecation warnings pyssl emits.
//! * [`pyrepr::PyRepr`] renders returned values exactly as Python's `repr()`.
//! * `asyncio` (cargo feature `asyncio`) is Python's asyncio TLS streams
//!   (`open_connection`, `start_server`, `start_tls`) on tokio.
//!
//! A TLS server and a verifying client on loopback, as the Python would write them:
//!
//! ```
//! use pyssl::pyrepr::PyRepr;
//! use pyssl::{socket, ssl};
//!
//! # fn main() -> pyssl::Result<()> {
//! let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
//! // Python: server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); server.load_cert_chain(cert, key)
//! let server = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
//! server.load_cert_chain(format!("{fixtures}/server.pem"), format!("{fixtures}/server.key").as_str())?;
//! // Python: listener = socket.create_server(('127.0.0.1', 0))
//! let listener = socket::create_server(("127.0.0.1", 0), Default::default())?;
//! let port = listener.getsockname()?.port();
//! let listener = server.wrap_socket(listener, ssl::WrapSocket { server_side: true, ..Default::default() })?;
//! let thread = std::thread::spawn(move || -> pyssl::Result<()> {
//!     // Python: conn, addr = listener.accept(); conn.sendall(conn.recv(1024).upper())
//!     let (mut conn, _addr) = listener.accept()?;
//!     let data = conn.recv(1024)?;
//!     conn.sendall(&data.to_ascii_uppercase())
//! });
//!
//! // Python: ctx = ssl.create_default_context(cafile=ca)
//! let ctx = ssl::create_default_context_with(ssl::CreateDefaultContext {
//!     cafile: Some(&format!("{fixtures}/ca.pem")),
//!     ..Default::default()
//! })?;
//! // Python: with ctx.wrap_socket(socket.create_connection(addr), server_hostname='localhost') as s:
//! let sock = socket::create_connection(("127.0.0.1", port), Default::default())?;
//! let mut s = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
//! // Python:     s.sendall(b'hello'); assert s.recv(1024) == b'HELLO'
//! s.sendall(b"hello")?;
//! assert_eq!(s.recv(1024)?, b"HELLO");
//! assert_eq!(s.version().py_repr(), "'TLSv1.3'");
//! assert_eq!(s.cipher().py_repr(), "('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)");
//! thread.join().unwrap()?;
//!
//! // Python: except ssl.SSLError as e: print(e)
//! let err = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?.set_ciphers("NOPE").unwrap_err();
//! assert!(err.is_ssl_error());
//! assert_eq!(err.to_string(), "('No cipher can be selected.',)");
//! # Ok(())
//! # }
//! ```
//!
//! The classic client against a public server (compiled, not run, as it needs the internet):
//!
//! ```no_run
//! use pyssl::pyrepr::PyRepr;
//! use pyssl::{socket, ssl};
//!
//! # fn main() -> Result<(), pyssl::Error> {
//! // Python: context = ssl.create_default_context()
//! let context = ssl::create_default_context()?;
//! // Python: with socket.create_connection(('example.com', 443)) as sock:
//! let sock = socket::create_connection(("example.com", 443), Default::default())?;
//! //     with context.wrap_socket(sock, server_hostname='example.com') as ssock:
//! let mut ssock = context.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("example.com"), ..Default::default() })?;
//! //         print(ssock.version())
//! println!("{}", ssock.version().py_str());
//! //         ssock.sendall(b'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n')
//! ssock.sendall(b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")?;
//! //         print(ssock.recv(4096).decode())
//! println!("{}", String::from_utf8_lossy(&ssock.recv(4096)?));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![warn(unsafe_op_in_unsafe_fn)]

#[cfg(feature = "asyncio")]
pub mod asyncio;
mod encodings;
mod error;
pub mod exceptions;
mod ffi;
mod path_arg;
pub mod pyrepr;
pub mod select;
pub mod socket;
pub mod ssl;
pub mod warnings;

pub use error::{
    Error, ExceptionType, Main, OSError, Result, SSLError, SSLErrorKind, UnicodeDecodeError,
    UnicodeEncodeError,
};

/// `docs/porting.md`'s Rust examples, run by `cargo test --doc` (its `text` blocks are not).
#[cfg(doctest)]
#[doc = include_str!("../docs/porting.md")]
pub struct PortingGuide;
