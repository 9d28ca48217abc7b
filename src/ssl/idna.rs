//! Python's `idna` codec (IDNA 2003), as `SSLContext._encode_hostname` applies it to
//! `server_hostname`: ASCII names pass unchanged (case kept), other labels become `xn--`
//! punycode after nameprep.
//!
//! ```text
//! Python:  'pythön.org'.encode('idna').decode('ascii')  ->  'xn--pythn-mua.org'
//! Rust:    (applied by wrap_socket/wrap_bio)  ssock.server_hostname() == Some("xn--pythn-mua.org")
//! ```
//!
//! Nameprep is approximated by Unicode lower-casing (no NFKC tables), which matches Python for
//! names already in normal form.

use crate::error::{Error, Result, UnicodeEncodeError};

fn encode_error(input: &str, start: usize, end: usize, reason: &str) -> Error {
    UnicodeEncodeError::new("idna", input, start, end, reason).into()
}

/// `hostname.encode('idna').decode('ascii')`, with Python 3.13's errors.
pub(crate) fn encode_hostname(hostname: &str) -> Result<String> {
    if hostname.contains('\0') {
        return Err(Error::type_error(
            "argument must be encoded string without null bytes, not str",
        ));
    }
    if hostname.is_ascii() {
        let labels: Vec<&str> = hostname.split('.').collect();
        let mut offset = 0;
        for label in &labels[..labels.len() - 1] {
            if label.is_empty() {
                return Err(encode_error(hostname, offset, offset + 1, "label empty"));
            }
            offset += label.len() + 1;
        }
        offset = 0;
        for label in &labels {
            if label.len() >= 64 {
                return Err(encode_error(
                    hostname,
                    offset,
                    offset + label.len(),
                    "label too long",
                ));
            }
            offset += label.len() + 1;
        }
        return Ok(hostname.to_string());
    }
    let mut labels: Vec<&str> = hostname
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last().is_some_and(|l| l.is_empty());
    if trailing_dot {
        labels.pop();
    }
    let mut out = Vec::with_capacity(labels.len());
    let mut offset = 0;
    for label in labels {
        let encoded = to_ascii(label).map_err(|(start, end, reason)| {
            encode_error(hostname, offset + start, offset + end, reason)
        })?;
        out.push(encoded);
        offset += label.chars().count() + 1;
    }
    let mut result = out.join(".");
    if trailing_dot {
        result.push('.');
    }
    Ok(result)
}

/// RFC 3490 ToASCII for one label; errors are `(start, end, reason)` within the label.
fn to_ascii(label: &str) -> std::result::Result<String, (usize, usize, &'static str)> {
    let check = |s: &str| match s.chars().count() {
        0 => Err((0, 1, "label empty")),
        n if n >= 64 => Err((0, n, "label too long")),
        _ => Ok(()),
    };
    if label.is_ascii() {
        check(label)?;
        return Ok(label.to_string());
    }
    let prepped = label.to_lowercase();
    if prepped.is_ascii() {
        check(&prepped)?;
        return Ok(prepped);
    }
    if prepped.starts_with("xn--") {
        return Err((0, 4, "Label starts with ACE prefix"));
    }
    let encoded = format!("xn--{}", punycode(&prepped));
    if encoded.len() >= 64 {
        return Err((0, prepped.chars().count(), "label too long"));
    }
    Ok(encoded)
}

/// RFC 3492 punycode encoding of a label's code points.
fn punycode(input: &str) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(mut delta: u32, numpoints: u32, first: bool) -> u32 {
        delta /= if first { DAMP } else { 2 };
        delta += delta / numpoints;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }
    fn digit(d: u32) -> char {
        (if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        }) as char
    }
    let cps: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (handled as usize) < cps.len() {
        let m = cps.iter().copied().filter(|&c| c >= n).min().unwrap_or(n);
        delta += (m - n) * (handled + 1);
        n = m;
        for &c in &cps {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_pythons_idna_codec() {
        assert_eq!(encode_hostname("LocalHost").unwrap(), "LocalHost");
        assert_eq!(encode_hostname("pythön.org").unwrap(), "xn--pythn-mua.org");
        assert_eq!(encode_hostname("ÄB.example").unwrap(), "xn--b-zfa.example");
        assert_eq!(
            encode_hostname("bücher.example.").unwrap(),
            "xn--bcher-kva.example."
        );
        assert_eq!(
            encode_hostname(".example.org").unwrap_err().to_string(),
            "'idna' codec can't encode character '\\x2e' in position 0: label empty"
        );
        assert_eq!(
            encode_hostname(&"ä".repeat(70)).unwrap_err().to_string(),
            "'idna' codec can't encode characters in position 0-69: label too long"
        );
    }
}
