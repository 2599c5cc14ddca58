"""Creative Commons licenses from license links.

A page's license links were recorded at fetch time (``signals.license_urls``: ``rel="license"``
targets and Creative Commons URLs, in page order). The first Creative Commons license or public
domain tool among them names the document's license, in lower-case SPDX style: ``cc-by-4.0``,
``cc-by-nc-sa-3.0``, ``cc0-1.0``, ``pdm-1.0``. Anything else, no links included, is ``unknown``:
we record what the page states and never guess.
"""

from __future__ import annotations

import re

_CC_URL = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d+(?:\.\d+)?)", re.IGNORECASE)
_CC_KINDS = {"by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"}
UNKNOWN = "unknown"


def license_of(license_urls: list[str] | None) -> str:
    """The license the links name: ``cc-by-sa-4.0``, ``cc0-1.0``, ``pdm-1.0`` or ``unknown``."""
    for url in license_urls or []:
        match = _CC_URL.search(url)
        if not match:
            continue
        family, kind, version = match.group(1).lower(), match.group(2).lower(), match.group(3)
        if family == "publicdomain" and kind == "zero":
            return f"cc0-{version}"
        if family == "publicdomain" and kind == "mark":
            return f"pdm-{version}"
        if family == "licenses" and kind in _CC_KINDS:
            return f"cc-{kind}-{version}"
    return UNKNOWN


def is_noncommercial_or_noderivatives(license_id: str) -> bool:
    """NC and ND licenses: excluded by the ``commercial`` preset."""
    return license_id.startswith("cc-") and ("-nc" in license_id or "-nd" in license_id)
