"""Start a MongoDB wire-protocol server (mongoeco) for tests and benchmarks.

mongoeco speaks MongoDB's wire protocol over real TCP, so the production
adapter and the real driver are exercised unchanged. It keeps everything in
memory and scans a collection on every insert: a test double for the
protocol, never a store (ARCHITECTURE.md, "Storage"). It runs on its own thread and event
loop so that any test's loop can talk to it. ``mongoeco`` is a test
dependency, imported only here.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any


class MongoTestServer:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None
        self.uri: str = ""

    def start(self) -> str:
        from mongoeco.engines.memory import MemoryEngine
        from mongoeco.wire import AsyncMongoEcoProxyServer

        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._server = AsyncMongoEcoProxyServer(engine=MemoryEngine(), port=0)
                address = loop.run_until_complete(self._server.start())
                self.uri = f"mongodb://{address.host}:{address.port}/?directConnection=true"
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._server.close())
            loop.close()

        self._thread = threading.Thread(target=main, name="mongoeco", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        if not self.uri:
            raise RuntimeError("the mongoeco test server did not start within 30 s")
        return self.uri

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
