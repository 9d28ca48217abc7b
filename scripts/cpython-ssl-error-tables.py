#!/usr/bin/env python3
"""Turns CPython 3.13.0's compiled-in OpenSSL error tables into pyssl's data files.

CPython's `_ssl` names an error `[LIB: REASON]` only when `(lib, reason)` is in the table it was
compiled with; `Modules/_ssl.c` (v3.13.0) picks that table by the OpenSSL it is built against:

    OPENSSL_VERSION_NUMBER >= 0x30100000  ->  Modules/_ssl_data_31.h   (generated from OpenSSL 3.1.1)
    OPENSSL_VERSION_NUMBER >= 0x30000000  ->  Modules/_ssl_data_300.h  (3.0.9, plus 1.1.1 names)
    OPENSSL_VERSION_NUMBER >= 0x10101000  ->  Modules/_ssl_data_111.h  (1.1.1u)

Input: a CPython source tree at tag v3.13.0 (the three headers above; all three were generated
on 2023-06-01 by GH-105174 and are unchanged until after 3.13.0). Output: one text file per
header in data/cpython-ssl-errors/, holding only the names and numbers (facts about OpenSSL), in
our own format:

    lib NAME                       a `library_codes` entry: `#ifdef ERR_LIB_NAME`
    LIB REASON LIBNUM CODE         an `error_codes` entry: `#ifdef LIB_R_REASON` then
                                   (ERR_LIB_LIB, LIB_R_REASON), else (LIBNUM, CODE)

in the headers' order. build.rs resolves each entry against the linked OpenSSL's headers the way
the C preprocessor resolves CPython's `#ifdef`s.

    python3 scripts/cpython-ssl-error-tables.py CPYTHON_SRC [OUT_DIR]
"""

import pathlib
import re
import sys

TABLES = ("111", "300", "31")

LIBRARY = re.compile(
    r'#ifdef ERR_LIB_(\w+)\n    \{"(\w+)", ERR_LIB_(\w+)\},\n#endif\n'
)
ENTRY = re.compile(
    r'  #ifdef (\w+)\n'
    r'    \{"(\w+)", ERR_LIB_(\w+), (\w+)\},\n'
    r'  #else\n'
    r'    \{"(\w+)", (\d+), (\d+)\},\n'
    r'  #endif\n'
)


def section(text, start, end):
    """The text between the first `start` and the next `end`."""
    i = text.index(start) + len(start)
    return text[i:text.index(end, i)]


def whole_matches(pattern, text, what):
    """Every match of `pattern`, which must cover `text` exactly (no line left unread)."""
    matches, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() != pos:
            sys.exit(f"unexpected {what} text: {text[pos:m.start()][:200]!r}")
        matches.append(m)
        pos = m.end()
    return matches, text[pos:]


def convert(header):
    text = header.read_text(encoding="utf-8")
    libs_text = section(text, "library_codes[] = {\n", "    { NULL }\n};")
    errs_text = section(text, "error_codes[] = {\n", "    { NULL }\n};")
    out = [
        f"# CPython v3.13.0 Modules/{header.name}, converted by scripts/cpython-ssl-error-tables.py.",
        "# lib NAME | LIB REASON LIBNUM CODE (see the script for the meaning)",
    ]
    libs, rest = whole_matches(LIBRARY, libs_text, "library_codes")
    if rest:
        sys.exit(f"{header}: unexpected library_codes text {rest[:200]!r}")
    for m in libs:
        if not m.group(1) == m.group(2) == m.group(3):
            sys.exit(f"{header}: odd library entry {m.group(0)!r}")
        out.append(f"lib {m.group(1)}")
    entries, rest = whole_matches(ENTRY, errs_text, "error_codes")
    if rest:
        sys.exit(f"{header}: unexpected error_codes text {rest[:200]!r}")
    for m in entries:
        macro, name, lib, macro2, name2, libnum, code = m.groups()
        if macro != macro2 or name != name2 or macro != f"{lib}_R_{name}":
            sys.exit(f"{header}: odd error entry {m.group(0)!r}")
        out.append(f"{lib} {name} {libnum} {code}")
    return "\n".join(out) + "\n", len(libs), len(entries)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src = pathlib.Path(sys.argv[1]) / "Modules"
    root = pathlib.Path(__file__).resolve().parent.parent
    out_dir = pathlib.Path(sys.argv[2]) if len(sys.argv) == 3 else root / "data" / "cpython-ssl-errors"
    out_dir.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        data, libs, entries = convert(src / f"_ssl_data_{table}.h")
        target = out_dir / f"ssl_data_{table}.txt"
        target.write_text(data, encoding="utf-8")
        print(f"{target}: {libs} libraries, {entries} reasons")


if __name__ == "__main__":
    main()
