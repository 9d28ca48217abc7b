#!/bin/sh
# Issue 14's `pyssl serve --asyncio` figure: one server process holding 10,000 verified TLS
# connections at once, then answering a request on every one. The client is CPython 3.13's
# asyncio (scripts/hold-connections.py, about 3 GB for 10,000 connections). Builds in release
# mode and prints the client's JSON report: connections held at once, the server's resident
# memory before and while holding them, its threads, replies that were the article's, errors.
#
#     scripts/serve-10k.sh [N]     # N connections (10000)
set -eu
cd "$(dirname "$0")/.."
N=${1:-10000}

cargo build --release --features asyncio --bin pyssl
# N descriptors in the server and as many in the client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -le "$N" ]; then
    echo "ulimit -n is $(ulimit -n): $N connections need more descriptors" >&2
    exit 1
fi

OUT=$(mktemp)
# The request deadline outlasts the time it takes to open them all.
target/release/pyssl serve --asyncio --port 0 --request-timeout 600 >"$OUT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -f "$OUT"' EXIT
while ! grep -q Serving "$OUT"; do sleep 0.1; done
PORT=$(sed -n "s/^Serving HTTPS on ('127.0.0.1', \([0-9]*\))$/\1/p" "$OUT")

if python3.13 -c "" 2>/dev/null; then PY=python3.13; else PY="env PYENV_VERSION=3.13.0 python3"; fi
$PY scripts/hold-connections.py "$PORT" "$N" fixtures/ca.pem "$SERVER"
