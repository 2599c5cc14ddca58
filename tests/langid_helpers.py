"""A tiny fastText language-id model trained during the test on synthetic text, GlotLID-style labels.

Training runs in a fresh Python process: in fasttext-numpy2-wheel 0.9.2, once any fastText model
has been freed in a process (here: the lid.176 model of an earlier test), later training in that
process fails with "Encountered NaN". Predicting is not affected.
"""

from __future__ import annotations

import itertools
import random
import string
import subprocess
import sys
from pathlib import Path


def synthetic_labels(n: int) -> list[str]:
    return [f"{''.join(c)}_Latn" for c in itertools.islice(itertools.product(string.ascii_lowercase, repeat=3), n)]


def synthetic_vocabularies(labels: list[str], seed: int = 0) -> dict[str, list[str]]:
    rng = random.Random(seed)
    return {label: ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 8))) for _ in range(6)]
            for label in labels}


def synthetic_text(words: list[str], rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choices(words, k=n))


def _train(training: str, output: str, epoch: int = 20) -> None:
    import fasttext

    model = fasttext.train_supervised(training, dim=16, epoch=epoch, lr=0.3, wordNgrams=2, minCount=1, loss="hs",
                                      verbose=0, thread=1, bucket=20000, seed=1)
    model.save_model(output)


def train_tiny_model(folder: Path, labels: list[str], vocabularies: dict[str, list[str]], sentences: int = 8,
                     epoch: int = 20) -> Path:
    """``sentences`` per label, ``epoch`` passes: more of both make a model surer of its labels."""
    rng = random.Random(1)
    training = folder / "train.txt"
    with open(training, "w") as handle:
        for label in labels:
            for _ in range(sentences):
                handle.write(f"__label__{label} {synthetic_text(vocabularies[label], rng)}\n")
    path = folder / "tiny_lid.bin"
    code = f"from tests.langid_helpers import _train; _train({str(training)!r}, {str(path)!r}, {epoch})"
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, check=True, timeout=120)
    return path
