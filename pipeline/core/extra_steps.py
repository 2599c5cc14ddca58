"""A user's own datatrove steps in a document stage, from the config (``extra_steps``).

    stages:
      quality:
        extra_steps:
          - class: mypackage.filters.NoBoilerplate   # any datatrove PipelineStep
            args: {max_ratio: 0.3}                     # its constructor's keyword arguments
            position: after                            # after the stage's own steps (default), or
                                                       # before them (right after the stage's reader)

The class is imported by its dotted path and the arguments are bound to its constructor when the
config is read: a missing module or class, a class that is not a datatrove step, or an argument its
constructor does not take stops the run with one line naming the key, before any work. A filter
(datatrove's ``BaseFilter``) without an exclusion writer of its own writes what it removes to
``RUN/<stage>/removed/<name>/`` (``name``: default the class name), so its removals are in the
report's funnel and removal tables and ``clearweb why`` finds them like a built-in filter's. The
lineage records the class, its arguments and the SHA-256 of the module's source file: editing the
step makes the stage stale.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections import deque
from pathlib import Path
from typing import Any, Literal

from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter
from pydantic import ConfigDict, Field, ValidationInfo, model_validator

from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.settings import StrictModel, checks_files


def step_class(path: str) -> type[PipelineStep]:
    """The class at ``package.module.Class``; ValueError naming what is wrong."""
    module_name, _, name = path.rpartition(".")
    if not module_name:
        raise ValueError(f"{path!r}: give the class as package.module.Class")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"{path!r}: cannot import {module_name} ({exc})") from None
    found = getattr(module, name, None)
    if not (inspect.isclass(found) and issubclass(found, PipelineStep)):
        raise ValueError(f"{path!r}: {name} in {module_name} is not a datatrove PipelineStep class")
    return found


class ExtraStep(StrictModel):
    """One step of the user's, inserted into a stage's document phase."""

    model_config = ConfigDict(**StrictModel.model_config, populate_by_name=True)  # ``class`` or ``step_class``

    step_class: str = Field(alias="class", description="package.module.Class, a datatrove PipelineStep")
    args: dict[str, Any] = Field(default_factory=dict, description="its constructor's keyword arguments")
    position: Literal["before", "after"] = Field("after", description="before the stage's own steps (right "
                                                 "after its reader) or after them (before its writer)")
    name: str | None = Field(None, description="its removed/ folder (a filter); default: the class name")

    @model_validator(mode="after")
    def _importable(self, info: ValidationInfo) -> ExtraStep:
        """Checked when a config is about to run; a run's recorded settings are read without
        importing (the audit of a run copied where the module is not installed)."""
        if not checks_files(info):
            return self
        cls = step_class(self.step_class)
        try:
            inspect.signature(cls).bind(**self.args)
        except TypeError as exc:
            raise ValueError(f"args do not fit {cls.__name__}: {exc}") from None
        if self.name is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+", self.name):
            raise ValueError(f"name {self.name!r}: letters, digits, '_', '.' and '-' only (a folder name)")
        return self

    @property
    def folder_name(self) -> str:
        return self.name or self.step_class.rpartition(".")[2]

    def source_file(self) -> str | None:
        """The module's source file, whose content the lineage hashes."""
        module = inspect.getmodule(step_class(self.step_class))
        source = inspect.getsourcefile(module) if module else None
        return source if source and Path(source).is_file() else None

    def build(self, removed_root: Path) -> PipelineStep:
        step = step_class(self.step_class)(**self.args)
        if isinstance(step, BaseFilter) and step.exclusion_writer is None:
            from clearweb.pipeline.core.writer import DocumentWriter

            step.exclusion_writer = DocumentWriter(str(removed_root / self.folder_name))
        return step


class SetAsideTextless(PipelineStep):
    """Holds back the pages without text (the fetch stage skipped extracting them: the robots stage
    removes them) from the user's steps, which may read any document's text; ``Rejoin`` passes
    them on after those steps."""

    name = "⤵ set aside pages without text"
    stats_key = "set_aside_textless"

    def __init__(self, held: deque):
        super().__init__()
        self.held = held

    def run(self, data, rank: int = 0, world_size: int = 1):
        for document in data:
            if document.text is None:
                self.stat_update("set_aside")
                self.held.append(document)
            else:
                yield document


class Rejoin(PipelineStep):
    """Passes on the pages ``SetAsideTextless`` held back, as soon as the user's steps yield again."""

    name = "⤴ rejoin pages without text"
    stats_key = "rejoin_textless"

    def __init__(self, held: deque):
        super().__init__()
        self.held = held

    def _release(self):
        while self.held:
            yield self.held.popleft()

    def run(self, data, rank: int = 0, world_size: int = 1):
        for document in data:
            yield from self._release()
            yield document
        yield from self._release()


def _around(steps: list[PipelineStep]) -> list[PipelineStep]:
    """The user's steps between the two that keep pages without text away from them (one list, so
    it stays shared when the pipeline is pickled for a task)."""
    if not steps:
        return []
    held: deque = deque()
    return [SetAsideTextless(held), *steps, Rejoin(held)]


def with_extra_steps(steps: list[PipelineStep], extra: list[ExtraStep], removed_root: Path,
                     stage: str) -> list[PipelineStep]:
    """The phase's steps with the user's: ``before`` ones right after the reader, ``after`` ones
    right before the writer that ends a document phase; pages without text go around them."""
    if not isinstance(steps[-1], (DiskWriter, PartitionedWriter)):
        raise ValueError(f"stage {stage}: its last step ({steps[-1].name}) writes no documents; extra_steps "
                         "need a document phase")
    before = _around([step.build(removed_root) for step in extra if step.position == "before"])
    after = _around([step.build(removed_root) for step in extra if step.position == "after"])
    return [steps[0], *before, *steps[1:-1], *after, steps[-1]]
