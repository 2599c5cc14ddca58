"""The reachability gate: refuse to filter when most of the run's robots.txt fetches failed.

A compute node without outbound network (or TLS to a plain-HTTP mirror) makes every origin
``unreachable``, and ``on_unreachable: keep`` would then keep everything: a crawl that failed looks
like a crawl that found no opt-outs. The gate counts the run's origins whose snapshot entry is
unreachable or refused and refuses, in one line, above ``max_unreachable_fraction``.

It runs when a phase is built, so that a local or Ray run stops before any task starts. A Slurm chain
builds every phase at submission, before its origins and crawl exist, where that check has nothing
to count: the filter then applies it in each task, when it loads the snapshot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from clearweb.filters.robots.snapshot import SnapshotEntry, read_snapshot
from clearweb.pipeline.core.errors import RunFailed
from clearweb.pipeline.core.origins import read_origins

UNREACHABLE = ("unreachable", "refused")

#: the unreachable or refused entries among the run's origins, and how many origins the run has
Unreachable = tuple[list[SnapshotEntry], int]


def unreachable_among(entries: Mapping[str, SnapshotEntry], origins: list[str]) -> Unreachable | None:
    """The entries of ``origins`` that are unreachable or refused, and their number; None until the
    snapshot covers every origin (the crawl has not finished)."""
    if not origins or any(origin not in entries for origin in origins):
        return None
    return [entries[origin] for origin in origins if entries[origin].outcome in UNREACHABLE], len(origins)


def unreachable_origins(snapshot: Path, origins_dir: Path) -> Unreachable | None:
    """``unreachable_among`` for the origins collected in ``origins_dir``, read from the snapshot
    folder; None while either is missing."""
    if not origins_dir.is_dir() or not snapshot.is_dir():
        return None
    return unreachable_among(read_snapshot(snapshot, ["origin", "error", "outcome"]), read_origins(origins_dir))


def refuse_unreachable(found: Unreachable | None, max_fraction: float) -> None:
    """Raise ``RunFailed`` with the commonest errors when more than ``max_fraction`` of the
    origins are unreachable or refused."""
    if found is None or len(found[0]) <= max_fraction * found[1]:
        return
    failed, total = found
    errors = Counter((entry.error or entry.outcome).split(":", 1)[0][:80] for entry in failed)
    top = "; ".join(f"{error} ({count})" for error, count in errors.most_common(3))
    raise RunFailed(f"robots: {len(failed)} of {total} origins' robots.txt unreachable or refused "
                    f"({len(failed) / total:.0%} > max_unreachable_fraction {max_fraction}); top errors: {top}. "
                    "Check this machine's network, then clearweb robots fetch RUN --refresh; to filter anyway, raise "
                    "stages.robots.max_unreachable_fraction")


def check_reachable(snapshot: Path, origins_dir: Path, max_fraction: float) -> bool:
    """The gate, from the folders (when a phase is built); False when it had nothing to count yet
    (the filter's tasks must then apply it)."""
    found = unreachable_origins(snapshot, origins_dir)
    refuse_unreachable(found, max_fraction)
    return found is not None
