"""Issue 14's benchmark workloads with CPython's asyncio (or uvloop): the same work, the same
wire protocol and the same command line as `benches/async_perf.rs` (run it with CPython 3.13):

    async_perf_cpython.py client <hs|rtt|bulk|idle> [loop=asyncio|uvloop] [key=value ...]
    async_perf_cpython.py server <mode> [key=value ...]  # prints "PORT <n>", serves until stdin closes

`loop=uvloop` runs both processes on uvloop (it must be importable). Contexts come from
`perf_cpython.make_context` (`ssl.SSLContext(PROTOCOL_TLS_SERVER/CLIENT)` as a script makes
them), RSA-2048 unless `cert=ecdsa`; asyncio sets TCP_NODELAY on every TCP transport itself.
"""

import asyncio
import json
import os
import subprocess
import sys

from perf_cpython import Clock, make_context, rss_bytes

HOST = "127.0.0.1"
SERVER_NAME = "localhost"
BULK_WRITE = 64 * 1024
BACKLOG = 100  # asyncio.start_server's default, as every server here


async def readexactly_or_eof(reader, n):
    """`await reader.readexactly(n)`, or None at an EOF before any byte."""
    try:
        return await reader.readexactly(n)
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise
        return None


async def close(writer):
    writer.close()
    await writer.wait_closed()


async def echo_back(reader, writer):
    b = await reader.readexactly(1)
    writer.write(b)
    await writer.drain()


class ServerState:
    def __init__(self, mode, args):
        self.mode = mode
        self.n = int(args.get("n", 100))
        self.warm = int(args.get("warm", 3))
        self.mib = int(args.get("mib", 256))
        self.accepted = 0
        self.warm_closed = 0
        self.held = 0
        self.rss_before = 0
        self.failed = False

    async def serve_one(self, reader, writer):
        if self.mode == "hs":
            await echo_back(reader, writer)
            await close(writer)
        elif self.mode == "rtt":
            await echo_back(reader, writer)
            while (b := await readexactly_or_eof(reader, 64)) is not None:
                writer.write(b)
                await writer.drain()
            await close(writer)
        elif self.mode == "bulk":
            first = self.accepted == 0
            self.accepted += 1
            total = (1 << 20) if first else (self.mib << 20)
            got = 0
            while got < total:
                data = await reader.read(BULK_WRITE)
                if not data:
                    raise EOFError("EOF inside the transfer")
                got += len(data)
            writer.write(b"k")
            await writer.drain()
            while await reader.read(BULK_WRITE):
                pass
            await close(writer)
        elif self.mode == "idle":
            await echo_back(reader, writer)
            index = self.accepted
            self.accepted += 1
            if index < self.warm:
                await close(writer)
                self.warm_closed += 1
                if self.warm_closed == self.warm:
                    self.rss_before = rss_bytes()
                return
            self.held += 1
            if self.held == self.n:
                after = rss_bytes()
                result = {"rss_before": self.rss_before, "rss_after": after,
                          "bytes_per_conn": round(max(after - self.rss_before, 0) / self.n, 1)}
                print("RESULT", json.dumps(result), flush=True)
            # Idle until the client goes; how it goes is not measured.
            try:
                await reader.read(1)
                await close(writer)
            except (OSError, EOFError):
                pass
        else:
            raise SystemExit(f"unknown mode {self.mode}")

    async def handle(self, reader, writer):
        try:
            await self.serve_one(reader, writer)
        except Exception as e:  # noqa: BLE001 - reported, and the server then fails
            print(f"async_perf_cpython server ({self.mode}): {e!r}", file=sys.stderr)
            self.failed = True


async def server(mode, args):
    ctx = make_context(args, True)
    state = ServerState(mode, args)
    srv = await asyncio.start_server(state.handle, HOST, 0, ssl=ctx, backlog=BACKLOG)
    print("PORT", srv.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    srv.close()
    return 1 if state.failed else 0


async def connect(ctx, port):
    return await asyncio.open_connection(HOST, port, ssl=ctx, server_hostname=SERVER_NAME)


async def ping(reader, writer):
    writer.write(b"x")
    await writer.drain()
    await reader.readexactly(1)


async def one_handshake(ctx, port):
    reader, writer = await connect(ctx, port)
    await ping(reader, writer)
    await close(writer)


async def concurrently(n, c, work):
    """Runs `work()` n times on c concurrent tasks (n split evenly)."""
    c = max(1, min(c, n))

    async def worker(share):
        for _ in range(share):
            await work()

    await asyncio.gather(*(worker(n // c + (w < n % c)) for w in range(c)))


async def bulk_one(ctx, port, total, server_pid):
    data = bytes([0x5A]) * BULK_WRITE
    reader, writer = await connect(ctx, port)
    t = Clock(server_pid)
    sent = 0
    while sent < total:
        k = min(total - sent, BULK_WRITE)
        writer.write(data if k == BULK_WRITE else data[:k])
        await writer.drain()
        sent += k
    await reader.readexactly(1)
    secs, cpu = t.stop()
    await close(writer)
    return secs, cpu


async def client(mode, args, proc):
    port = int(proc.stdout.readline().split()[1])
    ctx = make_context(args, False)
    n = int(args.get("n", 100))
    warm = int(args.get("warm", 3))
    if mode == "hs":
        c = int(args.get("c", 1))
        for _ in range(warm):
            await one_handshake(ctx, port)
        t = Clock(proc.pid)
        await concurrently(n, c, lambda: one_handshake(ctx, port))
        secs, cpu = t.stop()
        return {"value": round(n / secs, 2), "unit": "handshakes/s",
                "cpu_us": round(cpu / n, 2), "n": n, "c": c}
    if mode == "rtt":
        reader, writer = await connect(ctx, port)
        await ping(reader, writer)
        msg = b"a" * 64
        for _ in range(warm * 100):
            writer.write(msg)
            await writer.drain()
            await reader.readexactly(64)
        t = Clock(proc.pid)
        for _ in range(n):
            writer.write(msg)
            await writer.drain()
            await reader.readexactly(64)
        secs, cpu = t.stop()
        await close(writer)
        return {"value": round(n / secs, 1), "unit": "round trips/s",
                "cpu_us": round(cpu / n, 3)}
    if mode == "bulk":
        total = int(args.get("mib", 256)) << 20
        await bulk_one(ctx, port, 1 << 20, proc.pid)
        secs, cpu = await bulk_one(ctx, port, total, proc.pid)
        return {"value": round(total / secs / 1e6, 1), "unit": "MB/s",
                "cpu_us": round(cpu / (total >> 20), 1)}
    if mode == "idle":
        for _ in range(warm):
            await one_handshake(ctx, port)
        # The server takes its "before" when the last warm-up connection is closed.
        await asyncio.sleep(0.2)
        held = []

        async def open_one():
            reader, writer = await connect(ctx, port)
            await ping(reader, writer)
            held.append(writer)

        await concurrently(n, int(args.get("c", 64)), open_one)
        loop = asyncio.get_running_loop()
        line = await loop.run_in_executor(None, proc.stdout.readline)
        while line and not line.startswith("RESULT "):
            line = await loop.run_in_executor(None, proc.stdout.readline)
        for w in held:
            w.close()
        return json.loads(line[len("RESULT "):])
    raise SystemExit(f"unknown mode {mode}")


def run(coro, args):
    if args.get("loop", "asyncio") == "uvloop":
        import uvloop

        return asyncio.run(coro, loop_factory=uvloop.new_event_loop)
    return asyncio.run(coro)


def main():
    role, mode = sys.argv[1], sys.argv[2]
    args = dict(a.split("=", 1) for a in sys.argv[3:] if "=" in a)
    args.setdefault("cert", "rsa")
    if role == "server":
        sys.exit(run(server(mode, args), args))
    cmd = [sys.executable, os.path.abspath(__file__), "server", mode]
    cmd += [f"{k}={v}" for k, v in args.items()]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out = run(client(mode, args, proc), args)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("server failed")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
