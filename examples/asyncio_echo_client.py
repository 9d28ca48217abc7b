"""A TLS client on asyncio: sends each message as a line and prints the echo.

    python3 asyncio_echo_client.py HOST PORT CAFILE MESSAGE...
"""
import asyncio
import ssl
import sys


async def main(host, port, cafile, messages):
    context = ssl.create_default_context(cafile=cafile)
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, ssl_handshake_timeout=5.0), timeout=10)
    except ssl.SSLCertVerificationError as e:
        print(f'certificate rejected: {e.verify_message}')
        return 2
    except ConnectionRefusedError as e:
        print(f'cannot connect: {e.strerror}')
        return 3
    except TimeoutError:
        print('no answer from the server')
        return 4
    cert = writer.get_extra_info('peercert')
    subject = dict(rdn[0] for rdn in cert['subject'])
    print(f'connected to {subject["commonName"]} with {writer.get_extra_info("cipher")[0]}')
    for message in messages:
        writer.write(message.encode() + b'\n')
        await writer.drain()
        line = await reader.readline()
        if not line:
            print('the server hung up')
            return 5
        print(f'echo: {line.decode().rstrip()}')
    writer.close()
    await writer.wait_closed()
    return 0


if len(sys.argv) < 5:
    print(f'usage: {sys.argv[0]} HOST PORT CAFILE MESSAGE...', file=sys.stderr)
    sys.exit(1)
sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:])))
