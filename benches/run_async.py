"""Issue 14's asyncio benchmark driver (run through `scripts/bench-async.sh`).

Runs every figure for pyssl::asyncio, raw tokio-openssl, CPython 3.13's asyncio and uvloop
(when it installs from PyPI into a venv under target/bench/) side by side: each round runs each
figure for every system back to back, in an order that rotates from figure to figure and round
to round; then medians, spread (min..max) and the medians of the paired per-round ratios. Adds
callgrind instruction counts per handshake (pyssl against raw), checks issue 14's targets,
writes `target/bench/async_summary.json` and renders the asyncio block of
`docs/performance.md`. The helpers it shares with the blocking suite come from `run.py`.

    run_async.py all BIN     # measure everything (sizes from the BENCH_ASYNC_* variables)
    run_async.py render      # re-render docs/performance.md from target/bench/async_summary.json
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from run import DOC, OUT_DIR, ROOT, callgrind_totals, env_int, fmt, fmt_spread, machine
from run import python313, spread

SUMMARY = os.path.join(OUT_DIR, "async_summary.json")
PY_SCRIPT = os.path.join(ROOT, "benches", "async_perf_cpython.py")
VENV = os.path.join(OUT_DIR, "venv-uvloop")
BEGIN, END = "<!-- bench-async:begin -->", "<!-- bench-async:end -->"
NAMES = {"pyssl": "pyssl::asyncio", "raw": "raw tokio-openssl", "cpython": "CPython asyncio",
         "uvloop": "CPython + uvloop"}

CONFIG = {
    "rounds": env_int("BENCH_ASYNC_ROUNDS", 5),
    "hs_n": env_int("BENCH_ASYNC_HS_N", 200),
    "hs64_n": env_int("BENCH_ASYNC_HS64_N", 640),
    "rtt_n": env_int("BENCH_ASYNC_RTT_N", 5000),
    "mib": env_int("BENCH_ASYNC_MIB", 128),
    "idle_n": env_int("BENCH_ASYNC_IDLE_N", 10000),
    "idle_rounds": env_int("BENCH_ASYNC_IDLE_ROUNDS", 2),
    "callgrind": env_int("BENCH_CALLGRIND", 1),
    "callgrind_hs_n": env_int("BENCH_CALLGRIND_HS_N", 10),
    "uvloop": env_int("BENCH_UVLOOP", 1),
}

# Issue 14's targets: (figure id, ratio or value, bound, at least?, description).
TARGETS = [
    ("hs_c1", "pyssl/raw", 0.97, True, "full handshakes/s, 1 client ≥ 0.97 × tokio-openssl"),
    ("hs_c64", "pyssl/raw", 0.97, True, "full handshakes/s, 64 clients ≥ 0.97 × tokio-openssl"),
    ("bulk", "pyssl/raw", 0.97, True, "bulk MB/s ≥ 0.97 × tokio-openssl"),
    ("hs_c64", "pyssl/cpython", 2.0, True, "full handshakes/s, 64 clients ≥ 2 × CPython asyncio"),
    ("idle_bytes", "pyssl", 20000, False, "≤ 20 KB resident per idle TLS connection at 10,000"),
]


def figures(cfg):
    """(id, label, mode, args, result key, higher is better, rounds)."""
    r = cfg["rounds"]
    f = [
        ("hs_c1", "full handshakes/s, 1 client", "hs", {"n": cfg["hs_n"], "c": 1}, "value",
         True, r),
        ("hs_c64", "full handshakes/s, 64 concurrent clients", "hs",
         {"n": cfg["hs64_n"], "c": 64, "warm": 8}, "value", True, r),
        ("rtt64", "64-byte round trips/s", "rtt", {"n": cfg["rtt_n"]}, "value", True, r),
        ("bulk", "bulk MB/s, 64 KiB write + drain", "bulk", {"mib": cfg["mib"]}, "value",
         True, r),
    ]
    cpu_labels = {"hs_c1": "CPU µs per handshake, 1 client",
                  "hs_c64": "CPU µs per handshake, 64 concurrent clients",
                  "rtt64": "CPU µs per 64-byte round trip", "bulk": "CPU µs per MiB, bulk"}
    for fid, _, mode, args, _, _, rounds in list(f):
        f.append((fid + "_cpu", cpu_labels[fid], mode, args, "cpu_us", False, rounds))
    f.append(("idle_bytes", f"resident bytes per idle server connection at "
              f"{cfg['idle_n']:,}", "idle", {"n": cfg["idle_n"], "c": 64, "warm": 16},
              "bytes_per_conn", False, min(cfg["idle_rounds"], r)))
    return f


def ensure_uvloop(py, log):
    """A venv of CPython 3.13 under target/bench/ with uvloop from PyPI: its python, or None
    (with the reason logged) when it does not install."""
    if not CONFIG["uvloop"]:
        return None, "not requested (BENCH_UVLOOP=0)"
    vpy = os.path.join(VENV, "bin", "python")
    probe = [vpy, "-c", "import sys, uvloop; print(uvloop.__version__, sys.version.split()[0])"]
    if not os.path.exists(vpy):
        r = subprocess.run(py + ["-m", "venv", VENV], capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"venv failed: {r.stderr.strip()[-300:]}"
    r = subprocess.run(probe, capture_output=True, text=True)
    if r.returncode != 0:
        p = subprocess.run([vpy, "-m", "pip", "install", "-q", "uvloop"], capture_output=True,
                           text=True, timeout=600)
        if p.returncode != 0:
            return None, f"pip install uvloop failed: {p.stderr.strip()[-300:]}"
        r = subprocess.run(probe, capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"uvloop does not import: {r.stderr.strip()[-300:]}"
    log(f"uvloop {r.stdout.strip()}")
    return [vpy], r.stdout.strip()


def run_one(system, binary, pys, mode, args):
    kv = [f"{k}={v}" for k, v in args.items()]
    if system in ("cpython", "uvloop"):
        loop = "uvloop" if system == "uvloop" else "asyncio"
        cmd = pys[system] + [PY_SCRIPT, "client", mode, f"loop={loop}"] + kv
    else:
        cmd = [binary, system, "client", mode] + kv
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(binary, pys, systems, cfg, log):
    figs = figures(cfg)
    got = {fid: {s: [None] * cfg["rounds"] for s in systems} for fid, *_ in figs}
    cache = {}
    for rnd in range(cfg["rounds"]):
        for i, (fid, label, mode, args, key, _, rounds) in enumerate(figs):
            if rnd >= rounds:
                continue
            k = (mode, tuple(sorted(args.items())))
            shift = (rnd + i) % len(systems)
            for system in systems[shift:] + systems[:shift]:
                ck = (rnd, system) + k
                if ck not in cache:  # a rate and its CPU figure come from one run
                    t = time.time()
                    cache[ck] = run_one(system, binary, pys, mode, args)
                    log(f"round {rnd + 1} {fid:14s} {system:8s} {cache[ck].get(key)}"
                        f"  ({time.time() - t:.1f}s)")
                got[fid][system][rnd] = cache[ck].get(key)
    out = []
    for fid, label, mode, args, key, higher, rounds in figs:
        per = got[fid]
        entry = {"id": fid, "label": label, "higher_is_better": higher, "args": args,
                 "systems": {s: spread(per[s]) for s in systems}, "ratios": {}}
        for other in systems[1:]:
            pairs = [p / o for p, o in zip(per["pyssl"], per[other])
                     if p is not None and o]
            entry["ratios"][f"pyssl/{other}"] = spread(pairs)
        if "cpython" in systems:
            # What no layer over the same OpenSSL can beat by much: tokio-openssl's own lead.
            pairs = [r / c for r, c in zip(per["raw"], per["cpython"]) if r is not None and c]
            entry["ratios"]["raw/cpython"] = spread(pairs)
        out.append(entry)
    return out


def callgrind_run(cmd, out, peer=None):
    """`cmd` under callgrind; with `peer`, a native client started once the traced server
    printed its port, after which the server is told to stop."""
    full = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd
    if peer is None:
        r = subprocess.run(full, capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError(f"callgrind client failed: {r.stderr[-2000:]}")
    else:
        server = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        port = int(server.stdout.readline().split()[1])
        r = subprocess.run(peer + [f"port={port}"], capture_output=True, text=True,
                           timeout=1800)
        server.stdin.close()
        if server.wait(timeout=1800) != 0 or r.returncode != 0:
            raise RuntimeError(f"callgrind server run failed: {r.stderr[-2000:]}")
    return callgrind_totals(out)


def callgrind_diff(binary, system, side, mode, small, big, count):
    """Instructions per unit of work: a whole run under callgrind at two sizes, the difference
    divided by `count` (start-up, context loading and warm-up cancel). `side` is the traced end;
    the other is native (for the server, a raw tokio-openssl client)."""
    totals = []
    for args in (small, big):
        kv = [f"{k}={v}" for k, v in args.items()]
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "cg.out")
            if side == "server":
                totals.append(callgrind_run([binary, system, "server", mode] + kv, out,
                                            peer=[binary, "raw", "client", mode] + kv))
            else:
                totals.append(callgrind_run([binary, system, "client", mode] + kv, out))
    return (totals[1] - totals[0]) / count


def callgrind(binary, cfg, log):
    if not shutil.which("valgrind"):
        log("valgrind not found: no instruction counts")
        return None
    n = cfg["callgrind_hs_n"]
    res = {}
    for system in ("pyssl", "raw"):
        d = {}
        for side in ("server", "client"):
            t = time.time()
            d[f"{side}_hs"] = callgrind_diff(binary, system, side, "hs", {"n": n},
                                             {"n": 3 * n}, 2 * n)
            log(f"callgrind {system} {side} TLS 1.3 RSA handshake: "
                f"{d[f'{side}_hs'] / 1e6:.3f} M instructions ({time.time() - t:.1f}s)")
        t = time.time()
        d["client_rtt"] = callgrind_diff(binary, system, "client", "rtt", {"n": 1000},
                                         {"n": 3000}, 2000)
        log(f"callgrind {system} client 64-byte round trip: {d['client_rtt']:.0f}"
            f" ({time.time() - t:.1f}s)")
        t = time.time()
        d["server_recv_mib"] = callgrind_diff(binary, system, "server", "bulk", {"mib": 8},
                                              {"mib": 24}, 16)
        log(f"callgrind {system} server receive: {d['server_recv_mib'] / 1e6:.2f} M per MiB"
            f" ({time.time() - t:.1f}s)")
        res[system] = d
    res["pyssl/raw"] = {k: res["pyssl"][k] / res["raw"][k] for k in res["pyssl"]}
    res["note"] = (f"each figure is the difference of two whole runs under callgrind ({n} and "
                   f"{3 * n} handshakes; 1,000 and 3,000 round trips; 8 and 24 MiB received), "
                   "so start-up, context loading and warm-up cancel; the server side with a "
                   "native raw tokio-openssl client, the client side with its own system's "
                   "native server; TLS 1.3, RSA-2048, current-thread runtimes")
    return res


def verdicts(summary):
    """Each of issue 14's targets: the measured value and whether it is met."""
    figs = {e["id"]: e for e in summary["figures"]}
    out = []
    for fid, what, bound, at_least, desc in TARGETS:
        e = figs.get(fid)
        s = (e["ratios"].get(what) if "/" in what else e["systems"].get(what)) if e else None
        if not s:
            out.append({"target": desc, "value": None, "met": None})
            continue
        v = s["median"]
        row = {"target": desc, "value": v, "min": s["min"], "max": s["max"],
               "met": v >= bound if at_least else v <= bound}
        cpu = figs.get(fid + "_cpu")
        if "/" in what and cpu and cpu["ratios"].get(what):
            # The same ratio from CPU time per operation (inverted: less CPU is faster), which
            # the shared machine's load disturbs far less than the wall clock.
            row["cpu_equivalent"] = 1 / cpu["ratios"][what]["median"]
        if what == "pyssl/cpython" and e["ratios"].get("raw/cpython"):
            row["raw_reference"] = e["ratios"]["raw/cpython"]["median"]
        out.append(row)
    cg = summary.get("callgrind")
    if cg:
        for side in ("server", "client"):
            v = cg["pyssl/raw"][f"{side}_hs"]
            out.append({"target": f"callgrind instructions per handshake ({side}) within 3 % "
                        "of tokio-openssl", "value": v, "met": abs(v - 1) <= 0.03})
    return out


def num(v, places):
    """A ratio with `places` decimals, a count with thousands separators."""
    return fmt(v) if v > 10 else f"{v:.{places}f}"


def render(summary):
    m, c = summary["machine"], summary["config"]
    systems = summary["systems"]
    lines = [
        f"Machine: {m['nproc']} CPUs, {m['cpu']}, {m['openssl']}, Linux {m['kernel']}; "
        f"run {m['date']} ({summary['elapsed_s']:.0f} s); load average "
        f"{m.get('load_before', '?')} before, {summary.get('load_after', '?')} after. "
        "Every process runs one tokio current-thread runtime (Rust) or one asyncio loop "
        f"(Python); uvloop: {summary['uvloop']}.",
        f"Sizes: {c['rounds']} rounds ({c['idle_rounds']} for memory), {c['hs_n']} handshakes "
        f"with 1 client and {c['hs64_n']} with 64, {c['rtt_n']} round trips, {c['mib']} MiB "
        f"per transfer, {c['idle_n']:,} idle connections; TLS 1.3 (TLS_AES_256_GCM_SHA384), "
        "RSA-2048 server certificate, TCP_NODELAY.",
        "",
        "Each cell: median (min–max) over the rounds. Ratios: median (min–max) of the "
        "per-round pairs. Rates: higher is better; CPU time (client and server processes "
        "together, every thread, from /proc/<pid>/task/*/schedstat) and memory: lower is "
        "better.",
        "",
        "| figure | " + " | ".join(NAMES[s] for s in systems) + " | "
        + " | ".join(f"pyssl/{s}" for s in systems[1:]) + " |",
        "|---" * (2 * len(systems)) + "|",
    ]
    for e in summary["figures"]:
        cells = [fmt_spread(e["systems"][s]) for s in systems]
        cells += [fmt_spread(e["ratios"][f"pyssl/{s}"]) for s in systems[1:]]
        lines.append(f"| {e['label']} | " + " | ".join(cells) + " |")
    cg = summary.get("callgrind")
    if cg:
        lines += ["", "Instruction counts (callgrind; " + cg["note"] + "):", "",
                  "| figure | pyssl::asyncio | raw tokio-openssl | pyssl/raw |",
                  "|---|---|---|---|"]
        for k, label, scale, unit in (
                ("server_hs", "server: TLS 1.3 RSA handshake", 1e6, "M"),
                ("client_hs", "client: TLS 1.3 RSA handshake", 1e6, "M"),
                ("client_rtt", "client: 64-byte round trip", 1e3, "k"),
                ("server_recv_mib", "server: receive, per MiB", 1e6, "M")):
            lines.append(f"| {label} | {cg['pyssl'][k] / scale:.3f} {unit} | "
                         f"{cg['raw'][k] / scale:.3f} {unit} | {cg['pyssl/raw'][k]:.4f} |")
    lines += ["", "Issue 14's targets, read from this run (a ratio target is met when the "
              "median of the per-round wall-clock ratios meets it):", "",
              "| target | measured | met |", "|---|---|---|"]
    for v in summary["verdicts"]:
        if v["value"] is None:
            val, met = "not measured", "n/a"
        else:
            val = num(v["value"], 3)
            if "min" in v:
                val += f" ({num(v['min'], 2)}–{num(v['max'], 2)})"
            if "cpu_equivalent" in v:
                val += f"; from CPU time per operation {v['cpu_equivalent']:.2f}"
            if "raw_reference" in v:
                val += f"; tokio-openssl itself: {v['raw_reference']:.2f}"
            met = "met" if v["met"] else "**not met**"
        lines.append(f"| {v['target']} | {val} | {met} |")
    block = "\n".join(lines)
    with open(DOC) as f:
        doc = f.read()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc = head + BEGIN + "\n" + block + "\n" + END + tail
    else:
        doc += "\n" + BEGIN + "\n" + block + "\n" + END + "\n"
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
    logf = open(os.path.join(OUT_DIR, "async_log.txt"), "w")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")

    start = time.time()
    py = python313()
    pys = {"cpython": py}
    uv_py, uv_note = ensure_uvloop(py, log)
    systems = ["pyssl", "raw", "cpython"]
    if uv_py:
        pys["uvloop"] = uv_py
        systems.append("uvloop")
    else:
        log(f"uvloop absent: {uv_note}")
    summary = {"machine": machine(), "config": CONFIG, "systems": systems,
               "uvloop": uv_note if uv_py else f"absent ({uv_note})"}
    log(f"machine: {summary['machine']}")
    log(f"config: {CONFIG}")
    summary["figures"] = measure(binary, pys, systems, CONFIG, log)
    if CONFIG["callgrind"]:
        summary["callgrind"] = callgrind(binary, CONFIG, log)
    summary["verdicts"] = verdicts(summary)
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
