#!/bin/sh
# Issue 6's benchmark suite: pyssl, raw rust-openssl and CPython 3.13's ssl side by side on
# loopback, plus `openssl speed` ceilings and callgrind instruction counts. Builds in release
# mode, writes target/bench/summary.json and renders the table in docs/performance.md.
#
# Default sizes fit ~5 minutes on 2 cores. The full-size run of issue 6:
#   BENCH_MIB=1024 BENCH_ROUNDS=5 BENCH_HS_N=1000 BENCH_RESUME_N=2000 BENCH_RTT_N=20000 \
#   BENCH_IDLE_N=1000 scripts/bench.sh
# Other knobs: BENCH_CTX_N, BENCH_CALLGRIND=0|1, BENCH_CALLGRIND_HS_N, BENCH_CALLGRIND_MIB,
# BENCH_SPEED=0|1, BENCH_RENDER=0|1 (see docs/performance.md).
set -eu
cd "$(dirname "$0")/.."

BIN=$(cargo build --release --bench perf --message-format=json-render-diagnostics \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "perf" and m.get("executable"):
        print(m["executable"])')
[ -x "$BIN" ] || { echo "bench binary not built" >&2; exit 1; }

# 1,000 idle connections need ~2,000 descriptors per process pair.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec python3 benches/run.py all "$BIN"
