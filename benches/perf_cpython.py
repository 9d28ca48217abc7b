"""Issue 6's benchmark workloads with CPython's own ssl module: the same work, the same wire
protocol and the same command line as `benches/perf.rs` (run it with CPython 3.13):

    perf_cpython.py client <hs|bulk|rtt|idle|ctx> [key=value ...]   # spawns its server
    perf_cpython.py server <mode> [key=value ...]  # prints "PORT <n>", serves, "RESULT {...}"

Contexts are `ssl.SSLContext(PROTOCOL_TLS_SERVER/CLIENT)` as a script makes them.
"""

import json
import os
import socket
import ssl
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
HOST = "127.0.0.1"
RECV_BUF = 64 * 1024
BULK_CIPHERS = {
    "aes128": "ECDHE-RSA-AES128-GCM-SHA256",
    "aes256": "ECDHE-RSA-AES256-GCM-SHA384",
    "chacha": "ECDHE-RSA-CHACHA20-POLY1305",
}


def fixture(name):
    return os.path.join(FIXTURES, name)


def make_context(args, server):
    if server:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if args.get("cert", "ecdsa") == "rsa" or "cipher" in args:
            ctx.load_cert_chain(fixture("server.pem"), fixture("server.key"))
        else:
            ctx.load_cert_chain(fixture("ecdsa.pem"), fixture("ecdsa.key"))
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(fixture("ca.pem"))
    if args.get("tls", "1.3") == "1.2" or "cipher" in args:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if "cipher" in args:
        ctx.set_ciphers(BULK_CIPHERS[args["cipher"]])
    return ctx


def nodelay(args):
    return args.get("nodelay", "1") == "1"


def recv_exact(s, view):
    got = 0
    while got < len(view):
        n = s.recv_into(view[got:])
        if n == 0:
            raise EOFError("unexpected EOF")
        got += n


def serve_echo1(ctx, lsock, args):
    conn, _ = lsock.accept()
    if nodelay(args):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s = ctx.wrap_socket(conn, server_side=True)
    b = bytearray(1)
    recv_exact(s, memoryview(b))
    s.sendall(b)
    return s


def serve_bulk(s, total, buf):
    got = 0
    while got < total:
        n = s.recv_into(buf)
        if n == 0:
            raise EOFError("unexpected EOF")
        got += n
    s.sendall(b"k")


def serve_rtt(s):
    b = bytearray(64)
    view = memoryview(b)
    while True:
        got = 0
        while got < 64:
            n = s.recv_into(view[got:])
            if n == 0:
                return
            got += n
        s.sendall(b)


def cpu_ns(pid=None):
    """On-CPU nanoseconds of a process: every live thread's /proc/<pid>/task/*/schedstat (the
    blocking benchmark's processes have one; asyncio's executor may add some)."""
    task_dir = f"/proc/{pid or 'self'}/task"
    total = 0
    try:
        tasks = os.listdir(task_dir)
    except OSError:
        return 0
    for task in tasks:
        try:
            with open(os.path.join(task_dir, task, "schedstat")) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total


class Clock:
    """Wall time and the CPU time of both processes (client and its server) over a window."""

    def __init__(self, server_pid):
        self.server_pid = server_pid
        self.cpu = cpu_ns() + cpu_ns(server_pid)
        self.wall = time.perf_counter()

    def stop(self):
        secs = time.perf_counter() - self.wall
        return secs, (cpu_ns() + cpu_ns(self.server_pid) - self.cpu) / 1e3


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def server(mode, args):
    ctx = make_context(args, True)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((HOST, 0))
    lsock.listen(1024)
    print("PORT", lsock.getsockname()[1], flush=True)
    n = int(args.get("n", 100))
    warm = int(args.get("warm", 3))
    buf = bytearray(RECV_BUF)
    if mode == "hs":
        for _ in range(warm + n):
            serve_echo1(ctx, lsock, args).close()
    elif mode == "bulk":
        total = int(args.get("mib", 256)) << 20
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        serve_bulk(s, 1 << 20, buf)
        s.close()
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        serve_bulk(s, total, buf)
        s.close()
    elif mode in ("rtt", "ctx"):
        s = serve_echo1(ctx, lsock, args)
        serve_rtt(s)
        s.close()
    elif mode == "idle":
        for _ in range(warm):
            serve_echo1(ctx, lsock, args).close()
        before = rss_bytes()
        held = [serve_echo1(ctx, lsock, args) for _ in range(n)]
        after = rss_bytes()
        result = {
            "rss_before": before,
            "rss_after": after,
            "bytes_per_conn": round(max(after - before, 0) / n, 1),
        }
        print("RESULT", json.dumps(result), flush=True)
        sys.stdin.readline()
        for s in held:
            s.close()
    else:
        raise SystemExit(f"unknown mode {mode}")


def client(mode, args):
    cmd = [sys.executable, os.path.abspath(__file__), "server", mode]
    cmd += [f"{k}={v}" for k, v in args.items()]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline().split()[1])
    ctx = make_context(args, False)
    n = int(args.get("n", 100))
    warm = int(args.get("warm", 3))
    state = {"session": None}

    def connect(resume=False):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if nodelay(args):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s = ctx.wrap_socket(
            sock,
            server_hostname="localhost",
            session=state["session"] if resume else None,
        )
        s.connect((HOST, port))
        return s

    def echo(s):
        s.sendall(b"x")
        recv_exact(s, memoryview(bytearray(1)))

    if mode == "hs":
        resume = args.get("resume", "0") == "1"
        for _ in range(warm):
            s = connect(resume)
            echo(s)
            state["session"] = s.session
            s.close()
        reused = 0
        t = Clock(proc.pid)
        for _ in range(n):
            s = connect(resume)
            echo(s)
            if resume:
                state["session"] = s.session
            reused += s.session_reused
            s.close()
        secs, cpu = t.stop()
        out = {"value": round(n / secs, 2), "unit": "handshakes/s",
               "cpu_us": round(cpu / n, 2), "reused": reused, "n": n}
    elif mode == "bulk":
        wsize = int(args.get("wsize", 65536))
        total = int(args.get("mib", 256)) << 20
        data = bytes([0x5A]) * wsize

        def one(total):
            s = connect()
            t = Clock(proc.pid)
            sent = 0
            while sent < total:
                k = min(total - sent, wsize)
                s.sendall(data if k == wsize else data[:k])
                sent += k
            recv_exact(s, memoryview(bytearray(1)))
            secs, cpu = t.stop()
            name = s.cipher()[0]
            s.close()
            return secs, cpu, name

        one(1 << 20)
        secs, cpu, cipher = one(total)
        out = {"value": round(total / secs / 1e6, 1), "unit": "MB/s",
               "cpu_us": round(cpu / (total >> 20), 1), "cipher": cipher}
    elif mode == "rtt":
        s = connect()
        echo(s)
        msg = b"a" * 64
        view = memoryview(bytearray(64))
        for _ in range(warm * 100):
            s.sendall(msg)
            recv_exact(s, view)
        t = Clock(proc.pid)
        for _ in range(n):
            s.sendall(msg)
            recv_exact(s, view)
        secs, cpu = t.stop()
        s.close()
        out = {"value": round(n / secs, 1), "unit": "round trips/s", "cpu_us": round(cpu / n, 3)}
    elif mode == "idle":
        for _ in range(warm):
            s = connect()
            echo(s)
            s.close()
        held = []
        for _ in range(n):
            s = connect()
            echo(s)
            held.append(s)
        line = proc.stdout.readline()
        while line and not line.startswith("RESULT "):
            line = proc.stdout.readline()
        out = json.loads(line[len("RESULT "):])
        for s in held:
            s.close()
    elif mode == "ctx":
        s = connect()
        echo(s)
        t = time.perf_counter()
        for _ in range(n):
            ctx.set_ciphers(ssl._DEFAULT_CIPHERS)
            ctx.get_ciphers()
        ciphers = n / (time.perf_counter() - t)
        m = n * 10
        t = time.perf_counter()
        for _ in range(m):
            s.getpeercert()
        certs = m / (time.perf_counter() - t)
        s.close()
        out = {"set_get_ciphers": round(ciphers, 1), "getpeercert": round(certs, 1),
               "unit": "calls/s"}
    else:
        raise SystemExit(f"unknown mode {mode}")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("server failed")
    print(json.dumps(out), flush=True)


def main():
    role, mode = sys.argv[1], sys.argv[2]
    args = dict(a.split("=", 1) for a in sys.argv[3:] if "=" in a)
    if role == "server":
        server(mode, args)
    else:
        client(mode, args)


if __name__ == "__main__":
    main()
