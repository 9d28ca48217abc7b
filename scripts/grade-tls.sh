#!/usr/bin/env bash
# Third-party TLS graders against `pyssl serve`, offline, on 127.0.0.1 only.
#
#   bash scripts/grade-tls.sh            # all checks (about 3 minutes, 6 with tlsfuzzer)
#   GRADE_SKIP_TESTSSL=1 bash scripts/grade-tls.sh   # without testssl.sh
#   GRADE_ONLY_TLSFUZZER=1 bash scripts/grade-tls.sh # check 4 alone (about 3 minutes)
#
# 1. sslyze (PyPI, in a venv) against `pyssl serve` (default profile: Mozilla intermediate):
#    compliant with Mozilla's "intermediate" configuration, judged from sslyze's JSON against
#    the 5.7 profile sslyze ships (and sslyze's own verdict must agree).
# 2. testssl.sh (Debian package) against the same server: protocols, ciphers, forward secrecy,
#    server defaults, vulnerabilities; no finding of severity MEDIUM or higher in its JSON.
# 3. Differential: `pyssl serve --profile python` (exactly CPython's
#    create_default_context(Purpose.CLIENT_AUTH)) and its CPython 3.13 twin
#    (scripts/cpython-https-server.py: the same context, certificate, key and HTTP behaviour)
#    show sslyze the same surface: accepted suites per version, groups, compression,
#    renegotiation, fallback SCSV, extended master secret, the certificate chain.
# 4. Differential with tlsfuzzer, when a local copy is present. tlsfuzzer is GPL and on no
#    package registry: never commit it. Put a git checkout of tlsfuzzer/tlsfuzzer (GitHub) in
#    $TLSFUZZER_DIR (default third_party/tlsfuzzer, which .gitignore keeps out); its
#    requirements.txt (tlslite-ng) and ecdsa are installed from PyPI into $TLSFUZZER_VENV
#    (default target/tlsfuzzer-venv). Its probe scripts run against the two servers of check 3;
#    a probe that passes against CPython and fails against pyssl is a FAIL, one that fails
#    against both is listed and not held against pyssl (no client certificate, PSK, ECDSA key
#    or server-sent KeyUpdate is configured on either). The scripts: every
#    scripts/test-tls13-*.py but test-tls13-lengths (1000 probes: more than 4 minutes a
#    server), or TLSFUZZER_SCRIPTS="test-tls13-ccs ..."; TLSFUZZER_TIMEOUT (default 300 s)
#    bounds each. The scripts shuffle and sample their probes with random.sample, which here
#    draws from a generator seeded with TLSFUZZER_SEED (default 12), so that both servers
#    meet the same probes in the same order. Without a copy, check 4 is skipped with a note.
#
# Exit status: 0 only if all checks pass. Results and raw JSON go to $GRADE_OUT
# (default target/grade-tls/); docs/security.md records the latest run.
#
# The servers use a certificate made for the run (90 days, signed by fixtures/ca.pem, with a
# CRL distribution point): Mozilla's profile caps certificate lifetime at 366 days and testssl.sh
# rates a certificate without revocation information HIGH; the fixtures' long-lived test
# certificate would fail both for reasons that have nothing to do with pyssl's TLS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRADE_OUT:-$ROOT/target/grade-tls}
VENV=${SSLYZE_VENV:-$ROOT/target/sslyze-venv}
SSLYZE_VERSION=${SSLYZE_VERSION:-6.3.1}
TLSFUZZER_DIR=${TLSFUZZER_DIR:-$ROOT/third_party/tlsfuzzer}
TLSFUZZER_VENV=${TLSFUZZER_VENV:-$ROOT/target/tlsfuzzer-venv}
TLSFUZZER_TIMEOUT=${TLSFUZZER_TIMEOUT:-300}
ONLY_TLSFUZZER=${GRADE_ONLY_TLSFUZZER:-}
mkdir -p "$OUT"
rm -rf "$OUT"/*.json "$OUT"/*.txt "$OUT"/tlsfuzzer

if python3.13 -c pass >/dev/null 2>&1; then
    PY313=(python3.13)
else
    PY313=(env PYENV_VERSION=3.13.0 python3)
fi

log() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }

# --- tools -------------------------------------------------------------------------------------
if [ -z "$ONLY_TLSFUZZER" ] && [ -z "${GRADE_SKIP_TESTSSL:-}" ] && ! command -v testssl >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh >/dev/null
fi
if [ -z "$ONLY_TLSFUZZER" ] && [ ! -x "$VENV/bin/sslyze" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "sslyze==$SSLYZE_VERSION"
fi
HAVE_TLSFUZZER=
if [ -f "$TLSFUZZER_DIR/tlsfuzzer/runner.py" ]; then
    HAVE_TLSFUZZER=1
    if ! "$TLSFUZZER_VENV/bin/python" -c 'import tlslite, ecdsa' >/dev/null 2>&1; then
        python3 -m venv "$TLSFUZZER_VENV"
        "$TLSFUZZER_VENV/bin/pip" install -q -r "$TLSFUZZER_DIR/requirements.txt" ecdsa
    fi
fi
(cd "$ROOT" && cargo build -q --bin pyssl)
PYSSL="$ROOT/target/debug/pyssl"
# CPython 3.13 configured as `pyssl serve --profile python`, with the same HTTP behaviour.
CPYTHON_SERVE=("${PY313[@]}" "$ROOT/scripts/cpython-https-server.py")

# --- a certificate for the run -----------------------------------------------------------------
CERTDIR=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$CERTDIR"
}
trap cleanup EXIT
openssl req -new -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$CERTDIR/leaf.key" -out "$CERTDIR/leaf.csr" 2>/dev/null
cat >"$CERTDIR/ext.cnf" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
crlDistributionPoints=URI:http://127.0.0.1:9/pyssl-test-ca.crl
EOF
openssl x509 -req -in "$CERTDIR/leaf.csr" -CA "$ROOT/fixtures/ca.pem" \
    -CAkey "$ROOT/fixtures/ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 90 -sha256 \
    -extfile "$CERTDIR/ext.cnf" -out "$CERTDIR/leaf.pem" 2>/dev/null
CERT="$CERTDIR/leaf.pem"
KEY="$CERTDIR/leaf.key"

# Starts a server command whose first stdout line ends with its port; sets PORT.
start_server() {
    local fifo="$CERTDIR/port.$RANDOM"
    mkfifo "$fifo"
    "$@" >"$fifo" 2>>"$OUT/servers.log" &
    PIDS+=($!)
    local line
    read -r line <"$fifo"
    rm -f "$fifo"
    PORT=$(printf '%s' "$line" | tr -dc '0-9 ' | awk '{print $NF}')
}

# sslyze on 127.0.0.1:PORT with SNI localhost; JSON to $1, console to $1.txt.
run_sslyze() {
    local json=$1 port=$2
    "$VENV/bin/sslyze" --mozilla_config intermediate --certinfo_ca_file "$ROOT/fixtures/ca.pem" \
        --json_out "$json" "localhost:${port}{127.0.0.1}" >"$json.txt" 2>&1 || true
}

FAILED=0
: >"$OUT/summary.txt"
log "pyssl TLS grading, $(date -u +%Y-%m-%dT%H:%MZ), $(openssl version)"

# Checks 1 to 3 (not indented: their Python must stay at column 0).
if [ -z "$ONLY_TLSFUZZER" ]; then

# --- 1. sslyze: Mozilla intermediate -----------------------------------------------------------
start_server "$PYSSL" serve --port 0 --certfile "$CERT" --keyfile "$KEY"
INTERMEDIATE_PORT=$PORT
run_sslyze "$OUT/sslyze-intermediate.json" "$INTERMEDIATE_PORT"
if "$VENV/bin/python" - "$OUT/sslyze-intermediate.json" >>"$OUT/summary.txt" <<'EOF'
import json, sys, pathlib, sslyze
profile = json.loads((pathlib.Path(sslyze.__file__).parent / 'mozilla_tls_profile/5.7.json').read_text())
cfg = profile['configurations']['intermediate']
scan = json.load(open(sys.argv[1]))['server_scan_results'][0]
assert scan['scan_status'] == 'COMPLETED', 'sslyze could not scan the server'
r = scan['scan_result']
issues = []
versions = {'ssl_2_0': 'SSLv2', 'ssl_3_0': 'SSLv3', 'tls_1_0': 'TLSv1', 'tls_1_1': 'TLSv1.1',
            'tls_1_2': 'TLSv1.2', 'tls_1_3': 'TLSv1.3'}
allowed_suites = set(cfg['ciphers']['iana']) | set(cfg['ciphersuites'])
for key, name in versions.items():
    res = r[key + '_cipher_suites']
    assert res['status'] == 'COMPLETED', key
    accepted = res['result']['accepted_cipher_suites']
    if accepted and name not in cfg['tls_versions']:
        issues.append(f'{name} accepted')
    for a in accepted:
        suite = a['cipher_suite']['name']
        if suite not in allowed_suites:
            issues.append(f'{name}: {suite} not in the profile')
        key_ = a.get('ephemeral_key') or {}
        if key_.get('type_name') == 'DH' and key_['size'] < cfg['dh_param_size']:
            issues.append(f'{suite}: DH {key_["size"]} bits')
    print(f'  {name}: {[a["cipher_suite"]["name"] for a in accepted]}')
curves = {c['name'] for c in r['elliptic_curves']['result']['supported_curves']}
allowed_curves = {{'prime256v1': 'secp256r1'}.get(c, c) for c in cfg['tls_curves']}
print(f'  groups: {sorted(curves)}')
if not curves <= allowed_curves:
    issues.append(f'groups outside the profile: {sorted(curves - allowed_curves)}')
if r['tls_compression']['result']['supports_compression']:
    issues.append('compression')
reneg = r['session_renegotiation']['result']
if not reneg['supports_secure_renegotiation'] or reneg['is_vulnerable_to_client_renegotiation_dos']:
    issues.append(f'renegotiation {reneg}')
if r['heartbleed']['result']['is_vulnerable_to_heartbleed']:
    issues.append('heartbleed')
if r['openssl_ccs_injection']['result']['is_vulnerable_to_ccs_injection']:
    issues.append('CCS injection')
if r['robot']['result']['robot_result'] not in ('NOT_VULNERABLE_NO_ORACLE', 'NOT_VULNERABLE_RSA_NOT_SUPPORTED'):
    issues.append('ROBOT ' + r['robot']['result']['robot_result'])
dep = r['certificate_info']['result']['certificate_deployments'][0]
if dep['verified_certificate_chain'] is None:
    issues.append('certificate chain does not verify against the supplied CA')
print(f'  fallback SCSV: {r["tls_fallback_scsv"]["result"]["supports_fallback_scsv"]}, '
      f'extended master secret: {r["tls_extended_master_secret"]["result"]["supports_ems_extension"]}')
for i in issues:
    print('  ISSUE: ' + i)
sys.exit(1 if issues else 0)
EOF
then
    if grep -q "OK - Compliant" "$OUT/sslyze-intermediate.json.txt"; then
        log "PASS sslyze: pyssl serve is compliant with Mozilla intermediate (5.7), from JSON and by sslyze's own check"
    else
        log "FAIL sslyze: the JSON checks pass but sslyze's own verdict is not 'Compliant'"
        grep -A8 "COMPLIANCE AGAINST" "$OUT/sslyze-intermediate.json.txt" | tee -a "$OUT/summary.txt"
        FAILED=1
    fi
else
    log "FAIL sslyze: pyssl serve is not compliant with Mozilla intermediate"
    FAILED=1
fi

# --- 2. testssl.sh ----------------------------------------------------------------------------
if [ -z "${GRADE_SKIP_TESTSSL:-}" ]; then
    testssl --nodns none --ip 127.0.0.1 --warnings off --quiet --color 0 \
        --add-ca "$ROOT/fixtures/ca.pem" -p -s -f -S -U \
        --jsonfile "$OUT/testssl.json" "localhost:$INTERMEDIATE_PORT" >"$OUT/testssl.txt" 2>&1 || true
    if python3 - "$OUT/testssl.json" >>"$OUT/summary.txt" <<'EOF'
import json, sys, collections
findings = json.load(open(sys.argv[1]))
assert any(f['id'] == 'TLS1_3' for f in findings), 'testssl.sh did not reach the server'
counts = collections.Counter(f['severity'] for f in findings)
print('  testssl.sh findings by severity: ' + ', '.join(f'{k} {v}' for k, v in sorted(counts.items())))
bad = [f for f in findings if f['severity'] in ('MEDIUM', 'HIGH', 'CRITICAL')]
for f in findings:
    if f['severity'] not in ('OK', 'INFO'):
        print(f"  {f['severity']} {f['id']}: {f['finding']}")
sys.exit(1 if bad else 0)
EOF
    then
        log "PASS testssl.sh: no finding MEDIUM or higher"
    else
        log "FAIL testssl.sh: findings MEDIUM or higher (see above and $OUT/testssl.json)"
        FAILED=1
    fi
fi

# --- 3. differential: CPython's default server context, pyssl and CPython ----------------------
start_server "$PYSSL" serve --port 0 --profile python --certfile "$CERT" --keyfile "$KEY"
PYSSL_PORT=$PORT
start_server "${CPYTHON_SERVE[@]}" "$CERT" "$KEY"
CPYTHON_PORT=$PORT
run_sslyze "$OUT/sslyze-pyssl-python-profile.json" "$PYSSL_PORT"
run_sslyze "$OUT/sslyze-cpython.json" "$CPYTHON_PORT"
if "$VENV/bin/python" - "$OUT/sslyze-pyssl-python-profile.json" "$OUT/sslyze-cpython.json" >>"$OUT/summary.txt" <<'EOF'
import json, sys
def surface(path):
    scan = json.load(open(path))['server_scan_results'][0]
    assert scan['scan_status'] == 'COMPLETED', path
    r = scan['scan_result']
    s = {}
    for v in ('ssl_2_0', 'ssl_3_0', 'tls_1_0', 'tls_1_1', 'tls_1_2', 'tls_1_3'):
        s[v] = sorted(a['cipher_suite']['name'] for a in r[v + '_cipher_suites']['result']['accepted_cipher_suites'])
    s['groups'] = sorted(c['name'] for c in r['elliptic_curves']['result']['supported_curves'])
    s['compression'] = r['tls_compression']['result']['supports_compression']
    reneg = r['session_renegotiation']['result']
    s['secure_renegotiation'] = reneg['supports_secure_renegotiation']
    s['client_renegotiation_dos'] = reneg['is_vulnerable_to_client_renegotiation_dos']
    s['fallback_scsv'] = r['tls_fallback_scsv']['result']['supports_fallback_scsv']
    s['extended_master_secret'] = r['tls_extended_master_secret']['result']['supports_ems_extension']
    s['heartbleed'] = r['heartbleed']['result']['is_vulnerable_to_heartbleed']
    s['robot'] = r['robot']['result']['robot_result']
    dep = r['certificate_info']['result']['certificate_deployments'][0]
    s['chain'] = [c['fingerprint_sha256'] for c in dep['received_certificate_chain']]
    s['chain_verifies'] = dep['verified_certificate_chain'] is not None
    return s
ours, theirs = surface(sys.argv[1]), surface(sys.argv[2])
for k in ours:
    mark = 'same' if ours[k] == theirs[k] else 'DIFFERENT'
    print(f'  {k}: {mark}: {ours[k]}' + ('' if ours[k] == theirs[k] else f' vs CPython {theirs[k]}'))
sys.exit(0 if ours == theirs else 1)
EOF
then
    log "PASS differential: pyssl with CPython's default server context shows sslyze the same surface as CPython 3.13"
else
    log "FAIL differential: the surfaces differ (see above)"
    FAILED=1
fi
for f in sslyze-pyssl-python-profile sslyze-cpython; do
    verdict=$(grep -o "FAILED - Not compliant\|OK - Compliant" "$OUT/$f.json.txt" || echo "no verdict")
    log "  (for the record) $f against Mozilla intermediate: $verdict"
done

fi # checks 1 to 3

# --- 4. tlsfuzzer: pyssl and CPython, probe by probe -------------------------------------------
if [ -z "$HAVE_TLSFUZZER" ]; then
    log "SKIP tlsfuzzer: no copy in $TLSFUZZER_DIR (see the header of this script)"
else
    if [ -n "${TLSFUZZER_SCRIPTS:-}" ]; then
        read -r -a SCRIPTS <<<"$TLSFUZZER_SCRIPTS"
    else
        SCRIPTS=()
        for f in "$TLSFUZZER_DIR"/scripts/test-tls13-*.py; do
            name=$(basename "$f" .py)
            [ "$name" = test-tls13-lengths ] || SCRIPTS+=("$name")
        done
    fi
    start_server "$PYSSL" serve --port 0 --profile python --certfile "$CERT" --keyfile "$KEY"
    TF_PYSSL_PORT=$PORT
    start_server "${CPYTHON_SERVE[@]}" "$CERT" "$KEY"
    TF_CPYTHON_PORT=$PORT
    mkdir -p "$OUT/tlsfuzzer/pyssl" "$OUT/tlsfuzzer/cpython"
    # Each random.sample draws from a fresh generator seeded alike (seeding the module's
    # generator is not enough: something else draws from it a varying number of times).
    SEEDED="import random, runpy, sys
random.sample = lambda population, k, **kw: random.Random(${TLSFUZZER_SEED:-12}).sample(population, k, **kw)
sys.argv[:2] = sys.argv[1:2]
runpy.run_path(sys.argv[0], run_name='__main__')"
    for name in "${SCRIPTS[@]}"; do
        for server in pyssl cpython; do
            if [ "$server" = pyssl ]; then port=$TF_PYSSL_PORT; else port=$TF_CPYTHON_PORT; fi
            # The scripts run their probes in random order, some a random sample of them:
            # $SEEDED makes both servers meet the same probes in the same order.
            (cd "$TLSFUZZER_DIR" && PYTHONPATH=. PYTHONHASHSEED=0 timeout "$TLSFUZZER_TIMEOUT" \
                "$TLSFUZZER_VENV/bin/python" -c "$SEEDED" "scripts/$name.py" \
                -h 127.0.0.1 -p "$port") >"$OUT/tlsfuzzer/$server/$name.txt" 2>&1 || true
        done
    done
    if python3 - "$OUT/tlsfuzzer" "${SCRIPTS[@]}" >>"$OUT/summary.txt" <<'EOF'
import pathlib, re, sys
root, scripts = pathlib.Path(sys.argv[1]), sys.argv[2:]

def outcome(path):
    """(probes, failed probe names) from a script's summary, or None without one.
    (Its PASS count is not used: some scripts count repetitions there.)"""
    text = path.read_text(errors='replace')
    total = re.search(r'^TOTAL: (\d+)$', text, re.M)
    if not total:
        return None
    listed = re.search(r'^FAILED:\n((?:\t.*\n?)*)', text, re.M)
    failed = {line.strip() for line in listed.group(1).splitlines()} if listed else set()
    return int(total.group(1)), failed

def score(result):
    return 'error' if result is None else f'{len(result[1])} of {result[0]}'

worse = []
print(f'  {"script (probes failed)":<48} {"pyssl":>11} {"CPython":>11}')
for name in scripts:
    ours, theirs = (outcome(root / s / f'{name}.txt') for s in ('pyssl', 'cpython'))
    notes = []
    if ours is None and theirs is not None:
        worse.append(f'{name}: no summary against pyssl')
    elif ours is not None and theirs is not None:
        for probe in sorted(ours[1] - theirs[1]):
            notes.append(f'fails against pyssl only: {probe}')
            worse.append(f'{name}: {probe}')
        for probe in sorted(theirs[1] - ours[1]):
            notes.append(f'fails against CPython only: {probe}')
    print(f'  {name:<48} {score(ours):>11} {score(theirs):>11}' + ('  DIFFERENT' if notes else ''))
    for n in notes:
        print(f'      {n}')
for w in worse:
    print(f'  WORSE THAN CPYTHON {w}')
sys.exit(1 if worse else 0)
EOF
    then
        log "PASS tlsfuzzer: no probe of ${#SCRIPTS[@]} scripts fails against pyssl serve and passes against CPython 3.13"
    else
        log "FAIL tlsfuzzer: probes that pass against CPython fail against pyssl (see above)"
        FAILED=1
    fi
fi

log "results in $OUT"
exit "$FAILED"
