"""Rewriting one output file without some documents, so that a kill at any moment loses nothing.

Three kinds of file hold documents: Parquet (every document stage's ``output/`` and ``removed/``),
datatrove ``.ds`` shards (tokens, ``.ds.index`` document ends, ``.ds.metadata`` token count) and
Megatron pairs (``.bin`` tokens, ``.idx`` lengths and offsets); the last two say which document is
where through their map (``<file>.ids``, ``tokenizer/docmap.py``).

Each rewrite first writes every new file beside the old one under an ``.erasing`` name and
flushes it to disk; a shard's map is written last and marks the set complete. ``commit`` then
renames the new files over the old ones, the map last. A kill before the map's partial exists
leaves the old files, and ``recover`` deletes the partials; a kill during the renames leaves a
complete set of partials, which ``recover`` renames into place. Kept documents are copied as
byte ranges: their tokens are not decoded or tokenized again.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import humanize
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.tokenizer.docmap import IDS_SUFFIX, ids_path, read_ids, write_ids
from clearweb.tokenizer.megatron import DTYPE_CODES, INDEX_HEADER

PARTIAL = ".erasing"
_COPY_ELEMENTS = 1 << 24
_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}


def partial_of(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL)


def _flush(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _flush_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class Rewrite:
    """A prepared rewrite of one file (or one shard's files): ``removed`` documents, and for Parquet
    the removed rows' id, URL and text SHA-256. ``commit`` puts the new files in place."""

    path: Path
    removed: int
    targets: list[Path]  # renamed in this order; the map, when there is one, last
    rows: list[dict] | None = None

    def commit(self) -> None:
        for target in self.targets:
            partial_of(target).replace(target)
        _flush_folder(self.path.parent)


def text_sha256(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None


def is_document_file(path: Path) -> bool:
    """A Parquet file of documents (an ``id`` and a ``text`` column), not a snapshot or side table."""
    names = pq.read_schema(path).names
    return "id" in names and "text" in names


def parquet_matches(path: Path, ids: set[str] | frozenset[str]) -> pa.Table:
    """The rows of ``path`` whose id is in ``ids`` (every column)."""
    table = pq.read_table(path)
    return table.filter(pc.fill_null(pc.is_in(table["id"], value_set=pa.array(sorted(ids), pa.string())), False))


def parquet_without(path: Path, ids: set[str] | frozenset[str]) -> Rewrite | None:
    """The Parquet file without the rows whose id is in ``ids`` (same schema, zstd as the writer)."""
    table = pq.read_table(path)
    matched = pc.fill_null(pc.is_in(table["id"], value_set=pa.array(sorted(ids), pa.string())), False)
    removed = table.filter(matched)
    if not removed.num_rows:
        return None
    urls = removed["url"].to_pylist() if "url" in removed.column_names else [None] * removed.num_rows
    rows = [{"id": document_id, "url": url, "text_sha256": text_sha256(text)} for document_id, url, text in
            zip(removed["id"].to_pylist(), urls, removed["text"].to_pylist(), strict=True)]
    partial = partial_of(path)
    pq.write_table(table.filter(pc.invert(matched)), partial, compression="zstd")
    _flush(partial)
    return Rewrite(path, removed.num_rows, [path], rows)


def _copy_kept(source: np.ndarray, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray, out) -> None:
    """Write the elements of the kept ranges of ``source`` in order, joining neighbouring ranges."""
    kept = np.flatnonzero(keep)
    if not len(kept):
        return
    breaks = np.flatnonzero(np.diff(kept) != 1)
    for first, last in zip(np.r_[kept[0], kept[breaks + 1]], np.r_[kept[breaks], kept[-1]], strict=True):
        for start in range(int(starts[first]), int(ends[last]), _COPY_ELEMENTS):
            out.write(source[start:min(start + _COPY_ELEMENTS, int(ends[last]))].tobytes())


def _write_partial(path: Path, write: Callable) -> None:
    partial = partial_of(path)
    with open(partial, "wb") as out:
        write(out)
        out.flush()
        os.fsync(out.fileno())


def _keep_mask(map_path: Path, count: int, ids: set[str] | frozenset[str]) -> tuple[list[str], np.ndarray]:
    shard_ids = read_ids(map_path)
    if len(shard_ids) != count:
        raise ValueError(f"{map_path}: {len(shard_ids)} ids for {count} documents")
    return shard_ids, np.array([document_id not in ids for document_id in shard_ids], dtype=bool)


def _tokens(path: Path, dtype: np.dtype) -> np.ndarray:
    return np.memmap(path, dtype=dtype, mode="r") if path.stat().st_size else np.zeros(0, dtype=dtype)


def ds_token_size(shard: Path) -> int:
    """Bytes per token from the shard's ``.ds.metadata`` (``<tokenizer>|<size>``), 4 without one."""
    metadata = Path(f"{shard}.metadata")
    if metadata.is_file():
        first = metadata.read_text().splitlines()[0]
        if "|" in first:
            return int(first.rsplit("|", 1)[1])
    return 4


def metadata_text(first_line: str, tokens: int) -> str:
    """A ``.ds.metadata`` as datatrove writes it: tokenizer|token size, count, count in words."""
    return "\n".join([first_line, str(tokens), humanize.metric(tokens, unit="T")])


def ds_without(shard: Path, ids: set[str] | frozenset[str]) -> Rewrite | None:
    """The ``.ds`` shard, its index and metadata without the documents whose id is in ``ids``."""
    ends = np.fromfile(f"{shard}.index", dtype=np.uint64).astype(np.int64)
    shard_ids, keep = _keep_mask(ids_path(shard), len(ends), ids)
    if keep.all():
        return None
    starts = np.r_[0, ends[:-1]].astype(np.int64)
    dtype = np.dtype(np.uint32 if ds_token_size(shard) == 4 else np.uint16)
    tokens = _tokens(shard, dtype)
    if len(tokens) != (int(ends[-1]) if len(ends) else 0):
        raise ValueError(f"{shard}: {len(tokens)} tokens but its .ds.index ends at {int(ends[-1])}")
    new_ends = np.cumsum((ends - starts)[keep]).astype(np.uint64)
    index, metadata = Path(f"{shard}.index"), Path(f"{shard}.metadata")
    _write_partial(shard, lambda out: _copy_kept(tokens, starts, ends, keep, out))
    _write_partial(index, lambda out: out.write(new_ends.tobytes()))
    targets = [shard, index]
    if metadata.is_file():
        first = metadata.read_text().splitlines()[0]
        total = int(new_ends[-1]) if len(new_ends) else 0
        _write_partial(metadata, lambda out: out.write(metadata_text(first, total).encode()))
        targets.append(metadata)
    return _with_map(shard, [i for i, k in zip(shard_ids, keep, strict=True) if k], targets, int((~keep).sum()))


def _with_map(path: Path, kept_ids: list[str], targets: list[Path], removed: int) -> Rewrite:
    """Write the new map's partial last: it marks the shard's partials complete."""
    map_path = ids_path(path)
    write_ids(partial_of(map_path), kept_ids)
    _flush(partial_of(map_path))
    return Rewrite(path, removed, [*targets, map_path])


@dataclass(frozen=True)
class MegatronIndex:
    dtype: np.dtype
    lengths: np.ndarray  # int32 per sequence
    pointers: np.ndarray  # int64 byte offset per sequence
    documents: np.ndarray  # int64 sequence numbers where documents start, then the count

    @classmethod
    def read(cls, path: Path) -> MegatronIndex:
        data = path.read_bytes()
        if not data.startswith(INDEX_HEADER):
            raise ValueError(f"{path}: not a Megatron index (header {data[:9]!r})")
        offset = len(INDEX_HEADER) + 8
        code = data[offset]
        count, document_count = struct.unpack_from("<QQ", data, offset + 1)
        offset += 17
        lengths = np.frombuffer(data, np.int32, count, offset)
        pointers = np.frombuffer(data, np.int64, count, offset + 4 * count)
        documents = np.frombuffer(data, np.int64, document_count, offset + 12 * count)
        return cls(_DTYPES[code], lengths, pointers, documents)

    def to_bytes(self) -> bytes:
        count = len(self.lengths)
        return b"".join([INDEX_HEADER, struct.pack("<Q", 1), struct.pack("<B", DTYPE_CODES[self.dtype]),
                         struct.pack("<QQ", count, len(self.documents)), self.lengths.astype(np.int32).tobytes(),
                         self.pointers.astype(np.int64).tobytes(), self.documents.astype(np.int64).tobytes()])


def megatron_without(prefix: Path, ids: set[str] | frozenset[str]) -> Rewrite | None:
    """The Megatron pair ``prefix.bin``/``.idx`` without the sequences whose id is in ``ids`` (one
    sequence per document, as the tokenize stage writes them)."""
    bin_path, idx_path = Path(f"{prefix}.bin"), Path(f"{prefix}.idx")
    index = MegatronIndex.read(idx_path)
    count = len(index.lengths)
    if not np.array_equal(index.documents, np.arange(count + 1)):
        raise ValueError(f"{idx_path}: documents of several sequences; erasure handles one sequence per document")
    shard_ids, keep = _keep_mask(ids_path(prefix), count, ids)
    if keep.all():
        return None
    itemsize = index.dtype.itemsize
    starts = index.pointers // itemsize
    ends = starts + index.lengths
    lengths = index.lengths[keep].astype(np.int64)
    kept = MegatronIndex(index.dtype, lengths, np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)[:len(lengths)]
                         * itemsize, np.arange(len(lengths) + 1, dtype=np.int64))
    tokens = _tokens(bin_path, index.dtype)
    _write_partial(bin_path, lambda out: _copy_kept(tokens, starts, ends, keep, out))
    _write_partial(idx_path, lambda out: out.write(kept.to_bytes()))
    return _with_map(prefix, [i for i, k in zip(shard_ids, keep, strict=True) if k], [bin_path, idx_path],
                     int((~keep).sum()))


def _shard_files(map_path: Path) -> list[Path]:
    """The files a map describes, in commit order (the map itself last)."""
    described = Path(str(map_path)[:-len(IDS_SUFFIX)])
    if described.name.endswith(".ds"):
        return [described, Path(f"{described}.index"), Path(f"{described}.metadata"), map_path]
    return [Path(f"{described}.bin"), Path(f"{described}.idx"), map_path]


def recover(root: Path) -> int:
    """Finish the rewrites a killed erasure left complete under ``root`` (their map's partial
    exists), delete the other partials; returns how many shards were finished."""
    finished = 0
    for marker in sorted(root.rglob(f"*{IDS_SUFFIX}{PARTIAL}")):
        for target in _shard_files(marker.with_name(marker.name[:-len(PARTIAL)])):
            if partial_of(target).exists():
                partial_of(target).replace(target)
        _flush_folder(marker.parent)
        finished += 1
    for leftover in root.rglob(f"*{PARTIAL}"):
        leftover.unlink()
    return finished


def refresh_total(folder: Path) -> None:
    """A merged ``<name>.ds.metadata`` (no ``<name>.ds`` beside it) counts the tokens of every
    ``*_<name>.ds`` in ``folder``: recount them after an erasure."""
    for metadata in folder.glob("*.ds.metadata"):
        name = metadata.name[:-len(".metadata")]
        if (folder / name).exists():
            continue
        shards = sorted(folder.glob(f"*_{name}"))
        tokens = sum(shard.stat().st_size // ds_token_size(shard) for shard in shards)
        lines = metadata.read_text().splitlines()
        if len(lines) >= 2 and lines[1] != str(tokens):
            partial = metadata.with_name(metadata.name + ".partial")
            partial.write_text(metadata_text(lines[0], tokens))
            partial.replace(metadata)
