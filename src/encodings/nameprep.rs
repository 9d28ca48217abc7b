//! RFC 3491 nameprep as CPython's `encodings.idna.nameprep` runs it (unassigned code points
//! allowed, as for queries): map (RFC 3454 tables B.1 and B.2), normalize (NFKC), prohibit
//! (tables C.1.2 to C.9), check bidirectional text (tables D.1 and D.2).

use stringprep::tables as t;

use super::ucd_3_2;
use crate::pyrepr::{PyRepr, PyStr};

/// Where nameprep failed: `(start, end, reason)`, positions in the *prepared* label (as
/// CPython reports them, even though it then adds them to offsets in the original text).
pub(super) type Failure = (usize, usize, String);

/// `encodings.idna.nameprep(label)`.
pub(super) fn nameprep(label: &str) -> Result<String, Failure> {
    let mapped: String = label
        .chars()
        .filter(|&c| !t::commonly_mapped_to_nothing(c))
        .map(map_b2)
        .collect();
    let prepared = ucd_3_2::nfkc(&mapped);
    let chars: Vec<char> = prepared.chars().collect();
    if let Some(i) = chars.iter().position(|&c| prohibited(c)) {
        let shown = PyStr(&chars[i].to_string()).py_repr();
        return Err((i, i + 1, format!("Invalid character {shown}")));
    }
    if chars.iter().any(|&c| ucd_3_2::is_rand_al(c)) {
        // RFC 3454 section 6: no L character, and R/AL first and last.
        if let Some(i) = chars.iter().position(|&c| ucd_3_2::is_l(c)) {
            return Err((i, i + 1, "Violation of BIDI requirement 2".into()));
        }
        let n = chars.len();
        if !ucd_3_2::is_rand_al(chars[0]) {
            return Err((0, 1, "Violation of BIDI requirement 3".into()));
        }
        if !ucd_3_2::is_rand_al(chars[n - 1]) {
            return Err((n - 1, n, "Violation of BIDI requirement 3".into()));
        }
    }
    Ok(prepared)
}

/// Tables C.1.2 through C.9 (C.5, surrogates, cannot occur in a Rust `str`).
fn prohibited(c: char) -> bool {
    t::non_ascii_space_character(c)
        || t::non_ascii_control_character(c)
        || t::private_use(c)
        || t::non_character_code_point(c)
        || t::inappropriate_for_plain_text(c)
        || t::inappropriate_for_canonical_representation(c)
        || t::change_display_properties_or_deprecated(c)
        || t::tagging_character(c)
}

/// `stringprep.map_table_b2(c)`: RFC 3454's table B.2 where it lists `c`; elsewhere CPython
/// derives the mapping from today's `str.lower()` (so `'ẞ'`, `'Ꭰ'` and other capitals Unicode
/// gave a lower case after 3.2 are mapped too): the lower case, unless normalizing and folding
/// it once more changes it further.
fn map_b2(c: char) -> String {
    let own = c.to_string();
    let listed: String = t::case_fold_for_nfkc(c).collect();
    if listed != own {
        return listed;
    }
    let lower: String = c.to_lowercase().collect();
    if lower == own {
        return own;
    }
    let normalized = ucd_3_2::nfkc(&lower);
    let folded: String = normalized.chars().map(map_b3).collect();
    let refolded = ucd_3_2::nfkc(&folded);
    if refolded != normalized {
        refolded
    } else {
        lower
    }
}

/// `stringprep.map_table_b3(c)` (case folding), as far as `map_b2` needs it: table B.2 where it
/// lists `c`, else the lower case.
fn map_b3(c: char) -> String {
    let listed: String = t::case_fold_for_nfkc(c).collect();
    if listed != c.to_string() {
        listed
    } else {
        c.to_lowercase().collect()
    }
}
