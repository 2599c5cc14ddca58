"""Read the robots.txt files Common Crawl archived for a crawl: the crawl-time snapshot's source.

For every crawl input (``crawl: CC-MAIN-...``), Common Crawl lists the WARC files of its robots.txt
fetches in ``crawl-data/<crawl>/robotstxt.paths.gz``. When a later stage asks for them (the robots
stage under ``policy: crawl_time`` or ``strictest``), the fetch stage reads them in a second phase
and keeps the captures of the origins its own output holds, in the data contract's
``ROBOTS_CAPTURE`` schema, one Parquet file per task (``RUN/fetch/robots_archive/``). Bodies are
kept as fetched, up to RFC 9309's 500 KiB, the most a robots.txt parser must read (the robots
filter decodes them as the live crawler does). Shards are read by the fetch reader, so a missing or
damaged archive file is counted and logged like any input (``on_bad_input``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.pipeline.core.contract import ROBOTS_CAPTURE
from clearweb.pipeline.core.origins import read_origins
from clearweb.pipeline.core.provenance import origin_of, url_provenance
from clearweb.pipeline.core.stats import DOCUMENTS_READ
from clearweb.pipeline.fetch import ShardReader
from clearweb.pipeline.records import Note, Record, Skipped, iter_warc
from clearweb.pipeline.sources import Shard

MAX_ROBOTS_BYTES = 500 * 1024
ROBOTSTXT_PATHS = "robotstxt.paths.gz"


def capture_item(record, max_bytes: int) -> Record | Skipped:
    """A robots.txt response record as a capture (any HTTP status: a 404 or a 503 answers too)."""
    if record.rec_type != "response":
        return Skipped(f"skipped_{record.rec_type or 'unknown'}_record")
    http = record.http_headers
    if http is None:
        return Skipped("skipped_no_http_headers")
    url = record.rec_headers.get_header("WARC-Target-URI")
    status = http.get_statuscode() or ""
    date = record.rec_headers.get_header("WARC-Date")
    if not url or not status.isdigit() or not date:
        return Skipped("invalid_record", f"{url}: no target URI, HTTP status or WARC-Date")
    body = record.content_stream().read(max_bytes)
    location = http.get_header("Location")
    return {"text": "", "id": record.rec_headers.get_header("WARC-Record-ID"), "url": url,
            "fetch_date": date, "status": int(status),
            "content_type": http.get_header("Content-Type"), "body": body,
            "location": urljoin(url, location.strip()) if location and location.strip() else None}


class RobotsArchiveReader(ShardReader):
    """The fetch reader over robots.txt WARC files: one document per capture, its fields in metadata."""

    name = "🤖 robots.txt archive reader"
    stats_key = "robots_archive_reader"

    def _records(self, shard: Shard, raw) -> Iterator[dict[str, Any] | Skipped | Note]:
        return iter_warc(raw, MAX_ROBOTS_BYTES, self.max_gap_bytes, item=capture_item)

    def to_document(self, item: dict[str, Any], shard: Shard, index: int) -> Document | Skipped:
        self.stat_update(DOCUMENTS_READ)
        return Document(text="", id=item.pop("id") or f"{shard.name}#{index}",
                        metadata=item | {"source_file": shard.name})


def fetched_origins(folder: Path) -> set[str]:
    """Origins of the documents in the fetch output: unique ``scheme://authority`` prefixes first
    (in Arrow), so ``origin_of`` runs once per distinct prefix, not per document. Every archive
    task reads the whole output's URL column: fine up to a few hundred million documents; beyond,
    the origin list of the robots stage's first phase would be the one to share."""
    prefixes: set[str] = set()
    for path in sorted(folder.rglob("*.parquet")):
        if "url" not in pq.read_schema(path).names:  # a part of documents without URL (JSONL inputs)
            continue
        urls = pq.read_table(path, columns=["url"]).column("url")
        found = pc.extract_regex(urls, r"^(?P<prefix>[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)")
        prefixes.update(value for value in pc.unique(pc.struct_field(found, [0])).to_pylist() if value)
    return {origin for origin in map(origin_of, prefixes) if origin}


class CaptureCollector(PipelineStep):
    """Keeps the captures of the fetched origins' sites (their registered domains: a robots.txt
    redirect mostly leads to the site's other origin) in ``{folder}/{rank:05d}.parquet``."""

    type = "🤖 - ROBOTS"
    name = "🗄 robots.txt captures"
    stats_key = "robots_archive"

    def __init__(self, crawls: dict[str, str], fetch_output: str, folder: str, origins_dir: str | None = None):
        super().__init__()
        self.crawls = crawls  # shard name -> the crawl id it belongs to
        self.fetch_output = fetch_output
        self.folder = folder
        self.origins_dir = origins_dir  # the origins of the records' headers, when the output comes later

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with self.track_time():
            origins = read_origins(self.origins_dir) if self.origins_dir else fetched_origins(Path(self.fetch_output))
            sites = {url_provenance(origin)["domain"] for origin in origins}
        rows = []
        for document in data:
            with self.track_time():
                capture = document.metadata
                origin = origin_of(capture["url"])
                if origin is None or url_provenance(origin)["domain"] not in sites:
                    self.stat_update("other_sites")
                    continue
                body = capture["body"]
                rows.append({"crawl": self.crawls[capture["source_file"]], "origin": origin,
                             "url": capture["url"], "fetched_at": capture["fetch_date"], "status": capture["status"],
                             "content_type": capture["content_type"], "body": body,
                             "sha256": hashlib.sha256(body).hexdigest(), "location": capture["location"]})
                self.stat_update("kept")
        with self.track_time():
            path = Path(self.folder) / f"{rank:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")  # a half-written file is never read as complete
            pq.write_table(pa.Table.from_pylist(rows, schema=ROBOTS_CAPTURE), partial, compression="zstd")
            partial.replace(path)
        yield from ()
