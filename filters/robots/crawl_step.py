"""The crawl as a datatrove step: each task fetches the origins that hash to it and the snapshot lacks.

Origins are spread over tasks by a stable hash (not by position), so one slow host holds one task,
and a re-run assigns every origin to the same task as before. A snapshot shared by several runs
grows: each run crawls only the origins missing from it and adds them as a new part named by the
crawl's start time (``20261203T101500123456Z-00003-9f2c4e1a.parquet``), so no run's entries overwrite another's
and, should two runs crawl one origin, the part of the later crawl is the one read. An origin
crawled before without its tdmrep.json counts as missing when this crawl fetches tdmrep.json. A
task whose part was written before it was killed finds its origins present when it runs again and
adds nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.filters.robots.crawler import CrawlSettings, RobotsCrawler
from clearweb.filters.robots.snapshot import SnapshotEntry, lacking, write_part
from clearweb.pipeline.core.hashing import stable_hash
from clearweb.pipeline.core.origins import read_origins

TDMREP_PATH = "/.well-known/tdmrep.json"
#: stats: origins per crawl outcome (``outcome_ok``) and per HTTP status class (``http_4xx``)
OUTCOME_PREFIX = "outcome_"
HTTP_PREFIX = "http_"


def task_of(origin: str, world_size: int) -> int:
    return stable_hash(origin) % world_size


class RobotsCrawlStep(PipelineStep):
    """Fetches robots.txt for this task's origins that the snapshot lacks into a new part of it."""

    type = "🤖 - ROBOTS"
    name = "🕸 robots.txt crawl"
    stats_key = "robots_crawl"

    def __init__(self, origins_dir: str, snapshot_dir: str, settings: CrawlSettings, fetch_tdmrep: bool = False):
        super().__init__()
        self.origins_dir = origins_dir
        self.snapshot_dir = snapshot_dir
        self.settings = settings
        self.fetch_tdmrep = fetch_tdmrep

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        # the start time orders the parts; the random suffix keeps two runs' tasks apart
        part = f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}-{rank:05d}-{uuid.uuid4().hex[:8]}.parquet"
        mine = [origin for origin in read_origins(self.origins_dir) if task_of(origin, world_size) == rank]
        missing = lacking(self.snapshot_dir, mine, self.fetch_tdmrep)
        self.stat_update("origins_in_snapshot", value=len(mine) - len(missing))
        crawler = RobotsCrawler(self.settings)

        def fetch(origin: str) -> SnapshotEntry:
            tdmrep = crawler.fetch_path(origin, TDMREP_PATH) if self.fetch_tdmrep else None
            return SnapshotEntry.combine(crawler.fetch(origin), tdmrep)

        rows = []
        with self.track_time():
            for result in crawler.map(fetch, missing):
                self.stat_update("origins")
                self.stat_update(f"{OUTCOME_PREFIX}{result.outcome}")
                if result.status is not None:
                    self.stat_update(f"{HTTP_PREFIX}{result.status // 100}xx")
                if result.tdmrep_body:
                    self.stat_update("tdmrep_found")
                rows.append(result)
        if rows:
            rows.sort(key=lambda row: row.origin)
            write_part(Path(self.snapshot_dir) / part, rows)
        yield from data or ()
