"""MinHash signatures that only ever match within one language label.

FineWeb-2 deduplicated every language on its own. Running the four MinHash phases once per
partition folder would make the number of phases depend on the data (unknown when the stage is
planned) and give a small language as many tasks as a big one. Instead one MinHash job covers every
document and the document's ``xxx_Scrp`` label is hashed into each of its shingles: two documents
with different labels share no shingle hash, so their signatures agree no more often than those of
unrelated texts (for 8 hashes of 64 bits, never in practice), while within a label the shingles, and
so the duplicate decisions, are exactly those of a per-language run. The bucket phase then shards
by hash range across all languages together, so one big language does not hold one task.

Words are split with the tokenizer datatrove assigns to the label (as FineWeb-2 did) where it
loads here; otherwise spaCy's multilingual tokenizer, or characters for scripts written without
spaces (``filters/word_tokenizers.py``, shared with the quality stage).

Each task also writes ``ids/<rank>.parquet``: the id and label of every document it read, in read
order. MinHash addresses a document by (task, position); the survivor lookup turns that address
into the kept document's id, and the filter checks it reads the same documents in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.hashing import create_hash_func
from datatrove.utils.text import ngrams, simplify_text
from datatrove.utils.word_tokenizers import WhitespaceTokenizer, WordTokenizer

from clearweb.filters.word_tokenizers import dedup_tokenizer
from clearweb.pipeline.core.contract import language_label

#: the label of documents that reach dedup without one (no language stage ran): one shared pool
NO_LABEL = "und"
#: columns of the per-task ids file
IDS_SCHEMA = pa.schema([("id", pa.string()), ("label", pa.string())])
#: documents too short for one shingle: never anyone's duplicate
TOO_SHORT = "too_short"


def ids_file(folder: str | Path, rank: int) -> Path:
    return Path(folder) / f"{rank:05d}.parquet"


def read_ids(folder: str | Path, rank: int) -> pa.Table:
    """The ids and labels a signature task read, in its read order (empty if it read none)."""
    path = ids_file(folder, rank)
    return pq.read_table(path) if path.is_file() else IDS_SCHEMA.empty_table()


class LanguageSignature(MinhashDedupSignature):
    """datatrove's signature step with the document's language label folded into every shingle."""

    name = "🎯 MinHash signatures per language"
    stats_key = "dedup_signature"

    def __init__(self, output_folder: str, ids_folder: str, config: MinhashConfig):
        super().__init__(output_folder, config, language=WhitespaceTokenizer())
        self.ids_folder = ids_folder
        self._label = NO_LABEL
        self._tokenizers: dict[str, WordTokenizer] = {}
        # shingles are hashed as UTF-8 bytes: xxhash 4 refuses str, which datatrove's own step passes
        self._hash_bytes = create_hash_func(self.config.hash_config, bytes)

    def tokenizer_for(self, label: str) -> WordTokenizer:
        if label not in self._tokenizers:
            self._tokenizers[label] = dedup_tokenizer(None if label == NO_LABEL else label)
        return self._tokenizers[label]

    def get_shingles(self, text: str) -> np.ndarray:
        words = self.tokenizer_for(self._label).word_tokenize(simplify_text(text, self.config.norm_config))
        shingles = [self._hash_bytes(f"{self._label}\x1f{' '.join(gram)}".encode())
                    for gram in ngrams(words, self.config.n_grams)]
        if not shingles:
            self.stat_update(TOO_SHORT)
        return np.fromiter(shingles, dtype=np.uint64).reshape((-1, 1))

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> None:
        ids: list[str] = []
        labels: list[str] = []

        def labelled() -> Iterator:
            """The documents, each one's label set before datatrove asks for its shingles."""
            for document in data:
                self._label = language_label(document.metadata) or NO_LABEL
                ids.append(document.id)
                labels.append(self._label)
                yield document

        super().run(labelled(), rank, world_size)
        path = ids_file(self.ids_folder, rank)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        pq.write_table(pa.table({"id": ids, "label": labels}, schema=IDS_SCHEMA), partial, compression="zstd")
        partial.replace(path)
