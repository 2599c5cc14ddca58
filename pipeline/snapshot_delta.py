"""``clearweb erase RUN --robots-delta``: apply a refreshed robots.txt snapshot without re-running stages.

A refreshed snapshot (``clearweb robots fetch RUN --refresh``) makes the stages that judged with the
old one stale: the robots stage (robots.txt rules and preference lines) and the compliance stage's
consent filter (each origin's tdmrep.json). Re-running them and everything after costs a pass
over the data. The delta asks those stages' own filters (``BuildsPhases.artifact_filters``), built
with the recorded settings and the current snapshot, about each document the stage kept: those they
now remove are erased from that stage's output and every later one (the earlier stages keep them,
as they keep every page a later filter removes), with the deciding line as evidence. The stages' lineage
then records the current snapshot, and the stages after them the new fingerprints, so the run is
current again and ``verify`` reports the change.

What differs from a re-run, and is printed and recorded: documents the old snapshot removed that
the new one allows stay removed (a re-run would bring them back), and a near-duplicate cluster
whose kept document is erased is not given another representative (the dedup stage chose among
the documents it saw).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter

from clearweb.pipeline.audit import RunRecord, load_run
from clearweb.pipeline.core.contract import EXTRACTED, ROBOTS_SNAPSHOT
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.erase import Request
from clearweb.pipeline.lineage import artifact_digest, fingerprint, read_lineage, write_lineage
from clearweb.pipeline.stages import PlannedStage

EVIDENCE_KEYS = ("robots_rule", "compliance_evidence")


def judged_with_another_snapshot(run: RunRecord) -> list[PlannedStage]:
    """Completed stages with filters that read the snapshot, whose record names another one."""
    stages = []
    for planned in run.graph:
        record = run.lineage.get(planned.name) or {}
        if (record.get("status") == "complete" and ROBOTS_SNAPSHOT in planned.ctx.artifacts
                and planned.settings.artifact_filters(planned.ctx, ROBOTS_SNAPSHOT)
                and record.get("artifacts", {}).get(ROBOTS_SNAPSHOT) != artifact_digest(planned, ROBOTS_SNAPSHOT)):
            stages.append(planned)
    return stages


def verdict(filters: list[BaseFilter], row: dict) -> str | None:
    """``removed_by: evidence`` from the first filter that removes the document, None if all keep it."""
    metadata = dict(row)
    document = Document(text=metadata.pop("text") or "", id=metadata.pop("id"), metadata=metadata)
    for step in filters:
        decision = step.filter(document)
        if decision is True:
            continue
        reason = decision[1] if isinstance(decision, tuple) else step.name
        evidence = next((str(document.metadata[key]) for key in EVIDENCE_KEYS if document.metadata.get(key)), "")
        return f"{reason}: {evidence}" if evidence else reason
    return None


def _documents(folder: Path):
    for path in sorted(folder.rglob("*.parquet")) if folder.is_dir() else []:
        yield from pq.read_table(path).to_pylist()


def delta_request(run: RunRecord, reason: str | None) -> Request:
    """The erasure of every kept document the current snapshot removes."""
    stages = judged_with_another_snapshot(run)
    if not stages:
        raise InputError(f"{run.run_dir}: every stage judged with the current robots.txt snapshot; nothing to "
                         f"apply (refresh it first: clearweb robots fetch {run.run_dir} --refresh)")
    evidence, from_stage = {}, {}
    returning = unextracted = 0
    for planned in stages:
        filters = planned.settings.artifact_filters(planned.ctx, ROBOTS_SNAPSHOT)
        for row in _documents(planned.ctx.dirs.output):
            decided = verdict(filters, row)
            if decided and row["id"] not in evidence:
                evidence[row["id"]], from_stage[row["id"]] = f"{planned.name}: {decided}", planned.name
        for step in filters:  # what this filter removed before, and would keep now
            folder = Path(step.exclusion_writer.output_folder.path) if step.exclusion_writer else None
            for row in _documents(folder) if folder else ():
                if verdict([step], row) is None:
                    returning += 1
                    unextracted += row.get(EXTRACTED) is False
    digest = artifact_digest(stages[0], ROBOTS_SNAPSHOT)
    print(f"robots delta: {len(evidence)} kept document(s) withheld by the current snapshot "
          f"(stages {', '.join(p.name for p in stages)})")
    if returning:
        print(f"robots delta: {returning} removed document(s) the current snapshot would allow stay removed "
              "(re-run from robots with --rerun-stale to bring them back)")
    if unextracted:
        print(f"robots delta: {unextracted} of them were never extracted (robots before extraction): a re-run from "
              f"robots removes them as robots_not_extracted; delete {run.run_dir / 'fetch'} and run again to extract "
              "them")
    matcher = {"robots_delta": {"snapshot": str(stages[0].ctx.artifacts[ROBOTS_SNAPSHOT]), "digest": digest,
                                "stages": [p.name for p in stages], "would_return": returning,
                                "never_extracted": unextracted}}
    return Request(matcher, reason or f"robots.txt snapshot {digest[:12]} withholds them", scoped=True,
                   from_stage=from_stage, evidence=evidence)


def rebase_lineage(run_dir: Path, stages: list[str], erasure: int | None) -> None:
    """Record the current snapshot in the judged stages' lineage, then carry the new fingerprints
    to every stage downstream of them. Idempotent: run again after a kill half-way, it finishes."""
    run = load_run(run_dir)
    fingerprints: dict[str, str] = {}
    changed_stages = []
    for planned in run.graph:
        record = read_lineage(planned.ctx.dirs.root)
        if not record or record.get("status") != "complete":
            continue
        changed = False
        now = artifact_digest(planned, ROBOTS_SNAPSHOT) if planned.name in stages else None
        if now is not None and record["artifacts"].get(ROBOTS_SNAPSHOT) != now:
            record.setdefault("rebased", []).append({"artifact": ROBOTS_SNAPSHOT, "erasure": erasure,
                                                     "from": record["artifacts"].get(ROBOTS_SNAPSHOT), "to": now})
            record["artifacts"][ROBOTS_SNAPSHOT] = now
            changed = True
        for upstream in planned.upstream:
            if upstream in fingerprints and record.get("upstream", {}).get(upstream) != fingerprints[upstream]:
                record["upstream"][upstream] = fingerprints[upstream]
                changed = True
        if changed:
            record["fingerprint"] = fingerprint(record)
            write_lineage(planned.ctx.dirs.root, record)
            changed_stages.append(planned.name)
        fingerprints[planned.name] = record["fingerprint"]
    print(f"lineage: {', '.join(changed_stages) or 'no stage'} now record{'s' * (len(changed_stages) == 1)} the "
          "current robots.txt snapshot")
