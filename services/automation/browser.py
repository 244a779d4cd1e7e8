"""One Chromium per worker process, one fresh BrowserContext per application.

`BrowserPool` launches the browser lazily, relaunches it after a crash, caps concurrent
contexts, blocks third-party images, fonts, media and tracker requests (and, given an
`AddressCheck`, every request to an internal address), and closes everything
within a grace period. It knows nothing about forms or applications and never reads settings
from the environment: the caller passes them in.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Playwright, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from services.automation.addresses import AddressCheck
from services.common.netguard import NetworkGuard
from services.common.settings import Settings

log = logging.getLogger(__name__)

SYSTEM_CHROMIUM = "/usr/bin/chromium"
# The switches any headless script passes (the benchmark's naive bot uses exactly these).
BASE_CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)
# What Playwright 1.65 itself disables. Chromium reads only the LAST --disable-features switch,
# so ours must repeat these; tests/integration/automation/test_browser_switches.py fails when
# the installed Playwright disables a feature this list lacks.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# New-headless Chromium preloads the address bar's suggestion popups (two WebUI renderers) for
# every context although headless never shows them: about half of a context's CPU.
UNUSED_BROWSER_UI_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
CHROMIUM_ARGS = (
    *BASE_CHROMIUM_ARGS,
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *UNUSED_BROWSER_UI_FEATURES)),
)
BLOCKED_THIRD_PARTY_TYPES = frozenset({"image", "font", "media"})
TRACKER_HOSTS = (
    "google-analytics.com",
    "googletagmanager.com",
    "doubleclick.net",
    "googleadservices.com",
    "facebook.net",
    "connect.facebook.net",
    "hotjar.com",
    "segment.io",
    "segment.com",
    "mixpanel.com",
    "fullstory.com",
    "clarity.ms",
    "bat.bing.com",
    "linkedin.com/px",
    "ads.linkedin.com",
    "snap.licdn.com",
    "px.ads.linkedin.com",
    "adsrvr.org",
    "quantserve.com",
    "scorecardresearch.com",
    "newrelic.com",
    "nr-data.net",
    "intercom.io",
    "heapanalytics.com",
    "amplitude.com",
    "optimizely.com",
)
# Second-level labels under which registries sell names (co.uk, com.au, ...): the registrable
# host then keeps three labels. A short list on purpose; it only decides what counts as first party.
_MULTI_LABEL_SUFFIXES = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "gob"})


def resolve_chromium(configured: str | None) -> str | None:
    """The Chromium to launch: the configured one, else the system one, else None (Playwright's own)."""
    if configured:
        return configured
    return SYSTEM_CHROMIUM if os.path.exists(SYSTEM_CHROMIUM) else None


def registrable_host(host: str) -> str:
    """The part of `host` a single owner controls: `boards.greenhouse.io` -> `greenhouse.io`."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return host
    labels = host.split(".")
    if len(labels) <= 2:
        return host
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in _MULTI_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_tracker(url: str, trackers: Iterable[str] = TRACKER_HOSTS) -> bool:
    """Whether `url` is on a tracker host (or under a tracker path such as `linkedin.com/px`)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lstrip("/")
    for tracker in trackers:
        tracker_host, _, tracker_path = tracker.partition("/")
        if (host == tracker_host or host.endswith("." + tracker_host)) and path.startswith(tracker_path):
            return True
    return False


class RequestFilter:
    """Decides which requests a context lets through, given the site the application is on."""

    def __init__(self, allowed_hosts: Iterable[str] = (), trackers: Iterable[str] = TRACKER_HOSTS) -> None:
        self.allowed = frozenset(registrable_host(h) for h in allowed_hosts)
        self.trackers = tuple(trackers)

    def first_party(self, url: str, site_url: str) -> bool:
        if not site_url.startswith(("http:", "https:")):
            return True
        site = registrable_host(_host_of(site_url))
        target = registrable_host(_host_of(url))
        return target == site or target in self.allowed

    def blocks(self, url: str, resource_type: str, site_url: str) -> bool:
        if not url.startswith(("http:", "https:")):
            return False
        if self.first_party(url, site_url):
            return False
        return resource_type in BLOCKED_THIRD_PARTY_TYPES or is_tracker(url, self.trackers)


class BrowserPool:
    """Shared Chromium with at most `max_contexts` application contexts open at once."""

    def __init__(
        self,
        *,
        executable: str | None = None,
        max_contexts: int = 4,
        default_timeout_ms: float = 15_000,
        navigation_timeout_ms: float = 30_000,
        allowed_hosts: Iterable[str] = (),
        trackers: Iterable[str] = TRACKER_HOSTS,
        close_grace_seconds: float = 10.0,
        headless: bool = True,
        addresses: AddressCheck | None = None,
    ) -> None:
        self.addresses = addresses
        self.executable = resolve_chromium(executable)
        self.max_contexts = max_contexts
        self.default_timeout_ms = default_timeout_ms
        self.navigation_timeout_ms = navigation_timeout_ms
        self.close_grace_seconds = close_grace_seconds
        self.headless = headless
        self.filter = RequestFilter(allowed_hosts, trackers)
        self._slots = asyncio.Semaphore(max_contexts)
        self._launch_lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._contexts: set[BrowserContext] = set()
        self._closed = False
        self.launches = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> BrowserPool:
        """A pool sized and configured from the process settings."""
        return cls(
            executable=settings.chromium,
            max_contexts=settings.worker_concurrency,
            allowed_hosts=settings.allowed_hosts,
            addresses=AddressCheck(NetworkGuard(settings.allowed_hosts)),
        )

    async def __aenter__(self) -> BrowserPool:
        await self.browser()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def open_contexts(self) -> int:
        return len(self._contexts)

    async def browser(self) -> Browser:
        """The running browser, launched (again) if it is missing or has crashed."""
        async with self._launch_lock:
            if self._closed:
                raise RuntimeError("browser pool is closed")
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                log.warning("chromium disconnected; relaunching")
            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable, args=list(CHROMIUM_ARGS), headless=self.headless
            )
            self.launches += 1
            return self._browser

    @asynccontextmanager
    async def context(
        self, *, site_url: str | None = None, locale: str = "en-US"
    ) -> AsyncIterator[BrowserContext]:
        """A fresh context for one application; `site_url` fixes the first party (default: each page's URL)."""
        async with self._slots:
            browser = await self.browser()
            ctx = await browser.new_context(locale=locale, accept_downloads=False, service_workers="block")
            self._contexts.add(ctx)
            try:
                ctx.set_default_timeout(self.default_timeout_ms)
                ctx.set_default_navigation_timeout(self.navigation_timeout_ms)
                await ctx.route("**/*", self._router(site_url))
                yield ctx
            finally:
                self._contexts.discard(ctx)
                with suppress(PlaywrightError):
                    await ctx.close()

    def _router(self, site_url: str | None) -> Callable[[Route], Awaitable[None]]:
        async def handle(route: Route) -> None:
            request = route.request
            site = site_url
            if site is None:
                site = _page_url(route)
            if self.filter.blocks(request.url, request.resource_type, site):
                await route.abort("blockedbyclient")
                return
            if self.addresses is not None and await self.addresses.refusal(request.url):
                await route.abort("accessdenied")
                return
            await route.continue_()

        return handle

    async def close(self) -> None:
        """Close open contexts, the browser and Playwright, giving up after the grace period."""
        self._closed = True
        try:
            await asyncio.wait_for(self._shutdown(), self.close_grace_seconds)
        except TimeoutError:
            log.warning("browser pool did not close within %.1fs", self.close_grace_seconds)

    async def _shutdown(self) -> None:
        for ctx in list(self._contexts):
            with suppress(PlaywrightError):
                await ctx.close()
        self._contexts.clear()
        if self._browser is not None:
            with suppress(PlaywrightError):
                await self._browser.close()
            self._browser = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None


def _page_url(route: Route) -> str:
    """The top-level URL of the page that made the request ('' when it has none)."""
    request = route.request
    try:
        frame = request.frame
    except PlaywrightError:
        return ""
    if request.is_navigation_request() and frame.parent_frame is None:
        return request.url
    return frame.page.main_frame.url
