"""Change notifications for WatchApplication: PostgreSQL LISTEN/NOTIFY fanned out in-process.

One listening connection per process; each watcher gets a queue that receives a
wake-up whenever its application has a new event (committed transactions only).
If the listening connection drops, every watcher is woken so it re-reads, and the
hub reconnects. No polling loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

from services.application.repository import NOTIFY_CHANNEL

log = logging.getLogger("jobmesh.application.watch")


class EventHub:
    def __init__(self, dsn: str):
        self.dsn = dsn
        self._subscribers: dict[str, set[asyncio.Queue[None]]] = defaultdict(set)
        self._conn: Any = None
        self._reconnect: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        await self._connect()

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
        conn.add_termination_listener(self._on_terminated)
        self._conn = conn

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        for queue in self._subscribers.get(payload, ()):
            queue.put_nowait(None)

    def _on_terminated(self, _conn: Any) -> None:
        if self._closed:
            return
        log.warning("notification connection lost; reconnecting")
        for queues in self._subscribers.values():
            for queue in queues:
                queue.put_nowait(None)
        self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        delay = 0.2
        while not self._closed:
            try:
                await self._connect()
                for queues in self._subscribers.values():
                    for queue in queues:
                        queue.put_nowait(None)  # changes may have been missed while down
                return
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    @contextlib.asynccontextmanager
    async def subscribe(self, app_id: str) -> AsyncIterator[asyncio.Queue[None]]:
        queue: asyncio.Queue[None] = asyncio.Queue()
        self._subscribers[app_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[app_id].discard(queue)
            if not self._subscribers[app_id]:
                del self._subscribers[app_id]

    async def close(self) -> None:
        self._closed = True
        if self._reconnect is not None:
            self._reconnect.cancel()
        if self._conn is not None:
            await self._conn.close()
