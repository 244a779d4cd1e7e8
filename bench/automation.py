"""`python -m bench.automation [--quick]`: jobmesh's worker against the naive bot, side by side.

Both paths submit the same number of applications to the same local Greenhouse look-alike
sites (bench.automation_site: several employers, realistic third-party page weight) at the
same concurrency. jobmesh: the four services, a real worker process (one Chromium, a context
per application, third-party images/fonts/trackers blocked) fed through ApplicationService.
Naive: bench.automation_naive, a new Chromium per application, fields filled one by one.
It reports applications per minute, peak PSS of each process tree (sampled every 200 ms) and
the queue overhead, prints the table and replaces the `automation` section of
docs/performance.md. Exits non-zero only when it could not run; a missed target is a result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.automation_mesh import APPS_PER_ACCOUNT, WHY_ANSWER, MeshBench, Outcome, peak_overlap
from bench.automation_meter import TreeSampler
from bench.automation_naive import NaiveApplication
from bench.automation_site import Sites
from bench.common import Children, machine_facts, percentile, say, table, verdict, write_section
from jobmesh.application.v1 import application_service_pb2 as app_pb
from tests.integration.automation.pipeline_env import RESUME

MIB = 1024 * 1024
PSS_BUDGET = 1536 * MIB
TARGET_RATIO = 3.0
TARGET_CONCURRENCY = 8
TARGET_QUEUE_P99 = 0.100


@dataclass
class PathResult:
    """What one path achieved; times in seconds, memory in bytes."""

    submitted: int
    failed: int
    recorded: int
    window: float
    peak_pss: int
    peak_processes: int
    idle_pss: int
    cpu_seconds: float
    others_percent: float
    cpu_by_kind: dict[str, float]
    durations: list[float]
    peak_in_flight: int
    errors: list[str]

    @property
    def per_minute(self) -> float:
        return 60.0 * self.submitted / self.window if self.window > 0 else 0.0


def naive_inputs(sites: Sites, count: int, resume: Path) -> list[NaiveApplication]:
    return [
        NaiveApplication(
            url=sites.greenhouse_url(i, f"{5000 + i}"),
            given_name=f"Naive{i}",
            family_name="Lovelace",
            email=f"naive+{i}@example.com",
            phone="+1 415 555 0100",
            city="San Francisco",
            linkedin_url="https://www.linkedin.com/in/ada",
            why=WHY_ANSWER,
            resume_path=str(resume),
        )
        for i in range(count)
    ]


async def run_naive(sites: Sites, workdir: Path, count: int, concurrency: int) -> PathResult:
    resume = workdir / "ada.pdf"
    resume.write_bytes(RESUME)
    jobs, out = workdir / "naive-jobs.json", workdir / "naive-results.json"
    jobs.write_text(json.dumps([asdict(a) for a in naive_inputs(sites, count, resume)]))
    before = len(sites.recorder.accepted())
    children = Children(workdir)
    argv = [
        sys.executable,
        "-m",
        "bench.automation_naive",
        "--jobs",
        str(jobs),
        "--concurrency",
        str(concurrency),
    ]
    pid = children.start("naive", [*argv, "--out", str(out)])
    try:
        with TreeSampler(pid) as sampler:
            code = await asyncio.to_thread(children.procs["naive"].wait)
        usage = sampler.usage()
    finally:
        children.stop_all()
    if code != 0:
        raise RuntimeError(f"the naive bot exited with {code}; see {workdir / 'naive.log'}")
    results = json.loads(out.read_text())
    ok = [r for r in results if not r["error"]]
    window = max(r["finished"] for r in results) - min(r["started"] for r in results)
    return PathResult(
        submitted=len(ok),
        failed=len(results) - len(ok),
        recorded=len(sites.recorder.accepted()) - before,
        window=window,
        peak_pss=usage.peak_pss,
        peak_processes=usage.peak_processes,
        idle_pss=0,
        cpu_seconds=usage.cpu_seconds,
        others_percent=usage.others_percent,
        cpu_by_kind=usage.cpu_by_kind,
        durations=[r["finished"] - r["started"] for r in ok],
        peak_in_flight=concurrency,
        errors=sorted({r["error"] for r in results if r["error"]})[:3],
    )


async def run_jobmesh(
    sites: Sites, workdir: Path, count: int, concurrency: int, probes: int
) -> tuple[PathResult, list[Outcome]]:
    before = len(sites.recorder.accepted())
    children = Children(workdir)
    mesh = MeshBench(workdir, sites.hosts(), concurrency, children)
    async with mesh.running():
        say(f"mesh up; worker pid {mesh.worker_pid}")
        applicants = await mesh.applicants(math.ceil(count / APPS_PER_ACCOUNT), RESUME)
        idle = TreeSampler(mesh.worker_pid).pss()[0]
        urls = [sites.greenhouse_url(i, f"{7000 + i}") for i in range(count)]
        with TreeSampler(mesh.worker_pid) as sampler:
            outcomes = await mesh.submit_all(applicants, urls, app_pb.MODE_SUBMIT, within=600)
        usage = sampler.usage()
        say(f"{count} applications done; probing queue overhead with {probes} dry runs")
        probe_urls = [sites.greenhouse_url(i, f"{9000 + i}") for i in range(probes)]
        probed = await mesh.probe_queue(applicants, probe_urls, within=120)
    ok = [o for o in outcomes if o.state == app_pb.STATE_SUBMITTED]
    window = max(o.finished for o in outcomes) - min(o.requested for o in outcomes)
    result = PathResult(
        submitted=len(ok),
        failed=len(outcomes) - len(ok),
        recorded=len(sites.recorder.accepted()) - before,
        window=window,
        peak_pss=usage.peak_pss,
        peak_processes=usage.peak_processes,
        idle_pss=idle,
        cpu_seconds=usage.cpu_seconds,
        others_percent=usage.others_percent,
        cpu_by_kind=usage.cpu_by_kind,
        durations=[o.finished - o.claimed for o in ok],
        peak_in_flight=peak_overlap(outcomes),
        errors=sorted({f"{app_pb.State.Name(o.state)}: {o.error}" for o in outcomes if o not in ok})[:3],
    )
    return result, probed


def cpu_split(result: PathResult) -> str:
    """CPU seconds per submitted application by kind of process, largest first."""
    per_app = {kind: seconds / max(result.submitted, 1) for kind, seconds in result.cpu_by_kind.items()}
    shown = [(kind, s) for kind, s in sorted(per_app.items(), key=lambda kv: -kv[1]) if s >= 0.005]
    return ", ".join(f"{kind} {s:.2f}" for kind, s in shown)


def mib(value: float) -> str:
    return f"{value / MIB:,.0f}"


def report(
    naive: PathResult, mesh: PathResult, probed: Sequence[Outcome], count: int, concurrency: int
) -> str:
    ratio = mesh.per_minute / naive.per_minute if naive.per_minute else float("inf")
    overheads = [o.claimed - o.created for o in probed if o.claimed and o.created]
    p50, p99 = percentile(overheads, 50), percentile(overheads, 99)
    fits = mesh.peak_pss <= PSS_BUDGET and mesh.peak_in_flight >= TARGET_CONCURRENCY
    rows = [
        (
            "applications submitted (site recorded)",
            f"{naive.submitted} ({naive.recorded})",
            f"{mesh.submitted} ({mesh.recorded})",
            f"of {count}",
            "",
        ),
        (
            "throughput, applications/min",
            f"{naive.per_minute:.1f}",
            f"{mesh.per_minute:.1f}",
            f"{ratio:.2f}×",
            f"≥ {TARGET_RATIO:.0f}×: {verdict(ratio >= TARGET_RATIO)}",
        ),
        (
            "peak PSS of the process tree, MiB",
            mib(naive.peak_pss),
            mib(mesh.peak_pss),
            f"{mesh.peak_pss / naive.peak_pss:.2f}×" if naive.peak_pss else "",
            f"≤ 1,536 at {TARGET_CONCURRENCY} concurrent: {verdict(fits)}",
        ),
        ("processes in the tree at peak", str(naive.peak_processes), str(mesh.peak_processes), "", ""),
        (
            "applications in flight at once (max)",
            str(naive.peak_in_flight),
            str(mesh.peak_in_flight),
            "",
            f"concurrency {concurrency}",
        ),
        (
            "time per application p50 / p99, s",
            f"{percentile(naive.durations, 50):.2f} / {percentile(naive.durations, 99):.2f}",
            f"{percentile(mesh.durations, 50):.2f} / {percentile(mesh.durations, 99):.2f}",
            "",
            "",
        ),
        (
            "CPU per application, s (whole tree)",
            f"{naive.cpu_seconds / max(naive.submitted, 1):.2f}",
            f"{mesh.cpu_seconds / max(mesh.submitted, 1):.2f}",
            f"{mesh.cpu_seconds / max(mesh.submitted, 1) / max(naive.cpu_seconds / max(naive.submitted, 1), 1e-9):.2f}×",
            "",
        ),
        (
            "CPU taken by other programs meanwhile",
            f"{naive.others_percent:.0f}%",
            f"{mesh.others_percent:.0f}%",
            "",
            "of all CPUs; high means a noisy run",
        ),
        (
            "queue overhead p50 / p99, ms",
            "n/a",
            f"{p50 * 1000:.0f} / {p99 * 1000:.0f}",
            "",
            f"p99 ≤ {TARGET_QUEUE_P99 * 1000:.0f} ms: {verdict(p99 <= TARGET_QUEUE_P99)}",
        ),
    ]
    return table(("", "naive bot", "jobmesh", "ratio", "target"), rows)


def notes(
    sites: Sites, count: int, concurrency: int, probes: int, mesh: PathResult, naive: PathResult
) -> str:
    lines = [
        f"- {count} applications per path to {sites.employers} employers' Greenhouse look-alike forms "
        f"(tests/sites/ats.py, one loopback address each); every page also loads {sites.weight.describe()}.",
        f"- jobmesh: one `python -m services.automation.worker` process, JOBMESH_WORKER_CONCURRENCY={concurrency}, "
        "fed by CreateApplication (all at once) through the outbox relay and arq (the relay wakes the worker "
        "over Redis pub/sub); each application is claimed, planned, filled, submitted, with full-page PNG "
        "screenshots of the filled form and the confirmation stored as sealed evidence (Playwright traces "
        "follow JOBMESH_TRACE, default `retries`: actions and network on a first attempt, no DOM snapshots). "
        "Throughput "
        "runs from the first CreateApplication to the last SUBMITTED event. Applications are spread over "
        f"employers and accounts ({APPS_PER_ACCOUNT} each) so the per-site and per-owner pacing of the worker is "
        "not what is measured.",
        "- Naive: `python -m bench.automation_naive`, a new Chromium per application (same binary; the switches "
        "any headless script passes, `BASE_CHROMIUM_ARGS` in services/automation/browser.py, without jobmesh's "
        "`--disable-features` that stops Chromium preloading two address-bar popup renderers per window), "
        f"nothing blocked, `page.fill`/`select_option` one field at a time, at most {concurrency} at once. "
        "Throughput runs from the first launch to the last confirmation.",
        "- Peak PSS: sum of `memory_full_info().pss` over the process and all its descendants (Chromium "
        f"included), sampled every 200 ms; jobmesh's idle worker (Chromium up, no application) is {mib(mesh.idle_pss)} MiB.",
        f"- Queue overhead: `created` → `claimed` event times of {probes} dry runs enqueued one by one while "
        "the worker had a free slot (the throughput run's waits are backlog, not overhead).",
        f"- CPU per application by process, s: jobmesh {cpu_split(mesh)}; naive {cpu_split(naive)}.",
    ]
    for label, result in (("naive", naive), ("jobmesh", mesh)):
        if result.errors or result.recorded != count:
            lines.append(
                f"- {label}: {result.failed} failed, site recorded {result.recorded}; e.g. {'; '.join(result.errors)}"
            )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> str:
    count = args.applications or (16 if args.quick else 40)
    probes = args.probes or (8 if args.quick else 20)
    with (
        tempfile.TemporaryDirectory(prefix="jobmesh-bench-automation-") as tmp,
        Sites(employers=args.employers).running() as sites,
    ):
        workdir = Path(tmp)
        say(f"sites up: {', '.join(sites.base_urls)}; third party {sites.cdn_origin}")
        say(f"naive: {count} applications, {args.concurrency} at once")
        naive = await run_naive(sites, workdir, count, args.concurrency)
        say(f"naive: {naive.submitted} submitted in {naive.window:.1f}s")
        say(f"jobmesh: {count} applications, worker concurrency {args.concurrency}")
        mesh, probed = await run_jobmesh(sites, workdir, count, args.concurrency, probes)
        say(f"jobmesh: {mesh.submitted} submitted in {mesh.window:.1f}s")
        body = report(naive, mesh, probed, count, args.concurrency)
        return (
            f"## Automation\n\n`python -m bench.automation{' --quick' if args.quick else ''}` on {machine_facts()}.\n\n"
            f"{body}\n\n{notes(sites, count, args.concurrency, probes, mesh, naive)}\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="16 applications per path instead of 40")
    parser.add_argument("--applications", type=int, default=0, help="applications per path")
    parser.add_argument("--concurrency", type=int, default=TARGET_CONCURRENCY)
    parser.add_argument(
        "--employers", type=int, default=8, help="distinct employer sites (loopback addresses)"
    )
    parser.add_argument("--probes", type=int, default=0, help="dry runs for the queue-overhead probe")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args(argv)
    try:
        section = asyncio.run(main_async(args))
    except Exception as exc:
        say(f"could not run: {type(exc).__name__}: {exc}")
        return 1
    print(section)
    if not args.no_doc:
        write_section("automation", section)
        say("wrote the automation section of docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
