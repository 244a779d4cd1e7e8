"""An arq worker that looks at its queue when told work is ready, not only on a timer.

arq polls its queue every `poll_delay`; at 50 ms that alone is up to 50 ms of every
application's queue latency, and a shorter delay costs CPU on an idle worker. Here the
enqueuer publishes on `WAKE_CHANNEL` after handing jobs over (the Application service's outbox
relay does), and a finished job wakes its own worker so a freed slot takes the next job at once.
The timer stays as the safety net (a lost message, a deferred retry coming due, a Redis
reconnect), at `idle_poll` seconds. It changes when jobs are picked up, never which or how often:
arq's own locking still decides which worker runs a job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.worker import Worker
from redis.asyncio.client import PubSub

log = logging.getLogger("jobmesh.worker.wake")

# The contract with the enqueuer (services/application/relay.py publishes here after enqueueing).
WAKE_CHANNEL = "jobmesh:queue:wake"
IDLE_POLL_SECONDS = 0.5
_RESUBSCRIBE_SECONDS = 1.0


class WakeableWorker(Worker):
    """arq's Worker, woken by a Redis message or a finished job instead of a short poll timer."""

    def __init__(self, *args: Any, idle_poll: float = IDLE_POLL_SECONDS, **kwargs: Any) -> None:
        # arq sleeps `poll_delay` minus the iteration's time between iterations; the wait below
        # takes that role, so arq's own sleep is zero unless the caller asks for one.
        kwargs.setdefault("poll_delay", 0)
        super().__init__(*args, **kwargs)
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self.wakeups = 0  # messages received: lets a test tell a woken pick-up from a timed one

    async def _poll_iteration(self) -> None:
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="queue-wake-listener")
        # Cleared before reading the queue: a message that arrives during the read is not lost.
        self._wake.clear()
        await super()._poll_iteration()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # arq keeps a running job in the queue until it ends and checks each id it reads with a
        # WATCH transaction (four Redis round trips). With eight applications in flight, a new job
        # would wait behind 30 round trips on a busy event loop; the ones running here are known.
        running = {job_id for job_id, task in self.tasks.items() if not task.done()}
        await super().start_jobs([j for j in job_ids if j.decode() not in running])

    def _release_sem_dec_counter_on_complete(self) -> None:
        super()._release_sem_dec_counter_on_complete()
        self._wake.set()  # a slot is free: take the next queued job now, not at the next timer

    async def _listen(self) -> None:
        while True:
            pubsub: PubSub | None = None
            try:
                pubsub = self.pool.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(WAKE_CHANNEL)
                self._wake.set()  # anything published while unsubscribed is picked up now
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.wakeups += 1
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("queue wake-ups lost; polling every %.1fs until back: %s", self.idle_poll, exc)
                await asyncio.sleep(_RESUBSCRIBE_SECONDS)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await super().close()
