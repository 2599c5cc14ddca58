"""``clearweb toxicity train-head``: fit one language's MLP head on the frozen encoder.

Lets users add languages the published heads do not cover. Input: a CSV with ``text``, ``label``
(1/toxic or 0/non-toxic) and ``language`` (``xxx_Scrp``) columns; rows of other languages are
ignored. Each text is embedded once (mean-pooled first chunk, as documents are scored), 10% are
held out, and the head of the epoch with the best held-out accuracy is saved (Apertus trained its
heads for 6 epochs and kept the best checkpoint the same way).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from clearweb.filters.toxicity.apertus import ApertusToxicityScorer, make_head

_TRUE = {"1", "toxic", "true", "yes"}
_FALSE = {"0", "non-toxic", "nontoxic", "false", "no", "clean"}


class TrainingDataError(ValueError):
    pass


def read_examples(path: Path, language: str) -> list[tuple[str, int]]:
    examples = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "label", "language"} - set(reader.fieldnames or [])
        if missing:
            raise TrainingDataError(f"{path}: missing column(s) {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            if row["language"] != language:
                continue
            value = row["label"].strip().lower()
            if value not in _TRUE | _FALSE:
                raise TrainingDataError(f"{path}:{line}: label {row['label']!r} is neither toxic nor non-toxic")
            examples.append((row["text"], int(value in _TRUE)))
    if len({label for _, label in examples}) < 2 or len(examples) < 4:
        raise TrainingDataError(f"{path}: need toxic and non-toxic examples for {language}, found {len(examples)} rows")
    return examples


def train_head(encoder: str, data: Path, language: str, out: Path, epochs: int = 6, lr: float = 1e-3,
               batch_size: int = 32, seed: int = 0) -> dict[str, float]:
    import torch

    examples = read_examples(data, language)
    random.Random(seed).shuffle(examples)
    scorer = ApertusToxicityScorer(encoder, heads_dir=str(out.parent), batch_size=batch_size)
    vectors = scorer.embed([chunks[0] for chunks in scorer.chunks_batch([text for text, _ in examples])]).cpu()
    labels = torch.tensor([label for _, label in examples])
    held = max(1, len(examples) // 10)
    train_x, train_y, val_x, val_y = vectors[held:], labels[held:], vectors[:held], labels[:held]

    torch.manual_seed(seed)
    head = make_head(vectors.shape[1])
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr)
    best_accuracy, best_state = -1.0, None
    for _ in range(epochs):
        head.train()
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            loss = torch.nn.functional.cross_entropy(head(train_x[rows]), train_y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        head.eval()
        with torch.no_grad():
            accuracy = float((head(val_x).argmax(dim=-1) == val_y).float().mean())
        if accuracy > best_accuracy:
            best_accuracy, best_state = accuracy, {k: v.clone() for k, v in head.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(best_state, out)
    return {"train": float(len(train_x)), "validation": float(held), "accuracy": best_accuracy}
