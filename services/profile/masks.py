"""AIP-134 update masks of `Profile`: which flat fields an update_mask path writes.

`*` or an empty mask means every writable field; `location` and
`self_identification` may be named whole or by sub-field. Output-only fields and
unknown paths are INVALID_ARGUMENT naming `update_mask`.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.common.errors import InvalidArgument
from services.profile.domain import OTHER_FIELDS, SCALAR_PATHS, WRITABLE_FIELDS

_NOT_WRITABLE = frozenset({"name", "create_time", "update_time", "etag", "answers.fingerprint"})


def _paths() -> dict[str, frozenset[str]]:
    paths: dict[str, set[str]] = {name: {name} for name in OTHER_FIELDS}
    for flat, path in SCALAR_PATHS.items():
        paths.setdefault(path, set()).add(flat)
        if "." in path:
            paths.setdefault(path.split(".", 1)[0], set()).add(flat)
    return {path: frozenset(flats) for path, flats in paths.items()}


MASK_PATHS: dict[str, frozenset[str]] = _paths()


def resolve_mask(paths: Iterable[str]) -> frozenset[str]:
    """The flat fields an update writes; INVALID_ARGUMENT for paths that name nothing writable."""
    given = [p.strip() for p in paths]
    if not given or given == ["*"]:
        return frozenset(WRITABLE_FIELDS)
    problems: list[tuple[str, str]] = []
    fields: set[str] = set()
    for path in given:
        if path == "*":
            problems.append(("update_mask", "`*` must be the only path"))
        elif path in _NOT_WRITABLE:
            problems.append(("update_mask", f"`{path}` is output only and cannot be updated"))
        elif path in MASK_PATHS:
            fields |= MASK_PATHS[path]
        else:
            problems.append(("update_mask", f"`{path}` is not a field of Profile"))
    if problems:
        raise InvalidArgument(problems)
    return frozenset(fields)
