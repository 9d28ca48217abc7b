//! `pyssl::warnings` against CPython 3.13's `warnings`: the text and category of every warning
//! pyssl emits, which module it is attributed to, each filter action, `filterwarnings`'
//! message/module/lineno/append, the filter list, the errors for bad arguments, and the
//! thread-scoped `catch_warnings`.
//!
//! Every test here works inside a `catch_warnings` scope (the scope is the thread's, so the
//! tests of this binary, which run in parallel threads, do not see each other's filters).

mod common;

use std::process::Stdio;
use std::sync::{Mutex, OnceLock};

use pyssl::exceptions::*;
use pyssl::pyrepr::PyRepr;
use pyssl::{ssl, warnings, Error};

/// Runs `code` under CPython 3.13 as a script's `__main__` with the default warning filters
/// (no `-W`, unlike `common::run_python`).
fn py_default_filters(code: &str, args: &[&str]) -> String {
    common::py313("pass", &[]);
    let out = common::python313()
        .arg("-c")
        .arg(code)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn record() -> warnings::catch_warnings {
    warnings::catch_warnings(warnings::CatchWarnings {
        record: true,
        ..Default::default()
    })
    .unwrap()
}

/// `Category: text (where)` for each recorded warning, `where` being `main` for this file's
/// lines and `ssl` for pyssl's own (CPython: the script, or `ssl.py`).
fn describe(w: &warnings::catch_warnings) -> Vec<String> {
    w.recorded()
        .iter()
        .map(|m| {
            let place = if m.filename == file!() {
                "main"
            } else {
                assert!(m.filename.contains("src/ssl/"), "{}", m.filename);
                "ssl"
            };
            format!("{}: {} ({place})", m.category.__name__(), m.message)
        })
        .collect()
}

const PY_DESCRIBE: &str = r#"
import ssl, socket, warnings, sys
def describe(ws):
    return [f"{w.category.__name__}: {w.message} ({'main' if w.filename == '<string>' else 'ssl'})" for w in ws]
"#;

#[test]
fn every_warning_pyssl_emits_has_cpythons_text_category_and_place() {
    let theirs = py_default_filters(
        &format!(
            r#"{PY_DESCRIBE}
out = []
def case(f):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        try:
            f()
        except ValueError as e:
            out.append('ValueError: ' + str(e))
    out.extend(describe(w))
for p in ['PROTOCOL_TLS', 'PROTOCOL_SSLv23', 'PROTOCOL_TLSv1', 'PROTOCOL_TLSv1_1', 'PROTOCOL_TLSv1_2',
          'PROTOCOL_TLS_CLIENT', 'PROTOCOL_TLS_SERVER']:
    case(lambda: ssl.SSLContext(getattr(ssl, p)))
for o in ['OP_NO_SSLv2', 'OP_NO_SSLv3', 'OP_NO_TLSv1', 'OP_NO_TLSv1_1', 'OP_NO_TLSv1_2', 'OP_NO_TLSv1_3', 'OP_NO_TICKET']:
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    case(lambda: setattr(c, 'options', c.options | getattr(ssl, o)))
    case(lambda: setattr(c, 'options', c.options | getattr(ssl, o)))
for v in ['SSLv3', 'TLSv1', 'TLSv1_1', 'TLSv1_2', 'TLSv1_3', 'MINIMUM_SUPPORTED', 'MAXIMUM_SUPPORTED']:
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    case(lambda: setattr(c, 'minimum_version', getattr(ssl.TLSVersion, v)))
    case(lambda: setattr(c, 'maximum_version', getattr(ssl.TLSVersion, v)))
c12 = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
case(lambda: setattr(c12, 'minimum_version', ssl.TLSVersion.TLSv1))
case(lambda: ssl._create_unverified_context(ssl.PROTOCOL_TLS))
case(lambda: ssl.create_default_context())
print('\n'.join(out))
"#
        ),
        &[],
    );
    let mut ours = Vec::new();
    let mut case = |f: &dyn Fn() -> pyssl::Result<()>| {
        let w = record();
        warnings::simplefilter("always", Warning).unwrap();
        match f() {
            Ok(()) => {}
            Err(Error::ValueError(m)) => ours.push(format!("ValueError: {m}")),
            Err(e) => panic!("{e}"),
        }
        ours.extend(describe(&w));
    };
    for p in [
        ssl::PROTOCOL_TLS,
        ssl::PROTOCOL_SSLv23,
        ssl::PROTOCOL_TLSv1,
        ssl::PROTOCOL_TLSv1_1,
        ssl::PROTOCOL_TLSv1_2,
        ssl::PROTOCOL_TLS_CLIENT,
        ssl::PROTOCOL_TLS_SERVER,
    ] {
        case(&|| ssl::SSLContext::new(p).map(drop));
    }
    for o in [
        ssl::OP_NO_SSLv2,
        ssl::OP_NO_SSLv3,
        ssl::OP_NO_TLSv1,
        ssl::OP_NO_TLSv1_1,
        ssl::OP_NO_TLSv1_2,
        ssl::OP_NO_TLSv1_3,
        ssl::OP_NO_TICKET,
    ] {
        let c = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        // A bit already set warns no more.
        case(&|| c.set_options(o));
        case(&|| c.set_options(o));
    }
    for v in [
        ssl::TLSVersion::SSLv3,
        ssl::TLSVersion::TLSv1,
        ssl::TLSVersion::TLSv1_1,
        ssl::TLSVersion::TLSv1_2,
        ssl::TLSVersion::TLSv1_3,
        ssl::TLSVersion::MINIMUM_SUPPORTED,
        ssl::TLSVersion::MAXIMUM_SUPPORTED,
    ] {
        let c = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        case(&|| c.set_minimum_version(v));
        case(&|| c.set_maximum_version(v));
    }
    let c12 = {
        let _quiet = record();
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2).unwrap()
    };
    case(&|| c12.set_minimum_version(ssl::TLSVersion::TLSv1));
    case(&|| {
        ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext {
            protocol: Some(ssl::PROTOCOL_TLS),
            ..Default::default()
        })
        .map(drop)
    });
    case(&|| ssl::create_default_context().map(drop));
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    assert!(ours.len() > 15, "{ours:#?}");
}

#[test]
#[allow(deprecated)]
fn the_names_312_removed_warn_as_cpython_311_did() {
    let theirs = common::run_python(
        common::python311(),
        &format!(
            r#"{PY_DESCRIBE}
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter('always')
    ssl.match_hostname({{'subject': ((('commonName', 'example.com'),),)}}, 'example.com')
    a, b = socket.socketpair()
    try:
        ssl.wrap_socket(a, server_side=True)
    except ValueError as e:
        print('ValueError:', e)
print('\n'.join(describe(w)))
"#
        ),
        &[],
    );
    let w = record();
    warnings::simplefilter("always", Warning).unwrap();
    let cert = ssl::CertDict {
        subject: ssl::Name(vec![ssl::Rdn(vec![(
            "commonName".to_string(),
            ssl::NameValue::Str("example.com".to_string()),
        )])]),
        issuer: ssl::Name::default(),
        version: 3,
        serialNumber: "01".into(),
        notBefore: "Jan  1 00:00:00 2020 GMT".into(),
        notAfter: "Dec 18 23:59:59 2099 GMT".into(),
        subjectAltName: None,
        OCSP: None,
        caIssuers: None,
        crlDistributionPoints: None,
    };
    ssl::match_hostname(&cert, "example.com").unwrap();
    let (a, _b) = pyssl::socket::socketpair().unwrap();
    let e = ssl::wrap_socket(
        a,
        ssl::WrapSocketArgs {
            server_side: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    let mut ours = vec![format!("ValueError: {e}")];
    ours.extend(describe(&w));
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

/// The scenario each action is tried on: two lines with one text, a third line with another
/// text, and the same text as the third from inside ssl (`_create_unverified_context`), twice.
const PY_SCENARIO: &str = r#"
def scenario():
    for i in range(2):
        ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)  # A
        ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)  # B
        ssl.SSLContext(ssl.PROTOCOL_TLS)  # C
        ssl._create_unverified_context(ssl.PROTOCOL_TLS)  # ssl
def label(w):
    if w.filename != '<string>':
        return 'ssl'
    return 'ABC'[w.lineno - scenario.__code__.co_firstlineno - 2]
def run(setup):
    with warnings.catch_warnings(record=True) as w:
        try:
            setup()
            scenario()
        except Warning as e:
            print(f'raised {type(e).__name__}: {e}', end=' ')
    print(' '.join(f'{label(m)}:{m.message}' for m in w))
"#;

fn scenario() -> pyssl::Result<u32> {
    let first = line!() + 2;
    for _ in 0..2 {
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2)?; // A
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_2)?; // B
        ssl::SSLContext::new(ssl::PROTOCOL_TLS)?; // C
        ssl::_create_unverified_context_with(ssl::CreateUnverifiedContext {
            protocol: Some(ssl::PROTOCOL_TLS),
            ..Default::default()
        })?; // ssl
    }
    Ok(first)
}

/// `run(setup)` of [`PY_SCENARIO`] in pyssl.
fn run(setup: impl FnOnce() -> pyssl::Result<()>) -> String {
    let w = record();
    let mut out = String::new();
    let first = scenario_first_line();
    if let Err(e) = setup().and_then(|()| scenario().map(drop)) {
        assert!(e.isinstance(Warning), "{e}");
        out.push_str(&format!("raised {}: {e} ", e.type_name()));
    }
    let shown: Vec<String> = w
        .recorded()
        .iter()
        .map(|m| {
            let label = if m.filename != file!() {
                "ssl".to_string()
            } else {
                ["A", "B", "C"][(m.lineno - first) as usize].to_string()
            };
            format!("{label}:{}", m.message)
        })
        .collect();
    out.push_str(&shown.join(" "));
    out
}

fn scenario_first_line() -> u32 {
    static FIRST: OnceLock<u32> = OnceLock::new();
    *FIRST.get_or_init(|| {
        let _quiet = warnings::catch_warnings(warnings::CatchWarnings {
            action: Some("ignore"),
            ..Default::default()
        })
        .unwrap();
        scenario().unwrap()
    })
}

#[test]
fn each_action_shows_what_cpython_shows() {
    let setups = [
        "pass",
        "warnings.simplefilter('default')",
        "warnings.simplefilter('always')",
        "warnings.simplefilter('ignore')",
        "warnings.simplefilter('once')",
        "warnings.simplefilter('module')",
        "warnings.simplefilter('error')",
        "warnings.simplefilter('error', DeprecationWarning)",
        "warnings.simplefilter('error', RuntimeWarning)",
        "warnings.resetwarnings()",
        "warnings.filterwarnings('error', message='ssl.protocol_tls ')",
        "warnings.filterwarnings('error', message=r'ssl\\.PROTOCOL_TLSv1_[12] is')",
        "warnings.filterwarnings('error', module='ssl')",
        "warnings.filterwarnings('error', module='__main__')",
        "warnings.simplefilter('always'); warnings.filterwarnings('ignore', module='s')",
        "warnings.filterwarnings('always', message='.*TLS is')",
        "warnings.simplefilter('error'); warnings.simplefilter('ignore', append=True)",
        "warnings.simplefilter('ignore'); warnings.simplefilter('always'); warnings.simplefilter('ignore')",
    ];
    let code = format!(
        "import ssl, warnings\n{PY_SCENARIO}\nfor setup in {}:\n    run(lambda: exec(setup))\n",
        format!("{setups:?}").replace("\\\\", "\\")
    );
    let theirs = py_default_filters(&code, &[]);
    let mut ours = Vec::new();
    let always = || warnings::simplefilter("always", Warning);
    let ours_for: Vec<Box<dyn Fn() -> pyssl::Result<()>>> = vec![
        Box::new(|| Ok(())),
        Box::new(|| warnings::simplefilter("default", Warning)),
        Box::new(always),
        Box::new(|| warnings::simplefilter("ignore", Warning)),
        Box::new(|| warnings::simplefilter("once", Warning)),
        Box::new(|| warnings::simplefilter("module", Warning)),
        Box::new(|| warnings::simplefilter("error", Warning)),
        Box::new(|| warnings::simplefilter("error", DeprecationWarning)),
        Box::new(|| warnings::simplefilter("error", RuntimeWarning)),
        Box::new(|| {
            warnings::resetwarnings();
            Ok(())
        }),
        Box::new(|| {
            warnings::filterwarnings(
                "error",
                warnings::FilterWarnings {
                    message: "ssl.protocol_tls ",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::filterwarnings(
                "error",
                warnings::FilterWarnings {
                    message: r"ssl\.PROTOCOL_TLSv1_[12] is",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::filterwarnings(
                "error",
                warnings::FilterWarnings {
                    module: "ssl",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::filterwarnings(
                "error",
                warnings::FilterWarnings {
                    module: "__main__",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            always()?;
            warnings::filterwarnings(
                "ignore",
                warnings::FilterWarnings {
                    module: "s",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::filterwarnings(
                "always",
                warnings::FilterWarnings {
                    message: ".*TLS is",
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::simplefilter("error", Warning)?;
            warnings::filterwarnings(
                "ignore",
                warnings::FilterWarnings {
                    append: true,
                    ..Default::default()
                },
            )
        }),
        Box::new(|| {
            warnings::simplefilter("ignore", Warning)?;
            warnings::simplefilter("always", Warning)?;
            warnings::simplefilter("ignore", Warning)
        }),
    ];
    assert_eq!(ours_for.len(), setups.len());
    for setup in &ours_for {
        ours.push(run(setup));
    }
    let theirs: Vec<&str> = theirs.lines().collect();
    for ((setup, o), t) in setups.iter().zip(&ours).zip(&theirs) {
        assert_eq!(o.trim_end(), t.trim_end(), "{setup}");
    }
    assert_eq!(ours.len(), theirs.len());
}

#[test]
fn a_filter_on_a_line_number_matches_that_line_only() {
    let first = scenario_first_line();
    let theirs = py_default_filters(
        &format!(
            "import ssl, warnings\n{PY_SCENARIO}\nrun(lambda: warnings.filterwarnings('error', lineno=scenario.__code__.co_firstlineno + 3))\n"
        ),
        &[],
    );
    let ours = run(|| {
        warnings::filterwarnings(
            "error",
            warnings::FilterWarnings {
                lineno: first + 1,
                ..Default::default()
            },
        )
    });
    assert_eq!(ours.trim_end(), theirs.trim_end());
    assert!(ours.starts_with("raised DeprecationWarning"), "{ours}");
}

#[test]
fn the_filter_list_is_cpythons() {
    let theirs = py_default_filters(
        r"import warnings
print(warnings.filters)
with warnings.catch_warnings():
    warnings.simplefilter('error', DeprecationWarning)
    warnings.filterwarnings('ignore', message='ssl\.', category=RuntimeWarning, module='x.y', lineno=7)
    warnings.simplefilter('once', append=True)
    warnings.simplefilter('error', DeprecationWarning)
    warnings.simplefilter('once', append=True)
    print(warnings.filters)
    warnings.resetwarnings()
    print(warnings.filters)
print(warnings.filters)",
        &[],
    );
    let mut ours = vec![warnings::filters().py_repr()];
    {
        let _scope = warnings::catch_warnings(Default::default()).unwrap();
        warnings::simplefilter("error", DeprecationWarning).unwrap();
        warnings::filterwarnings(
            "ignore",
            warnings::FilterWarnings {
                message: r"ssl\.",
                category: RuntimeWarning,
                module: "x.y",
                lineno: 7,
                append: false,
            },
        )
        .unwrap();
        let once_appended = warnings::FilterWarnings {
            append: true,
            ..Default::default()
        };
        warnings::filterwarnings("once", once_appended).unwrap();
        warnings::simplefilter("error", DeprecationWarning).unwrap();
        warnings::filterwarnings("once", once_appended).unwrap();
        ours.push(warnings::filters().py_repr());
        warnings::resetwarnings();
        ours.push(warnings::filters().py_repr());
    }
    ours.push(warnings::filters().py_repr());
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
}

#[test]
fn bad_arguments_get_cpythons_errors() {
    let theirs = py_default_filters(
        r"import warnings
for f in [lambda: warnings.simplefilter('bogus'), lambda: warnings.filterwarnings('Error'),
          lambda: warnings.simplefilter('error', ValueError),
          lambda: warnings.filterwarnings('error', category=OSError),
          lambda: warnings.catch_warnings(action='nope').__enter__()]:
    try:
        f()
        print('ok')  # simplefilter does not check the category; filterwarnings does
    except Exception as e:
        print(type(e).__name__ + ': ' + str(e))",
        &[],
    );
    let _scope = record();
    let ours: Vec<String> = [
        warnings::simplefilter("bogus", Warning),
        warnings::filterwarnings("Error", Default::default()),
        warnings::simplefilter("error", ValueError),
        warnings::filterwarnings(
            "error",
            warnings::FilterWarnings {
                category: OSError,
                ..Default::default()
            },
        ),
        warnings::catch_warnings(warnings::CatchWarnings {
            action: Some("nope"),
            ..Default::default()
        })
        .map(drop),
    ]
    .into_iter()
    .map(|r| match r {
        Ok(()) => "ok".to_string(),
        Err(e) => e.format_exception_only(),
    })
    .collect();
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());
    // A regular expression pyssl cannot match is refused, not misread.
    let e = warnings::filterwarnings(
        "ignore",
        warnings::FilterWarnings {
            message: "(?=x)",
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("pyssl's warnings filters do not support"),
        "{e}"
    );
}

#[test]
fn an_error_filter_leaves_the_context_unchanged_as_cpython_does() {
    let theirs = py_default_filters(
        r"import ssl, warnings
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
before = (c.options, c.minimum_version)
with warnings.catch_warnings(action='error'):
    for f in [lambda: setattr(c, 'options', c.options | ssl.OP_NO_TLSv1),
              lambda: setattr(c, 'minimum_version', ssl.TLSVersion.TLSv1_1)]:
        try:
            f()
        except DeprecationWarning as e:
            print(repr(e))
print((c.options, c.minimum_version) == before)",
        &[],
    );
    let c = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let before = (c.options(), c.minimum_version());
    let _scope = warnings::catch_warnings(warnings::CatchWarnings {
        action: Some("error"),
        ..Default::default()
    })
    .unwrap();
    let ours = [
        c.set_options(ssl::OP_NO_TLSv1).unwrap_err().py_repr(),
        c.set_minimum_version(ssl::TLSVersion::TLSv1_1)
            .unwrap_err()
            .py_repr(),
        if (c.options(), c.minimum_version()) == before {
            "True".to_string()
        } else {
            "False".to_string()
        },
    ];
    assert_eq!(ours.to_vec(), theirs.lines().collect::<Vec<_>>());
}

#[test]
fn a_scope_is_its_threads_own() {
    let w = record();
    warnings::simplefilter("error", Warning).unwrap();
    // Another thread neither sees this scope's "error" filter nor records into it.
    std::thread::spawn(|| {
        let inner = record();
        warnings::simplefilter("always", Warning).unwrap();
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).unwrap();
        assert_eq!(inner.recorded().len(), 1);
    })
    .join()
    .unwrap();
    assert!(w.recorded().is_empty());
    assert!(ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).is_err());
    // Nested scopes restore what they found; a scope without `record` records into the
    // enclosing one, as CPython's keeps the showwarning it found.
    {
        let _inner = warnings::catch_warnings(warnings::CatchWarnings {
            action: Some("always"),
            ..Default::default()
        })
        .unwrap();
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).unwrap();
    }
    assert_eq!(w.recorded().len(), 1);
    assert!(ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).is_err());
    drop(w);
    // Outside every scope: the process-wide filters, still CPython's defaults.
    assert_eq!(
        warnings::filters()[0].py_repr(),
        "('default', None, <class 'DeprecationWarning'>, '__main__', 0)"
    );
}

/// A `log` backend that keeps what it is given.
struct Captured(Mutex<Vec<(log::Level, String, String)>>);

impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.0.lock().unwrap().push((
            record.level(),
            record.target().to_string(),
            record.args().to_string(),
        ));
    }
    fn flush(&self) {}
}

#[test]
fn by_default_a_shown_warning_goes_to_log_once_per_line() {
    static LOGGER: Captured = Captured(Mutex::new(Vec::new()));
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let mut line = 0;
    for _ in 0..3 {
        line = line!() + 1;
        ssl::SSLContext::new(ssl::PROTOCOL_TLSv1_1).unwrap();
    }
    let expected = format!(
        "{}:{line}: DeprecationWarning: ssl.PROTOCOL_TLSv1_1 is deprecated",
        file!()
    );
    let logged: Vec<_> = LOGGER
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, text)| text.starts_with(&format!("{}:{line}:", file!())))
        .cloned()
        .collect();
    assert_eq!(
        logged,
        [(log::Level::Warn, "pyssl::warnings".to_string(), expected)]
    );
}
