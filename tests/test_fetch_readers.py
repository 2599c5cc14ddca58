"""The fetch reader on every input format and on the bad inputs the issue lists."""

import gzip
import json

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.demo.server import LoopbackServer, Response
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.fetch import HTML_FLAG, ShardReader
from clearweb.pipeline.sources import Shard
from tests.helpers import html_page, write_warc
from tests.helpers import read_shards as read


def pages(n, start=0):
    return [{"url": f"https://blog.example.co.uk/p/{i}", "body": html_page(f"page {i}")} for i in range(start, start + n)]


def test_warc_records_keep_provenance_and_header_signals(tmp_path):
    path = write_warc(tmp_path / "a.warc.gz", [
        {"url": "https://www.demo.co.uk/a", "body": html_page("a"),
         "headers": [("Content-Type", "text/html"), ("X-Robots-Tag", "googlebot: noai"), ("tdm-reservation", "1"),
                     ("Content-Usage", "train-ai=n")]},
        {"url": "https://www.demo.co.uk/img.png", "body": b"\x89PNG", "headers": [("Content-Type", "image/png")]},
        {"url": "https://www.demo.co.uk/gone", "body": "x", "status": "404 Not Found"},
    ])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert len(docs) == 1
    meta = docs[0].metadata
    assert meta["url"] == "https://www.demo.co.uk/a"
    assert (meta["host"], meta["domain"]) == ("www.demo.co.uk", "demo.co.uk")
    assert meta["fetch_date"] == "2019-03-01T10:00:00Z"
    assert meta["warc_record_id"] == docs[0].id and docs[0].id.startswith("<urn:uuid:")
    assert meta["signals"]["noai_header"] and meta["signals"]["tdm_reservation_header"] == "1"
    assert meta["signals"]["content_usage"] == "train-ai=n"
    assert meta[HTML_FLAG] is True and "<article>" in docs[0].text
    assert stats["skipped_not_html"] == 1 and stats["skipped_http_4xx"] == 1 and stats["documents"] == 1


def test_jsonl_and_parquet_inputs(tmp_path):
    jsonl = tmp_path / "d.jsonl.gz"
    with gzip.open(jsonl, "wt") as handle:
        handle.write(json.dumps({"text": "Hallo Welt", "id": "j1", "url": "https://a.example.de/x",
                                 "date": "2024-01-02"}) + "\n")
        handle.write("{not json\n")
        handle.write(json.dumps({"content": "no text key"}) + "\n")
    table = pa.table({"text": ["Bonjour", "Hola"], "id": ["p1", "p2"], "url": ["https://b.fr/", None],
                      "language": ["fra", "spa"], "language_script": ["Latn", "Latn"],
                      "language_score": [0.9, 0.8]})
    parquet = tmp_path / "d.parquet"
    pq.write_table(table, parquet)
    docs, stats = read([Shard(str(jsonl), "jsonl", False), Shard(str(parquet), "parquet", False)], tmp_path)
    assert [d.id for d in docs] == ["j1", "p1", "p2"]
    assert docs[0].metadata["fetch_date"] == "2024-01-02" and docs[0].metadata["domain"] == "example.de"
    assert docs[0].metadata["signals"] is None  # no HTML, no signals: unknown, never guessed
    assert docs[1].metadata["language"] == "fra" and docs[2].metadata["domain"] is None
    assert HTML_FLAG not in docs[0].metadata
    assert stats["invalid_record"] == 1 and stats["skipped_empty_text"] == 1


def test_fsspec_paths_are_streamed(tmp_path):
    with fsspec.open("memory://bucket/shard.jsonl", "wb") as handle:
        handle.write(b'{"text": "in memory", "id": "m1"}\n')
    docs, _ = read([Shard("memory://bucket/shard.jsonl", "jsonl", False)], tmp_path)
    assert [d.text for d in docs] == ["in memory"]


def test_tasks_split_shards_without_overlap(tmp_path):
    shards = [Shard(str(write_warc(tmp_path / f"{i}.warc.gz", pages(2, 10 * i))), "warc", True) for i in range(5)]
    reader = ShardReader(shards, HttpFetcher(tmp_path / "cache"))
    ids = [[d.id for d in reader.run(None, rank, 2)] for rank in range(2)]
    assert len(ids[0]) == 6 and len(ids[1]) == 4 and not set(ids[0]) & set(ids[1])


@pytest.mark.parametrize("gzip_members", [True, False])
@pytest.mark.parametrize("fraction", [0.6, 0.75, 0.9, 0.99])
def test_truncated_warc_keeps_earlier_records_and_counts(tmp_path, task_log, fraction, gzip_members):
    # Cuts land mid-record and at record boundaries; warcio alone would stop quietly at some of them.
    path = write_warc(tmp_path / ("t.warc.gz" if gzip_members else "t.warc"), pages(6), gzip=gzip_members)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert 1 <= len(docs) < 6
    assert stats["input_corrupt"] == 1 and "corrupt_record" not in stats
    assert any(f"{path}: unreadable after record" in line for line in task_log)


def test_corrupt_gzip_member(tmp_path):
    # Zeros around the boundary of two members: reading resumes after them. When they reach into
    # both members' data, both records are lost in one damaged stretch, counted once.
    path = write_warc(tmp_path / "c.warc.gz", pages(4))
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = b"\x00" * 64
    path.write_bytes(bytes(data))
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert 2 <= len(docs) <= 3 and docs[-1].metadata["url"].endswith("/p/3")
    assert stats["corrupt_record"] == 1 and "input_corrupt" not in stats
    with pytest.raises(InputError, match=r"c\.warc\.gz: gzip member at byte \d+ does not inflate"):
        read([Shard(str(path), "warc", True)], tmp_path, on_bad_input="fail")


def test_invalid_utf8_with_wrong_declared_charset(tmp_path):
    body = html_page("Café crème, naïve façade, déjà vu. Größe, Straße.").encode("cp1252")
    path = write_warc(tmp_path / "e.warc.gz", [
        {"url": "https://x.fr/", "body": body, "headers": [("Content-Type", "text/html; charset=utf-8")]},
        {"url": "https://y.fr/", "body": body, "headers": [("Content-Type", "text/html; charset=x-nonsense")]},
    ])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert len(docs) == 2
    for doc in docs:
        assert "Café crème" in doc.text and "\ufffd" not in doc.text
    assert stats.get("decoded_detected_charset", 0) == 2


def test_huge_page_is_skipped_and_the_next_one_read(tmp_path):
    huge = "<html><body>" + "<p>" + "x" * 1000 + "</p>" * 1 + ("<div>filler</div>" * 3_000_000) + "</body></html>"
    assert len(huge) > 50_000_000
    records = [{"url": "https://big.example.com/", "body": huge}] + pages(1)
    path = write_warc(tmp_path / "h.warc.gz", records)
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert len(docs) == 1 and stats["skipped_too_large"] == 1


def test_http_shards_404_counted_500_fails(tmp_path):
    root = tmp_path / "www"
    write_warc(root / "ok.warc.gz", pages(2))
    with LoopbackServer(root, max_requests=50, max_lifetime_s=60) as server:
        server.add("*", "/broken.warc.gz", Response(status=500))
        ok, missing, broken = (Shard(server.url + name, "warc", True)
                               for name in ("/ok.warc.gz", "/missing.warc.gz", "/broken.warc.gz"))
        docs, stats = read([ok, missing], tmp_path)
        assert len(docs) == 2 and stats["input_missing"] == 1
        with pytest.raises(InputError, match=r"broken\.warc\.gz: download failed after 2 attempts: .*500"):
            read([broken], tmp_path)


def test_download_not_kept_when_asked(tmp_path):
    root = tmp_path / "www"
    write_warc(root / "ok.warc.gz", pages(1))
    with LoopbackServer(root, max_requests=20, max_lifetime_s=60) as server:
        read([Shard(server.url + "/ok.warc.gz", "warc", True)], tmp_path, keep_downloads=False)
    assert not any((tmp_path / "cache").iterdir())


def test_a_gzip_body_that_does_not_inflate_is_no_document(tmp_path):
    """warcio returns the raw bytes when a gzip-encoded body fails in its first block: never a page."""
    import gzip as gz

    broken = bytearray(gz.compress(html_page("compressed").encode()))
    broken[12:20] = b"\x00" * 8
    path = write_warc(tmp_path / "z.warc.gz", [
        {"url": "https://z.example/a", "body": bytes(broken),
         "headers": [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]},
        {"url": "https://z.example/b", "body": html_page("plain")},
    ])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert [doc.metadata["url"] for doc in docs] == ["https://z.example/b"]
    assert stats["skipped_undecodable_body"] == 1
