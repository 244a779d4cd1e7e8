"""One behavioural suite for both blob stores: a local directory and S3 (moto's server on loopback).

The S3 store talks real HTTP to moto through aioboto3, with credentials passed as client
arguments; no environment variable is set. Each test gets its own bucket or directory.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aioboto3
import pytest
from moto.server import ThreadedMotoServer

from services.common.blobs import BlobStore, LocalBlobStore, S3BlobStore, open_blob_store
from services.common.crypto import DecryptionError, Envelope
from services.common.settings import Settings, SettingsError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def s3_client_kwargs() -> Iterator[dict[str, Any]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield {
            "endpoint_url": f"http://{host}:{port}",
            "aws_access_key_id": "jobmesh-test",
            "aws_secret_access_key": "jobmesh-test-secret",
            "region_name": "us-east-1",
        }
    finally:
        server.stop()


async def _new_bucket(client_kwargs: dict[str, Any]) -> str:
    bucket = f"jobmesh-{uuid.uuid4().hex[:12]}"
    async with aioboto3.Session().client("s3", **client_kwargs) as s3:
        await s3.create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture(params=["local", "s3"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, s3_client_kwargs: dict[str, Any]
) -> AsyncIterator[BlobStore]:
    if request.param == "local":
        blobs: BlobStore = LocalBlobStore(tmp_path / "blobs")
    else:
        blobs = S3BlobStore(await _new_bucket(s3_client_kwargs), "tenant/a", **s3_client_kwargs)
    yield blobs
    await blobs.close()


async def test_put_then_get_returns_the_same_bytes(store: BlobStore) -> None:
    data = secrets.token_bytes(70_000) + b"\x00\xff"
    location = await store.put("resumes/p1/cv.pdf", data, "application/pdf")
    assert location.endswith("resumes/p1/cv.pdf")
    assert await store.get("resumes/p1/cv.pdf") == data


async def test_put_overwrites_an_existing_key(store: BlobStore) -> None:
    await store.put("shots/run1/step1.png", b"first")
    await store.put("shots/run1/step1.png", b"second")
    assert await store.get("shots/run1/step1.png") == b"second"


async def test_get_of_a_missing_key_raises_key_error(store: BlobStore) -> None:
    with pytest.raises(KeyError):
        await store.get("resumes/nobody/cv.pdf")


async def test_get_of_a_key_that_is_only_a_prefix_raises_key_error(store: BlobStore) -> None:
    await store.put("traces/run1/trace.zip", b"zip")
    with pytest.raises(KeyError):
        await store.get("traces/run1")
    with pytest.raises(KeyError):
        await store.get("traces/run1/trace.zip/inner")


async def test_delete_removes_the_key_and_is_idempotent(store: BlobStore) -> None:
    await store.put("resumes/p1/cv.pdf", b"cv")
    await store.put("resumes/p1/cover.pdf", b"cover")
    await store.delete("resumes/p1/cv.pdf")
    with pytest.raises(KeyError):
        await store.get("resumes/p1/cv.pdf")
    assert await store.get("resumes/p1/cover.pdf") == b"cover"
    await store.delete("resumes/p1/cv.pdf")


async def test_delete_prefix_removes_only_that_prefix_and_counts(store: BlobStore) -> None:
    doomed = ["resumes/p1/a.pdf", "resumes/p1/b.pdf", "resumes/p1/old/c.pdf"]
    kept = ["resumes/p10/a.pdf", "resumes/p2/a.pdf", "resumes/p1.pdf", "shots/p1/a.png"]
    for key in doomed + kept:
        await store.put(key, key.encode())
    assert await store.delete_prefix("resumes/p1/") == len(doomed)
    for key in doomed:
        with pytest.raises(KeyError):
            await store.get(key)
    for key in kept:
        assert await store.get(key) == key.encode()
    assert await store.delete_prefix("resumes/p1") == 0


async def test_delete_prefix_naming_one_key_removes_it(store: BlobStore) -> None:
    await store.put("exports/p1.json", b"{}")
    assert await store.delete_prefix("exports/p1.json") == 1
    with pytest.raises(KeyError):
        await store.get("exports/p1.json")


@pytest.mark.parametrize(
    "key", ["../x", "a/../../x", "/abs", "a//b", "", "a/", "./a", "a/./b", "a b", ".hidden"]
)
async def test_invalid_keys_are_refused_before_any_io(store: BlobStore, key: str) -> None:
    with pytest.raises(ValueError):
        await store.put(key, b"x")
    with pytest.raises(ValueError):
        await store.get(key)
    with pytest.raises(ValueError):
        await store.delete(key)


async def test_a_local_key_cannot_escape_the_root(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "root")
    with pytest.raises(ValueError):
        await store.put("../outside", b"x")
    with pytest.raises(ValueError):
        await store.delete_prefix("..")
    assert not (tmp_path / "outside").exists()


async def test_sealed_blobs_hide_the_plaintext_and_open_only_with_key_and_place(store: BlobStore) -> None:
    master = secrets.token_bytes(32)
    plaintext = b"%PDF-1.7 Jane Doe, jane@example.com, +1 555 0100 " * 50
    key = "resumes/p1/cv.pdf"
    await store.put(key, Envelope(master).seal(plaintext, aad=key.encode()))

    stored = await store.get(key)
    assert plaintext not in stored
    assert b"Jane Doe" not in stored
    assert Envelope(master).open(stored, aad=key.encode()) == plaintext

    with pytest.raises(DecryptionError):
        Envelope(master).open(stored, aad=b"resumes/p2/cv.pdf")
    with pytest.raises(DecryptionError):
        Envelope(secrets.token_bytes(32)).open(stored, aad=key.encode())
    tampered = bytearray(stored)
    tampered[len(tampered) // 2] ^= 0x01
    await store.put(key, bytes(tampered))
    with pytest.raises(DecryptionError):
        Envelope(master).open(await store.get(key), aad=key.encode())


async def test_open_blob_store_follows_the_blob_url(tmp_path: Path, s3_client_kwargs: dict[str, Any]) -> None:
    default = open_blob_store(Settings(home=tmp_path))
    assert isinstance(default, LocalBlobStore)
    await default.put("a/b", b"local")
    assert (tmp_path / "blobs" / "a" / "b").read_bytes() == b"local"

    file_store = open_blob_store(Settings(home=tmp_path, blob_url=(tmp_path / "elsewhere").as_uri()))
    await file_store.put("a/b", b"file")
    assert (tmp_path / "elsewhere" / "a" / "b").read_bytes() == b"file"

    bucket = await _new_bucket(s3_client_kwargs)
    s3_store = open_blob_store(
        Settings(home=tmp_path, blob_url=f"s3://{bucket}/jobmesh/"), **s3_client_kwargs
    )
    try:
        assert s3_store.url == f"s3://{bucket}/jobmesh"
        assert await s3_store.put("a/b", b"s3") == f"s3://{bucket}/jobmesh/a/b"
        async with aioboto3.Session().client("s3", **s3_client_kwargs) as s3:
            response = await s3.get_object(Bucket=bucket, Key="jobmesh/a/b")
            async with response["Body"] as body:
                assert await body.read() == b"s3"
        assert await s3_store.get("a/b") == b"s3"
    finally:
        await s3_store.close()


@pytest.mark.parametrize("url", ["gs://bucket/x", "s3:///no-bucket", "https://bucket.example/x"])
def test_open_blob_store_refuses_other_urls(tmp_path: Path, url: str) -> None:
    with pytest.raises(SettingsError, match="JOBMESH_BLOB_URL"):
        open_blob_store(Settings(home=tmp_path, blob_url=url))
