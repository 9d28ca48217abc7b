#!/usr/bin/env bash
# Memory-safety runs of the test suite.
#
#   bash scripts/sanitize.sh asan [cargo test args]      # AddressSanitizer + LeakSanitizer
#   bash scripts/sanitize.sh asan --features asyncio     # the same with the asyncio layer
#   bash scripts/sanitize.sh valgrind [test names]       # valgrind memcheck on test binaries
#
# asan: the whole suite (or what the extra arguments select) built by the nightly toolchain with
#   -Zsanitizer=address into target/asan; LeakSanitizer runs at each test process's exit.
#   OpenSSL and CPython are not instrumented: ASan sees pyssl's own code and every heap block
#   (malloc is intercepted process-wide), so a use-after-free or double free of an OpenSSL object
#   through pyssl's FFI, and any leak of one, is reported.
# valgrind: memcheck over the named integration-test binaries (default: the library's unit tests
#   and the sans-I/O, certificate and client/server tests), definite leaks and invalid
#   accesses as errors. Valgrind instruments OpenSSL's C code too.
#
# Exit status is non-zero on any report. docs/security.md records the latest results.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mode=${1:-asan}
shift || true
# Tests skip their VmRSS bounds under a sanitizer (quarantined memory stays resident).
export PYSSL_SANITIZER=$mode

case "$mode" in
asan)
    TARGET=x86_64-unknown-linux-gnu
    export RUSTFLAGS="-Zsanitizer=address ${RUSTFLAGS:-}"
    export RUSTDOCFLAGS="-Zsanitizer=address ${RUSTDOCFLAGS:-}"
    export CARGO_TARGET_DIR="$ROOT/target/asan"
    # detect_leaks: LeakSanitizer at exit; abort_on_error keeps the failing test visible;
    # allocator_may_return_null: a failed allocation is NULL, as from glibc, so `try_reserve`
    # reports it (tests/caller_sizes.rs asks for 1 TiB and expects MemoryError).
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
    # Integration tests, unit tests and binaries (doctests need -Zbuild-std for the sanitizer
    # runtime of rustdoc's own link step; they exercise nothing the tests do not).
    # tests/examples.rs runs the examples' binaries: build them (instrumented) first, with
    # the features the tests get (the asyncio examples need `--features asyncio`).
    features=()
    args=("$@")
    for ((i = 0; i < ${#args[@]}; i++)); do
        case "${args[i]}" in
        --features) features+=(--features "${args[i + 1]:-}") ;;
        --features=* | --all-features) features+=("${args[i]}") ;;
        esac
    done
    cargo +nightly build --target "$TARGET" --examples "${features[@]}"
    cargo +nightly test --target "$TARGET" --no-fail-fast --lib --bins --tests "$@"
    ;;
valgrind)
    command -v valgrind >/dev/null || {
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
    }
    tests=("$@")
    [ ${#tests[@]} -gt 0 ] || tests=(lib sslobject certificates client_server)
    cargo test --no-run -q >/dev/null 2>&1
    status=0
    for t in "${tests[@]}"; do
        if [ "$t" = lib ]; then
            bin=$(cargo test --lib --no-run --message-format=json 2>/dev/null |
                python3 -c 'import json,sys; print([json.loads(l)["executable"] for l in sys.stdin if json.loads(l).get("profile",{}).get("test") and json.loads(l).get("executable")][-1])')
        else
            bin=$(cargo test --test "$t" --no-run --message-format=json 2>/dev/null |
                python3 -c 'import json,sys; print([json.loads(l)["executable"] for l in sys.stdin if json.loads(l).get("profile",{}).get("test") and json.loads(l).get("executable")][-1])')
        fi
        echo "== valgrind $t ($bin)"
        valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --show-leak-kinds=definite \
            --trace-children=no --quiet "$bin" --test-threads=2 -q || status=$?
    done
    exit "$status"
    ;;
*)
    echo "usage: $0 asan|valgrind [args]" >&2
    exit 2
    ;;
esac
