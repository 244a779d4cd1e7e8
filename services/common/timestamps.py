"""Datetimes ⇄ google.protobuf.Timestamp, the one conversion every service's convert module needs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from google.protobuf import timestamp_pb2


@overload
def to_timestamp(value: datetime) -> timestamp_pb2.Timestamp: ...
@overload
def to_timestamp(value: None) -> None: ...
def to_timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    """An aware (or UTC-naive) datetime as a Timestamp; None stays None (the field stays unset)."""
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value.astimezone(UTC) if value.tzinfo else value)
    return stamp
