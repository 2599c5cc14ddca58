"""What the report and ``clearweb why`` say about the toxicity filter: per-language histograms."""

from __future__ import annotations

from clearweb.pipeline.core.stage import StageView


def toxicity_report(view: StageView) -> dict:
    histograms: dict[str, dict] = {}
    for part in view.side_files(view.dirs.logs / "toxicity"):
        for label, hist in part.items():
            merged = histograms.setdefault(label, {"edges": hist["edges"], "counts": [0] * len(hist["counts"]),
                                                   "threshold": hist["threshold"], "removed": 0})
            merged["counts"] = [a + b for a, b in zip(merged["counts"], hist["counts"], strict=True)]
            merged["removed"] += hist["removed"]
    return {"histograms": histograms}


def toxicity_explain(row: dict, view: StageView) -> list[str]:
    return [f"toxicity score: {row.get('toxicity_score')}", f"evidence: {row.get('compliance_evidence')}"]
