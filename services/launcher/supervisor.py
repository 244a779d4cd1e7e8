"""Runs child processes side by side: prefixed logs, readiness, restart with backoff, ordered stop.

Each child runs in its own process group (so Ctrl-C reaches only the supervisor, which then stops
children in reverse start order) and is told by the kernel to exit if the supervisor dies. Must not
decide what to run: callers pass `ChildSpec`s.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from services.common.settings import Settings
from services.launcher.probes import Probe

_PR_SET_PDEATHSIG = 1
_COLOURS = (36, 32, 33, 35, 34, 96, 92, 93, 95, 94)
_LINE_LIMIT = 1 << 20


@dataclass(frozen=True)
class ChildSpec:
    """One process to supervise: argv, environment additions and how to tell it is ready."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    probe: Probe | None = None
    grace_seconds: float = 10.0


@dataclass(frozen=True)
class Backoff:
    """Restart delays: initial, doubled per consecutive crash up to maximum; reset after a long run."""

    initial: float = 1.0
    maximum: float = 30.0
    reset_after: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.maximum, self.initial * 2 ** max(failures - 1, 0)))


@dataclass
class _Child:
    spec: ChildSpec
    colour: int
    proc: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    failures: int = 0
    restarts: int = 0
    pump: asyncio.Task[None] | None = None
    watcher: asyncio.Task[None] | None = None


def _parent_death_hook() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the child when the supervisor dies (e.g. SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def hook() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Starts `children` in order, restarts any that crash, stops them in reverse order."""

    def __init__(
        self,
        settings: Settings,
        children: Sequence[ChildSpec],
        *,
        out: TextIO | None = None,
        backoff: Backoff = Backoff(),
    ):
        self.settings = settings
        self.backoff = backoff
        self._out = out or sys.stdout
        self._colour = self._out.isatty() and "NO_COLOR" not in os.environ
        self._children = [_Child(spec, _COLOURS[i % len(_COLOURS)]) for i, spec in enumerate(children)]
        self._width = max((len(c.spec.name) for c in self._children), default=0)
        self._stopping = asyncio.Event()
        self._pre_exec = _parent_death_hook()

    # ---- output -------------------------------------------------------------------------------

    def _prefix(self, name: str, colour: int) -> str:
        label = f"[{name}]".ljust(self._width + 2)
        return f"\x1b[{colour}m{label}\x1b[0m " if self._colour else f"{label} "

    def say(self, message: str, *, name: str = "jobmesh", colour: int = 1) -> None:
        """Writes one supervisor line, prefixed like the children's."""
        self._out.write(f"{self._prefix(name, colour)}{message}\n")
        self._out.flush()

    async def _pump(self, child: _Child, stream: asyncio.StreamReader) -> None:
        prefix = self._prefix(child.spec.name, child.colour)
        while True:
            try:
                line = await stream.readline()
            except ValueError:  # a line longer than the limit: pass on what is buffered
                line = await stream.read(_LINE_LIMIT)
            if not line:
                return
            self._out.write(prefix + line.decode(errors="replace").rstrip("\n") + "\n")
            self._out.flush()

    # ---- life cycle ---------------------------------------------------------------------------

    async def _spawn(self, child: _Child) -> None:
        env = {**os.environ, **child.spec.env} if child.spec.env else None
        proc = await asyncio.create_subprocess_exec(
            *child.spec.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=self._pre_exec,
            limit=_LINE_LIMIT,
        )
        child.proc = proc
        child.started_at = time.monotonic()
        assert proc.stdout is not None
        child.pump = asyncio.create_task(self._pump(child, proc.stdout))

    async def _watch(self, child: _Child) -> None:
        while not self._stopping.is_set():
            proc = child.proc
            assert proc is not None
            code = await _exited(proc)
            _kill_group(proc.pid)  # what a crashed child leaves behind (a worker's browser) goes too
            await proc.wait()
            await self._drain(child)
            if self._stopping.is_set():
                return
            if time.monotonic() - child.started_at >= self.backoff.reset_after:
                child.failures = 0
            child.failures += 1
            delay = self.backoff.delay(child.failures)
            self.say(f"{describe_exit(code)}; restarting in {delay:g}s", name=child.spec.name, colour=31)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            if self._stopping.is_set():
                return
            await self._spawn(child)
            child.restarts += 1

    async def start(self) -> None:
        """Starts every child, in order; returns without waiting for readiness."""
        for child in self._children:
            await self._spawn(child)
            child.watcher = asyncio.create_task(self._watch(child))

    async def wait_ready(self, timeout: float) -> None:  # noqa: ASYNC109 (the error names the laggards)
        """Returns once every child with a probe passes it; TimeoutError naming the others."""
        deadline = time.monotonic() + timeout
        pending = {c.spec.name: c.spec.probe for c in self._children if c.spec.probe is not None}
        while pending:
            ready = await asyncio.gather(*(probe() for probe in pending.values()))
            pending = {
                name: probe for (name, probe), ok in zip(pending.items(), ready, strict=True) if not ok
            }
            if not pending:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"not ready after {timeout:g}s: {', '.join(pending)}")
            await asyncio.sleep(0.2)

    async def _terminate(self, child: _Child) -> None:
        proc = child.proc
        if proc is None:
            return
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(_exited(proc), child.spec.grace_seconds)
            except TimeoutError:
                self.say(f"did not stop in {child.spec.grace_seconds:g}s; killing", name=child.spec.name)
        # Grandchildren (a worker's browser) share the group and must not outlive it.
        _kill_group(proc.pid)
        await proc.wait()
        await self._drain(child)

    async def _drain(self, child: _Child) -> None:
        """Waits for a child's last log lines; not forever, since a stray process may hold the pipe."""
        pump = child.pump
        if pump is None or pump.done():
            return
        # asyncio.wait, not await: cancelling the waiter must not cancel the pump mid-line.
        await asyncio.wait([pump], timeout=2.0)
        pump.cancel()

    async def stop(self) -> None:
        """Stops the children: SIGTERM, then SIGKILL after each one's grace period.

        The last started child (the front door, Envoy) goes first, so no new traffic
        arrives; the rest drain at the same time, since none waits on another to stop."""
        self._stopping.set()
        for child in self._children:
            if child.watcher is not None and not child.watcher.done():
                child.watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await child.watcher
        if self._children:
            await self._terminate(self._children[-1])
            await asyncio.gather(*(self._terminate(child) for child in reversed(self._children[:-1])))

    # ---- inspection ---------------------------------------------------------------------------

    def pid(self, name: str) -> int | None:
        """The current process id of a child, None when it is not running."""
        for child in self._children:
            if child.spec.name == name and child.proc is not None and child.proc.returncode is None:
                return child.proc.pid
        return None

    def restarts(self, name: str) -> int:
        """How many times a child has been restarted."""
        return next(c.restarts for c in self._children if c.spec.name == name)


async def _exited(proc: asyncio.subprocess.Process) -> int:
    """The child's exit code, as soon as it exits.

    Not `proc.wait()`: that also waits for the output pipe to close, which a grandchild that
    inherited it can hold open indefinitely.
    """
    while proc.returncode is None:  # noqa: ASYNC110 (asyncio offers no exit-only event)
        await asyncio.sleep(0.05)
    return proc.returncode


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
