"""Hashes of document ids and origins that are the same in every process and on every run.

Python's ``hash()`` of a string is salted per process, so sampling or sharding decisions made with
it would change between tasks and re-runs; a prefix of SHA-1 keeps them reproducible.
"""

from __future__ import annotations

import hashlib


def stable_hash(key: str) -> int:
    """A 64-bit integer determined by ``key`` alone."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big")


def stable_fraction(key: str) -> float:
    """A number in [0, 1) determined by ``key`` alone, for reproducible sampling."""
    return stable_hash(key) / 2**64
