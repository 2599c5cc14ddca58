"""A stage of the user's own steps, defined in the config: a ``stages`` entry with ``after`` and ``steps``.

    stages:
      quality: {}
      no_boilerplate:                 # any name that is not a built-in stage
        after: quality                # the document stage it reads from and follows
        steps:
          - class: mypackage.filters.NoBoilerplate
            args: {max_ratio: 0.3}

It reads the output of the stage it follows, runs the steps in order (each a datatrove step given
as in ``extra_steps``, ``pipeline/core/extra_steps.py``; a filter's removals go to
``RUN/<name>/removed/<step name>/``) and writes documents like any document stage (partitioned by
language when a language stage ran before), so every later stage reads it. It has its own
lineage, funnel row, removals in the report and ``why`` answers, as a built-in stage does.

The run config's schema is assembled from the registry, so such an entry is registered before the
config is validated (``register_custom_stages``); the recorded ``config.yaml`` keeps it, so the
audit commands register it again.
"""

from __future__ import annotations

from typing import Any

from datatrove.pipeline.base import PipelineStep
from pydantic import Field

from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.core.extra_steps import ExtraStep
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.stage import BuildsPhases, Phase, Stage, StageContext
from clearweb.pipeline.core.writer import DocumentWriter
from clearweb.pipeline.registry import STAGES, register_stage


class CustomStageSettings(BuildsPhases):
    """A stage of your own datatrove steps (see ``pipeline/custom_stage.py``)."""

    after: str = Field(description="the document stage this one follows and reads")
    steps: list[ExtraStep] = Field(min_length=1, description="[{class: pkg.module.Class, args: {...}}], in order")

    def user_steps(self) -> list[ExtraStep]:
        return [*self.steps, *self.extra_steps]

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build() -> list[PipelineStep]:
            return [ctx.reader(), *(step.build(ctx.dirs.removed) for step in self.steps),
                    PartitionedWriter(str(ctx.dirs.output)) if ctx.partitioned else DocumentWriter(str(ctx.dirs.output))]

        return [ctx.phase(build)]


def register_custom_stages(stages: Any, source: str) -> None:
    """Register each ``stages`` entry that names no registered stage and has ``after``, after the
    stage it names (once: the audit reads the same config again)."""
    if not isinstance(stages, dict):
        return
    last_after: dict[str, str] = {}  # several stages after the same one run in the config's order
    for name, section in stages.items():
        if any(stage.name == name for stage in STAGES) or not (isinstance(section, dict) and "after" in section):
            continue
        after = section["after"]
        names = [stage.name for stage in STAGES]
        if after not in names or not STAGES[names.index(after)].documents:
            documents = ", ".join(stage.name for stage in STAGES if stage.documents)
            raise ConfigError(source, f"stages.{name}.after", f"{after!r} is not a document stage ({documents})")
        anchor = names.index(last_after.get(after, after))
        register_stage(Stage(name, CustomStageSettings), before=names[anchor + 1] if anchor + 1 < len(names) else None)
        last_after[after] = name
