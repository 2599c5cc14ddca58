"""The robots stage's settings and phases: collect origins, crawl robots.txt, filter.

The snapshot is the stage's artifact (``robots_snapshot``): the filter's lineage records its
content hash, so a refreshed snapshot makes the stage, and everything after it, stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings
from clearweb.filters.robots.filter import DEFAULT_AGENTS, RobotsFilter
from clearweb.filters.robots.origins import OriginCollector, read_origins
from clearweb.filters.robots.snapshot import archive_snapshot, read_snapshot
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter

SNAPSHOT = "robots_snapshot"


class RobotsSettings(BuildsPhases):
    agents: list[str] = Field(default_factory=lambda: list(DEFAULT_AGENTS), min_length=1)
    mode: Literal["url", "domain"] = "url"
    on_unreachable: Literal["keep", "drop"] = Field(
        "keep", description="robots.txt unreachable (5xx, network) or refused: keep as Apertus did, or drop"
    )
    on_unchecked: Literal["drop", "keep"] = Field(
        "drop", description="a document without URL, or whose origin the snapshot lacks: drop (fail closed) or keep")
    snapshot_dir: str | None = Field(None, description="default: RUN/robots_cache/snapshot; share one across runs")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "snapshot_dir", "crawl"})

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        snapshot = Path(self.snapshot_dir).resolve() if self.snapshot_dir else cache_dir(run_dir) / "snapshot"
        return {SNAPSHOT: snapshot}

    def crawl_phases(self, ctx: StageContext) -> list[Phase]:
        """Collect origins, then crawl them into the snapshot (also ``clearweb robots fetch``)."""
        origins = cache_dir(ctx.run_dir) / "origins"
        snapshot = ctx.artifacts[SNAPSHOT]
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
            ctx.phase(lambda: [RobotsCrawlStep(str(origins), str(snapshot), self.crawl,
                                               fetch_tdmrep="tdmrep" in ctx.wanted)],
                      name="robots_crawl", logs=snapshot / "logs", tasks=crawl_tasks, invalidate=cover_origins),
        ]

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build():
            return [ctx.reader(),
                    RobotsFilter(str(ctx.artifacts[SNAPSHOT]), agents=self.agents, mode=self.mode,
                                 on_unreachable=self.on_unreachable, on_unchecked=self.on_unchecked,
                                 exclusion_writer=DocumentWriter(str(ctx.dirs.removed))),
                    DocumentWriter(str(ctx.dirs.output))]

        return self.crawl_phases(ctx) + [ctx.phase(build)]


def cache_dir(run_dir: Path) -> Path:
    """``RUN/robots_cache``: the origins list and, by default, the snapshot and its archive."""
    return Path(run_dir) / "robots_cache"


def owned_dirs(run_dir: Path) -> list[Path]:
    """The origins list is the stage's own: recomputed with it (the snapshot is kept)."""
    return [cache_dir(run_dir) / "origins"]
