# How a script ends, one small script per case: an exception that escapes makes Python print a
# traceback whose last line is `module.Class: str(e)` and exit with status 1, and deprecation
# warnings are printed on stderr on the way. examples/script_endings.rs is
# the line-for-line port; tests/script_endings.rs runs both and compares stderr and exit status.
#
#     python3 script_endings.py CASE FIXTURES_DIR
import socket
import ssl
import sys
import threading
import warnings

case, fixtures = sys.argv[1], sys.argv[2]


def serve_once(handle):
    # A loopback server thread that accepts one connection and hands it to `handle`.
    listener = socket.create_server(('127.0.0.1', 0))
    port = listener.getsockname()[1]

    def run():
        conn, _ = listener.accept()
        handle(conn)

    threading.Thread(target=run, daemon=True).start()
    return port


def untrusted_server(conn):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(fixtures + '/selfsigned.pem', fixtures + '/selfsigned.key')
    try:
        server.wrap_socket(conn, server_side=True)
    except ssl.SSLError:
        pass


def close_after_hello(conn):
    conn.recv(4096)
    conn.close()


def reset_after_hello(conn):
    conn.recv(4096)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
    conn.close()


if case == 'ok':
    ctx = ssl.create_default_context()
    print('done')
elif case == 'cert_verify':
    port = serve_once(untrusted_server)
    ctx = ssl.create_default_context(cafile=fixtures + '/ca.pem')
    sock = socket.create_connection(('127.0.0.1', port))
    ssock = ctx.wrap_socket(sock, server_hostname='localhost')
elif case == 'refused':
    unused = socket.socket()
    unused.bind(('127.0.0.1', 0))
    sock = socket.create_connection(unused.getsockname())
elif case == 'missing_cafile':
    ctx = ssl.create_default_context()
    ctx.load_verify_locations(fixtures + '/missing.pem')
elif case == 'no_cipher':
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_ciphers('NOPE')
elif case == 'gaierror':
    socket.getaddrinfo('127.0.0.1', 'nosuchservice')
elif case == 'idna':
    ctx = ssl.create_default_context()
    ssock = ctx.wrap_socket(socket.socket(), server_hostname='a..b')
elif case == 'check_hostname':
    ctx = ssl.create_default_context()
    ssock = ctx.wrap_socket(socket.socket())
elif case == 'handshake_timeout':
    sock, silent_peer = socket.socketpair()
    sock.settimeout(0.2)
    ctx = ssl.create_default_context()
    ssock = ctx.wrap_socket(sock, server_hostname='localhost')
elif case == 'want_read':
    ctx = ssl.create_default_context()
    sslobj = ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname='localhost')
    sslobj.do_handshake()
elif case == 'eof':
    port = serve_once(close_after_hello)
    ctx = ssl.create_default_context()
    ssock = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
elif case == 'reset':
    port = serve_once(reset_after_hello)
    ctx = ssl.create_default_context()
    ssock = ctx.wrap_socket(socket.create_connection(('127.0.0.1', port)), server_hostname='localhost')
elif case == 'deprecation_error':
    warnings.simplefilter('error', DeprecationWarning)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS)
elif case == 'deprecations':
    for i in range(3):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1
    ctx.options |= ssl.OP_NO_TLSv1
    ctx = ssl._create_unverified_context(ssl.PROTOCOL_TLS)
    print('done')
else:
    raise ValueError('unknown case ' + case)
