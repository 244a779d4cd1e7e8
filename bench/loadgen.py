"""The load generator of bench.api, run as its own process so it never shares the measured servers'
event loop: `python -m bench.loadgen < spec.json`.

Keeps `concurrency` requests in flight for `warmup + duration` seconds and times those that start
inside the measured window. gRPC goes over grpc.aio (`connections` channels, raw response bytes:
nothing is decoded, as with HTTP); HTTP is a minimal HTTP/1.1 keep-alive client on asyncio streams,
because httpx would cost more CPU than the gateway it measures on a 2-core machine. Prints
`measuring` and `done` lines around the window, then one JSON line with the results. Must not
start servers or judge results.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import uvloop

from jobmesh.job.v1 import job_service_pb2 as pb

Call = Callable[[], Awaitable[int]]
_SERVICE = "/jobmesh.job.v1.JobService/"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    response_bytes: int = 0
    errors: int = 0
    error_sample: str = ""


class HttpError(Exception):
    pass


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, request: bytes) -> int:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            headers[key.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
        if headers.get(b"connection", b"").lower() == b"close":
            self.writer.close()
            self.reader = self.writer = None
        if status != 200:
            raise HttpError(f"HTTP {status}: {body[:200]!r}")
        return len(body)

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


def _requests(spec: dict[str, Any]) -> list[Any]:
    """Every request the run may send, picked from at random per call."""
    if spec["rpc"] == "GetJob":
        names: list[str] = spec["names"]
        if spec["kind"] == "grpc":
            return [pb.GetJobRequest(name=n).SerializeToString() for n in names]
        return [f"/v1/{n}".encode() for n in names]
    if spec["kind"] == "grpc":
        return [pb.ListJobsRequest(page_size=100).SerializeToString()]
    return [b"/v1/jobs?page_size=100"]


def _grpc_calls(spec: dict[str, Any]) -> tuple[list[Call], list[grpc.aio.Channel]]:
    metadata = (("authorization", f"Bearer {spec['token']}"),)
    bodies = _requests(spec)
    channels = [
        grpc.aio.insecure_channel(spec["target"], options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(spec["connections"])
    ]
    calls: list[Call] = []
    for i in range(spec["concurrency"]):
        method = channels[i % len(channels)].unary_unary(_SERVICE + spec["rpc"])

        async def call(method: Any = method) -> int:
            reply: bytes = await method(random.choice(bodies), metadata=metadata, timeout=30)
            return len(reply)

        calls.append(call)
    return calls, channels


def _http_calls(spec: dict[str, Any]) -> list[Call]:
    host, port = spec["target"].rsplit(":", 1)
    paths = _requests(spec)
    auth = f"Authorization: Bearer {spec['token']}\r\n".encode()
    calls: list[Call] = []
    for _ in range(spec["concurrency"]):
        connection = HttpConnection(host, int(port))

        async def call(connection: HttpConnection = connection) -> int:
            path = random.choice(paths)
            return await connection.get(
                b"GET " + path + b" HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n" + auth + b"\r\n"
            )

        calls.append(call)
    return calls


async def _worker(call: Call, window: tuple[float, float], stop: asyncio.Event, tally: Tally) -> None:
    begin, end = window
    while not stop.is_set():
        started = time.perf_counter()
        try:
            size = await call()
        except Exception as exc:  # every failure is counted and sampled, none stops the run
            if begin <= started < end:
                tally.errors += 1
                tally.error_sample = tally.error_sample or f"{type(exc).__name__}: {exc}"[:300]
            await asyncio.sleep(0.01)
            continue
        if begin <= started < end:
            tally.latencies.append(time.perf_counter() - started)
            tally.response_bytes += size


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    channels: list[grpc.aio.Channel] = []
    if spec["kind"] == "grpc":
        calls, channels = _grpc_calls(spec)
    else:
        calls = _http_calls(spec)
    now = time.perf_counter()
    window = (now + spec["warmup"], now + spec["warmup"] + spec["duration"])
    stop = asyncio.Event()
    tally = Tally()
    workers = [asyncio.create_task(_worker(c, window, stop, tally)) for c in calls]
    await asyncio.sleep(spec["warmup"])
    print("measuring", flush=True)
    await asyncio.sleep(spec["duration"])
    print("done", flush=True)
    stop.set()
    await asyncio.wait(workers, timeout=30)
    for channel in channels:
        await channel.close()
    ok = len(tally.latencies)
    return {
        "count": ok,
        "errors": tally.errors,
        "error_sample": tally.error_sample,
        "latencies": tally.latencies,
        "mean_bytes": tally.response_bytes / ok if ok else 0,
        "duration": spec["duration"],
    }


def main() -> None:
    spec = json.loads(sys.stdin.read())
    result = uvloop.run(run(spec))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
