//! `pyssl ciphers [--repr] [--] STRING`: what a cipher string selects on a
//! `PROTOCOL_TLS_CLIENT` context. `--repr` prints exactly what CPython's
//! `print(ctx.get_ciphers())` prints; otherwise a table.

use pyssl::pyrepr::PyRepr;
use pyssl::ssl;

use crate::USAGE;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut repr = false;
    let mut rest = args;
    while let Some(first) = rest.first() {
        match first.as_str() {
            "--repr" => repr = true,
            "--" => {
                rest = &rest[1..];
                break;
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    let [cipher_string] = rest else {
        return Err(USAGE.to_string());
    };
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).map_err(|e| e.to_string())?;
    ctx.set_ciphers(cipher_string).map_err(|e| e.to_string())?;
    let ciphers = ctx.get_ciphers();
    if repr {
        outln!("{}", ciphers.py_repr());
        return Ok(());
    }
    outln!(
        "{:<32} {:<8} {:<10} {:<8} {:<22} {:<6} {:>4}",
        "name",
        "protocol",
        "kx",
        "auth",
        "encryption",
        "mac",
        "bits"
    );
    for c in &ciphers {
        // The description's fields: "NAME PROTO Kx=.. Au=.. Enc=.. Mac=..".
        let field = |key: &str| {
            c.description
                .split_whitespace()
                .find_map(|f| f.strip_prefix(key))
                .unwrap_or("")
                .to_string()
        };
        outln!(
            "{:<32} {:<8} {:<10} {:<8} {:<22} {:<6} {:>4}",
            c.name,
            c.protocol,
            field("Kx="),
            field("Au="),
            field("Enc="),
            field("Mac="),
            c.strength_bits
        );
    }
    outln!("{} ciphers", ciphers.len());
    Ok(())
}
