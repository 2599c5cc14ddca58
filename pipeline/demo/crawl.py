"""Pack the demo web into Common Crawl-style WARC shards and a ``warc.paths.gz``.

The layout mirrors Common Crawl (``crawl-data/<crawl>/segments/.../warc/*.warc.gz``, one gzip member
per record, request + response pairs, a warcinfo record first), so the fetch stage reads the demo
through exactly the code path it uses for a real crawl id. Besides the HTML pages, each shard holds
records the reader must skip and count: images, PDFs, 404s and redirects. Record ids and dates are
derived from the URL, so the same demo gives the same documents on every machine. Like Common Crawl,
the demo also archives the robots.txt answers its crawl saw (``robotstxt.paths.gz``, one WARC file),
for the robots stage's crawl-time policy.
"""

from __future__ import annotations

import gzip
import io
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from clearweb.pipeline.demo.corpus import all_labels
from clearweb.pipeline.demo.recipe_pages import low_quality_pages, syndicated_pages
from clearweb.pipeline.demo.server import Response
from clearweb.pipeline.demo.site import Host, Page, build_hosts, build_pages, crawl_time_robots

CRAWL_ID = "CC-MAIN-DEMO"
SHARDS = 4
_SEGMENT = "1700000000000.00"


@dataclass
class DemoCrawl:
    root: Path
    hosts: list[Host]
    pages: list[Page]
    shard_paths: list[str]  # relative to root, as listed in warc.paths.gz

    @property
    def paths_file(self) -> Path:
        return self.root / "crawl-data" / CRAWL_ID / "warc.paths.gz"

    @property
    def robotstxt_paths_file(self) -> Path:
        return self.root / "crawl-data" / CRAWL_ID / "robotstxt.paths.gz"

    def routes(self) -> dict[tuple[str, str], list[Response]]:
        """Per-host robots.txt (and tdmrep.json) behaviour for the loopback server."""
        routes: dict[tuple[str, str], list[Response]] = {}
        for host in self.hosts:
            spec = host.robots
            if spec.redirect_to:
                routes[(host.name, "/robots.txt")] = [Response(status=spec.status,
                                                               headers={"Location": spec.redirect_to})]
                routes[(host.name, spec.redirect_to)] = [Response(body=spec.body.encode())]
            else:
                routes[(host.name, "/robots.txt")] = [Response(status=spec.status, body=spec.body.encode(),
                                                               delay_s=spec.delay_s)]
            if host.tdmrep_json is not None:
                routes[(host.name, "/.well-known/tdmrep.json")] = [Response(
                    body=host.tdmrep_json.encode(), headers={"Content-Type": "application/json"})]
        return routes


def _record_id(url: str, kind: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, kind + ':' + url)}>"


def _warc_date(index: int) -> str:
    """Capture dates spread over 2015-2024: the retroactive robots filter applies to old crawls."""
    moment = datetime(2015, 1, 1, tzinfo=timezone.utc) + timedelta(days=(index * 37) % 3650, seconds=index * 61)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_exchange(writer: WARCWriter, url: str, status: str, headers: list[tuple[str, str]], body: bytes,
                    index: int, payload_type: str | None) -> None:
    date = _warc_date(index)
    host = url.split("/")[2]
    request = writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders(f"GET /{url.split('/', 3)[3]} HTTP/1.1",
                                      [("Host", host), ("User-Agent", "CCBot/2.0")], is_http_request=True),
        warc_headers_dict={"WARC-Record-ID": _record_id(url, "request"), "WARC-Date": date},
    )
    writer.write_record(request)
    warc_headers = {"WARC-Record-ID": _record_id(url, "response"), "WARC-Date": date}
    if payload_type:
        warc_headers["WARC-Identified-Payload-Type"] = payload_type
    response = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body),
        http_headers=StatusAndHeaders(status, headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1"),
        warc_headers_dict=warc_headers,
    )
    writer.write_record(response)


def _write_shard(path: Path, pages: list[Page], first_index: int) -> None:
    rng = random.Random(first_index)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "clearweb demo",
                                                                      "isPartOf": CRAWL_ID}))
        for offset, page in enumerate(pages):
            index = first_index + offset
            _write_exchange(writer, page.url, "200 OK", page.http_headers, page.html.encode("utf-8"), index,
                            "text/html")
            if offset % 25 == 0:  # records the reader must skip and count
                base = page.url.rsplit("/", 1)[0]
                _write_exchange(writer, f"{base}/logo-{index}.png", "200 OK", [("Content-Type", "image/png")],
                                b"\x89PNG\r\n\x1a\n" + rng.randbytes(64), index, "image/png")
                _write_exchange(writer, f"{base}/report-{index}.pdf", "200 OK",
                                [("Content-Type", "application/pdf")], b"%PDF-1.4\n%%EOF\n", index,
                                "application/pdf")
                _write_exchange(writer, f"{base}/gone-{index}.html", "404 Not Found",
                                [("Content-Type", "text/html")], b"<html><body>Not found</body></html>", index,
                                "text/html")
                _write_exchange(writer, f"{base}/old-{index}.html", "301 Moved Permanently",
                                [("Location", page.url), ("Content-Type", "text/html")], b"", index, None)


def _write_robotstxt_archive(path: Path, hosts: list[Host]) -> None:
    """The crawl's robots.txt fetches, as Common Crawl archives them: request and response records."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "clearweb demo",
                                                                      "isPartOf": f"{CRAWL_ID}/robotstxt"}))
        for index, host in enumerate(hosts):
            for robots_path, capture in crawl_time_robots(index, host.robots):
                url = f"http://{host.name}{robots_path}"
                headers = [("Content-Type", "text/plain")] + ([("Location", capture.location)] if capture.location else [])
                status = {200: "200 OK", 301: "301 Moved Permanently", 404: "404 Not Found",
                          503: "503 Service Unavailable"}[capture.status]
                response = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(capture.body.encode()),
                    http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Record-ID": _record_id(url + capture.date, "robotstxt"),
                                       "WARC-Date": capture.date})
                writer.write_record(response)


def write_crawl(root: Path, shards: int = SHARDS) -> DemoCrawl:
    """Generate the demo crawl under ``root``; returns what the server and tests need to know."""
    hosts = build_hosts(all_labels())
    pages = build_pages(hosts) + syndicated_pages(hosts) + low_quality_pages(hosts)
    order = list(range(len(pages)))
    random.Random(7).shuffle(order)
    shard_paths = []
    for number in range(shards):
        mine = [pages[i] for i in order[number::shards]]
        relative = (f"crawl-data/{CRAWL_ID}/segments/{_SEGMENT}/warc/"
                    f"{CRAWL_ID}-20261101000000-{number:05d}.warc.gz")
        _write_shard(root / relative, mine, first_index=number * 10_000)
        shard_paths.append(relative)
    crawl = DemoCrawl(root, hosts, pages, shard_paths)
    crawl.paths_file.parent.mkdir(parents=True, exist_ok=True)
    crawl.paths_file.write_bytes(gzip.compress(("\n".join(shard_paths) + "\n").encode(), mtime=0))
    robotstxt = f"crawl-data/{CRAWL_ID}/segments/{_SEGMENT}/robotstxt/{CRAWL_ID}-20261101000000-00000.warc.gz"
    _write_robotstxt_archive(root / robotstxt, hosts)
    crawl.robotstxt_paths_file.write_bytes(gzip.compress(f"{robotstxt}\n".encode(), mtime=0))
    return crawl
