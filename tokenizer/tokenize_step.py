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
  its path: identical runs in different folders write identical files. It shuffles the task's
  documents itself (datatrove's permutation, same seed, same file) so that it knows the order,
  and writes the shard's document map (``tokenizer/docmap.py``) beside it;
- ``MergerWithDocumentMaps`` is datatrove's merger that also writes a map per merged shard;
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
from datatrove.pipeline.tokens.merger import DocumentTokenizerMerger
from datatrove.pipeline.tokens.tokenizer import DocumentTokenizer, get_output_filename

from clearweb.pipeline.core.bounded_stats import report_top
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.docmap import COPY_OF, ids_path, read_ids, write_ids
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
                                                          metadata={**document.metadata, COPY_OF: document.id})


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
        """datatrove's ``run`` for document shuffling (the only shuffle we use), keeping the order:
        tokenize into ``<rank>_unshuffled.ds``, permute with the step's generator, write the map."""
        if self.shuffle_chunk_size is not None or self.max_tokens_per_file is not None:
            raise ValueError("ShardTokenizer shuffles whole documents into one file per task")
        self._rank = rank
        # named by content in the shard metadata; hashed here, when the task runs (a Slurm job is
        # built before the tokenizer it will use exists)
        self.tokenizer_name_or_path = f"sha256:{hash_path(Path(self.tokenizer_path))}"
        self._ids: list[str] = []
        written = self.write_unshuffled(data, get_output_filename(self.save_filename, rank, "unshuffled"))
        ids = self._ids
        if self.shuffle_documents and len(written):
            ordering = self.rand.permutation(len(written.doc_ends))
            shuffled = written.copy(self.save_filename, ordering, self.output_folder, rank=rank,
                                    sub_filename="doc_shuffled", save_index=self.save_index)
            written.cleanup()
            written, ids = shuffled, [ids[index] for index in ordering]
        write_ids(ids_path(Path(self.output_folder.path) / written.filename), ids)

    def write_unshuffled(self, data: DocumentsPipeline, filename: str):
        labels: list[str] = []

        def remember(documents):
            for document in documents:
                labels.append(label_of(document))
                self._ids.append(document.metadata.get(COPY_OF, document.id))
                yield document

        written = super().write_unshuffled(remember(data), filename)
        tokens = Counter()
        for label, count in zip(labels, np.diff([0, *written.doc_ends]), strict=True):
            tokens[label] += int(count)
        report_top(self, "tokens", tokens, TOP_LABELS_IN_STATS)
        if self.counts_dir:
            write_task_file(self.counts_dir, self._rank, ".json", json.dumps(dict(sorted(tokens.items())), indent=0))
        return written


class MergerWithDocumentMaps(DocumentTokenizerMerger):
    """datatrove's merger, plus the document map of each merged shard: the maps of the task shards
    read in the merger's own ordering, cut where each merged shard's index ends."""

    def get_ordering(self, all_doc_ends):
        self._ordering = super().get_ordering(all_doc_ends)
        return self._ordering

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        super().run(data, rank, world_size)
        inputs = [iter(read_ids(ids_path(self.input_folder.resolve_paths(name))))
                  for name in self.input_folder.list_files(glob_pattern="*.ds")]
        merged = [next(inputs[index]) for index in self._ordering]
        start = 0
        # the merger numbers its files 000, 001, ... 999, 1000: in that order, not the listing's
        outputs = sorted(self.output_folder.list_files(glob_pattern=f"*_{self.save_filename}.ds"),
                         key=lambda name: int(name.split("_", 1)[0]))
        for name in outputs:
            path = Path(self.output_folder.resolve_paths(name))
            count = Path(f"{path}.index").stat().st_size // 8  # uint64 document ends
            write_ids(ids_path(path), merged[start:start + count])
            start += count
        if start != len(merged):
            raise ValueError(f"{self.output_folder.path}: the merged shards hold {start} documents, the merge "
                             f"ordered {len(merged)}")


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
