#!/bin/sh
# Issue 14's asyncio benchmark: pyssl::asyncio, raw tokio-openssl, CPython 3.13's asyncio and
# uvloop (installed from PyPI into target/bench/venv-uvloop when it installs; reported absent
# otherwise) side by side on loopback, plus callgrind instruction counts per handshake. Builds
# in release mode, writes target/bench/async_summary.json and renders the asyncio block of
# docs/performance.md (see its "asyncio" section for the knobs).
set -eu
cd "$(dirname "$0")/.."

BIN=$(cargo build --release --features asyncio --bench async_perf \
    --message-format=json-render-diagnostics \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "async_perf" and m.get("executable"):
        print(m["executable"])')
[ -x "$BIN" ] || { echo "bench binary not built" >&2; exit 1; }

# 10,000 idle connections need 10,000 descriptors in the server and as many in the client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec python3 benches/run_async.py all "$BIN"
