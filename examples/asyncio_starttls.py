"""STARTTLS on asyncio: a line protocol that starts in clear text and upgrades the same streams.

    python3 asyncio_starttls.py CERTFILE KEYFILE CAFILE

The server and the client run in one event loop; each prints what it sees.
"""
import asyncio
import ssl
import sys


async def serve(reader, writer, context):
    writer.write(b'220 ready\n')
    while line := await reader.readline():
        command = line.decode().strip()
        tls = writer.get_extra_info('ssl_object')
        print(f'server got: {command} ({tls.version() if tls else "clear text"})')
        if command == 'STARTTLS':
            writer.write(b'220 go ahead\n')
            await writer.start_tls(context)
        elif command == 'QUIT':
            writer.write(b'221 bye\n')
            break
        else:
            writer.write(f'250 {command.lower()}\n'.encode())
    writer.close()
    await writer.wait_closed()


async def command(reader, writer, text):
    writer.write(text.encode() + b'\n')
    await writer.drain()
    reply = (await reader.readline()).decode().rstrip()
    print(f'client: {text} -> {reply}')
    return reply


async def main(certfile, keyfile, cafile):
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certfile, keyfile)
    client_context = ssl.create_default_context(cafile=cafile)

    server = await asyncio.start_server(lambda r, w: serve(r, w, server_context), '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    print(f'client: greeting {(await reader.readline()).decode().rstrip()}')
    print(f'client: encrypted before? {writer.get_extra_info("ssl_object") is not None}')
    await command(reader, writer, 'EHLO client')
    if not (await command(reader, writer, 'STARTTLS')).startswith('220'):
        return 1
    await writer.start_tls(client_context, server_hostname='localhost')
    print(f'client: now {writer.get_extra_info("ssl_object").version()}')
    print(f'client: server certificate for {writer.get_extra_info("peercert")["subject"]}')
    await command(reader, writer, 'EHLO client')
    await command(reader, writer, 'QUIT')
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return 0


sys.exit(asyncio.run(main(*sys.argv[1:4])))
