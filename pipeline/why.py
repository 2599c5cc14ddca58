"""``clearweb why RUN URL_OR_ID``: where one document went, and the evidence for it.

The document stages are searched in order (each stage's removed/ files, then its output): the first
stage that removed it is reported with its evidence (robots: agents and the deciding robots.txt
line with the snapshot date; language: label and score against the threshold; compliance: the
TDM/noai/license/toxicity evidence), else the last output file holding it, with what was rewritten
(PII replaced) on the way. A full scan of the Parquet files: fine for a run's audit, not a database.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.filters.robots.origins import origin_of
from clearweb.pipeline.errors import InputError
from clearweb.pipeline.run_stats import run_config
from clearweb.pipeline.stages import snapshot_dir, stage_dirs

DOCUMENT_STAGES = ("fetch", "robots", "language", "compliance")


def find_row(folder: Path, column: str, value: str) -> tuple[Path, dict] | None:
    for path in sorted(folder.rglob("*.parquet")) if folder.is_dir() else []:
        parquet = pq.ParquetFile(path)
        if column not in parquet.schema_arrow.names:
            continue
        rows = parquet.read().filter(pc.field(column) == value).to_pylist()
        if rows:
            return path, rows[0]
    return None


def evidence(stage: str, row: dict, config) -> list[str]:
    if stage == "robots":
        lines = [f"blocked for: {', '.join(row.get('robots_blocked_by') or []) or '(policy)'}",
                 f"rule: {row.get('robots_rule')}"]
        from clearweb.filters.robots.snapshot import read_snapshot

        entry = read_snapshot(snapshot_dir(config)).get(origin_of(row.get("url")))
        if entry is not None:
            lines.append(f"robots.txt {entry.url} fetched {entry.fetched_at} (HTTP {entry.status}, sha256 {entry.sha256})")
        return lines
    if stage == "language":
        label = f"{row.get('language')}_{row.get('language_script')}"
        stage_config = config.stages.language
        return [f"language {label} scored {row.get('language_score')} below the threshold "
                f"{stage_config.threshold if stage_config else '?'} (per-label file: {stage_config.thresholds_file})"]
    return [line for line in (f"evidence: {row.get('compliance_evidence')}", f"license: {row.get('license')}",
                              f"toxicity score: {row.get('toxicity_score')}") if not line.endswith("None")]


def cmd_why(args: argparse.Namespace) -> int:
    run = Path(args.run)
    config = run_config(run)
    column = "url" if "://" in args.document else "id"
    last = None
    for stage in (s for s in DOCUMENT_STAGES if s in config.enabled_stages()):
        dirs = stage_dirs(config.run_dir, stage)
        removed = find_row(dirs.removed, column, args.document)
        if removed:
            path, row = removed
            print(f"removed by stage {stage}: {row.get('removed_by')}")
            for line in evidence(stage, row, config):
                print(f"  {line}")
            print(f"  record: {path}")
            return 0
        kept = find_row(dirs.output, column, args.document)
        if kept is None:
            if last is None:
                raise InputError(f"{run}: no document with {column} {args.document} in the fetch output (skipped at "
                                 "fetch as non-HTML, non-200 or without main text, or not part of this run)")
            raise InputError(f"{run}: {args.document} left stage {last[0]} but is missing from stage {stage} "
                             "(is that stage complete? see clearweb status)")
        last = (stage, *kept)
    stage, path, row = last
    print(f"kept: in {path} (stage {stage})")
    if row.get("language"):
        print(f"  language {row['language']}_{row.get('language_script')} score {row.get('language_score')}")
    if row.get("license"):
        print(f"  license: {row['license']}")
    if row.get("toxicity_score") is not None:
        print(f"  toxicity score: {row['toxicity_score']}")
    replaced = {k: v for k, v in (row.get("pii_counts") or {}).items() if v}
    if replaced:
        print("  PII replaced: " + ", ".join(f"{entity} x{count}" for entity, count in replaced.items()))
    return 0
