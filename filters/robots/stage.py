"""The robots stage's settings and phases: collect origins, crawl robots.txt, filter.

The snapshot is the stage's artifact (``robots_snapshot``): the filter's lineage records its
content hash, so a refreshed snapshot makes the stage, and everything after it, stale.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings
from clearweb.filters.robots.filter import DEFAULT_AGENTS, RobotsFilter
from clearweb.filters.robots.origins import OriginCollector, read_origins
from clearweb.filters.robots.snapshot import archive_snapshot, read_snapshot
from clearweb.pipeline.core.settings import StrictModel
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter

SNAPSHOT = "robots_snapshot"


class RobotsCrawlSettings(StrictModel):
    """The robots.txt crawler (clearweb.filters.robots.crawler). What it fetched is recorded in the
    snapshot, whose content hash is in the lineage, so none of these keys is fingerprinted."""

    execution_keys: ClassVar[frozenset[str]] = frozenset(
        {"tasks", "concurrency", "connect_timeout_s", "read_timeout_s", "total_timeout_s", "retries", "backoff_s",
         "user_agent", "resolve", "allow_networks"})

    tasks: int | None = Field(None, ge=1, description="crawl tasks; default: the stage's tasks")
    concurrency: int = Field(64, ge=1, description="fetches in flight per task")
    connect_timeout_s: float = Field(5, gt=0)
    read_timeout_s: float = Field(10, gt=0)
    total_timeout_s: float = Field(30, gt=0, description="cap per origin, retries included")
    retries: int = Field(2, ge=0)
    backoff_s: float = Field(1, ge=0)
    user_agent: str = "clearweb-robots/0.1"
    resolve: dict[str, str] = Field(default_factory=dict, description="host -> ip[:port], like curl --resolve")
    allow_networks: list[str] = Field(default_factory=list, description="non-public networks we may connect to")

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad entry
        return value

    def crawler_settings(self) -> CrawlSettings:
        return CrawlSettings(
            concurrency=self.concurrency, connect_timeout_s=self.connect_timeout_s,
            read_timeout_s=self.read_timeout_s, total_timeout_s=self.total_timeout_s, retries=self.retries,
            backoff_s=self.backoff_s, user_agent=self.user_agent, resolve=dict(self.resolve),
            allow_networks=list(self.allow_networks),
        )


class RobotsSettings(BuildsPhases):
    agents: list[str] = Field(default_factory=lambda: list(DEFAULT_AGENTS), min_length=1)
    mode: Literal["url", "domain"] = "url"
    on_unreachable: Literal["keep", "drop"] = Field(
        "keep", description="robots.txt unreachable (5xx, network) or refused: keep as Apertus did, or drop"
    )
    snapshot_dir: str | None = Field(None, description="default: RUN/robots_cache/snapshot; share one across runs")
    crawl: RobotsCrawlSettings = Field(default_factory=RobotsCrawlSettings)

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "snapshot_dir", "crawl"})

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        snapshot = Path(self.snapshot_dir).resolve() if self.snapshot_dir else cache_dir(run_dir) / "snapshot"
        return {SNAPSHOT: snapshot}

    def crawl_phases(self, ctx: StageContext) -> list[Phase]:
        """Collect origins, then crawl them into the snapshot (also ``clearweb robots fetch``)."""
        origins = cache_dir(ctx.run_dir) / "origins"
        snapshot = ctx.artifacts[SNAPSHOT]
        settings = self.crawl.crawler_settings()
        crawl_tasks = self.crawl.tasks or ctx.tasks

        def cover_origins() -> None:
            """A snapshot crawled for other origins (the fetch output changed since) is archived
            and crawled again: a document must never meet a snapshot without its origin."""
            if snapshot.is_dir() and (origins / "logs" / "completions").is_dir():
                known = read_snapshot(snapshot, ["origin"])
                if any(origin not in known for origin in read_origins(origins)):
                    archive_snapshot(snapshot, cache_dir(ctx.run_dir) / "previous")

        return [
            ctx.phase(lambda: [ctx.reader(), OriginCollector(str(origins))], name="robots_origins",
                      logs=origins / "logs"),
            ctx.phase(lambda: [RobotsCrawlStep(str(origins), str(snapshot), settings,
                                               fetch_tdmrep="tdmrep" in ctx.wanted)],
                      name="robots_crawl", logs=snapshot / "logs", tasks=crawl_tasks, invalidate=cover_origins),
        ]

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build():
            return [ctx.reader(),
                    RobotsFilter(str(ctx.artifacts[SNAPSHOT]), agents=self.agents, mode=self.mode,
                                 on_unreachable=self.on_unreachable,
                                 exclusion_writer=DocumentWriter(str(ctx.dirs.removed))),
                    DocumentWriter(str(ctx.dirs.output))]

        return self.crawl_phases(ctx) + [ctx.phase(build)]


def cache_dir(run_dir: Path) -> Path:
    """``RUN/robots_cache``: the origins list and, by default, the snapshot and its archive."""
    return Path(run_dir) / "robots_cache"


def owned_dirs(run_dir: Path) -> list[Path]:
    """The origins list is the stage's own: recomputed with it (the snapshot is kept)."""
    return [cache_dir(run_dir) / "origins"]
