//! Ending a ported script as Python ends one whose exception escapes: the traceback's last line
//! on stderr and exit status 1.
//!
//! ```text
//! Python:  (an uncaught exception)      ->  stderr ends with  ssl.SSLCertVerificationError: [SSL: ...] ...
//!                                           exit status 1
//! Rust:    fn main() -> pyssl::Main { run().into() }
//!          fn run() -> pyssl::Result<()> { ... }
//! ```

use std::io::Write as _;
use std::process::{ExitCode, Termination};

use super::Error;

/// What a ported script's `main` returns so that it ends as the Python script ends: on `Err`,
/// the traceback's last line ([`Error::format_exception_only`]) on stderr and exit status 1;
/// on `Ok`, what `T` reports (exit status 0 for `()`).
///
/// The script's body goes into a function returning [`crate::Result`], where `?` propagates an
/// exception as Python's `raise` does, and `main` converts its result:
///
/// ```no_run
/// use pyssl::{socket, ssl};
///
/// // Python: ctx = ssl.create_default_context()
/// //         with socket.create_connection(('localhost', 8443)) as sock:
/// //             with ctx.wrap_socket(sock, server_hostname='localhost') as ssock:
/// //                 print(ssock.version())
/// fn run() -> pyssl::Result<()> {
///     let ctx = ssl::create_default_context()?;
///     let sock = socket::create_connection(("localhost", 8443), Default::default())?;
///     let ssock = ctx.wrap_socket(sock, ssl::WrapSocket { server_hostname: Some("localhost"), ..Default::default() })?;
///     println!("{}", ssock.version().unwrap_or_default());
///     Ok(())
/// }
///
/// // An untrusted server ends both programs with, on stderr,
/// // ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ...
/// // and exit status 1.
/// fn main() -> pyssl::Main {
///     run().into()
/// }
/// ```
///
/// Why this shape: `fn main() -> Result<(), pyssl::Error>` prints `Error: ` and the `Debug`
/// form (`Error: SSLError(SSLError { kind: ... })`), not Python's line, and stable Rust lets
/// `?` return only a `Result` or an `Option`, so the body stays an ordinary function and `main`
/// is one line. Only the last line of Python's traceback is printed: a Rust program has no
/// Python frames to show.
#[must_use = "return it from main: the exit status and the error line come from it"]
#[derive(Debug)]
pub struct Main<T = ()>(pub Result<T, Error>);

impl<T, E: Into<Error>> From<Result<T, E>> for Main<T> {
    fn from(result: Result<T, E>) -> Main<T> {
        Main(result.map_err(Into::into))
    }
}

impl<T: Termination> Termination for Main<T> {
    fn report(self) -> ExitCode {
        match self.0 {
            Ok(value) => value.report(),
            Err(e) => {
                // What the script printed comes first, as it did before the exception.
                let _ = std::io::stdout().flush();
                let _ = writeln!(std::io::stderr(), "{}", e.format_exception_only());
                ExitCode::from(1)
            }
        }
    }
}
