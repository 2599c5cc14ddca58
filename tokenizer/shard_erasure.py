"""Token shards without some documents: the tokenize stage's formats as erasure rewrites them.

The tokenize stage writes datatrove ``.ds`` shards (tokens; ``.ds.index`` document ends;
``.ds.metadata`` tokenizer and token count) and Megatron pairs (``.bin`` tokens; ``.idx`` lengths
and byte offsets), each with its document map (``<shard>.ids``). Removing documents copies the
kept documents' token ranges in order, as bytes: nothing is decoded or tokenized again. The new
files are written and committed as ``pipeline/core/rewrite.py`` describes; the registry gives
these formats to the tokenize stage (``Stage.shards``).
"""

from __future__ import annotations

from pathlib import Path

import humanize
import numpy as np

from clearweb.pipeline.core.docmap import ids_path, read_ids
from clearweb.pipeline.core.rewrite import Rewrite, shard_rewrite, write_partial
from clearweb.pipeline.core.stage import ShardFormat
from clearweb.tokenizer.megatron import MegatronIndex

_COPY_ELEMENTS = 1 << 24


def _copy_kept(source: np.ndarray, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray, out) -> None:
    """Write the elements of the kept ranges of ``source`` in order, joining neighbouring ranges."""
    kept = np.flatnonzero(keep)
    if not len(kept):
        return
    breaks = np.flatnonzero(np.diff(kept) != 1)
    for first, last in zip(np.r_[kept[0], kept[breaks + 1]], np.r_[kept[breaks], kept[-1]], strict=True):
        for start in range(int(starts[first]), int(ends[last]), _COPY_ELEMENTS):
            out.write(source[start:min(start + _COPY_ELEMENTS, int(ends[last]))].tobytes())


def _keep_mask(shard: Path, count: int, ids: set[str] | frozenset[str]) -> tuple[list[str], np.ndarray]:
    shard_ids = read_ids(ids_path(shard))
    if len(shard_ids) != count:
        raise ValueError(f"{ids_path(shard)}: {len(shard_ids)} ids for {count} documents")
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
    shard_ids, keep = _keep_mask(shard, len(ends), ids)
    if keep.all():
        return None
    starts = np.r_[0, ends[:-1]].astype(np.int64)
    tokens = _tokens(shard, np.dtype(np.uint32 if ds_token_size(shard) == 4 else np.uint16))
    if len(tokens) != (int(ends[-1]) if len(ends) else 0):
        raise ValueError(f"{shard}: {len(tokens)} tokens but its .ds.index ends at {int(ends[-1])}")
    new_ends = np.cumsum((ends - starts)[keep]).astype(np.uint64)
    index, metadata = Path(f"{shard}.index"), Path(f"{shard}.metadata")
    write_partial(shard, lambda out: _copy_kept(tokens, starts, ends, keep, out))
    write_partial(index, lambda out: out.write(new_ends.tobytes()))
    targets = [shard, index]
    if metadata.is_file():
        first = metadata.read_text().splitlines()[0]
        total = int(new_ends[-1]) if len(new_ends) else 0
        write_partial(metadata, lambda out: out.write(metadata_text(first, total).encode()))
        targets.append(metadata)
    kept_ids = [document_id for document_id, kept in zip(shard_ids, keep, strict=True) if kept]
    return shard_rewrite(shard, kept_ids, targets, int((~keep).sum()))


def megatron_without(prefix: Path, ids: set[str] | frozenset[str]) -> Rewrite | None:
    """The Megatron pair ``prefix.bin``/``.idx`` without the sequences whose id is in ``ids`` (one
    sequence per document, as the tokenize stage writes them)."""
    bin_path, idx_path = Path(f"{prefix}.bin"), Path(f"{prefix}.idx")
    index = MegatronIndex.read(idx_path)
    count = len(index.lengths)
    if not np.array_equal(index.documents, np.arange(count + 1)):
        raise ValueError(f"{idx_path}: documents of several sequences; erasure handles one sequence per document")
    shard_ids, keep = _keep_mask(prefix, count, ids)
    if keep.all():
        return None
    starts = index.pointers // index.dtype.itemsize
    ends = starts + index.lengths
    kept = MegatronIndex.of_lengths(index.dtype, index.lengths[keep])
    write_partial(bin_path, lambda out: _copy_kept(_tokens(bin_path, index.dtype), starts, ends, keep, out))
    write_partial(idx_path, lambda out: out.write(kept.to_bytes()))
    kept_ids = [document_id for document_id, kept in zip(shard_ids, keep, strict=True) if kept]
    return shard_rewrite(prefix, kept_ids, [bin_path, idx_path], int((~keep).sum()))


def refresh_totals(folders: list[Path]) -> None:
    """A merged ``<name>.ds.metadata`` (no ``<name>.ds`` beside it) counts the tokens of every
    ``*_<name>.ds`` in its folder: recount them after an erasure."""
    for folder in folders:
        for metadata in folder.glob("*.ds.metadata"):
            name = metadata.name[:-len(".metadata")]
            if (folder / name).exists():
                continue
            tokens = sum(shard.stat().st_size // ds_token_size(shard) for shard in sorted(folder.glob(f"*_{name}")))
            lines = metadata.read_text().splitlines()
            if len(lines) >= 2 and lines[1] != str(tokens):
                partial = metadata.with_name(metadata.name + ".partial")
                partial.write_text(metadata_text(lines[0], tokens))
                partial.replace(metadata)


DS = ShardFormat("ds", lambda root: sorted(root.rglob("*.ds")), ds_without, refresh_totals)
MEGATRON = ShardFormat("megatron", lambda root: sorted(index.with_suffix("") for index in root.rglob("*.idx")),
                       megatron_without)
