"""Parse shards into raw records: WARC and ARC responses, JSONL lines, Parquet rows.

Each parser yields either a record dict (``text``, ``id`` and provenance keys) or a ``Skipped`` with
the reason (and, when worth a log line, the record and what is wrong with it), so the reader can
count every record that does not become a document; nothing is dropped without a stat. Damage a
parser reads past (a WARC record whose framing is wrong, a gzip member that does not inflate, junk
between records, an ARC record whose length is no byte count, runs past the end of the file or ends
where no newline follows) is a ``Damaged`` skip, which the reader handles by ``on_bad_input``;
damage that ends a WARC file early (truncation, no record within ``max_gap`` bytes) or an ARC header
line that does not parse is raised as ``CorruptShard``. Lines, record headers and the scan for the
next record all have caps, so memory stays bounded whatever the input holds.

The WARC framing is ours, with warcio parsing each record's headers and payload. warcio's own
iterator takes Content-Length on trust (a wrong one cuts a document mid-word and turns the rest of
the record into a "next record" that it drops), reads whatever follows a record as one line (junk
without newlines fills memory), stops at the first damaged gzip member and refuses a file gzipped
as one member (which we read, keeping the inflater's state at each record start so that going back
after a bad record does not re-inflate the file from its start). datatrove's WarcReader, also on
warcio, would in addition discard the HTTP response headers, and ``X-Robots-Tag`` and
``tdm-reservation`` live there. What warcio logs about a record (a target URI with spaces, which
it percent-encodes) comes as a ``Note`` with the record's position instead of going to stderr.

An ARC record is one header line (``uri ip-address archive-date content-type length``) and
``length`` bytes of HTTP response, a newline before the next header line; the first record
(``filedesc://``) holds the version block and is no document. The header's content-type repeats the
HTTP Content-Type (without its charset), so, as in a WARC, the HTTP headers decide which records are
HTML (warcio's ARC-to-WARC conversion drops the field). ARC has no record ids: a document's id is
derived from its URI and archive-date (see ``_ArcIds``), and its ``fetch_date`` is the archive-date
in WARC-Date's form. Also warcio's body reading writes to stderr when a compressed body stops
inflating; such a body is cut short, so the record is skipped with that message.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import math
import re
import uuid
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, NamedTuple, NoReturn

import orjson
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

from clearweb.pipeline.signals import header_signals

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_LINE_BYTES = 64 << 20  # default cap on a JSONL line
MAX_GAP_BYTES = 64 << 20  # default cap on the bytes scanned for the next WARC record or gzip member
_CHUNK = 1 << 16  # bytes read, and inflated, at a time
_KEEP_BEHIND = 8  # bytes the framer keeps before its position (a needle may straddle two reads)
_MAX_HEADER_BYTES = 1 << 20  # a record header block (or one header line) longer than this is damage
_WARC_VERSIONS = {version.encode() for version in ArcWarcRecordLoader.WARC_TYPES}
_GZIP_MAGIC = b"\x1f\x8b\x08"
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Skipped:
    """A record that does not become a document: why (the stat name) and, for the log, which
    record and what is wrong with it (empty when the stat says it all)."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Damaged(Skipped):
    """Bytes of a file that hold no readable record, skipped up to the next record; the file is
    damaged, so ``on_bad_input: fail`` fails the task on it."""


@dataclass(frozen=True)
class Note:
    """Something to log about a record that is read all the same (what warcio logged about it): the
    stat to count it under and the line to log, with the record's position."""

    reason: str
    detail: str


class CorruptShard(Exception):
    """The shard ends early or holds bytes that are not records (truncated download, bad copy)."""


class MissingColumn(Exception):
    """A Parquet shard lacks the configured text column: a config or input mistake, not damage."""


Record = dict[str, Any]


def decode_html(body: bytes, declared: str | None) -> tuple[str, str]:
    """Decode a response body; returns (text, how) where ``how`` names the path taken for the stats.

    UTF-8 is tried first (valid UTF-8 with non-ASCII bytes is almost never anything else). A body
    that is UTF-8 but for a few bad bytes (a stray Latin-1 byte pasted into a template) stays UTF-8
    with those bytes replaced: a legacy charset would decode it whole, and every one of its
    multi-byte characters would turn into two or three wrong ones. Then the declared charset, then
    detection; as a last resort invalid bytes become U+FFFD.
    """
    try:
        return body.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="replace")
    if _mostly_utf8(body, text, _is_utf8_label(declared)):
        return text, "mostly_utf8"
    if declared and not _is_utf8_label(declared):
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
    return text, "replaced_invalid_bytes"


def _is_utf8_label(charset: str | None) -> bool:
    return bool(charset) and charset.lower().replace("-", "").replace("_", "") == "utf8"


def _mostly_utf8(body: bytes, text: str, declared_utf8: bool) -> bool:
    """Whether valid multi-byte sequences outnumber the invalid ones (by 4 to 1, or at all when
    the page declares UTF-8). Text in a legacy charset has almost no valid sequences: an accented
    letter there is one byte followed by ASCII, which is invalid UTF-8."""
    invalid = text.count("\ufffd") - body.count("\ufffd".encode())
    ascii_bytes = len(body.translate(None, bytes(range(128, 256))))
    valid = len(text) - ascii_bytes - invalid
    return valid > invalid if declared_utf8 else valid >= 4 * invalid


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


def iter_warc(stream: BinaryIO, max_bytes: int, max_gap: int = MAX_GAP_BYTES,
              item: Callable[[Any, int], Record | Skipped] | None = None,
              ) -> Iterator[Record | Skipped | Note]:
    """Yield one record per HTML 200 response; count everything else. ``item`` makes a record's item
    instead (from warcio's record, HTTP headers parsed, and ``max_bytes``), for readers of other
    records than pages.

    Each record must end where its header says: its block is Content-Length bytes long and
    ``\\r\\n\\r\\n`` follows. A record that does not is damage, never a document (its text would be
    cut, or run into the next record); reading resumes at the next ``WARC/1.x`` header after its
    own, so a Content-Length that runs long does not take the next record with it. A record is also
    held back until what follows it is known: when it is followed by bytes that are no record but
    end like one, its Content-Length stopped short at a blank line of its payload. Junk between
    records is skipped to the next header and a gzip member that does not inflate to the next
    member, each scanning at most ``max_gap`` bytes; whatever cannot be read past ends the file with
    ``CorruptShard``. ARC files are framed by their header line, without resynchronising: a header
    line that does not parse ends the file, a record whose length is no byte count, runs past the
    end of the file or ends where no newline follows is ``Damaged``. As the newline may also be one
    of the page's, an ARC record is held back until the next header line parses: when it does not,
    the record's length may have stopped short inside it, and it is ``Damaged`` too. What warcio
    logs while it parses a record comes as a ``Note`` before the record's item. The stream must be
    seekable (local files, the download cache and fsspec files are): resuming after a bad record
    re-reads its bytes.
    """
    framer = _Framer(_open_source(stream, max_gap))
    loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
    make_item = item or functools.partial(_page_item, arc_ids=_ArcIds())
    warcio_log = _WarcioLog()
    warc: bool | None = None  # or ARC; known once the first bytes inflate
    held: _Held | None = None  # the last record read, until what follows shows that it ended there
    damage = ""  # what the bytes skipped since then were, for the Damaged line once reading resumes
    rescan_from: int | None = None  # where to look for the next record after a bad one
    while True:
        yield from warcio_log.notes()
        junk_at = framer.where()
        try:
            if rescan_from is not None:
                framer.seek(rescan_from)
                rescan_from = None
            if warc is None:
                warc = framer.peek(64).lstrip(b"\r\n").startswith(b"WARC/")
            junk, found = framer.next_record(warc, max_gap)
        except _DamagedMember as exc:
            problem = str(exc)
            if held and exc.start < held.end:  # the member holding the record failed (its CRC)
                problem = f"{held.where}: {exc}"
            elif held:
                yield held.item
            held = None
            if damage:
                yield Damaged("corrupt_record", damage)
            if not exc.resumed:
                raise CorruptShard(f"{problem}; no readable record follows") from None
            damage = problem
            continue
        if held and junk and framer.behind(len(_RECORD_END)) == _RECORD_END:
            damage, held = f"{held.where}: Content-Length ends inside the record", None
        if held and (warc or found != "record"):  # an ARC record waits for the next header line
            yield held.item
            held = None
        damage = damage or (f"unreadable bytes at {junk_at}" if junk else "")
        if found != "record":
            if damage:
                beyond = f" within {max_gap} bytes" if found == "limit" else ""
                raise CorruptShard(f"{damage}; no readable record follows{beyond}")
            return
        if damage:
            yield Damaged("corrupt_record", f"{damage}; skipped to the next record at {framer.where()}")
            damage = ""
        start = framer.tell()
        framer.forget_before(start)
        where = f"record at {framer.where()}"
        try:
            with warcio_log.parsing(where):
                if not framer.header_fits(warc):
                    raise _BadFraming(f"no end of the record header within {_MAX_HEADER_BYTES} bytes")
                record = loader.parse_record_stream(framer, known_format="warc" if warc else "arc",
                                                    no_record_parse=True)
            if not warc:
                _check_arc_header(record.rec_headers)
            uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_headers.get_header("uri")
            where += f" ({uri})"
            record_item = _read_block(framer, loader, record, uri, max_bytes, make_item, where)
        except _DamagedMember as exc:
            if held:  # an ARC record, intact unless its own member failed
                yield Damaged("corrupt_record", f"{held.where}: {exc}") if exc.start < held.end else held.item
                held = None
            yield from warcio_log.notes()
            if not exc.resumed:
                raise CorruptShard(f"{where}: {exc}; no readable record follows") from None
            damage = f"{where}: {exc}"
            continue
        except (_BadFraming, ArchiveLoadFailed, StatusAndHeadersParserException, EOFError) as exc:
            if not warc:
                if held:  # what follows it is no header line: its length may stop short inside it
                    suspect = Damaged("corrupt_record", f"{held.where}: no ARC header line follows it")
                    yield held.item if isinstance(held.item, Damaged) else suspect
                yield from warcio_log.notes()
                raise CorruptShard(f"{where}: {exc}") from None
            damage = f"{where}: {exc}"
            rescan_from = start + 1
            continue
        if held:
            yield held.item
        held = _Held(record_item, where, framer.tell())


class _WarcioLog(logging.Handler):
    """Collects what warcio logs while it parses a record, as notes with the record's position.
    warcio logs the problems it works around (a WARC-Target-URI with spaces, which it
    percent-encodes) without naming the file, and with no handler configured Python prints them to
    stderr, where no task log sees them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.where = ""  # the record being parsed
        self.collected: list[Note] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.collected.append(Note("warcio_warning", f"{self.where}: warcio: {record.getMessage()}"))

    @contextlib.contextmanager
    def parsing(self, where: str) -> Iterator[None]:
        """Collect warcio's log for the duration, and keep it from Python's other handlers."""
        self.where = where
        warcio_log = logging.getLogger("warcio")
        propagate, warcio_log.propagate = warcio_log.propagate, False
        warcio_log.addHandler(self)
        try:
            yield
        finally:
            warcio_log.removeHandler(self)
            warcio_log.propagate = propagate

    def notes(self) -> list[Note]:
        """The notes collected since the last call."""
        notes, self.collected = self.collected, []
        return notes


def _check_arc_header(headers) -> None:
    """Raise ``_BadFraming`` unless the fields warcio split an ARC header line into look like one.
    Any line of five words splits: the rest of a page whose length stopped short, or the first
    bytes of the next header line after a length that ran long, would pass for one."""
    uri, archive_date = headers.get_header("uri"), headers.get_header("archive-date")
    if not _URI_SCHEME.match(uri) or not archive_date.isdigit():
        raise _BadFraming(f"not an ARC header line (URI {uri!r:.80}, archive-date {archive_date!r:.20})")


_RECORD_END = b"\r\n\r\n"


class _BadFraming(Exception):
    """A record does not end where its header says, or its header cannot be read."""


class _DamagedMember(Exception):
    """A gzip member that does not inflate or is cut short. The source has moved on to the next
    member that inflates (``resumed``), or to the end of the file when there is none."""

    def __init__(self, message: str, start: int, resumed: bool):
        super().__init__(message)
        self.start = start  # position of the member's first byte: what was read from there on is lost
        self.resumed = resumed


class _Held(NamedTuple):
    item: Record | Skipped
    where: str  # "record at byte N (url)", for messages
    end: int  # position just past its record end


def _read_block(framer: _Framer, loader: ArcWarcRecordLoader, record, uri: str | None, max_bytes: int,
                make_item: Callable[[Any, int], Record | Skipped], where: str) -> Record | Skipped:
    """The record's item, once its block has been read to the declared length and the record end
    follows. An ARC record has no record end, but a newline precedes each header line. An ARC record
    whose length is no byte count, that the end of the file cuts short or that a newline does not
    follow is ``Damaged``, and reading goes on after it as warcio's does (a length that is no byte
    count read as 0), so any of its bytes left, or the rest of a header line its length ran into,
    fail to parse as the next header line and end the file."""
    warc = record.format == "warc"
    if warc and not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
        raise _BadFraming("no valid Content-Length")
    length = record.rec_headers.get_header("length")
    if not warc and not (length or "").isdigit():
        return Damaged("corrupt_record", f"{where}: length {length!r} is no byte count")
    # warcio would have parsed the HTTP headers itself, but fails on a record without a target URI
    record.http_headers = loader.load_http_headers(record.rec_type, uri or "", record.raw_stream, record.length)
    item = _item_unless_body_cut(make_item, record, max_bytes, where)
    while record.raw_stream.read(_CHUNK):
        pass
    if record.raw_stream.limit:
        declared = "Content-Length" if warc else "length"
        short = f"the file ends {record.raw_stream.limit} bytes short of its {declared}"
        if warc:
            raise _BadFraming(short)
        return Damaged("corrupt_record", f"{where}: {short}")
    if warc and framer.read(len(_RECORD_END)) != _RECORD_END:
        raise _BadFraming("Content-Length does not end at the record end")
    if not warc and framer.peek(1) not in (b"", b"\n", b"\r"):  # the newline before the next header line
        return Damaged("corrupt_record", f"{where}: length does not end at a line end")
    return item


def _open_source(stream: BinaryIO, max_gap: int) -> _Plain | _Gzip:
    magic = stream.read(2)
    stream.seek(-len(magic), io.SEEK_CUR)
    return _Gzip(stream, max_gap) if magic == _GZIP_MAGIC[:2] else _Plain(stream)


class _Plain:
    """An uncompressed file as a source of bytes; positions count from where reading began."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.origin = raw.tell()
        self.position = 0  # of the next byte ``read`` returns

    def read(self) -> bytes:
        data = self.raw.read(_CHUNK)
        self.position += len(data)
        return data

    def seek(self, position: int) -> None:
        self.raw.seek(self.origin + position)
        self.position = position

    def where(self, position: int) -> str:
        return f"byte {self.origin + position}"

    def forget_before(self, position: int, ahead: memoryview) -> None:
        """Any position can be sought again: nothing to forget, nothing to keep."""


class _Checkpoint(NamedTuple):
    """The inflater's state at a position inside a gzip member, to seek back to without
    re-inflating the member from its start."""

    position: int
    ahead: memoryview  # the inflated bytes from ``position`` on that the source had handed out
    ready: bytes  # and those it had inflated but not handed out yet: the inflater stands after them
    members: list[tuple[int, int]]  # the member starts known then, from the one holding ``position``
    inflater: Any  # a copy of the zlib decompressor, copied again on each use
    input: bytes
    input_offset: int
    started: bool


class _Gzip:
    """The inflated bytes of a gzip file of one or more members (WARC writers give each record its
    own, some tools gzip the whole file as one). Positions count inflated bytes; seeking back
    re-inflates from the start of the member holding the position, so the member starts met since
    ``forget_before`` are kept, or from the checkpoint kept at the last record start when that lies
    inside a member: in a file gzipped as one member, going back to just after a bad record would
    otherwise re-inflate the file from its start, each time. A member that does not inflate (bad
    data, bad CRC) raises ``_DamagedMember`` once the source has found the next member that
    inflates to a WARC header, scanning at most ``max_gap`` bytes of the file."""

    def __init__(self, raw: BinaryIO, max_gap: int):
        self.raw = raw
        self.max_gap = max_gap
        self.members: list[tuple[int, int]] = []  # (position, file offset) where each member starts
        self.checkpoint: _Checkpoint | None = None
        self._begin_member(0, raw.tell())

    def _begin_member(self, position: int, offset: int, data: bytes = b"") -> None:
        self.members.append((position, offset))
        self.position = position  # of the next byte ``read`` returns
        self.inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self.input = data  # compressed bytes read but not inflated yet
        self.input_offset = offset  # file offset of input[0]
        self.started = False  # whether the member has been fed any bytes
        self.ready = b""  # inflated bytes a seek re-inflated past its position

    def read(self) -> bytes:
        """The next inflated bytes; b"" at the end of the file."""
        if self.ready:
            data, self.ready = self.ready, b""
            self.position += len(data)
            return data
        while True:
            data = self.input or self.raw.read(_CHUNK)
            if not data and not self.started:
                return b""
            try:
                out = self.inflater.decompress(data, _CHUNK)
            except zlib.error as exc:
                self._skip_damaged(f"does not inflate ({exc})")
            if not data and not out and not self.inflater.eof:
                self._skip_damaged("is cut short (truncated file?)")
            self.started = self.started or bool(data)
            end = self.position + len(out)
            if self.inflater.eof:
                rest = self.inflater.unused_data
                self._begin_member(end, self.input_offset + len(data) - len(rest), rest)
            else:
                self.input = self.inflater.unconsumed_tail
                self.input_offset += len(data) - len(self.input)
                self.position = end
            if out:
                return out

    def _skip_damaged(self, problem: str) -> NoReturn:
        start, offset = self.members[-1]
        found = self._next_member(offset + 1)
        if found is None:  # go on from the end of the file: reads return nothing
            self.raw.seek(0, io.SEEK_END)
            if self.raw.tell() - offset > self.max_gap:
                problem += f", and no intact member follows within {self.max_gap} bytes"
        else:
            self.raw.seek(found)
        self.checkpoint = None  # it stands before the damage, which re-inflating would meet again
        self._begin_member(self.position, self.raw.tell())
        raise _DamagedMember(f"gzip member at byte {offset} {problem}", start, resumed=found is not None)

    def _next_member(self, offset: int) -> int | None:
        """File offset of the first member at or after ``offset`` that inflates to a WARC header."""
        limit = offset + self.max_gap
        while offset < limit:
            self.raw.seek(offset)
            wanted = min(_CHUNK, limit - offset) + len(_GZIP_MAGIC) - 1
            window = self.raw.read(wanted)
            found = window.find(_GZIP_MAGIC)
            if found == -1:
                if len(window) < wanted:
                    return None
                offset += len(window) - len(_GZIP_MAGIC) + 1
            elif self._inflates_to_warc(offset + found):
                return offset + found
            else:
                offset += found + 1
        return None

    def _inflates_to_warc(self, offset: int) -> bool:
        self.raw.seek(offset)
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(self.raw.read(_CHUNK), 16)
        except zlib.error:
            return False
        return head.startswith(b"WARC/")

    def seek(self, position: int) -> None:
        checkpoint = self.checkpoint
        if checkpoint and checkpoint.position <= position:
            self.members = list(checkpoint.members)
            self.inflater = checkpoint.inflater.copy()
            self.input, self.input_offset = checkpoint.input, checkpoint.input_offset
            self.started = checkpoint.started
            self.raw.seek(self.input_offset + len(self.input))
            self.position, self.ready = checkpoint.position, bytes(checkpoint.ahead) + checkpoint.ready
        else:
            index = bisect_right(self.members, (position, math.inf)) - 1
            start, offset = self.members[index]
            del self.members[index:]
            self.raw.seek(offset)
            self._begin_member(start, offset)
        while self.position < position and (data := self.read()):
            if self.position > position:
                self.ready = data[len(data) - (self.position - position):]
                self.position = position

    def _member_holding(self, position: int) -> tuple[int, int]:
        return self.members[max(bisect_right(self.members, (position, math.inf)) - 1, 0)]

    def where(self, position: int) -> str:
        """``position`` for messages: the file offset of its member when it starts one (in a WARC
        gzipped per record, the record's member), else also how far into the member it lies."""
        start, offset = self._member_holding(position)
        if position == start:
            return f"byte {offset}"
        return f"inflated byte {position - start} of the gzip member at byte {offset}"

    def forget_before(self, position: int, ahead: memoryview) -> None:
        """Keep only what seeking back to ``position`` or later needs: the member holding it and,
        when ``position`` lies inside that member, a checkpoint there. ``ahead`` holds the inflated
        bytes from ``position`` up to this source's own position (a view: most records start a
        member and need no copy). Copying the inflater takes a microsecond or two, less than warcio
        takes to parse the smallest record."""
        del self.members[: max(bisect_right(self.members, (position, math.inf)) - 1, 0)]
        self.checkpoint = None
        if self.members[0][0] != position:
            self.checkpoint = _Checkpoint(position, ahead, self.ready, list(self.members),
                                          self.inflater.copy(), self.input, self.input_offset, self.started)


class _Framer:
    """Buffered, bounded reading over a source: the file-like object warcio parses records from
    (``read``, ``readline``, ``tell``), plus the checks of where records start and end."""

    def __init__(self, source: _Plain | _Gzip):
        self.source = source
        self.buffer = b""
        self.index = 0  # next byte to hand out
        self.base = source.position  # position of buffer[0]

    def tell(self) -> int:
        return self.base + self.index

    def where(self) -> str:
        """The current position for messages: its file offset (in a gzip file, of its member)."""
        return self.source.where(self.tell())

    def seek(self, position: int) -> None:
        if self.base <= position <= self.base + len(self.buffer):
            self.index = position - self.base
        else:
            self.source.seek(position)
            self.buffer, self.index, self.base = b"", 0, position

    def forget_before(self, position: int) -> None:
        """Seeking will not go back before ``position``, which lies in the buffer."""
        self.source.forget_before(position, memoryview(self.buffer)[position - self.base:])

    def _more(self) -> bool:
        """Append the source's next bytes to the buffer, dropping what was handed out but the last
        few (``behind`` looks at them); False at the end of the file."""
        try:
            chunk = self.source.read()
        except _DamagedMember:
            self.buffer, self.index, self.base = b"", 0, self.source.position
            raise
        if not chunk:
            return False
        keep = max(self.index - _KEEP_BEHIND, 0)
        self.buffer = self.buffer[keep:] + chunk
        self.base += keep
        self.index -= keep
        return True

    def peek(self, size: int) -> bytes:
        while len(self.buffer) - self.index < size and self._more():
            pass
        return self.buffer[self.index:self.index + size]

    def behind(self, size: int) -> bytes:
        """The last ``size`` bytes handed out or skipped (up to ``_KEEP_BEHIND``)."""
        return self.buffer[max(self.index - size, 0):self.index]

    def read(self, size: int) -> bytes:
        if len(self.buffer) - self.index >= size:  # the common case, kept cheap: warcio reads line by line
            self.index += size
            return self.buffer[self.index - size:self.index]
        parts = []
        while size > 0 and (self.index < len(self.buffer) or self._more()):
            part = self.buffer[self.index:self.index + size]
            self.index += len(part)
            size -= len(part)
            parts.append(part)
        return b"".join(parts)

    def readline(self, size: int | None = None) -> bytes:
        """One line, at most ``size`` bytes and never longer than a record header may be."""
        limit = _MAX_HEADER_BYTES if size is None or size < 0 else min(size, _MAX_HEADER_BYTES)
        end = self.buffer.find(b"\n", self.index, self.index + limit)
        if end == -1:
            end = self._find(b"\n", limit)
            return self.read(limit if end == -1 else end + 1)
        line = self.buffer[self.index:end + 1]
        self.index = end + 1
        return line

    def _find(self, needle: bytes, limit: int) -> int:
        """Distance from here to the first ``needle`` that ends within ``limit`` bytes, or -1."""
        while True:
            found = self.buffer.find(needle, self.index, self.index + limit)
            if found != -1:
                return found - self.index
            if len(self.buffer) - self.index >= limit or not self._more():
                return -1

    def header_fits(self, warc: bool) -> bool:
        """Whether the header starting here ends within the cap: at a blank line (WARC), at the end
        of its first line (ARC). warcio then reads no more than that."""
        if not warc:
            return self._find(b"\n", _MAX_HEADER_BYTES) != -1
        return self._find(b"\n\r\n", _MAX_HEADER_BYTES) != -1 or self._find(b"\n\n", _MAX_HEADER_BYTES) != -1

    def next_record(self, warc: bool, limit: int) -> tuple[bool, str]:
        """Move past blank lines and, in a WARC file, past junk to the next version line, reading at
        most ``limit`` bytes. Returns whether junk was skipped, and "record" (one starts here),
        "end" (of the file) or "limit"."""
        start = self.tell()
        junk = False
        while self.tell() - start <= limit:
            self._skip_blank_lines(limit - (self.tell() - start))
            if not self.peek(1):
                return junk, "end"
            if not warc or self._at_warc_header():
                return junk, "record"
            junk = True
            found = self.buffer.find(b"WARC/", self.index + 1)
            self.index = found if found != -1 else max(self.index + 1, len(self.buffer) - len(b"WARC/") + 1)
        return junk, "limit"

    def _skip_blank_lines(self, limit: int) -> None:
        while limit > 0 and self.peek(1) in (b"\r", b"\n"):
            window = self.buffer[self.index:self.index + limit]
            blank = len(window) - len(window.lstrip(b"\r\n"))
            self.index += blank
            limit -= blank

    def _at_warc_header(self) -> bool:
        return self.peek(12).split(b"\n", 1)[0].rstrip(b"\r") in _WARC_VERSIONS


def _page_head(record) -> tuple[Any, str | None] | Skipped:
    """An HTML 200 response's HTTP headers and declared charset; anything else is skipped, counted."""
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
    return http, charset


def _page_url(record) -> str:
    # warcio percent-encodes spaces in a WARC-Target-URI (see _WarcioLog); ARC URIs alike
    if record.format == "arc":
        return record.rec_headers.get_header("uri").replace(" ", "%20")
    return record.rec_headers.get_header("WARC-Target-URI")


def page_url_item(record, max_bytes: int) -> Record | Skipped:
    """A page's URL from its record's headers alone (the payload is not decoded): what a pass that
    only needs the pages' origins reads (``iter_warc``'s ``item``)."""
    head = _page_head(record)
    return head if isinstance(head, Skipped) else {"url": _page_url(record)}


def _page_item(record, max_bytes: int, arc_ids: _ArcIds) -> Record | Skipped:
    head = _page_head(record)
    if isinstance(head, Skipped):
        return head
    http, charset = head
    url = _page_url(record)
    if record.format == "arc":
        archive_date = record.rec_headers.get_header("archive-date")
        record_id, warc_record_id, date = arc_ids.id_for(url, archive_date), None, _arc_date(archive_date)
    else:
        record_id = warc_record_id = record.rec_headers.get_header("WARC-Record-ID")
        date = record.rec_headers.get_header("WARC-Date")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        return Skipped("skipped_too_large", f"{url}: HTML larger than {max_bytes} bytes")
    if body[:2] == _GZIP_MAGIC[:2] and "gzip" in (http.get_header("Content-Encoding") or "").lower():
        # warcio hands back the compressed bytes, silently, when the first block does not inflate
        return Skipped("skipped_undecodable_body", f"{url}: gzip Content-Encoding that does not inflate")
    text, decoded_by = decode_html(body, charset)
    return {
        "text": text,
        "id": record_id,
        "url": url,
        "fetch_date": date,
        "warc_record_id": warc_record_id,
        "signals": header_signals(http.headers),
        "_decoded_by": decoded_by,
    }


def _item_unless_body_cut(make_item: Callable[[Any, int], Record | Skipped], record, max_bytes: int,
                          where: str) -> Record | Skipped:
    """The record's item, unless warcio printed something meanwhile: when a compressed body stops
    inflating partway, warcio writes the error to stderr and ends the body there, so the item would
    hold a cut body. (stderr is swapped for the duration, so a write from another thread would count
    too; the reader parses in one thread.)"""
    printed = io.StringIO()
    with contextlib.redirect_stderr(printed):
        item = make_item(record, max_bytes)
    if not printed.getvalue():
        return item
    encoding = record.http_headers.get_header("Content-Encoding") if record.http_headers else None
    lines = (line.strip() for line in printed.getvalue().splitlines())
    message = "; ".join(dict.fromkeys(line for line in lines if line))  # once per block it fails on
    return Skipped("skipped_undecodable_body", f"{where}: body stops decoding as {encoding} ({message})")


def _arc_date(archive_date: str) -> str | None:
    """An ARC archive-date (``20140216050221``) in WARC-Date's form (``2014-02-16T05:02:21Z``);
    None when it is not a 14-digit date."""
    if len(archive_date) != 14 or not archive_date.isdigit():
        return None
    try:
        return datetime.strptime(archive_date, "%Y%m%d%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


class _ArcIds:
    """Document ids for one ARC file's records, which have none of their own.

    The id is a UUID5 of the archive-date and URI, so the same capture gets the same id in every run
    and in every copy of the file (``.arc`` or ``.arc.gz``, whose byte offsets differ). A capture
    repeated in the file (same URI in the same second) gets its occurrence number hashed in too:
    ids stay unique within the file. The count per capture is the memory this costs, about a hundred
    bytes per HTML record of the file.
    """

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}  # uuid of each capture -> how many times it occurred

    def id_for(self, url: str, archive_date: str) -> str:
        capture = f"{archive_date} {url}"  # no space in the percent-encoded URI: unambiguous
        key = uuid.uuid5(uuid.NAMESPACE_URL, capture).int
        occurrence = self.seen.get(key, 0) + 1
        self.seen[key] = occurrence
        if occurrence > 1:
            capture += f" #{occurrence}"
        return f"<urn:arc:{uuid.uuid5(uuid.NAMESPACE_URL, capture)}>"


def iter_jsonl(stream: BinaryIO, max_line: int = MAX_LINE_BYTES) -> Iterator[Record | Skipped]:
    """One JSON object per line; a bad or over-long line is skipped with its line number."""
    for number, line in enumerate(_lines(stream, max_line), start=1):
        if line is None:
            yield Skipped("skipped_line_too_long", f"line {number}: longer than {max_line} bytes")
            continue
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Skipped("invalid_record", f"line {number}: invalid JSON ({str(exc).splitlines()[0]})")
            continue
        if not isinstance(data, dict):
            yield Skipped("invalid_record", f"line {number}: not a JSON object")
            continue
        data.setdefault("_line", number)
        yield data


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """The stream's lines (without the newline), read ``_CHUNK`` bytes at a time so that a huge
    line costs at most ``max_bytes`` of memory; None stands for a line longer than that, whose
    bytes are dropped as they are read (a file iterator would hold the whole line)."""
    parts: list[bytes] = []  # the current line so far
    size = 0
    too_long = False
    while chunk := stream.read(_CHUNK):
        *ended, rest = chunk.split(b"\n")
        for piece in ended:
            if too_long or size + len(piece) > max_bytes:
                yield None
            else:
                yield b"".join(parts) + piece if parts else piece
            parts, size, too_long = [], 0, False
        size += len(rest)
        if size > max_bytes:
            parts, too_long = [], True
        elif rest and not too_long:
            parts.append(rest)
    if parts or too_long:
        yield None if too_long else b"".join(parts)


def iter_parquet(stream: BinaryIO, text_key: str, batch_size: int = 1024) -> Iterator[Record | Skipped]:
    """Rows as records. A file without the text column is refused before any row is read: each
    row would otherwise count as empty text, and a wrong ``text_key`` would pass unnoticed."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(stream) as parquet:
        names = parquet.schema_arrow.names
        if text_key not in names:
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise MissingColumn(f"no column {text_key!r} (columns: {shown}); set text_key")
        for batch in parquet.iter_batches(batch_size=batch_size):
            yield from batch.to_pylist()
