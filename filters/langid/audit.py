"""What the report and ``clearweb why`` say about the language stage: per-label counts and thresholds."""

from __future__ import annotations

from collections import Counter, defaultdict

from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.thresholds import load_thresholds
from clearweb.pipeline.core.stage import StageView

TOP_LANGUAGES = 50


def language_report(view: StageView) -> dict:
    totals: dict[str, Counter] = defaultdict(Counter)
    for counts in view.side_files(view.dirs.logs / "languages"):
        for label, values in counts.items():
            totals[label].update(values)
    ordered = sorted(totals.items(), key=lambda kv: -kv[1]["docs_kept"])
    rows = [{"label": label, "docs": c["docs_kept"], "bytes": c["bytes_kept"], "removed": c["docs_removed"]}
            for label, c in ordered]
    tail = rows[TOP_LANGUAGES:]
    return {"threshold": view.settings.threshold, "thresholds_file": view.settings.thresholds_file,
            "thresholds_preset": view.settings.thresholds,
            "labels_reused": int(view.stats(LanguageLabeler.stats_key).get("labels_reused", 0)),
            "thresholds": view.lineage.get("applied", {}).get("thresholds", {}),
            "labels": len(rows), "top": rows[:TOP_LANGUAGES],
            "tail": {"labels": len(tail), "docs": sum(r["docs"] for r in tail), "bytes": sum(r["bytes"] for r in tail)}}


def language_explain(row: dict, view: StageView) -> list[str]:
    label = f"{row.get('language')}_{row.get('language_script')}"
    applied = view.lineage.get("applied", {}).get("thresholds", {})
    threshold = applied.get(label, view.settings.threshold)
    file = view.settings.thresholds_file
    if label not in applied:
        source = "global threshold"
    elif view.settings.thresholds == "fineweb2" and not (file and label in load_thresholds(file)):
        source = "FineWeb-2's minimum for the label"
    else:
        source = "per-label file"
    return [f"language {label} scored {row.get('language_score')} below the threshold {threshold} ({source})"]
