"""What the report and ``clearweb why`` say about the dedup stage: clusters and removals per language."""

from __future__ import annotations

from collections import Counter

from clearweb.filters.dedup.clusters import CLUSTERS, DOCS, REMOVED
from clearweb.filters.dedup.filter import CLUSTER_SIZE, DUPLICATE_OF
from clearweb.pipeline.core.stage import StageView


def _bin_start(name: str) -> int:
    return int(name.split("-")[0])


def dedup_report(view: StageView) -> dict:
    """Per label: documents read, clusters (of two or more), documents removed, cluster sizes."""
    per_label: dict[str, dict] = {}
    for part in view.side_files(view.dirs.logs / "clusters"):
        per_label.update(part)
    sizes: Counter[str] = Counter()
    for counts in per_label.values():
        sizes.update(counts.get("sizes", {}))
    rows = [{"label": label, "docs": c.get(DOCS, 0), "clusters": c.get(CLUSTERS, 0), "removed": c.get(REMOVED, 0),
             "sizes": dict(sorted(c.get("sizes", {}).items(), key=lambda kv: _bin_start(kv[0])))}
            for label, c in sorted(per_label.items(), key=lambda kv: (-kv[1].get(REMOVED, 0), kv[0]))]
    settings = view.settings
    return {"recipe": {"n_grams": settings.n_grams, "num_buckets": settings.num_buckets,
                       "hashes_per_bucket": settings.hashes_per_bucket, "precision": settings.precision},
            "clusters": sum(r["clusters"] for r in rows), "removed": sum(r["removed"] for r in rows),
            "cluster_sizes": dict(sorted(sizes.items(), key=lambda kv: _bin_start(kv[0]))), "languages": rows}


def dedup_explain(row: dict, view: StageView) -> list[str]:
    return [f"near-duplicate of {row.get(DUPLICATE_OF)} (cluster of {row.get(CLUSTER_SIZE)})"]
