"""Host, registered domain and origin of a URL.

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


_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str | None) -> str | None:
    """``https://www.example.de`` for ``HTTPS://WWW.Example.de:443/a?b``; None without a usable host.

    Hosts are lower-cased and IDNA-encoded (punycode), default ports dropped, IPv6 kept in brackets.
    The ``scheme://authority`` prefix is cut out cheaply and its origin cached: the filter asks
    this for every document, and documents of one site share the prefix.
    """
    if not url:
        return None
    start = url.find("://")
    if start == -1:
        return None
    end = len(url)
    for separator in "/?#":
        position = url.find(separator, start + 3)
        if position != -1 and position < end:
            end = position
    return _origin_of_prefix(url[:end])


@lru_cache(maxsize=65536)
def _origin_of_prefix(prefix: str) -> str | None:
    try:
        parts = urlsplit(prefix)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    host = f"[{host}]" if ":" in host else host.rstrip(".")
    suffix = f":{port}" if port and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}"
