"""The `jobmesh` console script: run everything on one machine, migrate, render Envoy's config.

Parses arguments and hands over to `services.launcher`; reads settings once, through
`Settings.from_env`. Must not hold launcher or service logic itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from services.common.settings import Settings, SettingsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jobmesh", description="jobmesh: job applications, automated.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run every service, the gateway and Envoy on this machine until Ctrl-C",
        description="Starts embedded PostgreSQL and Valkey unless JOBMESH_DATABASE_URL / JOBMESH_REDIS_URL "
        "are set, then every service, the workers, the gateway and Envoy on JOBMESH_PORT.",
    )
    commands.add_parser(
        "worker", help="run one worker process of the automation pool (arq on JOBMESH_REDIS_URL)"
    )
    commands.add_parser("migrate", help="upgrade every service's schema in the configured database")
    render = commands.add_parser("render-envoy", help="write the Envoy config for the current settings")
    render.add_argument("--out", type=Path, required=True, help="file to write ('-' for stdout)")
    return parser


def _print(message: str) -> None:
    print(message, flush=True)


def _render(settings: Settings, out: Path) -> int:
    from services.launcher.envoy import render_envoy, write_envoy_config

    if str(out) == "-":
        sys.stdout.write(render_envoy(settings))
    else:
        _print(f"wrote {write_envoy_config(settings, out)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `jobmesh` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"jobmesh: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        from services.launcher.run import run

        return asyncio.run(run(settings))
    if args.command == "worker":
        from services.automation.worker import main as worker_main

        worker_main()
        return 0
    if args.command == "migrate":
        from services.launcher.migrate import migrate_all

        asyncio.run(migrate_all(settings, _print))
        return 0
    return _render(settings, args.out)


if __name__ == "__main__":
    sys.exit(main())
