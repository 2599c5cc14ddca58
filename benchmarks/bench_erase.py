"""Erasure against re-tokenizing (issue 21), in the same run on the same data.

A run is built with ``--gb`` GB of merged ``.ds`` shards (uint32 tokens; the per-task shards hold as
much again): generated documents (sentences of the demo corpus' 19 languages, 2-5 KB each) read by
the fetch stage from local Parquet files, a BPE of 8,192 entries trained by the run's tokenizer
stage, and the tokenize stage. Then:

1. ``clearweb erase RUN --ids FILE`` for 1% of the documents (a fixed random choice), timed whole
   (every stage's Parquet files and the shards), and the rewriting of the tokenize stage's ``.ds``
   shards alone (``ds_without`` and commit over a copy of them taken before, same ids);
2. the alternative without document maps: the tokenize stage run again from scratch over the
   documents that remain (``RUN/tokenize`` deleted, ``clearweb run --stages tokenize``).

Prints both wall times and the ratios (re-tokenizing / erasing).

    python benchmarks/bench_erase.py [--gb 1.0] [--tasks 2]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clearweb.pipeline.cli import main
from clearweb.pipeline.demo.corpus import LANGUAGES
from clearweb.tokenizer.shard_erasure import ds_without

BYTES_PER_TOKEN = 4.2  # measured for this corpus and its 8,192-entry BPE (4.13): sizes the generated text


def write_documents(folder: Path, gigabytes: float, seed: int = 0) -> int:
    """Parquet files of generated documents holding about ``gigabytes`` GB of tokens once tokenized:
    each document is sentences of one language, 2-5 KB."""
    rng = random.Random(seed)
    by_label = {label: [s for topic in bank.topics for s in topic.sentences] for label, bank in LANGUAGES.items()}
    labels = sorted(by_label)
    budget, produced, part, count = gigabytes * 1e9 / 4 * BYTES_PER_TOKEN, 0, 0, 0
    folder.mkdir(parents=True)
    while produced < budget:
        texts, ids, urls = [], [], []
        while len(texts) < 20_000 and produced < budget:
            sentences, size, text = by_label[rng.choice(labels)], rng.randint(2_000, 5_000), ""
            while len(text.encode()) < size:
                text += rng.choice(sentences) + " "
            texts.append(text)
            ids.append(f"doc-{count}")
            urls.append(f"https://site-{count % 5000}.example/{count}")
            produced += len(text.encode())
            count += 1
        pq.write_table(pa.table({"text": texts, "id": ids, "url": urls}), folder / f"{part:05d}.parquet")
        part += 1
    return count


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    assert main(argv) == 0, argv
    return time.perf_counter() - started


def main_bench() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--tasks", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_erase_") as scratch:
        scratch = Path(scratch)
        documents = write_documents(scratch / "docs", args.gb)
        config = scratch / "run.yaml"
        config.write_text(f"""run_dir: {scratch / 'run'}
executor: {{tasks: {args.tasks}, workers: {args.tasks}}}
stages:
  fetch:
    inputs: [{{path: "{scratch / 'docs'}/*.parquet", format: parquet}}]
  tokenizer: {{vocab_size: 8192, byte_budget: 50000000}}
  tokenize: {{format: ds}}
""")
        first_tokenize = time.perf_counter()
        assert main(["run", str(config)]) == 0
        build = time.perf_counter() - first_tokenize
        run = scratch / "run"
        merged = sum(p.stat().st_size for p in (run / "tokenize" / "output").glob("*.ds"))
        per_task = sum(p.stat().st_size for p in (run / "tokenize" / "tokenized").glob("*.ds"))
        chosen = random.Random(1).sample(range(documents), documents // 100)
        (scratch / "ids.txt").write_text("".join(f"doc-{i}\n" for i in chosen))

        copy = scratch / "shards"
        shutil.copytree(run / "tokenize", copy, ignore=shutil.ignore_patterns("*logs"))
        erased = {f"doc-{i}" for i in chosen}
        started = time.perf_counter()
        for shard in sorted(copy.rglob("*.ds")):
            rewrite = ds_without(shard, erased)
            if rewrite is not None:
                rewrite.commit()
        shards_alone = time.perf_counter() - started
        shutil.rmtree(copy)
        erasing = timed(["erase", str(run), "--ids", str(scratch / "ids.txt"), "--reason", "benchmark"])

        shutil.rmtree(run / "tokenize")
        retokenizing = timed(["run", str(config), "--stages", "tokenize"])
        cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                             capture_output=True, text=True).stdout.strip()
        print(f"\n{documents:,} documents; merged .ds {merged / 1e9:.2f} GB + per-task .ds {per_task / 1e9:.2f} GB; "
              f"{len(chosen):,} erased (1%); {args.tasks} tasks; {cpu}; first run (fetch, tokenizer, tokenize) "
              f"{build:.0f}s")
        print(f"erase (every stage's files): {erasing:.1f}s; the .ds shards alone: {shards_alone:.1f}s")
        print(f"re-tokenize the remaining documents (tokenize stage from scratch): {retokenizing:.1f}s")
        print(f"ratio re-tokenize / erase: {retokenizing / erasing:.1f}x; re-tokenize / erase of the shards alone: "
              f"{retokenizing / shards_alone:.1f}x")


if __name__ == "__main__":
    sys.exit(main_bench())
