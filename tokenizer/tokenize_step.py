"""The tokenize stage's steps: language mixture, then datatrove's DocumentTokenizer.

- ``LanguageMixture`` up- or down-samples languages by weight (2.0 repeats every document twice,
  0.5 keeps half, chosen by a hash of the document id so re-runs agree), times the rehydration
  weight of the document's near-duplicate cluster when one is given (FineWeb-2's "rehydration":
  the dedup stage keeps one document per cluster and records ``minhash_cluster_size``, and
  repeating documents of mid-sized clusters helped models of high-resource languages);
- ``ShardTokenizer`` is datatrove's DocumentTokenizer with uint32 tokens always (the model reads
  uint32; datatrove would pick uint16 for vocabularies under 65,536), BOS and EOS from the
  tokenizer's own post-processor (datatrove's ``eos_token`` would drop BOS, its issue #345), and
  token counts per language in the stats (top 50, the rest in one bucket) and in ``tokens/<rank>.json``.
  Its ``.ds.metadata`` names the tokenizer by content (``sha256:<hex>``) where datatrove writes
  its path: identical runs in different folders write identical files;
- ``TokenizerBesideShards`` copies tokenizer.json into the output after the merge, so the shards
  say which ids they hold wherever they are copied (the trainer checks the model's vocabulary
  against it).
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from functools import cached_property
from pathlib import Path

import numpy as np
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.tokens.tokenizer import DocumentTokenizer

from clearweb.pipeline.core.bounded_stats import report_top
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.hashing import hash_path, stable_fraction
from clearweb.pipeline.core.task_files import write_task_file

TOP_LABELS_IN_STATS = 50


def label_of(document: Document) -> str:
    return language_label(document.metadata) or "und"


class LanguageMixture(PipelineStep):
    type = "🔢 - TOKENIZER"
    name = "⚖ Language mixture"
    stats_key = "language_mixture"
    documents_out_stat = "copies"

    def __init__(self, weights: dict[str, float], rehydration: dict[int, float] | None = None):
        """``rehydration``: smallest cluster size -> weight, for that size up to the next key
        (sizes below the smallest key, and documents without a cluster size, weigh 1)."""
        super().__init__()
        self.weights = dict(weights)
        self.rehydration = sorted((rehydration or {}).items())

    def cluster_weight(self, document: Document) -> float:
        size = document.metadata.get("minhash_cluster_size") or 1
        weight = 1.0
        for smallest, value in self.rehydration:
            if size >= smallest:
                weight = value
        return weight

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for document in data:
            weight = self.weights.get(label_of(document), 1.0) * self.cluster_weight(document)
            whole, fraction = math.floor(weight), weight - math.floor(weight)
            copies = whole + (1 if stable_fraction(document.id) < fraction else 0)
            self.stat_update("copies", value=copies)
            for copy in range(copies):
                yield document if copy == 0 else Document(text=document.text, id=f"{document.id}#{copy}",
                                                          metadata=dict(document.metadata))


class ShardTokenizer(DocumentTokenizer):
    name = "✍ Tokenizer (uint32, BOS+EOS)"
    stats_key = "shard_tokenizer"
    tokens_stat = "tokens"
    token_size = 4  # shadows datatrove's vocabulary-based choice

    def __init__(self, output_folder: str, tokenizer_path: str, counts_dir: str | None = None, **kwargs):
        super().__init__(output_folder, tokenizer_name_or_path=tokenizer_path, eos_token=None, **kwargs)
        self.tokenizer_path = tokenizer_path
        self.counts_dir = counts_dir

    @cached_property
    def tokenizer(self):
        from clearweb.tokenizer.bpe import load_tokenizer

        return load_tokenizer(self.tokenizer_path)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self._rank = rank
        # named by content in the shard metadata; hashed here, when the task runs (a Slurm job is
        # built before the tokenizer it will use exists)
        self.tokenizer_name_or_path = f"sha256:{hash_path(Path(self.tokenizer_path))}"
        return super().run(data, rank, world_size)

    def write_unshuffled(self, data: DocumentsPipeline, filename: str):
        labels: list[str] = []

        def remember(documents):
            for document in documents:
                labels.append(label_of(document))
                yield document

        written = super().write_unshuffled(remember(data), filename)
        tokens = Counter()
        for label, count in zip(labels, np.diff([0, *written.doc_ends]), strict=True):
            tokens[label] += int(count)
        report_top(self, "tokens", tokens, TOP_LABELS_IN_STATS)
        if self.counts_dir:
            write_task_file(self.counts_dir, self._rank, ".json", json.dumps(dict(sorted(tokens.items())), indent=0))
        return written


class TokenizerBesideShards(PipelineStep):
    """Copies the tokenizer.json that wrote the shards into their folder (after the steps before
    it, the merge, have run)."""

    type = "🔢 - TOKENIZER"
    name = "📎 tokenizer.json beside the shards"
    stats_key = "tokenizer_beside_shards"

    def __init__(self, tokenizer_path: str, output_folder: str):
        super().__init__()
        self.tokenizer_path = tokenizer_path
        self.output_folder = output_folder

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for _ in data or ():
            pass
        target = Path(self.output_folder) / "tokenizer.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(self.tokenizer_path, partial)
        partial.replace(target)
        yield from ()
