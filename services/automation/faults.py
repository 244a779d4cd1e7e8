"""Fault injection for crash tests: an optional pause at a named step boundary of a run.

`JOBMESH_FAULT_PAUSE="<point>:<seconds>"` makes every run log a line and sleep when it reaches
`point`, so a test can SIGKILL the worker exactly there and check what a fresh worker makes of
it. Unset (the default) it does nothing. It must never change what a run does, only when.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

log = logging.getLogger("jobmesh.automation.faults")

# The boundaries that matter for "never twice": the ledger's SUBMITTING mark and the click.
POINTS = ("before_submitting", "before_click", "after_click")


@dataclass(frozen=True)
class FaultPause:
    point: str
    seconds: float

    @classmethod
    def parse(cls, value: str | None) -> FaultPause | None:
        """`"<point>:<seconds>"` as a FaultPause; None when unset; ValueError when malformed."""
        if not value:
            return None
        point, _, seconds = value.partition(":")
        if point not in POINTS:
            raise ValueError(f"JOBMESH_FAULT_PAUSE point must be one of {', '.join(POINTS)}, got {point!r}")
        try:
            delay = float(seconds)
        except ValueError as exc:
            raise ValueError(f"JOBMESH_FAULT_PAUSE needs <point>:<seconds>, got {value!r}") from exc
        if not delay > 0:
            raise ValueError(f"JOBMESH_FAULT_PAUSE seconds must be positive, got {seconds!r}")
        return cls(point, delay)


async def pause_at(fault: FaultPause | None, point: str, application: str) -> None:
    """Sleeps when `fault` names `point`; logs first so a test knows the run is there."""
    if fault is None or fault.point != point:
        return
    log.warning(
        "fault pause at %s for %s", point, application, extra={"application": application, "point": point}
    )
    await asyncio.sleep(fault.seconds)
