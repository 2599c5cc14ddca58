"""Which document sits where in a token shard: ``<shard>.ids`` beside every ``.ds`` and Megatron pair.

Erasure (``clearweb erase``) must take a document out of shards already written, without
tokenizing again. A shard alone cannot say which document a token range came from, so the
tokenize stage writes, beside each ``.ds`` file and each Megatron ``.bin``/``.idx`` pair, one line
per document in shard order: the document's id as a JSON string (any id, newlines included,
stays one line). A document the language mixture repeated is listed once per copy under its
source id, so erasing the id removes every copy. The map costs about 45 bytes per document,
under 1% of the shards it describes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from clearweb.pipeline.core.errors import InputError

IDS_SUFFIX = ".ids"
#: metadata key the language mixture sets on a repeated document: the id it repeats
COPY_OF = "copy_of"


def ids_path(shard: str | Path) -> Path:
    """``x.ds`` -> ``x.ds.ids``; a Megatron prefix ``train`` -> ``train.ids``."""
    return Path(f"{shard}{IDS_SUFFIX}")


def write_ids(path: str | Path, ids: Iterable[str]) -> Path:
    """Write a map under a ``.partial`` name and rename it into place."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as out:
        for document_id in ids:
            out.write(json.dumps(document_id, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def read_ids(path: str | Path) -> list[str]:
    """The ids of a map, in shard order; a line that is not a JSON string names the file and line."""
    ids = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                document_id = json.loads(line)
            except json.JSONDecodeError:
                document_id = None
            if not isinstance(document_id, str):
                raise InputError(f"{path}: line {number} is not a document id (a JSON string)")
            ids.append(document_id)
    return ids
