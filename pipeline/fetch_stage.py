"""The fetch stage's settings, and the phases they build: read shards, extract main text, write;
then, when a later stage asks for it, read the crawls' archived robots.txt files.

A later stage may lend it a filter that decides from the URL (``EarlyDecision``: robots): the
stage then first collects the origins of its records' headers, runs what the filter needs (the
robots crawl, the archive), and skips extracting the pages the filter will remove.

The shard list comes from the stage's lineage (``StageContext.inputs``): resolved once at the
stage's first start, so every task of every attempt splits the same list. The robots.txt archive
of a Common Crawl crawl is listed when its phase is built (a crawl's listings never change).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from datatrove.pipeline.base import PipelineStep
from pydantic import Field

from clearweb.pipeline.core.contract import ROBOTS_ARCHIVE
from clearweb.pipeline.core.erasures import SkipErased
from clearweb.pipeline.core.origins import OriginCollector
from clearweb.pipeline.core.settings import StrictModel
from clearweb.pipeline.core.stage import BuildsPhases, EarlyDecision, Phase, StageContext
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.extract import HtmlExtractor, PageWriter, SkipExtraction
from clearweb.pipeline.fetch import RecordUrls, ShardReader
from clearweb.pipeline.robots_archive import ROBOTSTXT_PATHS, CaptureCollector, RobotsArchiveReader
from clearweb.pipeline.sources import InputSpec, infer_format, resolve_shards, shard_from_record, shard_record

#: the key of the fetch stage's recorded settings that holds the early decisions it applied
BEFORE_EXTRACTION = "before_extraction"


class DownloadSettings(StrictModel):
    """How http(s) shards are fetched into the local cache before reading (never changes what is read)."""

    execution_keys: ClassVar[frozenset[str]] = frozenset(
        {"cache_dir", "retries", "backoff_s", "connect_timeout_s", "read_timeout_s", "max_redirects", "keep"})

    cache_dir: str | None = Field(None, description="default: RUN/downloads")
    retries: int = Field(5, ge=0)
    backoff_s: float = Field(1.0, ge=0)
    connect_timeout_s: float = Field(10, gt=0)
    read_timeout_s: float = Field(60, gt=0)
    max_redirects: int = Field(5, ge=0)
    keep: bool = Field(True, description="keep downloaded shards after reading them")

    def fetcher(self, run_dir: Path) -> HttpFetcher:
        return HttpFetcher(
            cache_dir=Path(self.cache_dir or run_dir / "downloads").resolve(), retries=self.retries,
            backoff_s=self.backoff_s, connect_timeout_s=self.connect_timeout_s,
            read_timeout_s=self.read_timeout_s, max_redirects=self.max_redirects,
        )


class ExtractSettings(StrictModel):
    """trafilatura main-text extraction, precision-oriented as FineWeb uses it."""

    favour_precision: bool = True
    deduplicate: bool = Field(False, description="trafilatura's per-process paragraph dedup: drops depend on task "
                              "sharding; counted as extract_duplicate")
    timeout_s: float = Field(5.0, gt=0)
    max_html_bytes: int = Field(5_000_000, ge=1024)


class FetchSettings(BuildsPhases):
    inputs: list[InputSpec] = Field(min_length=1)
    download: DownloadSettings = Field(default_factory=DownloadSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    on_bad_input: Literal["skip", "fail"] = Field(
        "skip", description="a corrupt or missing shard: count it and go on, or fail the task"
    )
    limit: int = Field(-1, ge=-1, description="documents per task, for quick samples; -1 for all")

    def resolve_inputs(self, run_dir: Path, source: str) -> list[dict[str, Any]]:
        """The shard list as the lineage records it (lists remote folders, reads paths files)."""
        shards = resolve_shards(self.inputs, self.download.fetcher(run_dir), source)
        return [shard_record(shard) for shard in shards]

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        return {ROBOTS_ARCHIVE: Path(run_dir) / "fetch" / "robots_archive"}

    def check(self, ctx: StageContext) -> None:
        if "robotstxt" in ctx.wanted and not any(spec.crawl for spec in self.inputs):
            raise ValueError("robots.policy crawl_time and strictest read the robots.txt files Common Crawl archived "
                             "for a crawl: give a crawl input (crawl: CC-MAIN-...)")

    def archive_phase(self, ctx: StageContext, origins: Path | None = None) -> Phase:
        """Read each crawl input's robots.txt archive; keep the captures of the fetched origins
        (those of the fetch output, or those listed in ``origins`` when the output comes later)."""
        folder = ctx.artifacts[ROBOTS_ARCHIVE]

        def build() -> list[PipelineStep]:
            fetcher = self.download.fetcher(ctx.run_dir)
            shards, crawls = [], {}
            for spec in (spec for spec in self.inputs if spec.crawl):
                found = resolve_shards([spec.model_copy(update={"max_files": None})], fetcher, listing=ROBOTSTXT_PATHS)
                shards += found
                crawls.update(dict.fromkeys((shard.name for shard in found), spec.crawl))
            return [RobotsArchiveReader(shards, fetcher, on_bad_input=self.on_bad_input,
                                        keep_downloads=self.download.keep),
                    CaptureCollector(crawls, str(ctx.dirs.output), str(folder),
                                     origins_dir=str(origins) if origins else None)]

        return ctx.phase(build, name="fetch_robots_archive", logs=folder / "logs")

    def early_decisions(self, ctx: StageContext) -> dict[str, EarlyDecision]:
        """The later stages' filters this stage applies before extraction: those the config asks
        for, and every one when all shards are WARC (where extraction is the cost) unless ``limit``
        takes a sample (the header pass would read every shard whole), or the run's fetch stage was
        recorded in two passes (made before this default, or with it off): a default must not make
        a finished fetch stage stale, nor change the order of one half done."""
        recorded_in_two_passes = ctx.recorded is not None and BEFORE_EXTRACTION not in ctx.recorded
        if self.limit != -1 or recorded_in_two_passes:
            return {name: decision for name, decision in ctx.early.items() if decision.required}
        if ctx.inputs is not None:
            every_warc = bool(ctx.inputs) and all(shard_from_record(record).format == "warc" for record in ctx.inputs)
        else:  # not resolved (``clearweb plan --shards``): as the inputs say
            every_warc = all(spec.crawl or (spec.format or infer_format(spec.path or "")) == "warc"
                             for spec in self.inputs)
        return {name: decision for name, decision in ctx.early.items() if decision.required or every_warc}

    def borrowed_content(self, ctx: StageContext) -> dict[str, Any]:
        early = self.early_decisions(ctx)
        return {BEFORE_EXTRACTION: {name: decision.content for name, decision in early.items()}} if early else {}

    def phases(self, ctx: StageContext) -> list[Phase]:
        """Read, extract, write; with early decisions, first the origins of the records' headers and
        what the decisions need from them (the robots crawl), and the robots.txt archive before the
        pages it decides on."""
        early = self.early_decisions(ctx)
        origins = ctx.dirs.root / "origins"
        shards = [shard_from_record(record) for record in ctx.inputs or []]

        def urls() -> list[PipelineStep]:
            # every record of the shards (no ``limit``: it counts documents, which headers cannot tell);
            # with ``keep: false`` a shard is deleted once read, and the fetch phase downloads it again
            return [RecordUrls(shards, self.download.fetcher(ctx.run_dir), max_html_bytes=self.extract.max_html_bytes,
                               on_bad_input=self.on_bad_input, keep_downloads=self.download.keep),
                    OriginCollector(str(origins))]

        def build() -> list[PipelineStep]:
            fetcher = self.download.fetcher(ctx.run_dir)
            steps: list[PipelineStep] = [
                ShardReader(shards, fetcher, max_html_bytes=self.extract.max_html_bytes,
                            on_bad_input=self.on_bad_input, keep_downloads=self.download.keep, limit=self.limit),
                SkipErased(str(ctx.run_dir)),
            ]
            if any(shard.html for shard in shards):
                steps += [SkipExtraction(decision.filter(ctx, origins), name) for name, decision in early.items()]
                steps.append(HtmlExtractor(favour_precision=self.extract.favour_precision,
                                           deduplicate=self.extract.deduplicate, timeout_s=self.extract.timeout_s))
            steps.append(PageWriter(str(ctx.dirs.output)))
            return steps

        archive = [self.archive_phase(ctx, origins if early else None)] if "robotstxt" in ctx.wanted else []
        if not early:
            return [ctx.phase(build)] + archive
        collect = ctx.phase(urls, name="fetch_origins", logs=origins / "logs")
        lent = [phase for decision in early.values() for phase in decision.phases(ctx, origins)]
        return [collect, *lent, *archive, ctx.phase(build)]
