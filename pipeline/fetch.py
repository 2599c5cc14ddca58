"""The fetch reader: a datatrove reader over the resolved shard list.

Task ``rank`` reads ``shards[rank::world_size]``, downloads http(s) shards through the cache,
parses them by format (WARC and ARC files are both format ``warc``) and yields documents carrying
the provenance keys of the data contract (url, domain, host, fetch_date, warc_record_id,
source_file) and the HTTP-header signals. ARC records have no record id: their ``warc_record_id``
is null and the document id is derived from the capture (see ``records._ArcIds``).

Bad input policy (``on_bad_input``):
- a missing shard (404/410, no such file), a corrupt one (truncated WARC, unreadable Parquet), a
  Parquet shard without the text column, or damage inside a shard that reading resumes after (a
  WARC record with a wrong Content-Length, a damaged gzip member) is counted (``input_missing``,
  ``input_corrupt``, ``input_missing_column``, ``corrupt_record``) and logged with the file and
  the record, and the documents read around it are kept (``skip``, the default), or fails the
  task (``fail``);
- a record that is not a document (bad JSON, a field the data contract cannot hold, a line over
  ``max_line_bytes``, ...) is counted by its reason and logged with the file and record, under
  either policy;
- a shard that stays unreachable after the download retries (5xx, timeouts) always fails the task:
  the file exists and a re-run will read it, so skipping it would lose data for no reason.

Warnings go through datatrove's logger (loguru), the one that writes each task's log file; that
includes what warcio reports about a record it reads on (counted as ``warcio_warning``), which it
would otherwise print to stderr without the file's name.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.readers.base import BaseReader
from datatrove.utils.logging import logger

from clearweb.pipeline.core.contract import COLUMN_TYPES
from clearweb.pipeline.core.errors import InputError, InputMissing, one_line
from clearweb.pipeline.core.provenance import url_provenance
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.records import (
    MAX_GAP_BYTES,
    MAX_LINE_BYTES,
    CorruptShard,
    Damaged,
    MissingColumn,
    Note,
    Skipped,
    iter_jsonl,
    iter_parquet,
    iter_warc,
    page_url_item,
)
from clearweb.pipeline.sources import Shard, decompressing, is_http, open_shard

HTML_FLAG = "_html"
LOGGED_SKIPS = 20  # per shard and reason; the stats count them all


def _corruption_errors() -> tuple[type[BaseException], ...]:
    from pyarrow import ArrowException

    errors: list[type[BaseException]] = [CorruptShard, OSError, EOFError, zlib.error, ArrowException,
                                         UnicodeDecodeError]
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
        max_line_bytes: int = MAX_LINE_BYTES,
        max_gap_bytes: int = MAX_GAP_BYTES,
        limit: int = -1,
    ):
        super().__init__(limit=limit)
        self.shards = shards
        self.fetcher = fetcher
        self.max_html_bytes = max_html_bytes
        self.on_bad_input = on_bad_input
        self.keep_downloads = keep_downloads
        self.max_line_bytes = max_line_bytes  # longest JSONL line read; longer ones are skipped
        self.max_gap_bytes = max_gap_bytes  # most bytes scanned for the next WARC record or gzip member

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
        logged: Counter[str] = Counter()
        corrupt = _corruption_errors()
        try:
            with open_shard(shard.location, self.fetcher) as raw:
                items = self._logging_notes(self._records(shard, raw), shard.location, logged)
                for index, item in enumerate(items):
                    with self.track_time():
                        if not isinstance(item, Skipped):
                            item = self.to_document(item, shard, index)
                    if isinstance(item, Skipped):
                        self._skip(item, shard.location, logged)
                        continue
                    last_good = f"record {index} ({item.id})"
                    yield item
        except InputMissing as exc:
            self._bad_input("input_missing", str(exc))
            return
        except MissingColumn as exc:
            self._bad_input("input_missing_column", f"{shard.location}: {exc}")
            return
        except corrupt as exc:
            self._bad_input("input_corrupt", f"{shard.location}: unreadable after {last_good}: {one_line(exc)}")
            return
        finally:
            for reason, count in logged.items():
                if count > LOGGED_SKIPS:
                    logger.warning(f"{shard.location}: {count - LOGGED_SKIPS} more {reason} not logged")
        if is_http(shard.location) and not self.keep_downloads:
            self.fetcher.cache_path(shard.location).unlink(missing_ok=True)

    def _records(self, shard: Shard, raw) -> Iterator[dict[str, Any] | Skipped | Note]:
        if shard.format == "warc":
            return iter_warc(raw, self.max_html_bytes, self.max_gap_bytes)
        if shard.format == "jsonl":
            return iter_jsonl(decompressing(raw, shard.location), self.max_line_bytes)
        return iter_parquet(raw, shard.text_key)

    def _skip(self, item: Skipped, location: str, logged: Counter[str]) -> None:
        """Count a record that does not become a document and log what is wrong with it (the first
        few per reason: a shard of bad records must not flood the task log). Damage to the file
        fails the task under ``on_bad_input: fail``."""
        if isinstance(item, Damaged) and self.on_bad_input == "fail":
            raise InputError(f"{location}: {item.detail}")
        self.stat_update(item.reason)
        if item.detail:
            self._log_capped(item.reason, f"{location}: {item.detail}", logged)

    def _logging_notes(self, items: Iterator[dict[str, Any] | Skipped | Note], location: str,
                       logged: Counter[str]) -> Iterator[dict[str, Any] | Skipped]:
        """The parser's items but its notes (what warcio said about a record it read all the same),
        which are counted and logged here: they are no record, and must not shift the numbering."""
        for item in items:
            if isinstance(item, Note):
                self.stat_update(item.reason)
                self._log_capped(item.reason, f"{location}: {item.detail}", logged)
            else:
                yield item

    @staticmethod
    def _log_capped(reason: str, message: str, logged: Counter[str]) -> None:
        logged[reason] += 1
        if logged[reason] <= LOGGED_SKIPS:
            logger.warning(message)

    def _bad_input(self, reason: str, message: str) -> None:
        if self.on_bad_input == "fail":
            raise InputError(message)
        self.stat_update(reason)
        logger.warning(f"{message} (skipped; on_bad_input=skip)")

    def to_document(self, item: dict[str, Any], shard: Shard, index: int) -> Document | Skipped:
        """Map a raw record onto a Document with the contract's provenance keys. A record with a
        field the data contract cannot hold (a numeric url, say) is skipped: kept, it would fail
        the task further on (in the provenance code or the writer) and take the shard with it."""
        line = item.pop("_line", None)
        number = index if line is None else line
        text = item.pop(shard.text_key, None)
        doc_id = item.pop(shard.id_key, None)
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)  # integer ids (common in JSONL dumps) have one lossless string form
        decoded_by = item.pop("_decoded_by", "utf8")
        metadata = item.pop("metadata", None)
        metadata = dict(metadata) if isinstance(metadata, dict) else {}
        metadata.update(item)
        if "fetch_date" not in metadata and "date" in metadata:
            metadata["fetch_date"] = str(metadata.pop("date"))
        misfit = _misfit([("text", text), ("id", doc_id), *metadata.items()])
        if misfit:
            return Skipped("invalid_record", f"{'record' if line is None else 'line'} {number}: {misfit}")
        if not text or not text.strip():
            return Skipped("skipped_empty_text")
        if decoded_by != "utf8":
            self.stat_update(f"decoded_{decoded_by}")
        metadata.update(url_provenance(metadata.get("url")))
        metadata["source_file"] = shard.name
        metadata.setdefault("signals", None)
        if shard.html:
            metadata[HTML_FLAG] = True
        self.stat_update("documents")
        return Document(text=text, id=doc_id or f"{shard.name}#{number}", metadata=metadata)


class RecordUrls(ShardReader):
    """The URLs of the pages the fetch reader would yield, without their text: for a pass that only
    needs their origins (the robots crawl before extraction). WARC and ARC records are read to
    their HTTP headers, with the reader's framing checks, and their payload is never decoded;
    JSONL and Parquet records are read whole (the URL is a field of the record)."""

    name = "🔗 Record URLs"
    stats_key = "record_urls"

    def _records(self, shard: Shard, raw) -> Iterator[dict[str, Any] | Skipped | Note]:
        if shard.format == "warc":
            return iter_warc(raw, self.max_html_bytes, self.max_gap_bytes, item=page_url_item)
        return super()._records(shard, raw)

    def to_document(self, item: dict[str, Any], shard: Shard, index: int) -> Document | Skipped:
        if shard.format != "warc":
            return super().to_document(item, shard, index)
        self.stat_update("documents")
        return Document(text="", id=f"{shard.name}#{index}", metadata={"url": item["url"]})


def _misfit(fields: Iterable[tuple[str, Any]]) -> str | None:
    """What is wrong with the first field whose value its data contract column cannot hold."""
    for key, value in fields:
        fits = _FITS.get(key)
        if fits is not None and not fits(value):
            return f"{key} is {type(value).__name__} {value!r:.60}, the data contract says {COLUMN_TYPES[key]}"
    return None


def _checker(kind: pa.DataType) -> Callable[[Any], bool]:
    """Whether a Python value fits an Arrow type; None always does (every column is nullable)."""
    if pa.types.is_struct(kind):
        fields = [(field.name, _checker(field.type)) for field in kind]
        return lambda value: value is None or (
            isinstance(value, dict) and all(fits(value.get(name)) for name, fits in fields))
    if pa.types.is_list(kind):
        element = _checker(kind.value_type)
        return lambda value: value is None or (isinstance(value, list) and all(map(element, value)))
    if pa.types.is_boolean(kind):
        return lambda value: value is None or isinstance(value, bool)
    for check, python in ((pa.types.is_string, str), (pa.types.is_integer, int), (pa.types.is_floating, int | float)):
        if check(kind):  # bool is an int in Python, never a number in the data
            return lambda value, python=python: value is None or (
                isinstance(value, python) and not isinstance(value, bool))
    return lambda value: True


_FITS = {key: _checker(kind) for key, kind in COLUMN_TYPES.items()}
