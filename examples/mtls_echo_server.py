#!/usr/bin/env python3
"""A TLS echo server that requires client certificates, one thread per connection.

Clients must present a certificate signed by CLIENT_CA. Each connection gets its own thread,
which prints the client's certificate and echoes whatever the client sends until it hangs
up. After --max-connections connections the main thread closes the listening socket, which
ends the accept loop, waits for the connection threads and exits.
"""
import argparse
import socket
import ssl
import sys
import threading

lock = threading.Lock()
finished = 0
all_done = threading.Event()


def handle(context, conn, addr, max_connections):
    global finished
    peer = f'{addr[0]}:{addr[1]}'
    try:
        with context.wrap_socket(conn, server_side=True) as tls:
            print(f'{peer}: {tls.version()}, client certificate {tls.getpeercert()}')
            received = 0
            while True:
                data = tls.recv(1024)
                if not data:
                    break
                tls.sendall(data)
                received += len(data)
            print(f'{peer}: echoed {received} bytes')
    except ssl.SSLCertVerificationError as e:
        print(f'{peer}: rejected the client certificate: {e.verify_message}')
    except ssl.SSLError as e:
        print(f'{peer}: TLS error: {e}')
    except OSError as e:
        print(f'{peer}: connection error: {e}')
    finally:
        conn.close()
        with lock:
            finished += 1
            if finished == max_connections:
                all_done.set()


def serve(listener, context, max_connections):
    """Accept connections until the main thread closes the listening socket."""
    threads = []
    while True:
        try:
            conn, addr = listener.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        thread = threading.Thread(target=handle, args=(context, conn, addr, max_connections))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()


def main():
    parser = argparse.ArgumentParser(description='TLS echo server with client certificates')
    parser.add_argument('certfile')
    parser.add_argument('keyfile')
    parser.add_argument('client_ca', help='CA certificate(s) that sign the client certificates')
    parser.add_argument('--port', type=int, default=8443)
    parser.add_argument('--max-connections', type=int, default=10)
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.verify_mode = ssl.CERT_REQUIRED
    try:
        context.load_cert_chain(args.certfile, args.keyfile)
        context.load_verify_locations(args.client_ca)
    except (FileNotFoundError, ssl.SSLError) as e:
        print(f'cannot load certificates: {e}', file=sys.stderr)
        sys.exit(1)

    listener = socket.create_server(('127.0.0.1', args.port))
    listener.settimeout(1.0)
    host, port = listener.getsockname()
    print(f'listening on {host}:{port}, serving {args.max_connections} connections')
    accept_thread = threading.Thread(target=serve, args=(listener, context, args.max_connections))
    accept_thread.start()
    all_done.wait()
    listener.close()
    accept_thread.join()
    print(f'served {finished} connections')


if __name__ == '__main__':
    main()
