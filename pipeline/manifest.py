"""``clearweb manifest RUN`` and ``clearweb verify RUN``: what a published run is made of, checkable by
anyone who has the files.

``RUN/manifest.json`` lists every file in every stage's ``output/`` with its SHA-256 and size, and
per stage the lineage fingerprint of the run that wrote those files and the digests of the
artifacts it depended on, its own and its upstream stages' (the robots.txt snapshot and archive,
the tokenizer), plus the SHA-256 of the run's resolved ``config.yaml``. A third party holding the
shards, the snapshot and the config can recompute every hash and see that the one came from the
others. ``verify`` recomputes them: it names each file that changed, went missing or appeared, and
each stage whose lineage no longer matches; it also counts the erasures recorded since the
manifest was written (``RUN/erasures.jsonl``), which change outputs on purpose.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

from clearweb.pipeline.core.erasures import ERASURES, read_erasures
from clearweb.pipeline.core.errors import InputError, RunFailed
from clearweb.pipeline.core.hashing import hash_path
from clearweb.pipeline.core.task_files import write_atomically
from clearweb.pipeline.lineage import read_lineage
from clearweb.pipeline.registry import STAGES

MANIFEST = "manifest.json"


def _stage_records(run_dir: Path) -> dict[str, dict]:
    """Completed stages of the run, in pipeline order, with their lineage records."""
    records = {}
    for stage in STAGES:
        record = read_lineage(run_dir / stage.name)
        if record and record.get("status") == "complete":
            records[stage.name] = record
    return records


def _depends_on(name: str, records: dict[str, dict]) -> dict[str, str]:
    """Artifact digests a stage used, directly or through the stages upstream of it."""
    seen, pending, digests = set(), [name], {}
    while pending:
        current = pending.pop()
        if current in seen or current not in records:
            continue
        seen.add(current)
        for artifact, digest in (records[current].get("artifacts") or {}).items():
            digests.setdefault(artifact, digest)
        pending.extend((records[current].get("upstream") or {}).keys())
    return dict(sorted(digests.items()))


def _output_files(run_dir: Path, stage: str) -> list[Path]:
    output = run_dir / stage / "output"
    return sorted(p for p in output.rglob("*") if p.is_file() and not p.name.endswith(".partial"))


def build_manifest(run_dir: Path) -> dict:
    run_dir = Path(run_dir)
    records = _stage_records(run_dir)
    if not records:
        raise InputError(f"{run_dir}: no completed stage (nothing to list)")
    config = run_dir / "config.yaml"
    stages, files = {}, []
    for name, record in records.items():
        stages[name] = {"fingerprint": record["fingerprint"], "completed_at": record.get("completed_at"),
                        "depends_on": _depends_on(name, records)}
        for path in _output_files(run_dir, name):
            files.append({"path": path.relative_to(run_dir).as_posix(), "sha256": hash_path(path),
                          "bytes": path.stat().st_size, "stage": name})
    return {"created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "config": {"path": "config.yaml", "sha256": hash_path(config)} if config.is_file() else None,
            "stages": stages, "files": files}


def write_manifest(run_dir: Path) -> Path:
    manifest = build_manifest(run_dir)
    return write_atomically(Path(run_dir) / MANIFEST, json.dumps(manifest, indent=1))


def erasures_since(run_dir: Path, created_at: str) -> list[dict]:
    return [entry for entry in read_erasures(run_dir) if str(entry.get("date", "")) >= created_at]


def verify(run_dir: Path) -> list[str]:
    """Problems found, one line each naming the file or stage; empty when everything matches."""
    run_dir = Path(run_dir)
    path = run_dir / MANIFEST
    if not path.is_file():
        raise InputError(f"{path}: no manifest (write one with: clearweb manifest {run_dir})")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    problems = []
    config = manifest.get("config")
    if config and hash_path(run_dir / config["path"]) != config["sha256"]:
        problems.append(f"{run_dir / config['path']}: sha256 differs from the manifest's")
    records = _stage_records(run_dir)
    for name, stage in manifest["stages"].items():
        record = records.get(name)
        if record is None or record["fingerprint"] != stage["fingerprint"]:
            problems.append(f"{run_dir / name / 'lineage.json'}: the stage's lineage fingerprint is not the manifest's "
                            f"(re-run since?)")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    for relative, entry in listed.items():
        file = run_dir / relative
        if not file.is_file():
            problems.append(f"{file}: missing")
        elif file.stat().st_size != entry["bytes"] or hash_path(file) != entry["sha256"]:
            problems.append(f"{file}: sha256 differs from the manifest's")
    for name in manifest["stages"]:
        for file in _output_files(run_dir, name):
            if file.relative_to(run_dir).as_posix() not in listed:
                problems.append(f"{file}: not in the manifest")
    return problems


def cmd_manifest(args: argparse.Namespace) -> int:
    path = write_manifest(Path(args.run))
    manifest = json.loads(path.read_text())
    print(f"{path}: {len(manifest['files'])} files of {len(manifest['stages'])} stages, with their sha256")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    run_dir = Path(args.run)
    problems = verify(run_dir)
    manifest = json.loads((run_dir / MANIFEST).read_text())
    erased = erasures_since(run_dir, manifest["created_at"])
    if erased:
        print(f"{len(erased)} erasure(s) recorded in {run_dir / ERASURES} since the manifest was written "
              f"({manifest['created_at']}): they change outputs; write a new manifest after publishing them")
    for line in problems:
        print(line)
    if problems:
        raise RunFailed(f"{run_dir}: {len(problems)} difference(s) from {run_dir / MANIFEST}")
    print(f"verified: {len(manifest['files'])} files of {len(manifest['stages'])} stages match "
          f"{run_dir / MANIFEST}")
    return 0
