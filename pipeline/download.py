"""Download http(s) shards into a local cache, robustly.

Common Crawl serves ~1 GB WARC files over plain HTTPS, and at thousands of shards a few downloads
always break: connections reset mid-file, servers answer 503 under load. A shard is therefore
streamed into ``<name>.part``, resumed with an HTTP Range request after a break, checked against
the size the server announced, and only then renamed atomically to its final name, so a file in the
cache is always complete. 5xx, 429 and network errors are retried with exponential backoff; 404 and
410 raise ``InputMissing`` at once, because no retry brings a missing file back.

The bytes are stored exactly as sent. Some mirrors label ``.warc.gz`` shards ``Content-Encoding:
gzip`` whatever we ask for; decoding them would store a different file, longer than the announced
length, and a resume would then ask for a range past the end. Sizes, ranges and the cached file are
therefore all those of the encoded body.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
import urllib3

from clearweb.pipeline.core.errors import InputError, InputMissing, one_line

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class _Retryable(Exception):
    """A failure worth another attempt (server error, broken or short transfer)."""


@dataclass
class HttpFetcher:
    """Fetches URLs into ``cache_dir``; safe to pickle (the session is created lazily per process)."""

    cache_dir: Path
    retries: int = 5
    backoff_s: float = 1.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_redirects: int = 5
    chunk_size: int = 1 << 16  # a broken connection loses at most one chunk of progress
    _session: requests.Session | None = field(default=None, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_session"] = None
        return state

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
            self._session.max_redirects = self.max_redirects
            self._session.headers["User-Agent"] = "clearweb-fetch/0.1"
        return self._session

    def cache_path(self, url: str) -> Path:
        """Stable cache location: a hash of the URL keeps names unique, the basename keeps them readable."""
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        basename = os.path.basename(urlsplit(url).path) or "index"
        return Path(self.cache_dir) / f"{digest}-{basename}"

    def fetch(self, url: str) -> Path:
        """Return the local path of ``url``'s content, downloading it unless already cached."""
        final = self.cache_path(url)
        if final.exists():
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        part = final.with_name(final.name + ".part")
        last_error: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                self._download_into(url, part)
            except (_Retryable, requests.ConnectionError, requests.Timeout,
                    urllib3.exceptions.HTTPError) as exc:  # the latter: reading the body broke
                last_error = exc
                continue
            except requests.TooManyRedirects:
                raise InputError(f"{url}: more than {self.max_redirects} redirects") from None
            except requests.RequestException as exc:
                raise InputError(f"{url}: {type(exc).__name__}: {exc}") from None
            os.replace(part, final)
            return final
        raise InputError(f"{url}: download failed after {self.retries + 1} attempts: {one_line(last_error)}")

    def _download_into(self, url: str, part: Path) -> None:
        offset = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        timeout = (self.connect_timeout_s, self.read_timeout_s)
        with self.session.get(url, headers=headers, stream=True, timeout=timeout) as response:
            status = response.status_code
            if status in (404, 410):
                raise InputMissing(f"{url}: HTTP {status}")
            if status == 416 and offset:
                part.unlink()  # our partial file is longer than the resource: start again
                raise _Retryable("HTTP 416 on resume; restarting from byte 0")
            if status >= 500 or status in (408, 429):
                raise _Retryable(f"HTTP {status}")
            if status >= 400:
                raise InputError(f"{url}: HTTP {status}")
            expected = _expected_size(response, offset)
            mode = "ab" if status == 206 else "wb"
            with open(part, mode) as handle:
                # raw.stream, not iter_content: iter_content would decode a Content-Encoding.
                for chunk in response.raw.stream(self.chunk_size, decode_content=False):
                    handle.write(chunk)
        size = part.stat().st_size
        if expected is not None and size != expected:
            raise _Retryable(f"got {size} of {expected} bytes")


def _expected_size(response: requests.Response, offset: int) -> int | None:
    """Total size the server announced, checking that a 206 resumes where we asked."""
    if response.status_code == 206:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not match or int(match.group(1)) != offset:
            raise _Retryable(f"bad Content-Range {response.headers.get('Content-Range')!r} for offset {offset}")
        return int(match.group(3)) if match.group(3) != "*" else None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None
