"""Crawl-time robots.txt: the files Common Crawl archived while it crawled, as a second snapshot.

Common Crawl fetches a host's robots.txt before crawling it and archives every such fetch
(``crawl-data/<crawl>/robotstxt.paths.gz`` lists the WARC files; redirects, 4xx and 5xx answers
included). Large hosts are fetched many times per crawl, so every capture of the run's origins (and
of their sites' other origins, where redirects lead: ``http://a.de`` to ``https://www.a.de``) is
kept, and a page is judged by the last capture at or before its own fetch date (the first one
when the page came earlier): the rules the crawler obeyed when it took the page.

The fetch stage reads the archive (its ``robots_archive`` artifact, captures of the run's origins
only, in the data contract's ``ROBOTS_CAPTURE`` schema); the filter reads them here. An answer maps to the
snapshot's outcomes as a live fetch would: 2xx ``ok``, 4xx ``unavailable``, 5xx and 429
``unreachable``, and a redirect is followed through the captures (at most 5 hops) or, when its
target was not archived (or lies on another site), counts as ``unreachable`` (``redirect ... not
archived``), which ``on_unreachable`` decides.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from clearweb.filters.robots.crawler import RobotsFetch, decode_robots
from clearweb.filters.robots.rules import path_of
from clearweb.pipeline.core.contract import ROBOTS_CAPTURE
from clearweb.pipeline.core.provenance import origin_of

MAX_REDIRECTS = 5
_CRAWL = re.compile(r"crawl-data/(CC-MAIN-[A-Za-z0-9-]+)/")


def crawl_of(name: str | None) -> str | None:
    """``CC-MAIN-2024-10`` for a shard named ``crawl-data/CC-MAIN-2024-10/segments/...``."""
    match = _CRAWL.search(name or "")
    return match.group(1) if match else None


@dataclass(frozen=True)
class Capture:
    """One archived robots.txt fetch (a ``ROBOTS_CAPTURE`` row)."""

    crawl: str
    origin: str
    url: str
    fetched_at: str
    status: int
    content_type: str | None
    body: bytes | None
    sha256: str | None
    location: str | None  # a redirect's target, absolute


class CrawlTimeSnapshot:
    """The archived captures by (crawl, origin), in fetch order: ``entry(crawl, origin, date)``."""

    def __init__(self, captures: list[Capture]):
        self._by_origin: dict[tuple[str, str], list[Capture]] = {}
        self._by_url: dict[tuple[str, str], list[Capture]] = {}
        for capture in sorted(captures, key=lambda c: c.fetched_at):
            self._by_origin.setdefault((capture.crawl, capture.origin), []).append(capture)
            self._by_url.setdefault((capture.crawl, _url_key(capture.url)), []).append(capture)
        self._dates = {key: [c.fetched_at for c in found] for key, found in self._by_origin.items()}
        #: (id of the first capture, id of the one answering) -> the entry: each body is decoded once
        self._decoded: dict[tuple[int, int], RobotsFetch] = {}

    @classmethod
    def read(cls, folder: str | Path | None) -> CrawlTimeSnapshot:
        captures = []
        for path in sorted(Path(folder).glob("*.parquet")) if folder else []:
            rows = pq.read_table(path, schema=ROBOTS_CAPTURE).to_pylist()
            captures += [Capture(**row) for row in rows if row["fetched_at"] and row["status"] is not None]
        return cls(captures)

    def __len__(self) -> int:
        return sum(len(found) for found in self._by_origin.values())

    def crawls(self) -> list[str]:
        return sorted({crawl for crawl, _ in self._by_origin})

    def entry(self, crawl: str | None, origin: str, fetch_date: str | None) -> RobotsFetch | None:
        """The robots.txt in force for a page of ``origin`` fetched at ``fetch_date`` (ISO dates
        compare as strings), as a snapshot entry; None when the crawl archived none."""
        found = self._by_origin.get((crawl, origin)) if crawl else None
        if not found:
            return None
        index = max(bisect_right(self._dates[(crawl, origin)], fetch_date or "") - 1, 0)
        return self._resolve(found[index], fetch_date)

    def _resolve(self, capture: Capture, fetch_date: str | None) -> RobotsFetch:
        first = capture
        for _ in range(MAX_REDIRECTS + 1):
            if not 300 <= capture.status < 400:
                key = (id(first), id(capture))
                if key not in self._decoded:
                    self._decoded[key] = _as_fetch(first.origin, first.url, capture)
                return self._decoded[key]
            if not capture.location:
                return RobotsFetch(first.origin, first.url, capture.url, first.fetched_at, capture.status, None, None,
                                   "a redirect without Location", "unavailable")
            targets = self._by_url.get((capture.crawl, _url_key(capture.location)))
            if not targets:
                return RobotsFetch(first.origin, first.url, capture.location, first.fetched_at, capture.status, None,
                                   None, f"redirect to {capture.location[:200]} not archived", "unreachable")
            dates = [c.fetched_at for c in targets]
            capture = targets[max(bisect_right(dates, fetch_date or "") - 1, 0)]
        return RobotsFetch(first.origin, first.url, capture.url, first.fetched_at, capture.status, None, None,
                           f"more than {MAX_REDIRECTS} redirects", "unavailable")


def _url_key(url: str) -> str:
    """A URL as captures are looked up: its origin normalised (case, default port), then its path."""
    return f"{origin_of(url)}{path_of(url)}"


def _as_fetch(origin: str, url: str, capture: Capture) -> RobotsFetch:
    status = capture.status
    if 200 <= status < 300:
        outcome, error = "ok", None
    elif status >= 500 or status == 429:
        outcome, error = "unreachable", f"HTTP {status}"
    else:
        outcome, error = "unavailable", None
    body = decode_robots(capture.body or b"", capture.content_type) if outcome == "ok" else None
    return RobotsFetch(origin, url, capture.url, capture.fetched_at, status, body, capture.sha256, error, outcome)
