//! The mnemonics of `[LIB: REASON] text`: CPython 3.13's compiled-in tables, not OpenSSL's.
//!
//! CPython names only the `(library, reason)` pairs of the table it was compiled with
//! (`Modules/_ssl_data_{111,300,31}.h`, chosen by OpenSSL version); a reason OpenSSL knows but
//! that table lacks prints as `[SSL] tlsv1 alert unknown psk identity`, with `e.reason` None.
//! `build.rs` generates both tables from our copy of CPython's data
//! (`data/cpython-ssl-errors/`), numbered from the linked OpenSSL's headers as CPython's
//! `#ifdef`s number them.

include!(concat!(env!("OUT_DIR"), "/err_names.rs"));

/// CPython's `lib_codes_to_names[lib]`: the library mnemonic (`20` -> `SSL`), if any.
pub(crate) fn library_name(lib: i32) -> Option<&'static str> {
    LIBRARY_NAMES
        .iter()
        .find(|(n, _)| *n == lib)
        .map(|(_, name)| *name)
}

/// CPython's `err_codes_to_names[(lib, reason)]`: the reason mnemonic
/// (`(20, 134)` -> `CERTIFICATE_VERIFY_FAILED`), if the table has one.
pub(crate) fn reason_name(lib: i32, reason: i32) -> Option<&'static str> {
    REASON_NAMES
        .binary_search_by(|(key, _)| key.cmp(&(lib, reason)))
        .ok()
        .map(|i| REASON_NAMES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn names_in_cpythons_table() {
        assert_eq!(library_name(20), Some("SSL"));
        assert_eq!(library_name(9), Some("PEM"));
        assert_eq!(library_name(2), Some("SYS"));
        assert_eq!(reason_name(20, 134), Some("CERTIFICATE_VERIFY_FAILED"));
        assert_eq!(reason_name(9, 108), Some("NO_START_LINE"));
        assert_eq!(reason_name(20, 1040), Some("SSLV3_ALERT_HANDSHAKE_FAILURE"));
        assert_eq!(reason_name(20, 1048), Some("TLSV1_ALERT_UNKNOWN_CA"));
        assert_eq!(reason_name(20, 223), Some("PSK_IDENTITY_NOT_FOUND"));
    }

    #[test]
    fn reasons_openssl_knows_but_cpythons_table_lacks() {
        // SSL_R_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY and ..._NO_APPLICATION_PROTOCOL: in OpenSSL's
        // headers (3.x), in none of CPython 3.13's tables.
        assert_eq!(reason_name(20, 1115), None);
        assert_eq!(reason_name(20, 1120), None);
        // A reason number nobody defines, and a library number nobody defines.
        assert_eq!(reason_name(20, 1099), None);
        assert_eq!(reason_name(20, 999_999), None);
        assert_eq!(library_name(99), None);
        // ERR_LIB_SYS has no reasons: the reason of a system error is the errno.
        assert_eq!(reason_name(2, 104), None);
    }

    #[cfg(ossl300)]
    #[test]
    fn err_h_masks_are_libraries_too() {
        // 3.x's err.h defines ERR_LIB_OFFSET (23L) and ERR_LIB_MASK (0xFF); CPython's table lists
        // them like libraries, so its lib_codes_to_names has 23 and 255.
        assert_eq!(library_name(23), Some("OFFSET"));
        assert_eq!(library_name(255), Some("MASK"));
        assert_eq!(reason_name(20, 294), Some("UNEXPECTED_EOF_WHILE_READING"));
    }

    #[cfg(not(ossl300))]
    #[test]
    fn the_111_table_has_no_masks_and_its_own_numbers() {
        assert_eq!(library_name(23), None);
        assert_eq!(library_name(255), None);
        // 294 is 3.0's UNEXPECTED_EOF_WHILE_READING but 1.1.1's OCSP_CALLBACK_FAILURE: the numbers
        // come from the linked headers.
        assert_eq!(reason_name(20, 294), Some("OCSP_CALLBACK_FAILURE"));
        assert_eq!(
            reason_name(20, 1116),
            Some("TLSV13_ALERT_CERTIFICATE_REQUIRED")
        );
    }

    /// Plain `python3` (CPython 3.11) still exposes its compiled tables as
    /// `_ssl.err_codes_to_names` / `_ssl.lib_codes_to_names` (3.12 made them module state).
    /// 3.11.7 and 3.13.0 compile the same `_ssl_data_300.h` (GH-105174, backported to 3.11), so
    /// on the same OpenSSL 3.0 their tables are equal, and ours must be too.
    const PY_TABLES: &str = r#"
import _ssl, ssl, sys
assert sys.version_info[:2] == (3, 11), sys.version
print(ssl._OPENSSL_API_VERSION)
for (lib, reason), name in sorted(_ssl.err_codes_to_names.items()):
    print("reason", lib, reason, name)
for lib, name in sorted(_ssl.lib_codes_to_names.items()):
    print("lib", lib, name)
"#;

    #[test]
    fn tables_equal_cpython_311s_on_the_same_openssl_3_0() {
        let out = Command::new("python3")
            .env_remove("PYENV_VERSION")
            .args(["-c", PY_TABLES])
            .output()
            .expect("python3 (CPython 3.11) is the oracle for the compiled tables");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let theirs_api = lines.next().unwrap();
        let ours_api = crate::ssl::_OPENSSL_API_VERSION.to_string();
        let (major, minor, ..) = *crate::ssl::_OPENSSL_API_VERSION;
        if theirs_api != ours_api || (major, minor) != (3, 0) {
            eprintln!(
                "not comparing the error tables with CPython 3.11's: it was compiled against \
                 OpenSSL {theirs_api}, pyssl against {ours_api} (the comparison needs the same \
                 OpenSSL 3.0.x)"
            );
            return;
        }
        let mut theirs_reasons = Vec::new();
        let mut theirs_libs = Vec::new();
        for line in lines {
            let fields: Vec<&str> = line.split(' ').collect();
            match fields[..] {
                ["reason", lib, reason, name] => theirs_reasons.push((
                    (lib.parse::<i32>().unwrap(), reason.parse::<i32>().unwrap()),
                    name.to_string(),
                )),
                ["lib", lib, name] => {
                    theirs_libs.push((lib.parse::<i32>().unwrap(), name.to_string()))
                }
                _ => panic!("unexpected oracle line {line:?}"),
            }
        }
        let ours_reasons: Vec<((i32, i32), String)> = REASON_NAMES
            .iter()
            .map(|(k, n)| (*k, n.to_string()))
            .collect();
        let ours_libs: Vec<(i32, String)> = LIBRARY_NAMES
            .iter()
            .map(|(k, n)| (*k, n.to_string()))
            .collect();
        assert_eq!(ours_reasons.len(), 1682);
        assert_eq!(ours_reasons, theirs_reasons);
        assert_eq!(ours_libs, theirs_libs);
    }
}
