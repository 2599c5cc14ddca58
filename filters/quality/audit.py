"""What the report and ``clearweb why`` say about the quality stage: removals per filter and per
language, the values each label was held to and where they came from (FineWeb-2, the fallback),
and the labels whose documents stayed unfiltered."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from clearweb.filters.quality.step import FILTERS, UNLABELLED
from clearweb.filters.quality.thresholds import resolve
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.stage import StageView

TOP_LANGUAGES = 50
#: the per-language values each filter reads
FILTER_VALUES = {"gopher_rep": ("dup_line_frac", "top_n_grams", "dup_n_grams"),
                 "fineweb_qual": ("line_punct_thr", "new_line_ratio"),
                 "gopher_qual": ("min_avg_word_length", "max_avg_word_length", "max_non_alpha_words_ratio", "stopwords")}


def describe_source(source: str) -> str:
    """A value source (``thresholds.LabelValues.source``) in words."""
    base, _, override = source.partition("+")
    if base == "fineweb2":
        words = "FineWeb-2's own"
    elif base.startswith("fineweb2:"):
        words = f"FineWeb-2's for {base.split(':', 1)[1]}"
    elif base == "fineweb-english":
        words = "fallback: FineWeb's English values (datatrove's defaults; FineWeb-2 has no English)"
    elif base == "fallback:default":
        words = "fallback: datatrove's defaults (no FineWeb-2 language in this script), stopword check off"
    else:
        script, reference = base.removeprefix("fallback:").split("=")
        words = f"fallback: the values of {reference}, FineWeb-2's largest {script} language, stopword check off"
    return words + (", with overrides" if override else "")


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the report shows them: the stopword list by its length."""
    return {key: len(value) if key == "stopwords" else value for key, value in values.items()}


def quality_report(view: StageView) -> dict:
    labels: dict[str, dict[str, Any]] = {}
    for part in view.side_files(view.dirs.logs / "quality"):
        for label, record in part.items():
            merged = labels.setdefault(label, {key: record[key] for key in ("source", "tokenizer", "filtered", "values")}
                                       | {"docs": 0, "removed": defaultdict(Counter)})
            merged["docs"] += record["docs"]
            for name, reasons in record["removed"].items():
                merged["removed"][name].update(reasons)
    per_filter: dict[str, Counter] = defaultdict(Counter)
    rows = []
    for label, merged in sorted(labels.items(), key=lambda kv: (-kv[1]["docs"], kv[0])):
        for name, reasons in merged["removed"].items():
            per_filter[name].update(reasons)
        removed = {name: sum(reasons.values()) for name, reasons in merged["removed"].items()}
        rows.append({"label": label, "docs": merged["docs"], "removed": sum(removed.values()), "per_filter": removed,
                     "source": merged["source"], "tokenizer": merged["tokenizer"], "filtered": merged["filtered"],
                     "values": _shown(merged["values"])})
    tail = rows[TOP_LANGUAGES:]
    return {"filters": list(view.settings.filter_arguments()),
            "removed_per_filter": {name: {"total": sum(r.values()), "reasons": dict(r)}
                                   for name, r in sorted(per_filter.items())},
            "languages": rows[:TOP_LANGUAGES],
            "tail": {"labels": len(tail), "docs": sum(r["docs"] for r in tail), "removed": sum(r["removed"] for r in tail)},
            "fallback": {r["label"]: describe_source(r["source"]) for r in rows if r["source"] != "fineweb2"},
            "unfiltered": {r["label"]: r["tokenizer"] for r in rows if not r["filtered"]},
            "finishing": {"ftfy": view.settings.ftfy, "symbol_line_cleanup": view.settings.symbol_line_cleanup}}


def quality_explain(row: dict, view: StageView) -> list[str]:
    """The filter, the values the label was held to and their source, and the word tokenizer; the
    measured value and the threshold it crossed are in ``removed_by`` itself."""
    label = language_label(row)
    name = (row.get("removed_by") or "").removeprefix("quality: ").split(" ", 1)[0]
    overrides = {key: value.values() for key, value in view.settings.overrides.items()}
    values = resolve(label, overrides)
    lines = []
    if name in FILTERS:
        held = ", ".join(f"{key} {_shown(values.values)[key]}" for key in FILTER_VALUES[name])
        lines.append(f"filter: {name} (datatrove {FILTERS[name].__name__}), per-language values: {held}")
    key = label or UNLABELLED
    lines.append(f"values for {key}: {describe_source(values.source)}")
    tokenizers = {part[key]["tokenizer"] for part in view.side_files(view.dirs.logs / "quality") if key in part}
    if tokenizers:
        lines.append(f"word tokenizer: {', '.join(sorted(tokenizers))}")
    return lines
