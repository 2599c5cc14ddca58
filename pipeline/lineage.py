"""Run lineage: what each stage's output was made from, and whether it still matches.

When a stage starts, ``RUN/<stage>/lineage.json`` records its resolved settings (execution keys
such as task counts left out), the content hashes of the files its settings point to, and its
resolved inputs (fetch: the shard list, reused on resume). When it completes, the record adds the
fingerprints of the stages it read, the content hashes of the artifacts it used (the robots.txt
snapshot, the tokenizer) and its own fingerprint over all of that. Package versions are recorded
for the audit, not compared.

Before a run, every enabled stage is checked against its record: a stage whose settings, files,
inputs, upstream fingerprints or used artifacts differ is *stale*, and so is every stage after it
that reads it. A stale stage is refused (exit 2, one line naming the stage and the change) unless
the run asks to recompute stale stages.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from clearweb.pipeline.core.erasures import read_erasures
from clearweb.pipeline.core.hashing import hash_path
from clearweb.pipeline.core.task_files import write_atomically
from clearweb.pipeline.stages import PlannedStage

LINEAGE_FILE = "lineage.json"
PACKAGES = ("clearweb", "datatrove", "trafilatura", "tokenizers", "presidio-analyzer", "fasttext-predict",
            "pycld2", "py3langid", "pyarrow", "torch", "mistral-common")


def read_lineage(stage_root: Path) -> dict[str, Any] | None:
    path = Path(stage_root) / LINEAGE_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def write_lineage(stage_root: Path, record: dict[str, Any]) -> None:
    write_atomically(Path(stage_root) / LINEAGE_FILE, json.dumps(record, indent=1, sort_keys=True))


def _versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity(planned: PlannedStage) -> dict[str, Any]:
    """The part of a record known before the stage runs: settings, their files, inputs."""
    settings = planned.settings
    return {"settings": settings.content() | settings.borrowed_content(planned.ctx),
            "files": {key: hash_path(Path(path)) for key, path in settings.content_paths().items()},
            "inputs": planned.ctx.inputs}


def start_record(planned: PlannedStage) -> dict[str, Any]:
    """``erasures_in_effect``: the run's erasures this stage's readers keep out (``pipeline/core/erasures.py``)."""
    return {"stage": planned.name, "status": "running", "started_at": _now(), **identity(planned),
            "erasures_in_effect": [entry["erasure"] for entry in read_erasures(planned.ctx.run_dir)],
            "applied": planned.settings.applied(), "settings_recorded": planned.settings.model_dump(mode="json"),
            "versions": _versions(), "phases": []}


def fingerprint(record: dict[str, Any]) -> str:
    keys = ("settings", "files", "upstream", "artifacts")
    identity = {k: record.get(k) for k in keys}
    identity["inputs"] = [_shard_identity(shard) for shard in record["inputs"]] if record.get("inputs") else None
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def artifact_digest(planned: PlannedStage, name: str) -> str | None:
    """The digest of an artifact the stage uses, as its maker defines it for this run (the part of
    a shared robots.txt snapshot this run's origins use), else of all of it."""
    path = planned.ctx.artifacts[name]
    maker = planned.producers.get(name)
    return (maker.artifact_digest(name, path, planned.ctx.run_dir) if maker else None) or hash_path(path)


def finish_record(record: dict[str, Any], planned: PlannedStage, upstream: dict[str, str]) -> dict[str, Any]:
    """The completed record: upstream fingerprints and used artifacts as they are now."""
    done = dict(record, status="complete", completed_at=_now(), upstream=upstream,
                artifacts={name: artifact_digest(planned, name) for name in planned.ctx.artifacts})
    done["fingerprint"] = fingerprint(done)
    return done


@dataclass(frozen=True)
class StageCheck:
    """``state``: new (never started), partial (started, same lineage: resume), complete (same
    lineage: skip) or stale (``reason`` says what changed)."""

    name: str
    state: str
    reason: str = ""
    record: dict[str, Any] | None = None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1]}}`` -> ``{"a.b[0]": 1}``: key paths as the config writes them."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
        out = {}
        for index, item in enumerate(value):
            out |= _flatten(item, f"{prefix}[{index}]")
        return out
    return {prefix: value}


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def settings_change(old: dict, new: dict) -> str | None:
    """``threshold 0.65 -> 0.99`` for the first key that differs, None if none does."""
    before, after = _flatten(old), _flatten(new)
    for key in list(after) + [k for k in before if k not in after]:
        if before.get(key, "(unset)") != after.get(key, "(unset)"):
            return f"{key} {_short(before.get(key, '(unset)'))} -> {_short(after.get(key, '(unset)'))}"
    return None


def _shard_identity(shard: dict) -> dict:
    """A shard without its download location: the same Common Crawl shard from another mirror (or
    the demo's loopback server on another port) is the same input."""
    return {key: value for key, value in shard.items() if key != "location"}


def inputs_change(old: list[dict] | None, new: list[dict] | None) -> str | None:
    """``1 new shard: x.warc.gz`` / ``2 missing`` / ``1 changed``; None if equal."""
    old = [_shard_identity(shard) for shard in old or []]
    new = [_shard_identity(shard) for shard in new or []]
    if old == new:
        return None
    before = {shard["name"]: shard for shard in old}
    after = {shard["name"]: shard for shard in new}
    added = [loc for loc in after if loc not in before]
    missing = [loc for loc in before if loc not in after]
    changed = [loc for loc in after if loc in before and after[loc] != before[loc]]
    parts = []
    for label, items in (("new", added), ("missing", missing), ("changed", changed)):
        if items:
            parts.append(f"{len(items)} {label} shard{'s' if len(items) > 1 else ''}: {items[0]}"
                         + (" ..." if len(items) > 1 else ""))
    return "; ".join(parts) or "shard order changed"


def check_stage(planned: PlannedStage, record: dict | None, complete: bool,
                earlier: dict[str, StageCheck]) -> StageCheck:
    """Compare one stage with its record; ``earlier`` holds the checks of the stages before it."""
    name = planned.name
    if record is None:
        if planned.ctx.dirs.root.is_dir() and any(planned.ctx.dirs.root.iterdir()):
            return StageCheck(name, "stale", "its folder has no lineage record (made by an older clearweb?)")
        return StageCheck(name, "new")
    for upstream in planned.upstream:
        state = earlier[upstream].state
        if state in ("stale", "new"):
            return StageCheck(name, "stale", f"reads stage {upstream}, which "
                              + ("is stale" if state == "stale" else "has not run"), record)
    current = identity(planned)
    change = settings_change(record.get("settings", {}), current["settings"])
    if change:
        return StageCheck(name, "stale", f"settings changed ({change})", record)
    for key, digest in current["files"].items():
        if record.get("files", {}).get(key) != digest:
            return StageCheck(name, "stale", f"the content of {key} changed", record)
    change = inputs_change(record.get("inputs"), current["inputs"])
    if change:
        return StageCheck(name, "stale", f"inputs changed ({change})", record)
    if record.get("status") == "complete":
        for upstream in planned.upstream:
            if record.get("upstream", {}).get(upstream) != (earlier[upstream].record or {}).get("fingerprint"):
                return StageCheck(name, "stale", f"stage {upstream} was recomputed after it", record)
        for artifact in planned.ctx.artifacts:
            recorded, now = record.get("artifacts", {}).get(artifact), artifact_digest(planned, artifact)
            if recorded != now:
                return StageCheck(name, "stale", f"{artifact} changed (sha256 {str(recorded)[:12]} -> {str(now)[:12]})",
                                  record)
    return StageCheck(name, "complete" if complete and record.get("status") == "complete" else "partial",
                      record=record)
