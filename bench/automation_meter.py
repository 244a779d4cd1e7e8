"""Memory and CPU of process trees for the automation benchmark (Linux, via psutil).

One sampler thread reads, every 200 ms, the PSS and CPU time of a process and all its
descendants, and the CPU time of the benchmark's own tree against the machine's, so a run
disturbed by other programs says so. It only reads /proc; it never signals or changes a process.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import psutil  # type: ignore[import-untyped]


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def machine_busy() -> float:
    """CPU seconds all CPUs have spent busy since boot (guest time is already in user)."""
    t = psutil.cpu_times()
    return float(t.user + t.nice + t.system + t.irq + t.softirq)


def kind_of(cmdline: list[str]) -> str:
    """What a process in a worker's tree is: python, node (Playwright's driver) or a Chromium role."""
    if not cmdline:
        return "other"
    program = os.path.basename(cmdline[0])
    if program.startswith("python"):
        return "python"
    if program == "node":
        return "Playwright driver (node)"
    if "chrom" not in program:
        return "other"
    role = next((arg.split("=", 1)[1] for arg in cmdline if arg.startswith("--type=")), "browser")
    if role == "renderer" and "--top-chrome-webui" in cmdline:
        return "Chromium renderer (browser UI)"
    if role == "utility":
        sub = next((arg.split("=", 1)[1] for arg in cmdline if arg.startswith("--utility-sub-type=")), "")
        return f"Chromium utility ({sub.split('.')[0] or 'other'})"
    return f"Chromium {role}"


class _CpuLedger:
    """Per-process CPU seen so far; a process first seen after the first sample was born in the window."""

    def __init__(self) -> None:
        self.first: dict[tuple[int, float], float] = {}
        self.last: dict[tuple[int, float], float] = {}
        self.kinds: dict[tuple[int, float], str] = {}
        self.started = False

    def add(self, proc: psutil.Process) -> None:
        try:
            key = (proc.pid, proc.create_time())
            t = proc.cpu_times()
            # Read each time: a zygote's child shows the zygote's command line until it becomes a renderer.
            self.kinds[key] = kind_of(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return
        used = t.user + t.system
        if key not in self.last:
            self.first[key] = used if not self.started else 0.0
        self.last[key] = used

    def seconds(self) -> float:
        return sum(self.last[key] - self.first[key] for key in self.last)

    def by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for key, last in self.last.items():
            kind = self.kinds.get(key, "other")
            totals[kind] = totals.get(kind, 0.0) + last - self.first[key]
        return totals


@dataclass(frozen=True)
class TreeUsage:
    """What `TreeSampler` saw: peak PSS (bytes) and its process count, CPU seconds (also by kind of
    process), others' load."""

    peak_pss: int
    peak_processes: int
    cpu_seconds: float
    others_percent: float
    cpu_by_kind: dict[str, float]


class TreeSampler:
    """Samples a process tree every `interval` s from a thread: PSS (summed) and CPU time.

    CPU is followed per process, so descendants that exit during the window still count (all
    but their last interval); reaped-children accounting would miss those whose parent never
    waits for them, like Chromium's zygote children. The benchmark's own tree is followed the
    same way, so the CPU that other programs took from the machine meanwhile can be reported.
    """

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self._target = _CpuLedger()
        self._own = _CpuLedger()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._machine = 0.0
        self._wall = 0.0

    def pss(self) -> tuple[int, int]:
        """(PSS bytes, process count) of the tree right now; (0, 0) once the root is gone."""
        try:
            procs = _tree(self.pid)
        except psutil.NoSuchProcess:
            return 0, 0
        return sum(_pss(p) for p in procs), len(procs)

    def _sample(self) -> None:
        try:
            target = _tree(self.pid)
        except psutil.NoSuchProcess:
            target = []
        total = 0
        for proc in target:
            total += _pss(proc)
            self._target.add(proc)
        if total > self.peak:
            self.peak, self.peak_processes = total, len(target)
        for proc in _tree(os.getpid()):
            self._own.add(proc)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> TreeSampler:
        self._machine, self._wall = machine_busy(), time.monotonic()
        self._sample()
        self._target.started = self._own.started = True
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._machine = machine_busy() - self._machine
        self._wall = time.monotonic() - self._wall

    def usage(self) -> TreeUsage:
        """The totals; call after the `with` block."""
        capacity = max(self._wall, 1e-9) * (psutil.cpu_count() or 1)
        others = max(0.0, self._machine - self._own.seconds())
        return TreeUsage(
            self.peak,
            self.peak_processes,
            self._target.seconds(),
            100.0 * others / capacity,
            self._target.by_kind(),
        )


def _pss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_full_info().pss)
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return 0
