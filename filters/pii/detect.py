"""PII detection and replacement on presidio-analyzer's pattern recognizers.

Presidio's recognizers validate what a regex alone cannot: IBAN check digits, the Luhn sum of card
numbers, real phone numbers (phonenumbers; international ``+CC`` form, whatever the language),
e-mail domains with a public suffix. We call them
directly, without presidio's AnalyzerEngine and its NLP pipeline, so no spaCy model is needed.

Three things keep the cost bounded (linear) on hostile input:
- a cheap prefilter: each recognizer runs only if a compiled regex finds a possible candidate
  (an ``@`` for e-mails, ``d.d`` or ``x:x:`` for IPs, two capitals and two digits for IBANs...);
- runs of more than 256 non-space characters are skipped: no e-mail, IBAN, card or IP is that
  long, and such runs (a megabyte of digits, of ``@`` and dots) are where regexes go quadratic;
- text is analysed in windows of about 4 KB cut at whitespace, overlapping by more than any PII is
  long: presidio removes duplicate results pairwise, which is quadratic in the results of one call
  (100,000 e-mails in one document took minutes).

``find_pii`` reports every detection, private IPs included; ``anonymize`` replaces them with the
Apertus placeholder tokens, but keeps IPs that are not public (127.0.0.1, 192.168.x.x,
documentation ranges): they identify no one and are common in technical text.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Collection
from functools import lru_cache

PLACEHOLDERS = {"email": "<email-pii>", "ip": "<ip-pii>", "iban": "<iban-pii>", "card": "<card-pii>",
                "phone": "<phone-pii>"}
MAX_TOKEN_CHARS = 256
WINDOW_CHARS = 4096
WINDOW_OVERLAP = MAX_TOKEN_CHARS + 64
_LONG_RUN = re.compile(rf"\S{{{MAX_TOKEN_CHARS + 1},}}")
_PREFILTERS = {
    "email": re.compile(r"\w@\w"),
    "ip": re.compile(r"\d\.\d|:[0-9A-Fa-f]{0,4}:"),
    "iban": re.compile(r"[A-Z]{2}\d{2}"),
    "card": re.compile(r"\d{4}[ -]?\d{4}"),
    "phone": re.compile(r"\+\d"),
}
# Earlier entities win overlaps: an IBAN's digits are not also a card number or a phone number.
_PRIORITY = ("email", "iban", "card", "ip", "phone")


@lru_cache(maxsize=65536)
def _has_public_suffix(domain: str) -> bool:
    from clearweb.pipeline.core.provenance import has_public_suffix

    return has_public_suffix(domain)


class _EmailMatcher:
    """Presidio's e-mail pattern and flags, matched directly.

    E-mails are the most frequent PII by far, and presidio's per-result machinery (explanations,
    result objects, pairwise de-duplication) costs several times the regex itself; the pattern,
    its flags and the domain check are presidio's, only the bookkeeping is ours.
    """

    def __init__(self, recognizer) -> None:
        import regex

        self._patterns = [regex.compile(p.regex, flags=recognizer.global_regex_flags) for p in recognizer.patterns]
        self._validate = recognizer.validate_result

    def spans(self, text: str):
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                if match.end() > match.start() and self._validate(match.group()):
                    yield match.start(), match.end()


@lru_cache(maxsize=1)
def _recognizers() -> dict[str, object]:
    """One presidio recognizer per entity, built once per process."""
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio checks the domain with tldextract's default extractor, which downloads the public
        suffix list; ours reads the list bundled with tldextract (and caches per domain)."""

        def validate_result(self, pattern_text: str) -> bool:
            return _has_public_suffix(pattern_text.rsplit("@", 1)[-1].lower())

    # Phone numbers in international form (+CC ...) only: language-independent, and one pass of
    # phonenumbers' matcher instead of one per national region.
    return {"email": _EmailMatcher(OfflineEmailRecognizer()), "ip": IpRecognizer(), "iban": IbanRecognizer(),
            "card": CreditCardRecognizer(), "phone": PhoneRecognizer(supported_regions=("ZZ",))}


def _pieces(text: str):
    """(offset, piece) windows of the text between runs too long to hold PII."""
    start = 0
    for run in _LONG_RUN.finditer(text):
        if run.start() > start:
            yield from _windows(text, start, run.start())
        start = run.end()
    if start < len(text):
        yield from _windows(text, start, len(text))


def _windows(text: str, start: int, end: int):
    """Windows of [start, end) of about WINDOW_CHARS, cut at whitespace, overlapping by WINDOW_OVERLAP."""
    while end - start > WINDOW_CHARS:
        cut = text.rfind(" ", start + WINDOW_CHARS // 2, start + WINDOW_CHARS)
        cut = cut if cut != -1 else start + WINDOW_CHARS
        yield start, text[start:cut]
        start = max(start + 1, cut - WINDOW_OVERLAP)
        space = text.find(" ", start, cut)  # restart at a word boundary inside the overlap
        start = space + 1 if space != -1 else start
    yield start, text[start:end]


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, entity) spans, sorted; entity is one of PLACEHOLDERS' keys."""
    recognizers = _recognizers()
    found: list[tuple[int, int, str]] = []
    for offset, piece in _pieces(text):
        for entity in _PRIORITY:
            if not _PREFILTERS[entity].search(piece):
                continue
            recognizer = recognizers[entity]
            if entity == "email":
                found.extend((offset + start, offset + end, entity) for start, end in recognizer.spans(piece))
                continue
            for result in recognizer.analyze(piece, recognizer.supported_entities, None):
                found.append((offset + result.start, offset + result.end, entity))
    return _without_overlaps(found)


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop duplicates (from window overlaps) and resolve overlaps by entity priority, then length."""
    rank = {entity: i for i, entity in enumerate(_PRIORITY)}
    kept: list[tuple[int, int, str]] = []
    cluster: list[tuple[int, int, str]] = []
    cluster_end = -1
    for span in sorted(set(spans)):
        if span[0] >= cluster_end and cluster:
            kept.extend(_resolve(cluster, rank))
            cluster = []
        cluster.append(span)
        cluster_end = max(cluster_end, span[1]) if len(cluster) > 1 else span[1]
    kept.extend(_resolve(cluster, rank))
    return sorted(kept)


def _resolve(cluster: list[tuple[int, int, str]], rank: dict[str, int]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans of one cluster of mutually overlapping spans (clusters are small)."""
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(cluster, key=lambda s: (rank[s[2]], s[0] - s[1], s[0])):
        if all(span[1] <= other[0] or span[0] >= other[1] for other in chosen):
            chosen.append(span)
    return chosen


def is_public_ip(value: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip("[]")).is_global
    except ValueError:
        return True  # presidio accepted it as an address; when unsure, treat it as identifying


def anonymize(text: str, entities: Collection[str] | None = None) -> tuple[str, dict[str, int]]:
    """Text with PII replaced by placeholder tokens, and the count of replacements per entity.

    ``entities`` limits what is replaced (default: all of PLACEHOLDERS' keys).
    """
    counts: Counter[str] = Counter()
    parts: list[str] = []
    position = 0
    for start, end, entity in find_pii(text):
        if entities is not None and entity not in entities:
            continue
        if entity == "ip" and not is_public_ip(text[start:end]):
            continue
        parts.append(text[position:start])
        parts.append(PLACEHOLDERS[entity])
        counts[entity] += 1
        position = end
    if not counts:
        return text, {}
    parts.append(text[position:])
    return "".join(parts), dict(counts)
