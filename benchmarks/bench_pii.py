"""PII throughput against datatrove's PIIFormatter, same documents, same run.

Ours: the PIIAnonymizer step (e-mails, IPv4 and IPv6, IBANs with check digits, Luhn-checked cards,
international phone numbers). Baseline: datatrove's PIIFormatter (e-mails and public IPv4 only).
Documents are demo-corpus text in 20 languages, 4-10 sentences each, one in five carrying PII.
Target: >= 0.5x the baseline's docs/s/core.

``--dense``: the cost of anonymizing 1 MB of number-dense text (the inputs of issue 23: "+1 234 "
tokens, real phone numbers, "+49 " and digits, "1.1.1.1.", real IPs, card-like groups), in ms per
100 KB (the bound is 50), beside prose in the same run.

    python benchmarks/bench_pii.py [--docs 20000] [--rounds 3]
    python benchmarks/bench_pii.py --dense
"""

from __future__ import annotations

import argparse
import random
import time

from common import docs_per_second, ratio, rounds_summary
from datatrove.data import Document
from datatrove.pipeline.formatters import PIIFormatter

from clearweb.filters.pii.detect import anonymize_counting
from clearweb.filters.pii.step import PIIAnonymizer
from clearweb.pipeline.demo.corpus import LANGUAGES
from clearweb.pipeline.demo.site import iban

PII = ["Write to team{n}@example-news.org for details.", "Our mirror is at 81.2.{a}.{b} today.",
       "Donations: {iban}.", "Call +44 20 7946 {n:04d} after nine.", "Card 4111 1111 1111 1111 was charged.",
       "IPv6 gateway 2a00:1450:4001:81c::{n:x}."]


def make_documents(n: int) -> list[str]:
    rng = random.Random(0)
    banks = list(LANGUAGES.values())
    texts = []
    for i in range(n):
        bank = rng.choice(banks)
        sentences = rng.choices([s for topic in bank.topics for s in topic.sentences], k=rng.randint(4, 10))
        if i % 5 == 0:
            sentences.insert(rng.randrange(len(sentences)), rng.choice(PII).format(
                n=i, a=rng.randint(1, 254), b=rng.randint(1, 254), iban=iban("DE", rng)))
        texts.append(" ".join(sentences))
    return texts


def rate(step, texts: list[str]) -> float:
    return docs_per_second(step.run, [Document(text=t, id=str(i), metadata={}) for i, t in enumerate(texts)])


def megabyte(make) -> str:
    rng, parts, size = random.Random(0), [], 0
    while size < 1_000_000:
        parts.append(make(rng))
        size += len(parts[-1])
    return "".join(parts)[:1_000_000]


DENSE = {
    "prose (demo sentences)": lambda: megabyte(lambda rng: " ".join(make_documents(50)) + " "),
    '"+1 234 " tokens': lambda: megabyte(lambda rng: "+1 234 "),
    "real phone numbers": lambda: megabyte(lambda rng: f"+44 20 7946 {rng.randrange(10_000):04d}, "),
    '"+49 " and digits': lambda: megabyte(lambda rng: f"+49 {rng.randrange(10 ** 8)} "),
    '"1.1.1.1."': lambda: megabyte(lambda rng: "1.1.1.1."),
    "real IPs": lambda: megabyte(lambda rng: f"{rng.randint(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}."
                                             f"{rng.randint(1, 254)} "),
    "card-like groups": lambda: megabyte(lambda rng: f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} "),
}


def bench_dense() -> None:
    anonymize_counting("warm up +44 20 7946 0123 81.2.69.160")
    for name, make in DENSE.items():
        text = make()
        started = time.perf_counter()
        _, counts, unchecked = anonymize_counting(text)
        elapsed = time.perf_counter() - started
        print(f"{name:24s} {elapsed * 1000 / 10:6.1f} ms per 100 KB  replaced {sum(counts.values()):>7,} "
              f"({unchecked:,} unchecked)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dense", action="store_true", help="ms per 100 KB of number-dense text")
    args = parser.parse_args()
    if args.dense:
        bench_dense()
        return
    texts = make_documents(args.docs)
    rate(PIIAnonymizer(), texts[:200])  # build recognizers outside the timing
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(rate(PIIAnonymizer(), texts))
        theirs.append(rate(PIIFormatter(), texts))
    print(f"clearweb PII (5 entities): {rounds_summary(ours)}")
    print(f"datatrove PIIFormatter (2 entities): {rounds_summary(theirs)}")
    print(f"ratio = {ratio(ours, theirs):.3f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
