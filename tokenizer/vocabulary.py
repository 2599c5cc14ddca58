"""What ids a tokenizer.json can produce, read from the JSON alone.

The trainer checks its model's embedding against the tokenizer beside the shards, on machines that
may hold only ``clearweb.model`` and torch: this module imports nothing but the standard library.
"""

from __future__ import annotations

import json
from pathlib import Path


def largest_token_id(path: str | Path) -> int:
    """The largest id of a tokenizer.json (BPE entries and added tokens): a model's embedding
    needs this + 1 rows."""
    data = json.loads(Path(path).read_text())
    ids = list(data["model"]["vocab"].values()) + [token["id"] for token in data.get("added_tokens") or []]
    return max(ids, default=-1)
