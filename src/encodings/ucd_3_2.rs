//! CPython's `unicodedata.ucd_3_2_0` as far as nameprep reads it: NFKC and the bidirectional
//! classes `R`/`AL` and `L`.
//!
//! CPython keeps one current database (Unicode 15.1 in 3.13) and records what changed since 3.2:
//! characters unassigned in 3.2 do not decompose, five decompositions keep their pre-correction
//! value, and bidirectional classes keep their 3.2 value. Canonical ordering and composition use
//! the current data. This module does the same over `unicode-normalization` (its own recent
//! Unicode) and the `stringprep` crate (table A.1 is exactly "unassigned in 3.2"; its bidi
//! classes are current ones).
//!
//! Compared with CPython 3.13 code point by code point (tests/idna.rs), what remains different
//! comes from Unicode versions after 15.1 only: a character added in 16.0 or later is left
//! alone by both, but combining classes and compositions among such characters follow the
//! crate's newer data.

use stringprep::tables::{bidi_l, bidi_r_or_al, unassigned_code_point};
use unicode_normalization::char::{canonical_combining_class, compose, decompose_compatible};

/// The decompositions Unicode corrected after 3.2 (its NormalizationCorrections.txt): the 3.2
/// value, which CPython's 3.2 database keeps.
fn uncorrected(c: char) -> Option<char> {
    match c {
        '\u{2F868}' => Some('\u{2136A}'),
        '\u{2F874}' => Some('\u{5F33}'),
        '\u{2F91F}' => Some('\u{43AB}'),
        '\u{2F95F}' => Some('\u{7AAE}'),
        '\u{2F9BF}' => Some('\u{4D57}'),
        _ => None,
    }
}

/// `unicodedata.ucd_3_2_0.normalize('NFKC', s)`.
pub(super) fn nfkc(s: &str) -> String {
    let mut chars = Vec::with_capacity(s.len());
    for c in s.chars() {
        if unassigned_code_point(c) {
            chars.push(c);
        } else if let Some(old) = uncorrected(c) {
            chars.push(old);
        } else {
            decompose_compatible(c, |d| chars.push(d));
        }
    }
    reorder(&mut chars);
    recompose(&chars)
}

/// Canonical ordering: each run of non-starters sorted (stably) by combining class.
fn reorder(chars: &mut [char]) {
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && canonical_combining_class(chars[i]) != 0 {
            i += 1;
        }
        chars[start..i].sort_by_key(|&c| canonical_combining_class(c));
        i += 1;
    }
}

/// Canonical composition: each character joins the last starter unless a character between
/// them has a combining class of 0 or at least its own.
fn recompose(chars: &[char]) -> String {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    // The combining class of the last character kept since the starter, if any.
    let mut last_class: Option<u8> = None;
    for &c in chars {
        let class = canonical_combining_class(c);
        if let Some(at) = starter {
            if last_class.map_or(true, |last| last < class) {
                if let Some(composed) = compose(out[at], c) {
                    out[at] = composed;
                    continue;
                }
            }
        }
        if class == 0 {
            starter = Some(out.len());
            last_class = None;
        } else {
            last_class = Some(class);
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// Characters whose bidirectional class changed since Unicode 3.2 among those nameprep can
/// output (after mapping, NFKC and the prohibition tables): `Some(class)` is the 3.2 class, as
/// `R` (also `AL`), `L`, or neither.
fn bidi_3_2(c: char) -> Option<Option<char>> {
    match c {
        // Kannada and Tagalog marks, Braille patterns, Hangul tone marks: other in 3.2, L now.
        '\u{0CBF}'
        | '\u{0CC6}'
        | '\u{1734}'
        | '\u{2800}'..='\u{28FF}'
        | '\u{302E}'
        | '\u{302F}' => Some(None),
        // Khmer inherent vowels, Mongolian Ali Gali baluda: L in 3.2, other now.
        '\u{17B4}' | '\u{17B5}' | '\u{1885}' | '\u{1886}' => Some(Some('L')),
        _ => None,
    }
}

/// `ucd_3_2_0.bidirectional(c) in ('R', 'AL')` (stringprep table D.1).
pub(super) fn is_rand_al(c: char) -> bool {
    match bidi_3_2(c) {
        Some(class) => class == Some('R'),
        None => !unassigned_code_point(c) && bidi_r_or_al(c),
    }
}

/// `ucd_3_2_0.bidirectional(c) == 'L'` (stringprep table D.2).
pub(super) fn is_l(c: char) -> bool {
    match bidi_3_2(c) {
        Some(class) => class == Some('L'),
        None => !unassigned_code_point(c) && bidi_l(c),
    }
}
