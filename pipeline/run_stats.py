"""Phase completion as datatrove left it on disk: which tasks wrote their completion marker."""

from __future__ import annotations

from pathlib import Path

from clearweb.pipeline.core.stage import Phase


def completed_ranks(phase: Phase) -> set[int]:
    """Ranks of this phase whose completion marker datatrove wrote."""
    folder = phase.logs / "completions"
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.name.isdigit()} & set(range(phase.tasks))


def task_log(phase: Phase, rank: int) -> Path:
    return phase.logs / "logs" / f"task_{rank:05d}.log"
