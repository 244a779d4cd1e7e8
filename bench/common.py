"""What every benchmark shares: child processes it owns, CPU accounting from /proc, percentiles,
Markdown tables, machine facts and the per-benchmark section of docs/performance.md.

Linux only (CPU time is read from /proc). Must not know what is being measured.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
_TICKS = os.sysconf("SC_CLK_TCK")
_DOC_HEADER = (
    "# Performance\n\n"
    "Measured by `make bench` (scripts in `bench/`, see bench/README.md). Every section is written by one\n"
    "benchmark and replaced when it runs again; numbers are from one run on the machine named in it.\n"
)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Children:
    """Processes a benchmark started; `stop_all` ends them (newest first) and only them."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
        log = (self.logs / f"{name}.log").open("ab")
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with log:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=full_env,
                cwd=ROOT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc.pid

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.logs / name}.log")

    def stop_all(self, grace: float = 10.0) -> None:
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        for proc in reversed(list(self.procs.values())):
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()
        self.procs.clear()


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process; None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _tree(root: int) -> list[int]:
    """`root` and all its descendants (PostgreSQL runs one process per connection)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                parents[int(entry.name)] = stat[0]
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in found]
        found.update(children)
        frontier.extend(children)
    return sorted(found)


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores) since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICKS


OTHER = "other"


@dataclass
class CpuMeter:
    """CPU time of named process trees between `start()` and `stop()`, as % of one core; `other` is
    what the rest of the machine used meanwhile (on a shared machine, the noise in the numbers)."""

    trees: dict[str, int]
    _before: dict[str, dict[int, float]] = field(default_factory=dict)
    _started: float = 0.0
    _busy: float = 0.0

    def _sample(self) -> dict[str, dict[int, float]]:
        out: dict[str, dict[int, float]] = {}
        for label, root in self.trees.items():
            out[label] = {}
            for pid in _tree(root):
                stat = _stat(pid)
                if stat is not None:
                    out[label][pid] = stat[1]
        return out

    def start(self) -> None:
        self._before = self._sample()
        self._busy = _machine_busy()
        self._started = time.monotonic()

    def stop(self) -> dict[str, float]:
        after = self._sample()
        busy = _machine_busy() - self._busy
        wall = max(time.monotonic() - self._started, 1e-9)
        usage: dict[str, float] = {}
        for label, pids in after.items():
            before = self._before.get(label, {})
            used = sum(cpu - before.get(pid, 0.0) for pid, cpu in pids.items())
            usage[label] = 100.0 * used / wall
        usage[OTHER] = max(0.0, 100.0 * busy / wall - sum(usage.values()))
        return usage


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100.0 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; numbers right-aligned."""
    body = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
    numeric = [
        bool(body) and all(re.fullmatch(r"[-+]?[0-9][0-9.,]*(×| ms|%)?|nan", r[i]) for r in body)
        for i in range(len(headers))
    ]

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if n else ("-" * (w + 2)) for w, n in zip(widths, numeric, strict=True)
        )
        + "|"
    )
    return "\n".join([line(list(headers)), rule, *(line(r) for r in body)])


def machine_facts() -> str:
    """One line naming the machine: CPUs, model, memory, OS, Python, date."""
    model = ""
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    memory_gib = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gib = int(kib) / 1024 / 1024
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpu = f"{os.cpu_count()} CPUs" + (f" ({model})" if model else "")
    return (
        f"{cpu}, {memory_gib:.0f} GiB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {today}"
    )


def write_section(name: str, content: str, doc: Path = DOC) -> None:
    """Replaces this benchmark's section of `doc` (between its markers), keeping every other one."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{content.rstrip()}\n{end}\n"
    text = doc.read_text() if doc.exists() else _DOC_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    text = (
        pattern.sub(lambda _: block, text, count=1)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block
    )
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"
