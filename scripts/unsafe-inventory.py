#!/usr/bin/env python3
"""Prints docs/security.md's `unsafe` inventory: every `unsafe` block, impl, fn and C callback
under src/ffi/ with the `// SAFETY:` argument written above it (or the `# Safety` section of an
unsafe fn's doc). Run it after changing src/ffi/ and paste the table into docs/security.md:

    python3 scripts/unsafe-inventory.py > /tmp/inventory.md

Exits 1 (after printing the table) when a site has no SAFETY argument, so a missing one shows.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# `unsafe extern "C" fn name(`: a callback we define; a nameless one is a function-pointer type.
SITE = re.compile(r'\bunsafe\s*(\{|impl\b|fn\b|extern\s+"C"\s+fn\s+\w)')
FN = re.compile(r'\bfn\s+([A-Za-z_][A-Za-z0-9_]*)')


def comment_above(lines, i):
    """The comment lines directly above line i (skipping attributes), joined."""
    text = []
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("#["):
            j -= 1
            continue
        if s.startswith("//"):
            text.append(s.lstrip("/").strip())
            j -= 1
            continue
        break
    return " ".join(reversed(text))


def argument(lines, i):
    """The SAFETY argument for the site on line i: its own comment, or for a block inside a
    statement, the comment above the statement's first line; for an unsafe fn, its doc."""
    for k in range(i, max(i - 4, -1), -1):
        text = comment_above(lines, k)
        m = re.search(r"SAFETY(?: \([^)]*\))?:\s*(.*)", text)
        if m:
            return m.group(1)
        m = re.search(r"# Safety\s*(.*)", text)
        if m:
            return m.group(1)
        if k < i and lines[k].rstrip().endswith((";", "{", "}")):
            break
    inline = re.search(r"//\s*SAFETY:\s*(.*)", lines[i])
    if inline:
        return inline.group(1)
    if 'extern "C" fn' in lines[i]:
        # A callback we define: its body's first block carries the argument for what OpenSSL
        # hands it.
        for k in range(i + 1, min(i + 12, len(lines))):
            if re.match(r"\s*unsafe\s*\{", lines[k]):
                m = re.search(r"SAFETY(?: \([^)]*\))?:\s*(.*)", comment_above(lines, k))
                return m.group(1) if m else None
    return None


def enclosing_fn(lines, i):
    for j in range(i, -1, -1):
        m = FN.search(lines[j])
        if m and not lines[j].strip().startswith("//"):
            return m.group(1)
        if lines[j].startswith(("impl", "unsafe impl")):
            return lines[j].split("{")[0].strip()
    return "(module)"


def main():
    rows, missing = [], 0
    for path in sorted((ROOT / "src" / "ffi").glob("*.rs")):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            code = line.split("//")[0]
            for m in SITE.finditer(code):
                kind = {"{": "block", "impl": "impl", "fn": "fn"}.get(m.group(1).split()[0], "callback")
                if kind == "fn" and 'extern "C"' in code:
                    continue  # declarations inside an extern block are not sites
                why = argument(lines, i)
                if why is None:
                    missing += 1
                    why = "**no SAFETY comment**"
                where = f"`{path.relative_to(ROOT)}:{i + 1}`"
                name = enclosing_fn(lines, i) if kind != "impl" else code.strip().rstrip("{ ")
                rows.append(f"| {where} | `{name}` | {kind} | {why.replace('|', '/')} |")
    print(f"Each block and its own `// SAFETY:` argument ({len(rows)} sites, printed by "
          "`scripts/unsafe-inventory.py`):\n")
    print("| where | function | kind | what it relies on |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
