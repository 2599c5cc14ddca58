"""The stage graph of one config: which registered stages run, what each reads and uses.

Stages run in registry order; each reads the previous enabled *document* stage's ``output/`` and
writes its own ``RUN/<stage>/{output,removed,logs}``. The graph is built and checked before any
task runs: a stage with nothing to read, a missing required artifact (``tokenize`` without a
``tokenizer`` stage), or a failed settings check (a thresholds file naming labels the model does
not have) stops the run with one line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clearweb.pipeline.config import RunConfig
from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.core.extra_steps import with_extra_steps
from clearweb.pipeline.core.stage import BuildsPhases, Phase, Stage, StageContext
from clearweb.pipeline.registry import STAGES


@dataclass(frozen=True)
class PlannedStage:
    """A registered stage with this config's settings and context."""

    stage: Stage
    settings: BuildsPhases
    ctx: StageContext
    upstream: tuple[str, ...]  # the stages whose outputs or artifacts it uses
    #: artifact name -> the settings of the stage that makes it (they know how to digest it)
    producers: dict[str, BuildsPhases] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.stage.name

    def phases(self) -> list[Phase]:
        """The settings' phases; the user's extra steps go into the document phase (the one named
        after the stage)."""
        phases = self.settings.phases(self.ctx)
        extra = self.settings.extra_steps
        if not extra:
            return phases
        return [dataclasses.replace(phase, build=partial(_with_extra, phase.build, extra, self.ctx.dirs.removed,
                                                         self.name)) if phase.name == self.name else phase
                for phase in phases]

    def with_inputs(self, inputs: list[dict] | None) -> PlannedStage:
        return dataclasses.replace(self, ctx=dataclasses.replace(self.ctx, inputs=inputs))

    def with_recorded(self, lineage: dict[str, Any] | None) -> PlannedStage:
        """The stage as its lineage (None: none yet) recorded its settings (``StageContext.recorded``)."""
        settings = lineage.get("settings") if lineage else None
        return dataclasses.replace(self, ctx=dataclasses.replace(self.ctx, recorded=settings))

    def owned_dirs(self) -> list[Path]:
        """Everything recomputed with the stage: ``RUN/<stage>`` and folders it declares."""
        return [self.ctx.dirs.root, *self.stage.owns(self.ctx.run_dir)]


def _with_extra(build, extra, removed_root: Path, stage: str) -> list:
    return with_extra_steps(build(), extra, removed_root, stage)


def check_user_steps(stage: Stage, settings: BuildsPhases, source: str, key: str) -> None:
    """extra_steps only in document stages, ``before`` only where the stage allows it, and one
    removed/ folder per step."""
    if settings.extra_steps and not stage.documents:
        raise ConfigError(source, f"{key}.extra_steps", f"stage {stage.name} writes no documents; extra_steps go "
                          "into a document stage (fetch ... compliance)")
    for index, step in enumerate(settings.extra_steps):
        if step.position == "before" and stage.no_steps_before:
            raise ConfigError(source, f"{key}.extra_steps[{index}].position",
                              f"before is not possible in stage {stage.name}: {stage.no_steps_before}")
    names = [step.folder_name for step in settings.user_steps()]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice:
        raise ConfigError(source, key, f"two of its steps are named {twice} (their removed/ folder): give each a "
                          "name")


def stage_tasks(config: RunConfig, settings: BuildsPhases) -> tuple[int, int]:
    """(tasks, workers) for a stage: the stage's own settings, else the executor's."""
    tasks = settings.tasks or config.executor.tasks
    workers = settings.workers if settings.workers is not None else config.executor.workers
    return tasks, (tasks if workers == -1 else min(workers, tasks))


def stage_graph(config: RunConfig, source: str, run_dir: Path | None = None, check: bool = True) -> list[PlannedStage]:
    """Every enabled stage of ``config`` with its context, in order. ``run_dir`` overrides the
    config's (the audit resolves paths from the run directory it was given); ``check`` runs the
    settings' own checks (model label sets), which the audit skips."""
    run_dir = (run_dir or Path(config.run_dir)).resolve()
    enabled = [(stage, config.settings(stage.name)) for stage in STAGES if config.settings(stage.name) is not None]
    artifacts: dict[str, Path] = {}
    producers: dict[str, str] = {}
    makers: dict[str, BuildsPhases] = {}
    for stage, settings in enabled:
        for name, path in settings.artifacts(run_dir).items():
            artifacts[name], producers[name], makers[name] = path, stage.name, settings
    planned: list[PlannedStage] = []
    last_documents: str | None = None
    for index, (stage, settings) in enumerate(enabled):
        key = f"stages.{stage.name}"
        check_user_steps(stage, settings, source, key)
        if stage.reads and last_documents is None:
            raise ConfigError(source, key, "needs an earlier document stage to read from (add fetch)")
        for name in stage.required:
            if name not in artifacts:
                raise ConfigError(source, key, f"needs the stage that makes {name} (add a {name} stage)")
        used = {name: artifacts[name] for name in stage.uses if name in artifacts}
        upstream = ([last_documents] if stage.reads else []) + [producers[name] for name in used
                                                                if producers[name] != stage.name]
        later_wants = set().union(*(later.wants() for _, later in enabled[index + 1:]))
        early = {} if stage.reads else {later_stage.name: decision for later_stage, later in enabled[index + 1:]
                                        if (decision := later.early_decision()) is not None}
        tasks, workers = stage_tasks(config, settings)
        ctx = StageContext(run_dir=run_dir, name=stage.name, tasks=tasks, workers=workers,
                           input_dir=run_dir / last_documents / "output" if stage.reads else None,
                           artifacts=used | settings.artifacts(run_dir),
                           partitioned=any(s.partitions for s, _ in enabled[:index]),
                           wanted=frozenset(later_wants), early=early)
        if check:
            try:
                settings.check(ctx)
            except ValueError as exc:
                raise ConfigError(source, key, str(exc)) from None
        planned.append(PlannedStage(stage, settings, ctx, tuple(dict.fromkeys(upstream)),
                                    {name: makers[name] for name in ctx.artifacts}))
        if stage.documents:
            last_documents = stage.name
    return planned
