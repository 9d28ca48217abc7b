//! The filters and registries behind [`super`]: process-wide like CPython's, or a thread's own
//! while a `catch_warnings` scope is open on it. The decision is CPython's `warn_explicit`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::{LazyLock, Mutex, PoisonError};

use super::{Filter, Matchers, WarningMessage};
use crate::error::ExceptionType;

/// What to do with one warning.
pub(super) enum Decision {
    Ignore,
    Raise,
    Show,
}

/// A module's `__warningregistry__`: the `(text, category, lineno)` keys already shown, valid
/// while `version` is the filters' version.
#[derive(Debug, Clone, Default)]
struct Registry {
    version: u64,
    shown: BTreeSet<(String, ExceptionType, u32)>,
}

#[derive(Debug, Clone)]
pub(super) struct State {
    pub(super) filters: Vec<Filter>,
    /// `_filters_version`: bumped by every change of the filters, which clears the registries.
    version: u64,
    /// The registries, per file (a Rust file is the unit a Python module's globals are).
    registries: BTreeMap<String, Registry>,
}

impl State {
    /// CPython 3.13's default filters for a script (a release build, no `-W`, no dev mode).
    fn python_defaults() -> State {
        let simple = |action, category, module: Option<&str>| Filter {
            action,
            message: None,
            category,
            module: module.map(str::to_string),
            lineno: 0,
            matcher: Matchers {
                message: None,
                module: None,
                module_is_text: module.is_some(),
            },
        };
        State {
            filters: vec![
                simple(
                    "default",
                    ExceptionType::DeprecationWarning,
                    Some("__main__"),
                ),
                simple("ignore", ExceptionType::DeprecationWarning, None),
                simple("ignore", ExceptionType::PendingDeprecationWarning, None),
                simple("ignore", ExceptionType::ImportWarning, None),
                simple("ignore", ExceptionType::ResourceWarning, None),
            ],
            version: 1,
            registries: BTreeMap::new(),
        }
    }

    fn mutated(&mut self) {
        self.version += 1;
    }

    /// `_add_filter`: a duplicate moves to the front, or stays where it is with `append`.
    pub(super) fn add_filter(&mut self, filter: Filter, append: bool) {
        if append {
            if !self.filters.contains(&filter) {
                self.filters.push(filter);
            }
        } else {
            self.filters.retain(|f| f != &filter);
            self.filters.insert(0, filter);
        }
        self.mutated();
    }

    pub(super) fn reset(&mut self) {
        self.filters.clear();
        self.mutated();
    }

    /// CPython's `warn_explicit` (its C version, `_warnings.c`), up to showing. As there,
    /// `"once"` is once per module: the module's registry, which every warning has, takes the
    /// place of the process-wide `onceregistry`, so `"once"` and `"module"` agree.
    pub(super) fn decide(
        &mut self,
        text: &str,
        category: ExceptionType,
        filename: &str,
        lineno: u32,
        module: &str,
    ) -> Decision {
        let version = self.version;
        let registry = self.registries.entry(filename.to_string()).or_default();
        if registry.version != version {
            registry.shown.clear();
            registry.version = version;
        }
        let key = (text.to_string(), category, lineno);
        if registry.shown.contains(&key) {
            return Decision::Ignore;
        }
        let action = self
            .filters
            .iter()
            .find(|f| f.matches(text, category, module, lineno))
            .map_or("default", |f| f.action);
        match action {
            "ignore" => Decision::Ignore,
            "error" => Decision::Raise,
            "once" | "module" => {
                registry.shown.insert(key);
                if registry.shown.insert((text.to_string(), category, 0)) {
                    Decision::Show
                } else {
                    Decision::Ignore
                }
            }
            "default" => {
                registry.shown.insert(key);
                Decision::Show
            }
            // "always"
            _ => Decision::Show,
        }
    }
}

static GLOBAL: LazyLock<Mutex<State>> = LazyLock::new(|| Mutex::new(State::python_defaults()));

/// A `catch_warnings` scope: its own state, and where recorded warnings go.
pub(super) struct Scope {
    state: State,
    log: Option<Rc<RefCell<Vec<WarningMessage>>>>,
}

thread_local! {
    static SCOPE: RefCell<Option<Scope>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread's scope if one is open, else on the process-wide state.
pub(super) fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    SCOPE.with(|scope| match scope.borrow_mut().as_mut() {
        Some(scope) => f(&mut scope.state),
        None => {
            // A panic while the lock was held leaves the state consistent (each change is one
            // assignment or push), so a poisoned lock is still usable.
            let mut global = GLOBAL.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut global)
        }
    })
}

/// Opens a scope on this thread (a copy of the current filters, fresh registries as after
/// CPython's `_filters_mutated`); returns the scope it replaces.
pub(super) fn enter_scope(log: Option<Rc<RefCell<Vec<WarningMessage>>>>) -> Option<Scope> {
    let mut state = with(|s| s.clone());
    state.mutated();
    SCOPE.with(|scope| {
        let mut scope = scope.borrow_mut();
        // Without `record`, an enclosing scope's recording goes on (CPython keeps the
        // `showwarning` it found).
        let log = log.or_else(|| scope.as_ref().and_then(|s| s.log.clone()));
        scope.replace(Scope { state, log })
    })
}

/// Closes this thread's scope, restoring `saved`.
pub(super) fn leave_scope(saved: Option<Scope>) {
    SCOPE.with(|scope| *scope.borrow_mut() = saved);
}

/// Keeps `msg` in this thread's recording scope; `false` when there is none.
pub(super) fn record(msg: &WarningMessage) -> bool {
    SCOPE.with(
        |scope| match scope.borrow().as_ref().and_then(|s| s.log.as_ref()) {
            Some(log) => {
                log.borrow_mut().push(msg.clone());
                true
            }
            None => false,
        },
    )
}
