"""Tokenizer benchmarks.

(a) ``train``: train the byte-level BPE to exactly 131,072 entries on a generated corpus (Zipf-
distributed words built from syllables in six scripts, streamed, never held in memory); report
wall time, corpus size and peak memory (max RSS of this process).
(b) ``tokenize``: the tokenize stage's ShardTokenizer (datatrove DocumentTokenizer: uint32 .ds
files, index, shuffling) against raw ``tokenizers`` ``encode_batch`` over the same texts in the same
run, in MB of UTF-8 text per second per core (both single-threaded), with an 8,000-entry BPE
trained here or with Apertus's tekken (131,072 entries, ``--tokenizer tekken``, from
mistral-common). Target >= 0.8x.

    python benchmarks/bench_tokenizer.py train [--mb 200]
    python benchmarks/bench_tokenizer.py tokenize [--docs 20000] [--tokenizer trained|tekken]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # one core for tokenizers' thread pool, before import

import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import docs_per_second  # noqa: E402
from datatrove.data import Document  # noqa: E402

from clearweb.pipeline.demo.corpus import LANGUAGES  # noqa: E402
from clearweb.tokenizer.bpe import train_bpe  # noqa: E402
from clearweb.tokenizer.tekken import build_tekken  # noqa: E402
from clearweb.tokenizer.tokenize_step import ShardTokenizer  # noqa: E402

SYLLABLES = {
    "latin": [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiouy"],
    "cyrillic": [c + v for c in "бвгдзклмнпрстфхц" for v in "аеиоуяю"],
    "greek": [c + v for c in "βγδζθκλμνπρστφχ" for v in "αεηιουω"],
    "devanagari": [c + v for c in "कखगघचजटडतदनपबमयरलवसह" for v in ["", "ा", "ि", "ी", "ु", "े", "ो"]],
    "hangul": [chr(0xAC00 + i) for i in range(0, 11172, 37)],
    "han": [chr(0x4E00 + i) for i in range(0, 20000, 23)],
}


def generated_corpus(megabytes: int, seed: int = 0):
    """Lines of Zipf-distributed words (600,000 distinct) until ``megabytes`` of UTF-8 are produced."""
    rng = random.Random(seed)
    words = []
    for index in range(600_000):
        syllables = SYLLABLES[list(SYLLABLES)[index % len(SYLLABLES)]]
        words.append("".join(rng.choices(syllables, k=rng.randint(2, 5))))
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]
    produced, budget = 0, megabytes * 1_000_000
    while produced < budget:
        line = " ".join(rng.choices(words, weights=weights, k=2000))
        produced += len(line.encode("utf-8"))
        yield line


def bench_train(megabytes: int) -> None:
    started = time.perf_counter()
    tokenizer = train_bpe(generated_corpus(megabytes), vocab_size=131_072)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"trained {tokenizer.get_vocab_size():,} entries (target exactly 131,072) on {megabytes} MB of generated "
          f"text in {elapsed:.0f}s; peak RSS {peak:.0f} MiB")


def stage_mb_per_second(folder: Path, tokenizer_path: Path, texts: list[str], megabytes: float) -> float:
    step = ShardTokenizer(str(folder), str(tokenizer_path), batch_size=10_000, seed=0)
    step.tokenizer.encode("warm up")  # load outside the timing, as the raw tokenizer is
    docs = [Document(text=t, id=str(i), metadata={}) for i, t in enumerate(texts)]
    return docs_per_second(lambda data: step.run(data, 0, 1) or (), docs) * megabytes / len(texts)


def bench_tokenize(n_docs: int, rounds: int, which: str) -> None:
    rng = random.Random(1)
    sentences = [s for bank in LANGUAGES.values() for topic in bank.topics for s in topic.sentences]
    texts = [" ".join(rng.choices(sentences, k=rng.randint(4, 12))) for _ in range(n_docs)]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = build_tekken() if which == "tekken" else train_bpe(iter(sentences * 4), vocab_size=8_000)
        path = Path(tmp) / "tokenizer.json"
        tokenizer.save(str(path))
        print(f"tokenizer: {which}, {tokenizer.get_vocab_size():,} entries")
        ours, raw = [], []
        for index in range(rounds):
            ours.append(stage_mb_per_second(Path(tmp) / f"out{index}", path, texts, megabytes))
            started = time.perf_counter()
            for start in range(0, len(texts), 10_000):
                tokenizer.encode_batch(texts[start:start + 10_000])
            raw.append(megabytes / (time.perf_counter() - started))
    print(f"tokenize stage (uint32 .ds + index + shuffle): median {statistics.median(ours):.2f} MB/s/core "
          f"(rounds {', '.join(f'{r:.2f}' for r in ours)})")
    print(f"raw tokenizers encode_batch:                  median {statistics.median(raw):.2f} MB/s/core")
    print(f"ratio = {statistics.median(ours) / statistics.median(raw):.3f}  (target >= 0.8); {megabytes:.1f} MB per round")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    train = sub.add_parser("train")
    train.add_argument("--mb", type=int, default=200)
    tokenize = sub.add_parser("tokenize")
    tokenize.add_argument("--docs", type=int, default=20_000)
    tokenize.add_argument("--rounds", type=int, default=3)
    tokenize.add_argument("--tokenizer", choices=["trained", "tekken"], default="trained")
    args = parser.parse_args()
    if args.what == "train":
        bench_train(args.mb)
    else:
        bench_tokenize(args.docs, args.rounds, args.tokenizer)


if __name__ == "__main__":
    main()
