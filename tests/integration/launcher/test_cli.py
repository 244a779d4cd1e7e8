"""The `jobmesh` command's one-shot sub-commands: migrate and render-envoy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from services.common.settings import Settings
from services.launcher.migrate import migrate_all
from services.launcher.plan import present_services

JOBMESH = str(Path(sys.executable).parent / "jobmesh")


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBMESH_")}
    return env | {f"JOBMESH_{k.upper()}": v for k, v in settings.items()}


def _jobmesh(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([JOBMESH, *args], env=env, capture_output=True, text=True, timeout=90)


async def test_migrate_brings_every_service_schema_to_head_and_is_repeatable(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(database_url=database_url, home=str(tmp_path))
    first = _jobmesh("migrate", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    again: list[str] = []
    await migrate_all(Settings(database_url=database_url, home=tmp_path), again.append)
    assert [line + "\n" for line in again] == first.stdout.splitlines(keepends=True)

    connection = await asyncpg.connect(database_url)
    try:
        for schema in present_services():
            revision = await connection.fetchval(f'select version_num from "{schema}".alembic_version')
            assert f"{schema}: at {revision}" in first.stdout
    finally:
        await connection.close()


def test_render_envoy_writes_the_config_for_the_current_settings(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "envoy.yaml"
    result = _jobmesh("render-envoy", "--out", str(out), env=_env(port="18123", job_port="51234"))
    assert result.returncode == 0, result.stderr
    config = out.read_text()
    assert "port_value: 18123" in config
    assert "port_value: 51234" in config
    to_stdout = _jobmesh("render-envoy", "--out", "-", env=_env(port="18123", job_port="51234"))
    assert to_stdout.stdout == config


def test_a_bad_setting_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = _jobmesh("render-envoy", "--out", str(tmp_path / "x.yaml"), env=_env(port="eighty"))
    assert result.returncode == 2
    assert "JOBMESH_PORT must be an integer" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.yaml").exists()
