"""Toxicity throughput: the wordlist backend (target >= 5,000 docs/s/core) and the apertus backend
on CPU with a tiny random XLM-RoBERTa (report only; on a GPU, the real encoder's number belongs here).

Wordlist: the ToxicityFilter step with the shipped seed lists over demo-corpus documents in 20
languages, against a no-op filter over the same documents in the same run.
Apertus: the same step with a 2-layer, hidden-32 random XLM-R and random heads, batch 32.

    python benchmarks/bench_toxicity.py [--docs 20000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from common import docs_per_second, rounds_summary
from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter

from clearweb.filters.toxicity.step import ToxicityFilter
from clearweb.filters.toxicity.wordlist import WordlistScorer
from clearweb.pipeline.demo.corpus import LANGUAGES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class NoOpFilter(BaseFilter):
    name = "no-op"

    def filter(self, doc: Document) -> bool:
        return True


def make_documents(n: int) -> list[tuple[str, str]]:
    rng = random.Random(0)
    items = list(LANGUAGES.items())
    out = []
    for i in range(n):
        label, bank = rng.choice(items)
        sentences = rng.choices([s for topic in bank.topics for s in topic.sentences], k=rng.randint(4, 10))
        if i % 20 == 0:
            sentences.append(rng.choice(bank.toxic_sentences))
        out.append((label, " ".join(sentences)))
    return out


def rate(step: BaseFilter, items: list[tuple[str, str]]) -> float:
    docs = [Document(text=text, id=str(i), metadata={"language": label.split("_")[0],
                                                      "language_script": label.split("_")[1]})
            for i, (label, text) in enumerate(items)]
    return docs_per_second(step.run, docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--apertus-docs", type=int, default=500)
    args = parser.parse_args()
    items = make_documents(args.docs)
    ours, noop = [], []
    for _ in range(args.rounds):
        ours.append(rate(ToxicityFilter(WordlistScorer(), {}, 10.0), items))
        noop.append(rate(NoOpFilter(), items))
    print(f"wordlist toxicity (seed lists, 20 languages): {rounds_summary(ours)}; "
          f"no-op filter {rounds_summary(noop)}; target >= 5,000")

    import torch

    from clearweb.filters.toxicity.apertus import ApertusToxicityScorer
    from tests.toxicity_helpers import build_tiny_encoder, save_random_head

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_tiny_encoder(Path(tmp))
        for label in LANGUAGES:
            save_random_head(folder / "heads" / f"{label}.pt")
        scorer = ApertusToxicityScorer(str(folder), str(folder / "heads"), batch_size=32, device="cpu")
        step = ToxicityFilter(scorer, {label: 0.99 for label in LANGUAGES}, batch_size=32)
        apertus = rate(step, items[:args.apertus_docs])
    print(f"apertus toxicity, tiny random XLM-R (2 layers, hidden 32), CPU, 1 thread, batch 32: "
          f"{apertus:,.0f} docs/s/core (report only; no GPU in this run)")


if __name__ == "__main__":
    main()
