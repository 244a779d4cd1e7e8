"""Envelope encryption for stored files: AES-256-GCM under a per-file data key.

Each file gets a fresh random data key; the data key is itself encrypted
(wrapped) with AES-256-GCM under a key derived from the master key. Only the
sealed form ever reaches the blob store. Layout of a sealed file:
    b"JM1" | wrap nonce (12) | wrapped data key (32 + 16 tag) | data nonce (12) | ciphertext + tag
`aad` (e.g. the blob key) binds a sealed file to its place: moved elsewhere, it won't open.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.common.keys import derive_key

MAGIC = b"JM1"
_NONCE = 12
_WRAPPED = 32 + 16


class DecryptionError(ValueError):
    """A sealed file was tampered with, truncated, or sealed under another key."""


class Envelope:
    def __init__(self, master_key: bytes):
        self._kek = AESGCM(derive_key(master_key, "blob-wrap"))

    def seal(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, data_nonce = os.urandom(_NONCE), os.urandom(_NONCE)
        wrapped = self._kek.encrypt(wrap_nonce, data_key, MAGIC + aad)
        body = AESGCM(data_key).encrypt(data_nonce, plaintext, aad)
        return MAGIC + wrap_nonce + wrapped + data_nonce + body

    def open(self, sealed: bytes, aad: bytes = b"") -> bytes:
        if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + 2 * _NONCE + _WRAPPED + 16:
            raise DecryptionError("not a sealed jobmesh file")
        at = len(MAGIC)
        wrap_nonce = sealed[at : at + _NONCE]
        at += _NONCE
        wrapped = sealed[at : at + _WRAPPED]
        at += _WRAPPED
        data_nonce = sealed[at : at + _NONCE]
        at += _NONCE
        try:
            data_key = self._kek.decrypt(wrap_nonce, wrapped, MAGIC + aad)
            return AESGCM(data_key).decrypt(data_nonce, sealed[at:], aad)
        except InvalidTag as exc:
            raise DecryptionError("sealed file failed authentication") from exc
