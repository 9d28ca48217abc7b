//! Build script: reads the OpenSSL that `openssl-sys` linked and
//! 1. emits `cfg` flags that gate version-specific calls (`ossl111`, `ossl300`, `ossl320`, ...);
//! 2. generates the `(library, reason) -> mnemonic` tables CPython 3.13 compiles into `_ssl`
//!    (`[SSL: CERTIFICATE_VERIFY_FAILED]`): the entries of CPython's own table for this OpenSSL
//!    version (`data/cpython-ssl-errors/`), numbered from that OpenSSL's headers.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// Version cfgs we may emit, each meaning "OpenSSL at least this version".
const VERSION_CFGS: &[(&str, u64)] = &[
    ("ossl111", 0x1010_1000),
    ("ossl300", 0x3000_0000),
    ("ossl310", 0x3010_0000),
    ("ossl320", 0x3020_0000),
    ("ossl330", 0x3030_0000),
];

fn main() {
    println!("cargo::rerun-if-env-changed=DEP_OPENSSL_VERSION_NUMBER");
    println!("cargo::rerun-if-env-changed=DEP_OPENSSL_INCLUDE");
    for (name, _) in VERSION_CFGS {
        println!("cargo::rustc-check-cfg=cfg({name})");
    }
    println!("cargo::rustc-check-cfg=cfg(osslconf, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(osslconf_scanned)");

    let Some(version) = openssl_version() else {
        panic!(
            "\n\npyssl: could not learn the OpenSSL version from openssl-sys.\n\
             Install OpenSSL's development files and pkg-config, then build again:\n\
             \tDebian/Ubuntu: apt-get install libssl-dev pkg-config\n\
             \tRHEL/Fedora:   dnf install openssl-devel pkgconf-pkg-config\n\n"
        );
    };
    if version < 0x1010_1000 {
        panic!("pyssl needs OpenSSL 1.1.1 or newer; openssl-sys found {version:#x}");
    }
    for (name, min) in VERSION_CFGS {
        if version >= *min {
            println!("cargo::rustc-cfg={name}");
        }
    }
    // The compile-time number, for `ssl::_OPENSSL_API_VERSION`.
    println!("cargo::rustc-env=PYSSL_OPENSSL_VERSION_NUMBER={version:x}");

    emit_build_configuration(&include_dirs());

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let tables = error_tables(&include_dirs(), version);
    fs::write(out.join("err_names.rs"), tables).expect("write err_names.rs");
}

/// `DEP_OPENSSL_VERSION_NUMBER` is the hex `OPENSSL_VERSION_NUMBER` openssl-sys compiled against.
fn openssl_version() -> Option<u64> {
    let hex = env::var("DEP_OPENSSL_VERSION_NUMBER").ok()?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

/// Include directories openssl-sys found, then the usual system place.
fn include_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = env::var_os("DEP_OPENSSL_INCLUDE")
        .map(|v| env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.push(PathBuf::from("/usr/include"));
    dirs.push(PathBuf::from("/usr/local/include"));
    dirs
}

/// Emits `osslconf="OPENSSL_NO_*"` for every feature the linked OpenSSL was built without
/// (from `configuration.h` on 3.x, `opensslconf.h` on 1.1.1, wherever the distribution put
/// it, e.g. Debian's multiarch `/usr/include/x86_64-linux-gnu`), then `osslconf_scanned`.
fn emit_build_configuration(dirs: &[PathBuf]) {
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        candidates.push(dir.clone());
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if file_name(&path).contains("-linux-") {
                    candidates.push(path);
                }
            }
        }
    }
    for dir in candidates {
        for header in ["configuration.h", "opensslconf.h"] {
            let path = dir.join("openssl").join(header);
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let mut found = false;
            for line in text.lines() {
                let rest = line.trim_start();
                let Some(rest) = rest.strip_prefix('#') else {
                    continue;
                };
                let Some(rest) = rest.trim_start().strip_prefix("define") else {
                    continue;
                };
                if let Some(name) = rest.split_whitespace().next() {
                    if name.starts_with("OPENSSL_NO_") {
                        println!("cargo::rustc-cfg=osslconf=\"{name}\"");
                        found = true;
                    }
                }
            }
            if found {
                println!("cargo::rerun-if-changed={}", path.display());
                println!("cargo::rustc-cfg=osslconf_scanned");
                return;
            }
        }
    }
}

/// Parses `# define NAME VALUE` lines (OpenSSL writes both `#define` and `# define`).
fn defines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| {
        let rest = line.trim_start().strip_prefix('#')?.trim_start();
        let rest = rest.strip_prefix("define")?;
        let mut parts = rest.split_whitespace();
        let name = parts.next()?;
        let value = parts.next()?;
        Some((name, value))
    })
}

/// The table CPython 3.13's `_ssl.c` compiles in for this OpenSSL, as our data file (see
/// `scripts/cpython-ssl-error-tables.py`): `_ssl_data_31.h` from 3.1 on, `_ssl_data_300.h` for
/// 3.0, `_ssl_data_111.h` for 1.1.1.
fn cpython_table(version: u64) -> &'static str {
    if version >= 0x3010_0000 {
        "ssl_data_31.txt"
    } else if version >= 0x3000_0000 {
        "ssl_data_300.txt"
    } else {
        "ssl_data_111.txt"
    }
}

/// A C integer literal as OpenSSL writes them in `#define`s: `20`, `23L`, `0xFF`.
fn c_integer(text: &str) -> Option<i32> {
    let digits = text.trim_end_matches(['L', 'l', 'U', 'u']);
    match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i32::from_str_radix(hex, 16).ok(),
        None => digits.parse().ok(),
    }
}

/// Generates CPython's `lib_codes_to_names` and `err_codes_to_names` for the linked OpenSSL: the
/// entries of CPython 3.13's table for this version, resolved as its `#ifdef`s resolve: a
/// library is named only when the linked headers define `ERR_LIB_<NAME>`; a reason's key is
/// `(ERR_LIB_<LIB>, <LIB>_R_<REASON>)` when the linked headers define that macro, else the
/// table's own numbers. A later entry with the same key wins, as in CPython's dict.
fn error_tables(dirs: &[PathBuf], version: u64) -> String {
    let Some(ossl) = dirs
        .iter()
        .map(|d| d.join("openssl"))
        .find(|d| d.join("err.h").is_file())
    else {
        panic!(
            "\n\npyssl: OpenSSL headers (openssl/err.h) not found in {dirs:?}.\n\
             Install OpenSSL's development files: Debian/Ubuntu `apt-get install libssl-dev \
             pkg-config`, RHEL/Fedora `dnf install openssl-devel`.\n\n"
        );
    };

    // Every `ERR_LIB_*` and `*_R_*` macro of the linked headers (the first definition of each).
    let mut headers: Vec<PathBuf> = fs::read_dir(&ossl)
        .expect("read openssl include dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| file_name(p).ends_with(".h"))
        .collect();
    headers.sort();
    let mut macros: BTreeMap<String, String> = BTreeMap::new();
    for header in headers {
        println!("cargo::rerun-if-changed={}", header.display());
        let text = fs::read_to_string(&header).unwrap_or_default();
        for (name, value) in defines(&text) {
            if name.starts_with("ERR_LIB_") || name.contains("_R_") {
                macros
                    .entry(name.to_string())
                    .or_insert_with(|| value.to_string());
            }
        }
    }
    let number = |name: &str| -> Option<i32> {
        let value = macros.get(name)?;
        let n = c_integer(value);
        if n.is_none() {
            println!(
                "cargo::warning=pyssl: {name} is `{value}`, not a number; CPython's fallback used"
            );
        }
        n
    };

    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let table = Path::new("data/cpython-ssl-errors").join(cpython_table(version));
    println!(
        "cargo::rerun-if-changed={}",
        manifest.join(&table).display()
    );
    let data = fs::read_to_string(manifest.join(&table))
        .unwrap_or_else(|e| panic!("pyssl: cannot read {}: {e}", table.display()));
    let mut libs: BTreeMap<i32, String> = BTreeMap::new();
    let mut reasons: BTreeMap<(i32, i32), String> = BTreeMap::new();
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields[..] {
            ["lib", name] => {
                if let Some(n) = number(&format!("ERR_LIB_{name}")) {
                    libs.insert(n, name.to_string());
                }
            }
            [lib, reason, libnum, code] => {
                let fallback = (
                    libnum.parse().expect("library number"),
                    code.parse().expect("reason number"),
                );
                let key = number(&format!("{lib}_R_{reason}"))
                    .map(|code| {
                        (
                            number(&format!("ERR_LIB_{lib}")).unwrap_or(fallback.0),
                            code,
                        )
                    })
                    .unwrap_or(fallback);
                reasons.insert(key, reason.to_string());
            }
            _ => panic!("pyssl: bad line in {}: {line:?}", table.display()),
        }
    }

    let mut out = String::new();
    out.push_str(&format!(
        "// Generated by build.rs from {} and the linked OpenSSL's headers.\n",
        table.display()
    ));
    out.push_str("/// `ERR_LIB_*` number -> library mnemonic (`20 -> \"SSL\"`).\n");
    out.push_str("pub(crate) static LIBRARY_NAMES: &[(i32, &str)] = &[\n");
    for (num, name) in &libs {
        out.push_str(&format!("    ({num}, {name:?}),\n"));
    }
    out.push_str("];\n");
    out.push_str("/// `(ERR_LIB_*, reason)` -> reason mnemonic, sorted for binary search.\n");
    out.push_str("pub(crate) static REASON_NAMES: &[((i32, i32), &str)] = &[\n");
    for ((lib, code), name) in &reasons {
        out.push_str(&format!("    (({lib}, {code}), {name:?}),\n"));
    }
    out.push_str("];\n");
    out
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}
