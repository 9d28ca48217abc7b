"""A TLS echo server on asyncio: each client gets its lines back until it hangs up.

    python3 asyncio_echo_server.py CERTFILE KEYFILE [--port N] [--connections N]

Serves N connections (default 3), then stops.
"""
import argparse
import asyncio
import ssl


async def handle(reader, writer, state):
    peer = writer.get_extra_info('peername')
    tls = writer.get_extra_info('ssl_object')
    print(f'client {state["next"]}: {tls.version()}, {writer.get_extra_info("cipher")[0]}')
    state['next'] += 1
    try:
        while line := await reader.readline():
            writer.write(line)
            await writer.drain()
        print(f'client from {peer[0]} hung up')
        writer.close()
        await writer.wait_closed()
    except (ConnectionResetError, ssl.SSLError) as e:
        print(f'client from {peer[0]} failed: {e}')
    finally:
        writer.close()
        state['done'] += 1
        if state['done'] == state['limit']:
            state['finished'].set()


async def main():
    parser = argparse.ArgumentParser(description='TLS echo server')
    parser.add_argument('certfile')
    parser.add_argument('keyfile')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--connections', type=int, default=3)
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.certfile, args.keyfile)
    state = {'next': 1, 'done': 0, 'limit': args.connections, 'finished': asyncio.Event()}
    server = await asyncio.start_server(lambda r, w: handle(r, w, state), '127.0.0.1', args.port, ssl=context)
    host, port = server.sockets[0].getsockname()
    print(f'serving on {host}:{port}', flush=True)
    async with server:
        await state['finished'].wait()
    print(f'served {state["done"]} connections')


asyncio.run(main())
