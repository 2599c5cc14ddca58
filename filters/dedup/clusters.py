"""The clustering phase: datatrove's union-find over the duplicate pairs, then who survived.

``CleanCluster`` is datatrove's cluster step (one task: it holds every duplicate pair's documents)
that first deletes whatever an earlier, killed attempt wrote, so a re-run never mixes two attempts'
files. ``SurvivorLookup`` (also one task, its own phase) reads the clusters and ``.remove`` files
with the signature phase's ids and writes, per signature task, ``<rank>.parquet``: the position of
every clustered document, its cluster's size and, for the removed ones, the id of the document
its cluster kept (datatrove's choice: the root of the union-find). Each file appears atomically
and the folder is cleared first, for the same reason. It also writes the report's counts per
language (``<rank>.json`` in ``counts_dir``): documents, clusters, cluster sizes and removals.

Memory: the lookup holds one id per cluster, as the cluster step holds every clustered document.
"""

from __future__ import annotations

import json
import shutil
import struct
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import MinhashDedupCluster
from datatrove.utils.binaryio import read_tuples_from_file

from clearweb.filters.dedup.signature import ids_file, read_ids
from clearweb.pipeline.core.task_files import write_task_file

#: columns of a survivors file: position in the task's read order, cluster size, the kept document
SURVIVORS_SCHEMA = pa.schema([("doc", pa.uint32()), ("cluster_size", pa.int64()), ("duplicate_of", pa.string())])
#: stats of the lookup and keys of its per-language counts (docs: documents the signature phase read)
CLUSTERS = "clusters"
REMOVED = "removed"
DOCS = "docs"


def clear_folder(folder: Path) -> None:
    """Delete ``folder``'s files (an earlier attempt's) and make sure it exists."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


class CleanCluster(MinhashDedupCluster):
    stats_key = "dedup_cluster"

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        clear_folder(Path(self.output_folder.path))
        super().run(data, rank, world_size)


def size_bin(size: int) -> str:
    """Cluster sizes in powers of two for the report: 2, 3-4, 5-8, 9-16, ..."""
    if size <= 2:
        return str(size)
    upper = 1 << (size - 1).bit_length()
    return f"{upper // 2 + 1}-{upper}"


def _pairs(path: Path) -> list[tuple[int, int]]:
    with open(path, "rb") as handle:
        return list(read_tuples_from_file(handle, "2I"))


def _removed(path: Path) -> set[int]:
    data = path.read_bytes() if path.is_file() else b""
    return {doc for (doc,) in struct.iter_unpack("<I", data)}


class SurvivorLookup(PipelineStep):
    type = "🫂 - DEDUP"
    name = "🎯 MinHash survivors"
    stats_key = "dedup_survivors"

    def __init__(self, clusters_folder: str, ids_folder: str, output_folder: str, counts_dir: str, tasks: int):
        super().__init__()
        self.clusters_folder = Path(clusters_folder)
        self.ids_folder = ids_folder
        self.output_folder = Path(output_folder)
        self.counts_dir = counts_dir
        self.tasks = tasks

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        clear_folder(self.output_folder)
        ranks = [r for r in range(self.tasks) if (self.clusters_folder / f"{r:06d}.clusters").is_file()]
        kept: dict[int, tuple[str, str]] = {}  # cluster -> (id, label) of the document kept
        sizes: Counter[int] = Counter()
        with self.track_time():
            for task in ranks:
                ids = read_ids(self.ids_folder, task)
                removed = _removed(self.clusters_folder / f"{task:06d}.remove")
                for doc, cluster in _pairs(self.clusters_folder / f"{task:06d}.clusters"):
                    sizes[cluster] += 1
                    if doc not in removed:
                        kept[cluster] = (ids["id"][doc].as_py(), ids["label"][doc].as_py())
            counts: dict[str, Counter] = defaultdict(Counter)
            histograms: dict[str, Counter] = defaultdict(Counter)
            for _, label in kept.values():
                counts[label][CLUSTERS] += 1
            for cluster, (_, label) in kept.items():
                histograms[label][size_bin(sizes[cluster])] += 1
            for task in ranks:
                removed = _removed(self.clusters_folder / f"{task:06d}.remove")
                rows = {"doc": [], "cluster_size": [], "duplicate_of": []}
                for doc, cluster in _pairs(self.clusters_folder / f"{task:06d}.clusters"):
                    rows["doc"].append(doc)
                    rows["cluster_size"].append(sizes[cluster])
                    survivor, label = kept[cluster]
                    rows["duplicate_of"].append(survivor if doc in removed else None)
                    if doc in removed:
                        counts[label][REMOVED] += 1
                path = self.output_folder / f"{task:05d}.parquet"
                partial = path.with_name(path.name + ".partial")
                pq.write_table(pa.table(rows, schema=SURVIVORS_SCHEMA), partial)
                partial.replace(path)
            for task in range(self.tasks):
                if ids_file(self.ids_folder, task).is_file():
                    for label, docs in Counter(read_ids(self.ids_folder, task)["label"].to_pylist()).items():
                        counts[label][DOCS] += docs
        self.stat_update(CLUSTERS, value=len(kept))
        self.stat_update(REMOVED, value=sum(c[REMOVED] for c in counts.values()))
        report = {label: {**counts[label], "sizes": dict(histograms[label])} for label in sorted(counts)}
        write_task_file(self.counts_dir, 0, ".json", json.dumps(report, indent=1, sort_keys=True))
