"""Hashes that are the same in every process and on every run: of document ids and origins, and
of files.

Python's ``hash()`` of a string is salted per process, so sampling or sharding decisions made with
it would change between tasks and re-runs; a prefix of SHA-1 keeps them reproducible. Files (the
lineage's inputs and artifacts, the tokenizer named in shard metadata) are named by SHA-256.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

_CHUNK = 1 << 20


def stable_hash(key: str) -> int:
    """A 64-bit integer determined by ``key`` alone."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big")


def stable_fraction(key: str) -> float:
    """A number in [0, 1) determined by ``key`` alone, for reproducible sampling."""
    return stable_hash(key) / 2**64


def hash_path(path: Path) -> str | None:
    """sha256 of a file, or of a folder's files (relative names and contents; ``logs/`` and
    ``*.partial`` left out); None when the path does not exist."""
    path = Path(path)
    if path.is_file():
        stat = path.stat()
        return _file_digest(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if not path.is_dir():
        return None
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "logs")
        for name in sorted(files):
            if name.endswith(".partial"):
                continue
            file = Path(root) / name
            digest.update(f"{file.relative_to(path).as_posix()}\0{hash_path(file)}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=4096)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """sha256 of a file, computed once per process for a given size and modification time: a run
    checks each model file against its lineage and records it again (a GlotLID model is 1.6 GB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
