"""The filter statistics report's content (report.json), gathered from a run directory.

Every number comes from the run's own records (``audit.load_run``): per-task stats merged per step
key, the lineage of each stage (settings and thresholds it applied, input and artifact hashes),
each registered stage's and filter's own report section, and the removed/ folders for examples.
Paths are relative to the run directory, so a copied run reports the same.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.pipeline.audit import AuditedPhase, RunRecord, load_run
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.erasures import read_erasures
from clearweb.pipeline.core.stats import DOCUMENTS_READ, removed_per_reason
from clearweb.pipeline.registry import filters_of

EXAMPLES_PER_REASON = 3
#: where a ``removed_by`` that carries its evidence starts giving values
#: (``quality: gopher_rep dup_line_frac 0.41 > 0.263 (deu_Latn)``): examples are grouped before it
_EVIDENCE = re.compile(r" [-<>=(\d]")


def _phase_row(audited: AuditedPhase) -> dict:
    """docs in (the first step's reads), docs out (the last step that declares its output stat),
    tokens, removals per reason and time, for one phase."""
    stats = [totals.stats for totals in audited.totals]
    records = audited.steps or []
    docs_in = stats[0].get(DOCUMENTS_READ, 0) if stats else 0
    docs_out = tokens = chars = None
    for record, step in zip(records, stats, strict=False):
        if record.get("documents_out"):
            # a step that writes no text (the token shards) has no character count: None, not 0
            docs_out, chars = step.get(record["documents_out"], 0), step.get("doc_len")
        if record.get("tokens"):
            tokens = step.get(record["tokens"], 0)
    removed: Counter[str] = Counter()
    for step in stats:
        removed.update(removed_per_reason(step))
    seconds = sum(totals.seconds for totals in audited.totals)
    funnel = any(record.get("documents_out") or record.get("tokens") for record in records)
    return {"name": audited.phase.name, "stage": audited.stage, "funnel": funnel, "tasks": audited.phase.tasks,
            "task_stats_files": audited.stats_files, "docs_in": int(docs_in),
            "docs_out": int(docs_out) if docs_out is not None else int(docs_in),
            "chars_out": int(chars) if chars is not None else None, "tokens_out": int(tokens) if tokens else None,
            "removed": dict(removed), "task_seconds": round(seconds, 3),
            "docs_per_task_second": round(docs_in / seconds, 1) if seconds else None}


def _removed_account(run: RunRecord, removed: Path) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """Per reason (grouped before its evidence values): documents, characters and documents per
    language label removed, and up to EXAMPLES_PER_REASON examples with their ``removed_by``."""
    account: dict[str, dict] = {}
    examples: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(removed.rglob("*.parquet")) if removed.is_dir() else []:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        table = parquet.read(columns=[c for c in ("removed_by", "url", "text", "id", "language", "language_script")
                                      if c in names])
        # every row's reason, label and length; texts and urls only for the rows shown as examples
        small = table.select([c for c in ("removed_by", "language", "language_script") if c in names]).to_pylist()
        lengths = (pc.fill_null(pc.utf8_length(table["text"]), 0).to_pylist() if "text" in names
                   else [0] * table.num_rows)
        for index, (row, length) in enumerate(zip(small, lengths, strict=True)):
            reason = _EVIDENCE.split(row.get("removed_by") or "unknown", maxsplit=1)[0]
            entry = account.setdefault(reason, {"documents": 0, "characters": 0, "languages": Counter()})
            entry["documents"] += 1
            entry["characters"] += length
            entry["languages"][language_label(row) or "before language id"] += 1
            if len(examples[reason]) < EXAMPLES_PER_REASON:
                shown = table.slice(index, 1).to_pylist()[0]
                examples[reason].append({"url": shown.get("url") or shown.get("id"),
                                         "text": (shown.get("text") or "")[:200], "removed_by": row.get("removed_by"),
                                         "file": path.relative_to(run.run_dir).as_posix()})
    for entry in account.values():
        entry["languages"] = dict(entry["languages"].most_common())
    return account, dict(examples)


def _lineage_summary(record: dict | None) -> dict | None:
    if not record:
        return None
    inputs = record.get("inputs")
    return {"status": record.get("status"), "fingerprint": record.get("fingerprint"),
            "started_at": record.get("started_at"), "completed_at": record.get("completed_at"),
            "settings": record.get("settings"), "applied": record.get("applied"), "files": record.get("files"),
            "artifacts": record.get("artifacts"), "upstream": record.get("upstream"),
            "inputs": len(inputs) if inputs is not None else None, "versions": record.get("versions")}


def _sections(run: RunRecord) -> dict[str, dict]:
    """Each registered stage's own section, and for filter stages one sub-section per filter."""
    sections: dict[str, dict] = {}
    for planned in run.graph:
        view = run.view(planned.name)
        section = planned.stage.report(view) if planned.stage.report else None
        filters = {f.name: f.report(view) for f in filters_of(planned.settings)
                   if f.report and getattr(planned.settings, f.name) is not None}
        if filters:
            section = (section or {}) | filters
        if section is not None:
            sections[planned.name] = section
    return sections


def phase_rows(run_dir: Path) -> list[dict]:
    """The report's ``stages`` rows alone (documents in and out, removals, time per phase): what
    ``clearweb run`` prints at its end, without reading removed documents or sections."""
    return [_phase_row(audited) for audited in load_run(run_dir).phases]


def build_report(run_dir: Path) -> dict:
    run = load_run(run_dir)
    examples, removals = {}, {}
    for planned in run.graph:
        account, found = _removed_account(run, planned.ctx.dirs.removed)
        for reason, rows in found.items():
            # reasons that already start with the stage (``quality: gopher_rep ...``) are not prefixed twice
            key = reason if reason.startswith(f"{planned.name}: ") else f"{planned.name}: {reason}"
            examples[key] = rows
        if account:
            removals[planned.name] = account
    return {
        "run_dir": str(run.run_dir),
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "config": run.config.model_dump(mode="json", exclude={"run_dir"}),
        "lineage": {name: _lineage_summary(record) for name, record in run.lineage.items()},
        "stages": [_phase_row(audited) for audited in run.phases],
        "sections": _sections(run),
        "removals": removals,
        "examples": examples,
        "erasures": erasure_rows(run.run_dir),
    }


def matched_by(matcher: dict) -> str:
    """An erasure's matcher in a few words (``3 urls``, ``robots.txt snapshot 5e0c...``), never the
    values: a report is published, and the URLs of a takedown must not be in it."""
    if "robots_delta" in matcher:
        return f"robots.txt snapshot {matcher['robots_delta']['digest'][:12]}"
    kind, values = next(iter(matcher.items()))
    return f"{len(values)} {kind}"


def erasure_rows(run_dir: Path) -> list[dict]:
    """Every erasure of the run (``clearweb erase``): the stage funnel counts what the stages did,
    the outputs now hold that many documents fewer per stage."""
    return [{"erasure": entry["erasure"], "date": entry["date"], "reason": entry["reason"],
             "matched_by": matched_by(entry["matcher"]), "documents": entry["documents"],
             "removed_from_outputs": {stage: counts.get("output", 0) for stage, counts in entry["stages"].items()}}
            for entry in read_erasures(run_dir)]
