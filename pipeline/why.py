"""``clearweb why RUN URL_OR_ID``: where one document went, and the evidence for it.

The document stages are searched in order (each stage's removed/ files, then its output): the first
stage that removed it is reported with the evidence its registered stage or filter gives (robots:
agents and the deciding robots.txt line with the snapshot date; language: label and score against
the threshold the stage applied; compliance filters: their evidence), else the last output file
holding it, with what was rewritten (PII replaced) on the way. Settings and paths come from the
run's lineage (``audit.load_run``). A full scan of the Parquet files: fine for an audit, not a database.
A document a later erasure removed (``clearweb erase``) is answered from ``RUN/erasures.jsonl``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.pipeline.audit import load_run
from clearweb.pipeline.core.contract import consent_lines
from clearweb.pipeline.core.erasures import ERASURES, ErasedDocuments
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.registry import filters_of
from clearweb.pipeline.report_data import matched_by


def find_row(folder: Path, column: str, value: str) -> tuple[Path, dict] | None:
    for path in sorted(folder.rglob("*.parquet")) if folder.is_dir() else []:
        parquet = pq.ParquetFile(path)
        if column not in parquet.schema_arrow.names:
            continue
        rows = parquet.read().filter(pc.field(column) == value).to_pylist()
        if rows:
            return path, rows[0]
    return None


def removal_evidence(planned, view, path: Path, row: dict) -> list[str]:
    """The evidence lines of the stage, or of the filter whose ``removed/<filter>/`` holds the row."""
    explain = planned.stage.explain
    relative = path.relative_to(planned.ctx.dirs.removed).parts
    for step in planned.settings.user_steps():
        if len(relative) > 1 and relative[0] == step.folder_name:
            return [f"step {step.step_class} (stage {planned.name}, from the config)"]
    for f in filters_of(planned.settings):
        if len(relative) > 1 and relative[0] == f.name:
            explain = f.explain
    lines = explain(row, view) if explain else [f"evidence: {row.get('compliance_evidence')}"]
    return [line for line in lines if not line.endswith("None")]


def cmd_why(args: argparse.Namespace) -> int:
    run = load_run(args.run)
    erasure = ErasedDocuments.of_run(run.run_dir).by_key.get(args.document)
    if erasure is not None:
        print(f"erased on {erasure['date']} ({erasure['reason']}): erasure {erasure['erasure']}, matched by "
              f"{matched_by(erasure['matcher'])}")
        documents = pq.read_table(run.run_dir / erasure["documents_file"], columns=["id", "url", "evidence"])
        for row in documents.filter((pc.field("id") == args.document) | (pc.field("url") == args.document)).to_pylist():
            if row["evidence"]:
                print(f"  evidence: {row['evidence']}")
        print(f"  record: {ERASURES} and {erasure['documents_file']}")
        return 0
    column = "url" if "://" in args.document else "id"
    last = None
    for planned in (p for p in run.graph if p.stage.documents):
        dirs = planned.ctx.dirs
        removed = find_row(dirs.removed, column, args.document)
        if removed:
            path, row = removed
            print(f"removed by stage {planned.name}: {row.get('removed_by')}")
            for line in removal_evidence(planned, run.view(planned.name), path, row):
                print(f"  {line}")
            print(f"  record: {path.relative_to(run.run_dir)}")
            return 0
        kept = find_row(dirs.output, column, args.document)
        if kept is None:
            if last is None:
                raise InputError(f"{args.run}: no document with {column} {args.document} in the fetch output (skipped "
                                 "at fetch as non-HTML, non-200 or without main text, or not part of this run)")
            raise InputError(f"{args.run}: {args.document} left stage {last[0]} but is missing from stage "
                             f"{planned.name} (is that stage complete? see clearweb status)")
        last = (planned.name, *kept)
    stage, path, row = last
    print(f"kept: in {path.relative_to(run.run_dir)} (stage {stage})")
    if row.get("language"):
        print(f"  language {row['language']}_{row.get('language_script')} score {row.get('language_score')}")
    if (row.get("minhash_cluster_size") or 1) > 1:
        print(f"  kept for its cluster of {row['minhash_cluster_size']} near-duplicates")
    if row.get("license"):
        print(f"  license: {row['license']}")
    for line in consent_lines(row.get("consent")):
        print(f"  signal: {line}")
    if row.get("toxicity_score") is not None:
        print(f"  toxicity score: {row['toxicity_score']}")
    replaced = {k: v for k, v in (row.get("pii_counts") or {}).items() if v}
    if replaced:
        print("  PII replaced: " + ", ".join(f"{entity} x{count}" for entity, count in replaced.items()))
    return 0
