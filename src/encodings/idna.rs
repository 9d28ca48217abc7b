//! CPython's `encodings.idna` encoder: `Codec.encode` and RFC 3490's `ToASCII`, with 3.13's
//! errors and positions.

use super::{nameprep, punycode};
use crate::error::UnicodeEncodeError;

/// The ACE prefix of an encoded label.
const ACE_PREFIX: &str = "xn--";

/// `text.encode('idna')` (always ASCII, so returned as text). ASCII input keeps its case and
/// only has its labels checked; other input is split at any of the four IDNA dots and each
/// label goes through `ToASCII`.
pub(crate) fn encode(text: &str) -> Result<String, UnicodeEncodeError> {
    let error = |start: usize, end: usize, reason: String| {
        UnicodeEncodeError::new("idna", text, start, end, reason)
    };
    if text.is_ascii() {
        let labels: Vec<&str> = text.split('.').collect();
        let offsets = offsets(&labels);
        // Every label but the last (a trailing dot) must be non-empty.
        for (label, &at) in labels.iter().zip(&offsets).take(labels.len() - 1) {
            if label.is_empty() {
                return Err(error(at, at + 1, "label empty".into()));
            }
        }
        for (label, &at) in labels.iter().zip(&offsets) {
            if label.len() >= 64 {
                return Err(error(at, at + label.len(), "label too long".into()));
            }
        }
        return Ok(text.to_string());
    }
    let mut labels: Vec<&str> = text
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let mut out = String::new();
    for (label, at) in labels.iter().zip(offsets(&labels)) {
        let ascii = to_ascii(label).map_err(|(start, end, reason)| {
            // As CPython: positions inside the prepared label, added to the label's offset.
            error(at + start, at + end, reason)
        })?;
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&ascii);
    }
    if trailing_dot {
        out.push('.');
    }
    Ok(out)
}

/// Where each label starts in the text, in characters (one dot between labels).
fn offsets(labels: &[&str]) -> Vec<usize> {
    let mut at = 0;
    labels
        .iter()
        .map(|label| {
            let start = at;
            at += label.chars().count() + 1;
            start
        })
        .collect()
}

/// RFC 3490 `ToASCII` with `AllowUnassigned` and without `UseSTD3ASCIIRules`.
fn to_ascii(label: &str) -> Result<String, nameprep::Failure> {
    if label.is_ascii() {
        return checked_length(label);
    }
    let prepared = nameprep::nameprep(label)?;
    if prepared.is_ascii() {
        return checked_length(&prepared);
    }
    if prepared.to_lowercase().starts_with(ACE_PREFIX) {
        return Err((0, ACE_PREFIX.len(), "Label starts with ACE prefix".into()));
    }
    let length = prepared.chars().count();
    let too_long = || (0, length, "label too long".to_string());
    // Punycode writes at least one byte per character: 60 or more cannot fit in 63.
    if length + ACE_PREFIX.len() >= 64 {
        return Err(too_long());
    }
    let encoded = format!("{ACE_PREFIX}{}", punycode::encode(&prepared));
    if encoded.len() >= 64 {
        return Err(too_long());
    }
    Ok(encoded)
}

/// An ASCII label is 1 to 63 characters long.
fn checked_length(label: &str) -> Result<String, nameprep::Failure> {
    match label.len() {
        0 => Err((0, 1, "label empty".into())),
        n if n >= 64 => Err((0, n, "label too long".into())),
        _ => Ok(label.to_string()),
    }
}
