"""Warmup-stable-decay learning rate with a 1-sqrt cooldown (Hägele et al., 2024), as in Apertus.

Linear warmup to the peak, constant until the cooldown, then lr = peak * (1 - sqrt(progress)) down
towards ``min_lr``, progress running from 0 at the cooldown's first step to (n-1)/n at the last, so
every step trains (the last at a small rate, not at ``min_lr`` = 0). The constant phase is what lets
a run be extended or branched off into a cooldown at any point without restarting.
"""

from __future__ import annotations

import math


def wsd_lr(step: int, peak: float, warmup: int, total: int, cooldown: int, min_lr: float = 0.0) -> float:
    """Learning rate at ``step`` (0-based) of ``total`` steps."""
    if warmup and step < warmup:
        return peak * (step + 1) / warmup
    cooldown_start = total - cooldown
    if cooldown <= 0 or step < cooldown_start:
        return peak
    progress = min((step - cooldown_start) / cooldown, 1.0)
    return min_lr + (peak - min_lr) * (1 - math.sqrt(progress))
