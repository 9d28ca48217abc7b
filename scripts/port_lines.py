#!/usr/bin/env python3
"""Pair the lines of an example Python program with the lines of its Rust port and count them.

    python3 scripts/port_lines.py examples/check_certs            # side by side, then the counts
    python3 scripts/port_lines.py --counts examples/check_certs   # the counts only (one line)

A port (`examples/NAME.rs` beside `examples/NAME.py`) keeps the Python's statements in the same
order. Code lines are paired in order: blank lines, comments, docstrings and doc comments,
attributes and lines holding only closing brackets (Python's dedent) are left out. A trailing
comment on a Rust line says how it ports its Python line:

    (none)          one to one
    // std: why     another shape because of Python's standard library outside ssl/socket
                    (argparse, sys, time, threading, ...); every line using one of them counts here
    // pyssl: why   another shape because of pyssl
    // +: why       a line Rust needs in addition (no Python line of its own)
    // +std: why    the same, for the standard library's equivalent

and a comment line `// -: <python>` (or `// -std: <python>`) stands for a Python line whose work
needs no Rust statement of its own (`try:` of a single statement, `global x`, `thread.start()`).
tests/example_programs/ checks that the pairing adds up and that docs/porting.md states these
counts.
"""
import re
import sys

MARKER = re.compile(r'//\s*(\+std|\+|-std|-|std|pyssl):\s*(.*)$')
CLOSERS = re.compile(r'^[\s})(\];,]*$')  # `}`, `})();`, `};`: Python's dedent


def python_lines(path):
    lines, in_doc = [], False
    for number, raw in enumerate(open(path, encoding='utf-8'), 1):
        text = raw.strip()
        if in_doc:
            in_doc = '"""' not in text
            continue
        if text.startswith('"""'):
            in_doc = not (len(text) > 3 and text.endswith('"""'))
            continue
        if text and not text.startswith('#'):
            lines.append((number, text))
    return lines


def rust_lines(path):
    """(line number, text, kind, why) for each Rust line that counts."""
    lines = []
    for number, raw in enumerate(open(path, encoding='utf-8'), 1):
        text = raw.strip()
        if not text or text.startswith(('///', '//!', '#[')) or CLOSERS.match(text):
            continue
        marker = MARKER.search(text)
        kind, why = (marker.group(1), marker.group(2)) if marker else ('', '')
        if text.startswith('//') and kind not in ('-', '-std'):
            continue
        lines.append((number, text, kind, why))
    return lines


def pair(stem):
    py = python_lines(stem + '.py')
    rs = [line for line in rust_lines(stem + '.rs') if not line[2].startswith('+')]
    extra = [line for line in rust_lines(stem + '.rs') if line[2].startswith('+')]
    return py, rs, extra


def counts(stem):
    py, rs, extra = pair(stem)
    if len(py) != len(rs):
        raise SystemExit(f'{stem}: {len(py)} Python lines but {len(rs)} Rust lines paired with them')
    kinds = [kind.lstrip('-') for _, _, kind, _ in rs]
    return {
        'python': len(py),
        'one_to_one': kinds.count(''),
        'std': kinds.count('std'),
        'pyssl': kinds.count('pyssl'),
        'rust_extra': len(extra),
    }


def main(argv):
    only_counts = argv[:1] == ['--counts']
    stems = [a.removesuffix('.py').removesuffix('.rs') for a in argv if a != '--counts']
    if not stems:
        raise SystemExit(__doc__)
    for stem in stems:
        if not only_counts:
            py, rs, extra = pair(stem)
            for (pn, ptext), (rn, rtext, kind, why) in zip(py, rs):
                label = {'': '', '-': '', 'std': 'std', '-std': 'std', 'pyssl': 'PYSSL'}[kind]
                print(f'{pn:4} {ptext[:60]:60} | {rn:4} {label:5} {rtext[:90]}')
            for rn, rtext, kind, why in extra:
                print(f'{"":65} | {rn:4} {kind:5} {rtext[:90]}')
        print(stem, ' '.join(f'{k}={v}' for k, v in counts(stem).items()))


if __name__ == '__main__':
    main(sys.argv[1:])
