"""``clearweb erase RUN``: take documents out of every output a run has written, tokenized shards included.

A takedown request, a licence found wrong or a site's new robots.txt arrives after the data was
tokenized. The erasure finds the documents (by URL, by domain, by id, or those a refreshed
robots.txt snapshot now withholds, ``--robots-delta``), then rewrites only the files that hold them:
every Parquet file of documents under each stage's folder (``output/``, ``removed/``), every
``.ds`` shard and every Megatron pair, through their document maps (``tokenizer/docmap.py``). No
text is extracted, filtered or tokenized again.

Order of work, so that a kill at any point is finished by running the command again:
1. the matched documents are listed in ``RUN/erasures/<n>.parquet`` (id, URL, first stage, SHA-256
   of the text) and the request in ``RUN/erasures.pending.jsonl``, before any output changes (once
   a URL's rows are gone, only this list still links the URL to its id);
2. each file is rewritten beside itself and renamed into place (``pipeline/core/rewrite.py``); its
   count is appended to the pending file first;
3. the erasure is appended to ``RUN/erasures.jsonl`` and to the lineage of each stage it changed,
   a report already written is written again (its examples may quote an erased document), and the
   pending file is deleted.

Not touched: the dedup stage's working files (``dedup/minhash``: per-task id lists and MinHash
signatures, no text or URL), and models already trained on the shards.
A second invocation first finishes shards whose new files were complete, deletes other partial
files, and completes a pending erasure before anything else.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearweb.pipeline.audit import RunRecord, load_run
from clearweb.pipeline.core.docmap import ids_path, read_ids
from clearweb.pipeline.core.erasures import ERASED_DIR, ERASURES, host_of, read_erasures, under_domains
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.core.rewrite import is_document_file, parquet_without, recover, text_sha256
from clearweb.pipeline.core.stage import ShardFormat
from clearweb.pipeline.lineage import read_lineage, write_lineage

PENDING = "erasures.pending.jsonl"
DOCUMENTS_SCHEMA = pa.schema([("id", pa.string()), ("url", pa.string()), ("stage", pa.string()),
                              ("text_sha256", pa.string()), ("evidence", pa.string())])


@dataclass(frozen=True)
class Target:
    """A file that can hold documents: a Parquet file of documents, or a shard of one of the
    stage's formats (``Stage.shards``: the path its document map describes)."""

    stage: str
    path: Path
    shards: ShardFormat | None = None


@dataclass
class Request:
    """What to erase: the matcher as recorded and its reason. A *scoped* request (``--robots-delta``)
    names per document the stage to erase it from, with the evidence: that stage's output and
    every later one lose it, the earlier ones keep it, as they keep any page a filter removes."""

    matcher: dict
    reason: str
    scoped: bool = False
    from_stage: dict[str, str] = field(default_factory=dict)  # id -> its first stage (scoped)
    evidence: dict[str, str] = field(default_factory=dict)  # id -> why (scoped)


def targets(run: RunRecord) -> list[Target]:
    """Every file of every enabled stage that holds documents, in pipeline order. A shard without
    a document map (tokenized by a clearweb before erasure existed) stops the erasure: it could
    not be cleaned."""
    found = []
    for planned in run.graph:
        root = planned.ctx.dirs.root
        if not root.is_dir():
            continue
        found += [Target(planned.name, path) for path in sorted(root.rglob("*.parquet")) if is_document_file(path)]
        for shards in planned.stage.shards:
            for shard in shards.find(root):
                if not ids_path(shard).is_file():
                    raise InputError(f"{shard}: no document map ({ids_path(shard).name}); re-run the {planned.name} "
                                     "stage to write one, then erase")
                found.append(Target(planned.name, shard, shards))
    return found


def read_list(path: str, what: str) -> list[str]:
    """One entry per line; blank lines and ``#`` comments skipped; an empty list is an error."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} list ({exc.strerror or exc})") from None
    entries = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not entries:
        raise InputError(f"{path}: no {what} in the file")
    return entries


def _matching_rows(table: pa.Table, matcher: dict, wanted: set[str]) -> list[int]:
    ids = table["id"].to_pylist()
    urls = table["url"].to_pylist() if "url" in table.column_names else [None] * len(ids)
    domains = frozenset(matcher.get("domains") or ())
    urls_wanted = set(matcher.get("urls") or ())
    return [row for row, (document_id, url) in enumerate(zip(ids, urls, strict=True))
            if document_id in wanted or (url is not None and url in urls_wanted)
            or under_domains(host_of(url), domains)]


def _erased_in(run: RunRecord, stages: dict[str, str]) -> Callable[[str, str], bool]:
    """Whether a document is erased from a stage's files: everywhere, or for a scoped erasure
    from its own first stage on (``stages``: id -> that stage)."""
    order = {planned.name: index for index, planned in enumerate(run.graph)}
    if not stages:
        return lambda document_id, stage: True
    return lambda document_id, stage: order[stages[document_id]] <= order[stage]


def resolve(run: RunRecord, found_targets: list[Target], request: Request) -> dict[str, dict]:
    """id -> {url, stage, text_sha256, evidence} of every document the request matches, from the
    first stage it is erased from (its text there is the one hashed)."""
    matcher = request.matcher
    wanted = set(matcher.get("ids") or ()) | set(request.from_stage)
    erased_in = _erased_in(run, request.from_stage)
    documents: dict[str, dict] = {}
    for target in (t for t in found_targets if t.shards is None):
        columns = [name for name in ("id", "url") if name in pq.read_schema(target.path).names]
        table = pq.read_table(target.path, columns=columns)
        rows = [row for row in _matching_rows(table, matcher, wanted)
                if table["id"][row].as_py() not in documents and erased_in(table["id"][row].as_py(), target.stage)]
        if not rows:
            continue
        matched = pq.read_table(target.path, columns=[*columns, "text"]).take(rows)
        for row in matched.to_pylist():
            documents[row["id"]] = {"url": row.get("url"), "stage": target.stage,
                                    "text_sha256": text_sha256(row["text"]),
                                    "evidence": request.evidence.get(row["id"])}
    for target in (t for t in found_targets if t.shards is not None):  # ids only the shards still hold
        for document_id in set(read_ids(ids_path(target.path))) & wanted:
            documents.setdefault(document_id, {"url": None, "stage": target.stage, "text_sha256": None,
                                               "evidence": request.evidence.get(document_id)})
    return documents


def count_in(target: Target, ids: set[str]) -> int:
    """How many documents of ``target`` an erasure of ``ids`` removes (``--dry-run``)."""
    if target.shards is None:
        return sum(1 for document_id in pq.read_table(target.path, columns=["id"])["id"].to_pylist()
                   if document_id in ids)
    return sum(1 for document_id in read_ids(ids_path(target.path)) if document_id in ids)


def _append_line(path: Path, entry: dict) -> None:
    """Append one JSON line and flush it to disk (the journal must survive a kill)."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_documents(path: Path, documents: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"id": document_id, **fields} for document_id, fields in sorted(documents.items())]
    partial = path.with_name(path.name + ".partial")
    pq.write_table(pa.Table.from_pylist(rows, schema=DOCUMENTS_SCHEMA), partial, compression="zstd")
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    partial.replace(path)


def _relative(path: Path, run_dir: Path) -> str:
    return path.relative_to(run_dir).as_posix()


def apply_erasure(run: RunRecord, header: dict, done: dict[str, int]) -> dict[str, int]:
    """Rewrite every file holding the header's documents; ``done`` holds the files the journal
    already counted (a resumed erasure). Returns the removed count per file."""
    run_dir = run.run_dir
    listed = pq.read_table(run_dir / header["documents_file"], columns=["id", "stage"]).to_pylist()
    erased_in = _erased_in(run, {row["id"]: row["stage"] for row in listed} if header.get("scoped") else {})
    ids_in: dict[str, set[str]] = {}
    counts = dict(done)
    folders: dict[ShardFormat, set[Path]] = defaultdict(set)
    for target in targets(run):
        if target.stage not in ids_in:
            ids_in[target.stage] = {row["id"] for row in listed if erased_in(row["id"], target.stage)}
        rewrite = (target.shards.without if target.shards else parquet_without)(target.path, ids_in[target.stage])
        if target.shards:
            folders[target.shards].add(target.path.parent)
        if rewrite is None:
            continue
        relative = _relative(target.path, run_dir)
        _append_line(run_dir / PENDING, {"file": relative, "removed": rewrite.removed})
        rewrite.commit()
        counts[relative] = rewrite.removed
    for shards, changed in folders.items():  # every folder, also those a resumed erasure finished before
        shards.after(sorted(changed))
    return counts


def _stage_counts(run: RunRecord, files: dict[str, int]) -> dict[str, dict[str, int]]:
    """Per stage: documents removed from its output/ and from everything else it keeps."""
    stages: dict[str, Counter] = defaultdict(Counter)
    for relative, removed in files.items():
        stage, *rest = relative.split("/")
        stages[stage]["output" if rest and rest[0] == "output" else "other"] += removed
    order = [planned.name for planned in run.graph]
    return {name: dict(stages[name]) for name in sorted(stages, key=order.index)}


def finish_erasure(run: RunRecord, header: dict, files: dict[str, int]) -> dict:
    """Record the erasure in erasures.jsonl and in the lineage of each stage it changed."""
    run_dir = run.run_dir
    stages = _stage_counts(run, files)
    entry = {**header, "files": dict(sorted(files.items())), "stages": stages}
    if not any(e.get("erasure") == header["erasure"] for e in read_erasures(run_dir)):
        _append_line(run_dir / ERASURES, entry)
    for name, counts in stages.items():
        record = read_lineage(run_dir / name)
        if record is None:
            continue
        applied = record.setdefault("erasures", [])
        if not any(e.get("erasure") == header["erasure"] for e in applied):
            applied.append({"erasure": header["erasure"], "date": header["date"], "reason": header["reason"],
                            "removed": sum(counts.values())})
            write_lineage(run_dir / name, record)
    if "robots_delta" in header["matcher"]:  # before the pending file goes: a kill here is completed again
        from clearweb.pipeline.snapshot_delta import rebase_lineage

        rebase_lineage(run_dir, header["matcher"]["robots_delta"]["stages"], header["erasure"])
    if (run_dir / "report.json").exists() or (run_dir / "report.html").exists():
        from clearweb.pipeline.report_cli import write_report

        write_report(run_dir)  # its examples of removed documents may quote the erased ones
    (run_dir / PENDING).unlink(missing_ok=True)
    return entry


def read_pending(run_dir: Path) -> tuple[dict, dict[str, int]] | None:
    """The interrupted erasure's request and the files it already counted, or None."""
    path = run_dir / PENDING
    if not path.is_file():
        return None
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header, done = lines[0], {}
    for line in lines[1:]:
        done[line["file"]] = line["removed"]
    return header, done


def erase(run: RunRecord, request: Request, dry_run: bool = False) -> dict | None:
    """Erase what ``request`` matches from ``run``; returns the erasures.jsonl entry (None: nothing
    matched, or a dry run)."""
    run_dir = run.run_dir
    found_targets = targets(run)
    documents = resolve(run, found_targets, request)
    if dry_run:
        print_dry_run(run, found_targets, documents, request.scoped)
        return None
    if not documents:
        return None
    number = max((e.get("erasure", 0) for e in read_erasures(run_dir)), default=0) + 1
    documents_file = Path(ERASED_DIR) / f"{number:05d}.parquet"
    _write_documents(run_dir / documents_file, documents)
    header = {"erasure": number, "date": _now(), "reason": request.reason, "matcher": request.matcher,
              "documents": len(documents), "documents_file": documents_file.as_posix(), "scoped": request.scoped}
    (run_dir / PENDING).unlink(missing_ok=True)
    _append_line(run_dir / PENDING, header)
    return finish_erasure(run, header, apply_erasure(run, header, {}))


def print_dry_run(run: RunRecord, found_targets: list[Target], documents: dict[str, dict], scoped: bool) -> None:
    total, ids = 0, set(documents)
    erased_in = _erased_in(run, {i: d["stage"] for i, d in documents.items()} if scoped else {})
    for target in found_targets:
        count = count_in(target, {i for i in ids if erased_in(i, target.stage)})
        if count:
            total += count
            print(f"{target.stage}: {_relative(target.path, run.run_dir)}: {count} document{'s' * (count != 1)}")
    print(f"would erase {len(ids)} document{'s' * (len(ids) != 1)} ({total} rows and shard entries); nothing "
          "changed (--dry-run)")


def complete_interrupted(run: RunRecord) -> dict | None:
    """Finish half-renamed shards, drop partial files, complete a pending erasure."""
    finished = sum(recover(planned.ctx.dirs.root) for planned in run.graph if planned.ctx.dirs.root.is_dir())
    pending = read_pending(run.run_dir)
    if pending is None:
        if finished:
            print(f"finished {finished} shard rewrite(s) left by an interrupted erasure")
        return None
    header, done = pending
    print(f"completing erasure {header['erasure']} of {header['date']} ({header['reason']}), interrupted")
    return finish_erasure(run, header, apply_erasure(run, header, done))


def request_of(args: argparse.Namespace, run: RunRecord) -> Request | None:
    if args.urls:
        return Request({"urls": read_list(args.urls, "URL")}, args.reason or "URLs requested")
    if args.domains:
        domains = [d.lower().rstrip(".") for d in read_list(args.domains, "domain")]
        return Request({"domains": domains}, args.reason or "domains requested")
    if args.ids:
        return Request({"ids": read_list(args.ids, "document id")}, args.reason or "documents requested")
    from clearweb.pipeline.snapshot_delta import delta_request

    return delta_request(run, args.reason)


def print_entry(entry: dict, run_dir: Path) -> None:
    stages = ", ".join(f"{name} {sum(counts.values())}" for name, counts in entry["stages"].items())
    print(f"erasure {entry['erasure']}: {entry['documents']} document{'s' * (entry['documents'] != 1)} removed "
          f"from {len(entry['files'])} files (per stage: {stages}); recorded in {run_dir / ERASURES}")


def cmd_erase(args: argparse.Namespace) -> int:
    run = load_run(args.run)
    resumed = None
    if args.dry_run and read_pending(run.run_dir):
        print(f"an interrupted erasure is pending in {run.run_dir / PENDING}: run without --dry-run to complete it")
    elif not args.dry_run:
        resumed = complete_interrupted(run)
        if resumed:
            print_entry(resumed, run.run_dir)
            if args.robots_delta and "robots_delta" in resumed["matcher"]:
                return 0  # the interrupted erasure was this delta
            run = load_run(args.run)
    request = request_of(args, run)
    if resumed and resumed["matcher"] == request.matcher:
        return 0
    entry = erase(run, request, dry_run=args.dry_run)
    if args.dry_run:
        return 0
    if entry is None:
        print("nothing to erase: no document of the run matches (already erased, or never kept)")
        if "robots_delta" in request.matcher:  # the snapshot withholds nothing more: record it all the same
            from clearweb.pipeline.snapshot_delta import rebase_lineage

            rebase_lineage(run.run_dir, request.matcher["robots_delta"]["stages"], None)
    else:
        print_entry(entry, run.run_dir)
    return 0


def add_erase_options(command: argparse.ArgumentParser) -> None:
    what = command.add_mutually_exclusive_group(required=True)
    what.add_argument("--urls", metavar="FILE", help="a file of URLs, one per line (exact match)")
    what.add_argument("--domains", metavar="FILE", help="a file of domains, one per line (their subdomains too)")
    what.add_argument("--ids", metavar="FILE", help="a file of document ids, one per line")
    what.add_argument("--robots-delta", action="store_true",
                      help="the documents the current robots.txt snapshot withholds (after robots fetch --refresh)")
    command.add_argument("--reason", help="why, as recorded in RUN/erasures.jsonl and shown by why and the report")
    command.add_argument("--dry-run", action="store_true", help="print what would be removed per stage and file")
