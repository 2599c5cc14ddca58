"""Goldfish loss masking, as Apertus's Megatron implements it, plus end-of-document masking.

Goldfish (Hans et al., 2024) drops a pseudo-random 1/k of the label positions from the loss so the
model cannot memorise long passages verbatim. The choice depends only on the h labels ending at a
position, so the same passage is masked the same way wherever and however often it appears:
the product of the window's label ids (int64, wrapping on overflow) modulo 1,000,003 indexes a
fixed table of uniform random numbers (torch.rand from a generator seeded 2971215073); where the
value is below 1/k, the label at the window's last position is dropped. Windows shorter than h (the
first h-1 labels of a sequence) are never dropped.
"""

from __future__ import annotations

from functools import lru_cache

import torch

TABLE_SIZE = 1_000_003
TABLE_SEED = 2971215073


@lru_cache(maxsize=4)
def _table(device: str) -> torch.Tensor:
    generator = torch.Generator().manual_seed(TABLE_SEED)
    return torch.rand(TABLE_SIZE, generator=generator).to(device)


def goldfish_mask(labels: torch.Tensor, k: int = 50, h: int = 50) -> torch.Tensor:
    """Boolean tensor shaped like ``labels`` (batch, length): True where the label is dropped."""
    dropped = torch.zeros_like(labels, dtype=torch.bool)
    if labels.shape[-1] < h:
        return dropped
    windows = labels.long().unfold(-1, h, 1)  # (batch, length - h + 1, h)
    hashes = torch.remainder(torch.prod(windows, dim=-1), TABLE_SIZE)  # int64 product wraps, as in Megatron
    dropped[..., h - 1:] = _table(str(labels.device))[hashes] < 1.0 / k
    return dropped


def loss_mask(input_ids: torch.Tensor, labels: torch.Tensor, eos_id: int, k: int | None = 50,
              h: int = 50) -> torch.Tensor:
    """Float mask of the labels that count in the loss: not after an end-of-document token (the
    next document's first token is not predictable from the previous one) and not goldfish-dropped.
    ``k=None`` switches goldfish off."""
    keep = input_ids != eos_id
    if k is not None:
        keep &= ~goldfish_mask(labels, k, h)
    return keep.float()
