"""The robots stage's settings and phases: collect origins, crawl robots.txt, filter.

The snapshot is the stage's artifact (``robots_snapshot``): the filter's lineage records its
content hash, so a refreshed snapshot makes the stage, and everything after it, stale. The crawl
phase's completion markers belong to the run (``RUN/robots_cache/crawl/logs``), not to the
snapshot, which several runs may share: every run checks its own origins against it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from clearweb.filters.consent.aipref import TRAINING_LABELS
from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings
from clearweb.filters.robots.filter import DEFAULT_AGENTS, RobotsFilter
from clearweb.filters.robots.reachability import check_reachable
from clearweb.filters.robots.snapshot import SCHEMA, lacking, read_snapshot
from clearweb.pipeline.core.contract import ROBOTS_ARCHIVE, ROBOTS_SNAPSHOT
from clearweb.pipeline.core.origins import OriginCollector, read_origins
from clearweb.pipeline.core.stage import BuildsPhases, EarlyDecision, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter

SNAPSHOT = ROBOTS_SNAPSHOT


class RobotsSettings(BuildsPhases):
    agents: list[str] = Field(default_factory=lambda: list(DEFAULT_AGENTS), min_length=1)
    mode: Literal["url", "domain"] = "url"
    on_unreachable: Literal["keep", "drop"] = Field(
        "keep", description="robots.txt unreachable (5xx, network) or refused: keep as Apertus did, or drop"
    )
    on_unchecked: Literal["drop", "keep"] = Field(
        "drop", description="a URL without http(s) origin, or whose origin the snapshot lacks: drop (fail closed) or keep")
    on_missing_url: Literal["drop", "keep"] = Field(
        "drop", description="a document without URL (no provenance): drop (fail closed) or keep")
    policy: Literal["latest", "crawl_time", "strictest"] = Field(
        "latest", description="which robots.txt decides: today's (the snapshot, as Apertus), the one Common Crawl "
        "archived when it took the page (read by the fetch stage from each crawl's robotstxt.paths.gz), or both")
    honour: list[Literal["content_usage", "content_signal"]] = Field(
        default_factory=lambda: ["content_usage", "content_signal"],
        description="robots.txt preference lines whose opt-out removes a document; the others are only recorded")
    usage_labels: list[str] = Field(default_factory=lambda: list(TRAINING_LABELS), min_length=1,
                                    description="aipref categories whose n is an AI-training opt-out")
    max_unreachable_fraction: float = Field(
        0.5, ge=0, le=1, description="above this share of the run's origins with robots.txt unreachable or refused, "
        "the filter refuses to run (a node without outbound network would otherwise keep everything)")
    snapshot_dir: str | None = Field(None, description="default: RUN/robots_cache/snapshot; share one across runs")
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    before_extraction: bool | None = Field(
        None, description="decide in the fetch stage, before extraction, so that removed pages are never extracted "
        "(this stage still removes them, with their evidence); default: when every fetch input is WARC, unless the "
        "run's fetch stage was recorded without it")

    # before_extraction changes what the fetch stage extracts (its lineage records these settings), not
    # what this stage keeps
    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "snapshot_dir", "crawl",
                                                          "max_unreachable_fraction", "before_extraction"})

    def wants(self) -> set[str]:
        return set() if self.policy == "latest" else {"robotstxt"}

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        snapshot = Path(self.snapshot_dir).resolve() if self.snapshot_dir else cache_dir(run_dir) / "snapshot"
        return {SNAPSHOT: snapshot}

    def artifact_digest(self, name: str, path: Path, run_dir: Path) -> str | None:
        """The snapshot's entries for this run's origins (all of them before the origins are known):
        a shared snapshot that grows for other runs leaves this run's stages current. A robots.txt
        body enters through its sha256; a tdmrep.json body as it is (they are small)."""
        if name != SNAPSHOT or not path.is_dir():
            return None
        entries = read_snapshot(path, [column for column in SCHEMA.names if column != "body"])
        folder = cache_dir(run_dir) / "origins"
        origins = read_origins(folder) if folder.is_dir() else sorted(entries)
        digest = hashlib.sha256()
        for origin in origins:
            entry = entries.get(origin)
            digest.update(json.dumps(asdict(entry) if entry else {"origin": origin}, sort_keys=True).encode() + b"\n")
        return digest.hexdigest()

    def crawl_phases(self, ctx: StageContext) -> list[Phase]:
        """Collect origins, then crawl them into the snapshot (also ``clearweb robots fetch``)."""
        origins = cache_dir(ctx.run_dir) / "origins"
        collect = ctx.phase(lambda: [ctx.reader(), OriginCollector(str(origins))], name="robots_origins",
                            logs=origins / "logs")
        return [collect, self._crawl_phase(ctx, origins, cache_dir(ctx.run_dir) / "crawl" / "logs", "robots_crawl")]

    def _crawl_phase(self, ctx: StageContext, origins: Path, crawl_logs: Path, name: str) -> Phase:
        """Crawl the origins listed in ``origins`` that the snapshot lacks."""
        snapshot = self.artifacts(ctx.run_dir)[SNAPSHOT]
        fetch_tdmrep = "tdmrep" in ctx.wanted

        def cover_origins() -> None:
            """A completed crawl whose snapshot now lacks some of the run's origins (the fetch
            output changed, the shared snapshot was refreshed or pruned, a later stage now wants
            tdmrep.json) runs again, for those."""
            if (crawl_logs / "completions").is_dir() and lacking(snapshot, read_origins(origins), fetch_tdmrep):
                shutil.rmtree(crawl_logs)

        return ctx.phase(lambda: [RobotsCrawlStep(str(origins), str(snapshot), self.crawl, fetch_tdmrep=fetch_tdmrep)],
                         name=name, logs=crawl_logs, tasks=self.crawl.tasks or ctx.tasks, invalidate=cover_origins)

    def early_decision(self) -> EarlyDecision | None:
        """The robots decision needs only the URL and the snapshot: the fetch stage crawls the
        origins of its records' headers first, then skips extracting the pages this filter removes.
        Its lineage records the filter's settings (not this stage's own extra steps)."""
        if self.before_extraction is False:
            return None
        decides = {key: value for key, value in self.content().items() if key != "extra_steps"}
        return EarlyDecision(content=decides, required=bool(self.before_extraction),
                             phases=self._early_phases, filter=self._early_filter)

    def _early_phases(self, fetch: StageContext, origins: Path) -> list[Phase]:
        return [self._crawl_phase(fetch, origins, fetch.dirs.root / "robots_crawl" / "logs", "fetch_robots_crawl")]

    def _early_filter(self, fetch: StageContext, origins: Path) -> RobotsFilter:
        snapshot = self.artifacts(fetch.run_dir)[SNAPSHOT]
        return self._filter(snapshot, fetch.artifacts.get(ROBOTS_ARCHIVE), None, gate_origins=self._gate(snapshot, origins))

    def _gate(self, snapshot: Path, origins: Path) -> Path | None:
        """Apply the reachability gate now; when the crawl has not run yet (a Slurm chain is built
        at submission), the origins folder for the filter's tasks to apply it with."""
        return None if check_reachable(snapshot, origins, self.max_unreachable_fraction) else origins

    def _filter(self, snapshot: Path, archive: Path | None, exclusion_writer: DocumentWriter | None,
                gate_origins: Path | None = None) -> RobotsFilter:
        """``gate_origins``: the run's origins, when the filter must apply the reachability gate
        itself (see ``_gate``)."""
        return RobotsFilter(str(snapshot), agents=self.agents, mode=self.mode, on_unreachable=self.on_unreachable,
                            on_unchecked=self.on_unchecked, on_missing_url=self.on_missing_url, honour=self.honour,
                            usage_labels=self.usage_labels, policy=self.policy,
                            crawl_time_dir=str(archive) if archive else None, exclusion_writer=exclusion_writer,
                            gate_origins=str(gate_origins) if gate_origins else None,
                            max_unreachable_fraction=self.max_unreachable_fraction)

    def artifact_filters(self, ctx: StageContext, artifact: str) -> list[RobotsFilter]:
        """The gate applies to the current snapshot here too: a refresh from a machine without
        network would otherwise withhold nothing and be recorded as the snapshot the run was judged
        with."""
        if artifact != SNAPSHOT:
            return []
        snapshot = ctx.artifacts[SNAPSHOT]
        check_reachable(snapshot, cache_dir(ctx.run_dir) / "origins", self.max_unreachable_fraction)
        return [self._filter(snapshot, ctx.artifacts.get(ROBOTS_ARCHIVE), DocumentWriter(str(ctx.dirs.removed)))]

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build():
            snapshot = ctx.artifacts[SNAPSHOT]
            gate = self._gate(snapshot, cache_dir(ctx.run_dir) / "origins")
            return [ctx.reader(), self._filter(snapshot, ctx.artifacts.get(ROBOTS_ARCHIVE),
                                               DocumentWriter(str(ctx.dirs.removed)), gate_origins=gate),
                    DocumentWriter(str(ctx.dirs.output))]

        return self.crawl_phases(ctx) + [ctx.phase(build)]


def cache_dir(run_dir: Path) -> Path:
    """``RUN/robots_cache``: the origins list and, by default, the snapshot and its archive."""
    return Path(run_dir) / "robots_cache"


def owned_dirs(run_dir: Path) -> list[Path]:
    """The origins list and the crawl's completion markers are the stage's own: recomputed with it
    (the snapshot is kept, and a recomputed crawl adds only the origins it lacks)."""
    return [cache_dir(run_dir) / "origins", cache_dir(run_dir) / "crawl"]
