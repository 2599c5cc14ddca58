"""The run's record of erasures, and what keeps erased documents out of any later re-run.

``clearweb erase`` (``pipeline/erase.py``) removes documents from outputs already written and
appends one JSON line per erasure to ``RUN/erasures.jsonl``: its number, date, reason, matcher,
document count, per-file counts and the side file ``RUN/erasures/<number>.parquet`` that lists every
erased document (id, URL, the stage it was first found in, the SHA-256 of its text there).

A stage that runs again after an erasure must not bring the documents back (a robots delta's
excepted: the snapshot itself keeps those out): the reader of every
stage's input (``StageOutputReader``) and the fetch stage (``SkipErased``, right after the shard
reader, before extraction) drop a document whose id or URL was erased, or whose host is, or is
under, an erased domain; each drop is counted as ``erased``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.pipeline.core.errors import InputError

ERASURES = "erasures.jsonl"
ERASED_DIR = "erasures"


def read_erasures(run_dir: str | Path) -> list[dict]:
    """Every completed erasure of the run, in order; a line that is not JSON names the file and line."""
    path = Path(run_dir) / ERASURES
    if not path.is_file():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                raise InputError(f"{path}: line {number} is not JSON") from None
    return entries


def host_of(url: str | None) -> str | None:
    try:
        return (urlsplit(url).hostname or None) if url else None
    except ValueError:
        return None


def under_domains(host: str | None, domains: frozenset[str]) -> bool:
    """``a.example.org`` is under ``example.org``; ``badexample.org`` is not."""
    if not host or not domains:
        return False
    labels = host.lower().rstrip(".").split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels)))


@dataclass(frozen=True)
class ErasedDocuments:
    """What the run's erasures removed: ids, URLs and domains to keep out."""

    ids: frozenset[str] = frozenset()
    urls: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    #: id or URL -> the erasure that removed it (for ``why``)
    by_key: dict[str, dict] = field(default_factory=dict, compare=False)

    @classmethod
    def of_run(cls, run_dir: str | Path, kept_out: bool = False) -> ErasedDocuments:
        """``kept_out``: only the erasures a re-run must apply itself; a robots delta's
        (``scoped``) are not, since a re-run of the stage that judged them judges with the snapshot
        that withholds them, and the stages before it keep every page."""
        ids, urls, domains, by_key = set(), set(), set(), {}
        for entry in read_erasures(run_dir):
            if kept_out and entry.get("scoped"):
                continue
            matcher = entry.get("matcher", {})
            domains.update(matcher.get("domains") or ())
            ids.update(matcher.get("ids") or ())
            urls.update(matcher.get("urls") or ())
            table = pq.read_table(Path(run_dir) / entry["documents_file"], columns=["id", "url"])
            for document_id, url in zip(table["id"].to_pylist(), table["url"].to_pylist(), strict=True):
                ids.add(document_id)
                by_key[document_id] = entry
                if url:
                    urls.add(url)
                    by_key[url] = entry
        return cls(frozenset(ids), frozenset(urls), frozenset(d.lower() for d in domains), by_key)

    def __bool__(self) -> bool:
        return bool(self.ids or self.urls or self.domains)

    def matches(self, document_id: str | None, url: str | None) -> bool:
        return (document_id in self.ids or (url is not None and url in self.urls)
                or under_domains(host_of(url), self.domains))


class KeepsErasedOut:
    """For a step that reads documents: the run's erasures, read once per task."""

    run_dir: str | None

    @cached_property
    def erased(self) -> ErasedDocuments:
        return ErasedDocuments.of_run(self.run_dir, kept_out=True) if self.run_dir else ErasedDocuments()

    def not_erased(self, step: PipelineStep, documents: DocumentsPipeline) -> DocumentsPipeline:
        if not self.erased:
            yield from documents
            return
        for document in documents:
            if self.erased.matches(document.id, document.metadata.get("url")):
                step.stat_update("erased")
                continue
            yield document


class SkipErased(KeepsErasedOut, PipelineStep):
    """Drops documents a past erasure removed (the fetch stage, before extraction)."""

    name = "🧽 Erased documents kept out"
    stats_key = "skip_erased"

    def __init__(self, run_dir: str):
        super().__init__()
        self.run_dir = run_dir

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        yield from self.not_erased(self, data)
