//! Python's `repr()` for the values pyssl returns, so that `print(ssock.getpeercert())` ports to
//! one line with identical output:
//!
//! ```text
//! Python:  print(repr(ssock.cipher()))
//! Rust:    println!("{}", ssock.cipher().py_repr());
//! ```
//!
//! Strings follow CPython's rules: single quotes unless the text holds `'` and no `"`, `\n`,
//! `\r`, `\t`, `\\` escaped, other non-printable characters as `\xNN`, `\uNNNN` or
//! `\UNNNNNNNN`, printable non-ASCII kept, "printable" as `str.isprintable()` decides it.

/// Renders a value as Python's `repr()` and `str()` would.
///
/// `print(value)` prints `str(value)`, which for most values is the `repr()` (dicts, tuples,
/// lists, `None`, numbers) but not for a `str` (no quotes) and not for the int-valued enums and
/// flags (the bare integer):
///
/// ```text
/// Python:  print(ssock.version(), ssock.cipher())      # TLSv1.3 ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)
/// Rust:    println!("{} {}", ssock.version().py_str(), ssock.cipher().py_str());
/// Python:  print(repr(ssock.version()))                 # 'TLSv1.3'
/// Rust:    println!("{}", ssock.version().py_repr());
/// ```
///
/// ```
/// use pyssl::pyrepr::PyRepr;
/// use pyssl::ssl;
/// let version: Option<String> = Some("TLSv1.3".into());
/// assert_eq!((version.py_str(), version.py_repr()), ("TLSv1.3".into(), "'TLSv1.3'".into()));
/// assert_eq!(None::<String>.py_str(), "None");
/// assert_eq!(ssl::CERT_REQUIRED.py_str(), "2");
/// assert_eq!(Some(("a".to_string(), 1)).py_str(), "('a', 1)");
/// ```
pub trait PyRepr {
    /// Python's `repr(value)`.
    fn py_repr(&self) -> String;

    /// Python's `str(value)`, what `print(value)` prints: the `repr()` unless the type says
    /// otherwise.
    fn py_str(&self) -> String {
        self.py_repr()
    }
}

/// A Rust string seen as a Python `str` (for `repr`).
#[derive(Debug, Clone, Copy)]
pub struct PyStr<'a>(pub &'a str);

/// A byte slice seen as a Python `bytes` (for `repr`): `b'\x00abc'`.
#[derive(Debug, Clone, Copy)]
pub struct PyBytes<'a>(pub &'a [u8]);

/// A slice seen as a Python `tuple` (for `repr`): `('a',)`, `('a', 'b')`, `()`.
#[derive(Debug, Clone, Copy)]
pub struct PyTuple<'a, T>(pub &'a [T]);

impl PyRepr for PyStr<'_> {
    fn py_repr(&self) -> String {
        str_repr(self.0.chars().map(Ok))
    }
}

/// Python's `repr()` of the `str` that `os.fsdecode` makes of `bytes` (UTF-8 with
/// `surrogateescape`, as `sys.argv`, `os.environ` and file names are decoded): each byte that is
/// not part of valid UTF-8 is the lone surrogate U+DC80 + (byte - 0x80), printed `\udcNN`.
pub(crate) fn surrogateescape_repr(bytes: &[u8]) -> String {
    let items = bytes.utf8_chunks().flat_map(|chunk| {
        let valid = chunk.valid().chars().map(Ok);
        valid.chain(chunk.invalid().iter().map(|&b| Err(b)))
    });
    str_repr(items)
}

/// The repr of a `str` given as characters, or as escaped bytes standing for lone surrogates.
fn str_repr(items: impl Iterator<Item = Result<char, u8>> + Clone) -> String {
    let has = |q: char| items.clone().any(|i| i == Ok(q));
    let quote = if has('\'') && !has('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for item in items {
        let c = match item {
            Ok(c) => c,
            Err(byte) => {
                out.push_str(&format!("\\udc{byte:02x}"));
                continue;
            }
        };
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character: false for the general categories `Cc`,
/// `Cf`, `Cs`, `Co`, `Cn`, `Zl`, `Zp` and `Zs` (except the space itself). The category tables
/// are the `unicode-properties` crate's (a newer Unicode than CPython 3.13's 15.1: a character
/// assigned since then prints raw here and escaped by CPython).
fn is_printable(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    c == ' '
        || !matches!(
            c.general_category(),
            G::Control
                | G::Format
                | G::Surrogate
                | G::PrivateUse
                | G::Unassigned
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::SpaceSeparator
        )
}

impl PyRepr for PyBytes<'_> {
    fn py_repr(&self) -> String {
        let b = self.0;
        let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
            b'"'
        } else {
            b'\''
        };
        let mut out = String::with_capacity(b.len() + 3);
        out.push('b');
        out.push(quote as char);
        for &c in b {
            match c {
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c as char);
                }
                0x20..=0x7e => out.push(c as char),
                c => out.push_str(&format!("\\x{c:02x}")),
            }
        }
        out.push(quote as char);
        out
    }
}

impl<T: PyRepr> PyRepr for PyTuple<'_, T> {
    fn py_repr(&self) -> String {
        let items: Vec<String> = self.0.iter().map(PyRepr::py_repr).collect();
        match items.len() {
            1 => format!("({},)", items[0]),
            _ => format!("({})", items.join(", ")),
        }
    }
}

/// An owned sequence that Python holds as a `tuple`: it prints `(a, b)` / `(a,)` where a `Vec`
/// prints `[a, b]`, so `print(cert['subjectAltName'])` ports as
/// `println!("{}", cert.subjectAltName.py_repr())`. Otherwise a `Vec` (`Deref`, iteration,
/// `collect`, `From<Vec<T>>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Tuple<T>(pub Vec<T>);

impl<T> std::ops::Deref for Tuple<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Tuple<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> From<Vec<T>> for Tuple<T> {
    fn from(v: Vec<T>) -> Tuple<T> {
        Tuple(v)
    }
}

impl<T> FromIterator<T> for Tuple<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Tuple<T> {
        Tuple(iter.into_iter().collect())
    }
}

impl<T> IntoIterator for Tuple<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Tuple<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: PyRepr> PyRepr for Tuple<T> {
    fn py_repr(&self) -> String {
        PyTuple(&self.0).py_repr()
    }
}

impl PyRepr for str {
    fn py_repr(&self) -> String {
        PyStr(self).py_repr()
    }

    /// The text itself.
    fn py_str(&self) -> String {
        self.to_string()
    }
}

impl PyRepr for String {
    fn py_repr(&self) -> String {
        PyStr(self).py_repr()
    }

    /// The text itself.
    fn py_str(&self) -> String {
        self.clone()
    }
}

impl PyRepr for bool {
    fn py_repr(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

macro_rules! int_repr {
    ($($t:ty),*) => {$(
        impl PyRepr for $t {
            fn py_repr(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_repr!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl<T: PyRepr + ?Sized> PyRepr for &T {
    fn py_repr(&self) -> String {
        (**self).py_repr()
    }

    fn py_str(&self) -> String {
        (**self).py_str()
    }
}

impl<T: PyRepr> PyRepr for Option<T> {
    /// `None` for `None`, the value's repr otherwise.
    fn py_repr(&self) -> String {
        match self {
            Some(v) => v.py_repr(),
            None => "None".to_string(),
        }
    }

    /// `None` for `None`, the value's `str()` otherwise.
    fn py_str(&self) -> String {
        match self {
            Some(v) => v.py_str(),
            None => "None".to_string(),
        }
    }
}

impl<T: PyRepr> PyRepr for [T] {
    /// A Python `list`: `['a', 'b']`.
    fn py_repr(&self) -> String {
        let items: Vec<String> = self.iter().map(PyRepr::py_repr).collect();
        format!("[{}]", items.join(", "))
    }
}

impl<T: PyRepr> PyRepr for Vec<T> {
    /// A Python `list`: `['a', 'b']`.
    fn py_repr(&self) -> String {
        self.as_slice().py_repr()
    }
}

impl<A: PyRepr> PyRepr for (A,) {
    fn py_repr(&self) -> String {
        format!("({},)", self.0.py_repr())
    }
}

impl<A: PyRepr, B: PyRepr> PyRepr for (A, B) {
    fn py_repr(&self) -> String {
        format!("({}, {})", self.0.py_repr(), self.1.py_repr())
    }
}

impl<A: PyRepr, B: PyRepr, C: PyRepr> PyRepr for (A, B, C) {
    fn py_repr(&self) -> String {
        format!(
            "({}, {}, {})",
            self.0.py_repr(),
            self.1.py_repr(),
            self.2.py_repr()
        )
    }
}

/// Python's `repr()` of a `dict` whose entries are given as `(key, already-rendered value)`, in
/// insertion order: `{'id': 1, 'name': 'x'}`.
pub fn dict_repr(entries: &[(&str, String)]) -> String {
    let items: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", PyStr(k).py_repr(), v))
        .collect();
    format!("{{{}}}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_choose_quotes_and_escape_as_python() {
        assert_eq!(PyStr("abc").py_repr(), "'abc'");
        assert_eq!(PyStr("it's").py_repr(), "\"it's\"");
        assert_eq!(PyStr("'\"").py_repr(), "'\\'\"'");
        assert_eq!(PyStr("a\x00b\n").py_repr(), "'a\\x00b\\n'");
        assert_eq!(PyStr("pythön\u{a0}").py_repr(), "'pythön\\xa0'");
        assert_eq!(PyStr("\u{2028}").py_repr(), "'\\u2028'");
    }

    #[test]
    fn bytes_tuples_lists_options() {
        assert_eq!(PyBytes(b"a'\x00\xff").py_repr(), "b\"a'\\x00\\xff\"");
        assert_eq!(PyTuple(&["x"]).py_repr(), "('x',)");
        assert_eq!(PyTuple::<&str>(&[]).py_repr(), "()");
        assert_eq!(vec![1, 2].py_repr(), "[1, 2]");
        assert_eq!(None::<i32>.py_repr(), "None");
        assert_eq!(("TLSv1.3", 256).py_repr(), "('TLSv1.3', 256)");
        assert_eq!(dict_repr(&[("a", 1.py_repr())]), "{'a': 1}");
    }
}
