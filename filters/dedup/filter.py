"""The dedup filter: keep one document per near-duplicate cluster, record why the others went.

MinHash knows a document only by its position in its task's read order, so this phase reads the
same files in the same order with the same task count as the signature phase (the runner refuses
to resume a stage with another task count), and checks it: every document's id must be the id the
signature task recorded at that position, or the task fails instead of removing the wrong ones.

Every kept document carries ``minhash_cluster_size`` (1 when it has no near-duplicate). A removed
one goes to ``removed/`` with ``removed_by: dedup``, its cluster size and ``duplicate_of``: the id
of the document kept for its cluster.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.dedup.signature import read_ids
from clearweb.pipeline.core.filter_step import FilterStep

#: the ``removed_by`` of a near-duplicate
REASON = "dedup"
#: metadata keys set by the filter
CLUSTER_SIZE = "minhash_cluster_size"
DUPLICATE_OF = "duplicate_of"


class InputChanged(RuntimeError):
    """The filter's input is not what the signature phase read."""


class DedupFilter(FilterStep):
    name = "🫂 MinHash dedup"
    stats_key = "dedup"

    def __init__(self, survivors_folder: str, ids_folder: str, exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        self.survivors_folder = survivors_folder
        self.ids_folder = ids_folder
        self._ids: list[str] = []
        self._clusters: dict[int, tuple[int, str | None]] = {}
        self._position = 0

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        position = self._position
        self._position += 1
        if position >= len(self._ids) or self._ids[position] != doc.id:
            expected = self._ids[position] if position < len(self._ids) else "no more documents"
            raise InputChanged(f"document {position} of this task is {doc.id!r}, the signature phase read "
                               f"{expected!r}: the dedup input changed; rerun the stage")
        size, survivor = self._clusters.get(position, (1, None))
        doc.metadata[CLUSTER_SIZE] = size
        if survivor is None:
            return True
        doc.metadata[DUPLICATE_OF] = survivor
        return False, REASON

    def run(self, data, rank: int = 0, world_size: int = 1):
        self._ids = read_ids(self.ids_folder, rank)["id"].to_pylist()
        path = Path(self.survivors_folder) / f"{rank:05d}.parquet"
        rows = pq.read_table(path).to_pylist() if path.is_file() else []
        self._clusters = {row["doc"]: (row["cluster_size"], row["duplicate_of"]) for row in rows}
        yield from super().run(data, rank, world_size)
        if self._position != len(self._ids):
            raise InputChanged(f"this task read {self._position} documents, the signature phase "
                               f"{len(self._ids)}: the dedup input changed; rerun the stage")

