"""FineWeb-2's per-language settings, shipped as package data.

FineWeb-2 (huggingface/fineweb-2, Apache-2.0; figures of its ``configs/*.yml`` at commit d0defb24,
see NOTICE) filtered each of 1,929 ``xxx_Scrp`` labels with its own settings: the minimum GlotLID
score for the language (``language_score``: 0.821 for ``deu_Latn``, 0.3 for ``gsw_Latn``), and
repetition and quality thresholds and stopwords for its quality filters. ``thresholds: fineweb2`` in
the language stage applies the minimums.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

CONFIGS_FILE = Path(__file__).with_name("fineweb2_language_configs.json.gz")


@lru_cache(maxsize=1)
def fineweb2_configs() -> dict[str, dict]:
    """label -> FineWeb-2's settings for it (``language_score``, ``dup_line_frac``, ``stopwords``, ...)."""
    return json.loads(gzip.decompress(CONFIGS_FILE.read_bytes()))


def fineweb2_thresholds() -> dict[str, float]:
    """label -> the minimum language score FineWeb-2 kept documents of that language at."""
    return {label: float(settings["language_score"]) for label, settings in fineweb2_configs().items()}
