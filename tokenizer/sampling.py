"""Language-balanced, streamed training text from the language-partitioned output.

With raw proportions the tokenizer would spend its merges on the few largest languages. Each
language ``l`` with ``n_l`` bytes gets a share ``p_l ∝ (n_l / N) ** (1 / tau)`` of a byte budget
(tau = 1 keeps proportions, larger tau flattens them towards uniform); a language with less text
than its share contributes all of it and the rest of the budget is shared among the others. Sizes
come from the Parquet metadata (no text is read to plan), and texts are streamed batch by batch,
so the corpus is never held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq


def language_sizes(folder: Path) -> dict[str, int]:
    """Uncompressed bytes of the ``text`` column per partition (``<label>/`` subfolders, else all)."""
    sizes: dict[str, int] = {}
    for path in sorted(folder.rglob("*.parquet")):
        label = path.parent.name if path.parent != folder else "all"
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.to_arrow_schema().get_field_index("text")
        sizes[label] = sizes.get(label, 0) + sum(
            metadata.row_group(i).column(column).total_uncompressed_size for i in range(metadata.num_row_groups))
    return sizes


def temperature_budgets(sizes: dict[str, int], tau: float, byte_budget: int) -> dict[str, int]:
    """Bytes to take per language: temperature shares of the budget, capped by what exists."""
    total = sum(sizes.values())
    if total == 0:
        return {}
    weights = {label: (size / total) ** (1.0 / tau) for label, size in sizes.items() if size}
    budgets: dict[str, int] = {}
    remaining, open_labels = min(byte_budget, total), set(weights)
    while open_labels and remaining > 0:
        norm = sum(weights[label] for label in open_labels)
        shares = {label: remaining * weights[label] / norm for label in open_labels}
        capped = {label for label in open_labels if shares[label] >= sizes[label] - budgets.get(label, 0)}
        if not capped:
            for label in open_labels:
                budgets[label] = budgets.get(label, 0) + int(shares[label])
            break
        for label in capped:
            give = sizes[label] - budgets.get(label, 0)
            budgets[label] = sizes[label]
            remaining -= give
        open_labels -= capped
    return budgets


def stream_texts(folder: Path, budgets: dict[str, int], batch_size: int = 1024) -> Iterator[str]:
    """Texts of each language up to its byte budget, read in batches."""
    for label, budget in sorted(budgets.items()):
        files = sorted((folder / label).glob("*.parquet")) if label != "all" else sorted(folder.glob("*.parquet"))
        taken = 0
        for path in files:
            if taken >= budget:
                break
            for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=["text"]):
                for text in batch.column(0).to_pylist():
                    if taken >= budget:
                        break
                    taken += len(text.encode("utf-8"))
                    yield text
                if taken >= budget:
                    break
