"""Fetch robots.txt for many origins, politely, safely and with bounded cost per host.

One fetch per origin (scheme, host, port), with a pooled requests session per worker thread and a
global bound on concurrent fetches. Each origin gets a total time budget: connect and read
timeouts stop silent servers, and the deadline, checked between chunks, stops servers that drip
bytes. At most 500 KiB are read (RFC 9309's minimum for parsers), gzip is decoded, a UTF-8 BOM is
dropped and declared charsets are honoured. Redirects are followed by hand (at most 5, http(s)
only), so the address guard vets every hop.

Outcomes (the ``outcome`` column of the snapshot):
- ``ok``: 2xx, the body is the robots.txt;
- ``unavailable``: 4xx other than 429, too many redirects or a redirect off http(s): no
  restrictions (RFC 9309);
- ``unreachable``: 5xx, 429 or network errors after retries with backoff; the filter's
  ``on_unreachable`` policy decides (RFC 9309 says assume full disallow; Apertus kept the data).
  A 429 is no "robots.txt missing" (RFC 9309 leaves it to the crawler): we wait as its Retry-After
  asks when that fits the origin's time budget, and give up at once when it does not;
- ``refused``: the host resolves only to addresses the guard refuses; handled like unreachable.
"""

from __future__ import annotations

import codecs
import email.utils
import hashlib
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from pydantic import Field, field_validator

from clearweb.filters.robots.netguard import AddressGuard, GuardedAdapter, RefusedAddress
from clearweb.pipeline.core.errors import one_line
from clearweb.pipeline.core.settings import StrictModel

MAX_ROBOTS_BYTES = 500 * 1024
T = TypeVar("T")


class CrawlSettings(StrictModel):
    """The crawler's settings (``stages.robots.crawl``). What it fetched is recorded in the snapshot,
    whose content hash is in the lineage, so none of these keys is fingerprinted."""

    execution_keys: ClassVar[frozenset[str]] = frozenset(
        {"tasks", "concurrency", "connect_timeout_s", "read_timeout_s", "total_timeout_s", "max_bytes",
         "max_redirects", "retries", "backoff_s", "user_agent", "resolve", "allow_networks"})

    tasks: int | None = Field(None, ge=1, description="crawl tasks; default: the robots stage's tasks")
    concurrency: int = Field(64, ge=1, description="fetches in flight per task")
    connect_timeout_s: float = Field(5.0, gt=0)
    read_timeout_s: float = Field(10.0, gt=0)
    total_timeout_s: float = Field(30.0, gt=0, description="cap per origin, retries included")
    max_bytes: int = Field(MAX_ROBOTS_BYTES, ge=MAX_ROBOTS_BYTES, description="RFC 9309: parse at least 500 KiB")
    max_redirects: int = Field(5, ge=0)
    retries: int = Field(2, ge=0)
    backoff_s: float = Field(1.0, ge=0)
    user_agent: str = "clearweb-robots/0.1"
    resolve: dict[str, str] = Field(default_factory=dict, description="host -> ip[:port], like curl --resolve")
    allow_networks: list[str] = Field(default_factory=list, description="non-public networks we may connect to")

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad entry
        return value


@dataclass
class RobotsFetch:
    """One snapshot row: what an origin's /robots.txt answered, and when."""

    origin: str
    url: str
    final_url: str | None
    fetched_at: str
    status: int | None
    body: str | None
    sha256: str | None
    error: str | None
    outcome: str


class _Transient(Exception):
    """Worth another attempt: 5xx, 429, network errors; ``retry_after`` is the server's wish in seconds."""

    def __init__(self, error: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(error)
        self.error, self.status, self.retry_after = error, status, retry_after


class _Deadline(Exception):
    pass


def retry_after_s(value: str | None) -> float | None:
    """Seconds a Retry-After header asks us to wait (delay-seconds or an HTTP-date; 0 for a past
    date), None when absent or unreadable."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def decode_robots(raw: bytes, content_type: str | None) -> str:
    """Text of a robots.txt body: BOMs first, then the declared charset, else UTF-8 (RFC 9309)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace")
    charset = None
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if charset:
        try:
            return raw.decode(charset, errors="replace")
        except LookupError:
            pass
    return raw.decode("utf-8", errors="replace")


class RobotsCrawler:
    """``RobotsCrawler(settings).fetch_all(origins)`` yields one RobotsFetch per origin."""

    def __init__(self, settings: CrawlSettings | None = None):
        self.settings = settings or CrawlSettings()
        self.guard = AddressGuard(self.settings.resolve, self.settings.allow_networks)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies: they would bypass the address guard
            adapter = GuardedAdapter(self.guard, pool_connections=32, pool_maxsize=32, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"})
            self._local.session = session
        return session

    def fetch_all(self, origins: Iterable[str]) -> Iterator[RobotsFetch]:
        """Fetch robots.txt concurrently (at most ``concurrency`` at once), yielding as they finish."""
        return self.map(self.fetch, origins)

    def map(self, fetch: Callable[[str], T], origins: Iterable[str]) -> Iterator[T]:
        """Apply ``fetch`` to every origin on the bounded thread pool, yielding results as they finish."""
        window = max(1, self.settings.concurrency)
        with ThreadPoolExecutor(max_workers=window, thread_name_prefix="robots") as pool:
            pending: set[Future] = set()
            for origin in origins:
                pending.add(pool.submit(fetch, origin))
                if len(pending) >= window * 2:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            for future in pending:
                yield future.result()

    def fetch(self, origin: str) -> RobotsFetch:
        """Fetch ``origin``/robots.txt with retries inside the origin's total time budget."""
        return self.fetch_path(origin, "/robots.txt")

    def fetch_path(self, origin: str, path: str) -> RobotsFetch:
        """Fetch a site-wide file (robots.txt, /.well-known/tdmrep.json) with the same rules."""
        settings = self.settings
        url = origin.rstrip("/") + path
        deadline = time.monotonic() + settings.total_timeout_s
        fetched_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        error = "no attempt"
        status: int | None = None
        retry_after: float | None = None
        for attempt in range(settings.retries + 1):
            if attempt:
                backoff = settings.backoff_s * 2 ** (attempt - 1)
                pause = max(backoff, retry_after or 0.0)
                if time.monotonic() + pause >= deadline:
                    if retry_after is not None and retry_after > backoff:
                        error += f" (Retry-After {retry_after:g}s does not fit the {settings.total_timeout_s:g}s budget)"
                    break
                time.sleep(pause)
            try:
                return self._attempt(origin, url, deadline, fetched_at)
            except RefusedAddress as exc:
                return RobotsFetch(origin, url, None, fetched_at, None, None, None, str(exc), "refused")
            except _Transient as exc:
                error, status, retry_after = exc.error, exc.status, exc.retry_after
            except _Deadline:
                error = f"total time budget of {settings.total_timeout_s}s exceeded"
                break
        return RobotsFetch(origin, url, None, fetched_at, status, None, None, error, "unreachable")

    def _attempt(self, origin: str, url: str, deadline: float, fetched_at: str) -> RobotsFetch:
        settings = self.settings
        current = url
        for _ in range(settings.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                return RobotsFetch(origin, url, current, fetched_at, None, None, None,
                                   f"redirect to a non-http(s) URL: {current[:200]}", "unavailable")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Deadline()
            timeout = (min(settings.connect_timeout_s, remaining), min(settings.read_timeout_s, remaining))
            try:
                with self._session().get(current, stream=True, allow_redirects=False, timeout=timeout) as response:
                    status = response.status_code
                    if response.is_redirect:
                        current = urljoin(current, response.headers["Location"])
                        continue
                    if status >= 500 or status == 429:
                        raise _Transient(f"HTTP {status}", status, retry_after_s(response.headers.get("Retry-After")))
                    if not 200 <= status < 300:
                        return RobotsFetch(origin, url, current, fetched_at, status, None, None, None, "unavailable")
                    raw = self._read_capped(response, deadline)
                    body = decode_robots(raw, response.headers.get("Content-Type"))
                    return RobotsFetch(origin, url, current, fetched_at, status, body,
                                       hashlib.sha256(raw).hexdigest(), None, "ok")
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                raise _Transient(one_line(exc)) from None
        return RobotsFetch(origin, url, current, fetched_at, None, None, None,
                           f"more than {settings.max_redirects} redirects", "unavailable")

    def _read_capped(self, response: requests.Response, deadline: float) -> bytes:
        # read1 returns after one socket read, so the deadline is checked however slowly bytes come;
        # iter_content would block until a whole chunk had arrived.
        chunks, size = [], 0
        while size < self.settings.max_bytes:
            if time.monotonic() > deadline:
                raise _Deadline()
            try:
                chunk = response.raw.read1(65536, decode_content=True)
            except (OSError, urllib3.exceptions.HTTPError) as exc:
                raise _Transient(one_line(exc)) from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)[: self.settings.max_bytes]
