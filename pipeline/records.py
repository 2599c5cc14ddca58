"""Parse shards into raw records: WARC responses, JSONL lines, Parquet rows.

Each parser yields either a record dict (``text``, ``id`` and provenance keys) or a ``Skipped`` with
the reason, so the reader can count every record that does not become a document; nothing is
dropped without a stat. Problems that end a file early (truncated gzip, broken WARC framing) are
raised to the reader, which counts them and names the file and record.

Our own WARC parsing (on warcio) exists because datatrove's WarcReader discards the HTTP response
headers, and ``X-Robots-Tag`` and ``tdm-reservation`` live there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

from clearweb.pipeline.signals import header_signals

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Skipped:
    """A record that does not become a document, and why (the stat name)."""

    reason: str


Record = dict[str, Any]


def decode_html(body: bytes, declared: str | None) -> tuple[str, str]:
    """Decode a response body; returns (text, how) where ``how`` names the path taken for the stats.

    UTF-8 is tried first (valid UTF-8 with non-ASCII bytes is almost never anything else), then the
    declared charset, then detection; as a last resort invalid bytes become U+FFFD.
    """
    try:
        return body.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        pass
    if declared and declared.lower().replace("-", "") != "utf8":
        try:
            return body.decode(declared), "declared_charset"
        except (UnicodeDecodeError, LookupError):
            pass
    encoding = detect_charset(body[:65536])
    if encoding:
        try:
            return body.decode(encoding), "detected_charset"
        except (UnicodeDecodeError, LookupError):
            pass
    return body.decode("utf-8", errors="replace"), "replaced_invalid_bytes"


def detect_charset(sample: bytes) -> str | None:
    """charset_normalizer's guess, but windows-1252 wins near-ties.

    On short, mostly-ASCII Latin text every Latin code page decodes almost equally well and the
    detector's pick among them is arbitrary (cp1257 for French, say); windows-1252 is the web's
    dominant legacy encoding (WHATWG maps latin-1 and ascii labels to it), so within 0.01 mess of
    the best guess it is the better bet. Cyrillic, Greek or CJK guesses are far from any tie.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = matches[0]
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + 0.01:
            return "cp1252"
    return best.encoding


def _content_type(value: str | None) -> tuple[str, str | None]:
    """('text/html', 'iso-8859-1') from 'text/html; charset=ISO-8859-1'."""
    if not value:
        return "", None
    mime, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("'\"") or None
    return mime.strip().lower(), charset


class CorruptShard(Exception):
    """The shard ends early or holds bytes that are not records (truncated download, bad copy)."""


def iter_warc(stream: BinaryIO, max_bytes: int) -> Iterator[Record | Skipped]:
    """Yield one record per HTML 200 response; count everything else.

    warcio stops quietly at a truncated gzip member or a short record, which would lose the rest of
    the shard without a trace, so every record is checked for missing bytes and the file for
    unparsed bytes after the last complete record.
    """
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(stream)
    end = 0
    for record in iterator:
        item = _warc_item(record, max_bytes)
        iterator.read_to_end(record)
        missing = getattr(record.raw_stream, "limit", 0)
        if missing:
            url = record.rec_headers.get_header("WARC-Target-URI")
            raise CorruptShard(f"record at offset {iterator.get_record_offset()} ({url}) lacks {missing} bytes")
        end = iterator.get_record_offset() + iterator.get_record_length()
        yield item
    _check_tail(stream, end)


def _check_tail(stream: BinaryIO, end: int) -> None:
    """Only record separators may follow the last complete record."""
    try:
        stream.seek(end)
        rest = stream.read(64)
    except (OSError, ValueError):
        return  # not seekable: nothing more to check
    if rest.strip(b"\r\n"):
        raise CorruptShard(f"unreadable bytes after the last complete record (offset {end})")


def _warc_item(record, max_bytes: int) -> Record | Skipped:
    if record.rec_type != "response":
        return Skipped(f"skipped_{record.rec_type or 'unknown'}_record")
    http = record.http_headers
    if http is None:
        return Skipped("skipped_no_http_headers")
    status = http.get_statuscode() or "000"
    if status != "200":
        return Skipped(f"skipped_http_{status[0]}xx")
    mime, charset = _content_type(http.get_header("Content-Type"))
    payload_type = (record.rec_headers.get_header("WARC-Identified-Payload-Type") or mime).lower()
    if payload_type not in HTML_TYPES and mime not in HTML_TYPES:
        return Skipped("skipped_not_html")
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        log.warning("skipping %s: HTML larger than %d bytes", url, max_bytes)
        return Skipped("skipped_too_large")
    text, decoded_by = decode_html(body, charset)
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    return {
        "text": text,
        "id": record_id,
        "url": url,
        "fetch_date": record.rec_headers.get_header("WARC-Date"),
        "warc_record_id": record_id,
        "signals": header_signals(http.headers),
        "_decoded_by": decoded_by,
    }


def iter_jsonl(stream: BinaryIO, location: str) -> Iterator[Record | Skipped]:
    """One JSON object per line; a bad line is skipped and logged with its line number."""
    for line_number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            log.warning("%s:%d: invalid JSON, skipped (%s)", location, line_number, str(exc).splitlines()[0])
            yield Skipped("invalid_record")
            continue
        if not isinstance(data, dict):
            log.warning("%s:%d: not a JSON object, skipped", location, line_number)
            yield Skipped("invalid_record")
            continue
        data.setdefault("_line", line_number)
        yield data


def iter_parquet(stream: BinaryIO, batch_size: int = 1024) -> Iterator[Record | Skipped]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(stream) as parquet:
        for batch in parquet.iter_batches(batch_size=batch_size):
            yield from batch.to_pylist()
