"""The supervisor restarts crashed children with backoff and stops everything, front door first."""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from services.common.embedded import free_port
from services.common.settings import Settings
from services.launcher.probes import tcp_open
from services.launcher.supervisor import Backoff, ChildSpec, Supervisor

FAST = Backoff(initial=0.1, maximum=0.4, reset_after=60.0)


def _py(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ", 1)[1].startswith("Z"))


async def _eventually(check: object, within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


def _steady(name: str, journal: Path) -> ChildSpec:
    code = f"""
        import signal, sys, time
        def bye(*_):
            open({str(journal)!r}, "a").write({name!r} + "\\n")
            print("bye", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGTERM, bye)
        print("hello from {name}", flush=True)
        while True:
            time.sleep(0.05)
    """
    return ChildSpec(name, _py(code), grace_seconds=5)


async def test_crashed_child_is_reported_and_restarted_with_backoff(tmp_path: Path) -> None:
    out = io.StringIO()
    crashy = ChildSpec("crashy", _py("print('boom', flush=True); raise SystemExit(3)"))
    supervisor = Supervisor(Settings(), [_steady("steady", tmp_path / "j"), crashy], out=out, backoff=FAST)
    await supervisor.start()
    try:
        steady_pid = supervisor.pid("steady")
        await _eventually(lambda: supervisor.restarts("crashy") >= 3)
        assert supervisor.pid("steady") == steady_pid
        assert supervisor.restarts("steady") == 0
    finally:
        await supervisor.stop()
    log = out.getvalue()
    assert "[crashy] exited with code 3; restarting in 0.1s" in log
    assert "[crashy] exited with code 3; restarting in 0.2s" in log
    assert "[crashy] exited with code 3; restarting in 0.4s" in log
    assert re.search(r"^\[crashy\] +boom$", log, re.M)
    assert re.search(r"^\[steady\] +hello from steady$", log, re.M)


def test_backoff_doubles_up_to_its_maximum() -> None:
    backoff = Backoff()
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


async def test_backoff_resets_after_a_long_healthy_run() -> None:
    out = io.StringIO()
    lives = ChildSpec("flaky", _py("import time; time.sleep(0.3); raise SystemExit(1)"))
    supervisor = Supervisor(
        Settings(), [lives], out=out, backoff=Backoff(initial=0.05, maximum=1, reset_after=0.2)
    )
    await supervisor.start()
    try:
        await _eventually(lambda: supervisor.restarts("flaky") >= 3)
    finally:
        await supervisor.stop()
    assert out.getvalue().count("restarting in 0.05s") >= 3
    assert "restarting in 0.1s" not in out.getvalue()


async def test_stop_leaves_nothing_behind(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    out = io.StringIO()
    parent = ChildSpec(
        "parent",
        _py("""
            import subprocess, sys, time
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            print("grandchild", child.pid, flush=True)
            time.sleep(600)
        """),
        grace_seconds=5,
    )
    supervisor = Supervisor(
        Settings(), [_steady("first", journal), _steady("second", journal), parent], out=out
    )
    await supervisor.start()
    await _eventually(lambda: "grandchild" in out.getvalue() and "hello from second" in out.getvalue())
    pids = [supervisor.pid(name) for name in ("first", "second", "parent")]
    grandchild = int(out.getvalue().split("grandchild ", 1)[1].split()[0])
    await supervisor.stop()
    assert sorted(journal.read_text().split()) == ["first", "second"]
    assert not any(_alive(pid) for pid in [*pids, grandchild] if pid)
    assert re.search(r"^\[first\] +bye$", out.getvalue(), re.M)


async def test_child_ignoring_sigterm_is_killed_after_its_grace_period() -> None:
    stubborn = ChildSpec(
        "stubborn",
        _py("""
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("ready", flush=True)
            time.sleep(600)
        """),
        grace_seconds=0.5,
    )
    out = io.StringIO()
    supervisor = Supervisor(Settings(), [stubborn], out=out)
    await supervisor.start()
    await _eventually(lambda: "ready" in out.getvalue())
    pid = supervisor.pid("stubborn")
    started = time.monotonic()
    await supervisor.stop()
    assert 0.4 < time.monotonic() - started < 3
    assert pid is not None and not _alive(pid)
    assert "[stubborn] did not stop in 0.5s; killing" in out.getvalue()


async def test_wait_ready_waits_for_probes_and_names_the_laggards() -> None:
    port, never = free_port(), free_port()
    server = ChildSpec(
        "server",
        _py(f"""
            import socket, time
            time.sleep(0.5)
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", {port})); s.listen()
            time.sleep(600)
        """),
        probe=tcp_open("127.0.0.1", port),
    )
    silent = ChildSpec("silent", _py("import time; time.sleep(600)"), probe=tcp_open("127.0.0.1", never))
    supervisor = Supervisor(Settings(), [server, silent], out=io.StringIO())
    await supervisor.start()
    try:
        with pytest.raises(TimeoutError, match="silent") as err:
            await supervisor.wait_ready(1.5)
        assert "server" not in str(err.value)
    finally:
        await supervisor.stop()


def test_children_die_with_a_killed_supervisor(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import asyncio, sys
        from services.common.settings import Settings
        from services.launcher.supervisor import ChildSpec, Supervisor

        async def main():
            child = ChildSpec("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"])
            supervisor = Supervisor(Settings(), [child])
            await supervisor.start()
            print("child", supervisor.pid("sleeper"), flush=True)
            await asyncio.sleep(600)

        asyncio.run(main())
    """)
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            child = int(proc.stdout.readline().split()[1])
            assert _alive(child)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            deadline = time.monotonic() + 5
            while _alive(child) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _alive(child)
        finally:
            proc.kill()
