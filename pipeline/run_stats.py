"""What a run did, read back from disk: merged stats of every task, and phase completion.

datatrove's ``logs/stats.json`` sums only the tasks of the last invocation, so a resumed run would
under-report; here every task's own ``logs/stats/<rank>.json`` is merged with datatrove's
PipelineStats arithmetic, whatever invocation wrote it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.utils.stats import PipelineStats

from clearweb.pipeline.config import RunConfig, load_config
from clearweb.pipeline.stages import STAGE_PHASES, Phase


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
    """Per-step totals over every task's stats file, and how many task files there were."""
    files = sorted((logs / "stats").glob("*.json"))
    merged = sum((PipelineStats.from_json(json.loads(f.read_text())) for f in files), start=PipelineStats())
    steps = [StepTotals(step.name, _total(step.time_stats),
                        {key: _total(value) for key, value in step.stats.items()}) for step in merged.stats]
    return steps, len(files)


def step_stats(steps: list[StepTotals], name_part: str) -> dict[str, float]:
    """Stats of the first step whose name contains ``name_part`` (empty if none)."""
    return next((step.stats for step in steps if name_part in step.name), {})


def run_config(run_dir: Path) -> RunConfig:
    path = run_dir / "config.yaml"
    if not path.is_file():
        from clearweb.pipeline.errors import InputError

        raise InputError(f"{run_dir}: not a clearweb run directory (no config.yaml)")
    return load_config(path)


def all_phases(config: RunConfig) -> list[tuple[str, Phase]]:
    """Every phase of the enabled stages, each paired with its stage name."""
    return [(name, phase) for name in config.enabled_stages() for phase in STAGE_PHASES[name](config, "config.yaml")]


def completed_ranks(phase: Phase) -> set[int]:
    """Ranks of this phase whose completion marker datatrove wrote."""
    folder = phase.logs / "completions"
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.name.isdigit()} & set(range(phase.tasks))


def task_log(phase: Phase, rank: int) -> Path:
    return phase.logs / "logs" / f"task_{rank:05d}.log"
