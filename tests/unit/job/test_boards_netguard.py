"""NetworkGuard: which URLs board syncs and PreviewFill may reach. No external DNS is used."""

from __future__ import annotations

import httpcore
import httpx
import pytest

from services.common.netguard import BlockedURL, GuardedTransport, NetworkGuard, PinnedBackend

ATS = ("boards-api.greenhouse.io", "api.lever.co", "*.ashbyhq.com")


def _resolving_to(*addresses: str) -> NetworkGuard:
    async def resolver(host: str, port: int) -> list[str]:
        return list(addresses)

    return NetworkGuard(["127.0.0.1:8080", "localhost", "[::1]"], ATS, resolver=resolver)


async def test_public_ats_hosts_over_https_pass() -> None:
    guard = _resolving_to("104.18.1.1", "2606:4700::6810:101")
    await guard.check_url("https://boards-api.greenhouse.io/v1/boards/vercel/jobs?content=true")
    await guard.check_url("https://api.ashbyhq.com:443/posting-api/job-board/gimlet")


async def test_listed_hosts_pass_on_their_ports_including_loopback() -> None:
    guard = _resolving_to("127.0.0.1")
    await guard.check_url("http://127.0.0.1:8080/v0/postings/x")
    await guard.check_url("http://localhost:1234/")
    await guard.check_url("http://[::1]:9/")
    with pytest.raises(BlockedURL, match="loopback"):
        await guard.check_url("http://127.0.0.1:8081/")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("::1", "loopback"),
        ("fd00::1", "private"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
    ],
)
async def test_an_ats_host_resolving_to_a_non_public_address_is_refused(address: str, reason: str) -> None:
    with pytest.raises(BlockedURL, match=reason):
        await _resolving_to("104.18.1.1", address).check_url("https://api.lever.co/v0/postings/x")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://10.0.0.5/", "private"),
        ("https://[::ffff:127.0.0.1]/", "loopback"),
        ("https://[fe80::1]/", "link-local"),
        ("http://127.0.0.2:8080/", "loopback"),
        ("http://0x7f000001/", "non-standard form"),
        ("http://2130706433/", "non-standard form"),
        ("http://127.1/", "non-standard form"),
        ("https://under_score-.example/", "not a valid DNS name"),
        ("https://example.org/", "neither a known ATS host nor in the allowed hosts"),
        ("https://localhost.example/", "neither a known ATS host"),
        ("http://boards-api.greenhouse.io/v1/boards/x/jobs", "over https"),
        ("https://boards-api.greenhouse.io:8443/", "port 443"),
        ("https://user:pw@boards-api.greenhouse.io/", "user name or password"),
        ("https://127.0.0.1:8080@boards-api.greenhouse.io/", "user name or password"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://api.lever.co/", "scheme"),
        ("https:///nohost", "no host"),
    ],
)
async def test_refused_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL, match=reason):
        await _resolving_to("104.18.1.1").check_url(url)


async def test_localhost_is_resolved_and_refused_unless_listed() -> None:
    guard = NetworkGuard([], ["localhost"])
    with pytest.raises(BlockedURL, match="loopback"):
        await guard.check_url("https://localhost/")
    await NetworkGuard(["localhost"], []).check_url("http://localhost:5000/")


async def test_wildcards_match_subdomains_only() -> None:
    guard = _resolving_to("104.18.1.1")
    await guard.check_url("https://jobs.ashbyhq.com/gimlet")
    with pytest.raises(BlockedURL, match="neither"):
        await guard.check_url("https://evilashbyhq.com/")


async def test_the_transport_checks_every_request() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, text="ok")

    guard = NetworkGuard(["127.0.0.1"], [])
    transport = GuardedTransport(guard, httpx.MockTransport(handler))
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.get("http://127.0.0.1/x")).text == "ok"
        with pytest.raises(BlockedURL):
            await client.get("http://169.254.169.254/")
    assert sent == ["http://127.0.0.1/x"]


def test_bad_allowed_host_entries_are_rejected() -> None:
    with pytest.raises(ValueError, match="bad port"):
        NetworkGuard(["example.org:http"], [])


class _RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records where connections would go, and refuses them (no network in unit tests)."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self, host: str, port: int, *args: object, **kwargs: object
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("recorded")


async def test_a_rebinding_answer_cannot_steer_the_connection_to_an_internal_address() -> None:
    answers = [["104.18.1.1"], ["127.0.0.1"]]
    lookups: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return answers[min(len(lookups), len(answers)) - 1]

    guard = NetworkGuard([], ATS, resolver=rebinding)
    recorder = _RecordingBackend()
    async with httpcore.AsyncConnectionPool(network_backend=PinnedBackend(guard, recorder)) as pool:
        with pytest.raises(httpcore.ConnectError):
            await pool.request("GET", "https://api.lever.co/v0/postings/acme")
    # One lookup, and the socket goes to the address that lookup vetted (not to a second answer).
    assert lookups == ["api.lever.co"]
    assert recorder.connects == [("104.18.1.1", 443)]


async def test_the_pinned_backend_refuses_an_internal_answer_before_connecting() -> None:
    recorder = _RecordingBackend()
    backend = PinnedBackend(_resolving_to("104.18.1.1", "10.0.0.7"), recorder)
    async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
        with pytest.raises(BlockedURL, match=r"10\.0\.0\.7, a private address"):
            await pool.request("GET", "https://api.lever.co/v0/postings/acme")
    assert recorder.connects == []


async def test_the_pinned_backend_tries_each_vetted_address_and_leaves_listed_hosts_to_the_system() -> None:
    recorder = _RecordingBackend()
    backend = PinnedBackend(_resolving_to("104.18.1.1", "2606:4700::6810:101"), recorder)
    async with httpcore.AsyncConnectionPool(network_backend=backend) as pool:
        with pytest.raises(httpcore.ConnectError):
            await pool.request("GET", "https://api.lever.co/v0/postings/acme")
        with pytest.raises(httpcore.ConnectError):
            await pool.request("GET", "http://localhost:1234/")
    assert recorder.connects == [("104.18.1.1", 443), ("2606:4700::6810:101", 443), ("localhost", 1234)]
