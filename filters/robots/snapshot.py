"""The dated robots.txt snapshot: one Parquet row per origin.

The snapshot is what makes the robots decision reproducible and explainable: every removal can be
traced to the exact robots.txt body (and its sha256) fetched at ``fetched_at``, and re-running the
filter reuses it instead of re-crawling. Crawl tasks write one part each; readers merge them.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearweb.filters.robots.crawler import RobotsFetch


@dataclass
class SnapshotEntry(RobotsFetch):
    """An origin's robots.txt fetch, plus its /.well-known/tdmrep.json when that was crawled too."""

    tdmrep_status: int | None = None
    tdmrep_body: str | None = None
    tdmrep_error: str | None = None

    @classmethod
    def combine(cls, robots: RobotsFetch, tdmrep: RobotsFetch | None) -> SnapshotEntry:
        extra = {}
        if tdmrep is not None:
            extra = {"tdmrep_status": tdmrep.status, "tdmrep_body": tdmrep.body,
                     "tdmrep_error": tdmrep.error or (None if tdmrep.outcome == "ok" else tdmrep.outcome)}
        return cls(**asdict(robots), **extra)


SCHEMA = pa.schema([
    ("origin", pa.string()), ("url", pa.string()), ("final_url", pa.string()), ("fetched_at", pa.string()),
    ("status", pa.int32()), ("body", pa.string()), ("sha256", pa.string()), ("error", pa.string()),
    ("outcome", pa.string()), ("tdmrep_status", pa.int32()), ("tdmrep_body", pa.string()),
    ("tdmrep_error", pa.string()),
])
assert [f.name for f in fields(SnapshotEntry)] == SCHEMA.names


def write_part(path: Path, rows: list[RobotsFetch]) -> None:
    """Write one task's rows atomically (a half-written part must never be read as complete)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    table = pa.Table.from_pylist([asdict(row) for row in rows], schema=SCHEMA)  # missing tdmrep_*: null
    pq.write_table(table, partial, compression="zstd")
    partial.replace(path)


ROBOTS_COLUMNS = [name for name in SCHEMA.names if not name.startswith("tdmrep_")]
TDMREP_COLUMNS = ["origin", "tdmrep_status", "tdmrep_body", "tdmrep_error"]


def read_snapshot(folder: str | Path, columns: list[str] | None = None) -> dict[str, SnapshotEntry]:
    """origin -> its entry, from every part in ``folder``; ``columns`` reads only those (the others
    stay None), e.g. ROBOTS_COLUMNS or TDMREP_COLUMNS, since robots.txt bodies can be large."""
    entries: dict[str, SnapshotEntry] = {}
    defaults = dict.fromkeys(SCHEMA.names)
    for path in sorted(Path(folder).glob("*.parquet")):
        for row in pq.read_table(path, schema=SCHEMA, columns=columns).to_pylist():
            entries[row["origin"]] = SnapshotEntry(**(defaults | row))
    return entries


def lacking(folder: str | Path, origins: list[str], tdmrep: bool) -> list[str]:
    """The origins a crawl must fetch: those without an entry and, when tdmrep.json is wanted,
    those whose entry was crawled without it (neither a status nor an error for the file)."""
    columns = ["origin", "tdmrep_status", "tdmrep_error"]
    known = read_snapshot(folder, columns) if Path(folder).is_dir() else {}
    return [origin for origin in origins if origin not in known
            or (tdmrep and known[origin].tdmrep_status is None and known[origin].tdmrep_error is None)]


def archive_snapshot(snapshot: Path, archive: Path) -> Path | None:
    """Move a snapshot aside to ``archive/<oldest fetched_at>``; None if there was none to keep.
    Earlier snapshots stay as evidence of what the robots decisions of earlier runs rested on."""
    entries = read_snapshot(snapshot, ["origin", "fetched_at"]) if snapshot.is_dir() else {}
    if not entries:
        shutil.rmtree(snapshot, ignore_errors=True)
        return None
    target = archive / min(entry.fetched_at for entry in entries.values()).replace(":", "")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    snapshot.rename(target)
    return target
