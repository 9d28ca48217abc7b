#!/usr/bin/env bash
# The OpenSSL version matrix: fmt, clippy and the whole test suite against each OpenSSL.
#
#   bash scripts/openssl-matrix.sh               # all three: 1.1.1 3.0 3.5
#   bash scripts/openssl-matrix.sh 1.1.1 3.5     # only these
#   bash scripts/openssl-matrix.sh --build-only 1.1.1 3.5   # only build the OpenSSLs
#
# 3.0    the system OpenSSL (3.0.x from the distribution), a plain `cargo test`.
# 1.1.1  OpenSSL 1.1.1w, from the `openssl-src` crate's bundled source at =111.28.2+1.1.1w.
# 3.5    OpenSSL 3.5.5,  from the `openssl-src` crate's bundled source at =300.5.5+3.5.5.
#
# Each source-built OpenSSL is configured with its own `Configure` (static, `no-shared
# no-tests`, on 3.x `no-module`, `--openssldir=/usr/lib/ssl` like a distribution package so the default trust
# store and openssl.cnf are the system's) and installed with `make install_sw` (libraries,
# headers and the `openssl` tool; nothing is written to the OPENSSLDIR) under
# target/matrix/openssl-<ver>/. The install is cached: delete that directory to rebuild.
# The crate is then built and tested with OPENSSL_DIR=<prefix> OPENSSL_STATIC=1 into
# CARGO_TARGET_DIR=target/matrix/build-<ver>, so the three builds never share artifacts.
#
# The crate source is only ever read from crates.io through cargo: when the openssl-src
# package is not already in ~/.cargo/registry, a throwaway manifest under target/matrix/fetch-<ver>
# pins it and `cargo fetch` downloads it.
#
# Exit status is non-zero when any step of any version fails; a summary table closes the run.
# docs/openssl-versions.md records the latest results.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
MATRIX="$ROOT/target/matrix"
mkdir -p "$MATRIX"
JOBS=${JOBS:-2}

build_only=0
if [ "${1:-}" = "--build-only" ]; then
    build_only=1
    shift
fi
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.1.1 3.0 3.5)

# version -> openssl-src crate version
src_crate_version() {
    case "$1" in
    1.1.1) echo "111.28.2+1.1.1w" ;;
    3.5) echo "300.5.5+3.5.5" ;;
    *) return 1 ;;
    esac
}

log() { printf '== %s\n' "$*" >&2; }

# Prints the directory of openssl-src's bundled OpenSSL source (`.../openssl`), fetching the
# pinned crate from crates.io when it is not in the local registry yet.
openssl_source() {
    local ver=$1 crate
    crate=$(src_crate_version "$ver") || return 1
    local home=${CARGO_HOME:-$HOME/.cargo}
    local dir
    for dir in "$home"/registry/src/*/openssl-src-"$crate"/openssl; do
        [ -f "$dir/Configure" ] && { echo "$dir"; return 0; }
    done
    local fetch="$MATRIX/fetch-$ver"
    mkdir -p "$fetch/src"
    cat >"$fetch/Cargo.toml" <<EOF
[package]
name = "openssl-src-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
openssl-src = "=$crate"

[workspace]
EOF
    : >"$fetch/src/lib.rs"
    log "fetching openssl-src =$crate from crates.io"
    cargo fetch --manifest-path "$fetch/Cargo.toml" >&2 || return 1
    local manifest
    manifest=$(cargo metadata --format-version 1 --manifest-path "$fetch/Cargo.toml" |
        python3 -c 'import json,sys
m = json.load(sys.stdin)
print([p["manifest_path"] for p in m["packages"] if p["name"] == "openssl-src"][0])') || return 1
    dir="$(dirname "$manifest")/openssl"
    [ -f "$dir/Configure" ] || return 1
    echo "$dir"
}

# Builds and installs OpenSSL <ver> under target/matrix/openssl-<ver> unless already there.
build_openssl() {
    local ver=$1
    local prefix="$MATRIX/openssl-$ver"
    if [ -f "$prefix/include/openssl/ssl.h" ] && [ -f "$prefix/lib/libssl.a" ]; then
        log "OpenSSL $ver: cached in $prefix"
        return 0
    fi
    local src
    src=$(openssl_source "$ver") || { log "OpenSSL $ver: no source"; return 1; }
    local work="$MATRIX/work-$ver"
    rm -rf "$work" "$prefix.tmp"
    mkdir -p "$work"
    # Build out of the registry: copy the pristine source.
    cp -a "$src/." "$work/"
    # 3.x: providers built into libcrypto (`no-module`), as openssl-src does; its trimmed
    # source lacks what a loadable legacy provider module needs.
    local extra=""
    [ "$ver" = 1.1.1 ] || extra="no-module"
    log "OpenSSL $ver: configuring $src"
    (
        cd "$work" &&
            ./Configure linux-x86_64 no-shared no-tests $extra \
                --prefix="$prefix.tmp" --libdir=lib --openssldir=/usr/lib/ssl >"$work/configure.log" 2>&1 &&
            log "OpenSSL $ver: make -j$JOBS (log: $work/make.log)" &&
            make -j"$JOBS" >"$work/make.log" 2>&1 &&
            make install_sw >"$work/install.log" 2>&1
    ) || { log "OpenSSL $ver: build failed, see $work/*.log"; return 1; }
    mv "$prefix.tmp" "$prefix"
    log "OpenSSL $ver: installed in $prefix"
}

declare -A result
status=0
step() { # step <ver> <name> <cmd...>: runs, records PASS/FAIL
    local ver=$1 name=$2
    shift 2
    log "[$ver] $name: $*"
    if "$@"; then
        result[$ver,$name]=PASS
    else
        result[$ver,$name]=FAIL
        status=1
    fi
}

run_version() {
    local ver=$1
    if [ "$ver" = 3.0 ]; then
        unset OPENSSL_DIR OPENSSL_STATIC
        export CARGO_TARGET_DIR="$ROOT/target"
        result[$ver,build]=system
    else
        if ! build_openssl "$ver"; then
            result[$ver,build]=FAIL
            status=1
            return
        fi
        result[$ver,build]=PASS
        [ "$build_only" = 1 ] && return
        export OPENSSL_DIR="$MATRIX/openssl-$ver"
        export OPENSSL_STATIC=1
        export CARGO_TARGET_DIR="$MATRIX/build-$ver"
    fi
    [ "$build_only" = 1 ] && return
    step "$ver" fmt cargo fmt --check
    step "$ver" clippy cargo clippy --all-targets -- -D warnings
    step "$ver" test cargo test --no-fail-fast
    # Which OpenSSL the build linked (the headers' version text).
    local ossl=openssl
    [ "$ver" = 3.0 ] || ossl="$MATRIX/openssl-$ver/bin/openssl"
    result[$ver,linked]=$("$ossl" version 2>/dev/null || echo "?")
}

for ver in "${versions[@]}"; do
    case "$ver" in
    1.1.1 | 3.0 | 3.5) ;;
    *)
        echo "unknown version '$ver' (choose from 1.1.1 3.0 3.5)" >&2
        exit 2
        ;;
    esac
    run_version "$ver"
    unset OPENSSL_DIR OPENSSL_STATIC CARGO_TARGET_DIR
done

echo
printf '%-7s %-7s %-6s %-6s %-6s %s\n' version build fmt clippy tests linked
for ver in "${versions[@]}"; do
    printf '%-7s %-7s %-6s %-6s %-6s %s\n' "$ver" "${result[$ver,build]:--}" \
        "${result[$ver,fmt]:--}" "${result[$ver,clippy]:--}" "${result[$ver,test]:--}" \
        "${result[$ver,linked]:-}"
done
if [ "$status" = 0 ]; then echo "openssl-matrix: PASS"; else echo "openssl-matrix: FAIL"; fi
exit "$status"
