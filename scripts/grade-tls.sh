#!/usr/bin/env bash
# Third-party TLS graders against `pyssl serve`, offline, on 127.0.0.1 only.
#
#   bash scripts/grade-tls.sh            # all three checks (about 3 minutes)
#   GRADE_SKIP_TESTSSL=1 bash scripts/grade-tls.sh   # sslyze checks only (seconds)
#
# 1. sslyze (PyPI, in a venv) against `pyssl serve` (default profile: Mozilla intermediate):
#    compliant with Mozilla's "intermediate" configuration, judged from sslyze's JSON against
#    the 5.7 profile sslyze ships (and sslyze's own verdict must agree).
# 2. testssl.sh (Debian package) against the same server: protocols, ciphers, forward secrecy,
#    server defaults, vulnerabilities; no finding of severity MEDIUM or higher in its JSON.
# 3. Differential: `pyssl serve --profile python` (exactly CPython's
#    create_default_context(Purpose.CLIENT_AUTH)) and a CPython 3.13 server configured the same
#    way show sslyze the same surface: accepted suites per version, groups, compression,
#    renegotiation, fallback SCSV, extended master secret, the certificate chain.
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
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.txt

if python3.13 -c pass >/dev/null 2>&1; then
    PY313=(python3.13)
else
    PY313=(env PYENV_VERSION=3.13.0 python3)
fi

log() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }

# --- tools -------------------------------------------------------------------------------------
if [ -z "${GRADE_SKIP_TESTSSL:-}" ] && ! command -v testssl >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh >/dev/null
fi
if [ ! -x "$VENV/bin/sslyze" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "sslyze==$SSLYZE_VERSION"
fi
(cd "$ROOT" && cargo build -q --bin pyssl)
PYSSL="$ROOT/target/debug/pyssl"

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
start_server "${PY313[@]}" -c '
import socket, ssl, sys, threading
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv = socket.create_server(("127.0.0.1", 0), backlog=1024)
print("Serving HTTPS on", srv.getsockname()[1], flush=True)
def handle(sock):
    try:
        sock.settimeout(10)
        with ctx.wrap_socket(sock, server_side=True) as s:
            s.recv(1024)
            s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    except Exception:
        sock.close()
while True:
    sock, _ = srv.accept()
    threading.Thread(target=handle, args=(sock,), daemon=True).start()
' "$CERT" "$KEY"
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

log "results in $OUT"
exit "$FAILED"
