"""The stats contract: every step's stats are found by a stable key, never by its display name.

Each clearweb step declares ``stats_key`` (a class attribute) and its stat names as constants in its
own module; datatrove's own steps are keyed by their class name. The runner records, per phase, the
ordered step keys of the pipeline it ran (in the stage's lineage), and the audit pairs them with
the per-task stats files, which datatrove writes in the same order.

Two roles feed the report's funnel: a step's ``documents_out_stat`` counts the documents it passes
on (writers; the language mixture's copies), and ``tokens_stat`` counts tokens written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.pipeline.base import PipelineStep
from datatrove.utils.stats import PipelineStats

#: the stat every reader keeps (datatrove's readers and ours): documents read
DOCUMENTS_READ = "documents"
#: prefix of datatrove's BaseFilter drop reasons: ``dropped_<removed_by>``
DROPPED_PREFIX = "dropped_"


def step_key(step: PipelineStep) -> str:
    return getattr(step, "stats_key", None) or type(step).__name__


def step_record(step: PipelineStep) -> dict[str, str | None]:
    """What the lineage keeps of a step: its key and the stats that play a role in the funnel."""
    return {"key": step_key(step), "documents_out": getattr(step, "documents_out_stat", None),
            "tokens": getattr(step, "tokens_stat", None)}


@dataclass
class StepTotals:
    name: str
    seconds: float
    stats: dict[str, float] = field(default_factory=dict)


def _total(value) -> float:
    """A stat's total, whichever form datatrove left it in (MetricStats, its dict, or a bare number)."""
    if hasattr(value, "total"):
        return float(value.total)
    if isinstance(value, dict):
        return float(value.get("total", 0.0))
    return float(value)


def merged_stats(logs: Path) -> tuple[list[StepTotals], int]:
    """Per-step totals over every task's ``stats/<rank>.json`` (datatrove's own ``stats.json`` sums
    only the last invocation's tasks, so a resumed run would under-report), and the file count."""
    files = sorted((logs / "stats").glob("*.json"))
    merged = sum((PipelineStats.from_json(json.loads(f.read_text())) for f in files), start=PipelineStats())
    steps = [StepTotals(step.name, _total(step.time_stats),
                        {key: _total(value) for key, value in step.stats.items()}) for step in merged.stats]
    return steps, len(files)


def removed_per_reason(stats: dict[str, float]) -> dict[str, int]:
    """Documents a filter removed, per ``removed_by`` (datatrove's ``dropped_<reason>`` stats)."""
    return {k.removeprefix(DROPPED_PREFIX): int(v) for k, v in stats.items()
            if k.startswith(DROPPED_PREFIX) and k != DROPPED_PREFIX.rstrip("_")}
