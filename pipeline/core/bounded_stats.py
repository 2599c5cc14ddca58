"""Per-key counts in datatrove stats, bounded so stats stay readable at thousands of keys.

Steps that count per language or per domain report the ``top`` keys under ``prefix:key`` and the
rest as one ``prefix:(other N)`` bucket; full counts, where they matter, go to side files.
"""

from __future__ import annotations

from collections import Counter

from datatrove.pipeline.base import PipelineStep


def report_top(step: PipelineStep, prefix: str, counts: Counter, top: int) -> None:
    best = counts.most_common(top)
    for key, count in best:
        step.stat_update(f"{prefix}:{key}", value=count)
    if len(counts) > len(best):
        rest = sum(counts.values()) - sum(count for _, count in best)
        step.stat_update(f"{prefix}:(other {len(counts) - len(best)})", value=rest)
