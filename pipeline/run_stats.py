"""Phase completion as datatrove left it on disk: which tasks wrote their completion marker, and
which logs record an error."""

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


def logged_error(log: Path) -> bool:
    """Whether a task's log records an error (a task without completion marker whose log does
    failed; one whose log does not was interrupted or never started)."""
    try:
        return "ERROR" in log.read_text(errors="replace")
    except OSError:
        return False
