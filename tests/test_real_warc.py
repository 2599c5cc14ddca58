"""The fetch reader on real WARC and ARC files, judged against warcio's own view of each file.

The 25 files (test data of warcio, resiliparse, jwarc and dolma, several deliberately broken) sit
in ``../shared/conformance/real_warc`` beside a developer checkout and are read where they lie.
For each file, the documents the reader yields must be warcio's HTML 200 responses (same URL,
date, record id and text) and every other record warcio sees must be counted under the stat our
rules give it. Where we disagree with warcio on purpose, ``EXPECTED`` states the difference for
that file and why; each damaged record must also be logged with the file and the record.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.records import HTML_TYPES, Damaged, decode_html, iter_warc
from clearweb.pipeline.sources import Shard
from tests.helpers import html_page, write_warc
from tests.helpers import read_shards as read

REAL_WARC = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "real_warc"

CLIPPED_URL = ("http://www.houstonpress.com/music/"
               "a-humble-chance-the-rapper-leads-a-spiritual-awakening-at-revention-8866723")
SPACE_URL = ("http://example.com/index.cfm"
             "?FuseAction=Email&EmailTitle=Examples From The Live Web&IsPopUp=False")


@dataclass(frozen=True)
class Expected:
    """How our reading of a file differs from warcio's, and why (empty: it does not)."""

    why: str = ""
    differences: dict[str, int] = field(default_factory=dict)  # our stats minus those warcio's records give
    lost: frozenset[str] = frozenset()  # URLs of warcio's HTML 200 responses we do not make documents
    logged: tuple[str, ...] = ()  # warnings for the file, after "<path>: "
    inflated: bool = False  # judged against warcio on the file's inflated bytes (it refuses the file)
    warcio_stops: str = ""  # warcio's error part way through the file


AGREES = Expected()
EXPECTED = {
    "dolma-sample-0000.warc.gz": AGREES,
    "dolma-sample-0001.warc.gz": AGREES,
    "jwarc-cc.warc.gz": AGREES,
    "jwarc-gzip_extra_sl.warc.gz": AGREES,
    "resiliparse-block-sized-records.warc": AGREES,
    "resiliparse-block-sized-records.warc.gz": AGREES,
    "resiliparse-clipped.warc.gz": Expected(
        why="its one gzip member is cut short 75657 bytes into an 88725-byte record: warcio yields the "
            "truncated page as a document, we count the truncated file",
        differences={"documents": -1, "input_corrupt": 1},
        lost=frozenset({CLIPPED_URL}),
        logged=(f"unreadable after start of file: CorruptShard: record at byte 0 ({CLIPPED_URL}): "
                "gzip member at byte 0 is cut short (truncated file?); no readable record follows "
                "(skipped; on_bad_input=skip)",),
    ),
    "resiliparse-clueweb-quirk.warc.gz": AGREES,
    "resiliparse-warcfile.warc": AGREES,
    "resiliparse-warcfile.warc.gz": AGREES,
    "warcio-bad.arc": Expected(
        why="three ARC length fields are no byte counts (-1, -1, 'abc'): warcio reads them as 0 without a "
            "word, we count each record as damaged",
        differences={"skipped_arc_header_record": -1, "skipped_no_http_headers": -2, "corrupt_record": 3},
        logged=("record at byte 0 (filedesc://bad.arc.gz): length '-1' is no byte count",
                "record at byte 134 (http://example.com/): length '-1' is no byte count",
                "record at byte 262 (http://example.com/): length 'abc' is no byte count"),
    ),
    "warcio-example-bad-non-chunked.warc.gz": Expected(
        why="gzipped as one member, which warcio refuses after the first record; judged against warcio "
            "reading the inflated bytes",
        inflated=True,
    ),
    "warcio-example-digest.warc": AGREES,
    "warcio-example-iana.org-chunked.warc": AGREES,
    "warcio-example-resource.warc.gz": AGREES,
    "warcio-example-space-in-target-uri.warc.gz": Expected(
        why="warcio logs that it percent-encodes the URI's spaces; we count that and log it with the file",
        differences={"warcio_warning": 1},
        logged=("record at byte 241: warcio: Replacing spaces in invalid WARC-Target-URI: "
                "file:///example with spaces.png",),
    ),
    "warcio-example-space-in-url.arc": Expected(
        why="the response's HTTP header lines end in LF while its ARC length counts CRLF: the file ends 12 "
            "bytes short of the record, which warcio yields all the same",
        differences={"documents": -1, "corrupt_record": 1},
        lost=frozenset({SPACE_URL.replace(" ", "%20")}),
        logged=(f"record at byte 151 ({SPACE_URL}): the file ends 12 bytes short of its length",),
    ),
    "warcio-example-trunc.warc": Expected(
        why="the response's Content-Length stops 2 bytes before its record end: warcio prints 'Record not "
            "followed by newline' to stderr and yields it; a wrong Content-Length never makes a document",
        differences={"documents": -1, "corrupt_record": 1},
        lost=frozenset({"http://example.com/"}),
        logged=("record at byte 1197 (http://example.com/): Content-Length does not end at the record end; "
                "skipped to the next record at byte 2566",),
    ),
    "warcio-example-wget-bad-target-uri.warc.gz": AGREES,
    "warcio-example-wrong-chunks.warc.gz": Expected(
        why="the response's Content-Length is 1 byte short: warcio yields it and then fails on the byte "
            "left over, losing the request record after it; we count the response as damaged and read on",
        differences={"documents": -1, "corrupt_record": 1, "skipped_request_record": 1},
        lost=frozenset({"http://example.com/"}),
        logged=("record at byte 0 (http://example.com/): Content-Length does not end at the record end; "
                "skipped to the next record at inflated byte 4 of the gzip member at byte 1130",),
        warcio_stops="Unknown archive format, first line: ['<!doctype', 'html>']",
    ),
    "warcio-example.arc": AGREES,
    "warcio-example.arc.gz": AGREES,
    "warcio-example.warc": AGREES,
    "warcio-example.warc.gz": AGREES,
    "warcio-post-test.warc.gz": AGREES,
}


def corpus() -> Path:
    """The shared folder of real files, or a skip with the reason when it is absent."""
    if not REAL_WARC.is_dir():
        pytest.skip(f"real WARC/ARC files not found at {REAL_WARC} (they sit beside a developer checkout)")
    return REAL_WARC


def real_warc(name: str) -> Path:
    return corpus() / name


def is_arc(path: Path) -> bool:
    return path.name.endswith((".arc", ".arc.gz"))


@dataclass(frozen=True)
class WarcioRecord:
    stat: str  # what our rules count it as ("documents" for an HTML 200 response)
    url: str | None
    date: str | None
    record_id: str | None
    body: bytes
    charset: str | None


def warcio_view(data: bytes, arc: bool) -> tuple[list[WarcioRecord], str]:
    """The records warcio's iterator yields (ARC converted to WARC, as datatrove reads it) and the
    error it stops at, if any; what it prints to stderr is kept out of the test's output."""
    records = []
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            for record in ArchiveIterator(io.BytesIO(data), arc2warc=True):
                records.append(_view(record, arc))
        except ArchiveLoadFailed as exc:
            return records, " ".join(str(exc).split())
    return records, ""


def _view(record, arc: bool) -> WarcioRecord:
    headers, http = record.rec_headers, record.http_headers
    mime, charset = "", None
    if http is not None:
        mime, _, params = (http.get_header("Content-Type") or "").partition(";")
        mime = mime.strip().lower()
        charset = params.partition("charset=")[2].strip().strip("'\"") or None
    payload_type = (headers.get_header("WARC-Identified-Payload-Type") or mime).lower()
    if record.rec_type == "warcinfo" and arc:
        stat = "skipped_arc_header_record"
    elif record.rec_type != "response":
        stat = f"skipped_{record.rec_type}_record"
    elif http is None:
        stat = "skipped_no_http_headers"
    elif (http.get_statuscode() or "000") != "200":
        stat = f"skipped_http_{(http.get_statuscode() or '0')[0]}xx"
    elif payload_type not in HTML_TYPES and mime not in HTML_TYPES:
        stat = "skipped_not_html"
    else:
        stat = "documents"
    body = record.content_stream().read() if stat == "documents" else b""
    return WarcioRecord(stat, headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"),
                        headers.get_header("WARC-Record-ID"), body, charset)


def record_stats(stats: dict[str, float]) -> dict[str, int]:
    """The reader's stats that count records (and warcio's warnings), without the decoding paths."""
    return {key: int(value) for key, value in stats.items()
            if key != "shards" and not key.startswith("decoded_")}


def expected_stats(records: list[WarcioRecord], differences: dict[str, int]) -> dict[str, int]:
    counts = Counter(record.stat for record in records)
    for key, difference in differences.items():
        counts[key] += difference
    assert min(counts.values()) >= 0, f"a difference takes more than warcio saw: {counts}"
    return {key: count for key, count in counts.items() if count}


def test_every_real_file_is_listed():
    names = sorted(path.name for path in corpus().iterdir() if path.suffix in (".warc", ".arc", ".gz"))
    assert names == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_file_reads_as_warcio_sees_it(name, tmp_path, task_log, capfd):
    path = real_warc(name)
    expected = EXPECTED[name]
    capfd.readouterr()
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    printed = capfd.readouterr().err.splitlines()

    data = path.read_bytes()
    records, stopped = warcio_view(gzip.decompress(data) if expected.inflated else data, is_arc(path))
    assert stopped == expected.warcio_stops
    if expected.inflated:
        assert "non-chunked gzip file" in warcio_view(data, is_arc(path))[1]

    # the documents: warcio's HTML 200 responses but the ones we skip on purpose, whole and once
    wanted = [record for record in records if record.stat == "documents" and record.url not in expected.lost]
    assert sorted((d.metadata["url"], d.metadata["fetch_date"]) for d in docs) == sorted(
        (record.url, record.date) for record in wanted)
    assert {record.url for record in records if record.stat == "documents"} >= expected.lost
    assert len({doc.id for doc in docs}) == len(docs)
    for doc, record in zip(sorted(docs, key=lambda d: d.metadata["url"]), sorted(wanted, key=lambda r: r.url),
                           strict=True):
        assert doc.text == decode_html(record.body, record.charset)[0]
        assert doc.metadata["source_file"] == str(path) and doc.metadata["url"] and doc.metadata["fetch_date"]
        if is_arc(path):  # warcio makes up a random id per ARC record; ours is derived and stable
            assert doc.id.startswith("<urn:arc:") and doc.metadata["warc_record_id"] is None
        else:
            assert doc.id == doc.metadata["warc_record_id"] == record.record_id

    # every other record counted by its stat, and the differences only those stated
    assert record_stats(stats) == expected_stats(records, expected.differences)
    logged = [line.strip() for line in task_log if str(path) in line]
    assert logged == [f"{path}: {line}" for line in expected.logged]
    assert all(str(path) in line for line in printed if line.strip()), printed  # nothing bare on stderr


def test_arc_ids_are_stable_and_the_same_in_every_copy_of_the_file(tmp_path):
    ids = [[doc.id for doc in read([Shard(str(real_warc(name)), "warc", True)], tmp_path)[0]]
           for name in ("warcio-example.arc", "warcio-example.arc.gz", "warcio-example.arc")]
    assert ids[0] == ids[1] == ids[2] and len(ids[0]) == 1


def test_arc_capture_repeated_in_a_file_gets_distinct_ids(tmp_path):
    data = real_warc("warcio-example.arc").read_bytes()
    response = data[data.index(b"http://example.com/ "):]
    path = tmp_path / "twice.arc"
    path.write_bytes(data + response)
    first, stats = read([Shard(str(path), "warc", True)], tmp_path)
    again, _ = read([Shard(str(path), "warc", True)], tmp_path)
    assert [d.metadata["url"] for d in first] == ["http://example.com/"] * 2 and stats["documents"] == 2
    assert len({d.id for d in first}) == 2 and [d.id for d in first] == [d.id for d in again]


def test_arc_records_before_a_short_last_record_are_documents(tmp_path, task_log):
    # warcio-example.arc with the response of warcio-example-space-in-url.arc (12 bytes short) after it
    good = real_warc("warcio-example.arc").read_bytes()
    short = real_warc("warcio-example-space-in-url.arc").read_bytes()
    short = short[short.index(b"http://example.com/index.cfm"):]
    path = tmp_path / "short-last.arc"
    path.write_bytes(good + short)
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert [(d.metadata["url"], d.metadata["fetch_date"]) for d in docs] == [
        ("http://example.com/", "2014-02-16T05:02:21Z")]
    assert stats["corrupt_record"] == 1 and "input_corrupt" not in stats
    assert [line.strip() for line in task_log] == [
        f"{path}: record at byte {len(good)} ({SPACE_URL}): the file ends 12 bytes short of its length"]
    with pytest.raises(InputError, match=rf"short-last\.arc: record at byte {len(good)} \(.*12 bytes short"):
        read([Shard(str(path), "warc", True)], tmp_path, on_bad_input="fail")


@pytest.mark.parametrize(("length", "problem", "rest"), [
    (1561, "length does not end at a line end", ("a></p>", 1777)),  # the page goes on after it
    (1574, "no ARC header line follows it", ("</body>", 1791)),  # it stops at a newline of the page
])
def test_arc_record_whose_length_stops_short_is_no_document(tmp_path, task_log, length, problem, rest):
    # ARC has no record end: what is left of the page comes where the next header line should be
    data = real_warc("warcio-example.arc").read_bytes()
    path = tmp_path / "length-short.arc"
    path.write_bytes(data.replace(b" text/html 1591\n", b" text/html %d\n" % length))
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert docs == [] and stats["corrupt_record"] == 1 and stats["input_corrupt"] == 1
    assert [line.strip() for line in task_log] == [
        f"{path}: record at byte 151 (http://example.com/): {problem}",
        f"{path}: unreadable after start of file: CorruptShard: record at byte {rest[1]}: "
        f"Invalid ARC record, first line: ['{rest[0]}'] (skipped; on_bad_input=skip)"]


@pytest.mark.parametrize("name", sorted(name for name in EXPECTED if name != "resiliparse-clipped.warc.gz"))
def test_file_gzipped_as_one_member_reads_like_the_original(name, tmp_path):
    """Every file (but the clipped one, which does not inflate to its end) gzipped whole: the same
    documents and the same counts, bad records included (going back after them inside the one
    member resumes from a checkpoint)."""
    original = real_warc(name)
    data = original.read_bytes()
    whole = tmp_path / (original.name.removesuffix(".gz") + ".gz")
    whole.write_bytes(gzip.compress(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))
    docs, stats = read([Shard(str(original), "warc", True)], tmp_path)
    whole_docs, whole_stats = read([Shard(str(whole), "warc", True)], tmp_path)
    assert [(d.id, d.text, d.metadata["url"], d.metadata["fetch_date"]) for d in whole_docs] == [
        (d.id, d.text, d.metadata["url"], d.metadata["fetch_date"]) for d in docs]
    assert whole_stats == stats


class CountingFile(io.FileIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_bad_records_in_one_gzip_member_do_not_reread_the_member(tmp_path):
    # 200 responses in one gzip member, each with a Content-Length 100 bytes too long: each is
    # damage, and reading goes back to just after its start. Re-inflating the member from its start
    # each time would read the file about 100 times over; from the checkpoint at the record's start,
    # it re-reads a chunk or two of the file per bad record.
    pages = [{"url": f"https://x.example/{i}", "body": html_page(random.Random(i).randbytes(8000).hex())}
             for i in range(200)]
    plain = write_warc(tmp_path / "plain.warc", pages, gzip=False).read_bytes()
    damaged = re.sub(rb"Content-Length: (\d+)\r\n", lambda m: b"Content-Length: %d\r\n" % (int(m[1]) + 100),
                     plain)
    tail = write_warc(tmp_path / "tail.warc", [{"url": "https://x.example/last", "body": html_page("last")}],
                      gzip=False).read_bytes()
    path = tmp_path / "one-member.warc.gz"
    path.write_bytes(gzip.compress(damaged + tail))
    with CountingFile(path) as raw:
        items = list(iter_warc(raw, 5_000_000))
        bytes_read = raw.bytes_read
    assert [type(item) for item in items] == [Damaged] * 200 + [dict]
    assert items[-1]["url"] == "https://x.example/last"
    assert items[1].detail.startswith("record at inflated byte ")
    assert "of the gzip member at byte 0" in items[1].detail
    assert bytes_read < path.stat().st_size + 200 * 2 * (1 << 16)


def test_body_that_stops_inflating_is_skipped_with_warcios_message(tmp_path, task_log, capfd):
    # warcio writes the zlib error to stderr and ends the body early: a cut page, never a document
    body = gzip.compress(html_page("".join(f"{i:05d} " for i in range(20000))).encode())
    broken = body[: len(body) // 2] + b"\xff" * 64 + body[len(body) // 2 + 64:]
    gzip_body = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    path = write_warc(tmp_path / "ce.warc.gz", [
        {"url": "https://a.example/broken", "body": broken, "headers": gzip_body},
        {"url": "https://a.example/fine", "body": body, "headers": gzip_body},
    ])
    capfd.readouterr()
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert [d.metadata["url"] for d in docs] == ["https://a.example/fine"] and "00000 00001" in docs[0].text
    assert stats["skipped_undecodable_body"] == 1
    assert [line.strip() for line in task_log] == [
        f"{path}: record at byte 0 (https://a.example/broken): body stops decoding as gzip "
        "(Error -3 while decompressing data: invalid block type)"]
    assert all(str(path) in line for line in capfd.readouterr().err.splitlines() if line.strip())

