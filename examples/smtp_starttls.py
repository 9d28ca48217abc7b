#!/usr/bin/env python3
"""Open an SMTP session, upgrade it with STARTTLS and greet the server again over TLS.

usage: smtp_starttls.py HOST PORT [CAFILE]

Prints the conversation, the TLS version and cipher, and whom the server's certificate
names. Exits with status 1 and a message on stderr when the server cannot be reached,
does not offer STARTTLS, or presents a certificate that does not verify.
"""
import socket
import ssl
import sys

CLIENT_NAME = 'client.example.org'


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    sys.exit(1)


def read_reply(sock):
    """Read one SMTP reply: '250-' lines continue it, a '250 ' line ends it."""
    reply = ''
    while not reply.endswith('\r\n') or reply.splitlines()[-1][3:4] == '-':
        chunk = sock.recv(1024)
        if not chunk:
            break
        reply += chunk.decode()
    for line in reply.splitlines():
        print('S:', line)
    return reply


def command(sock, line, expected='250'):
    print('C:', line)
    sock.sendall(line.encode() + b'\r\n')
    reply = read_reply(sock)
    if not reply.startswith(expected):
        fail(f'{line.split()[0]} failed: {reply.strip() or "connection closed"}')
    return reply


def main():
    if len(sys.argv) not in (3, 4):
        print(f'usage: {sys.argv[0]} HOST PORT [CAFILE]', file=sys.stderr)
        sys.exit(2)
    host, port = sys.argv[1], int(sys.argv[2])
    cafile = sys.argv[3] if len(sys.argv) == 4 else None

    context = ssl.create_default_context(cafile=cafile)
    try:
        sock = socket.create_connection((host, port), timeout=10)
        if not read_reply(sock).startswith('220'):
            fail('no greeting from the server')
        features = command(sock, f'EHLO {CLIENT_NAME}')
        if 'STARTTLS' not in features:
            fail('the server does not offer STARTTLS')
        command(sock, 'STARTTLS', expected='220')
        sock = context.wrap_socket(sock, server_hostname=host)
        print(f'-- TLS established: {sock.version()}, cipher {sock.cipher()[0]}')
        cert = sock.getpeercert()
        subject = dict(rdn[0] for rdn in cert['subject'])
        print(f'-- server certificate: {subject["commonName"]}, expires {cert["notAfter"]}')
        command(sock, f'EHLO {CLIENT_NAME}')
        command(sock, 'NOOP')
        command(sock, 'QUIT', expected='221')
        sock.close()
    except ssl.SSLCertVerificationError as e:
        fail(f'certificate verification failed: {e.verify_message} (code {e.verify_code})')
    except ConnectionRefusedError:
        fail(f'connection refused by {host}:{port}')
    except ssl.SSLError as e:
        fail(f'TLS error: {e}')
    except OSError as e:
        fail(f'network error: {e}')


if __name__ == '__main__':
    main()
