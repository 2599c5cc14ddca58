"""Compliance signals read from a page's HTML and HTTP headers at fetch time.

After the fetch stage the HTML is gone, so everything the consent filter needs later is recorded
here as ``metadata["signals"]``, per source, as the page states it (deciding is the filters' job):

- ``tdm_reservation_header`` / ``tdm_policy_header``: W3C TDMRep ``tdm-reservation`` and
  ``tdm-policy`` HTTP headers, values as written (``"1"``, ``"0"``, or anything else, which TDMRep
  reads as unset); ``tdm_reservation_meta`` / ``tdm_policy_meta``: the same as HTML meta tags. They
  are kept apart because TDMRep ranks them (tdmrep.json < header < meta) and a level that states
  nothing must not reset a lower one;
- ``content_usage``: the IETF aipref ``Content-Usage`` header (several field lines joined by ``, ``,
  as RFC 9651 combines them), unparsed;
- ``noai_header`` / ``noai_meta``: ``noai`` in ``X-Robots-Tag`` or in ``<meta name="robots">`` (or a
  bot-specific robots meta tag); ``noimageai`` from either;
- ``license_urls``: ``rel="license"`` targets and Creative Commons license links, in page order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

MAX_LICENSE_URLS = 8
_CC_MARKERS = ("creativecommons.org/licenses/", "creativecommons.org/publicdomain/")
_ROBOTS_META_NAMES = {"robots", "ccbot", "gptbot", "claudebot", "google-extended"}
_TDM_FIELDS = {"tdm-reservation": "tdm_reservation", "tdm-policy": "tdm_policy"}


def empty_signals() -> dict[str, Any]:
    return {"tdm_reservation_header": None, "tdm_policy_header": None, "tdm_reservation_meta": None,
            "tdm_policy_meta": None, "content_usage": None, "noai_header": False, "noai_meta": False,
            "noimageai": False, "license_urls": []}


def _robots_tokens(value: str) -> set[str]:
    """Tokens of a robots directive list; ``X-Robots-Tag`` values may start with ``agent:``."""
    tokens = set()
    for part in value.lower().replace(";", ",").split(","):
        part = part.strip()
        if ":" in part and not part.startswith(("http", "unavailable_after")):
            part = part.split(":", 1)[1].strip()
        tokens.update(part.split())
    return tokens


def _apply_robots(signals: dict[str, Any], value: str, noai_key: str) -> None:
    tokens = _robots_tokens(value)
    signals[noai_key] = signals[noai_key] or "noai" in tokens
    signals["noimageai"] = signals["noimageai"] or "noimageai" in tokens


def _apply_tdm(signals: dict[str, Any], name: str, value: str, level: str) -> None:
    """The first statement of each TDMRep property at this level counts."""
    key = f"{_TDM_FIELDS[name]}_{level}"
    if signals[key] is None and value.strip():
        signals[key] = value.strip()


def header_signals(headers: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Signals from HTTP response headers (``X-Robots-Tag``, TDMRep, ``Content-Usage``)."""
    signals = empty_signals()
    usage: list[str] = []
    for name, value in headers:
        name = name.lower()
        if name == "x-robots-tag":
            _apply_robots(signals, value, "noai_header")
        elif name in _TDM_FIELDS:
            _apply_tdm(signals, name, value, "header")
        elif name == "content-usage":
            usage.append(value.strip())
    signals["content_usage"] = ", ".join(usage) if usage else None
    return signals


def html_signals(tree: HtmlElement, base_url: str | None) -> dict[str, Any]:
    """Signals from a parsed page: robots/TDM meta tags, license links. Read before extraction,
    which rewrites the tree."""
    signals = empty_signals()
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("http-equiv") or "").strip().lower()
        content = meta.get("content") or ""
        if name in _ROBOTS_META_NAMES or name == "x-robots-tag":
            _apply_robots(signals, content, "noai_meta")
        elif name in _TDM_FIELDS:
            _apply_tdm(signals, name, content, "meta")

    licenses: list[str] = []
    for element in tree.iter("a", "link", "area"):
        href = (element.get("href") or "").strip()
        if not href:
            continue
        rel = (element.get("rel") or "").lower().split()
        if "license" in rel or any(marker in href.lower() for marker in _CC_MARKERS):
            absolute = urljoin(base_url, href) if base_url else href
            if absolute not in licenses:
                licenses.append(absolute)
            if len(licenses) >= MAX_LICENSE_URLS:
                break
    signals["license_urls"] = licenses
    return signals


def merge_signals(*parts: dict[str, Any]) -> dict[str, Any]:
    """Combine header and HTML signals: each field from the first part that states it (flags: any),
    license URLs in first-seen order."""
    merged = empty_signals()
    for part in parts:
        for key, value in part.items():
            if key == "license_urls":
                merged[key] += [url for url in value if url not in merged[key]]
            elif isinstance(value, bool):
                merged[key] = merged[key] or value
            elif merged[key] is None:
                merged[key] = value
    return merged
