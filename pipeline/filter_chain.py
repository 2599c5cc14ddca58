"""A stage made of registered filters run in one pass (the compliance stage).

Its settings model is assembled from the filters registered for it: one optional key per filter
(``stages.compliance.toxicity``), null disables that filter. Each filter writes its removals to
``removed/<filter>/``; the documents that pass every filter are written once. Adding a filter is a
folder with its settings and step, and one ``register_filter`` line.
"""

from __future__ import annotations

from typing import Any, ClassVar

from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from pydantic import Field, create_model

from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.stage import BuildsPhases, Filter, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter


class FilterChainSettings(BuildsPhases):
    filters: ClassVar[tuple[Filter, ...]] = ()

    def enabled_filters(self) -> list[tuple[Filter, Any]]:
        """(filter, its settings) for every filter this config enables, in chain order."""
        return [(f, getattr(self, f.name)) for f in self.filters if getattr(self, f.name) is not None]

    def wants(self) -> set[str]:
        return set().union(*(settings.wants() for _, settings in self.enabled_filters()))

    def check(self, ctx: StageContext) -> None:
        for f, settings in self.enabled_filters():
            try:
                settings.check(ctx)
            except ValueError as exc:
                raise ValueError(f"{f.name}: {exc}") from None

    def artifact_filters(self, ctx: StageContext, artifact: str) -> list[BaseFilter]:
        return [settings.step(ctx, ctx.dirs.removed / f.name) for f, settings in self.enabled_filters()
                if artifact in settings.reads_artifacts]

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build() -> list[PipelineStep]:
            steps: list[PipelineStep] = [ctx.reader()]
            steps += [settings.step(ctx, ctx.dirs.removed / f.name) for f, settings in self.enabled_filters()]
            # Stages after language keep its partitioning by label.
            steps.append(PartitionedWriter(str(ctx.dirs.output)) if ctx.partitioned
                         else DocumentWriter(str(ctx.dirs.output)))
            return steps

        return [ctx.phase(build)]


def filter_chain_settings(name: str, filters: tuple[Filter, ...], doc: str) -> type[FilterChainSettings]:
    """The settings model of a filter stage with these filters."""
    fields: dict[str, Any] = {}
    for f in filters:
        default = Field(default_factory=f.settings) if f.enabled_by_default else Field(None)
        fields[f.name] = (f.settings | None, default)
    model = create_model(f"{name.title()}Settings", __base__=FilterChainSettings, __doc__=doc, **fields)
    model.filters = filters
    return model
