"""A TCP relay on 127.0.0.1 in front of a coordinator, on the test's event loop: drop() aborts
every relayed connection, as a network failure would, and the relay keeps accepting, so a client
connected through it must reconnect and re-attach (e2e's TcpRelay does the same for Java)."""

import asyncio


class Relay:
    def __init__(self, target_port):
        self.target_port = target_port
        self._writers = []
        self._server = None
        self.address = None

    async def start(self):
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.address = f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def _handle(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers += [writer, up_writer]
        await asyncio.gather(
            self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True
        )

    @staticmethod
    async def _pump(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()

    def drop(self):
        for w in self._writers:
            w.transport.abort()
        self._writers.clear()

    async def close(self):
        self._server.close()
        self.drop()
        await self._server.wait_closed()
