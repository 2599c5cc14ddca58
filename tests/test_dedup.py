"""The dedup stage (FineWeb-2's MinHash, per language) on FineWeb-2-shaped Parquet whose labels the
language stage reuses: near-duplicates across hosts collapse to one document and ``why`` names the
survivor and the cluster size; texts labelled with different languages are never merged, however
alike; a run killed with SIGKILL in the clustering phase and re-run holds every document exactly once."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearweb.filters.dedup.clusters import size_bin
from clearweb.pipeline.cli import main

WORDS = ("library town council reading room children opening hours street festival museum river bridge market "
         "school teacher garden station train ticket summer winter concert theatre mayor budget harbour ferry "
         "island village church tower castle forest mountain lake weather storm evening morning tourists guide "
         "bakery bread coffee cheese farmers harvest apples cycling path hospital doctors nurses volunteers "
         "newspaper editor reporters archive history century founders workers factory bicycle parking roads").split()


def article(seed: int, words: int = 400) -> str:
    """A text of ``words`` words drawn at random (a seed per article): no two articles share 5-grams."""
    rng = random.Random(seed)
    sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(words // 12)]
    return " ".join(sentences)


STORY = article(1)
#: the same article on three hosts: another date line, another footer
HOSTS = {
    "news-a": ("https://news.example.com/2024/story", f"Published 3 May 2024.\n{STORY}\nCopyright News A, all rights reserved."),
    "news-b": ("https://mirror.example.org/story", f"Updated on 4 May 2024 at 10:15.\n{STORY}\nShare this story with your friends."),
    "news-c": ("https://aggregator.example.net/s/1", f"5 May 2024\n{STORY}\nMore stories from our partners below."),
}


def row(doc_id: str, url: str, text: str, label: str) -> dict:
    language, script = label.split("_")
    return {"id": doc_id, "text": text, "url": url, "language": language, "language_script": script,
            "language_score": 0.99, "top_langs": json.dumps({f"{label}_score": 0.99})}


def rows() -> list[dict]:
    out = [row(doc_id, url, text, "eng_Latn") for doc_id, (url, text) in HOSTS.items()]
    out += [row(f"other-{i}", f"https://site{i}.example.com/", article(100 + i), "eng_Latn") for i in range(4)]
    # the same text, and a near-duplicate, under other labels: other languages, never merged
    other = article(2)
    out += [row("twin-eng", "https://a.example.com/t", other, "eng_Latn"),
            row("twin-sco", "https://b.example.com/t", other, "sco_Latn"),
            row("near-sco", "https://c.example.com/t", f"Published today.\n{STORY}", "sco_Latn"),
            row("short", "https://d.example.com/", "Too short to shingle.", "eng_Latn")]
    return out


CONFIG = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{inputs}/*.parquet"}}]}}
  language: {{reuse_labels: true, threshold: 0.5}}
  dedup: {{}}
"""


def write_run(tmp_path: Path) -> tuple[Path, Path]:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    everything = rows()
    pq.write_table(pa.Table.from_pylist(everything[:7]), inputs / "a.parquet")  # two files: two fetch tasks
    pq.write_table(pa.Table.from_pylist(everything[7:]), inputs / "b.parquet")
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG.format(run=tmp_path / "run", inputs=inputs))
    return tmp_path / "run", config


def documents(stage: Path, folder: str) -> dict[str, dict]:
    return {r["id"]: r for path in sorted((stage / folder).rglob("*.parquet")) for r in pq.read_table(path).to_pylist()}


def all_ids(stage: Path) -> list[str]:
    return sorted(i for folder in ("output", "removed") for path in sorted((stage / folder).rglob("*.parquet"))
                  for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())


def test_near_duplicates_collapse_within_a_language_only(tmp_path, capsys):
    run, config = write_run(tmp_path)
    assert main(["run", str(config)]) == 0
    kept, removed = documents(run / "dedup", "output"), documents(run / "dedup", "removed")
    assert all_ids(run / "dedup") == sorted(r["id"] for r in rows())  # each document once
    survivors = [doc_id for doc_id in HOSTS if doc_id in kept]
    assert len(survivors) == 1 and sorted(removed) == sorted(set(HOSTS) - set(survivors))
    survivor = survivors[0]
    for doc in removed.values():
        assert (doc["removed_by"], doc["duplicate_of"], doc["minhash_cluster_size"]) == ("dedup", survivor, 3)
    assert kept[survivor]["minhash_cluster_size"] == 3
    # exact and near-duplicates under other labels stay, each in its language's partition
    assert {"twin-eng", "twin-sco", "near-sco", "short"} <= set(kept)
    assert all(kept[i]["minhash_cluster_size"] == 1 for i in ("twin-eng", "twin-sco", "near-sco", "other-0"))
    assert sorted(p.name for p in (run / "dedup" / "output").iterdir()) == ["eng_Latn", "sco_Latn"]

    capsys.readouterr()
    gone = sorted(removed)[0]
    assert main(["why", str(run), gone]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["removed by stage dedup: dedup", f"  near-duplicate of {survivor} (cluster of 3)"]
    assert main(["why", str(run), survivor]) == 0
    assert "  kept for its cluster of 3 near-duplicates" in capsys.readouterr().out.splitlines()

    assert main(["report", str(run)]) == 0
    section = json.loads((run / "report.json").read_text())["sections"]["dedup"]
    assert (section["clusters"], section["removed"], section["cluster_sizes"]) == (1, 2, {"3-4": 1})
    by_label = {r["label"]: r for r in section["languages"]}
    assert by_label["eng_Latn"] == {"label": "eng_Latn", "docs": 9, "clusters": 1, "removed": 2, "sizes": {"3-4": 1}}
    assert by_label["sco_Latn"] == {"label": "sco_Latn", "docs": 2, "clusters": 0, "removed": 0, "sizes": {}}
    page = (run / "report.html").read_text()
    assert "<h2>Near-duplicates (dedup)</h2>" in page and "1 clusters of near-duplicates; 2 documents removed" in page
    assert ('<tr><td>eng_Latn</td><td class="n">9</td><td class="n">1</td><td class="n">2</td>'
            '<td class="n">3-4: 1</td></tr>') in page


def test_cluster_size_bins():
    assert [size_bin(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == ["2", "3-4", "3-4", "5-8", "5-8", "9-16", "513-1024"]


#: run the CLI with datatrove's output files stopping after the clustering phase's first write:
#: flushed, a marker file says so, and the process waits to be killed
KILLED_IN_CLUSTERING = """
import sys, time
from pathlib import Path
from datatrove.io import OutputFileManager
from clearweb.filters.dedup.clusters import CleanCluster

write = OutputFileManager.write
def stuck(self, filename, data):
    write(self, filename, data)
    self.get_file(filename).flush()
    Path(sys.argv[2]).touch()
    time.sleep(600)
OutputFileManager.write = stuck
from clearweb.pipeline.cli import main
main(["run", sys.argv[1]])
"""


def test_kill_during_clustering_then_rerun(tmp_path):
    run, config = write_run(tmp_path)
    marker = tmp_path / "in_clustering"
    process = subprocess.Popen([sys.executable, "-c", KILLED_IN_CLUSTERING, str(config), str(marker)],
                               env=os.environ | {"HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the run never reached the clustering"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    work = run / "dedup" / "minhash"
    assert len(list((work / "buckets" / "logs" / "completions").iterdir())) == 14  # killed after the buckets
    assert not (work / "cluster_logs" / "completions").exists()
    assert any((work / "clusters").iterdir())  # the killed attempt's partial files
    assert main(["run", str(config)]) == 0
    assert all_ids(run / "dedup") == sorted(r["id"] for r in rows())
    assert len([i for i in HOSTS if i in documents(run / "dedup", "output")]) == 1


def test_without_a_language_stage_all_documents_share_one_pool(tmp_path):
    """No labels: one pool, plain (unpartitioned) output; 32-bit SHA-1 hashes as configured."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    pq.write_table(pa.Table.from_pylist([{"id": doc_id, "text": text, "url": url}
                                         for doc_id, (url, text) in HOSTS.items()]), inputs / "a.parquet")
    config = tmp_path / "run.yaml"
    config.write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{inputs}/*.parquet"}}]}}
  dedup: {{precision: 32, hash_function: sha1}}
""")
    assert main(["run", str(config)]) == 0
    kept = documents(tmp_path / "run" / "dedup", "output")
    assert len(kept) == 1 and next(iter(kept.values()))["minhash_cluster_size"] == 3
    assert [p.name for p in (tmp_path / "run" / "dedup" / "output").iterdir()] == ["00000.parquet"]
