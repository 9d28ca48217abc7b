//! Python's `warnings` module, for the warnings pyssl emits (`DeprecationWarning: ssl.PROTOCOL_TLS
//! is deprecated`, ...): the same filters and actions, and a scoped recorder for tests.
//!
//! ```text
//! Python:  import warnings
//!          warnings.simplefilter('error', DeprecationWarning)
//!          warnings.filterwarnings('ignore', message='ssl.PROTOCOL_TLS')
//!          with warnings.catch_warnings(record=True) as w: ...
//! Rust:    use pyssl::warnings;  use pyssl::exceptions::*;
//!          warnings::simplefilter("error", DeprecationWarning)?;
//!          warnings::filterwarnings("ignore", warnings::FilterWarnings { message: "ssl.PROTOCOL_TLS", ..Default::default() })?;
//!          { let w = warnings::catch_warnings(warnings::CatchWarnings { record: true, ..Default::default() })?; ... }
//! ```
//!
//! A warning is attributed to the line that called pyssl (`#[track_caller]`), as CPython
//! attributes it to the script's line. The filters start as CPython 3.13's defaults for a script
//! run as `python3 script.py`: a `DeprecationWarning` is shown once per calling line when the
//! program's own code made the call (Python's `__main__`), and ignored when pyssl made it
//! itself (CPython's `ssl.py`: e.g. the `PROTOCOL_TLS` context that the 3.11 `wrap_socket`
//! creates); other categories are shown once per line.
//!
//! **Where a shown warning goes** is the one difference: CPython prints it on stderr
//! (`script.py:7: DeprecationWarning: ssl.TLSVersion.TLSv1 is deprecated`), pyssl sends that
//! line to the `log` crate at `warn` level, because a library should not write to a program's
//! stderr unasked. One line at the start of `main` prints them as Python does:
//!
//! ```text
//! Python:  (default)
//! Rust:    pyssl::warnings::print_to_stderr();
//! ```
//!
//! Rust has no module names at run time: a call from outside pyssl's sources counts as module
//! `'__main__'`, one from inside as `'ssl'`, and `filename` is the Rust source file.
//!
//! ```
//! use pyssl::exceptions::*;
//! use pyssl::{ssl, warnings, Error};
//! # fn main() -> pyssl::Result<()> {
//! // Python: with warnings.catch_warnings(record=True) as w:
//! //             warnings.simplefilter('always')
//! //             ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
//! //         print(w[0].category.__name__, w[0].message)
//! {
//!     let w = warnings::catch_warnings(warnings::CatchWarnings { record: true, ..Default::default() })?;
//!     warnings::simplefilter("always", Warning)?;
//!     let _ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2)?;
//!     let recorded = w.recorded();
//!     assert_eq!(recorded[0].category, DeprecationWarning);
//!     assert_eq!(recorded[0].message, "ssl.PROTOCOL_TLSv1_2 is deprecated");
//! }
//! // Python: warnings.simplefilter('error'); ssl.SSLContext(ssl.PROTOCOL_TLS)
//! //   ->  DeprecationWarning: ssl.PROTOCOL_TLS is deprecated (raised)
//! {
//!     let _w = warnings::catch_warnings(warnings::CatchWarnings { action: Some("error"), ..Default::default() })?;
//!     let e = ssl::SSLContext::new(ssl::PROTOCOL_TLS).unwrap_err();
//!     assert_eq!(e, Error::DeprecationWarning("ssl.PROTOCOL_TLS is deprecated".into()));
//!     assert!(e.isinstance(Warning));
//! }
//! # Ok(())
//! # }
//! ```

mod pattern;
mod state;

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::panic::Location;
use std::rc::Rc;

use crate::error::{Error, ExceptionType, Result};
use crate::pyrepr::{PyRepr, PyStr};
use pattern::Pattern;
use state::{Decision, Scope};

/// One warning as a filter saw it and `showwarning` receives it: Python's
/// `warnings.WarningMessage` (the items of a `catch_warnings(record=True)` list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningMessage {
    /// `str(w.message)`: `'ssl.PROTOCOL_TLS is deprecated'`.
    pub message: String,
    /// `w.category`: `DeprecationWarning`, ...
    pub category: ExceptionType,
    /// `w.filename`: the Rust source file of the line that called pyssl.
    pub filename: String,
    /// `w.lineno`.
    pub lineno: u32,
}

impl WarningMessage {
    /// `warnings.formatwarning(...)` as CPython writes it to stderr when the source line cannot
    /// be read: `file.rs:7: DeprecationWarning: ssl.TLSVersion.TLSv1 is deprecated\n`.
    pub fn formatwarning(&self) -> String {
        format!(
            "{}:{}: {}: {}\n",
            self.filename,
            self.lineno,
            self.category.__name__(),
            self.message
        )
    }
}

impl fmt::Display for WarningMessage {
    /// Python's `str(w)`: `{message : DeprecationWarning('...'), category : 'DeprecationWarning',
    /// filename : '...', lineno : 7, line : None}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{message : {}({}), category : {}, filename : {}, lineno : {}, line : None}}",
            self.category.__name__(),
            PyStr(&self.message).py_repr(),
            PyStr(self.category.__name__()).py_repr(),
            PyStr(&self.filename).py_repr(),
            self.lineno
        )
    }
}

/// One entry of `warnings.filters`: `(action, message, category, module, lineno)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// `'default'`, `'error'`, `'ignore'`, `'always'`, `'module'` or `'once'`.
    pub action: &'static str,
    /// The message regular expression (matched case-insensitively at the start), or `None`.
    pub message: Option<String>,
    /// The category the warning must be a subclass of.
    pub category: ExceptionType,
    /// The module regular expression, or `None`.
    pub module: Option<String>,
    /// The line number, `0` for any.
    pub lineno: u32,
    matcher: Matchers,
}

/// How a filter's message and module are compared; not part of the public tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Matchers {
    message: Option<Pattern>,
    module: Option<Pattern>,
    /// CPython's built-in default filters name `'__main__'` as a plain string, compared equal
    /// (not as a regular expression).
    module_is_text: bool,
}

impl Filter {
    fn matches(&self, text: &str, category: ExceptionType, module: &str, lineno: u32) -> bool {
        let module_ok = match (&self.module, self.matcher.module_is_text) {
            (None, _) => true,
            (Some(m), true) => m == module,
            (Some(_), false) => self
                .matcher
                .module
                .as_ref()
                .is_some_and(|p| p.matches(module)),
        };
        self.matcher
            .message
            .as_ref()
            .map_or(true, |p| p.matches(text))
            && category.issubclass(self.category)
            && module_ok
            && (self.lineno == 0 || self.lineno == lineno)
    }
}

impl PyRepr for Filter {
    /// The tuple as `print(warnings.filters)` shows it:
    /// `('default', None, <class 'DeprecationWarning'>, '__main__', 0)`,
    /// `('ignore', re.compile('ssl', re.IGNORECASE), <class 'Warning'>, None, 0)`.
    fn py_repr(&self) -> String {
        let message = match &self.message {
            Some(m) => format!("re.compile({}, re.IGNORECASE)", PyStr(m).py_repr()),
            None => "None".to_string(),
        };
        let module = match (&self.module, self.matcher.module_is_text) {
            (Some(m), true) => PyStr(m).py_repr(),
            (Some(m), false) => format!("re.compile({})", PyStr(m).py_repr()),
            (None, _) => "None".to_string(),
        };
        format!(
            "({}, {message}, {}, {module}, {})",
            PyStr(self.action).py_repr(),
            self.category.py_repr(),
            self.lineno
        )
    }
}

const ACTIONS: [&str; 6] = ["error", "ignore", "always", "default", "module", "once"];

fn check_action(action: &str) -> Result<&'static str> {
    ACTIONS
        .iter()
        .find(|a| **a == action)
        .copied()
        .ok_or_else(|| Error::value(format!("invalid action: {}", PyStr(action).py_repr())))
}

fn check_category(category: ExceptionType) -> Result<()> {
    if !category.issubclass(ExceptionType::Warning) {
        return Err(Error::type_error("category must be a Warning subclass"));
    }
    Ok(())
}

/// The keyword arguments of [`filterwarnings`], with Python's defaults.
#[derive(Debug, Clone, Copy)]
pub struct FilterWarnings<'a> {
    /// `message`: a regular expression the start of the warning's text must match
    /// (case-insensitively); `""` for any.
    pub message: &'a str,
    /// `category` (default `Warning`, every category).
    pub category: ExceptionType,
    /// `module`: a regular expression the start of the module name must match (`'__main__'`
    /// for the program's own calls, `'ssl'` for pyssl's); `""` for any.
    pub module: &'a str,
    /// `lineno`: `0` for any line.
    pub lineno: u32,
    /// `append`: add at the end of the list instead of the front.
    pub append: bool,
}

impl Default for FilterWarnings<'_> {
    fn default() -> Self {
        FilterWarnings {
            message: "",
            category: ExceptionType::Warning,
            module: "",
            lineno: 0,
            append: false,
        }
    }
}

/// `warnings.filterwarnings(action, message='', category=Warning, module='', lineno=0,
/// append=False)`: a filter on message, category, module and line.
///
/// ```text
/// Python:  warnings.filterwarnings('ignore', message='ssl.PROTOCOL_TLS', category=DeprecationWarning)
/// Rust:    warnings::filterwarnings("ignore", warnings::FilterWarnings { message: "ssl.PROTOCOL_TLS", category: DeprecationWarning, ..Default::default() })?;
/// ```
///
/// Errors are Python's: `ValueError('invalid action: ...')`, `TypeError('category must be a
/// Warning subclass')`. The regular expressions support the usual syntax of filters (see
/// [`Filter`]); look-arounds, back-references and inline flags are a `ValueError`.
pub fn filterwarnings(action: &str, kw: FilterWarnings<'_>) -> Result<()> {
    let action = check_action(action)?;
    check_category(kw.category)?;
    let message = (!kw.message.is_empty())
        .then(|| Pattern::compile(kw.message, true))
        .transpose()?;
    let module = (!kw.module.is_empty())
        .then(|| Pattern::compile(kw.module, false))
        .transpose()?;
    let filter = Filter {
        action,
        message: message.as_ref().map(|p| p.source.clone()),
        category: kw.category,
        module: module.as_ref().map(|p| p.source.clone()),
        lineno: kw.lineno,
        matcher: Matchers {
            message,
            module,
            module_is_text: false,
        },
    };
    state::with(|s| s.add_filter(filter, kw.append));
    Ok(())
}

/// `warnings.simplefilter(action, category)`: a filter on the category alone (`Warning` for
/// every category, Python's default argument).
///
/// ```text
/// Python:  warnings.simplefilter('error')                     warnings.simplefilter('ignore', DeprecationWarning)
/// Rust:    warnings::simplefilter("error", Warning)?;         warnings::simplefilter("ignore", DeprecationWarning)?;
/// ```
///
/// The actions are Python's: `"error"` makes the call that warns return the warning as its
/// `Err` (`Error::DeprecationWarning`), `"ignore"` drops it, `"always"` shows every occurrence,
/// `"default"` the first per calling line, `"module"` the first per module, and `"once"` too
/// (CPython's C implementation keeps `"once"` in the module's registry, so it is once per
/// module; its documentation says once per process). Inside a [`catch_warnings()`] scope the
/// change lasts until the scope ends.
pub fn simplefilter(action: &str, category: ExceptionType) -> Result<()> {
    simplefilter_at(action, category, 0, false)
}

/// `simplefilter(action, category, lineno, append)`. Like CPython's, it does not check that
/// `category` is a warning category (a filter on `ValueError` just never matches).
fn simplefilter_at(action: &str, category: ExceptionType, lineno: u32, append: bool) -> Result<()> {
    let filter = Filter {
        action: check_action(action)?,
        message: None,
        category,
        module: None,
        lineno,
        matcher: Matchers {
            message: None,
            module: None,
            module_is_text: false,
        },
    };
    state::with(|s| s.add_filter(filter, append));
    Ok(())
}

/// `warnings.resetwarnings()`: removes every filter, CPython's defaults included (then every
/// warning gets the `"default"` action: shown once per line).
pub fn resetwarnings() {
    state::with(|s| s.reset());
}

/// `warnings.filters`: the current filters, first match first.
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::warnings;
///
/// // Python: print(warnings.filters[:2])  (a script's defaults)
/// let filters = warnings::filters();
/// assert_eq!(filters[0].py_repr(), "('default', None, <class 'DeprecationWarning'>, '__main__', 0)");
/// assert_eq!(filters[1].py_repr(), "('ignore', None, <class 'DeprecationWarning'>, None, 0)");
/// ```
pub fn filters() -> Vec<Filter> {
    state::with(|s| s.filters.clone())
}

/// Where pyssl shows a warning that passes the filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Log,
    Stderr,
}

static STDERR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn output() -> Output {
    if STDERR.load(std::sync::atomic::Ordering::Relaxed) {
        Output::Stderr
    } else {
        Output::Log
    }
}

/// Shows warnings as CPython does: on stderr, `file.rs:7: DeprecationWarning: text` (without
/// the source line CPython adds when it can read the file). The one line a port adds at the
/// start of `main` to warn like Python; for the whole process.
///
/// ```text
/// Python:  (the default)
/// Rust:    pyssl::warnings::print_to_stderr();
/// ```
pub fn print_to_stderr() {
    STDERR.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Shows warnings through the `log` crate at `warn` level (target `pyssl::warnings`): pyssl's
/// default, restored.
pub fn send_to_log() {
    STDERR.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// The keyword arguments of [`catch_warnings()`], with Python's defaults.
#[derive(Debug, Clone, Copy)]
pub struct CatchWarnings<'a> {
    /// `record`: keep the shown warnings in the scope ([`catch_warnings::recorded`]) instead
    /// of showing them.
    pub record: bool,
    /// `action`: if set, `simplefilter(action, category, lineno, append)` at the start.
    pub action: Option<&'a str>,
    /// `category` for `action` (default `Warning`).
    pub category: ExceptionType,
    /// `lineno` for `action`.
    pub lineno: u32,
    /// `append` for `action`.
    pub append: bool,
}

impl Default for CatchWarnings<'_> {
    fn default() -> Self {
        CatchWarnings {
            record: false,
            action: None,
            category: ExceptionType::Warning,
            lineno: 0,
            append: false,
        }
    }
}

/// A `with warnings.catch_warnings(...)` block: until the value is dropped, this thread's
/// warnings go through a copy of the filters (changed freely, restored at the end), with their
/// own once-per-line registries, and with `record: true` are kept in the scope instead of shown.
///
/// Unlike CPython's, which swaps the process-wide filters (and is not thread-safe), the scope is
/// the calling thread's: tests running in parallel threads each see only their own warnings,
/// and warnings emitted by other threads (a server thread spawned inside the scope, say) are
/// not caught. Scopes nest; drop them in reverse order of creation, as `with` blocks end.
#[must_use = "the scope ends when this value is dropped: bind it to a named variable"]
#[allow(non_camel_case_types)]
pub struct catch_warnings {
    saved: Option<Scope>,
    log: Option<Rc<RefCell<Vec<WarningMessage>>>>,
    /// Thread-bound: the scope lives in this thread's state.
    _thread: PhantomData<Rc<()>>,
}

/// `warnings.catch_warnings(record=..., action=..., category=..., lineno=..., append=...)`,
/// entered: the scope lasts until the returned value is dropped.
///
/// ```text
/// Python:  with warnings.catch_warnings(record=True) as w:
///              warnings.simplefilter('always')
///              ...
///          assert w[0].category is DeprecationWarning
/// Rust:    let w = warnings::catch_warnings(warnings::CatchWarnings { record: true, ..Default::default() })?;
///          warnings::simplefilter("always", Warning)?;
///          ...
///          assert_eq!(w.recorded()[0].category, DeprecationWarning);
/// ```
pub fn catch_warnings(kw: CatchWarnings<'_>) -> Result<catch_warnings> {
    if let Some(action) = kw.action {
        check_action(action)?;
    }
    let log = kw.record.then(|| Rc::new(RefCell::new(Vec::new())));
    let saved = state::enter_scope(log.clone());
    let guard = catch_warnings {
        saved,
        log,
        _thread: PhantomData,
    };
    if let Some(action) = kw.action {
        simplefilter_at(action, kw.category, kw.lineno, kw.append)?;
    }
    Ok(guard)
}

impl catch_warnings {
    /// The warnings recorded so far (`w` of `as w`), oldest first; empty without `record`.
    pub fn recorded(&self) -> Vec<WarningMessage> {
        self.log
            .as_ref()
            .map(|log| log.borrow().clone())
            .unwrap_or_default()
    }
}

impl Drop for catch_warnings {
    fn drop(&mut self) {
        state::leave_scope(self.saved.take());
    }
}

/// Emits a `DeprecationWarning` from the line that called pyssl (the public function calling
/// this carries `#[track_caller]`); `Err` when an `"error"` filter turns it into an exception.
#[track_caller]
pub(crate) fn deprecated(message: &str) -> Result<()> {
    warn_explicit(
        ExceptionType::DeprecationWarning,
        message,
        Location::caller(),
        Error::DeprecationWarning,
    )
}

/// Emits a `RuntimeWarning`, attributed as [`deprecated`] attributes.
#[track_caller]
pub(crate) fn runtime_warning(message: &str) -> Result<()> {
    warn_explicit(
        ExceptionType::RuntimeWarning,
        message,
        Location::caller(),
        Error::RuntimeWarning,
    )
}

fn warn_explicit(
    category: ExceptionType,
    message: &str,
    location: &Location<'_>,
    raise: fn(String) -> Error,
) -> Result<()> {
    let filename = location.file();
    let lineno = location.line();
    let module = module_of(filename);
    let decision = state::with(|s| s.decide(message, category, filename, lineno, module));
    let msg = WarningMessage {
        message: message.to_string(),
        category,
        filename: filename.to_string(),
        lineno,
    };
    match decision {
        Decision::Ignore => Ok(()),
        Decision::Raise => Err(raise(message.to_string())),
        Decision::Show => {
            if !state::record(&msg) {
                match output() {
                    Output::Stderr => eprint!("{}", msg.formatwarning()),
                    Output::Log => {
                        log::warn!(target: "pyssl::warnings", "{}", msg.formatwarning().trim_end())
                    }
                }
            }
            Ok(())
        }
    }
}

/// The module a warning is attributed to: `'ssl'` inside pyssl's library sources (CPython's
/// `ssl.py`), `'__main__'` elsewhere (the program; Rust has no module names at run time).
fn module_of(filename: &str) -> &'static str {
    const HERE: &str = file!();
    let root = HERE.strip_suffix("src/warnings/mod.rs").unwrap_or("");
    let inside = filename
        .strip_prefix(root)
        .and_then(|rest| rest.strip_prefix("src/"))
        .is_some_and(|rest| !rest.starts_with("bin/"));
    if inside {
        "ssl"
    } else {
        "__main__"
    }
}
