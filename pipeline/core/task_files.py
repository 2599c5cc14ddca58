"""Per-task side files (``<folder>/<rank>.json`` and the like) written so readers never see half of one.

Stages leave counts, histograms and origin lists beside their outputs for the report and later
stages; a task killed mid-write must leave either the old file or none, so each file is written
under a ``.partial`` name and renamed into place.
"""

from __future__ import annotations

from pathlib import Path


def write_atomically(path: Path, text: str) -> Path:
    """Write ``path`` under a ``.partial`` name and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)
    return path


def write_task_file(folder: str | Path, rank: int, suffix: str, text: str) -> Path:
    """Write ``<folder>/<rank:05d><suffix>`` atomically and return its path."""
    return write_atomically(Path(folder) / f"{rank:05d}{suffix}", text)
