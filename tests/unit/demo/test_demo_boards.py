"""The demo's boards: the captured ones where this machine has them, generated ones elsewhere."""

from __future__ import annotations

from pathlib import Path

from services.job.boards.ashby import parse_ashby_board
from services.job.boards.greenhouse import parse_greenhouse_jobs
from services.job.boards.lever import parse_lever_postings
from tests.sites.boards import FIXTURES, BoardRegistry


def test_without_the_captures_the_demo_gets_the_same_three_boards_generated(tmp_path: Path) -> None:
    registry = BoardRegistry.for_demo(tmp_path / "absent")
    for kind, board in (("greenhouse", "vercel"), ("lever", "voltus"), ("ashby", "gimlet")):
        assert len(registry.jobs(kind, board)) == 4, (kind, board)  # type: ignore[arg-type]
    parsed = [
        parse_greenhouse_jobs({"jobs": registry.jobs("greenhouse", "vercel")}, "vercel"),
        parse_lever_postings(registry.jobs("lever", "voltus"), "voltus"),
        parse_ashby_board({"jobs": registry.jobs("ashby", "gimlet")}, "gimlet"),
    ]
    assert [(len(result.jobs), result.errors) for result in parsed] == [(4, [])] * 3


def test_with_the_captures_the_demo_serves_them() -> None:
    assert FIXTURES.is_dir()
    demo = BoardRegistry.for_demo()
    captured = BoardRegistry.from_fixtures()
    assert demo.jobs("lever", "voltus") == captured.jobs("lever", "voltus")
    assert demo.jobs("ashby", "gimlet") == captured.jobs("ashby", "gimlet")
