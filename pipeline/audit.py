"""A run directory as the audit commands (``status``, ``report``, ``why``) read it.

Everything comes from what ran: each stage's settings from its own ``lineage.json`` (the last
invocation's ``config.yaml`` only for stages that never started), every path resolved from the
run directory given on the command line, and no input file checked. A run copied elsewhere, or
whose raw shards were purged, explains itself exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from clearweb.pipeline.config import RunConfig, read_yaml, validate_config
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.core.settings import AUDIT
from clearweb.pipeline.core.stage import Phase, StageView
from clearweb.pipeline.core.stats import StepTotals, merged_stats
from clearweb.pipeline.lineage import read_lineage
from clearweb.pipeline.stages import PlannedStage, stage_graph


@dataclass
class AuditedPhase:
    stage: str
    phase: Phase
    steps: list[dict] | None  # the step records of the lineage, in pipeline order
    totals: list[StepTotals]
    stats_files: int


@dataclass
class RunRecord:
    run_dir: Path
    config: RunConfig
    graph: list[PlannedStage]
    lineage: dict[str, dict | None]

    def stage(self, name: str) -> PlannedStage | None:
        return next((planned for planned in self.graph if planned.name == name), None)

    @cached_property
    def phases(self) -> list[AuditedPhase]:
        """Every phase of every enabled stage, with its merged stats (recorded task counts win);
        read once per command, however many report sections ask for it."""
        phases = []
        for planned in self.graph:
            recorded = {phase["name"]: phase for phase in (self.lineage[planned.name] or {}).get("phases", [])}
            for phase in planned.phases():
                entry = recorded.get(phase.name, {})
                if entry:
                    logs = Path(entry["logs"])
                    phase = Phase(phase.name, logs if logs.is_absolute() else self.run_dir / logs,
                                  entry["tasks"], phase.workers, phase.build)
                totals, files = merged_stats(phase.logs)
                phases.append(AuditedPhase(planned.name, phase, entry.get("steps"), totals, files))
        return phases

    def view(self, name: str) -> StageView:
        planned = self.stage(name)
        steps: dict[str, dict[str, float]] = {}
        for audited in self.phases:
            if audited.stage != name or not audited.steps:
                continue
            for record, totals in zip(audited.steps, audited.totals, strict=False):
                merged = steps.setdefault(record["key"], {})
                for key, value in totals.stats.items():
                    merged[key] = merged.get(key, 0.0) + value
        return StageView(name, planned.settings, planned.ctx.dirs, dict(planned.ctx.artifacts), steps,
                         self.lineage.get(name) or {})


def load_run(run_dir: str | Path) -> RunRecord:
    run_dir = Path(run_dir).resolve()
    path = run_dir / "config.yaml"
    if not path.is_file():
        raise InputError(f"{run_dir}: not a clearweb run directory (no config.yaml)")
    raw = read_yaml(path)
    stages = raw.get("stages") or {}
    lineage = {}
    for name in list(stages):
        lineage[name] = read_lineage(run_dir / name)
        if lineage[name] and "settings_recorded" in lineage[name]:
            stages[name] = lineage[name]["settings_recorded"]
    raw["run_dir"] = str(run_dir)
    config = validate_config(raw, str(path), AUDIT)
    # phases can depend on the resolved inputs (fetch's with robots before extraction): as recorded
    graph = []
    for planned in stage_graph(config, str(path), run_dir=run_dir, check=False):
        planned = planned.with_recorded(lineage.get(planned.name))
        inputs = (lineage.get(planned.name) or {}).get("inputs")
        graph.append(planned.with_inputs(inputs) if inputs else planned)
    return RunRecord(run_dir, config, graph, {planned.name: lineage.get(planned.name) for planned in graph})
