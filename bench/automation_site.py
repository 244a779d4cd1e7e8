"""Employer sites for the automation benchmark: the local ATS look-alikes with realistic page weight.

Every HTML page the sites serve gets what real careers pages carry from other origins: web
fonts, a hero image, a photo gallery, a logo and a tracking pixel, served by a "CDN" on a
second host name (`localhost` against the sites' `127.0.0.x`) after a fixed delay that stands
in for the network. The sites listen on several loopback addresses, one per employer, all in
one background thread with its own event loop so the benchmark's own work never slows them.
Submissions are recorded by tests.sites.ats; this module must not measure anything itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.sites.ats import SubmissionRecorder, create_ats_app
from tests.sites.server import serve_app

SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)


@dataclass(frozen=True)
class PageWeight:
    """What each page loads from the third-party origin, and how slowly that origin answers."""

    hero: tuple[int, int] = (1600, 900)
    gallery: int = 6
    photo: tuple[int, int] = (480, 360)
    fonts: int = 2
    latency_seconds: float = 0.12

    def describe(self) -> str:
        return (
            f"{self.fonts} web fonts, a {self.hero[0]}×{self.hero[1]} hero image, {self.gallery} "
            f"{self.photo[0]}×{self.photo[1]} photos, a logo and a tracking pixel, all from a second "
            f"origin that answers after {self.latency_seconds * 1000:.0f} ms"
        )


def png(width: int, height: int, seed: int) -> bytes:
    """A valid RGB PNG the browser really decodes at `width`×`height` pixels.

    A gradient with one row of noise in fourteen, which compresses to about what a photo
    of that size weighs as a JPEG (a 1600×900 hero is ~300 kB).
    """
    noise = random.Random(seed)
    pattern = bytes((i + seed) & 255 for i in range(3 * width + 256))
    raw = b"".join(
        b"\x00" + (noise.randbytes(3 * width) if y % 14 == 0 else pattern[y % 256 : y % 256 + 3 * width])
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(raw, 6)),
            chunk(b"IEND", b""),
        )
    )


def _font(index: int) -> bytes:
    """A real TrueType font when the system has one (the browser parses it), else opaque bytes."""
    if index < len(SYSTEM_FONTS) and SYSTEM_FONTS[index].is_file():
        return SYSTEM_FONTS[index].read_bytes()
    return hashlib.sha256(str(index).encode()).digest() * 4096


def third_party_assets(weight: PageWeight) -> dict[str, tuple[bytes, str]]:
    """Path → (body, content type) for everything the pages reference on the other origin."""
    assets = {
        "/img/hero.png": (png(*weight.hero, seed=7), "image/png"),
        "/img/logo.png": (png(240, 80, seed=3), "image/png"),
        "/px.gif": (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "image/gif",
        ),
    }
    for i in range(weight.gallery):
        assets[f"/img/team-{i}.png"] = (png(*weight.photo, seed=31 * i), "image/png")
    for i in range(weight.fonts):
        assets[f"/fonts/brand-{i}.ttf"] = (_font(i), "font/ttf")
    return assets


def injected_markup(origin: str, weight: PageWeight) -> tuple[bytes, bytes]:
    """(into <head>, before </body>): the fonts, images and pixel a careers page carries."""
    faces = "".join(
        f"@font-face {{ font-family: Brand{i}; src: url({origin}/fonts/brand-{i}.ttf); }}"
        for i in range(weight.fonts)
    )
    families = ", ".join(f"Brand{i}" for i in range(weight.fonts)) or "sans-serif"
    head = f"<style>{faces} body, h1, h2 {{ font-family: {families}, sans-serif; }}</style>"
    photos = "".join(
        f'<img src="{origin}/img/team-{i}.png" alt="" width="{weight.photo[0] // 2}">'
        for i in range(weight.gallery)
    )
    tail = (
        f'<footer class="brand"><img src="{origin}/img/logo.png" alt="logo">'
        f'<img src="{origin}/img/hero.png" alt="" width="800"><div class="gallery">{photos}</div>'
        f'<img src="{origin}/px.gif?ev=pageview" alt="" width="1" height="1"></footer>'
    )
    return head.encode(), tail.encode()


class InjectThirdParty:
    """ASGI middleware adding `injected_markup` to every HTML response of the wrapped app."""

    def __init__(self, app: ASGIApp, head: bytes, tail: bytes) -> None:
        self.app = app
        self.head = head
        self.tail = tail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = bytearray()

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send(start, bytes(body), send)

        await self.app(scope, receive, buffered)

    async def _send(self, start: Message, body: bytes, send: Send) -> None:
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        content_type = dict(start["headers"]).get(b"content-type", b"")
        if content_type.startswith(b"text/html"):
            body = body.replace(b"</head>", self.head + b"</head>", 1).replace(
                b"</body>", self.tail + b"</body>", 1
            )
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def cdn_app(assets: dict[str, tuple[bytes, str]], latency: float) -> Starlette:
    async def asset(request: Request) -> Response:
        await asyncio.sleep(latency)
        found = assets.get(request.url.path)
        if found is None:
            return Response(b"", status_code=404)
        data, content_type = found
        return Response(data, media_type=content_type, headers={"cache-control": "public, max-age=3600"})

    return Starlette(routes=[Route("/{path:path}", asset)])


@dataclass
class Sites:
    """The running employer sites: one base URL per employer, the CDN origin and the recorder."""

    employers: int = 8
    weight: PageWeight = field(default_factory=PageWeight)
    recorder: SubmissionRecorder = field(default_factory=SubmissionRecorder)
    base_urls: list[str] = field(default_factory=list)
    cdn_origin: str = ""

    def hosts(self) -> list[str]:
        return [f"127.0.0.{i + 2}" for i in range(self.employers)]

    def greenhouse_url(self, index: int, job_id: str) -> str:
        """The form of job `job_id` at employer `index % employers` (Greenhouse look-alike)."""
        return f"{self.base_urls[index % len(self.base_urls)]}/greenhouse/acme/jobs/{job_id}"

    async def _serve(self, ready: threading.Event, stop: asyncio.Event) -> None:
        assets = third_party_assets(self.weight)
        async with contextlib.AsyncExitStack() as stack:
            cdn = await stack.enter_async_context(serve_app(cdn_app(assets, self.weight.latency_seconds)))
            # Same server, other host name: another site, hence third party, for the browser.
            self.cdn_origin = cdn.replace("127.0.0.1", "localhost")
            head, tail = injected_markup(self.cdn_origin, self.weight)
            site = InjectThirdParty(create_ats_app(self.recorder), head, tail)
            for host in self.hosts():
                self.base_urls.append(await stack.enter_async_context(serve_app(site, host=host)))
            ready.set()
            await stop.wait()

    @contextlib.contextmanager
    def running(self) -> Iterator[Sites]:
        """Serves the sites from a background thread until the block ends."""
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        failure: list[BaseException] = []

        def main() -> None:
            try:
                loop.run_until_complete(self._serve(ready, stop))
            except BaseException as exc:
                failure.append(exc)
                ready.set()
            finally:
                loop.close()

        thread = threading.Thread(target=main, name="bench-sites", daemon=True)
        thread.start()
        ready.wait(60)
        if failure:
            raise RuntimeError(f"the benchmark sites did not start: {failure[0]!r}") from failure[0]
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(30)
