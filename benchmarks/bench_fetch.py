"""Fetch + extract throughput: our stage against a plain datatrove pipeline, same files, same run.

Baseline: datatrove ``WarcReader`` -> ``Trafilatura(favour_precision=True)``, the FineWeb set-up.
Ours: ``ShardReader`` (HTTP headers, truncation checks, provenance) -> ``HtmlExtractor`` (signals +
trafilatura on one parse). Both run as one task in this process, without writers, over the demo
shards replicated ``--copies`` times; the two pipelines alternate for ``--rounds`` rounds and the
median docs/s of each is reported with their ratio, so machine noise hits both alike.

    python benchmarks/bench_fetch.py [--copies 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.readers import WarcReader

from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.extract import HtmlExtractor
from clearweb.pipeline.fetch import ShardReader
from clearweb.pipeline.sources import Shard


def make_shards(folder: Path, copies: int) -> list[Path]:
    crawl = write_crawl(folder / "site")
    shards = []
    for copy in range(copies):
        for relative in crawl.shard_paths:
            target = folder / "shards" / f"{copy:02d}-{Path(relative).name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(crawl.root / relative, target)
            shards.append(target)
    return shards


def plain_datatrove(shards: list[Path]) -> int:
    reader = WarcReader(str(shards[0].parent), glob_pattern="*.warc.gz")
    extractor = Trafilatura(favour_precision=True, timeout=5)
    return sum(1 for _ in extractor(reader(None, 0, 1), 0, 1))


def clearweb_stage(shards: list[Path]) -> int:
    reader = ShardReader([Shard(str(p), "warc", True) for p in shards], HttpFetcher(shards[0].parent / "cache"))
    extractor = HtmlExtractor(favour_precision=True, timeout_s=5)
    return sum(1 for _ in extractor(reader(None, 0, 1), 0, 1))


def timed(pipeline: Callable[[list[Path]], int], shards: list[Path]) -> tuple[int, float]:
    started = time.perf_counter()
    docs = pipeline(shards)
    return docs, docs / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="times the demo shards are replicated")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shards = make_shards(Path(tmp), args.copies)
        timed(plain_datatrove, shards[:1])  # warm-up: imports, trafilatura caches
        timed(clearweb_stage, shards[:1])
        rates: dict[str, list[float]] = {"plain datatrove": [], "clearweb fetch": []}
        counts: dict[str, int] = {}
        for _ in range(args.rounds):
            for name, pipeline in (("plain datatrove", plain_datatrove), ("clearweb fetch", clearweb_stage)):
                counts[name], rate = timed(pipeline, shards)
                rates[name].append(rate)
    base = statistics.median(rates["plain datatrove"])
    ours = statistics.median(rates["clearweb fetch"])
    for name, values in rates.items():
        print(f"{name:16s} docs={counts[name]:5d}  median {statistics.median(values):7.1f} docs/s/core  "
              f"(rounds: {', '.join(f'{v:.1f}' for v in values)})")
    print(f"ratio clearweb/plain = {ours / base:.3f}  (target >= 0.9)")


if __name__ == "__main__":
    main()
