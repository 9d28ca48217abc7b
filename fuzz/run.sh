#!/usr/bin/env bash
# Fuzz pyssl's parsers of untrusted input with cargo-fuzz (libFuzzer, ASan, nightly).
#
#   bash fuzz/run.sh            # every target for 180 s each (FUZZ_SECONDS to change)
#   bash fuzz/run.sh alpn 60    # one target, 60 s
#
# Seeds come from fixtures/ (certificates as DER and PEM, a cipher string, times). Crashes land
# in fuzz/artifacts/<target>/; the exit status is non-zero if any target found one.
set -euo pipefail
FUZZ=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$FUZZ")
cd "$FUZZ"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
SECONDS_EACH=${2:-${FUZZ_SECONDS:-180}}
TARGETS=(decode_cert pem_der cert_time cipher_string cadata alpn server_handshake)
[ $# -ge 1 ] && TARGETS=("$1")

seed() {
    mkdir -p corpus/decode_cert corpus/pem_der corpus/cadata corpus/cert_time \
        corpus/cipher_string corpus/alpn corpus/server_handshake
    for pem in "$ROOT"/fixtures/*.pem; do
        name=$(basename "$pem" .pem)
        openssl x509 -in "$pem" -outform DER -out "corpus/decode_cert/$name.der" 2>/dev/null || continue
        cp "corpus/decode_cert/$name.der" "corpus/cadata/$name.der"
        cp "$pem" "corpus/pem_der/$name.pem"
    done
    printf 'May  9 00:00:00 2007 GMT' >corpus/cert_time/a
    printf 'Jan  5 09:34:43 2018 GMT' >corpus/cert_time/b
    printf '@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM' \
        >corpus/cipher_string/python
    printf 'HIGH:!RC4:!MD5:!3DES' >corpus/cipher_string/article
    printf 'h2\0http/1.1\377http/1.1\0h2' >corpus/alpn/a
    printf '\001' >corpus/server_handshake/hello
    printf '\002\100\026\003\003' >corpus/server_handshake/overwrite
}
seed

status=0
for t in "${TARGETS[@]}"; do
    echo "== $t: ${SECONDS_EACH}s"
    cargo +nightly fuzz run "$t" -- -max_total_time="$SECONDS_EACH" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -n 25 >"$FUZZ/last-$t.log" || status=1
    grep -E "Done|stat::number_of_executed_units|ERROR|SUMMARY|panicked" "$FUZZ/last-$t.log" || true
done
exit "$status"
