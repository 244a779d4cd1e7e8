"""SearchJobs' page positions: tier and sort key, as a decoded page token holds them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.errors import InvalidArgument
from services.job.search import TIER_BODY, TIER_HEAD, _position


def test_positions_of_both_tiers_come_back_typed() -> None:
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert _position([TIER_HEAD, 0.25, when.isoformat(), "id-1"]) == (TIER_HEAD, [0.25, when, "id-1"])
    assert _position([TIER_BODY, when.isoformat(), "id-2"]) == (TIER_BODY, [when, "id-2"])


@pytest.mark.parametrize(
    "position",
    [
        [0.5, "id"],  # a token from before the two tiers: (rank, id)
        [TIER_HEAD, "2026-01-01T00:00:00+00:00", "id"],
        [TIER_BODY, "not a time", "id"],
        [TIER_HEAD, "x", "2026-01-01T00:00:00+00:00", "id"],
        [3, "2026-01-01T00:00:00+00:00", "id"],
        [],
    ],
)
def test_positions_of_another_shape_are_a_bad_page_token(position: list[object]) -> None:
    with pytest.raises(InvalidArgument) as err:
        _position(position)
    assert [field for field, _ in err.value.violations] == ["page_token"]
