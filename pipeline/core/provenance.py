"""Host and registered domain of a URL.

The registered domain (``bbc.co.uk`` for ``www.news.bbc.co.uk``) groups documents by site owner for
the robots and license stats. tldextract answers it from the public suffix list bundled in the
package: never fetched at run time, so results do not change between runs or machines.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """``demo-news.co.uk`` for ``blog.demo-news.co.uk``; the host itself for IPs and bare names."""
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host


def url_provenance(url: str | None) -> dict[str, str | None]:
    """``{"host": ..., "domain": ...}`` for a URL; both None when there is no usable host."""
    if not url:
        return {"host": None, "domain": None}
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if not host:
        return {"host": None, "domain": None}
    return {"host": host, "domain": registered_domain(host)}


def has_public_suffix(domain: str) -> bool:
    """True when ``domain`` ends in a suffix of the bundled public suffix list (``.co.jp``, ``.com``)."""
    return bool(_EXTRACT(domain).suffix)
