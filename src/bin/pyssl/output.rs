//! Printing that never panics.
//!
//! Rust ignores SIGPIPE, so when stdout is a pipe whose reader has gone (`pyssl ciphers ALL |
//! head -1`) a write fails with EPIPE, and `println!` panics on it. Here a gone reader ends the
//! program at once, silently and with status 0, as a Unix filter stopped by SIGPIPE leaves no
//! message (and the shell's `$?` of a pipeline is its last command's anyway); any other stdout
//! failure (a full disk) is a message on stderr and status 1. A failed write to stderr is
//! ignored: there is no one left to tell.

use std::fmt;
use std::io::{self, ErrorKind, Write};

/// `print!` that ends the program quietly when stdout's reader has gone.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::stdout(format_args!($($arg)*))
    };
}

/// `println!` that ends the program quietly when stdout's reader has gone.
macro_rules! outln {
    () => {
        $crate::output::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that ignores a failed write.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes to stdout; see the module's doc for what a failure does.
pub fn stdout(args: fmt::Arguments<'_>) {
    let result = io::stdout().lock().write_fmt(args);
    if let Err(e) = result {
        stdout_failed(e);
    }
}

/// Writes to stderr, ignoring failure.
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

fn stdout_failed(e: io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    stderr(format_args!("pyssl: cannot write to stdout: {e}\n"));
    std::process::exit(1);
}

/// What a Python program without logging configuration does with its library's log records:
/// `logging.lastResort` prints warnings and errors, the message alone, on stderr. Installed by
/// `pyssl serve --asyncio`, so that what `pyssl::asyncio` logs (an accept out of descriptors,
/// say) is seen as CPython's asyncio server shows it.
#[cfg(feature = "asyncio")]
pub struct LastResort;

#[cfg(feature = "asyncio")]
impl log::Log for LastResort {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            stderr(format_args!("{}\n", record.args()));
        }
    }

    fn flush(&self) {}
}

/// Installs [`LastResort`] unless a logger is already set.
#[cfg(feature = "asyncio")]
pub fn install_last_resort() {
    static LOGGER: LastResort = LastResort;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}
