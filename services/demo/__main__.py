"""`make demo` / `python -m services.demo`: start everything, tell the story, show the results.

Starts the local ATS mirrors (job boards and application forms, from tests/sites; the
boards are the captured board API responses when the machine has them, else generated in
the same shapes), then the whole platform through the launcher (embedded PostgreSQL and Valkey, the
services, two workers, the gateway and Envoy), runs the scenario through the public
API, and keeps serving until Ctrl-C — or exits after the summary when
JOBMESH_DEMO_EXIT=1, with status 0 only if every application reached its expected state.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import grpc
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from services.common.settings import Settings
from services.demo.scenario import Demo, Planned, Progress, state_name
from services.launcher.run import run
from tests.sites.ats import SubmissionRecorder, ats_routes
from tests.sites.boards import BoardRegistry, create_board_app
from tests.sites.server import serve_app

# A wide table even when the output is a log or a CI pipe rather than a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)


def _table(progress: Progress) -> Group:
    head = Table.grid(padding=(0, 2))
    head.add_row("[bold]step[/]", progress.step)
    for board, counts in progress.synced.items():
        head.add_row(f"[bold]{board}[/]", counts)
    if progress.found:
        head.add_row("[bold]search[/]", f"{progress.found} jobs match 'engineer OR manager'")
    apps = Table(title="applications", expand=False)
    for column in ("job", "company", "mode", "state", "seconds"):
        apps.add_column(column)
    for p in progress.applications:
        apps.add_row(p.job.title[:40], p.job.company, _mode(p), state_name(p.state), f"{p.seconds:5.1f}")
    return Group(head, apps)


def _mode(p: Planned) -> str:
    return {1: "submit", 2: "review", 3: "dry run"}.get(p.mode, "?")


def _summary(planned: list[Planned], settings: Settings, demo: Demo) -> Table:
    table = Table(title="jobmesh demo: summary")
    for column in ("job", "company", "mode", "state", "expected", "seconds", "screenshots"):
        table.add_column(column)
    base = f"http://127.0.0.1:{settings.port}/v1/"
    for p in planned:
        shots = "\n".join(base + name for name in p.artifacts[-2:]) or "-"
        mark = "[green]ok[/]" if p.ok else f"[red]{state_name(p.expected)}[/]"
        table.add_row(
            p.job.title[:40], p.job.company, _mode(p), state_name(p.state), mark, f"{p.seconds:.1f}", shots
        )
    return table


async def _scenario(settings: Settings, sites_url: str) -> int | None:
    progress = Progress()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.port}") as channel:
        with Live(_table(progress), console=console, refresh_per_second=4) as live:
            demo = Demo(channel, sites_url, progress, lambda: live.update(_table(progress)))
            try:
                await demo.sign_up()
                profile = await demo.make_profile()
                boards = await demo.subscribe_and_sync()
                planned = await asyncio.wait_for(demo.apply(profile, boards), 600)
            except (grpc.aio.AioRpcError, TimeoutError) as exc:
                live.stop()
                detail = exc.details() if isinstance(exc, grpc.aio.AioRpcError) else "timed out"
                console.print(f"[red]demo failed at '{progress.step}': {detail}[/]")
                return 1 if settings.demo_exit else None
    console.print(_summary(planned, settings, demo))
    ok = all(p.ok for p in planned)
    console.print(
        f"\n[bold]{'Every application reached its expected state.' if ok else 'Some applications did not.'}[/]\n"
        f"  tracker page   http://127.0.0.1:{settings.port}/   (sign in as {demo.email} / {demo.password})\n"
        f"  API docs       http://127.0.0.1:{settings.port}/docs\n"
        f"  gRPC endpoint  127.0.0.1:{settings.port}   (buf curl --protocol grpc --http2-prior-knowledge "
        f"--list-services http://127.0.0.1:{settings.port})\n"
        f"  logs           {settings.home / 'logs' / 'jobmesh.log'}\n"
    )
    if settings.demo_exit:
        return 0 if ok else 1
    console.print("Serving until Ctrl-C.")
    return None


async def main() -> int:
    base = Settings.from_env()
    settings = base.with_(
        workers=max(base.workers, 2),
        allowed_hosts=tuple(dict.fromkeys((*base.allowed_hosts, "127.0.0.1"))),
    )
    log_dir = Path(settings.home) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    app = create_board_app(BoardRegistry.for_demo(), extra_routes=ats_routes(SubmissionRecorder()))
    async with serve_app(app) as sites_url:
        console.print(f"[bold]jobmesh demo[/]: local ATS sites at {sites_url}; starting the platform…")
        log = (log_dir / "jobmesh.log").open("a", encoding="utf-8")
        try:
            return await run(settings, out=log, on_ready=lambda s: _scenario(s, sites_url))
        finally:
            log.close()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main()))
