//! The regular expressions of `warnings.filterwarnings(message=..., module=...)`, matched as
//! Python's `re.compile(p).match(text)` does: anchored at the start, not at the end.
//!
//! A small backtracking matcher (the runtime dependencies are fixed) for the syntax filters
//! use: literals, `.`, classes (`[a-z]`, `[^.]`, `\d`, `\w`, `\s` and their negations),
//! escapes, `^`, `$`, `\A`, `\Z`, groups (`(...)`, `(?:...)`), alternation and the quantifiers
//! `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}` (lazy forms too: whether a match exists does not depend
//! on greediness). Anything else (look-arounds, back-references, inline flags) is a
//! `ValueError` naming the construct.

use crate::error::{Error, Result};

/// A compiled pattern and the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) source: String,
    ignore_case: bool,
    root: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    /// One character from a set.
    Class(Class),
    /// `^` / `\A`.
    Start,
    /// `\Z`: the very end.
    End,
    /// `$`: the end, or before a final newline.
    EndOrFinalNewline,
    /// One after the other.
    Seq(Vec<Node>),
    /// One of them.
    Alt(Vec<Node>),
    /// `node{min,max}` (`max` `None` for unbounded).
    Repeat(Box<Node>, usize, Option<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Class {
    negated: bool,
    items: Vec<ClassItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
    /// `.`: anything but a newline.
    NotNewline,
}

impl Pattern {
    /// `re.compile(source)` (with `re.IGNORECASE` when `ignore_case`).
    pub(crate) fn compile(source: &str, ignore_case: bool) -> Result<Pattern> {
        let chars: Vec<char> = source.chars().collect();
        let mut parser = Parser {
            chars: &chars,
            at: 0,
            source,
        };
        let root = parser.alternation()?;
        if parser.at < chars.len() {
            // Only an unbalanced `)` stops the top level early.
            return Err(parser.error("unbalanced parenthesis"));
        }
        Ok(Pattern {
            source: source.to_string(),
            ignore_case,
            root,
        })
    }

    /// `pattern.match(text) is not None`.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let m = Matcher {
            text: &text,
            ignore_case: self.ignore_case,
        };
        m.node(&self.root, 0, &mut |_| true)
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    source: &'a str,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> Error {
        Error::value(format!(
            "{what} at position {} of the warnings filter pattern {:?}",
            self.at, self.source
        ))
    }

    fn unsupported(&self, what: &str) -> Error {
        Error::value(format!(
            "pyssl's warnings filters do not support {what} (position {} of {:?})",
            self.at, self.source
        ))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn alternation(&mut self) -> Result<Node> {
        let mut branches = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            branches.push(self.sequence()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().expect("one branch")
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self) -> Result<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantified(atom)?;
            items.push(atom);
        }
        Ok(Node::Seq(items))
    }

    fn atom(&mut self) -> Result<Node> {
        let c = self.chars[self.at];
        self.at += 1;
        Ok(match c {
            '.' => class(false, vec![ClassItem::NotNewline]),
            '^' => Node::Start,
            '$' => Node::EndOrFinalNewline,
            '[' => Node::Class(self.class()?),
            '\\' => self
                .escape(false)?
                .map_or_else(|anchor| anchor, Node::Class),
            '(' => {
                if self.peek() == Some('?') {
                    if self.chars.get(self.at + 1) == Some(&':') {
                        self.at += 2;
                    } else {
                        return Err(self.unsupported("`(?...)` extensions other than `(?:...)`"));
                    }
                }
                let inner = self.alternation()?;
                if self.peek() != Some(')') {
                    return Err(self.error("missing ), unterminated subpattern"));
                }
                self.at += 1;
                inner
            }
            '*' | '+' | '?' | '{' if c != '{' || self.repeat_count_follows(self.at - 1) => {
                return Err(self.error("nothing to repeat"));
            }
            c => literal(c),
        })
    }

    /// `\x` outside (`in_class` false) or inside a class: a class, or an anchor (`Err`).
    fn escape(&mut self, in_class: bool) -> Result<std::result::Result<Class, Node>> {
        let Some(c) = self.peek() else {
            return Err(self.error("bad escape (end of pattern)"));
        };
        self.at += 1;
        let item = |i| {
            Ok(Ok(Class {
                negated: false,
                items: vec![i],
            }))
        };
        match c {
            'd' => item(ClassItem::Digit(true)),
            'D' => item(ClassItem::Digit(false)),
            'w' => item(ClassItem::Word(true)),
            'W' => item(ClassItem::Word(false)),
            's' => item(ClassItem::Space(true)),
            'S' => item(ClassItem::Space(false)),
            'A' if !in_class => Ok(Err(Node::Start)),
            'Z' if !in_class => Ok(Err(Node::End)),
            'n' => item(ClassItem::Range('\n', '\n')),
            't' => item(ClassItem::Range('\t', '\t')),
            'r' => item(ClassItem::Range('\r', '\r')),
            c if c.is_ascii_alphanumeric() => Err(self.unsupported(&format!("the escape \\{c}"))),
            c => item(ClassItem::Range(c, c)),
        }
    }

    fn class(&mut self) -> Result<Class> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.at += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated character set"));
            };
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                match self.escape(true)? {
                    Ok(Class {
                        items: mut escaped, ..
                    }) => match escaped.pop() {
                        Some(ClassItem::Range(l, _)) => l,
                        Some(other) => {
                            items.push(other);
                            continue;
                        }
                        None => continue,
                    },
                    Err(_) => return Err(self.unsupported("anchors inside a class")),
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                self.at += 1;
                let mut high = self.chars[self.at];
                self.at += 1;
                if high == '\\' {
                    match self.escape(true)? {
                        Ok(Class { items: escaped, .. }) => match escaped.as_slice() {
                            [ClassItem::Range(h, _)] => high = *h,
                            _ => return Err(self.error("bad character range")),
                        },
                        Err(_) => return Err(self.error("bad character range")),
                    }
                }
                if high < low {
                    return Err(self.error("bad character range"));
                }
                items.push(ClassItem::Range(low, high));
            } else {
                items.push(ClassItem::Range(low, low));
            }
        }
        Ok(Class { negated, items })
    }

    /// Whether `{` at `at` starts a repeat count (`{3}`, `{2,}`, `{,5}`, `{1,4}`); Python treats
    /// any other `{` as a literal.
    fn repeat_count_follows(&self, at: usize) -> bool {
        let rest: String = self.chars[at..].iter().collect();
        let Some(end) = rest.find('}') else {
            return false;
        };
        let inner = &rest[1..end];
        let (min, max) = inner.split_once(',').unwrap_or((inner, inner));
        !inner.is_empty()
            && min.chars().all(|c| c.is_ascii_digit())
            && max.chars().all(|c| c.is_ascii_digit())
    }

    fn quantified(&mut self, atom: Node) -> Result<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') if self.repeat_count_follows(self.at) => {
                let rest: String = self.chars[self.at..].iter().collect();
                let end = rest.find('}').expect("checked");
                let inner = &rest[1..end];
                let number = |s: &str, default: Option<usize>| match s {
                    "" => Ok(default),
                    s => s
                        .parse::<usize>()
                        .map(Some)
                        .map_err(|_| self.error("the repetition number is too large")),
                };
                let (min, max) = match inner.split_once(',') {
                    Some((lo, hi)) => (number(lo, Some(0))?.unwrap_or(0), number(hi, None)?),
                    None => {
                        let n = number(inner, Some(0))?;
                        (n.unwrap_or(0), n)
                    }
                };
                if max.is_some_and(|m| m < min) {
                    return Err(self.error("min repeat greater than max repeat"));
                }
                self.at += rest[..end].chars().count();
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if matches!(atom, Node::Start | Node::End | Node::EndOrFinalNewline) {
            return Err(self.error("nothing to repeat"));
        }
        // The lazy and possessive forms (`*?`, `*+`) match the same texts here.
        if matches!(self.peek(), Some('?') | Some('+')) {
            self.at += 1;
        }
        if matches!(self.peek(), Some('*') | Some('+') | Some('?')) {
            return Err(self.error("multiple repeat"));
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }
}

fn class(negated: bool, items: Vec<ClassItem>) -> Node {
    Node::Class(Class { negated, items })
}

fn literal(c: char) -> Node {
    class(false, vec![ClassItem::Range(c, c)])
}

struct Matcher<'a> {
    text: &'a [char],
    ignore_case: bool,
}

impl Matcher<'_> {
    /// Matches `node` at `at`, calling `then` with each end position until it accepts.
    fn node(&self, node: &Node, at: usize, then: &mut dyn FnMut(usize) -> bool) -> bool {
        match node {
            Node::Class(class) => {
                self.text.get(at).is_some_and(|&c| self.in_class(class, c)) && then(at + 1)
            }
            Node::Start => at == 0 && then(at),
            Node::End => at == self.text.len() && then(at),
            Node::EndOrFinalNewline => {
                let end = self.text.len();
                (at == end || (at + 1 == end && self.text[at] == '\n')) && then(at)
            }
            Node::Seq(items) => self.seq(items, at, then),
            Node::Alt(branches) => branches.iter().any(|b| self.node(b, at, then)),
            Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max, 0, at, then),
        }
    }

    fn seq(&self, items: &[Node], at: usize, then: &mut dyn FnMut(usize) -> bool) -> bool {
        match items.split_first() {
            None => then(at),
            Some((first, rest)) => self.node(first, at, &mut |next| self.seq(rest, next, then)),
        }
    }

    fn repeat(
        &self,
        inner: &Node,
        min: usize,
        max: Option<usize>,
        done: usize,
        at: usize,
        then: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        let more_allowed = max.map_or(true, |m| done < m);
        // One more repetition (it must consume something, or an empty match loops forever).
        if more_allowed
            && self.node(inner, at, &mut |next| {
                next > at && self.repeat(inner, min, max, done + 1, next, then)
            })
        {
            return true;
        }
        if done < min {
            // An inner pattern that can match empty satisfies the remaining minimum.
            return self.node(inner, at, &mut |next| next == at && then(at));
        }
        then(at)
    }

    fn in_class(&self, class: &Class, c: char) -> bool {
        let hit = class.items.iter().any(|item| self.item(item, c));
        hit != class.negated
    }

    fn item(&self, item: &ClassItem, c: char) -> bool {
        match *item {
            ClassItem::Range(lo, hi) => {
                let within = |c: char| lo <= c && c <= hi;
                within(c)
                    || (self.ignore_case
                        && (c.to_lowercase().any(within) || c.to_uppercase().any(within)))
            }
            ClassItem::Digit(yes) => c.is_numeric() == yes,
            ClassItem::Word(yes) => (c.is_alphanumeric() || c == '_') == yes,
            ClassItem::Space(yes) => c.is_whitespace() == yes,
            ClassItem::NotNewline => c != '\n',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::compile(pattern, true).unwrap().matches(text)
    }

    #[test]
    fn matches_as_re_match_does() {
        assert!(m("ssl.PROTOCOL_TLS", "ssl.PROTOCOL_TLS is deprecated"));
        assert!(m("ssl.protocol_tls", "ssl.PROTOCOL_TLS is deprecated"));
        assert!(!m("PROTOCOL_TLS", "ssl.PROTOCOL_TLS is deprecated"));
        assert!(m(".*deprecated", "ssl.PROTOCOL_TLS is deprecated"));
        assert!(m(
            r"ssl\.TLSVersion\.TLSv1(_1)? is deprecated$",
            "ssl.TLSVersion.TLSv1_1 is deprecated"
        ));
        assert!(!m(
            r"ssl\.TLSVersion\.TLSv1 is deprecated$",
            "ssl.TLSVersion.TLSv1_1 is deprecated"
        ));
        assert!(m(
            "ssl.(PROTOCOL|OP_NO)",
            "ssl.OP_NO_SSL*/ssl.OP_NO_TLS* options are deprecated"
        ));
        assert!(m(
            r"ssl\.PROTOCOL_TLSv1_[12]",
            "ssl.PROTOCOL_TLSv1_2 is deprecated"
        ));
        assert!(m(r"[^ ]+ is", "ssl.PROTOCOL_TLS is deprecated"));
        assert!(m(r"\w{3}\.", "ssl.PROTOCOL_TLS is"));
        assert!(!m(r"\w{4}\.", "ssl.PROTOCOL_TLS is"));
        assert!(m(r"(a*)*b", "aaab"));
        assert!(m("", "anything"));
        assert!(m("a{", "a{"));
    }

    #[test]
    fn refuses_what_it_cannot_match_and_what_python_rejects() {
        for bad in [r"(?=x)", r"(x)\1", "(", "[a", "*", "a**", "x{3,1}"] {
            assert!(Pattern::compile(bad, false).is_err(), "{bad}");
        }
    }
}
