"""Rewriting a file of documents without some of them, so that a kill at any moment loses nothing.

``clearweb erase`` rewrites every file that holds an erased document: Parquet files of documents
here, token shards through the formats their stage registers (``Stage.shards``: datatrove ``.ds``
and Megatron pairs, ``tokenizer/shard_erasure.py``), which say which document is where through
their document map (``<shard>.ids``, ``pipeline/core/docmap.py``).

Each rewrite first writes every new file beside the old one under an ``.erasing`` name and
flushes it to disk. ``Rewrite.commit`` (called after the caller has journalled the rewrite) writes
a shard's new map, which marks its set of new files complete, then renames the new files over the
old ones, the map last. A kill before the map's partial exists leaves the old files, and
``recover`` deletes the partials; a kill after it leaves a complete set, which ``recover`` renames
into place.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.pipeline.core.docmap import IDS_SUFFIX, ids_path, write_ids

PARTIAL = ".erasing"


def partial_of(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL)


def flush(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def flush_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class Rewrite:
    """A prepared rewrite of one file (or one shard's files) without ``removed`` documents;
    ``commit`` puts the new files in place (a shard's new map first, as the mark of a complete set)."""

    path: Path
    removed: int
    targets: list[Path]  # renamed in this order; the map, when there is one, last
    kept_ids: list[str] | None = None  # a shard's new map, written by commit

    def commit(self) -> None:
        if self.kept_ids is not None:
            map_path = ids_path(self.path)
            write_ids(partial_of(map_path), self.kept_ids)
            flush(partial_of(map_path))
        for target in self.targets:
            partial_of(target).replace(target)
        flush_folder(self.path.parent)


def write_partial(path: Path, write: Callable) -> None:
    """``write(handle)`` into ``path``'s partial, flushed to disk."""
    with open(partial_of(path), "wb") as out:
        write(out)
        out.flush()
        os.fsync(out.fileno())


def shard_rewrite(shard: Path, kept_ids: list[str], targets: list[Path], removed: int) -> Rewrite:
    """The rewrite of a shard whose other new files are written; its map comes with the commit."""
    return Rewrite(shard, removed, [*targets, ids_path(shard)], kept_ids)


def recover(root: Path) -> int:
    """Finish the rewrites a killed erasure left complete under ``root`` (their map's partial
    exists: every new file of that shard, named after it, is renamed into place, the map last),
    delete the other partials; returns how many shards were finished."""
    finished = 0
    for marker in sorted(root.rglob(f"*{IDS_SUFFIX}{PARTIAL}")):
        described = marker.name[:-len(IDS_SUFFIX + PARTIAL)]
        siblings = [marker.parent / f"{described}{PARTIAL}", *marker.parent.glob(f"{described}.*{PARTIAL}")]
        for partial in sorted(p for p in siblings if p != marker and p.exists()):
            partial.replace(partial.with_name(partial.name[:-len(PARTIAL)]))
        marker.replace(marker.with_name(marker.name[:-len(PARTIAL)]))
        flush_folder(marker.parent)
        finished += 1
    for leftover in root.rglob(f"*{PARTIAL}"):
        leftover.unlink()
    return finished


def text_sha256(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None


def is_document_file(path: Path) -> bool:
    """A Parquet file of documents (an ``id`` and a ``text`` column), not a snapshot or side table."""
    names = pq.read_schema(path).names
    return "id" in names and "text" in names


def parquet_without(path: Path, ids: set[str] | frozenset[str]) -> Rewrite | None:
    """The Parquet file without the rows whose id is in ``ids`` (same schema, zstd as the writer)."""
    table = pq.read_table(path)
    matched = pc.fill_null(pc.is_in(table["id"], value_set=pa.array(sorted(ids), pa.string())), False)
    removed = pc.sum(matched).as_py() or 0
    if not removed:
        return None
    pq.write_table(table.filter(pc.invert(matched)), partial_of(path), compression="zstd")
    flush(partial_of(path))
    return Rewrite(path, removed, [path])
