"""The stage graph: which datatrove steps make up each stage, and where its data lives.

Stages run in the fixed order of ``config.STAGE_ORDER``; each reads the previous enabled stage's
``output/`` and writes its own ``RUN/<stage>/{output,removed,logs}``; a stage with several
filters gives each its own ``removed/<filter>/`` folder. A stage is one or more
*phases*, each one datatrove job with its own tasks and completion markers: the robots stage
collects origins, crawls robots.txt (one array job over origins, so a slow host holds one task),
then filters. The CLI knows filters only through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.readers import ParquetReader
from datatrove.pipeline.tokens.merger import DocumentTokenizerMerger

from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.identifier import LanguageIdentifier
from clearweb.filters.langid.thresholds import ThresholdsError, load_thresholds
from clearweb.filters.license.filter import LicenseTdmFilter
from clearweb.filters.pii.step import PIIAnonymizer
from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings
from clearweb.filters.robots.filter import RobotsFilter
from clearweb.filters.robots.origins import OriginCollector
from clearweb.filters.toxicity.step import ToxicityFilter
from clearweb.filters.toxicity.wordlist import WordlistScorer
from clearweb.pipeline.config import STAGE_ORDER, FetchStage, RunConfig, ToxicitySettings
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.errors import ConfigError
from clearweb.pipeline.extract import HtmlExtractor
from clearweb.pipeline.fetch import ShardReader
from clearweb.pipeline.partitioned_writer import PartitionedWriter
from clearweb.pipeline.sources import resolve_shards
from clearweb.pipeline.writer import DocumentWriter
from clearweb.tokenizer.tokenize_step import LanguageMixture, ShardTokenizer
from clearweb.tokenizer.train_step import TokenizerTrainer


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


@dataclass(frozen=True)
class Phase:
    """One datatrove job of a stage; ``build`` is called only if the phase still has work."""

    name: str
    logs: Path
    tasks: int
    workers: int
    build: Callable[[], list[PipelineStep]]


def stage_dirs(run_dir: str | Path, stage: str) -> StageDirs:
    return StageDirs(Path(run_dir).resolve() / stage)


def robots_cache(config: RunConfig) -> Path:
    return Path(config.run_dir).resolve() / "robots_cache"


def snapshot_dir(config: RunConfig) -> Path:
    stage = config.stages.robots
    return Path(stage.snapshot_dir).resolve() if stage and stage.snapshot_dir else robots_cache(config) / "snapshot"


def stage_tasks(config: RunConfig, name: str) -> tuple[int, int]:
    """(tasks, workers) for a stage: the stage's own settings, else the executor's."""
    section = getattr(config.stages, name)
    tasks = section.tasks or config.executor.tasks
    workers = section.workers if section.workers is not None else config.executor.workers
    return tasks, (tasks if workers == -1 else min(workers, tasks))


def previous_output(config: RunConfig, name: str) -> Path:
    """The output folder this stage reads: the previous enabled stage's."""
    enabled = config.enabled_stages()
    before = [stage for stage in STAGE_ORDER[: STAGE_ORDER.index(name)] if stage in enabled]
    if not before:
        raise ConfigError("stages", name, "needs an earlier stage to read from (add fetch)")
    return stage_dirs(config.run_dir, before[-1]).output


def stage_reader(config: RunConfig, name: str) -> ParquetReader:
    reader = ParquetReader(str(previous_output(config, name)), glob_pattern="**/*.parquet")
    # datatrove would add the intermediate file's absolute path (it names the run directory, so two
    # runs could never produce identical outputs); provenance is source_file, set at fetch.
    reader.add_file_path = False
    return reader


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


def fetch_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.fetch
    tasks, workers = stage_tasks(config, "fetch")

    def build() -> list[PipelineStep]:
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

    return [Phase("fetch", stage_dirs(config.run_dir, "fetch").logs, tasks, workers, build)]


def wants_tdmrep(config: RunConfig) -> bool:
    """tdmrep.json is fetched in the robots crawl when the license filter will read it."""
    compliance = config.stages.compliance
    return bool(compliance and compliance.license and compliance.license.fetch_tdmrep)


def robots_crawl_phases(config: RunConfig) -> list[Phase]:
    """Collect origins, then crawl them into the snapshot (also `clearweb robots fetch`)."""
    stage = config.stages.robots
    tasks, workers = stage_tasks(config, "robots")
    cache = robots_cache(config)
    origins = cache / "origins"
    crawl = stage.crawl
    settings = CrawlSettings(
        concurrency=crawl.concurrency, connect_timeout_s=crawl.connect_timeout_s,
        read_timeout_s=crawl.read_timeout_s, total_timeout_s=crawl.total_timeout_s, retries=crawl.retries,
        backoff_s=crawl.backoff_s, user_agent=crawl.user_agent, resolve=dict(crawl.resolve),
        allow_networks=list(crawl.allow_networks),
    )
    crawl_tasks = crawl.tasks or tasks
    return [
        Phase("robots_origins", origins / "logs", tasks, workers,
              lambda: [stage_reader(config, "robots"), OriginCollector(str(origins))]),
        Phase("robots_crawl", snapshot_dir(config) / "logs", crawl_tasks, min(workers, crawl_tasks),
              lambda: [RobotsCrawlStep(str(origins), str(snapshot_dir(config)), settings, wants_tdmrep(config))]),
    ]


def robots_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.robots
    tasks, workers = stage_tasks(config, "robots")
    dirs = stage_dirs(config.run_dir, "robots")

    def build() -> list[PipelineStep]:
        return [
            stage_reader(config, "robots"),
            RobotsFilter(str(snapshot_dir(config)), stage.agents, stage.mode, stage.on_unreachable,
                         exclusion_writer=DocumentWriter(str(dirs.removed))),
            DocumentWriter(str(dirs.output)),
        ]

    return robots_crawl_phases(config) + [Phase("robots", dirs.logs, tasks, workers, build)]


def language_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.language
    tasks, workers = stage_tasks(config, "language")
    dirs = stage_dirs(config.run_dir, "language")

    def build() -> list[PipelineStep]:
        thresholds = {}
        if stage.thresholds_file:
            try:
                thresholds = load_thresholds(stage.thresholds_file)
            except ThresholdsError as exc:
                raise ConfigError(source, "stages.language.thresholds_file", str(exc)) from None
        labeler = LanguageLabeler(
            LanguageIdentifier(stage.model, unsure_below=stage.unsure_below), threshold=stage.threshold,
            thresholds=thresholds, top_k=stage.top_k, top_min_score=stage.top_min_score,
            counts_dir=str(dirs.logs / "languages"), exclusion_writer=DocumentWriter(str(dirs.removed)),
        )
        budget = stage.max_buffer_mb << 20
        return [stage_reader(config, "language"), labeler,
                PartitionedWriter(str(dirs.output), target_file_bytes=budget, max_buffer_bytes=budget)]

    return [Phase("language", dirs.logs, tasks, workers, build)]


def toxicity_filter(settings: ToxicitySettings, dirs: StageDirs) -> ToxicityFilter:
    if settings.backend == "apertus":
        from clearweb.filters.toxicity.apertus import PUBLISHED_THRESHOLDS, ApertusToxicityScorer

        scorer = ApertusToxicityScorer(settings.encoder, settings.heads_dir, settings.batch_size, settings.device)
        thresholds = PUBLISHED_THRESHOLDS | settings.thresholds
        default, batch = settings.default_threshold, settings.batch_size
    else:
        scorer = WordlistScorer(settings.wordlist_dir) if settings.wordlist_dir else WordlistScorer()
        thresholds = settings.thresholds
        default = settings.default_threshold if settings.default_threshold is not None else 10.0
        batch = 1
    return ToxicityFilter(scorer, thresholds, default, settings.no_classifier_sample_rate,
                          histograms_dir=str(dirs.logs / "toxicity"),
                          exclusion_writer=DocumentWriter(str(dirs.removed / "toxicity")), batch_size=batch)


def compliance_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.compliance
    tasks, workers = stage_tasks(config, "compliance")
    dirs = stage_dirs(config.run_dir, "compliance")

    def build() -> list[PipelineStep]:
        steps: list[PipelineStep] = [stage_reader(config, "compliance")]
        if stage.license is not None:
            settings = stage.license
            snapshot = str(snapshot_dir(config)) if config.stages.robots is not None else None
            steps.append(LicenseTdmFilter(settings.drop_tdm_reserved, settings.drop_noai, settings.allowed_licenses,
                                          settings.preset, snapshot,
                                          exclusion_writer=DocumentWriter(str(dirs.removed / "license"))))
        if stage.toxicity is not None:
            steps.append(toxicity_filter(stage.toxicity, dirs))
        if stage.pii is not None:
            steps.append(PIIAnonymizer(stage.pii.entities))
        # Stages after language keep its partitioning by label.
        partitioned = "language" in config.enabled_stages()
        steps.append(PartitionedWriter(str(dirs.output)) if partitioned else DocumentWriter(str(dirs.output)))
        return steps

    return [Phase("compliance", dirs.logs, tasks, workers, build)]


def tokenizer_json(config: RunConfig) -> Path:
    """The run's tokenizer: trained (or adopted) by the tokenizer stage, else the configured file."""
    if config.stages.tokenizer is None:
        raise ConfigError("stages", "tokenize", "needs a tokenizer stage (train one or set tokenizer.path)")
    return stage_dirs(config.run_dir, "tokenizer").output / "tokenizer.json"


def tokenizer_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.tokenizer
    dirs = stage_dirs(config.run_dir, "tokenizer")

    def build() -> list[PipelineStep]:
        return [TokenizerTrainer(str(previous_output(config, "tokenizer")), str(dirs.output), stage.vocab_size,
                                 stage.tau, stage.byte_budget, stage.min_frequency, stage.path)]

    return [Phase("tokenizer", dirs.logs, 1, 1, build)]  # training is one process


def tokenize_phases(config: RunConfig, source: str) -> list[Phase]:
    stage = config.stages.tokenize
    tasks, workers = stage_tasks(config, "tokenize")
    dirs = stage_dirs(config.run_dir, "tokenize")
    tokenized = dirs.root / "tokenized"
    enabled = config.enabled_stages()
    reads_from = [s for s in STAGE_ORDER[: STAGE_ORDER.index("tokenizer")] if s in enabled]
    if not reads_from:
        raise ConfigError("stages", "tokenize", "needs an earlier document stage to read from")
    documents = stage_dirs(config.run_dir, reads_from[-1]).output

    def tokenize() -> list[PipelineStep]:
        reader = ParquetReader(str(documents), glob_pattern="**/*.parquet")
        reader.add_file_path = False
        steps: list[PipelineStep] = [reader]
        if stage.mixture:
            steps.append(LanguageMixture(stage.mixture))
        steps.append(ShardTokenizer(str(tokenized), str(tokenizer_json(config)), counts_dir=str(dirs.logs / "tokens"),
                                    shuffle_documents=stage.shuffle, seed=stage.seed))
        return steps

    def merge() -> list[PipelineStep]:
        return [DocumentTokenizerMerger(str(tokenized), str(dirs.output), save_filename="train",
                                        max_tokens_per_file=stage.max_tokens_per_file, shuffle=stage.shuffle,
                                        seed=stage.seed, progress=False)]

    return [Phase("tokenize", dirs.logs, tasks, workers, tokenize),
            Phase("tokenize_merge", dirs.root / "merge_logs", 1, 1, merge)]


STAGE_PHASES: dict[str, Callable[[RunConfig, str], list[Phase]]] = {
    "fetch": fetch_phases,
    "robots": robots_phases,
    "language": language_phases,
    "compliance": compliance_phases,
    "tokenizer": tokenizer_phases,
    "tokenize": tokenize_phases,
}
