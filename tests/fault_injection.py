"""Broken inputs for the bad-input tests, generated into a test's tmp_path.

The valid parts come from warcio's writer (``tests.helpers.write_warc``) and ``html_page``; each
fault is byte surgery on them, so a test states exactly which bytes are wrong. Large faults (long
lines, long garbage) are written in chunks: the test process never holds them, so a memory bound
measured around the reader is the reader's own.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from pathlib import Path

from tests.helpers import html_page, write_warc

GERMAN = "Plähne für Bürger: Öffnungszeiten, Straßenfest und Führungen über das ganze Jahr. " * 3
_CHUNK = 1 << 20


def pages(n: int, start: int = 0) -> list[dict]:
    """``n`` HTML 200 responses, each with its number in the URL and the text."""
    return [{"url": f"https://blog.example.co.uk/p/{i}", "body": html_page(f"page {i}")} for i in range(start, start + n)]


def record_bytes(folder: Path, records: list[dict]) -> list[bytes]:
    """Each record as its own uncompressed WARC record (headers, block, ``\\r\\n\\r\\n``)."""
    parts = []
    for record in records:
        scratch = write_warc(folder / "part.warc", [record], gzip=False)
        parts.append(scratch.read_bytes())
        scratch.unlink()
    return parts


def write_parts(path: Path, parts: Iterable[bytes], members: bool) -> Path:
    """Concatenate WARC records, each as its own gzip member when ``members`` (as warcio writes)."""
    with open(path, "wb") as handle:
        for part in parts:
            handle.write(gzip.compress(part, mtime=0) if members else part)
    return path


def shift_content_length(record: bytes, delta: int) -> bytes:
    """The record with its WARC Content-Length off by ``delta`` and nothing else changed."""
    header_end = record.index(b"\r\n\r\n")
    header = re.sub(rb"Content-Length: (\d+)", lambda m: b"Content-Length: %d" % (int(m[1]) + delta),
                    record[:header_end], count=1)
    return header + record[header_end:]


def cut_at_blank_line(record: bytes) -> bytes:
    """The record with its Content-Length ending just before the last blank line (``\\r\\n\\r\\n``)
    inside its block: the bytes after the declared length then look like the record end."""
    header_end = record.index(b"\r\n\r\n") + 4
    block_end = len(record) - 4
    return shift_content_length(record, record.rindex(b"\r\n\r\n", header_end, block_end) - block_end)


def damage_member(member: bytes) -> bytes:
    """A gzip member whose deflate data is overwritten in the middle (inflate fails or the CRC does)."""
    middle = len(member) // 2
    return member[:middle] + bytes(b ^ 0x5A for b in member[middle:middle + 16]) + member[middle + 16:]


def append_garbage(path: Path, size: int) -> Path:
    """``size`` bytes with no newline and no WARC header appended to ``path``, written in chunks."""
    pattern = bytes(range(0x20, 0x7F)).replace(b"W", b"w") * (_CHUNK // 95 + 1)
    with open(path, "ab") as handle:
        while size > 0:
            handle.write(pattern[: min(size, _CHUNK)])
            size -= _CHUNK
    return path


def jsonl_with_long_line(path: Path, long_bytes: int) -> Path:
    """Three JSONL lines; the second is a valid JSON object ``long_bytes`` long, written in chunks."""
    with open(path, "wb") as handle:
        handle.write(json.dumps({"text": "before the long line", "id": "a"}).encode() + b"\n")
        handle.write(b'{"id": "long", "text": "')
        filler = long_bytes - len(b'{"id": "long", "text": ""}')
        while filler > 0:
            handle.write(b"x" * min(filler, _CHUNK))
            filler -= _CHUNK
        handle.write(b'"}\n')
        handle.write(json.dumps({"text": "after the long line", "id": "c"}).encode() + b"\n")
    return path


def utf8_with_bad_bytes(declared: str | None) -> dict:
    """A German UTF-8 page with two invalid bytes (a stray Latin-1 ``ä``, a lone continuation byte)."""
    body = html_page(GERMAN).encode("utf-8").replace(b"Jahr.", b"Jahr\xe4.", 1).replace(b"Stra", b"Stra\x9f", 1)
    headers = [("Content-Type", f"text/html; charset={declared}" if declared else "text/html")]
    return {"url": f"https://stadt.example.de/{declared or 'none'}", "body": body, "headers": headers}
