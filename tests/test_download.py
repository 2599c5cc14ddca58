"""The http(s) downloader against a real loopback server with scripted faults."""

import gzip

import pytest
import requests

from clearweb.pipeline.core.errors import InputError, InputMissing
from clearweb.pipeline.demo.server import LoopbackServer, Response
from clearweb.pipeline.download import HttpFetcher

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB


def fetcher(tmp_path, **kwargs) -> HttpFetcher:
    settings = {"retries": 3, "backoff_s": 0.01, "connect_timeout_s": 2, "read_timeout_s": 2} | kwargs
    return HttpFetcher(cache_dir=tmp_path / "cache", **settings)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / "shard.bin").write_bytes(PAYLOAD)
    with LoopbackServer(root, max_requests=200, max_lifetime_s=60) as srv:
        yield srv


def test_download_and_cache_hit(tmp_path, server):
    f = fetcher(tmp_path)
    path = f.fetch(server.url + "/shard.bin")
    assert path.read_bytes() == PAYLOAD
    before = len(server.requests)
    assert f.fetch(server.url + "/shard.bin") == path
    assert len(server.requests) == before  # served from the cache
    assert not list((tmp_path / "cache").glob("*.part"))


def test_interrupted_download_resumes_with_range(tmp_path, server):
    server.add("*", "/cut.bin", Response(file=server.root / "shard.bin", cut_after=300_000, times=1),
               Response(file=server.root / "shard.bin"))
    path = fetcher(tmp_path).fetch(server.url + "/cut.bin")
    assert path.read_bytes() == PAYLOAD
    ranges = [headers.get("Range") for _, p, headers in server.requests if p == "/cut.bin"]
    assert len(ranges) == 2 and ranges[0] is None
    resumed_at = int(ranges[1].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_at <= 300_000


def test_server_errors_are_retried_then_recover(tmp_path, server):
    server.add("*", "/flaky.bin", Response(status=500, times=2), Response(file=server.root / "shard.bin"))
    assert fetcher(tmp_path).fetch(server.url + "/flaky.bin").read_bytes() == PAYLOAD


def test_server_error_forever_fails_with_one_line(tmp_path, server):
    server.add("*", "/down.bin", Response(status=503))
    with pytest.raises(InputError) as info:
        fetcher(tmp_path, retries=2).fetch(server.url + "/down.bin")
    message = str(info.value)
    assert message.startswith(server.url + "/down.bin: download failed after 3 attempts") and "503" in message
    assert "\n" not in message
    assert not list((tmp_path / "cache").glob("*down.bin"))  # nothing that looks complete


def test_missing_file_is_not_retried(tmp_path, server):
    with pytest.raises(InputMissing, match="HTTP 404"):
        fetcher(tmp_path).fetch(server.url + "/nope.bin")
    assert [p for _, p, _ in server.requests].count("/nope.bin") == 1


def test_redirect_loop_is_bounded(tmp_path, server):
    server.add("*", "/loop", Response(status=302, headers={"Location": "/loop"}))
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetcher(tmp_path).fetch(server.url + "/loop")
    assert len(server.requests) <= 7


def test_short_body_is_detected_and_completed(tmp_path, server):
    # The server announces 1 MiB but closes after 1000 bytes every time: never accepted as complete.
    server.add("*", "/short.bin", Response(file=server.root / "shard.bin", cut_after=1000))
    with pytest.raises(InputError, match="download failed after 2 attempts"):
        fetcher(tmp_path, retries=1).fetch(server.url + "/short.bin")
    assert not fetcher(tmp_path).cache_path(server.url + "/short.bin").exists()


def test_read_timeout_is_retried(tmp_path, server):
    server.add("*", "/slow.bin", Response(body=b"late", delay_s=1.5, times=1), Response(body=b"on time"))
    path = fetcher(tmp_path, read_timeout_s=0.5).fetch(server.url + "/slow.bin")
    assert path.read_bytes() == b"on time"


def test_fetcher_pickles_without_session(tmp_path, server):
    import pickle

    f = fetcher(tmp_path)
    f.fetch(server.url + "/shard.bin")
    clone = pickle.loads(pickle.dumps(f))
    assert clone._session is None and isinstance(f.session, requests.Session)


def test_gzip_encoded_shard_arrives_byte_identical(tmp_path, server):
    # Mirrors that label .warc.gz files "Content-Encoding: gzip": the file is the encoded body, so it
    # must be stored as sent, not decoded (and the announced length is that of the encoded bytes).
    shard = gzip.compress(PAYLOAD)
    server.add("*", "/crawl.warc.gz", Response(body=shard, headers={"Content-Encoding": "gzip"}))
    path = fetcher(tmp_path).fetch(server.url + "/crawl.warc.gz")
    assert path.read_bytes() == shard
    assert [p for _, p, _ in server.requests].count("/crawl.warc.gz") == 1


def test_gzip_encoded_shard_resumes_byte_identical(tmp_path, server):
    shard = gzip.compress(PAYLOAD)
    encoded = {"Content-Encoding": "gzip"}
    server.add("*", "/cut.warc.gz", Response(body=shard, headers=encoded, cut_after=len(shard) // 2, times=1),
               Response(body=shard, headers=encoded))
    path = fetcher(tmp_path).fetch(server.url + "/cut.warc.gz")
    assert path.read_bytes() == shard
    ranges = [headers.get("Range") for _, p, headers in server.requests if p == "/cut.warc.gz"]
    assert len(ranges) == 2 and ranges[1] is not None
