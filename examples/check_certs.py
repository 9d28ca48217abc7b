#!/usr/bin/env python3
"""Check the TLS certificates of a list of servers.

For each HOST:PORT, connect with SNI, verify the certificate chain and the host name, and
print the certificate's subject, issuer, subjectAltName, validity period and the days left
before it expires. A server whose certificate does not verify, or that cannot be reached,
is reported with the reason. Exits with status 1 when any check failed.
"""
import argparse
import socket
import ssl
import sys
import time


def format_name(name):
    """Turn ((('commonName', 'example.org'),), ...) into 'commonName=example.org, ...'."""
    return ', '.join(f'{key}={value}' for rdn in name for key, value in rdn)


def fetch_certificate(context, host, port, timeout):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            return tls.getpeercert(), tls.version()


def check(context, target, timeout):
    host, _, port = target.rpartition(':')
    print(f'{host}:{port}')
    try:
        cert, version = fetch_certificate(context, host, int(port), timeout)
    except ssl.SSLCertVerificationError as e:
        print(f'  verification failed: {e.verify_message} (code {e.verify_code})')
        return False
    except ssl.SSLError as e:
        print(f'  TLS handshake failed: {e.reason}')
        return False
    except socket.timeout:
        print('  timed out')
        return False
    except OSError as e:
        print(f'  cannot connect: {e.strerror}')
        return False

    expires = ssl.cert_time_to_seconds(cert['notAfter'])
    days_left = int((expires - time.time()) // 86400)
    alt_names = [f'{kind}:{value}' for kind, value in cert.get('subjectAltName', ())]
    print(f'  subject:    {format_name(cert["subject"])}')
    print(f'  issuer:     {format_name(cert["issuer"])}')
    print(f'  alt names:  {", ".join(alt_names) or "(none)"}')
    print(f'  valid from: {cert["notBefore"]}')
    print(f'  valid to:   {cert["notAfter"]} ({days_left} days left)')
    print(f'  verified:   yes, over {version}')
    return days_left >= 0


def main():
    parser = argparse.ArgumentParser(description='Check the TLS certificates of servers.')
    parser.add_argument('targets', nargs='+', metavar='HOST:PORT')
    parser.add_argument('--cafile', help='trust these CA certificates instead of the system ones')
    parser.add_argument('--timeout', type=float, default=5.0, help='seconds per connection')
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.cafile)
    results = [check(context, target, args.timeout) for target in args.targets]
    failed = results.count(False)
    print(f'{len(results) - failed} of {len(results)} certificates OK')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
