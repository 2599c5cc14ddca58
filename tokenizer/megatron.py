"""Megatron-LM indexed datasets (``.bin`` + ``.idx``) from the tokenize stage's ``.ds`` shards.

Apertus trains with swiss-ai's Megatron-LM, which reads ``IndexedDataset`` pairs: ``.bin`` holds the
tokens of every sequence back to back; ``.idx`` holds a header (``MMIDIDX\\0\\0``, version 1, a
dtype code), the sequence and document counts, each sequence's length (int32) and byte offset
(int64), and the document index (int64, sequence numbers where documents start, then the end).
Here one sequence is one document, as Megatron's ``preprocess_data.py`` writes plain text.

The pairs are converted from the ``.ds`` shards, not tokenized again, so the two formats hold the
same token sequences in the same (shuffled, mixture-weighted) order by construction. Tokens are
uint16 when the vocabulary has fewer than 65,500 entries, else int32 (Megatron's own rule). Each
file is written under a ``.partial`` name and renamed into place, ``.idx`` last; each pair's
document map (``<prefix>.ids``, ``tokenizer/docmap.py``) is the maps of its ``.ds`` shards joined.
"""

from __future__ import annotations

import shutil
import struct
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.pipeline.core.docmap import ids_path, read_ids, write_ids
from clearweb.tokenizer.vocabulary import largest_token_id

INDEX_HEADER = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
DTYPE_CODES = {np.dtype(np.uint16): 8, np.dtype(np.int32): 4}
_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}
_CHUNK_TOKENS = 1 << 24


def token_dtype(vocab_size: int) -> np.dtype:
    """Megatron's choice (``DType.optimal_dtype``): uint16 below 65,500 entries, else int32."""
    return np.dtype(np.uint16 if vocab_size < 65500 else np.int32)


def ds_documents(shard: Path) -> np.ndarray:
    """Document lengths of a ``.ds`` shard, from its ``.ds.index`` (uint64 document ends)."""
    ends = np.fromfile(f"{shard}.index", dtype=np.uint64).astype(np.int64)
    return np.diff(ends, prepend=0)


@dataclass(frozen=True)
class MegatronIndex:
    """An ``.idx`` file's content."""

    dtype: np.dtype
    lengths: np.ndarray  # int32 per sequence
    pointers: np.ndarray  # int64 byte offset of each sequence in the .bin
    documents: np.ndarray  # int64 sequence numbers where documents start, then the count

    @classmethod
    def of_lengths(cls, dtype: np.dtype, lengths: np.ndarray) -> MegatronIndex:
        """Sequences back to back, one document each."""
        lengths = np.asarray(lengths, dtype=np.int64)
        pointers = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)[:len(lengths)] * dtype.itemsize
        return cls(dtype, lengths.astype(np.int32), pointers, np.arange(len(lengths) + 1, dtype=np.int64))

    @classmethod
    def read(cls, path: Path) -> MegatronIndex:
        data = path.read_bytes()
        if not data.startswith(INDEX_HEADER):
            raise ValueError(f"{path}: not a Megatron index (header {data[:9]!r})")
        offset = len(INDEX_HEADER) + 8  # the header, then the version
        code = data[offset]
        count, document_count = struct.unpack_from("<QQ", data, offset + 1)
        offset += 17
        if code not in _DTYPES:
            raise ValueError(f"{path}: token type code {code} is not one the tokenize stage writes")
        return cls(_DTYPES[code], np.frombuffer(data, np.int32, count, offset),
                   np.frombuffer(data, np.int64, count, offset + 4 * count),
                   np.frombuffer(data, np.int64, document_count, offset + 12 * count))

    def to_bytes(self) -> bytes:
        count = len(self.lengths)
        return b"".join([INDEX_HEADER, struct.pack("<Q", INDEX_VERSION), struct.pack("<B", DTYPE_CODES[self.dtype]),
                         struct.pack("<QQ", count, len(self.documents)), self.lengths.astype(np.int32).tobytes(),
                         self.pointers.astype(np.int64).tobytes(), self.documents.astype(np.int64).tobytes()])


def write_indexed_dataset(prefix: Path, shards: list[Path], dtype: np.dtype) -> tuple[int, int]:
    """Concatenate ``.ds`` shards (uint32 tokens) into ``prefix.bin`` / ``prefix.idx``, one sequence
    per document, and their document maps into ``prefix.ids``; returns (documents, tokens)."""
    prefix.parent.mkdir(parents=True, exist_ok=True)
    lengths, ids = [], []
    bin_path, idx_path = Path(f"{prefix}.bin"), Path(f"{prefix}.idx")
    partial_bin = bin_path.with_name(bin_path.name + ".partial")
    try:
        with open(partial_bin, "wb") as out:
            for shard in shards:
                documents = ds_documents(shard)
                size = shard.stat().st_size // 4
                if int(documents.sum()) != size:
                    raise ValueError(f"{shard}: {size} tokens but its .ds.index ends at {int(documents.sum())}")
                shard_ids = read_ids(ids_path(shard))
                if len(shard_ids) != len(documents):
                    raise ValueError(f"{shard}: {len(documents)} documents but {len(shard_ids)} ids in its map")
                lengths.append(documents)
                ids += shard_ids
                if size:
                    tokens = np.memmap(shard, dtype=np.uint32, mode="r")
                    for start in range(0, size, _CHUNK_TOKENS):
                        out.write(tokens[start:start + _CHUNK_TOKENS].astype(dtype).tobytes())
    except BaseException:
        partial_bin.unlink(missing_ok=True)
        raise
    index = MegatronIndex.of_lengths(dtype, np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64))
    partial_idx = idx_path.with_name(idx_path.name + ".partial")
    partial_idx.write_bytes(index.to_bytes())
    write_ids(ids_path(prefix), ids)
    partial_bin.replace(bin_path)
    partial_idx.replace(idx_path)
    return len(index.lengths), int(index.lengths.sum())


def task_shards(folder: Path) -> dict[int, list[Path]]:
    """The tokenize tasks' ``.ds`` files by task rank (``<rank>_<part>_...ds``), in part order."""
    by_rank: dict[int, list[Path]] = defaultdict(list)
    for shard in sorted(folder.glob("*.ds")):
        by_rank[int(shard.name.split("_", 1)[0])].append(shard)
    return dict(by_rank)


class MegatronShards(PipelineStep):
    """After the merge: a pair per tokenize task (``tasks/<rank>``) and one over the merged shards
    (``train``), in ``output_folder``."""

    type = "🔢 - TOKENIZER"
    name = "🧱 Megatron indexed datasets"
    stats_key = "megatron_shards"

    def __init__(self, tokenized_folder: str, merged_folder: str, output_folder: str, tokenizer_path: str,
                 discard_merged: bool = False):
        """``tokenizer_path``: its largest id decides the token type (read when the task runs);
        ``discard_merged``: the merged .ds shards were only a way here (``format: megatron``)."""
        super().__init__()
        self.tokenized_folder = tokenized_folder
        self.merged_folder = merged_folder
        self.output_folder = output_folder
        self.tokenizer_path = tokenizer_path
        self.discard_merged = discard_merged

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for _ in data or ():  # the merger before this step does its work while it is drained
            pass
        out, dtype = Path(self.output_folder), token_dtype(largest_token_id(self.tokenizer_path) + 1)
        with self.track_time():
            for task, shards in task_shards(Path(self.tokenized_folder)).items():
                write_indexed_dataset(out / "tasks" / f"{task:05d}", shards, dtype)
            documents, tokens = write_indexed_dataset(out / "train", sorted(Path(self.merged_folder).glob("*.ds")),
                                                      dtype)
        if self.discard_merged:
            shutil.rmtree(self.merged_folder)
        self.stat_update("documents", value=documents)
        self.stat_update("tokens", value=tokens)
        yield from ()
