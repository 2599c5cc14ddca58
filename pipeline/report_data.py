"""The filter statistics report's content (report.json), gathered from a run directory.

Every number comes from the run's own records: merged per-task stats (``run_stats``), the side
files the steps write for detail (per-language counts, toxicity histograms, token counts, the
fertility report), the robots snapshot, and the removed/ folders for examples.
"""

from __future__ import annotations

import importlib.metadata
import json
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq

from clearweb.pipeline.run_stats import StepTotals, all_phases, merged_stats, run_config, step_stats
from clearweb.pipeline.stages import snapshot_dir, stage_dirs

EXAMPLES_PER_REASON = 3
TOP_LANGUAGES = 50


def _versions() -> dict[str, str]:
    versions = {}
    for package in ("clearweb", "datatrove", "trafilatura", "tokenizers", "presidio-analyzer", "torch"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


def _side_files(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def _removed_reasons(steps: list[StepTotals]) -> dict[str, int]:
    reasons: Counter[str] = Counter()
    for step in steps:
        for key, value in step.stats.items():
            if key.startswith("dropped_"):
                reasons[key.removeprefix("dropped_")] += int(value)
    return dict(reasons)


def _stage_row(name: str, steps: list[StepTotals], tasks: int, files: int) -> dict:
    reader = steps[0].stats if steps else {}
    writer = next((s.stats for s in reversed(steps) if "WRITER" in s.name), {})
    seconds = sum(step.seconds for step in steps)
    docs_in = reader.get("documents", 0)
    tokens = step_stats(steps, "Tokenizer (uint32").get("tokens")
    docs_out = writer.get("total", writer.get("documents", 0))
    if tokens:  # the tokenize phase writes shards, not documents: every document (copy) it received
        docs_out = step_stats(steps, "Language mixture").get("copies", docs_in)
    return {"name": name, "tasks": tasks, "task_stats_files": files, "docs_in": int(docs_in),
            "docs_out": int(docs_out),
            "chars_out": int(writer.get("doc_len", 0)), "tokens_out": int(tokens) if tokens else None,
            "removed": _removed_reasons(steps), "task_seconds": round(seconds, 3),
            "docs_per_task_second": round(docs_in / seconds, 1) if seconds else None}


def _examples(removed: Path) -> dict[str, list[dict]]:
    examples: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(removed.rglob("*.parquet")) if removed.is_dir() else []:
        parquet = pq.ParquetFile(path)
        columns = [c for c in ("removed_by", "url", "text", "id") if c in parquet.schema_arrow.names]
        for row in parquet.read(columns=columns).to_pylist():
            reason = row.get("removed_by") or "unknown"
            if len(examples[reason]) < EXAMPLES_PER_REASON:
                examples[reason].append({"url": row.get("url") or row.get("id"), "text": (row.get("text") or "")[:200],
                                         "file": str(path)})
    return dict(examples)


def _robots(config, phase_steps: dict[str, list[StepTotals]]) -> dict | None:
    if config.stages.robots is None:
        return None
    crawl = step_stats(phase_steps.get("robots_crawl", []), "robots.txt crawl")
    filt = step_stats(phase_steps.get("robots", []), "robots.txt opt-out")
    from clearweb.filters.robots.snapshot import read_snapshot

    snapshot = read_snapshot(snapshot_dir(config)) if snapshot_dir(config).is_dir() else {}
    dates = sorted(entry.fetched_at for entry in snapshot.values())
    return {"snapshot": str(snapshot_dir(config)), "snapshot_date": dates[0] if dates else None,
            "agents": config.stages.robots.agents, "mode": config.stages.robots.mode,
            "on_unreachable": config.stages.robots.on_unreachable,
            "crawl_outcomes": {k.removeprefix("outcome_"): int(v) for k, v in crawl.items() if k.startswith("outcome_")},
            "http_status": {k.removeprefix("http_"): int(v) for k, v in crawl.items() if k.startswith("http_")},
            "removed_per_agent": {k.removeprefix("blocked_"): int(v) for k, v in filt.items() if k.startswith("blocked_")},
            "top_domains": sorted(((k.removeprefix("domain:"), int(v)) for k, v in filt.items()
                                   if k.startswith("domain:")), key=lambda kv: -kv[1])[:25]}


def _languages(config) -> dict | None:
    if config.stages.language is None:
        return None
    totals: dict[str, Counter] = defaultdict(Counter)
    for counts in _side_files(stage_dirs(config.run_dir, "language").logs / "languages"):
        for label, values in counts.items():
            totals[label].update(values)
    tokens: Counter[str] = Counter()
    for counts in _side_files(stage_dirs(config.run_dir, "tokenize").logs / "tokens"):
        tokens.update(counts)
    ordered = sorted(totals.items(), key=lambda kv: -kv[1]["docs_kept"])
    rows = [{"label": label, "docs": c["docs_kept"], "bytes": c["bytes_kept"], "removed": c["docs_removed"],
             "tokens": tokens.get(label)} for label, c in ordered]
    tail = rows[TOP_LANGUAGES:]
    return {"threshold": config.stages.language.threshold, "labels": len(rows), "top": rows[:TOP_LANGUAGES],
            "tail": {"labels": len(tail), "docs": sum(r["docs"] for r in tail), "bytes": sum(r["bytes"] for r in tail)}}


def _compliance(config, steps: list[StepTotals]) -> dict | None:
    if config.stages.compliance is None:
        return None
    license_stats = step_stats(steps, "License + TDM")
    pii_stats = step_stats(steps, "PII anonymizer")
    histograms: dict[str, dict] = {}
    for part in _side_files(stage_dirs(config.run_dir, "compliance").logs / "toxicity"):
        for label, hist in part.items():
            merged = histograms.setdefault(label, {"edges": hist["edges"], "counts": [0] * len(hist["counts"]),
                                                   "threshold": hist["threshold"], "removed": 0})
            merged["counts"] = [a + b for a, b in zip(merged["counts"], hist["counts"], strict=True)]
            merged["removed"] += hist["removed"]
    per_language: dict[str, Counter] = defaultdict(Counter)
    output = stage_dirs(config.run_dir, "compliance").output
    for path in sorted(output.rglob("*.parquet")):
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        if "pii_counts" not in names:
            continue
        columns = ["pii_counts"] + [c for c in ("language", "language_script") if c in names]
        for row in parquet.read(columns=columns).to_pylist():
            label = f"{row.get('language')}_{row.get('language_script')}" if row.get("language") else "und"
            per_language[label].update({k: v for k, v in (row["pii_counts"] or {}).items() if v})
    return {"license_distribution": {k.removeprefix("license:"): int(v) for k, v in license_stats.items()
                                     if k.startswith("license:")},
            "tdm_optouts": int(license_stats.get("dropped_tdm_reservation", 0)),
            "noai_optouts": int(license_stats.get("dropped_noai", 0)),
            "license_removed": int(license_stats.get("dropped_license", 0)),
            "toxicity_histograms": histograms,
            "pii_per_entity": {k.removeprefix("pii_"): int(v) for k, v in pii_stats.items() if k.startswith("pii_")},
            "pii_documents": int(pii_stats.get("documents_with_pii", 0)),
            "pii_per_language": {label: dict(c) for label, c in sorted(per_language.items()) if c}}


def build_report(run_dir: Path) -> dict:
    config = run_config(run_dir)
    phase_steps: dict[str, list[StepTotals]] = {}
    stages = []
    for _stage, phase in all_phases(config):
        steps, files = merged_stats(phase.logs)
        phase_steps[phase.name] = steps
        stages.append(_stage_row(phase.name, steps, phase.tasks, files))
    fertility = stage_dirs(config.run_dir, "tokenizer").output / "fertility.json"
    examples = {}
    for name in config.enabled_stages():
        for reason, rows in _examples(stage_dirs(config.run_dir, name).removed).items():
            examples[f"{name}: {reason}"] = rows
    return {
        "run_dir": str(Path(config.run_dir).resolve()),
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": _versions(),
        "config": config.model_dump(mode="json"),
        "stages": stages,
        "robots": _robots(config, phase_steps),
        "languages": _languages(config),
        "compliance": _compliance(config, phase_steps.get("compliance", [])),
        "fertility": json.loads(fertility.read_text()) if fertility.is_file() else None,
        "examples": examples,
    }
