"""API benchmark: requests/s and p50/p99 of GetJob and ListJobs(page_size=100), side by side, one run:
gRPC direct to the Job service, gRPC through Envoy, REST through Envoy + gateway, REST through Envoy's
C++ grpc_json_transcoder on the same backend (and, for reference, REST straight to the gateway).

`python -m bench.api [--quick]`. Targets: the Envoy hop costs ≤ 15% of gRPC throughput; the gateway
reaches ≥ 70% of the transcoder's throughput at equal concurrency. Prints a table and writes it to
docs/performance.md; exits non-zero only when it could not run (a missed target is reported).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import grpc

from bench.common import (
    OTHER,
    ROOT,
    CpuMeter,
    fmt_int,
    fmt_ms,
    machine_facts,
    percentile,
    say,
    table,
    verdict,
    write_section,
)
from bench.corpus import Corpus
from bench.stack import Stack, api_stack
from jobmesh.job.v1 import job_service_pb2 as pb
from jobmesh.job.v1 import job_service_pb2_grpc as pb_grpc

GRPC_DIRECT = "gRPC direct"
GRPC_ENVOY = "gRPC via Envoy"
REST_GATEWAY = "REST via Envoy + gateway"
REST_TRANSCODER = "REST via Envoy C++ transcoder"
REST_GATEWAY_ONLY = "REST direct to gateway (reference)"
RPCS = ("GetJob", "ListJobs")
CPU_COLUMNS = ("loadgen", "job", "envoy", "gateway", "envoy-transcoder", "postgres")


@dataclass
class Result:
    """One (RPC, path), summed over its rounds."""

    rpc: str
    path: str
    count: int = 0
    seconds: float = 0.0
    errors: int = 0
    error_sample: str = ""
    bytes_total: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def cpu(self) -> dict[str, float]:
        """Average % of one core over the measured windows."""
        return {k: v / self.seconds for k, v in self.cpu_seconds.items()} if self.seconds else {}

    @property
    def server_cpu_ms(self) -> float:
        """CPU milliseconds the serving side (everything but the load generator) spent per request."""
        used = sum(v for k, v in self.cpu_seconds.items() if k not in ("loadgen", OTHER)) / 100.0
        return 1000.0 * used / self.count if self.count else float("nan")

    def add(self, out: dict[str, Any], cpu: dict[str, float]) -> None:
        self.count += out["count"]
        self.seconds += out["duration"]
        self.errors += out["errors"]
        self.error_sample = self.error_sample or out["error_sample"]
        self.bytes_total += out["mean_bytes"] * out["count"]
        self.latencies += out["latencies"]
        for key, percent in cpu.items():
            self.cpu_seconds[key] = self.cpu_seconds.get(key, 0.0) + percent * out["duration"]


def paths(stack: Stack) -> dict[str, tuple[str, str]]:
    gateway = f"127.0.0.1:{stack.settings.gateway_port}"
    return {
        GRPC_DIRECT: ("grpc", stack.job_address),
        GRPC_ENVOY: ("grpc", stack.envoy_address),
        REST_GATEWAY: ("http", stack.envoy_address),
        REST_TRANSCODER: ("http", stack.transcoder_address),
        REST_GATEWAY_ONLY: ("http", gateway),
    }


async def seed(stack: Stack, count: int) -> list[str]:
    """Creates `count` postings over BatchCreateJobs; returns their names."""
    metadata = (("authorization", f"Bearer {stack.token}"),)
    postings = list(Corpus(seed=3).postings(count))
    names: list[str] = []
    async with grpc.aio.insecure_channel(stack.job_address) as channel:
        stub = pb_grpc.JobServiceStub(channel)
        for i in range(0, count, 1000):
            batch = [pb.CreateJobRequest(job=p.to_pb()) for p in postings[i : i + 1000]]
            reply = await stub.BatchCreateJobs(
                pb.BatchCreateJobsRequest(requests=batch), metadata=metadata, timeout=120
            )
            names += [job.name for job in reply.jobs]
    return names


async def _http_get(address: str, path: str, token: str) -> Any:
    host, port = address.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode()
    )
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():
        chunks, rest = [], body
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(chunks)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"GET {path} on {address}: {head.splitlines()[0]!r} {body[:300]!r}")
    return json.loads(body)


async def cross_check(stack: Stack, name: str) -> list[str]:
    """Both REST paths answer the same content (GetJob: the transcoder wraps it in `job`)."""
    notes = []
    via_gateway = await _http_get(stack.envoy_address, f"/v1/{name}", stack.token)
    via_transcoder = await _http_get(stack.transcoder_address, f"/v1/{name}", stack.token)
    if via_gateway != via_transcoder.get("job"):
        keys = sorted(
            k
            for k in set(via_gateway) | set(via_transcoder["job"])
            if via_gateway.get(k) != via_transcoder["job"].get(k)
        )
        notes.append(f"GetJob JSON differs between gateway and transcoder in: {', '.join(keys)}")
    lists = [
        await _http_get(a, "/v1/jobs?page_size=100", stack.token)
        for a in (stack.envoy_address, stack.transcoder_address)
    ]
    if [j["name"] for j in lists[0]["jobs"]] != [j["name"] for j in lists[1]["jobs"]]:
        notes.append("ListJobs pages differ between gateway and transcoder")
    return notes


async def measure(stack: Stack, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """One load-generator run: its JSON result and the CPU use of every process tree meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.loadgen",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(spec).encode())
    proc.stdin.close()
    meter = CpuMeter({"loadgen": proc.pid, **{k: v for k, v in stack.pids.items() if k in CPU_COLUMNS}})
    cpu: dict[str, float] = {}
    while line := await proc.stdout.readline():
        if line.strip() == b"measuring":
            meter.start()
        elif line.strip() == b"done":
            cpu = meter.stop()
            break
    out = json.loads(await proc.stdout.read())
    if await proc.wait() != 0:
        raise RuntimeError(f"load generator failed for {spec['rpc']} on {spec['target']}")
    return out, cpu


def _ratio(results: list[Result], rpc: str, top: str, bottom: str) -> tuple[float, float]:
    """(throughput ratio, capacity ratio): the second compares CPU per request, which other load on a
    shared machine does not distort (at saturation, throughput is cores ÷ CPU per request)."""
    by = {(r.rpc, r.path): r for r in results}
    a, b = by[(rpc, top)], by[(rpc, bottom)]
    return (a.rps / b.rps if b.rps else float("nan"), b.server_cpu_ms / a.server_cpu_ms)


def report(results: list[Result], args: argparse.Namespace, notes: list[str], jobs: int) -> str:
    rows = [
        [
            r.rpc, r.path, fmt_int(r.rps), fmt_ms(percentile(r.latencies, 50)),
            fmt_ms(percentile(r.latencies, 99)), str(r.errors), fmt_int(r.bytes_total / max(r.count, 1)),
            f"{r.server_cpu_ms:.2f}",
            *(f"{r.cpu.get(c, 0.0):.0f}" for c in (*CPU_COLUMNS, OTHER)),
        ]
        for r in results
    ]  # fmt: skip
    headers = [
        "RPC",
        "path",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "bytes/resp",
        "server CPU ms/req",
        *(f"CPU% {c}" for c in (*CPU_COLUMNS, OTHER)),
    ]
    ratio_rows = []
    for rpc in RPCS:
        hop = _ratio(results, rpc, GRPC_ENVOY, GRPC_DIRECT)
        gw = _ratio(results, rpc, REST_GATEWAY, REST_TRANSCODER)
        for label, (rps, capacity), target in (
            ("gRPC via Envoy ÷ gRPC direct", hop, 0.85),
            ("REST gateway ÷ REST C++ transcoder", gw, 0.70),
        ):
            ratio_rows.append(
                [
                    rpc,
                    label,
                    f"{rps:.2f}",
                    verdict(rps >= target),
                    f"{capacity:.2f}",
                    verdict(capacity >= target),
                    f"≥ {target:.2f}",
                ]
            )
    errors = [
        f"- {r.rpc} / {r.path}: {r.errors} errors, e.g. `{r.error_sample}`" for r in results if r.errors
    ]
    return "\n".join(
        [
            "## API: gRPC direct, through Envoy, REST through gateway vs Envoy's C++ transcoder",
            "",
            f"Machine: {machine_facts()}. `python -m bench.api{' --quick' if args.quick else ''}`: "
            f"{jobs:,} seeded jobs, {args.concurrency} requests in flight from one separate load-generator "
            f"process, {args.duration:g} s measured per row in {args.rounds} rounds that alternate the paths "
            f"(each after {args.warmup:g} s of warm-up). gRPC over "
            f"{args.grpc_connections} HTTP/2 connections, REST over {args.concurrency} HTTP/1.1 keep-alive "
            "connections. Responses are read in full, not decoded. Services log at WARNING. CPU% is per "
            f"process tree during the measured windows (100 = one core; the machine has {os.cpu_count()}); "
            "`other` is everything else running on the machine meanwhile.",
            "",
            table(headers, rows),
            "",
            table(
                ["RPC", "ratio", "req/s ratio", "verdict", "CPU-cost ratio", "verdict", "target"], ratio_rows
            ),
            "",
            "req/s ratio: measured throughput of the path ÷ its baseline's. CPU-cost ratio: the baseline's "
            "server CPU per request ÷ the path's, i.e. the throughput ratio a saturated machine running "
            "nothing else would show; trust it over req/s when `CPU% other` is high.",
            "",
            *(["Errors:", *errors, ""] if errors else []),
            *(["Notes:", *(f"- {n}" for n in notes), ""] if notes else []),
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per row after 1 s warm-up, 500 jobs")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per row")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per row")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds the duration is split into")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--grpc-connections", type=int, default=4, help="HTTP/2 connections for gRPC")
    parser.add_argument("--jobs", type=int, default=2000, help="postings to seed")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.jobs = 3.0, 1.0, 500
    return args


def _spec(
    stack: Stack, args: argparse.Namespace, rpc: str, kind: str, target: str, names: list[str]
) -> dict[str, Any]:
    return {
        "kind": kind, "target": target, "rpc": rpc, "names": names, "token": stack.token,
        "concurrency": args.concurrency, "connections": args.grpc_connections,
        "warmup": args.warmup, "duration": args.duration / args.rounds,
    }  # fmt: skip


async def run(args: argparse.Namespace) -> str:
    async with api_stack() as stack:
        say(f"seeding {args.jobs} jobs over BatchCreateJobs")
        names = await seed(stack, args.jobs)
        notes = await cross_check(stack, names[0])
        routes = paths(stack)
        say("warming every path up")
        for kind, target in routes.values():
            warm = _spec(stack, args, "GetJob", kind, target, names)
            await measure(stack, {**warm, "warmup": 0.5, "duration": 1.0})
        results = {(rpc, label): Result(rpc, label) for rpc in RPCS for label in routes}
        # Rounds alternate the paths so that drift and other load on the machine fall on all of them.
        for round_ in range(1, args.rounds + 1):
            for rpc in RPCS:
                for label, (kind, target) in routes.items():
                    out, cpu = await measure(stack, _spec(stack, args, rpc, kind, target, names))
                    results[(rpc, label)].add(out, cpu)
                    say(f"round {round_}: {rpc:8} {label:36} {out['count'] / out['duration']:7.0f} req/s")
    return report(list(results.values()), args, notes, len(names))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        text = asyncio.run(run(args))
    except (OSError, RuntimeError, TimeoutError, grpc.aio.AioRpcError) as exc:
        say(f"could not run: {exc}")
        return 1
    print(text)
    if not args.no_write:
        write_section("api", text)
        say("wrote the API section of docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
