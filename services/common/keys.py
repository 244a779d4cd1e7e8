"""The master key and the keys derived from it (token signing, page tokens, blob wrapping).

The master key comes from settings (`JOBMESH_MASTER_KEY`, base64 or hex of 32 bytes)
or is generated once into `JOBMESH_HOME/master.key` (mode 0600). Each purpose gets
its own HKDF-derived key, so no key is used for two things.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.common.settings import Settings, SettingsError

KEY_BYTES = 32


def _decode(raw: str) -> bytes:
    raw = raw.strip()
    for decode in (bytes.fromhex, base64.urlsafe_b64decode, base64.b64decode):
        try:
            key = decode(raw)
        except (ValueError, binascii.Error):
            continue
        if len(key) == KEY_BYTES:
            return key
    raise SettingsError("JOBMESH_MASTER_KEY must be 32 bytes, hex or base64 encoded")


def load_master_key(settings: Settings) -> bytes:
    """The configured master key, or the one generated into JOBMESH_HOME on first use."""
    if settings.master_key:
        return _decode(settings.master_key)
    path = Path(settings.home) / "master.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(KEY_BYTES))
        try:
            os.link(tmp, path)  # first writer wins when several processes start at once
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return _decode(path.read_text())


def derive_key(master: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from the master key with HKDF-SHA256."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"jobmesh", info=purpose.encode())
    return hkdf.derive(master)


def key_id(key: bytes) -> str:
    """A short public identifier of a key (the JWT `kid`), revealing nothing of it."""
    return hashlib.sha256(b"kid:" + key).hexdigest()[:16]
