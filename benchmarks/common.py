"""Timing helpers shared by the benchmarks: every number is a rate of one pipeline over a list of
documents in this process, reported as the median of alternating rounds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Iterator

from datatrove.data import Document


def docs_per_second(run: Callable[[Iterator[Document]], Iterable], docs: list[Document]) -> float:
    """Documents per second for ``run`` (e.g. ``step.run`` or a chain of steps) over ``docs``."""
    started = time.perf_counter()
    for _ in run(iter(docs)):
        pass
    return len(docs) / (time.perf_counter() - started)


def rounds_summary(rates: list[float]) -> str:
    return f"median {statistics.median(rates):,.0f} docs/s/core (rounds {', '.join(f'{r:,.0f}' for r in rates)})"


def ratio(ours: list[float], baseline: list[float]) -> float:
    return statistics.median(ours) / statistics.median(baseline)
