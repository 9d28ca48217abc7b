"""CPython's twin of `pyssl serve --profile python`, for differential runs.

    python3.13 scripts/cpython-https-server.py CERTFILE KEYFILE [PORT] [REQUEST_TIMEOUT]

The context is CPython's create_default_context(Purpose.CLIENT_AUTH) with the given chain, as
`pyssl serve --profile python`; the HTTP behaviour is that of `pyssl serve` (src/bin/pyssl/
serve.rs and request.rs), step for step: a thread a connection, a 10 s handshake deadline, the
request head read up to its blank line within 8192 bytes and one deadline (431 past the size,
408 past the deadline with a partial head, no reply to a client that sent nothing or closed
first), the article's reply, then close_notify, FIN, a drain of at most 1 s and 64 KiB, close.
Listens on 127.0.0.1 (port 0 by default: the first stdout line says which).
"""

import socket
import ssl
import sys
import threading
import time

HANDSHAKE_TIMEOUT = 10.0
MAX_HEAD = 8192
DRAIN_TIME = 1.0
DRAIN_LIMIT = 64 * 1024
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Length: 19\r\nConnection: close\r\n\r\n"
            b"Hello Secure World!")
TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def head_end(data):
    """Just past the first empty line (CRLF or bare LF line ends), or None."""
    ends = [i + n for i, n in ((data.find(b"\n\n"), 2), (data.find(b"\n\r\n"), 3)) if i >= 0]
    return min(ends) if ends else None


def read_head(conn, deadline):
    """The reply the request head calls for, or None for no reply."""
    head = b""
    while True:
        end = head_end(head)
        if end is not None:
            return RESPONSE if end <= MAX_HEAD else TOO_LARGE
        if len(head) >= MAX_HEAD:
            return TOO_LARGE
        left = deadline - time.monotonic()
        if left <= 0:
            return TIMED_OUT if head else None
        conn.settimeout(left)
        try:
            data = conn.recv(MAX_HEAD - len(head))
        except TimeoutError:
            return TIMED_OUT if head else None
        if not data:
            return None
        head += data


def drain(sock):
    deadline = time.monotonic() + DRAIN_TIME
    drained = 0
    while drained < DRAIN_LIMIT:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            sock.settimeout(left)
            data = sock.recv(4096)
        except OSError:
            break
        if not data:
            break
        drained += len(data)


def graceful_close(conn, tls_ok):
    if tls_ok:
        try:
            conn.settimeout(0)
            plain = conn.unwrap()
        except (OSError, ValueError):
            pass
        else:
            try:
                plain.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            drain(plain)
            plain.close()
            return
    try:
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    drain(conn)
    conn.close()


def handle(context, sock, request_timeout):
    sock.settimeout(HANDSHAKE_TIMEOUT)
    conn = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
    tls_ok = False
    try:
        conn.do_handshake()
        reply = read_head(conn, time.monotonic() + request_timeout)
        if reply is not None:
            conn.settimeout(request_timeout)
            conn.sendall(reply)
        tls_ok = True
    except OSError as e:
        print(f"connection failed: {e}", file=sys.stderr, flush=True)
    finally:
        graceful_close(conn, tls_ok)


def main():
    certfile, keyfile = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    request_timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    listener = socket.create_server(("127.0.0.1", port), backlog=1024)
    print(f"Serving HTTPS on {listener.getsockname()}", flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=handle, args=(context, sock, request_timeout),
                         daemon=True).start()


if __name__ == "__main__":
    main()
