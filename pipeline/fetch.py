"""The fetch reader: a datatrove reader over the resolved shard list.

Task ``rank`` reads ``shards[rank::world_size]``, downloads http(s) shards through the cache,
parses them by format and yields documents carrying the provenance keys of the data contract
(url, domain, host, fetch_date, warc_record_id, source_file) and the HTTP-header signals.

Bad input policy (``on_bad_input``):
- a missing shard (404/410, no such file) or a corrupt one (broken gzip, truncated WARC, unreadable
  Parquet) is counted (``input_missing`` / ``input_corrupt``) and logged with the file and the
  last good record, and the documents read before the damage are kept (``skip``, the default),
  or fails the task (``fail``);
- a shard that stays unreachable after the download retries (5xx, timeouts) always fails the task:
  the file exists and a re-run will read it, so skipping it would lose data for no reason.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.readers.base import BaseReader

from clearweb.pipeline.core.errors import InputError, InputMissing, one_line
from clearweb.pipeline.core.provenance import url_provenance
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.records import CorruptShard, Skipped, iter_jsonl, iter_parquet, iter_warc
from clearweb.pipeline.sources import Shard, decompressing, is_http, open_shard

log = logging.getLogger(__name__)
HTML_FLAG = "_html"


def _corruption_errors() -> tuple[type[BaseException], ...]:
    from pyarrow import ArrowException
    from warcio.recordloader import ArchiveLoadFailed

    errors: list[type[BaseException]] = [CorruptShard, OSError, EOFError, zlib.error, ArchiveLoadFailed,
                                         ArrowException, UnicodeDecodeError]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errors)


class ShardReader(BaseReader):
    """Reads this task's share of the shards into documents (raw HTML for WARC responses)."""

    name = "🕷 Shard reader"
    stats_key = "shard_reader"

    def __init__(
        self,
        shards: list[Shard],
        fetcher: HttpFetcher,
        max_html_bytes: int = 5_000_000,
        on_bad_input: str = "skip",
        keep_downloads: bool = True,
        limit: int = -1,
    ):
        super().__init__(limit=limit)
        self.shards = shards
        self.fetcher = fetcher
        self.max_html_bytes = max_html_bytes
        self.on_bad_input = on_bad_input
        self.keep_downloads = keep_downloads

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        produced = 0
        for shard in self.shards[rank::world_size]:
            for document in self.read_shard(shard):
                yield document
                produced += 1
                if self.limit != -1 and produced >= self.limit:
                    return

    def read_shard(self, shard: Shard) -> Iterator[Document]:
        self.stat_update("shards")
        last_good = "start of file"
        corrupt = _corruption_errors()
        try:
            with open_shard(shard.location, self.fetcher) as raw:
                for index, item in enumerate(self._records(shard, raw)):
                    with self.track_time():
                        if isinstance(item, Skipped):
                            self.stat_update(item.reason)
                            continue
                        document = self.to_document(item, shard, index)
                    if document is not None:
                        last_good = f"record {index} ({document.id})"
                        yield document
        except InputMissing as exc:
            self._bad_input("input_missing", str(exc))
            return
        except corrupt as exc:
            self._bad_input("input_corrupt", f"{shard.location}: unreadable after {last_good}: {one_line(exc)}")
            return
        if is_http(shard.location) and not self.keep_downloads:
            self.fetcher.cache_path(shard.location).unlink(missing_ok=True)

    def _records(self, shard: Shard, raw) -> Iterator[dict[str, Any] | Skipped]:
        if shard.format == "warc":
            return iter_warc(raw, self.max_html_bytes)
        if shard.format == "jsonl":
            return iter_jsonl(decompressing(raw, shard.location), shard.location)
        return iter_parquet(raw)

    def _bad_input(self, reason: str, message: str) -> None:
        if self.on_bad_input == "fail":
            raise InputError(message)
        self.stat_update(reason)
        log.warning("%s (skipped; on_bad_input=skip)", message)

    def to_document(self, item: dict[str, Any], shard: Shard, index: int) -> Document | None:
        """Map a raw record onto a Document with the contract's provenance keys."""
        text = item.pop(shard.text_key, None)
        if not isinstance(text, str) or not text.strip():
            self.stat_update("skipped_empty_text")
            return None
        line = item.pop("_line", index)
        doc_id = item.pop(shard.id_key, None) or f"{shard.name}#{line}"
        decoded_by = item.pop("_decoded_by", "utf8")
        if decoded_by != "utf8":
            self.stat_update(f"decoded_{decoded_by}")
        metadata = item.pop("metadata", None)
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        metadata.update(item)
        if "fetch_date" not in metadata and "date" in metadata:
            metadata["fetch_date"] = str(metadata.pop("date"))
        metadata.update(url_provenance(metadata.get("url")))
        metadata["source_file"] = shard.name
        metadata.setdefault("signals", None)
        if shard.html:
            metadata[HTML_FLAG] = True
        self.stat_update("documents")
        return Document(text=text, id=str(doc_id), metadata=metadata)
