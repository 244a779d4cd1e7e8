"""Page sizes and page tokens (AIP-158): tokens resume one query and nothing else."""

from __future__ import annotations

import base64

import pytest

from services.common.errors import InvalidArgument
from services.common.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageTokens, page_size

MASTER = bytes(range(32))
QUERY = {"owner": "users/u1", "filter": "state = QUEUED", "order_by": "create_time desc"}
POSITION = ["2026-01-02T03:04:05.678901+00:00", "0190f7c8-6b2a-7cc1-9d8e-3f1a2b3c4d5e"]


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _assert_rejected(tokens: PageTokens, token: str, query: object = QUERY) -> None:
    with pytest.raises(InvalidArgument) as raised:
        tokens.decode(token, query)
    assert raised.value.violations == [("page_token", "is not a page token of this query")]


@pytest.mark.parametrize(("requested", "expected"), [(0, DEFAULT_PAGE_SIZE), (1, 1), (500, 500), (501, 500)])
def test_page_size_rules(requested: int, expected: int) -> None:
    assert page_size(requested) == expected
    assert MAX_PAGE_SIZE == 500


def test_negative_page_size_is_invalid_argument() -> None:
    with pytest.raises(InvalidArgument) as raised:
        page_size(-1)
    assert raised.value.violations[0][0] == "page_size"


@pytest.mark.parametrize("position", [POSITION, 42, "opaque-id", {"k": [1, 2]}])
def test_round_trip(position: object) -> None:
    token = PageTokens(MASTER).encode(position, QUERY)
    assert token.isascii() and "=" not in token and "/" not in token and "+" not in token
    assert PageTokens(MASTER).decode(token, dict(reversed(QUERY.items()))) == position


def test_empty_token_means_first_page() -> None:
    assert PageTokens(MASTER).decode("", QUERY) is None


def test_token_of_another_query_is_refused() -> None:
    tokens = PageTokens(MASTER)
    token = tokens.encode(POSITION, QUERY)
    _assert_rejected(tokens, token, {**QUERY, "filter": "state = SUBMITTED"})
    _assert_rejected(tokens, token, {**QUERY, "owner": "users/u2"})


def test_token_signed_under_another_master_key_is_refused() -> None:
    token = PageTokens(bytes(32)).encode(POSITION, QUERY)
    _assert_rejected(PageTokens(MASTER), token)


def test_tampered_tokens_are_refused() -> None:
    tokens = PageTokens(MASTER)
    raw = _raw(tokens.encode(POSITION, QUERY))
    for at in (0, len(raw) // 2, len(raw) - 17, len(raw) - 1):
        tampered = bytearray(raw)
        tampered[at] ^= 0x01
        _assert_rejected(tokens, _token(bytes(tampered)))


def test_forged_position_with_the_old_signature_is_refused() -> None:
    tokens = PageTokens(MASTER)
    raw = _raw(tokens.encode(POSITION, QUERY))
    payload, sig = raw[:-16], raw[-16:]
    forged = payload.replace(POSITION[1].encode(), b"00000000-0000-0000-0000-000000000000")
    assert forged != payload
    _assert_rejected(tokens, _token(forged + sig))


@pytest.mark.parametrize("keep", [1, 10, 16, 17, -1, -16])
def test_truncated_tokens_are_refused(keep: int) -> None:
    tokens = PageTokens(MASTER)
    token = tokens.encode(POSITION, QUERY)
    _assert_rejected(tokens, token[:keep])


@pytest.mark.parametrize("token", ["x", "!!!!", "é-not-ascii", "a" * 200, "=="])
def test_garbage_is_refused(token: str) -> None:
    _assert_rejected(PageTokens(MASTER), token)
