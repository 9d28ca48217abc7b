//! `cert_time_to_seconds`: `'%b %d %H:%M:%S %Y GMT'` through Python's `time.strptime` and
//! `calendar.timegm`, quirks included (`:60`/`:61` seconds, one- or two-digit days, any
//! whitespace runs, case-insensitive `GMT`, Unicode digits and spaces).
//!
//! ```text
//! Python:  ssl.cert_time_to_seconds(cert['notAfter'])
//! Rust:    ssl::cert_time_to_seconds(&cert.notAfter)?
//! ```

use crate::error::{Error, Result};
use crate::pyrepr::{PyRepr, PyStr};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The part of the format `strptime` sees (the month is looked up separately).
const TIME_FORMAT: &str = " %d %H:%M:%S %Y GMT";

/// Returns the POSIX timestamp of a certificate time string such as
/// `"Jan  5 09:34:43 2018 GMT"` (`notBefore`/`notAfter` of the `getpeercert()` dict).
///
/// ```text
/// Python:  ssl.cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")    # 1515144883
/// Rust:    ssl::cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")?  // 1515144883
/// ```
///
/// ```
/// # fn main() -> Result<(), pyssl::Error> {
/// use pyssl::ssl;
///
/// // Python: ssl.cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")
/// assert_eq!(ssl::cert_time_to_seconds("Jan  5 09:34:43 2018 GMT")?, 1515144883);
/// // Python: ssl.cert_time_to_seconds('2018-01-05')  ->  ValueError
/// let err = ssl::cert_time_to_seconds("2018-01-05").unwrap_err();
/// assert!(err.is_value_error());
/// assert_eq!(err.to_string(), r#"time data '2018-01-05' does not match format "%b %d %H:%M:%S %Y GMT""#);
/// # Ok(())
/// # }
/// ```
///
/// Errors are Python's `ValueError`s: `time data 'Foo  5 ...' does not match format "%b %d
/// %H:%M:%S %Y GMT"` for an unknown month, and `time.strptime`'s texts for the rest
/// (`time data ' 5 09:34 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'`,
/// `unconverted data remains: ...`, `year 0 is out of range`).
pub fn cert_time_to_seconds(cert_time: &str) -> Result<i64> {
    let head: String = cert_time.chars().take(3).collect();
    let Some(month) = MONTHS.iter().position(|m| title(&head) == *m) else {
        return Err(Error::ValueError(format!(
            "time data {} does not match format \"%b{TIME_FORMAT}\"",
            PyStr(cert_time).py_repr()
        )));
    };
    let rest: Vec<char> = cert_time.chars().skip(3).collect();
    let fields = strptime_fields(&rest)?;
    let [day, hour, minute, second, year] = fields;
    if year == 0 {
        return Err(Error::ValueError("year 0 is out of range".into()));
    }
    let days = days_from_civil(year, month as i64 + 1, 1) + day - 1;
    Ok(((days * 24 + hour) * 60 + minute) * 60 + second)
}

/// `str.title()` for the three-letter month prefix, as far as it can produce an ASCII month name:
/// first character upper-cased, the rest lower-cased (Unicode mappings, so `'ſep'` is `'Sep'`).
fn title(s: &str) -> String {
    let mut chars = s.chars();
    let mut out = String::new();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
    }
    for c in chars {
        out.extend(c.to_lowercase());
    }
    out
}

/// Python's `\s` / `str.isspace()`.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// First code points of Unicode's decimal-digit (Nd) runs, each `0`..`9` (Python 3.13's `\d`).
const DIGIT_ZEROS: [u32; 68] = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// The decimal value of a `\d` character.
fn digit(c: char) -> Option<u8> {
    let n = c as u32;
    let i = DIGIT_ZEROS.partition_point(|&z| z <= n).checked_sub(1)?;
    let v = n - DIGIT_ZEROS[i];
    (v < 10).then_some(v as u8)
}

/// One element of the regex `_strptime` compiles from `' %d %H:%M:%S %Y GMT'`.
#[derive(Clone, Copy)]
enum Tok {
    /// `\s+`
    Space,
    /// a literal character (case-insensitive)
    Lit(char),
    /// a capturing group of alternatives; each alternative is a list of atoms
    Group(&'static [&'static [Atom]]),
}

/// A single-character atom of the group alternatives.
#[derive(Clone, Copy)]
enum Atom {
    /// `\d`
    Digit,
    /// a character class of ASCII digits `lo..=hi`
    Range(char, char),
    /// a literal character
    Ch(char),
}

use Atom::{Ch, Digit, Range};

/// `(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])`
const DAY: &[&[Atom]] = &[
    &[Ch('3'), Range('0', '1')],
    &[Range('1', '2'), Digit],
    &[Ch('0'), Range('1', '9')],
    &[Range('1', '9')],
    &[Ch(' '), Range('1', '9')],
];
/// `(?P<H>2[0-3]|[0-1]\d|\d)`
const HOUR: &[&[Atom]] = &[
    &[Ch('2'), Range('0', '3')],
    &[Range('0', '1'), Digit],
    &[Digit],
];
/// `(?P<M>[0-5]\d|\d)`
const MINUTE: &[&[Atom]] = &[&[Range('0', '5'), Digit], &[Digit]];
/// `(?P<S>6[0-1]|[0-5]\d|\d)`
const SECOND: &[&[Atom]] = &[
    &[Ch('6'), Range('0', '1')],
    &[Range('0', '5'), Digit],
    &[Digit],
];
/// `(?P<Y>\d\d\d\d)`
const YEAR: &[&[Atom]] = &[&[Digit, Digit, Digit, Digit]];

const PATTERN: &[Tok] = &[
    Tok::Space,
    Tok::Group(DAY),
    Tok::Space,
    Tok::Group(HOUR),
    Tok::Lit(':'),
    Tok::Group(MINUTE),
    Tok::Lit(':'),
    Tok::Group(SECOND),
    Tok::Space,
    Tok::Group(YEAR),
    Tok::Space,
    Tok::Lit('G'),
    Tok::Lit('M'),
    Tok::Lit('T'),
];

fn atom_matches(atom: Atom, c: char) -> bool {
    match atom {
        Digit => digit(c).is_some(),
        Range(lo, hi) => (lo..=hi).contains(&c),
        Ch(x) => c == x,
    }
}

/// Backtracking `re.match` of [`PATTERN`] at the start of `s`: the end of the match and the
/// spans of the five groups, trying alternatives in order and `\s+` greedily, as `sre` does.
fn match_at(s: &[char], tok: usize, pos: usize, groups: &mut Vec<(usize, usize)>) -> Option<usize> {
    let Some(&t) = PATTERN.get(tok) else {
        return Some(pos);
    };
    match t {
        Tok::Space => {
            let run = s[pos..].iter().take_while(|c| is_space(**c)).count();
            (1..=run)
                .rev()
                .find_map(|n| match_at(s, tok + 1, pos + n, groups))
        }
        Tok::Lit(x) => match s.get(pos) {
            Some(c) if c.to_ascii_uppercase() == x => match_at(s, tok + 1, pos + 1, groups),
            _ => None,
        },
        Tok::Group(alts) => {
            for alt in alts {
                let fits = alt.len() <= s.len() - pos
                    && alt.iter().zip(&s[pos..]).all(|(a, c)| atom_matches(*a, *c));
                if fits {
                    groups.push((pos, pos + alt.len()));
                    if let Some(end) = match_at(s, tok + 1, pos + alt.len(), groups) {
                        return Some(end);
                    }
                    groups.pop();
                }
            }
            None
        }
    }
}

/// `int()` of a matched group (digits, possibly after a leading space).
fn group_value(s: &[char]) -> i64 {
    s.iter()
        .filter_map(|c| digit(*c))
        .fold(0, |acc, d| acc * 10 + i64::from(d))
}

/// `time.strptime(rest, ' %d %H:%M:%S %Y GMT')` reduced to `[day, hour, minute, second, year]`.
fn strptime_fields(s: &[char]) -> Result<[i64; 5]> {
    let mut groups = Vec::with_capacity(5);
    let Some(end) = match_at(s, 0, 0, &mut groups) else {
        let data: String = s.iter().collect();
        return Err(Error::ValueError(format!(
            "time data {} does not match format {}",
            PyStr(&data).py_repr(),
            PyStr(TIME_FORMAT).py_repr()
        )));
    };
    if end != s.len() {
        let remains: String = s[end..].iter().collect();
        return Err(Error::ValueError(format!(
            "unconverted data remains: {remains}"
        )));
    }
    let mut out = [0i64; 5];
    for (slot, (a, b)) in out.iter_mut().zip(groups) {
        *slot = group_value(&s[a..b]);
    }
    Ok(out)
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(
            cert_time_to_seconds("Jan  5 09:34:43 2018 GMT"),
            Ok(1515144883)
        );
        assert_eq!(
            cert_time_to_seconds("Dec 31 23:59:60 2008 GMT"),
            Ok(1230768000)
        );
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(digit('\u{661}'), Some(1));
        assert_eq!(digit('/'), None);
        assert_eq!(digit('\u{1FBF9}'), Some(9));
    }
}
