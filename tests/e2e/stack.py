"""The whole jobmesh platform for end-to-end tests: `jobmesh run` as a child process.

Starts the real console script with a fresh JOBMESH_HOME and free ports for everything (Envoy, its
admin, the gateway, the four services, embedded PostgreSQL and Valkey), waits for its `ready` line
and stops it on the way out — SIGTERM first, then SIGKILL for anything still mentioning the home
directory — so no process outlives the test, even a failed one. Must not seed data or drive pages:
tests talk to the platform only through its public ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

JOBMESH = Path(sys.executable).parent / "jobmesh"
PORTS = (
    "PORT", "ADMIN_PORT", "GATEWAY_PORT", "PROFILE_PORT", "JOB_PORT", "APPLICATION_PORT", "AUTOMATION_PORT",
    "POSTGRES_PORT", "VALKEY_PORT", "METRICS_PORT",
)  # fmt: skip
_READY = re.compile(r"^\[jobmesh\] +ready$", re.MULTILINE)


@dataclass(frozen=True)
class Platform:
    """A running `jobmesh run`: where Envoy listens and where the launcher writes its log."""

    env: dict[str, str]
    home: Path
    log: Path

    @property
    def port(self) -> int:
        return int(self.env["JOBMESH_PORT"])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 60) -> str:
        """The launcher log's last lines, for failure messages."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def quiet_ports(count: int) -> list[int]:
    """`count` consecutive free ports below the kernel's ephemeral range.

    Ports from bind(0) come from that range, where an outgoing connection of the launched
    processes may take one before its server binds it; these cannot be taken that way.
    """
    ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        base = random.randrange(10_000, ephemeral_low - count)
        if all(_bindable(port) for port in range(base, base + count)):
            return list(range(base, base + count))
    raise AssertionError(f"no {count} consecutive free ports below {ephemeral_low}")


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def platform_env(home: Path, *, allowed_hosts: Iterable[str], workers: int) -> dict[str, str]:
    """This process's environment without its JOBMESH_* settings, plus a fresh home and free ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBMESH_")}
    # METRICS_PORT is last: the four ports after it, also free, are the other services' metrics.
    ports = quiet_ports(len(PORTS) + 4)
    env |= {f"JOBMESH_{name}": str(port) for name, port in zip(PORTS, ports[: len(PORTS)], strict=True)}
    env |= {
        "JOBMESH_HOME": str(home),
        "JOBMESH_ALLOWED_HOSTS": ",".join(allowed_hosts),
        "JOBMESH_WORKERS": str(workers),
        "JOBMESH_LOG_FORMAT": "text",
    }
    return env


def processes_of(home: Path) -> list[int]:
    """Live processes whose command line or environment mentions `home` (this one excepted)."""
    needle = str(home).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            mentions = (
                needle in (entry / "cmdline").read_bytes() or needle in (entry / "environ").read_bytes()
            )
            zombie = (entry / "stat").read_text().split(") ", 1)[1].startswith("Z")
        except (OSError, IndexError):
            continue
        if mentions and not zombie:
            found.append(int(entry.name))
    return found


def _new_log(platform: Platform) -> BinaryIO:
    platform.home.mkdir(parents=True, exist_ok=True)
    return platform.log.open("wb")


async def _wait_ready(process: asyncio.subprocess.Process, platform: Platform, within: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not _READY.search(platform.log.read_text(errors="replace")):
        if process.returncode is not None or loop.time() > deadline:
            state = f"exited with {process.returncode}" if process.returncode is not None else "timed out"
            raise AssertionError(f"jobmesh run {state} before it was ready:\n{platform.log_tail()}")
        await asyncio.sleep(0.2)


async def _stop(process: asyncio.subprocess.Process, home: Path) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 40)
        except TimeoutError:
            process.kill()
            await process.wait()
    # A supervisor killed mid-stop can leave children behind; they all carry the home in their env.
    for pid in processes_of(home):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@asynccontextmanager
async def running_platform(
    home: Path, *, allowed_hosts: Iterable[str] = ("127.0.0.1",), workers: int = 1, ready_within: float = 60.0
) -> AsyncIterator[Platform]:
    """`jobmesh run` on free ports with `home` as JOBMESH_HOME, ready, until the block exits."""
    platform = Platform(
        platform_env(home, allowed_hosts=allowed_hosts, workers=workers), home, home / "run.log"
    )
    with _new_log(platform) as log:
        process = await asyncio.create_subprocess_exec(
            str(JOBMESH), "run", env=platform.env, stdout=log, stderr=asyncio.subprocess.STDOUT
        )
    try:
        await _wait_ready(process, platform, ready_within)
        yield platform
    finally:
        await _stop(process, home)
