"""Envelope: sealed files hide their content and open only unchanged, in place, under the same key."""

from __future__ import annotations

import secrets

import pytest

from services.common.crypto import MAGIC, DecryptionError, Envelope

MASTER = bytes(range(32))
# Offsets of each part of a sealed file: magic, wrap nonce, wrapped key, data nonce, body.
PARTS = {"magic": 0, "wrap nonce": 3, "wrapped key": 15, "wrapped key tag": 50, "data nonce": 63, "body": 75}


@pytest.mark.parametrize("plaintext", [b"", b"x", secrets.token_bytes(1 << 20)])
def test_seal_then_open_round_trips(plaintext: bytes) -> None:
    sealed = Envelope(MASTER).seal(plaintext, aad=b"resumes/p1/cv")
    assert sealed.startswith(MAGIC)
    assert len(sealed) == len(plaintext) + 3 + 12 + 48 + 12 + 16
    assert Envelope(MASTER).open(sealed, aad=b"resumes/p1/cv") == plaintext


def test_sealing_twice_gives_unrelated_ciphertexts() -> None:
    plaintext = b"the same resume" * 10
    first, second = Envelope(MASTER).seal(plaintext), Envelope(MASTER).seal(plaintext)
    assert first != second
    assert plaintext not in first and plaintext not in second


def test_a_sealed_file_moved_to_another_key_does_not_open() -> None:
    sealed = Envelope(MASTER).seal(b"secret", aad=b"resumes/p1/cv")
    with pytest.raises(DecryptionError):
        Envelope(MASTER).open(sealed, aad=b"resumes/p2/cv")
    with pytest.raises(DecryptionError):
        Envelope(MASTER).open(sealed)


def test_another_master_key_cannot_open() -> None:
    sealed = Envelope(MASTER).seal(b"secret")
    with pytest.raises(DecryptionError):
        Envelope(bytes(32)).open(sealed)


@pytest.mark.parametrize("offset", PARTS.values(), ids=PARTS.keys())
def test_any_flipped_byte_is_detected(offset: int) -> None:
    sealed = bytearray(Envelope(MASTER).seal(b"a resume worth protecting"))
    sealed[offset] ^= 0x80
    with pytest.raises(DecryptionError):
        Envelope(MASTER).open(bytes(sealed))


def test_a_flipped_last_byte_is_detected() -> None:
    sealed = bytearray(Envelope(MASTER).seal(b"tail"))
    sealed[-1] ^= 0x01
    with pytest.raises(DecryptionError):
        Envelope(MASTER).open(bytes(sealed))


@pytest.mark.parametrize("keep", [0, 3, 50, 90, -1, -16, -64])
def test_truncated_files_are_refused(keep: int) -> None:
    sealed = Envelope(MASTER).seal(b"x" * 64)
    with pytest.raises(DecryptionError):
        Envelope(MASTER).open(sealed[:keep])


def test_plain_files_are_refused() -> None:
    with pytest.raises(DecryptionError, match="not a sealed"):
        Envelope(MASTER).open(b"%PDF-1.7" + bytes(200))
