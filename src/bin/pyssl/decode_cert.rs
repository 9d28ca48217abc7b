//! `pyssl decode-cert FILE [--repr]`: a PEM certificate as `getpeercert()` shows it. `--repr`
//! prints exactly what CPython's `print(ssl._ssl._test_decode_cert(FILE))` prints; otherwise
//! an indented form.

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

use crate::{take_flag, USAGE};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut args = args.to_vec();
    let repr = take_flag(&mut args, "--repr");
    let [file] = args.as_slice() else {
        return Err(USAGE.to_string());
    };
    let cert = ssl::_test_decode_cert(file).map_err(|e| e.to_string())?;
    if repr {
        outln!("{}", cert.py_repr());
    } else {
        out!("{}", readable(&cert));
    }
    Ok(())
}

fn name_lines(out: &mut String, indent: &str, name: &ssl::Name) {
    for rdn in name.iter() {
        for (attr, value) in rdn.iter() {
            out.push_str(&format!("{indent}{attr}: {}\n", value.py_repr()));
        }
    }
}

/// One field a line, names and lists indented, values as Python shows them.
fn readable(cert: &ssl::CertDict) -> String {
    let mut out = String::new();
    out.push_str("subject:\n");
    name_lines(&mut out, "    ", &cert.subject);
    out.push_str("issuer:\n");
    name_lines(&mut out, "    ", &cert.issuer);
    out.push_str(&format!("version: {}\n", cert.version));
    out.push_str(&format!("serialNumber: {}\n", cert.serialNumber));
    out.push_str(&format!("notBefore: {}\n", cert.notBefore));
    out.push_str(&format!("notAfter: {}\n", cert.notAfter));
    if let Some(sans) = &cert.subjectAltName {
        out.push_str("subjectAltName:\n");
        for (label, value) in sans {
            match value {
                ssl::SanValue::Name(name) => {
                    out.push_str(&format!("    {label}:\n"));
                    name_lines(&mut out, "        ", name);
                }
                other => out.push_str(&format!("    {label}: {}\n", other.py_repr())),
            }
        }
    }
    for (key, list) in [
        ("OCSP", &cert.OCSP),
        ("caIssuers", &cert.caIssuers),
        ("crlDistributionPoints", &cert.crlDistributionPoints),
    ] {
        if let Some(list) = list {
            out.push_str(&format!("{key}:\n"));
            for item in list {
                out.push_str(&format!("    {}\n", item.py_repr()));
            }
        }
    }
    out
}
