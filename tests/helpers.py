"""Small builders for test inputs: WARC files with chosen records, HTML pages."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def html_page(body: str, head: str = "", lang: str = "en") -> str:
    paragraph = ("This paragraph about the town library explains the new opening hours, the reading room "
                 "and the children's corner in enough words for a main-text extractor to keep it. ")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>T</title>{head}</head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>Library news</h1><p>{body}</p>"
            f"<p>{paragraph * 3}</p></article><footer>Footer</footer></body></html>")


def write_warc(path: Path, records: list[dict], gzip: bool = True) -> Path:
    """records: dicts with url, body (bytes or str), and optional status, headers, payload_type."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for record in records:
            body = record["body"].encode() if isinstance(record["body"], str) else record["body"]
            headers = record.get("headers", [("Content-Type", "text/html; charset=utf-8")])
            http = StatusAndHeaders(record.get("status", "200 OK"), headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": record.get("date", "2019-03-01T10:00:00Z")}
            if record.get("payload_type"):
                warc_headers["WARC-Identified-Payload-Type"] = record["payload_type"]
            writer.write_record(writer.create_warc_record(record["url"], "response", payload=io.BytesIO(body),
                                                          http_headers=http, warc_headers_dict=warc_headers))
    return path


def read_shards(shards, tmp_path: Path, **kwargs) -> tuple[list, dict[str, float]]:
    """Run a ShardReader over ``shards`` in this process: (documents, stat totals)."""
    from clearweb.pipeline.download import HttpFetcher
    from clearweb.pipeline.fetch import ShardReader

    reader = ShardReader(shards, HttpFetcher(tmp_path / "cache", retries=1, backoff_s=0.01), **kwargs)
    docs = list(reader.run(None, 0, 1))
    return docs, {key: value.total for key, value in reader.stats.stats.items()}
