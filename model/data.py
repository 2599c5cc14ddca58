"""Training batches from the tokenize stage's .ds shards: memory-mapped uint32, fixed windows.

All ``*.ds`` files of a folder are memory-mapped (nothing is read until a window is used) and seen
as one token stream; it is cut into non-overlapping windows of ``seq_len + 1`` tokens (inputs and
shifted labels). Each epoch visits the windows in a seeded order built from blocks of
``BLOCK_WINDOWS``: the blocks are permuted, then the windows inside the block being read, so the
order costs one block's permutation in memory, never one entry per window of the epoch (15T
tokens are 3.6 billion windows). Rank r of a distributed run takes every ``world_size``-th batch.
The loader's whole state is (seed, next batch index, world size), so a resumed run continues with
exactly the batches it would have seen; with another world size the order would differ, which is
refused unless asked for (``allow_reshard``).

The tokenize stage leaves the tokenizer.json that wrote the shards beside them; a model whose
vocabulary is smaller than that tokenizer's ids is refused before any step (it would fail on the
first rare token, hours in).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def check_vocabulary(folder: str | Path, vocab_size: int) -> None:
    """Raise ValueError naming the tokenizer.json beside the shards when ``vocab_size`` does not
    cover its largest id (shards without one are not checked)."""
    from clearweb.tokenizer.vocabulary import largest_token_id

    tokenizer = Path(folder) / "tokenizer.json"
    if not tokenizer.is_file():
        return
    largest = largest_token_id(tokenizer)
    if vocab_size <= largest:
        raise ValueError(f"model.vocab_size {vocab_size} does not cover the ids of {tokenizer.resolve()} "
                         f"(largest {largest}); set model.vocab_size: {largest + 1} or more")


BLOCK_WINDOWS = 1 << 20  # windows per block of the epoch order: 8 MiB of permutation at a time


class ShardBatches:
    def __init__(self, folder: str | Path, seq_len: int, batch_size: int, seed: int = 0, rank: int = 0,
                 world_size: int = 1):
        paths = sorted(Path(folder).glob("*.ds"))
        if not paths:
            raise FileNotFoundError(f"{folder}: no .ds shards (run the tokenize stage first)")
        self.shards = [np.memmap(path, dtype=np.uint32, mode="r") for path in paths]
        self.offsets = np.cumsum([0] + [len(shard) for shard in self.shards])
        self.seq_len, self.batch_size, self.seed = seq_len, batch_size, seed
        self.rank, self.world_size = rank, world_size
        self.windows = int(self.offsets[-1]) // (seq_len + 1)
        if self.windows < batch_size * world_size:
            raise ValueError(f"{folder}: {self.offsets[-1]} tokens make {self.windows} windows of {seq_len + 1}, "
                             f"fewer than one batch of {batch_size} per rank")
        self.next_batch = 0
        self.full_blocks = self.windows // BLOCK_WINDOWS
        self._block_orders: tuple[int, np.ndarray] | None = None
        self._within: tuple[tuple[int, int], np.ndarray] | None = None

    def window(self, epoch: int, position: int) -> int:
        """The window read at ``position`` of ``epoch``'s order (a permutation of all windows)."""
        block, offset = divmod(position, BLOCK_WINDOWS)
        if block < self.full_blocks:
            if self._block_orders is None or self._block_orders[0] != epoch:
                self._block_orders = (epoch, np.random.default_rng([self.seed, epoch]).permutation(self.full_blocks))
            block = int(self._block_orders[1][block])
        start = block * BLOCK_WINDOWS
        size = min(BLOCK_WINDOWS, self.windows - start)
        if self._within is None or self._within[0] != (epoch, block):
            self._within = ((epoch, block), np.random.default_rng([self.seed, epoch, block + 1]).permutation(size))
        return start + int(self._within[1][offset])

    def _tokens(self, start: int, length: int) -> np.ndarray:
        """Tokens [start, start + length) of the concatenated stream."""
        out = np.empty(length, dtype=np.int64)
        filled = 0
        shard = int(np.searchsorted(self.offsets, start, side="right") - 1)
        position = start - int(self.offsets[shard])
        while filled < length:
            piece = self.shards[shard][position:position + length - filled]
            out[filled:filled + len(piece)] = piece
            filled += len(piece)
            shard, position = shard + 1, 0
        return out

    @property
    def batches_per_epoch(self) -> int:
        return self.windows // (self.batch_size * self.world_size)

    def batch(self, index: int) -> torch.Tensor:
        """Global batch ``index`` for this rank: (batch_size, seq_len + 1) token ids."""
        epoch, within = divmod(index, self.batches_per_epoch)
        first = (within * self.world_size + self.rank) * self.batch_size
        rows = [self._tokens(self.window(epoch, position) * (self.seq_len + 1), self.seq_len + 1)
                for position in range(first, first + self.batch_size)]
        return torch.from_numpy(np.stack(rows))

    def __iter__(self):
        while True:
            batch = self.batch(self.next_batch)
            self.next_batch += 1
            yield batch

    def state_dict(self) -> dict[str, int]:
        return {"seed": self.seed, "next_batch": self.next_batch, "world_size": self.world_size,
                "seq_len": self.seq_len, "batch_size": self.batch_size}

    def load_state_dict(self, state: dict[str, int], allow_reshard: bool = False) -> None:
        """Continue where the checkpoint stopped. Another world size would assign other windows to
        each batch (some seen twice, some never): refused, or with ``allow_reshard`` continued at
        the same number of windows read, in the new order."""
        if state["seed"] != self.seed:
            raise ValueError(f"checkpoint was written with data seed {state['seed']}, not {self.seed}")
        for key, value in (("seq_len", self.seq_len), ("batch_size", self.batch_size)):
            if state.get(key, value) != value:  # the windows, or the batches, would be other ones
                raise ValueError(f"checkpoint was written with {key} {state[key]}, this run has {value}")
        written_by = int(state.get("world_size", self.world_size))
        if written_by != self.world_size and not allow_reshard:
            raise ValueError(f"checkpoint was written by {written_by} processes, this run has {self.world_size}: "
                             f"the data order would change; pass --allow-reshard to continue anyway")
        self.next_batch = int(state["next_batch"]) * written_by // self.world_size
