"""Holds N verified TLS connections to an HTTPS server at once, then asks on each.

    hold-connections.py PORT N CAFILE [SERVER_PID]

CPython 3.13's asyncio as the client of `pyssl serve --asyncio` (tests/serve_requests.rs with
N above the threaded server's 1,024, scripts/serve-10k.sh with 10,000). Opens the N connections
(at most 64 handshakes in flight), and only once all N are open sends a request on each and reads
each reply to the end. Prints one JSON object: how many were held at once, the server's resident
memory and threads at that moment (from /proc, given SERVER_PID), how many replies were the
article's, and the first error of each kind.
"""

import asyncio
import json
import resource
import ssl
import sys
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\nHello Secure World!"
HANDSHAKES_IN_FLIGHT = 64


def proc_status(pid):
    """VmRSS (bytes) and Threads of a process."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return int(fields["VmRSS"][0]) * 1024, int(fields["Threads"][0])


async def main(port, n, cafile, pid):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ctx = ssl.create_default_context(cafile=cafile)
    errors = {}
    gate = asyncio.Semaphore(HANDSHAKES_IN_FLIGHT)

    async def connect():
        async with gate:
            try:
                return await asyncio.open_connection(
                    "127.0.0.1", port, ssl=ctx, server_hostname="localhost")
            except Exception as e:
                errors.setdefault(type(e).__name__, str(e))
                return None

    rss_before = proc_status(pid)[0] if pid else None
    start = time.monotonic()
    conns = [c for c in await asyncio.gather(*(connect() for _ in range(n))) if c]
    opened = time.monotonic() - start
    rss, threads = proc_status(pid) if pid else (None, None)

    async def ask(reader, writer):
        try:
            writer.write(REQUEST)
            await writer.drain()
            reply = await reader.read()
            writer.close()
            await writer.wait_closed()
            return reply == REPLY
        except Exception as e:
            errors.setdefault(type(e).__name__, str(e))
            return False

    answered = sum(await asyncio.gather(*(ask(r, w) for r, w in conns)))
    print(json.dumps({
        "held": len(conns), "answered": answered, "seconds_to_open": round(opened, 2),
        "server_rss_before": rss_before, "server_rss_held": rss, "server_threads": threads,
        "errors": errors,
    }))


if __name__ == "__main__":
    port, n, cafile = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    pid = int(sys.argv[4]) if len(sys.argv) > 4 else None
    asyncio.run(main(port, n, cafile, pid))
