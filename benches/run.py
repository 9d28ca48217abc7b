"""Issue 6's benchmark suite driver (run through `scripts/bench.sh`).

Runs every figure for pyssl, raw rust-openssl and CPython's ssl side by side: each round runs
each figure for the three systems back to back, in an order that rotates from figure to figure
and round to round; then medians, spread (min..max) and the medians of the paired per-round
ratios. Adds the `openssl speed` ceilings and the callgrind instruction counts, writes
`target/bench/summary.json` and renders the table of `docs/performance.md` from it.

    run.py all BIN        # measure everything (sizes from the BENCH_* environment variables)
    run.py render         # re-render docs/performance.md from target/bench/summary.json
"""

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "target", "bench")
SUMMARY = os.path.join(OUT_DIR, "summary.json")
DOC = os.path.join(ROOT, "docs", "performance.md")
PY_SCRIPT = os.path.join(ROOT, "benches", "perf_cpython.py")
SYSTEMS = ["pyssl", "raw", "cpython"]


def env_int(name, default):
    return int(os.environ.get(name, default))


CONFIG = {
    "rounds": env_int("BENCH_ROUNDS", 5),
    "mib": env_int("BENCH_MIB", 256),
    "hs_n": env_int("BENCH_HS_N", 200),
    "resume_n": env_int("BENCH_RESUME_N", 400),
    "rtt_n": env_int("BENCH_RTT_N", 5000),
    "idle_n": env_int("BENCH_IDLE_N", 1000),
    "ctx_n": env_int("BENCH_CTX_N", 2000),
    "callgrind": env_int("BENCH_CALLGRIND", 1),
    "callgrind_hs_n": env_int("BENCH_CALLGRIND_HS_N", 10),
    "callgrind_mib": env_int("BENCH_CALLGRIND_MIB", 32),
    "speed": env_int("BENCH_SPEED", 1),
}


def figures(cfg):
    """(id, label, mode, args, result key, higher is better)."""
    f = []
    for tls in ("1.3", "1.2"):
        for cert in ("rsa", "ecdsa"):
            f.append((f"hs_tls{tls}_{cert}", f"full handshakes/s, TLS {tls}, {cert.upper()}",
                      "hs", {"tls": tls, "cert": cert, "n": cfg["hs_n"]}, "value", True))
    for tls in ("1.3", "1.2"):
        f.append((f"resume_tls{tls}", f"resumed handshakes/s, TLS {tls}, ECDSA",
                  "hs", {"tls": tls, "cert": "ecdsa", "resume": 1, "n": cfg["resume_n"]},
                  "value", True))
    for cipher, name in (("aes128", "AES-128-GCM"), ("aes256", "AES-256-GCM"),
                         ("chacha", "CHACHA20-POLY1305")):
        for wsize in (16384, 65536):
            f.append((f"bulk_{cipher}_{wsize // 1024}k",
                      f"bulk MB/s, {name}, {wsize // 1024} KiB writes",
                      "bulk", {"cipher": cipher, "wsize": wsize, "mib": cfg["mib"]},
                      "value", True))
    f.append(("rtt64", "64-byte round trips/s", "rtt", {"n": cfg["rtt_n"]}, "value", True))
    cpu_units = {"hs": "handshake", "bulk": "MiB", "rtt": "round trip"}
    for fid, label, mode, args, _, _ in list(f):
        what = label.split(",", 1)[1].strip() if "," in label else ""
        head = label.split(",")[0].replace("/s", "").replace(" MB", "")
        f.append((fid + "_cpu", f"CPU µs per {cpu_units[mode]}: {head}"
                  + (f", {what}" if what else ""), mode, args, "cpu_us", False))
    f.append(("idle_bytes", "resident bytes per idle server connection", "idle",
              {"n": cfg["idle_n"], "warm": 16}, "bytes_per_conn", False))
    f.append(("ctx_ciphers", "set_ciphers + get_ciphers() calls/s", "ctx",
              {"n": cfg["ctx_n"]}, "set_get_ciphers", True))
    f.append(("ctx_getpeercert", "getpeercert() calls/s", "ctx", {"n": cfg["ctx_n"]},
              "getpeercert", True))
    return f


def python313():
    """CPython 3.13's real executable (not a pyenv shim): $BENCH_PYTHON, python3.13, or pyenv's
    3.13.0."""
    env = dict(os.environ, PYENV_VERSION="3.13.0")
    probe = "import sys; print(sys.executable); print(sys.version_info[:2] == (3, 13))"
    for cand in (os.environ.get("BENCH_PYTHON"), "python3.13", "python3"):
        if not cand or not shutil.which(cand):
            continue
        r = subprocess.run([cand, "-c", probe], capture_output=True, text=True, env=env)
        out = r.stdout.split()
        if r.returncode == 0 and len(out) == 2 and out[1] == "True":
            return [out[0]]
    raise SystemExit("CPython 3.13 not found (BENCH_PYTHON, python3.13 or pyenv 3.13.0)")


def run_one(system, binary, py, mode, args):
    kv = [f"{k}={v}" for k, v in args.items()]
    if system == "cpython":
        cmd = py + [PY_SCRIPT, "client", mode] + kv
    else:
        cmd = [binary, system, "client", mode] + kv
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def spread(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
            "values": vals}


def measure(binary, py, cfg, log):
    figs = figures(cfg)
    raw = {fid: {s: [] for s in SYSTEMS} for fid, *_ in figs}
    cache = {}
    for rnd in range(cfg["rounds"]):
        for i, (fid, label, mode, args, key, _) in enumerate(figs):
            k = (mode, tuple(sorted(args.items())))
            shift = (rnd + i) % 3
            order = SYSTEMS[shift:] + SYSTEMS[:shift]
            for system in order:
                ck = (rnd, system) + k
                if ck not in cache:  # both ctx figures come from one run
                    t = time.time()
                    cache[ck] = run_one(system, binary, py, mode, args)
                    log(f"round {rnd + 1} {fid:22s} {system:8s} {cache[ck].get(key)}"
                        f"  ({time.time() - t:.1f}s)")
                raw[fid][system].append(cache[ck].get(key))
    out = []
    for fid, label, mode, args, key, higher in figs:
        per = raw[fid]
        entry = {"id": fid, "label": label, "higher_is_better": higher,
                 "args": args, "systems": {s: spread(per[s]) for s in SYSTEMS},
                 "ratios": {}}
        for other in ("raw", "cpython"):
            pairs = [p / o for p, o in zip(per["pyssl"], per[other])
                     if p is not None and o]
            entry["ratios"][f"pyssl/{other}"] = spread(pairs)
        pairs = [c / r for c, r in zip(per["cpython"], per["raw"]) if c is not None and r]
        entry["ratios"]["cpython/raw"] = spread(pairs)
        out.append(entry)
    return out


def openssl_speed(log):
    res = {}
    for name, evp in (("AES-128-GCM", "aes-128-gcm"), ("AES-256-GCM", "aes-256-gcm"),
                      ("CHACHA20-POLY1305", "chacha20-poly1305")):
        r = subprocess.run(["openssl", "speed", "-elapsed", "-seconds", "1", "-bytes", "16384",
                            "-evp", evp], capture_output=True, text=True)
        m = re.findall(r"([\d.]+)k\s*$", r.stdout, re.M)
        if m:
            res[f"{name} MB/s (16 KiB)"] = round(float(m[-1]) / 1000, 1)
    r = subprocess.run(["openssl", "speed", "-elapsed", "-seconds", "1", "rsa2048", "ecdsap256",
                        "ecdhx25519"], capture_output=True, text=True)
    m = re.search(r"rsa 2048 bits\s+\S+\s+\S+\s+([\d.]+)", r.stdout)
    if m:
        res["RSA-2048 sign/s"] = float(m.group(1))
    m = re.search(r"ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)", r.stdout)
    if m:
        res["ECDSA P-256 sign/s"] = float(m.group(1))
    m = re.search(r"ecdh \(X25519\)\s+\S+\s+([\d.]+)", r.stdout)
    if m:
        res["X25519 ops/s"] = float(m.group(1))
    log(f"openssl speed: {res}")
    return res


def callgrind_totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def callgrind_one(binary, system, mode, args, count):
    """Server `system` under callgrind counting only `callgrind_measured`, raw client native."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        kv = [f"{k}={v}" for k, v in args.items()]
        server = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             "--toggle-collect=*callgrind_measured*", binary, system, "server", mode,
             "collect=1"] + kv,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = int(server.stdout.readline().split()[1])
        r = subprocess.run([binary, "raw", "client", mode, f"port={port}"] + kv,
                           capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            server.kill()
            raise RuntimeError(f"callgrind client failed: {r.stderr}")
        server.stdin.close()
        if server.wait(timeout=900) != 0:
            raise RuntimeError("callgrind server failed")
        return callgrind_totals(out) / count


def callgrind_client(binary, system, mode, small, big, count):
    """Client `system` under callgrind (its own server native, not traced), run at two sizes:
    the difference divided by `count` is the cost of one more unit of work, without start-up,
    context set-up or warm-up."""
    totals = []
    for args in (small, big):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "cg.out")
            kv = [f"{k}={v}" for k, v in args.items()]
            r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                                binary, system, "client", mode] + kv,
                               capture_output=True, text=True, timeout=900)
            if r.returncode != 0:
                raise RuntimeError(f"callgrind client failed: {r.stderr[-2000:]}")
            totals.append(callgrind_totals(out))
    return (totals[1] - totals[0]) / count


def callgrind(binary, cfg, log):
    if not shutil.which("valgrind"):
        log("valgrind not found: no instruction counts")
        return None
    res = {}
    n = cfg["callgrind_hs_n"]
    mib = cfg["callgrind_mib"]
    for system in ("pyssl", "raw"):
        d = {}
        for cert in ("ecdsa", "rsa"):
            t = time.time()
            d[f"hs_tls1.3_{cert}"] = callgrind_one(
                binary, system, "hs", {"tls": "1.3", "cert": cert, "n": n, "warm": 2}, n)
            log(f"callgrind {system} TLS 1.3 {cert} handshake: "
                f"{d[f'hs_tls1.3_{cert}'] / 1e6:.3f} M instructions ({time.time() - t:.1f}s)")
        t = time.time()
        d["recv_per_mib"] = callgrind_one(binary, system, "bulk",
                                          {"mib": mib, "wsize": 65536}, mib)
        log(f"callgrind {system} receive: {d['recv_per_mib'] * 1024 / 1e9:.3f} G instructions"
            f" per GiB ({time.time() - t:.1f}s)")
        t = time.time()
        d["client_hs_tls1.3_ecdsa"] = callgrind_client(
            binary, system, "hs", {"tls": "1.3", "cert": "ecdsa", "n": n},
            {"tls": "1.3", "cert": "ecdsa", "n": 3 * n}, 2 * n)
        log(f"callgrind {system} client TLS 1.3 ECDSA handshake: "
            f"{d['client_hs_tls1.3_ecdsa'] / 1e6:.3f} M instructions ({time.time() - t:.1f}s)")
        t = time.time()
        d["client_rtt"] = callgrind_client(binary, system, "rtt", {"n": 1000}, {"n": 3000}, 2000)
        log(f"callgrind {system} client 64-byte round trip: {d['client_rtt']:.0f} instructions"
            f" ({time.time() - t:.1f}s)")
        t = time.time()
        d["send_per_mib"] = callgrind_client(
            binary, system, "bulk", {"mib": mib // 2, "wsize": 65536, "cipher": "aes128"},
            {"mib": mib // 2 + mib, "wsize": 65536, "cipher": "aes128"}, mib)
        log(f"callgrind {system} send: {d['send_per_mib'] * 1024 / 1e9:.3f} G instructions"
            f" per GiB ({time.time() - t:.1f}s)")
        res[system] = d
    res["pyssl/raw"] = {k: res["pyssl"][k] / res["raw"][k] for k in res["pyssl"]}
    res["note"] = ("server side counted by callgrind --toggle-collect on the measured part only: "
                   f"{n} TLS 1.3 handshakes (1-byte echo, close) and {mib} MiB received in 64 KiB "
                   "writes over TLS 1.3 (TLS_AES_256_GCM_SHA384), client native raw rust-openssl; "
                   f"client side as the difference of two runs ({n} and {3 * n} handshakes; "
                   "1,000 and 3,000 round trips; "
                   f"{mib // 2} and {mib // 2 + mib} MiB sent in 64 KiB writes, "
                   "ECDHE-RSA-AES128-GCM-SHA256), server native, same system")
    return res


def tcp_ceiling(binary, cfg):
    r = subprocess.run([binary, "tcp", "client", "bulk", f"mib={cfg['mib']}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])["value"]


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ossl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "openssl": ossl,
            "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "kernel": platform.release(), "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                time.gmtime())}


def fmt(v, higher=True):
    if v is None:
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def fmt_spread(s):
    if not s:
        return "n/a"
    return f"{fmt(s['median'])} ({fmt(s['min'])}–{fmt(s['max'])})"


def render(summary):
    m = summary["machine"]
    c = summary["config"]
    lines = [
        f"Machine: {m['nproc']} CPUs, {m['cpu']}, {m['openssl']}, Linux {m['kernel']}; "
        f"run {m['date']} ({summary['elapsed_s']:.0f} s); load average "
        f"{m.get('load_before', '?')} before, {summary.get('load_after', '?')} after.",
        f"Sizes: {c['rounds']} rounds, {c['mib']} MiB per throughput run, {c['hs_n']} full / "
        f"{c['resume_n']} resumed handshakes, {c['rtt_n']} round trips, {c['idle_n']} idle "
        "connections per measurement.",
        "",
        "Each cell: median (min–max) over the rounds. Ratios: median (min–max) of the "
        "per-round pairs. Rates: higher is better; CPU time (client and server processes "
        "together, from /proc/<pid>/schedstat) and memory: lower is better.",
        "",
        "| figure | pyssl | raw rust-openssl | CPython 3.13 | pyssl/raw | pyssl/CPython |",
        "|---|---|---|---|---|---|",
    ]
    for e in summary["figures"]:
        s = e["systems"]
        r = e["ratios"]
        lines.append(
            f"| {e['label']} | {fmt_spread(s['pyssl'])} | {fmt_spread(s['raw'])} | "
            f"{fmt_spread(s['cpython'])} | {fmt_spread(r['pyssl/raw'])} | "
            f"{fmt_spread(r['pyssl/cpython'])} |")
    sp = summary.get("openssl_speed") or {}
    if sp:
        lines += ["", "Ceilings (`openssl speed`, one core, same run):", ""]
        lines += ["| primitive | rate |", "|---|---|"]
        for k, v in sp.items():
            lines.append(f"| {k} | {fmt(v)} |")
        if summary.get("tcp_mb_s"):
            lines.append(f"| plain TCP over loopback, 64 KiB writes (MB/s) | "
                         f"{fmt(summary['tcp_mb_s'])} |")
            aead = sp.get("AES-128-GCM MB/s (16 KiB)")
            if aead:
                ceil = 1 / (1 / aead + 1 / summary["tcp_mb_s"])
                lines.append(f"| AES-128-GCM + plain TCP, serial per byte (MB/s) | {fmt(ceil)} |")
    cg = summary.get("callgrind")
    if cg:
        lines += ["", "Instruction counts (callgrind, " + cg["note"] + "):", "",
                  "| figure | pyssl | raw rust-openssl | pyssl/raw |", "|---|---|---|---|"]
        for k, label, scale, unit in (
                ("hs_tls1.3_ecdsa", "TLS 1.3 ECDSA handshake", 1e6, "M"),
                ("hs_tls1.3_rsa", "TLS 1.3 RSA handshake", 1e6, "M"),
                ("recv_per_mib", "receive, per GiB", 1e9 / 1024, "G"),
                ("client_hs_tls1.3_ecdsa", "client: TLS 1.3 ECDSA handshake", 1e6, "M"),
                ("client_rtt", "client: 64-byte round trip", 1e3, "k"),
                ("send_per_mib", "client: send, per GiB", 1e9 / 1024, "G")):
            if k not in cg["pyssl"]:
                continue
            lines.append(f"| {label} | {cg['pyssl'][k] / scale:.3f} {unit} | "
                         f"{cg['raw'][k] / scale:.3f} {unit} | {cg['pyssl/raw'][k]:.4f} |")
    table = "\n".join(lines)
    with open(DOC) as f:
        doc = f.read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        doc = head + begin + "\n" + table + "\n" + end + tail
    else:
        doc += "\n" + begin + "\n" + table + "\n" + end + "\n"
    with open(DOC, "w") as f:
        f.write(doc)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "all"
    if cmd == "render":
        with open(SUMMARY) as f:
            render(json.load(f))
        return
    binary = sys.argv[2]
    os.makedirs(OUT_DIR, exist_ok=True)
    logf = open(os.path.join(OUT_DIR, "log.txt"), "w")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")

    start = time.time()
    py = python313()
    summary = {"machine": machine(), "config": CONFIG}
    log(f"machine: {summary['machine']}")
    log(f"config: {CONFIG}")
    if CONFIG["speed"]:
        summary["openssl_speed"] = openssl_speed(log)
        summary["tcp_mb_s"] = tcp_ceiling(binary, CONFIG)
        log(f"plain TCP: {summary['tcp_mb_s']} MB/s")
    summary["figures"] = measure(binary, py, CONFIG, log)
    if CONFIG["callgrind"]:
        summary["callgrind"] = callgrind(binary, CONFIG, log)
    summary["elapsed_s"] = time.time() - start
    summary["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with open(SUMMARY, "w") as f:
        json.dump(summary, f, indent=2)
    log(f"wrote {SUMMARY} ({summary['elapsed_s']:.0f} s)")
    if os.environ.get("BENCH_RENDER", "1") == "1":
        render(summary)
        log(f"rendered {DOC}")


if __name__ == "__main__":
    main()
