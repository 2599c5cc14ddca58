"""Compliance signals read from a page's HTML and HTTP headers at fetch time.

After the fetch stage the HTML is gone, so everything the license/TDM filter needs later is recorded
here as ``metadata["signals"]``:

- ``tdm_reservation``: W3C TDMRep reservation (``tdm-reservation: 1`` header or meta tag);
- ``tdm_policy``: the TDMRep policy URL, if one is given;
- ``noai`` / ``noimageai``: tokens in ``<meta name="robots">`` (or a bot-specific robots meta tag)
  or in the ``X-Robots-Tag`` header;
- ``license_urls``: ``rel="license"`` targets and Creative Commons license links, in page order.

Signals only record what the page says; deciding what to do with them is the filters' job.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

MAX_LICENSE_URLS = 8
_CC_MARKERS = ("creativecommons.org/licenses/", "creativecommons.org/publicdomain/")
_ROBOTS_META_NAMES = {"robots", "ccbot", "gptbot", "claudebot", "google-extended"}


def empty_signals() -> dict[str, Any]:
    return {"tdm_reservation": False, "tdm_policy": None, "noai": False, "noimageai": False, "license_urls": []}


def _robots_tokens(value: str) -> set[str]:
    """Tokens of a robots directive list; ``X-Robots-Tag`` values may start with ``agent:``."""
    tokens = set()
    for part in value.lower().replace(";", ",").split(","):
        part = part.strip()
        if ":" in part and not part.startswith(("http", "unavailable_after")):
            part = part.split(":", 1)[1].strip()
        tokens.update(part.split())
    return tokens


def _apply_robots(signals: dict[str, Any], value: str) -> None:
    tokens = _robots_tokens(value)
    signals["noai"] = signals["noai"] or "noai" in tokens
    signals["noimageai"] = signals["noimageai"] or "noimageai" in tokens


def header_signals(headers: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Signals from HTTP response headers (``X-Robots-Tag``, ``tdm-reservation``, ``tdm-policy``)."""
    signals = empty_signals()
    for name, value in headers:
        name = name.lower()
        if name == "x-robots-tag":
            _apply_robots(signals, value)
        elif name == "tdm-reservation":
            signals["tdm_reservation"] = signals["tdm_reservation"] or value.strip() == "1"
        elif name == "tdm-policy" and value.strip():
            signals["tdm_policy"] = signals["tdm_policy"] or value.strip()
    return signals


def html_signals(tree: HtmlElement, base_url: str | None) -> dict[str, Any]:
    """Signals from a parsed page: robots/TDM meta tags, license links. Read before extraction,
    which rewrites the tree."""
    signals = empty_signals()
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("http-equiv") or "").strip().lower()
        content = meta.get("content") or ""
        if name in _ROBOTS_META_NAMES or name == "x-robots-tag":
            _apply_robots(signals, content)
        elif name == "tdm-reservation":
            signals["tdm_reservation"] = signals["tdm_reservation"] or content.strip() == "1"
        elif name == "tdm-policy" and content.strip():
            signals["tdm_policy"] = signals["tdm_policy"] or content.strip()

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
    """Combine header and HTML signals: any reservation wins, license URLs keep first-seen order."""
    merged = empty_signals()
    for part in parts:
        merged["tdm_reservation"] = merged["tdm_reservation"] or part["tdm_reservation"]
        merged["tdm_policy"] = merged["tdm_policy"] or part["tdm_policy"]
        merged["noai"] = merged["noai"] or part["noai"]
        merged["noimageai"] = merged["noimageai"] or part["noimageai"]
        for url in part["license_urls"]:
            if url not in merged["license_urls"]:
                merged["license_urls"].append(url)
    return merged
