"""The stage graph: which datatrove steps make up each stage, and where its data lives.

Stages run in the fixed order of ``config.STAGE_ORDER``; each reads the previous enabled stage's
``output/`` and writes its own ``RUN/<stage>/{output,removed,logs}``. A builder turns a stage's
config section into a list of datatrove PipelineSteps; the CLI knows filters only through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from datatrove.pipeline.base import PipelineStep

from clearweb.pipeline.config import FetchStage, RunConfig
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.extract import HtmlExtractor
from clearweb.pipeline.fetch import ShardReader
from clearweb.pipeline.sources import resolve_shards
from clearweb.pipeline.writer import DocumentWriter


@dataclass(frozen=True)
class StageDirs:
    root: Path

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def removed(self) -> Path:
        return self.root / "removed"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


def stage_dirs(run_dir: str | Path, stage: str) -> StageDirs:
    return StageDirs(Path(run_dir).resolve() / stage)


def make_fetcher(run_dir: str | Path, stage: FetchStage) -> HttpFetcher:
    settings = stage.download
    return HttpFetcher(
        cache_dir=Path(settings.cache_dir or Path(run_dir) / "downloads").resolve(),
        retries=settings.retries,
        backoff_s=settings.backoff_s,
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        max_redirects=settings.max_redirects,
    )


def build_fetch(config: RunConfig, source: str) -> list[PipelineStep]:
    stage = config.stages.fetch
    assert stage is not None
    fetcher = make_fetcher(config.run_dir, stage)
    shards = resolve_shards(stage.inputs, fetcher, source)
    steps: list[PipelineStep] = [
        ShardReader(shards, fetcher, max_html_bytes=stage.extract.max_html_bytes,
                    on_bad_input=stage.on_bad_input, keep_downloads=stage.download.keep, limit=stage.limit)
    ]
    if any(shard.html for shard in shards):
        steps.append(HtmlExtractor(stage.extract.favour_precision, stage.extract.deduplicate,
                                   stage.extract.timeout_s))
    steps.append(DocumentWriter(str(stage_dirs(config.run_dir, "fetch").output)))
    return steps


STAGE_BUILDERS: dict[str, Callable[[RunConfig, str], list[PipelineStep]]] = {"fetch": build_fetch}
