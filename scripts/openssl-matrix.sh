#!/usr/bin/env bash
# The OpenSSL version matrix: fmt, clippy and the whole test suite against each OpenSSL.
#
#   bash scripts/openssl-matrix.sh               # every row: 1.1.1 3.0 3.5 3.0-fips
#   bash scripts/openssl-matrix.sh 1.1.1 3.5     # only these (`fips` is short for 3.0-fips)
#   bash scripts/openssl-matrix.sh --build-only 1.1.1 fips  # only build the OpenSSLs
#
# 3.0       the system OpenSSL (3.0.x from the distribution), the README's `cargo test --features asyncio`.
# 1.1.1     OpenSSL 1.1.1w, from the `openssl-src` crate's bundled source at =111.28.2+1.1.1w,
#           configured and installed by this script (below).
# 3.5       OpenSSL 3.5.5 through the crate's `vendored` feature: `cargo test --features
#           vendored`, openssl-sys building `openssl-src` =300.5.5+3.5.5 (Cargo.lock pins it,
#           checked here) and linking it statically, with OPENSSL_CONFIG_DIR=/usr/lib/ssl.
# 3.0-fips  the distribution's OpenSSL 3.0 from its full upstream source (the openssl source
#           package's .orig.tar.gz, fetched with apt: see build_openssl_fips), shared libraries
#           with `enable-fips`, `openssl fipsinstall`, and an openssl.cnf activating only the fips
#           and base providers with `default_properties = fips=yes`. The suite runs with
#           OPENSSL_CONF at that file and LD_LIBRARY_PATH at its lib/, so the oracle (CPython
#           3.13, whose _ssl links libssl.so.3 dynamically) runs on the same FIPS library.
#
# 1.1.1 is configured with its own `Configure` (static, `no-shared no-tests`,
# `--openssldir=/usr/lib/ssl` like a distribution package so the default trust store and
# openssl.cnf are the system's) and installed with `make install_sw` (libraries, headers and the
# `openssl` tool; nothing is written to the OPENSSLDIR) under target/matrix/openssl-<ver>/.
# Installs are cached: delete that directory to rebuild. The crate is then built and tested with
# OPENSSL_DIR=<prefix> (OPENSSL_STATIC=1 but on the FIPS row) into a CARGO_TARGET_DIR of its own
# under target/matrix, so the rows never share artifacts.
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
versions=()
for ver in "$@"; do
    [ "$ver" = fips ] && ver=3.0-fips
    versions+=("$ver")
done
[ ${#versions[@]} -gt 0 ] || versions=(1.1.1 3.0 3.5 3.0-fips)
runner_var=

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

# --- The FIPS row: the distribution's OpenSSL 3.0 from its full upstream source ---------------
#
# openssl-src's trimmed source has no FIPS provider, so this row builds the `.orig.tar.gz` of the
# distribution's own openssl source package (the upstream release tarball, as Debian mirrors it).
# apt fetches it through a private configuration under target/matrix/apt (a `deb-src` list, its
# own package lists and cache): the machine's /etc/apt is neither read for sources nor written.
APT_DIR="$MATRIX/apt"
DEB_SRC_LINES=${DEB_SRC_LINES:-"deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm-updates main
deb-src http://deb.debian.org/debian-security bookworm-security main"}

apt_private() { # apt-get/apt-cache with the private source list, lists and cache
    local tool=$1
    shift
    "$tool" -o Dir::Etc::SourceList="$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$APT_DIR/lists" -o Dir::Cache="$APT_DIR/cache" "$@"
}

# Prints the path of the newest openssl `.orig.tar.gz` the deb-src lists offer, downloading it
# (`apt-get source --download-only`, which checks it against the Sources index's SHA-256).
fips_source_tarball() {
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/download"
    printf '%s\n' "$DEB_SRC_LINES" >"$APT_DIR/sources.list"
    log "FIPS: apt-get update with $APT_DIR/sources.list (deb-src only)"
    apt_private apt-get update >"$APT_DIR/update.log" 2>&1 ||
        { log "FIPS: apt-get update failed, see $APT_DIR/update.log"; return 1; }
    local version upstream
    version=$(apt_private apt-cache showsrc --only-source openssl | sed -n 's/^Version: //p' | sort -V | tail -n1)
    [ -n "$version" ] || { log "FIPS: no openssl source package in the deb-src lists"; return 1; }
    upstream=${version#*:}
    upstream=${upstream%%-*}
    local tarball="$APT_DIR/download/openssl_$upstream.orig.tar.gz"
    if [ ! -f "$tarball" ]; then
        log "FIPS: apt-get source --download-only openssl=$version"
        # Only the .orig.tar.gz is needed: a missing .dsc or debian.tar.xz on the mirror (a
        # superseded revision) makes apt-get fail after the tarball arrived, so judge by the file.
        (cd "$APT_DIR/download" && apt_private apt-get source --download-only "openssl=$version") \
            >"$APT_DIR/source.log" 2>&1
        [ -f "$tarball" ] || { log "FIPS: $tarball not downloaded, see $APT_DIR/source.log"; return 1; }
    fi
    # Check it against the index ourselves too (this also covers a cached tarball).
    local want got
    want=$(apt_private apt-cache showsrc --only-source openssl |
        awk -v f="openssl_$upstream.orig.tar.gz" '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s && $3==f {print $1; exit}')
    got=$(sha256sum "$tarball" | cut -d' ' -f1)
    [ -n "$want" ] && [ "$want" = "$got" ] ||
        { log "FIPS: $tarball: sha256 $got, the index says '$want'"; return 1; }
    echo "$tarball"
}

# Builds OpenSSL 3.0 with `enable-fips` as shared libraries under target/matrix/openssl-3.0-fips,
# installs the FIPS provider, runs `openssl fipsinstall` and writes ssl/openssl.cnf activating the
# fips and base providers with `default_properties = fips=yes`. Cached like the other builds.
build_openssl_fips() {
    local prefix="$MATRIX/openssl-3.0-fips"
    if [ -f "$prefix/ssl/openssl.cnf" ] && [ -f "$prefix/lib/libssl.so" ]; then
        log "OpenSSL 3.0-fips: cached in $prefix"
        return 0
    fi
    local tarball
    tarball=$(fips_source_tarball) || return 1
    local work="$MATRIX/work-3.0-fips"
    rm -rf "$work" "$prefix.tmp"
    mkdir -p "$work"
    tar -xzf "$tarball" -C "$work" --strip-components=1 || return 1
    # The rpath lets the installed `openssl` tool find its own libraries; pyssl and CPython get
    # LD_LIBRARY_PATH instead (run_version). OPENSSLDIR stays the system's for its trust store;
    # the configuration is chosen with OPENSSL_CONF and nothing is written there.
    log "OpenSSL 3.0-fips: configuring $tarball"
    (
        cd "$work" &&
            ./Configure linux-x86_64 enable-fips shared no-tests \
                --prefix="$prefix" --libdir=lib --openssldir=/usr/lib/ssl \
                "-Wl,-rpath,$prefix/lib" >"$work/configure.log" 2>&1 &&
            log "OpenSSL 3.0-fips: make -j$JOBS (log: $work/make.log)" &&
            make -j"$JOBS" >"$work/make.log" 2>&1 &&
            make install_sw DESTDIR="$prefix.tmp" >"$work/install.log" 2>&1
    ) || { log "OpenSSL 3.0-fips: build failed, see $work/*.log"; return 1; }
    # DESTDIR keeps a half-done install apart; it moves into place once complete.
    rm -rf "$prefix"
    mv "$prefix.tmp$prefix" "$prefix" && rm -rf "$prefix.tmp" || return 1
    # The provider by hand: `make install_fips` would also write fipsmodule.cnf to the OPENSSLDIR.
    cp "$work/providers/fips.so" "$prefix/lib/ossl-modules/fips.so" || return 1
    mkdir -p "$prefix/ssl"
    "$prefix/bin/openssl" fipsinstall -module "$prefix/lib/ossl-modules/fips.so" \
        -out "$prefix/ssl/fipsmodule.cnf" >"$work/fipsinstall.log" 2>&1 ||
        { log "OpenSSL 3.0-fips: fipsinstall failed, see $work/fipsinstall.log"; return 1; }
    cat >"$prefix/ssl/openssl.cnf" <<EOF
# Written by scripts/openssl-matrix.sh: OpenSSL in FIPS mode. Only the FIPS provider (approved
# algorithms) and the base provider (encoders, decoders) are active, and every fetch asks for
# fips=yes. No ssl_conf section: the library's own TLS defaults apply.
config_diagnostics = 1
openssl_conf = openssl_init

.include $prefix/ssl/fipsmodule.cnf

[openssl_init]
providers = provider_sect
alg_section = algorithm_sect

[provider_sect]
fips = fips_sect
base = base_sect

[base_sect]
activate = 1

[algorithm_sect]
default_properties = fips=yes
EOF
    log "OpenSSL 3.0-fips: installed in $prefix"
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

# The version text of the OpenSSL headers under <dir> (`OpenSSL 3.5.5 27 Jan 2026`).
header_version_text() {
    sed -n 's/^# *define OPENSSL_VERSION_TEXT *"\(.*\)".*/\1/p' "$1/openssl/opensslv.h" 2>/dev/null | head -n1
}

# The oracle on the FIPS row: the installed CPython 3.13 run through the runner loads the FIPS
# build's libssl (its _ssl links libssl.so.3 dynamically) and its configuration. Passes when
# its ssl.OPENSSL_VERSION is the build's and its default context offers no ChaCha20.
FIPS_ORACLE_PY='
import ssl, sys
print("CPython 3.13 ssl.OPENSSL_VERSION:", ssl.OPENSSL_VERSION)
names = [c["name"] for c in ssl.create_default_context().get_ciphers()]
chacha = [n for n in names if "CHACHA20" in n]
print(f"  {len(names)} default ciphers, ChaCha20 among them: {chacha}")
sys.exit(0 if ssl.OPENSSL_VERSION.startswith(sys.argv[1]) and names and not chacha else 1)
'
fips_oracle_check() { # <runner> <expected version prefix>
    "$1" env PYENV_VERSION=3.13.0 python3 -c "$FIPS_ORACLE_PY" "$2"
}

# The FIPS row's `cargo test`: with --show-output, logged to target/matrix/test-3.0-fips.log,
# so that every test skipped in FIPS mode is listed with its reason at the end; fails when
# tests/fips.rs found the library not in FIPS mode (a wrong environment would pass silently).
fips_test() {
    local log="$MATRIX/test-3.0-fips.log"
    cargo test --no-fail-fast --features asyncio -- --show-output 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    log "[3.0-fips] skipped in FIPS mode (reasons; the full output: $log):"
    grep -o 'skipped in FIPS mode: .*' "$log" | sort -u >&2
    if grep -q 'not in FIPS mode' "$log"; then
        log "[3.0-fips] tests/fips.rs says the linked OpenSSL is not in FIPS mode"
        return 1
    fi
    return "$rc"
}

run_version() {
    local ver=$1
    # The README's test command tests the asyncio layer; every row does too.
    features=(--features asyncio)
    case "$ver" in
    3.0)
        unset OPENSSL_DIR OPENSSL_STATIC
        export CARGO_TARGET_DIR="$ROOT/target"
        result[$ver,build]=system
        result[$ver,linked]="$(openssl version 2>/dev/null || echo "?") (system)"
        ;;
    3.5)
        # openssl-sys builds OpenSSL itself (`openssl-src`, pinned by Cargo.lock) and links it
        # statically: the crate's `vendored` feature.
        local pinned
        pinned=$(src_crate_version 3.5)
        if ! grep -A1 '^name = "openssl-src"$' Cargo.lock | grep -qxF "version = \"$pinned\""; then
            log "[3.5] Cargo.lock does not pin openssl-src $pinned (cargo update -p openssl-src --precise $pinned)"
            result[$ver,build]=FAIL
            status=1
            return
        fi
        unset OPENSSL_DIR OPENSSL_STATIC
        # Its OPENSSLDIR the system's, like the other rows (openssl-src's default: /usr/local/ssl).
        export OPENSSL_CONFIG_DIR=/usr/lib/ssl
        export CARGO_TARGET_DIR="$MATRIX/build-3.5-vendored"
        features=(--features vendored,asyncio)
        step "$ver" build cargo build --all-targets "${features[@]}"
        local include
        include=$(ls -d "$CARGO_TARGET_DIR"/debug/build/openssl-sys-*/out/openssl-build/install/include 2>/dev/null | head -n1)
        result[$ver,linked]="$(header_version_text "$include") (vendored)"
        ;;
    3.0-fips)
        if ! build_openssl_fips; then
            result[$ver,build]=FAIL
            status=1
            return
        fi
        result[$ver,build]=PASS
        local prefix="$MATRIX/openssl-3.0-fips"
        result[$ver,linked]="$(header_version_text "$prefix/include") (FIPS, shared)"
        [ "$build_only" = 1 ] && return
        # Shared libraries, found through LD_LIBRARY_PATH, and the configuration through
        # OPENSSL_CONF, given to the test binaries (and through them to CPython, the oracle, and
        # every other child) by a cargo runner: cargo itself links the system libssl (libgit2)
        # and fails to start under that environment ("library has no ciphers").
        local runner="$prefix/fips-env.sh"
        cat >"$runner" <<EOF
#!/bin/sh
# Written by scripts/openssl-matrix.sh: runs a command on the FIPS build of OpenSSL.
export OPENSSL_CONF="$prefix/ssl/openssl.cnf"
export LD_LIBRARY_PATH="$prefix/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
exec "\$@"
EOF
        chmod +x "$runner"
        local triple
        triple=$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z.-' 'A-Z__')
        export "CARGO_TARGET_${triple}_RUNNER=$runner"
        runner_var="CARGO_TARGET_${triple}_RUNNER"
        export OPENSSL_DIR="$prefix"
        unset OPENSSL_STATIC
        export CARGO_TARGET_DIR="$MATRIX/build-3.0-fips"
        step "$ver" oracle fips_oracle_check "$runner" \
            "$(header_version_text "$prefix/include" | cut -d' ' -f1-2)"
        ;;
    *)
        if ! build_openssl "$ver"; then
            result[$ver,build]=FAIL
            status=1
            return
        fi
        result[$ver,build]=PASS
        result[$ver,linked]=$("$MATRIX/openssl-$ver/bin/openssl" version 2>/dev/null || echo "?")
        [ "$build_only" = 1 ] && return
        export OPENSSL_DIR="$MATRIX/openssl-$ver"
        export OPENSSL_STATIC=1
        export CARGO_TARGET_DIR="$MATRIX/build-$ver"
        ;;
    esac
    [ "$build_only" = 1 ] && return
    step "$ver" fmt cargo fmt --check
    step "$ver" clippy cargo clippy --all-targets "${features[@]}" -- -D warnings
    if [ "$ver" = 3.0-fips ]; then
        step "$ver" test fips_test
    else
        step "$ver" test cargo test --no-fail-fast "${features[@]}"
    fi
}

for ver in "${versions[@]}"; do
    case "$ver" in
    1.1.1 | 3.0 | 3.5 | 3.0-fips) ;;
    *)
        echo "unknown version '$ver' (choose from 1.1.1 3.0 3.5 3.0-fips)" >&2
        exit 2
        ;;
    esac
    run_version "$ver"
    unset OPENSSL_DIR OPENSSL_STATIC OPENSSL_CONFIG_DIR CARGO_TARGET_DIR
    [ -z "$runner_var" ] || unset "$runner_var"
    runner_var=
done

echo
printf '%-9s %-7s %-6s %-6s %-6s %-6s %s\n' version build oracle fmt clippy tests linked
for ver in "${versions[@]}"; do
    printf '%-9s %-7s %-6s %-6s %-6s %-6s %s\n' "$ver" "${result[$ver,build]:--}" \
        "${result[$ver,oracle]:--}" "${result[$ver,fmt]:--}" "${result[$ver,clippy]:--}" \
        "${result[$ver,test]:--}" "${result[$ver,linked]:-}"
done
if [ "$status" = 0 ]; then echo "openssl-matrix: PASS"; else echo "openssl-matrix: FAIL"; fi
exit "$status"
