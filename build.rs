//! Build script: reads the OpenSSL that `openssl-sys` linked and
//! 1. emits `cfg` flags that gate version-specific calls (`ossl111`, `ossl300`, `ossl320`, ...);
//! 2. generates the `(library, reason) -> mnemonic` tables CPython compiles into `_ssl`
//!    (`[SSL: CERTIFICATE_VERIFY_FAILED]`), from the `*err.h` headers of that same OpenSSL.

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
    let tables = error_tables(&include_dirs());
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

fn error_tables(dirs: &[PathBuf]) -> String {
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
    println!("cargo::rerun-if-changed={}", ossl.join("err.h").display());

    // ERR_LIB_<NAME> -> number
    let err_h = fs::read_to_string(ossl.join("err.h")).expect("read err.h");
    let mut libs: BTreeMap<String, u32> = BTreeMap::new();
    for (name, value) in defines(&err_h) {
        if let Some(lib) = name.strip_prefix("ERR_LIB_") {
            if let Ok(n) = value.parse::<u32>() {
                if lib != "OFFSET" && lib != "MASK" {
                    libs.insert(lib.to_string(), n);
                }
            }
        }
    }

    // <LIB>_R_<REASON> -> number, from every *err.h header (and ssl.h/x509.h on 1.1.1 layouts)
    let mut reasons: BTreeMap<(u32, u32), String> = BTreeMap::new();
    let mut headers: Vec<PathBuf> = fs::read_dir(&ossl)
        .expect("read openssl include dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| file_name(p).ends_with("err.h") && file_name(p) != "err.h")
        .collect();
    headers.sort();
    for header in headers {
        let text = fs::read_to_string(&header).unwrap_or_default();
        for (name, value) in defines(&text) {
            let Some((prefix, reason)) = name.split_once("_R_") else {
                continue;
            };
            let Some(&lib) = libs.get(prefix) else {
                continue;
            };
            let Ok(code) = value.parse::<u32>() else {
                continue;
            };
            // First definition wins, as in CPython's generated tables (aliases come later).
            reasons
                .entry((lib, code))
                .or_insert_with(|| reason.to_string());
        }
    }

    let mut out = String::new();
    out.push_str("// Generated by build.rs from the linked OpenSSL's headers.\n");
    out.push_str("/// `ERR_LIB_*` number -> library mnemonic (`20 -> \"SSL\"`).\n");
    out.push_str("pub(crate) static LIBRARY_NAMES: &[(i32, &str)] = &[\n");
    let mut by_num: Vec<(&u32, &String)> = libs.iter().map(|(k, v)| (v, k)).collect();
    by_num.sort();
    for (num, name) in by_num {
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
