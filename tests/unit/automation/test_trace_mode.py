"""JOBMESH_TRACE decides how runs are traced with Playwright; a typo fails at start, not mid-run."""

from __future__ import annotations

import pytest

from services.automation.pipeline import trace_snapshots
from services.common.settings import Settings, SettingsError


def test_every_run_is_traced_and_retries_also_take_dom_snapshots() -> None:
    assert [trace_snapshots("retries", attempt) for attempt in (1, 2, 3)] == [False, True, True]
    assert [trace_snapshots("always", attempt) for attempt in (1, 2)] == [True, True]
    assert [trace_snapshots("off", attempt) for attempt in (1, 2)] == [None, None]


def test_the_setting_defaults_to_retries_and_round_trips_through_the_environment() -> None:
    assert Settings.from_env({}).trace == "retries"
    chosen = Settings.from_env({"JOBMESH_TRACE": " Always "})
    assert chosen.trace == "always"
    assert Settings.from_env(chosen.to_env()).trace == "always"


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(SettingsError, match="JOBMESH_TRACE"):
        Settings.from_env({"JOBMESH_TRACE": "sometimes"})
