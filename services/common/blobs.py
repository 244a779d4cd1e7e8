"""The blob store: resumes, screenshots, traces. A local directory by default, S3 when configured.

Keys are relative paths like `resumes/<profile>/<id>`; callers encrypt what is
private before `put` (see crypto.Envelope). S3 credentials and endpoint come
from the AWS SDK's own configuration chain.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import uuid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from services.common.settings import Settings, SettingsError

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$")


def _check_key(key: str) -> str:
    # Empty, "." and ".." segments (a//b, a/, a/./b) would alias or escape another key on disk.
    if not _KEY.match(key) or any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"invalid blob key {key!r}")
    return key


class BlobStore(Protocol):
    url: str

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str: ...
    async def get(self, key: str) -> bytes: ...
    async def delete(self, key: str) -> None: ...
    async def delete_prefix(self, prefix: str) -> int: ...
    async def close(self) -> None: ...


class LocalBlobStore:
    """Files under a directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path):
        self.root = root.absolute()
        self.url = self.root.as_uri()

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        path = self._path(key)
        await asyncio.to_thread(self._write, path, data)
        return path.as_uri()

    async def get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            # A key that is only a prefix of other keys, or lies under one, is as missing as on S3.
            raise KeyError(key) from exc

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    async def delete_prefix(self, prefix: str) -> int:
        def remove() -> int:
            base = self._path(prefix.rstrip("/"))
            if base.is_file():
                base.unlink()
                return 1
            count = 0
            for path in sorted(base.rglob("*"), reverse=True) if base.exists() else []:
                if path.is_file():
                    path.unlink()
                    count += 1
                else:
                    path.rmdir()
            if base.exists():
                base.rmdir()
            return count

        return await asyncio.to_thread(remove)

    async def close(self) -> None:
        return None


class S3BlobStore:
    """Objects under `s3://bucket/prefix` (S3, MinIO, R2) through aioboto3.

    One client (and so one connection pool) is opened on first use and kept until `close`.
    """

    def __init__(self, bucket: str, prefix: str, **client_kwargs: Any):
        import aioboto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._session = aioboto3.Session()
        self._client_kwargs = client_kwargs
        self._exit = contextlib.AsyncExitStack()
        self._s3: Any = None
        self._opening = asyncio.Lock()

    def _key(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def _client(self) -> Any:
        async with self._opening:
            if self._s3 is None:
                client = self._session.client("s3", **self._client_kwargs)
                self._s3 = await self._exit.enter_async_context(client)
            return self._s3

    async def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        full = self._key(key)
        s3 = await self._client()
        await s3.put_object(Bucket=self.bucket, Key=full, Body=data, ContentType=content_type)
        return f"s3://{self.bucket}/{full}"

    async def get(self, key: str) -> bytes:
        full = self._key(key)
        s3 = await self._client()
        try:
            response = await s3.get_object(Bucket=self.bucket, Key=full)
        except s3.exceptions.NoSuchKey as exc:
            raise KeyError(key) from exc
        async with response["Body"] as body:
            data: bytes = await body.read()
            return data

    async def delete(self, key: str) -> None:
        full = self._key(key)
        s3 = await self._client()
        await s3.delete_object(Bucket=self.bucket, Key=full)

    async def delete_prefix(self, prefix: str) -> int:
        base = self._key(prefix.rstrip("/"))
        s3 = await self._client()
        count = 0
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base):
            # S3 prefixes are plain string prefixes: "resumes/p1" must not take "resumes/p10/...".
            objects = [
                {"Key": o["Key"]}
                for o in page.get("Contents", [])
                if o["Key"] == base or o["Key"].startswith(base + "/")
            ]
            if not objects:
                continue
            response = await s3.delete_objects(Bucket=self.bucket, Delete={"Objects": objects})
            if response.get("Errors"):
                failed = ", ".join(e.get("Key", "?") for e in response["Errors"])
                raise OSError(f"S3 refused to delete {failed}")
            count += len(objects)
        return count

    async def close(self) -> None:
        async with self._opening:
            self._s3 = None
            await self._exit.aclose()


def open_blob_store(settings: Settings, **s3_client_kwargs: Any) -> BlobStore:
    """The store `JOBMESH_BLOB_URL` names, or `JOBMESH_HOME/blobs`."""
    if not settings.blob_url:
        return LocalBlobStore(Path(settings.home) / "blobs")
    parsed = urlparse(settings.blob_url)
    if parsed.scheme == "s3" and parsed.netloc:
        return S3BlobStore(parsed.netloc, parsed.path, **s3_client_kwargs)
    if parsed.scheme == "file":
        return LocalBlobStore(Path(parsed.path))
    raise SettingsError("JOBMESH_BLOB_URL must be s3://bucket/prefix or file:///path")
