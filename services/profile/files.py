"""Resume files: upload rules, media-type sniffing and the encrypted vault they are kept in.

The vault seals every file with envelope encryption bound to its blob key before
it reaches the blob store; plaintext never touches the store. No database access.
"""

from __future__ import annotations

import asyncio
import re

from services.common.blobs import BlobStore
from services.common.crypto import Envelope
from services.profile.domain import ResumeUpload

MAX_RESUME_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 255
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
RTF = "application/rtf"
TEXT = "text/plain"
OCTET_STREAM = "application/octet-stream"

_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*(?:\s*;.*)?$")


def upload_problems(upload: ResumeUpload) -> list[tuple[str, str]]:
    """Every reason the upload is unacceptable, as (field path, description)."""
    problems: list[tuple[str, str]] = []
    name = upload.filename
    if not name.strip():
        problems.append(("resume.filename", "is required"))
    elif len(name) > MAX_FILENAME:
        problems.append(("resume.filename", f"must be at most {MAX_FILENAME} characters"))
    elif "/" in name or "\\" in name or name.strip() in (".", "..") or any(ord(c) < 32 for c in name):
        problems.append(("resume.filename", "must be a plain file name without path separators"))
    if not upload.content:
        problems.append(("resume.content", "is required"))
    elif len(upload.content) > MAX_RESUME_BYTES:
        problems.append(("resume.content", f"must be at most {MAX_RESUME_BYTES} bytes (10 MiB)"))
    content_type = upload.content_type.strip()
    if content_type and (len(content_type) > 255 or not _MEDIA_TYPE.match(content_type)):
        problems.append(("resume.content_type", "must be a media type like application/pdf"))
    return problems


def sniff_content_type(data: bytes) -> str:
    """The media type the leading bytes show: PDF, DOCX, DOC, RTF or UTF-8 text; else octet-stream."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        # A DOCX is a ZIP whose parts live under word/; other ZIPs are not resumes we can name.
        return DOCX if b"word/" in data[:65536] else OCTET_STREAM
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if data.startswith(b"{\\rtf"):
        return RTF
    head = data[:65536]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the sniffing window is still text.
            if exc.start < len(head) - 3:
                return OCTET_STREAM
        return TEXT
    return OCTET_STREAM


def resume_blob_key(profile_id: str, resume_id: str) -> str:
    return f"resumes/{profile_id}/{resume_id}"


def profile_blob_prefix(profile_id: str) -> str:
    return f"resumes/{profile_id}/"


class ResumeVault:
    """Sealed resume files in the blob store."""

    def __init__(self, blobs: BlobStore, envelope: Envelope):
        self._blobs = blobs
        self._envelope = envelope

    async def put(self, key: str, plaintext: bytes) -> None:
        sealed = await asyncio.to_thread(self._envelope.seal, plaintext, key.encode())
        await self._blobs.put(key, sealed, "application/octet-stream")

    async def read(self, key: str) -> bytes:
        sealed = await self._blobs.get(key)
        return await asyncio.to_thread(self._envelope.open, sealed, key.encode())

    async def delete(self, key: str) -> None:
        await self._blobs.delete(key)

    async def delete_profile_files(self, profile_id: str) -> None:
        await self._blobs.delete_prefix(profile_blob_prefix(profile_id))
