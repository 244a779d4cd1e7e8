"""`jobmesh run`: the whole platform on one machine, under one supervisor, until Ctrl-C or SIGTERM.

Order: embedded PostgreSQL and Valkey (when no URL is configured), the Envoy config, then the
supervised children (services, workers, gateway, Envoy). Stops in reverse order and exits 0 on a
clean stop. Must not contain service logic: everything runs as a child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from typing import TextIO

from services.common.settings import Settings, SettingsError
from services.launcher.backing import start_postgres, start_valkey, without_password
from services.launcher.envoy import write_envoy_config
from services.launcher.plan import local_host, plan_children, present_services, with_mesh
from services.launcher.supervisor import Supervisor


def ready_table(settings: Settings, running: list[str]) -> list[str]:
    """Where everything listens, for the `ready` banner."""
    host = local_host(settings)
    rows = [
        ("Envoy", f"http://{host}:{settings.port}", "REST, gRPC, gRPC-Web"),
        ("Envoy admin", f"http://127.0.0.1:{settings.admin_port}", ""),
    ]
    if "gateway" in running:
        rows.append(("gateway", f"http://{host}:{settings.gateway_port}", "REST (behind Envoy)"))
    rows += [(name, f"{host}:{settings.service_port(name)}", "gRPC") for name in present_services()]
    rows += [
        ("PostgreSQL", without_password(settings.database_url or ""), ""),
        ("Redis", without_password(settings.redis_url or ""), ""),
        ("JOBMESH_HOME", str(settings.home), ""),
    ]
    width = max(len(r[0]) for r in rows)
    return [f"  {name.ljust(width)}  {where}{'  ' + note if note else ''}" for name, where, note in rows]


async def _until_ready_or_stop(supervisor: Supervisor, stop: asyncio.Event, within: float) -> bool:
    ready = asyncio.create_task(supervisor.wait_ready(within))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([ready, stopped], return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not ready.done():
        ready.cancel()
        return False
    ready.result()
    return True


async def _unless_stopped(work: Awaitable[int | None], stop: asyncio.Event) -> int | None:
    """Runs `work` unless a stop signal comes first (then it is cancelled and None returned)."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    return task.result()


OnReady = Callable[[Settings], Awaitable[int | None]]


async def run(
    settings: Settings,
    *,
    out: TextIO | None = None,
    ready_timeout: float = 180.0,
    on_ready: OnReady | None = None,
) -> int:
    """Runs everything until SIGINT/SIGTERM; 0 on a clean stop, 1 when start-up failed.

    `on_ready` (the demo) runs once everything is ready, with the final settings; if it
    returns an exit code, everything is stopped and that code returned."""
    console = out or sys.stdout

    def _say(message: str) -> None:
        console.write(f"[jobmesh] {message}\n")
        console.flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    settings = with_mesh(settings)
    settings.home.mkdir(parents=True, exist_ok=True)
    supervisor: Supervisor | None = None
    code = 0
    try:
        async with AsyncExitStack() as stack:
            settings = await start_postgres(settings, stack, _say)
            settings = await start_valkey(settings, stack, _say)
            config = write_envoy_config(settings, settings.home / "envoy" / "envoy.yaml")
            children = plan_children(settings, config)
            supervisor = Supervisor(settings, children, out=console)
            try:
                await supervisor.start()
                if await _until_ready_or_stop(supervisor, stop, ready_timeout):
                    supervisor.say("ready")
                    for line in ready_table(settings, [c.name for c in children]):
                        supervisor.say(line)
                    result = await _unless_stopped(on_ready(settings), stop) if on_ready else None
                    if result is None:
                        await stop.wait()
                    else:
                        code = result
            except TimeoutError as exc:
                supervisor.say(f"start-up failed: {exc}")
                code = 1
            finally:
                supervisor.say("stopping")
                await supervisor.stop()
    except SettingsError as exc:
        _say(f"cannot start: {exc}")
        code = 2
    except (RuntimeError, OSError) as exc:  # an embedded server failed to start; its log is named
        _say(f"cannot start: {exc}")
        code = 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if supervisor is not None:
        supervisor.say("stopped")
    return code
