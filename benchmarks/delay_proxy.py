"""A TCP relay that holds every chunk back for a fixed time each way: a remote database on a local machine.

A council's desktops reach the team database over the office network or a VPN; 20 ms there and back is
typical. The latency benchmark puts this relay between the app and a local PostgreSQL so that every round
trip the app makes costs what it would at the council. Bytes keep their order; only their time moves.

    with DelayProxy("127.0.0.1", 5432, round_trip_ms=20) as proxy:
        url = f"postgresql+psycopg://user@127.0.0.1:{proxy.port}/db"
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType


class DelayProxy:
    """Listens on a free loopback port and relays to ``host:port`` with half the round trip each way."""

    def __init__(self, host: str, port: int, *, round_trip_ms: float) -> None:
        self.target = (host, port)
        self.one_way = round_trip_ms / 2000.0
        self.port = 0
        self.sent = 0  # chunks from the app to the database: near enough one per round trip
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="delay-proxy", daemon=True)
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delaying proxy did not start")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()
        relays = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in relays:  # connections still open when the benchmark ends
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    async def _relay(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.close()
            return
        try:
            await asyncio.gather(self._one_way(client_in, server_out, outward=True),
                             self._one_way(server_in, client_out),
                                 return_exceptions=True)
        except asyncio.CancelledError:  # the proxy is stopping: drop both sides quietly
            client_out.close()
            server_out.close()

    async def _one_way(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *,
                       outward: bool = False) -> None:
        """Read as bytes arrive; a second task writes each chunk once its delay has passed."""
        loop = asyncio.get_running_loop()
        held: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def release() -> None:
            while True:
                due, chunk = await held.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:  # the source closed: close the other side once the last bytes are through
                    with contextlib.suppress(OSError):
                        sink.close()
                    return
                sink.write(chunk)
                with contextlib.suppress(OSError):
                    await sink.drain()

        writer = asyncio.create_task(release())
        try:
            while chunk := await source.read(65536):
                self.sent += outward
                held.put_nowait((loop.time() + self.one_way, chunk))
        except OSError:
            pass
        held.put_nowait((loop.time() + self.one_way, b""))
        await writer
