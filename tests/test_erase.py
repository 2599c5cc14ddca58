"""``clearweb erase`` on the demo: every trace of the erased documents leaves every output (Parquet,
.ds shards, Megatron pairs), nothing else changes, a kill -9 mid-way is completed by running the
command again, and ``--robots-delta`` leaves the same documents as re-running from robots."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.docmap import read_ids
from tests.test_megatron_shards import megatron_documents


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("erase")
    assert main(["demo", "--out", str(out)]) == 0
    return out / "run"


def copy_run(run: Path, target: Path) -> Path:
    """The demo run in another folder (its config naming that folder); checkpoints and downloads left."""
    shutil.copytree(run, target, ignore=shutil.ignore_patterns("train", "downloads"))
    config = target / "config.yaml"
    config.write_text(config.read_text().replace(f"run_dir: {run}", f"run_dir: {target}"))
    return target


def document_files(run: Path) -> dict[str, dict[str, dict]]:
    """Every Parquet file of documents: relative path -> {id: row}."""
    files = {}
    for path in sorted(run.rglob("*.parquet")):
        names = pq.read_schema(path).names
        if "id" in names and "text" in names and "erasures" not in path.parts:
            files[path.relative_to(run).as_posix()] = {row["id"]: row for row in pq.read_table(path).to_pylist()}
    return files


def shard_documents(run: Path) -> dict[str, list[tuple[str, tuple[int, ...]]]]:
    """Every .ds shard and Megatron pair: relative path -> [(id, tokens)] in shard order."""
    shards = {}
    for shard in sorted(run.rglob("*.ds")):
        tokens = np.fromfile(shard, dtype=np.uint32)
        ends = np.fromfile(f"{shard}.index", dtype=np.uint64).astype(np.int64)
        starts = np.r_[0, ends[:-1]].astype(np.int64)
        shards[shard.relative_to(run).as_posix()] = [
            (document_id, tuple(tokens[s:e].tolist()))
            for document_id, s, e in zip(read_ids(f"{shard}.ids"), starts, ends, strict=True)]
    for index in sorted(run.rglob("*.idx")):
        prefix = index.with_suffix("")
        _, sequences = megatron_documents(prefix)
        shards[prefix.relative_to(run).as_posix()] = [
            (document_id, tuple(int(t) for t in tokens))
            for document_id, tokens in zip(read_ids(f"{prefix}.ids"), sequences, strict=True)]
    return shards


def kept_rows(run: Path, stage: str = "compliance") -> list[dict]:
    return [row for path, rows in document_files(run).items() if path.startswith(f"{stage}/output/")
            for row in rows.values()]


def assert_erased_exactly(before: Path, after: Path, erased: set[str]) -> None:
    """No erased id anywhere in ``after``; every other document as it was in ``before``."""
    old_files, new_files = document_files(before), document_files(after)
    assert set(new_files) == set(old_files)
    for path, rows in old_files.items():
        assert new_files[path] == {i: row for i, row in rows.items() if i not in erased}, path
    old_shards, new_shards = shard_documents(before), shard_documents(after)
    assert set(new_shards) == set(old_shards)
    for path, documents in old_shards.items():
        assert new_shards[path] == [d for d in documents if d[0] not in erased], path


def write_list(path: Path, entries) -> str:
    path.write_text("# requested 2026-12-04\n" + "\n".join(entries) + "\n")
    return str(path)


def test_erase_by_url_leaves_no_trace_and_changes_nothing_else(demo, tmp_path, capsys):
    """(The dedup stage's working files keep ids, not text or URLs: see pipeline/erase.py.)"""
    run = copy_run(demo, tmp_path / "run")
    kept = kept_rows(run)
    robots_removed = next(iter(document_files(run)["robots/removed/00000.parquet"].values()))
    targets = [kept[0], kept[7], robots_removed]
    urls = write_list(tmp_path / "urls.txt", [row["url"] for row in targets])

    assert main(["erase", str(run), "--urls", urls, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "would erase 3 documents" in dry and "tokenize: tokenize/output/000_train.ds: 2 documents" in dry
    assert document_files(run) == document_files(demo) and not (run / "erasures.jsonl").exists()

    assert main(["erase", str(run), "--urls", urls, "--reason", "takedown request 17"]) == 0
    erased = {row["id"] for row in targets}
    assert_erased_exactly(demo, run, erased)
    assert main(["report", str(run)]) == 0  # a report written before the erasure is written again
    every_file = b"".join(p.read_bytes() for p in run.rglob("*") if p.is_file() and "erasures" not in p.name
                          and p.parent.name != "erasures" and "minhash" not in p.parts)
    for row in targets:  # no id or URL left in any file: outputs, removed/ folders, shards, logs, report
        assert row["id"].encode() not in every_file and row["url"].encode() not in every_file

    # shards still read by datatrove and megatron-core, their metadata recounted
    from datatrove.utils.dataset import DatatroveFolderDataset

    output = run / "tokenize" / "output"
    tokens = np.fromfile(output / "000_train.ds", dtype=np.uint32)
    dataset = DatatroveFolderDataset(str(output), seq_len=31, token_size=4)
    assert len(dataset) == len(tokens) // 32
    assert np.concatenate([dataset[i]["input_ids"].numpy() for i in range(len(dataset))]).tolist() == \
        tokens[:len(dataset) * 32].tolist()
    assert (output / "train.ds.metadata").read_text().splitlines()[1] == str(len(tokens))
    assert (output / "000_train.ds.metadata").read_text().splitlines()[1] == str(len(tokens))
    assert [t for _, t in shard_documents(run)["tokenize/output/megatron/train"]] == \
        [t for _, t in shard_documents(run)["tokenize/output/000_train.ds"]]

    entry = json.loads((run / "erasures.jsonl").read_text())
    assert entry["reason"] == "takedown request 17" and entry["documents"] == 3
    assert entry["stages"]["robots"] == {"output": 2, "other": 1} and entry["stages"]["tokenize"]["output"] == 6
    listed = pq.read_table(run / entry["documents_file"]).to_pylist()
    fetched = {i: r for rows in (document_files(demo)[p] for p in document_files(demo)
                                 if p.startswith("fetch/output/")) for i, r in rows.items()}
    # the page robots removed was never extracted (robots before extraction): there is no text to hash
    assert {r["id"]: r["text_sha256"] for r in listed} == {
        i: hashlib.sha256(fetched[i]["text"].encode()).hexdigest() if fetched[i]["text"] else None for i in erased}
    assert sum(r["text_sha256"] is None for r in listed) == 1
    assert all(r["stage"] == "fetch" for r in listed)
    lineage = json.loads((run / "quality" / "lineage.json").read_text())
    assert lineage["erasures"] == [{"erasure": 1, "date": entry["date"], "reason": "takedown request 17", "removed": 2}]

    capsys.readouterr()
    assert main(["why", str(run), targets[0]["url"]]) == 0
    assert f"erased on {entry['date']} (takedown request 17): erasure 1" in capsys.readouterr().out
    assert main(["report", str(run)]) == 0
    report = json.loads((run / "report.json").read_text())
    assert report["erasures"][0]["documents"] == 3 and report["erasures"][0]["removed_from_outputs"]["compliance"] == 2
    assert "takedown request 17" in (run / "report.html").read_text()

    assert main(["erase", str(run), "--urls", urls]) == 0  # again: nothing left to erase
    assert "nothing to erase" in capsys.readouterr().out
    assert len((run / "erasures.jsonl").read_text().splitlines()) == 1


def test_erase_by_domain_and_by_id(demo, tmp_path):
    run = copy_run(demo, tmp_path / "run")
    kept = kept_rows(run)
    host = urlsplit(kept[3]["url"]).hostname
    domain = host.split(".", 1)[1] if host.count(".") > 1 else host
    everywhere = {i: r for rows in document_files(run).values() for i, r in rows.items()}
    under = {i for i, r in everywhere.items()
             if (urlsplit(r["url"]).hostname or "") == domain or (urlsplit(r["url"]).hostname or "").endswith(f".{domain}")}
    assert 1 < len(under) < len(everywhere) // 4
    assert main(["erase", str(run), "--domains", write_list(tmp_path / "d.txt", [domain.upper()])]) == 0
    assert_erased_exactly(demo, run, under)

    before = copy_run(run, tmp_path / "before_ids")
    chosen = next(r for r in kept if r["id"] not in under)
    assert main(["erase", str(run), "--ids", write_list(tmp_path / "ids.txt", [chosen["id"]])]) == 0
    assert_erased_exactly(before, run, {chosen["id"]})
    assert [e["erasure"] for e in map(json.loads, (run / "erasures.jsonl").read_text().splitlines())] == [1, 2]


def test_a_shard_map_that_cannot_be_read_stops_the_erasure_before_any_change(demo, tmp_path, capsys):
    """Fail closed: a damaged document map names its file and line, and no file of the run changes."""
    run = copy_run(demo, tmp_path / "run")
    ids_file = run / "tokenize" / "output" / "000_train.ds.ids"
    ids_file.write_text(ids_file.read_text().replace("\n", "\nnot json\n", 1))
    before = document_files(run)
    url = kept_rows(run)[0]["url"]
    assert main(["erase", str(run), "--urls", write_list(tmp_path / "u.txt", [url])]) == 2
    assert f"{ids_file}: line 2 is not a document id" in capsys.readouterr().err
    assert document_files(run) == before and not (run / "erasures.pending.jsonl").exists()


def test_erased_documents_stay_out_of_a_re_run(demo, tmp_path, capsys):
    """A stage recomputed after an erasure reads the erased documents nowhere: the fetch stage
    skips them before extraction, every reader skips them, and the lineage says which erasures."""
    from clearweb.pipeline.core.erasures import ErasedDocuments, SkipErased

    run = copy_run(demo, tmp_path / "run")
    row = kept_rows(run)[0]
    assert main(["erase", str(run), "--urls", write_list(tmp_path / "u.txt", [row["url"]])]) == 0
    shutil.copy(demo / "fetch" / "output" / "00000.parquet", tmp_path / "restored.parquet")
    erased = ErasedDocuments.of_run(run)
    assert erased.matches(row["id"], None) and erased.matches("other", row["url"])
    from datatrove.data import Document

    step = SkipErased(str(run))
    documents = [Document(text="x", id=row["id"], metadata={"url": row["url"]}),
                 Document(text="y", id="kept", metadata={"url": "https://elsewhere.example/"})]
    assert [d.id for d in step.run(iter(documents))] == ["kept"] and step.stats["erased"].total == 1

    config = run / "config.yaml"
    config.write_text(config.read_text().replace("min_doc_words: 50", "min_doc_words: 49"))
    assert main(["run", str(config), "--stages", "quality", "--rerun-stale"]) == 0
    assert row["id"] not in {r["id"] for r in kept_rows(run, "quality")}
    assert json.loads((run / "quality" / "lineage.json").read_text())["erasures_in_effect"] == [1]


#: run ``clearweb erase`` until the rename of the first file whose name ends with argv[3] (or the
#: append of the erasure's journal line), flushed; then say so and wait to be killed
KILLED_IN_ERASURE = """
import os, sys, time
from pathlib import Path
stop_at, marker = sys.argv[3], Path(sys.argv[2])
replace = Path.replace
def stuck():
    marker.touch()
    time.sleep(600)
def replacing(self, target):
    if str(self).endswith(stop_at):
        stuck()
    return replace(self, target)
Path.replace = replacing
import clearweb.pipeline.erase as erase
append = erase._append_line
def appending(path, entry):
    if stop_at == "journal" and path.name == "erasures.jsonl":
        stuck()
    append(path, entry)
    if stop_at == "ds-journalled" and str(entry.get("file", "")).endswith(".ds"):
        stuck()  # counted, not yet committed
erase._append_line = appending
from clearweb.pipeline.cli import main
main(["erase", sys.argv[1], "--urls", sys.argv[4], "--reason", "kill test"])
"""


@pytest.mark.parametrize("stop_at", ["00002.parquet.erasing", "ds-journalled", ".ds.index.erasing", ".idx.erasing",
                                     "journal"])
def test_a_killed_erasure_completes_when_run_again(demo, tmp_path, stop_at):
    """Killed while robots' Parquet is rewritten (fetch's already rewritten: only the journal still
    links the URLs to their ids), after a shard's count was journalled but before its commit,
    between a shard's token file and its index, between a Megatron pair's files, or before the
    erasure's record: running the command again gives the same files and the same record as an
    erasure never interrupted."""
    rows = kept_rows(demo)
    urls = write_list(tmp_path / "urls.txt", [r["url"] for r in rows[:6:2]] + [rows[40]["url"]])
    whole = copy_run(demo, tmp_path / "whole")
    assert main(["erase", str(whole), "--urls", urls, "--reason", "kill test"]) == 0
    run = copy_run(demo, tmp_path / "run")
    marker = tmp_path / "stuck"
    process = subprocess.Popen([sys.executable, "-c", KILLED_IN_ERASURE, str(run), str(marker), stop_at, urls],
                               env=os.environ | {"HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None and time.monotonic() < deadline, f"the erasure never reached {stop_at}"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert (run / "erasures.pending.jsonl").exists() and not (run / "erasures.jsonl").exists()
    assert main(["erase", str(run), "--urls", urls, "--reason", "kill test"]) == 0
    assert not list(run.rglob("*.erasing")) and not (run / "erasures.pending.jsonl").exists()
    for path in sorted(p for p in whole.rglob("*") if p.is_file()):
        relative = path.relative_to(whole)
        if relative.name not in ("lineage.json", "erasures.jsonl", "config.yaml"):
            assert (run / relative).read_bytes() == path.read_bytes(), relative
    entries = [json.loads((r / "erasures.jsonl").read_text()) for r in (whole, run)]
    assert [{k: v for k, v in e.items() if k != "date"} for e in entries][0] == \
        [{k: v for k, v in e.items() if k != "date"} for e in entries][1]


def change_snapshot(run: Path, origin: str, **changes) -> None:
    """What ``robots fetch --refresh`` would record for ``origin``: a new robots.txt or tdmrep.json
    (a change given as a function receives the old value)."""
    for path in sorted((run / "robots_cache" / "snapshot").glob("*.parquet")):
        table = pq.read_table(path)
        rows = table.to_pylist()
        for row in rows:
            if row["origin"] == origin:
                row.update({key: value(row[key]) if callable(value) else value for key, value in changes.items()})
                if "body" in changes:
                    row["sha256"] = hashlib.sha256(row["body"].encode()).hexdigest()
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


def test_robots_delta_refuses_a_snapshot_whose_fetches_mostly_failed(demo, tmp_path, capsys):
    """A refresh from a machine without network makes every origin unreachable: applied, it would
    withhold nothing and be recorded as the snapshot the run was judged with."""
    run = copy_run(demo, tmp_path / "down")
    for path in sorted((run / "robots_cache" / "snapshot").glob("*.parquet")):
        table = pq.read_table(path)
        rows = [row | {"outcome": "unreachable", "status": None, "body": None, "sha256": None,
                       "error": "connection refused", "fetched_at": "2026-12-05T00:00:00Z"} for row in table.to_pylist()]
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    capsys.readouterr()
    assert main(["erase", str(run), "--robots-delta"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "origins' robots.txt unreachable or refused (100% > max_unreachable_fraction" in err[0]
    assert "top errors: connection refused" in err[0] and not (run / "erasures.jsonl").exists()


def test_robots_delta_equals_re_running_from_robots(demo, tmp_path, capsys):
    kept = kept_rows(demo)
    withheld = urlsplit(kept[0]["url"])
    reserved = next(urlsplit(r["url"]) for r in kept if urlsplit(r["url"]).hostname != withheld.hostname)
    directory = withheld.path.rsplit("/", 1)[0] + "/"
    runs = {}
    for name in ("delta", "rerun"):
        runs[name] = copy_run(demo, tmp_path / name)
        # stricter than before: the old rules stay, a group for every crawler is added
        change_snapshot(runs[name], f"{withheld.scheme}://{withheld.netloc}", status=200, outcome="ok",
                        body=lambda old: f"{old or ''}\n\nUser-agent: *\nDisallow: {directory}\n")
        change_snapshot(runs[name], f"{reserved.scheme}://{reserved.netloc}", tdmrep_status=200,
                        tdmrep_body=json.dumps([{"location": "*", "tdm-reservation": 1}]))
    capsys.readouterr()
    assert main(["erase", str(runs["delta"]), "--robots-delta"]) == 0
    out = capsys.readouterr().out
    assert "stages robots, compliance" in out and "now record the current robots.txt snapshot" in out
    assert main(["run", str(runs["rerun"] / "config.yaml"), "--stages",
                 "robots,language,dedup,quality,compliance,tokenizer,tokenize", "--rerun-stale"]) == 0

    def ids(run: Path, stage: str) -> list[str]:
        return sorted(r["id"] for r in kept_rows(run, stage))

    for stage in ("fetch", "robots", "language", "dedup", "quality", "compliance"):
        assert ids(runs["delta"], stage) == ids(runs["rerun"], stage), stage
    assert len(ids(runs["delta"], "compliance")) < len(kept)
    assert sorted(read_ids(runs["delta"] / "tokenize/output/000_train.ds.ids")) == \
        sorted(read_ids(runs["rerun"] / "tokenize/output/000_train.ds.ids"))
    entry = json.loads((runs["delta"] / "erasures.jsonl").read_text())
    assert entry["scoped"] and "fetch" not in entry["stages"] and "robots" in entry["stages"]
    assert main(["why", str(runs["delta"]), kept[0]["url"]]) == 0
    assert f"Disallow: {directory}" in capsys.readouterr().out
    assert entry["matcher"]["robots_delta"]["would_return"] == 0

    from clearweb.pipeline.config import load_config
    from clearweb.pipeline.runner import plan_run

    config = load_config(str(runs["delta"] / "config.yaml"))
    _, checks = plan_run(config, "config.yaml", config.enabled_stages()[1:])  # fetch as recorded (server gone)
    assert {name: check.state for name, check in checks.items()} == dict.fromkeys(checks, "complete")
    capsys.readouterr()
    assert main(["erase", str(runs["delta"]), "--robots-delta"]) == 2
    assert "every stage judged with the current robots.txt snapshot" in capsys.readouterr().err
