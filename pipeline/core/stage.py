"""What a stage is: a settings model that builds its phases, and the record that registers it.

A stage is one or more *phases*, each one datatrove job with its own tasks and completion markers
(the robots stage collects origins, crawls robots.txt, then filters). A stage's settings model
builds its phases from a ``StageContext``: where the stage reads and writes, its task counts and
the artifacts earlier stages made (the robots snapshot, the tokenizer). Settings and builders live
next to the steps they configure; ``pipeline/registry.py`` lists them in pipeline order.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from datatrove.data import Document
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.readers import ParquetReader
from pydantic import Field

from clearweb.pipeline.core.contract import EXTRACTED
from clearweb.pipeline.core.erasures import KeepsErasedOut
from clearweb.pipeline.core.extra_steps import ExtraStep
from clearweb.pipeline.core.settings import StageSettings, StrictModel


@dataclass(frozen=True)
class StageDirs:
    """``RUN/<stage>/{output,removed,logs}``."""

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


@dataclass(frozen=True)
class Phase:
    """One datatrove job of a stage; ``build`` is called only if the phase still has work.
    ``invalidate``, when given, runs before the completion check: it may find that the phase's
    earlier results no longer serve (a snapshot lacking origins) and clear them, so it runs again."""

    name: str
    logs: Path
    tasks: int
    workers: int
    build: Callable[[], list[PipelineStep]]
    invalidate: Callable[[], None] | None = None


#: stat of a stage's reader: documents without text that were not pages whose extraction was skipped
NO_TEXT = "skipped_no_text"


class StageOutputReader(KeepsErasedOut, ParquetReader):
    """Reads a completed earlier stage's output. That stage may have kept nothing (a strict
    threshold removes every document): an empty output is read as no documents, where datatrove's
    reader would fail the task. The runner starts a stage only after the stages it reads completed.
    Documents the run's erasures removed are not read (``pipeline/core/erasures.py``)."""

    stats_key = "stage_reader"

    def __init__(self, data_folder: str, run_dir: str | None = None, **kwargs):
        super().__init__(data_folder, **kwargs)
        self.run_dir = run_dir

    def get_document_from_dict(self, data: dict, source_file: str, id_in_file: int | str) -> Document | None:
        """A page whose extraction was skipped (``SkipExtraction``) has no text: read it all the
        same, for the stage that removes it. Any other document without text is skipped and
        counted (``skipped_no_text``), where datatrove's reader skips it with one warning per task."""
        if not data.get(self.text_key):
            if data.get(EXTRACTED) is False:
                return Document(**self.adapter(data, source_file, id_in_file))
            self.stat_update(NO_TEXT)
            return None
        return super().get_document_from_dict(data, source_file, id_in_file)

    def update_doc_stats(self, document: Document) -> None:
        if document.text is not None:
            super().update_doc_stats(document)

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        if not self.data_folder.list_files(recursive=self.recursive, glob_pattern=self.glob_pattern):
            self.stat_update("empty_input")
            return
        yield from self.not_erased(self, super().run(data, rank, world_size))


@dataclass(frozen=True)
class EarlyDecision:
    """A later stage's filter that decides from what a record's headers hold (its URL), lent to the
    fetch stage to apply before extraction (``SkipExtraction``): pages it will remove are not
    extracted. The later stage still removes them and records why; the fetch stage's lineage
    records ``content`` (those settings decide what it extracted). ``required``: asked for in the
    config; otherwise the fetch stage takes it when every input is WARC (where extraction is the
    cost). ``phases`` make what the filter needs (the robots crawl), from the origins the fetch
    stage collected from the records' headers into ``origins``."""

    content: dict[str, Any]
    required: bool
    phases: Callable[[StageContext, Path], list[Phase]]
    filter: Callable[[StageContext, Path], BaseFilter]


@dataclass(frozen=True)
class StageContext:
    """Everything a stage's builder may use; no builder reads the run config directly."""

    run_dir: Path
    name: str
    tasks: int
    workers: int
    #: the output folder of the document stage this stage reads (None for fetch)
    input_dir: Path | None = None
    #: artifact name -> path, from the enabled stages before this one (and this one's own)
    artifacts: dict[str, Path] = field(default_factory=dict)
    #: a partitioning stage (language) ran before: document outputs stay partitioned by label
    partitioned: bool = False
    #: resolved inputs recorded in the stage's lineage (fetch: the shard list)
    inputs: list[dict[str, Any]] | None = None
    #: what later stages ask of this one (``tdmrep``: fetch tdmrep.json in the robots crawl)
    wanted: frozenset[str] = frozenset()
    #: later stages' filters lent to this one, by stage name (fetch: applied before extraction)
    early: dict[str, EarlyDecision] = field(default_factory=dict)
    #: the settings the stage's lineage recorded (None before its first start): a default that
    #: changed since may keep what the run was recorded with
    recorded: dict[str, Any] | None = None

    @property
    def dirs(self) -> StageDirs:
        return StageDirs(self.run_dir / self.name)

    def reader(self) -> ParquetReader:
        """A reader of the previous document stage's Parquet output."""
        reader = StageOutputReader(str(self.input_dir), run_dir=str(self.run_dir), glob_pattern="**/*.parquet")
        # datatrove would add the intermediate file's absolute path (it names the run directory, so two
        # runs could never produce identical outputs); provenance is source_file, set at fetch.
        reader.add_file_path = False
        return reader

    def phase(self, build: Callable[[], list[PipelineStep]], name: str | None = None, logs: Path | None = None,
              tasks: int | None = None, workers: int | None = None,
              invalidate: Callable[[], None] | None = None) -> Phase:
        """A phase of this stage; the defaults are the stage's own name, logs folder and task counts."""
        tasks = tasks or self.tasks
        workers = min(workers or self.workers, tasks)
        return Phase(name or self.name, logs or self.dirs.logs, tasks, workers, build, invalidate)


class BuildsPhases(StageSettings):
    """A stage's settings: they build its phases, and may name the artifacts the stage makes.
    ``extra_steps``: the user's own steps in a document stage (``pipeline/core/extra_steps.py``)."""

    extra_steps: list[ExtraStep] = Field(default_factory=list, description="your own datatrove steps in this "
                                         "stage's document phase: [{class: pkg.module.Class, args: {...}, "
                                         "position: before|after}]")

    def content(self) -> dict[str, Any]:
        """Without ``extra_steps`` when there are none: runs made before the key existed stay current."""
        data = super().content()
        if not self.extra_steps:
            data.pop("extra_steps")
        return data

    def user_steps(self) -> list[ExtraStep]:
        """The user's own steps in this stage (``why`` names them as the evidence of their removals)."""
        return list(self.extra_steps)

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """The user's steps' source files count as content: editing one makes the stage stale."""
        paths = super().content_paths(prefix)
        for key in ("steps", "extra_steps"):
            for index, step in enumerate(getattr(self, key, None) or []):
                source = step.source_file()
                if source:
                    paths[f"{prefix}{key}[{index}].class"] = source
        return paths

    @abstractmethod
    def phases(self, ctx: StageContext) -> list[Phase]:
        """The stage's datatrove jobs, in order."""

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        """Files or folders this stage makes that later stages use, by name (none by default)."""
        return {}

    def artifact_digest(self, name: str, path: Path, run_dir: Path) -> str | None:
        """What the lineage of the stages using this artifact records of it, for this run: None
        hashes all of it; an artifact several runs share may hash only the part this run uses."""
        return None

    def check(self, ctx: StageContext) -> None:
        """Checks that need more than the config (a model's label set): before any task runs."""

    def wants(self) -> set[str]:
        """What this stage asks of earlier ones (see ``StageContext.wanted``)."""
        return set()

    def early_decision(self) -> EarlyDecision | None:
        """This stage's filter for the fetch stage to apply before extraction, if it has one that
        needs only the record's URL (see ``EarlyDecision``). None by default."""
        return None

    def borrowed_content(self, ctx: StageContext) -> dict[str, Any]:
        """Settings of later stages that decide this one's output (the early decisions it applies):
        recorded in its lineage beside its own. Nothing by default."""
        return {}

    def artifact_filters(self, ctx: StageContext, artifact: str) -> list[BaseFilter]:
        """This stage's filters that decide from ``artifact``, built to judge documents one at a
        time: ``clearweb erase --robots-delta`` asks them about the documents a stage kept when
        the artifact (the robots.txt snapshot) changed since. None by default."""
        return []

    def applied(self) -> dict[str, Any]:
        """Values the stage applies that its settings only point to (a thresholds file's entries):
        recorded in the lineage so the audit shows them even after the file changed."""
        return {}


@dataclass(frozen=True)
class ShardFormat:
    """Files of token sequences a stage writes, each with its document map (``<shard>.ids``), which
    ``clearweb erase`` rewrites without some documents (``pipeline/core/rewrite.py``)."""

    name: str
    #: the stage's folder -> every shard in it (the path its map describes)
    find: Callable[[Path], list[Path]]
    #: (shard, ids) -> the prepared rewrite without those documents, None when it holds none
    without: Callable[[Path, set[str]], Any]
    #: after an erasure, with the folders whose shards it changed (recount totals)
    after: Callable[[list[Path]], None] = lambda folders: None


@dataclass(frozen=True)
class Stage:
    """One registered stage. ``documents``: it writes documents (Parquet) that later stages read;
    ``reads``: it reads the previous document stage's output; ``uses``: artifacts of other stages
    it needs (``required``) or uses when present; ``owns``: folders besides ``RUN/<name>`` that
    belong to it and are recomputed with it."""

    name: str
    settings: type[BuildsPhases]
    documents: bool = True
    reads: bool = True
    uses: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    owns: Callable[[Path], list[Path]] = lambda run_dir: []
    #: its output is partitioned by language label, and later document stages keep that layout
    partitions: bool = False
    #: report.json section built from the stage's recorded stats and side files
    report: Callable[[Any], dict | None] | None = None
    #: extra lines for ``clearweb why`` about a document this stage removed
    explain: Callable[[dict, Any], list[str]] | None = None
    #: a warning line for the end of a run, from the stage's outputs in the run directory (task logs
    #: hold it too, but the terminal shows only errors from tasks), or None
    warning: Callable[[Path], str | None] | None = None
    #: token shards it writes, for erasure (its Parquet files of documents need no declaration)
    shards: tuple[ShardFormat, ...] = ()
    #: why ``extra_steps`` may not go before the stage's own steps (None: they may)
    no_steps_before: str | None = None


class BuildsStep(StrictModel):
    """A filter's settings in a filter stage (compliance): they build its one step. Removed
    documents go to ``removed_dir`` (``RUN/<stage>/removed/<filter>/``). ``reads_artifacts``: the
    artifacts its decisions depend on (see ``BuildsPhases.artifact_filters``)."""

    reads_artifacts: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def step(self, ctx: StageContext, removed_dir: Path) -> PipelineStep:
        """The filter's step, its removed documents written to ``removed_dir``."""

    def check(self, ctx: StageContext) -> None:
        """Checks that need the stage graph (what earlier stages make): before any task runs."""

    def wants(self) -> set[str]:
        """What this filter asks of earlier stages (see ``StageContext.wanted``)."""
        return set()


@dataclass(frozen=True)
class Filter:
    """One registered filter of a filter stage, in chain order. ``name`` is its settings key
    (``stages.compliance.<name>``) and its ``removed/<name>/`` folder."""

    name: str
    settings: type[BuildsStep]
    enabled_by_default: bool = True
    report: Callable[[Any], dict | None] | None = None
    explain: Callable[[dict, Any], list[str]] | None = None


@dataclass
class StageView:
    """A completed (or partly run) stage as the audit sees it: recorded settings, folders resolved
    from the run directory given on the command line, and merged stats per step key."""

    name: str
    settings: Any
    dirs: StageDirs
    artifacts: dict[str, Path]
    steps: dict[str, dict[str, float]]
    lineage: dict[str, Any]

    def stats(self, key: str) -> dict[str, float]:
        return self.steps.get(key, {})

    def side_files(self, folder: Path) -> list[dict]:
        """Every ``<rank>.json`` side file in ``folder`` (per-task counts, histograms)."""
        return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
