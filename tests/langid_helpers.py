"""A tiny fastText language-id model over synthetic text, GlotLID-style labels (written directly:
the one fastText build clearweb depends on predicts, it does not train)."""

from __future__ import annotations

import itertools
import random
import string
from pathlib import Path

from tests.fasttext_model import write_model


def synthetic_labels(n: int) -> list[str]:
    return [f"{''.join(c)}_Latn" for c in itertools.islice(itertools.product(string.ascii_lowercase, repeat=3), n)]


def synthetic_vocabularies(labels: list[str], seed: int = 0) -> dict[str, list[str]]:
    rng = random.Random(seed)
    return {label: ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 8))) for _ in range(6)]
            for label in labels}


def synthetic_text(words: list[str], rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choices(words, k=n))


def write_tiny_model(folder: Path, labels: list[str], vocabularies: dict[str, list[str]], sharpness: float = 12.0,
                     seed: int = 0) -> Path:
    """A fastText model over ``labels`` written directly (``tests/fasttext_model.py``); a larger
    ``sharpness`` makes it surer of its labels."""
    return write_model(folder / "tiny_lid.bin", {label: vocabularies[label] for label in labels}, sharpness=sharpness,
                       seed=seed)
