//! Python's `idna` codec (IDNA 2003), compared with CPython 3.13's `name.encode('idna')`: a
//! corpus of host names, then every code point of the planes nameprep's tables touch.
//!
//! pyssl applies the codec where CPython does: to `server_hostname` (`SSLContext._encode_hostname`)
//! and to the text hosts of `socket` (`getaddrinfo`'s `host.encode('idna')`). The public way in
//! without a resolver is `socket::HostArg::host_bytes`, the bytes `getaddrinfo` would pass on.

mod common;

use pyssl::pyrepr::PyRepr;
use pyssl::socket::HostArg;
use pyssl::ssl;

/// `name.encode('idna')` as one line: the ASCII result, or `type|str(e)|repr(e)`.
fn ours(name: &str) -> String {
    match name.host_bytes() {
        Ok(bytes) => String::from_utf8(bytes.unwrap()).unwrap(),
        Err(e) => format!("{}|{e}|{}", e.type_name(), e.py_repr()),
    }
}

const PY_ENCODE: &str = r#"
def encode(name):
    try:
        return name.encode('idna').decode('ascii')
    except Exception as e:
        return f'{type(e).__name__}|{e}|{e!r}'
"#;

/// Names covering each step of the codec: the ASCII fast path, the four dots, mapping (case, ß,
/// fullwidth, ligatures, mapped-to-nothing), NFKC, prohibited characters, the bidi rules, the
/// ACE prefix and the length limits, before and after nameprep.
fn corpus() -> Vec<String> {
    let mut names: Vec<String> = [
        "",
        "example.com",
        "Example.COM",
        "example.com.",
        "a..b",
        ".a",
        ".",
        "..",
        "straße.de",
        "STRASSE.de",
        "königsgäßchen",
        "Königsgäßchen.DE",
        "pythön.org",
        "PYTHÖN.ORG",
        "ﬁnance.example",
        "ｅｘａｍｐｌｅ．ｃｏｍ",
        "例え。テスト",
        "例え．テスト｡jp",
        "bücher.example。",
        "bücher..example",
        "ä.",
        "ä..",
        "。",
        "a\u{00ad}b.ü",
        "ü\u{00ad}.x",
        "\u{00ad}.ü",
        "ü.\u{200b}",
        "\u{fffd}.example",
        "a\u{fffd}b.ü",
        "ü\u{e000}",
        "ü\u{1680}",
        "ü\u{2028}",
        "ü\u{feff}x",
        "ü\u{200e}",
        "ü\u{e0001}",
        "ü\u{fdd0}",
        "ü\u{2ff0}",
        "\u{05d0}\u{05d1}",
        "\u{05d0}a\u{05d1}",
        "\u{05d0}1",
        "1\u{05d0}",
        "\u{0627}\u{0644}\u{0639}\u{0631}\u{0628}\u{064a}\u{0629}.example",
        "\u{05d0}\u{2800}\u{05d0}",
        "\u{05d0}\u{17b4}\u{05d0}",
        "xn--pythn-mua.org",
        "XN--PYTHN-MUA.org",
        "xn--ü.org",
        "XN--ü.org",
        "ẞ.de",
        "Ꭰ.example",
        "Ⴀ.example",
        "Ϲ.example",
        "İstanbul.tr",
        "ǅ.example",
        "\u{2f868}.example",
        "\u{1b06}.example",
        "k\u{212a}.example",
        "ü\0x",
        "a\0b",
        "ü\u{3000}x",
        "ü\u{00a0}x",
        "ﬃ\u{fffd}",
        "ﬃﬃ\u{fffd}",
        "\u{01c4}\u{0308}",
        "a\u{0308}\u{0301}\u{0323}.example",
        "\u{1100}\u{1161}\u{11a8}.example",
        "\u{0915}\u{093c}.example",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Lengths at and around 63 and 64, ASCII and not, before and after nameprep.
    for n in [59, 60, 63, 64] {
        names.push("a".repeat(n));
        names.push(format!("{}.com", "a".repeat(n)));
        names.push(format!("ü.{}", "a".repeat(n)));
        names.push(format!("{}ü", "a".repeat(n - 1)));
        names.push(format!("x.{}ü.y", "a".repeat(n - 10)));
        names.push("ü".repeat(n));
        names.push(format!("ü.{}", "ﬃ".repeat(n / 3 + 1)));
        names.push(format!("ü.{}", "\u{00ad}".repeat(n)));
    }
    names.push(format!("{}.ü", "ａ".repeat(63)));
    names.push(format!("{}.ü", "ａ".repeat(64)));
    names.push(format!("ü{}", "\u{00ad}".repeat(80)));
    names
}

#[test]
fn idna_codec_matches_cpython_on_a_corpus() {
    let names = corpus();
    let code = format!(
        "{PY_ENCODE}\nimport sys, json\nfor name in json.loads(sys.stdin.read()):\n    print(ascii(encode(name)))\n"
    );
    let theirs = common::py313_stdin(&code, &json_strings(&names));
    let theirs: Vec<&str> = theirs.lines().collect();
    assert_eq!(theirs.len(), names.len());
    for (name, theirs) in names.iter().zip(theirs) {
        let ours = common::py_ascii(&ours(name));
        assert_eq!(ours, theirs, "{name:?}");
    }
    // The cases the brief names, pinned.
    assert_eq!(ours("straße.de"), "strasse.de");
    assert_eq!(ours("königsgäßchen"), "xn--knigsgsschen-lcb0w");
    assert_eq!(ours("a..b"), "UnicodeEncodeError|'idna' codec can't encode character '\\x2e' in position 2: label empty|UnicodeEncodeError('idna', 'a..b', 2, 3, 'label empty')");
    assert_eq!(ours("\u{fffd}.example"), "UnicodeEncodeError|'idna' codec can't encode character '\\ufffd' in position 0: Invalid character '\u{fffd}'|UnicodeEncodeError('idna', '\u{fffd}.example', 0, 1, \"Invalid character '\u{fffd}'\")");
}

/// Every code point of planes 0 to 2 (and samples of the tag and private-use planes), in three
/// labels each: alone (mapping, normalization, prohibition), between two Hebrew letters (is it
/// `L`?) and before an `a` (is it `R`/`AL`?). Only non-trivial results are printed on either
/// side, as `code point: probe: result`.
#[test]
fn idna_codec_matches_cpython_code_point_by_code_point() {
    let code = format!(
        "{PY_ENCODE}{}",
        r#"
import sys
ranges = [(0, 0x30000), (0xE0000, 0xE0200), (0xF0000, 0xF0100), (0x10FF00, 0x110000)]
out = []
for lo, hi in ranges:
    for n in range(lo, hi):
        if 0xD800 <= n < 0xE000:
            continue
        c = chr(n)
        for probe, name in (('c', c), ('L', '\u05d0' + c + '\u05d0'), ('R', c + 'a')):
            result = encode(name)
            if result != name:
                out.append(f'{n:X}: {probe}: {ascii(result)}')
sys.stdout.write('\n'.join(out) + '\n')
"#
    );
    let theirs = common::py313(&code, &[]);
    let mut ours = String::new();
    let ranges = [
        (0, 0x30000),
        (0xE0000, 0xE0200),
        (0xF0000, 0xF0100),
        (0x10FF00, 0x110000),
    ];
    for (lo, hi) in ranges {
        for c in (lo..hi).filter_map(char::from_u32) {
            let probes = [
                ("c", c.to_string()),
                ("L", format!("\u{5d0}{c}\u{5d0}")),
                ("R", format!("{c}a")),
            ];
            for (probe, name) in probes {
                let result = self::ours(&name);
                if result != name {
                    ours.push_str(&format!(
                        "{:X}: {probe}: {}\n",
                        c as u32,
                        common::py_ascii(&result)
                    ));
                }
            }
        }
    }
    let (known, differences): (Vec<String>, Vec<String>) = diff_lines(&ours, &theirs)
        .into_iter()
        .partition(|line| lowercased_after_unicode_15_1(line));
    assert!(
        differences.is_empty(),
        "{} lines differ from CPython 3.13 (- pyssl, + CPython), first ones:\n{}",
        differences.len(),
        differences[..differences.len().min(40)].join("\n")
    );
    // The one documented difference: capitals that gained a lower case after Unicode 15.1
    // (CPython 3.13's `str.lower()`) are lowered by pyssl (Rust's newer Unicode), so their
    // punycode differs; each such code point differs in all three probes, nothing else does.
    assert_eq!(known.len(), 2 * 3 * NEWER_LOWERCASE_COUNT, "{known:#?}");
}

/// Code points with a lower case in Unicode 16.0 or 17.0 but not in 15.1.
const NEWER_LOWERCASE: &[(u32, u32)] = &[
    (0x1C89, 0x1C89),
    (0xA7CB, 0xA7CC),
    (0xA7CE, 0xA7CE),
    (0xA7D2, 0xA7D2),
    (0xA7D4, 0xA7D4),
    (0xA7DA, 0xA7DA),
    (0xA7DC, 0xA7DC),
    (0x10D50, 0x10D65),
    (0x16EA0, 0x16EB8),
];
const NEWER_LOWERCASE_COUNT: usize = 1 + 2 + 5 + 22 + 25;

/// Whether a difference line (`- 10D50: c: ...`) is about one of [`NEWER_LOWERCASE`].
fn lowercased_after_unicode_15_1(line: &str) -> bool {
    let n = u32::from_str_radix(line[2..].split(':').next().unwrap(), 16).unwrap();
    NEWER_LOWERCASE
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&n))
}

/// The codec as `wrap_bio`'s `server_hostname` applies it, against CPython's
/// `SSLObject.server_hostname`.
#[test]
fn server_hostname_is_encoded_as_cpython_does() {
    let names = [
        "straße.de",
        "königsgäßchen.de",
        "ＥＸＡＭＰＬＥ。com",
        "ﬁ.example",
        "\u{fffd}.example",
        "xn--ü.org",
        "\u{05d0}a\u{05d1}.example",
        "LocalHost",
        "a\0b",
        "ü\0b",
    ];
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let ours: Vec<String> = names
        .iter()
        .map(|&name| {
            let (incoming, outgoing) = (
                ssl::MemoryBIO::new().unwrap(),
                ssl::MemoryBIO::new().unwrap(),
            );
            let kw = ssl::WrapBio {
                server_hostname: Some(name),
                ..Default::default()
            };
            match ctx.wrap_bio(&incoming, &outgoing, kw) {
                Ok(obj) => common::py_ascii(obj.server_hostname().unwrap_or("None")),
                Err(e) => common::py_ascii(&format!("{}|{e}|{}", e.type_name(), e.py_repr())),
            }
        })
        .collect();
    let code = r#"
import ssl, sys, json
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for name in json.loads(sys.stdin.read()):
    try:
        r = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname=name).server_hostname
    except Exception as e:
        r = f'{type(e).__name__}|{e}|{e!r}'
    print(ascii(r))
"#;
    let theirs = common::py313_stdin(code, &json_strings(&names));
    let theirs: Vec<&str> = theirs.lines().collect();
    for ((name, ours), theirs) in names.iter().zip(&ours).zip(&theirs) {
        assert_eq!(ours, theirs, "{name:?}");
    }
    assert_eq!(ours[0], "'strasse.de'");
    assert_eq!(
        ours[8],
        "\"TypeError|argument must be encoded string without null bytes, not str|TypeError('argument must be encoded string without null bytes, not str')\""
    );
}

/// A JSON array of strings (`\uXXXX` escapes for everything outside printable ASCII).
fn json_strings(items: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| {
            let mut q = String::from("\"");
            for unit in s.as_ref().encode_utf16() {
                match unit {
                    0x20..=0x7e if unit != u16::from(b'"') && unit != u16::from(b'\\') => {
                        q.push(char::from(unit as u8))
                    }
                    _ => q.push_str(&format!("\\u{unit:04x}")),
                }
            }
            q.push('"');
            q
        })
        .collect();
    format!("[{}]", quoted.join(","))
}

/// The lines only one side has, `-` ours and `+` theirs, in order.
fn diff_lines(ours: &str, theirs: &str) -> Vec<String> {
    use std::collections::BTreeSet;
    let a: BTreeSet<&str> = ours.lines().collect();
    let b: BTreeSet<&str> = theirs.lines().collect();
    let mut out: Vec<String> = a.difference(&b).map(|l| format!("- {l}")).collect();
    out.extend(b.difference(&a).map(|l| format!("+ {l}")));
    out.sort_by(|x, y| x[2..].cmp(&y[2..]));
    out
}
