//! `DER_cert_to_PEM_cert` / `PEM_cert_to_DER_cert` with Python's base64 codec
//! (`base64.standard_b64encode` and the lenient `base64.decodebytes`).
//!
//! ```text
//! Python:  pem = ssl.DER_cert_to_PEM_cert(der); der = ssl.PEM_cert_to_DER_cert(pem)
//! Rust:    let pem = ssl::DER_cert_to_PEM_cert(&der); let der = ssl::PEM_cert_to_DER_cert(&pem)?;
//! ```

use crate::error::{Error, Result};

/// `ssl.PEM_HEADER` → `ssl::PEM_HEADER`.
pub const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
/// `ssl.PEM_FOOTER` → `ssl::PEM_FOOTER`.
pub const PEM_FOOTER: &str = "-----END CERTIFICATE-----";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Takes a certificate in binary DER format and returns the PEM version of it as a string: base64
/// in 64-character lines between [`PEM_HEADER`] and [`PEM_FOOTER`]. The bytes are not checked.
///
/// ```text
/// Python:  pem = ssl.DER_cert_to_PEM_cert(der)
/// Rust:    let pem = ssl::DER_cert_to_PEM_cert(&der);
/// ```
///
/// A round trip through both conversions gives the file back byte for byte:
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
///
/// // Python: pem = open('ca.pem').read()
/// let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ca.pem"))?;
/// // Python: der = ssl.PEM_cert_to_DER_cert(pem)
/// let der = ssl::PEM_cert_to_DER_cert(&pem)?;
/// assert_eq!(&der[..2], b"0\x82"); // a DER SEQUENCE
/// // Python: assert ssl.DER_cert_to_PEM_cert(der) == pem
/// assert_eq!(ssl::DER_cert_to_PEM_cert(&der), pem);
/// # Ok(())
/// # }
/// ```
#[allow(non_snake_case)]
pub fn DER_cert_to_PEM_cert(der_cert_bytes: &[u8]) -> String {
    let encoded = b64encode(der_cert_bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 64 + 60);
    out.push_str(PEM_HEADER);
    out.push('\n');
    for line in encoded.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(PEM_FOOTER);
    out.push('\n');
    out
}

/// Takes a certificate as an ASCII PEM string and returns the DER-encoded bytes.
///
/// ```text
/// Python:  der = ssl.PEM_cert_to_DER_cert(pem)
/// Rust:    let der = ssl::PEM_cert_to_DER_cert(&pem)?;
/// ```
///
/// ```
/// use pyssl::{ssl, Error};
///
/// // Python: ssl.PEM_cert_to_DER_cert('hello')  ->  ValueError
/// assert_eq!(
///     ssl::PEM_cert_to_DER_cert("hello"),
///     Err(Error::ValueError("Invalid PEM encoding; must start with -----BEGIN CERTIFICATE-----".into()))
/// );
/// ```
///
/// As in Python: the text must start with [`PEM_HEADER`] and (whitespace-stripped) end with
/// [`PEM_FOOTER`], else `ValueError('Invalid PEM encoding; must start with ...')` / `('...;
/// must end with ...')`; non-ASCII between them is `UnicodeEncodeError`; base64 is decoded leniently (characters outside the
/// alphabet are skipped) and its errors are `binascii.Error` (a `ValueError`): `Incorrect
/// padding`, `Invalid base64-encoded string: ...`.
#[allow(non_snake_case)]
pub fn PEM_cert_to_DER_cert(pem_cert_string: &str) -> Result<Vec<u8>> {
    if !pem_cert_string.starts_with(PEM_HEADER) {
        return Err(Error::ValueError(format!(
            "Invalid PEM encoding; must start with {PEM_HEADER}"
        )));
    }
    let stripped = py_strip(pem_cert_string);
    if !stripped.ends_with(PEM_FOOTER) {
        return Err(Error::ValueError(format!(
            "Invalid PEM encoding; must end with {PEM_FOOTER}"
        )));
    }
    // d = stripped[len(PEM_HEADER):-len(PEM_FOOTER)]; header and footer may overlap ("-----").
    let start = PEM_HEADER.len();
    let end = stripped.len() - PEM_FOOTER.len();
    let body = if start < end {
        &stripped[start..end]
    } else {
        ""
    };
    crate::error::encode_ascii(body)?;
    b64decode(body.as_bytes())
}

/// Python's `str.isspace()`.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.strip()` (no argument).
fn py_strip(s: &str) -> &str {
    s.trim_matches(py_isspace)
}

/// `base64.standard_b64encode`.
fn b64encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n].map(|v| ALPHABET[(v & 63) as usize] as char);
        let keep = chunk.len() + 1;
        for (i, c) in sextets.iter().enumerate() {
            out.push(if i < keep { *c } else { '=' });
        }
    }
    out
}

fn b64value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// `binascii.a2b_base64(data, strict_mode=False)` (what `base64.decodebytes` calls): characters
/// outside the alphabet are skipped; a pad sequence completing a quad ends the input.
fn b64decode(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut quad_pos = 0u8;
    let mut leftchar = 0u8;
    let mut pads = 0u8;
    for &ch in data {
        if ch == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = b64value(ch) else { continue };
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push(leftchar << 2 | v >> 4);
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push(leftchar << 4 | v >> 2);
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push(leftchar << 6 | v);
                leftchar = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(Error::ValueError(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more \
             than a multiple of 4",
            out.len() / 3 * 4 + 1
        ))),
        _ => Err(Error::ValueError("Incorrect padding".to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for len in 0..70 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(
                b64decode(b64encode(&data).as_bytes()).unwrap(),
                data,
                "{len}"
            );
        }
        assert_eq!(b64encode(b"abc"), "YWJj");
        assert_eq!(b64encode(b"ab"), "YWI=");
        assert_eq!(b64encode(b"a"), "YQ==");
    }
}
