"""PII detection and replacement on presidio-analyzer's pattern recognizers.

Presidio's recognizers validate what a regex alone cannot: IBAN check digits, the Luhn sum of card
numbers, real phone numbers (phonenumbers; international ``+CC`` form, whatever the language),
e-mail domains with a public suffix. We run their patterns and checks directly, without presidio's
AnalyzerEngine and its NLP pipeline, so no spaCy model is needed; the e-mail pattern is rewritten.

Boundaries come from the structure of the PII, not from whitespace or the script around it. Presidio
compiles its patterns with Unicode ``\\b`` and ``\\w``, for which a Chinese, Japanese, Thai or Arabic
letter is a word character like any other: written against such text without a space, an IP or a
card number has no word boundary, and an e-mail swallows the text around it and then fails its
domain check (``ご質問はredaktion212@blog.ja-demo.co.jpまで``). So:
- IP, IBAN and card patterns are presidio's, compiled with ``regex.ASCII``: their boundaries are ASCII;
- the e-mail pattern is presidio's with its word characters split in two families, Latin (ASCII
  included, so ``müller@bücher.de`` stays whole) and all other scripts (``иван@пример.рф``,
  ``あいうえお@example.com``): the local part and each domain label keep to one family, so an address
  ends where the text around it changes family. A domain may go from labels in other scripts to
  Latin ones (``例え.jp``), not back (``example.com.次へ`` ends at ``.com``). The local part takes RFC
  5322's characters except the URL delimiters ``/ ? # & =``: ``https://x.example/?contact=a.b@c-d.org``
  holds ``a.b@c-d.org``. Left out: an address in another script written against text of the same
  family without a space (``こちらあいうえお@example.com`` is taken whole), local parts mixing the
  families (``田中taro@example.jp`` gives ``taro@example.jp``), and Latin labels followed by others in
  a domain (``example.中国``).

The cost stays linear on hostile input (a megabyte without whitespace of digits, of ``@`` and dots,
of kanji with ``@`` and dots), with no run skipped for its length:
- each matcher runs only if a compiled regex finds a possible candidate (an ``@`` for e-mails,
  ``d.d`` for IPv4 and ``x:x:`` for IPv6 addresses, two capitals and two digits for IBANs...);
- e-mails are matched outward from each ``@``: the local part backwards, the domain forwards, neither
  across another ``@``, so each character is read a bounded number of times (presidio's pattern,
  matched forwards from every word boundary, is quadratic on long runs);
- IP, IBAN and card patterns are short (an IPv6 zone name aside), so each start costs bounded work;
- phone numbers (phonenumbers' matcher, which gives up after a number of tries per call) are matched
  in windows of WINDOW_CHARS, each with WINDOW_MARGIN of context on both sides, more than any number
  is long; a window keeps the numbers that start in its own WINDOW_CHARS, so each is found once.

Checking a candidate is what costs on number-dense text (phone books, server logs, tables):
phonenumbers parses each ``+`` candidate (about 80 us), an IP is parsed twice by ``ipaddress``
(about 12 us). So each window of WINDOW_CHARS checks at most CHECKS_PER_WINDOW candidates of a
kind; past that, the window's remaining candidates are replaced *unchecked* (fail closed: text too
dense to check is not kept as it was): IPv4 addresses as presidio's pattern matches them (octets
0-255), private ones included, and phone numbers as ``+`` and 7 to 15 digits (E.164) with up to
three separators (space, parentheses, dot, dash, slash) between digits (``+44 (0)20 7946 0958``).
IPv6 candidates are always checked (presidio's pattern also matches a bare ``::``, as in code). ``anonymize_counting`` returns how many replacements were unchecked
(the step's ``pii_capped`` stat). Prose never comes near the cap; the presidio and datatrove
conformance cases are detected exactly as before.

``find_pii`` reports every detection, private IPs included; ``anonymize`` replaces them with the
Apertus placeholder tokens, but keeps IPs that are not public (127.0.0.1, 192.168.x.x,
documentation ranges): they identify no one and are common in technical text.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Collection, Iterator
from functools import lru_cache

PLACEHOLDERS = {"email": "<email-pii>", "ip": "<ip-pii>", "iban": "<iban-pii>", "card": "<card-pii>",
                "phone": "<phone-pii>"}
WINDOW_CHARS = 4096
WINDOW_MARGIN = 256
CHECKS_PER_WINDOW = 16
_PLUS_DIGIT = re.compile(r"\+\d")
_PHONE_LIKE = re.compile(r"\+\d(?:[ ().\-/]{0,3}\d){6,14}")
# Earlier entities win overlaps: an IBAN's digits are not also a card number or a phone number.
_PRIORITY = ("email", "iban", "card", "ip", "phone")

# The two families of word characters: Latin (ASCII digits and underscore included), and all other scripts.
_LATIN = r"[\p{Latin}0-9_]"
_OTHER = r"[\w--\p{Latin}--[0-9_]]"
_LOCAL_SYMBOLS = r"!$%'*+\-^_`{|}~"  # RFC 5322 atext without the URL delimiters / ? # & =


def _local_part(word: str) -> str:
    """Presidio's ``\\b(x|x[x.]*x)`` before the '@', its word characters of one family."""
    char = f"[{word}{_LOCAL_SYMBOLS}]"
    boundary = f"(?:(?<!{word})(?={word})|(?<={word})(?!{word}))"
    return f"{boundary}{char}(?:[{char}.]*{char})?"


def _label(word: str) -> str:
    """Presidio's domain label ``\\w+(?:-+\\w+)*``, its word characters of one family."""
    return f"{word}+(?:-+{word}+)*"


_LOCAL_PARTS = f"{_local_part(_LATIN)}|{_local_part(_OTHER)}"
_DOMAINS = (f"{_label(_LATIN)}(?:\\.{_label(_LATIN)})+"
            f"|{_label(_OTHER)}(?:(?:\\.{_label(_OTHER)})+(?:\\.{_label(_LATIN)})*|(?:\\.{_label(_LATIN)})+)")


@lru_cache(maxsize=65536)
def _has_public_suffix(domain: str) -> bool:
    from clearweb.pipeline.core.provenance import has_public_suffix

    return has_public_suffix(domain)


class _EmailMatcher:
    """E-mails, matched outward from each '@', with presidio's domain check: a public suffix, read from
    the list bundled with tldextract (presidio's check downloads it).

    Matches are those of presidio's forward ``finditer``: a local part starts after the end of the
    previous match (validated or not), and is the longest one that ends at its '@'.
    """

    def __init__(self) -> None:
        import regex

        # From an '@' between a local-part character and a word character: the longest local part
        # that ends there (a lookbehind is matched in reverse, greedily), then the domain.
        self._email = regex.compile(
            f"(?V1)(?<=[\\w{_LOCAL_SYMBOLS}])@(?=\\w)(?<=(?P<local>{_LOCAL_PARTS})@)(?P<domain>{_DOMAINS})")
        # The local part alone, matched in reverse from an '@' and not before a given position.
        self._local_part = regex.compile(f"(?rV1){_LOCAL_PARTS}")

    def spans(self, text: str) -> Iterator[tuple[int, int, bool]]:
        floor = 0
        for match in self._email.finditer(text):
            start = match.start("local")
            if start < floor:
                local = self._local_part.match(text, floor, match.start())
                if local is None:
                    continue
                start = local.start()
            floor = match.end()
            if _has_public_suffix(match.group("domain").lower()):
                yield start, floor, True


class _PatternMatcher:
    """A presidio pattern recognizer's patterns and checks, matched directly, with ASCII boundaries.

    Presidio's per-result machinery (explanations, result objects, de-duplication) costs several times
    the regex itself; the patterns and checks are presidio's, only the bookkeeping is ours. A match is
    kept unless its validation fails or its invalidation succeeds, as in presidio. ``trim_to_groups``
    is the IBAN recognizer's retry: a match that fails is shortened to the end of each of its groups,
    last group first (``VG96 VPVG 0000 0123 4567 8901 X``: an IBAN, then an X).
    """

    def __init__(self, recognizer, trim_to_groups: bool = False, capped: bool = False) -> None:
        """``capped``: at most CHECKS_PER_WINDOW checks per window, the rest of its matches unchecked."""
        import regex

        flags = recognizer.global_regex_flags | regex.ASCII
        self._patterns = [regex.compile(p.regex, flags=flags) for p in recognizer.patterns]
        self._recognizer = recognizer
        self._trim_to_groups = trim_to_groups
        self._capped = capped

    def spans(self, text: str) -> Iterator[tuple[int, int, bool]]:
        for pattern in self._patterns:
            groups = range(pattern.groups, 0, -1) if self._trim_to_groups else (0,)
            checks: Counter[int] = Counter()
            for match in pattern.finditer(text):
                start = match.start()
                if self._capped:
                    window = start // WINDOW_CHARS
                    if checks[window] >= CHECKS_PER_WINDOW:
                        yield start, match.end(), False
                        continue
                    checks[window] += 1
                for end in map(match.end, groups):
                    if end > start and self._valid(text[start:end]):
                        yield start, end, True
                        break

    def _valid(self, value: str) -> bool:
        return self._recognizer.validate_result(value) is not False and not self._recognizer.invalidate_result(value)


class _PhoneMatcher:
    """Presidio's phone recognizer, in windows (see the module docstring)."""

    def __init__(self, recognizer) -> None:
        self._recognizer = recognizer

    def spans(self, text: str) -> Iterator[tuple[int, int, bool]]:
        for own in range(0, len(text), WINDOW_CHARS):
            start = max(0, own - WINDOW_MARGIN)
            end = own + WINDOW_CHARS + WINDOW_MARGIN
            piece = text[start:end]
            if "+" not in piece:
                continue
            if len(_PLUS_DIGIT.findall(piece)) > CHECKS_PER_WINDOW:
                for match in _PHONE_LIKE.finditer(text, own, end):
                    if match.start() < own + WINDOW_CHARS:
                        yield match.start(), match.end(), False
                continue
            for result in self._recognizer.analyze(piece, self._recognizer.supported_entities, None):
                if own <= start + result.start < own + WINDOW_CHARS:
                    yield start + result.start, start + result.end, True


_Matcher = _EmailMatcher | _PatternMatcher | _PhoneMatcher


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[str, re.Pattern, _Matcher], ...]:
    """(entity, prefilter, matcher), built once per process; a matcher runs where its prefilter finds a candidate."""
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    # IPv4 addresses need no colon and every IPv6 form needs two: text of digits and dots (version
    # numbers, tables) is not searched for IPv6 addresses, which is presidio's costliest pattern.
    ipv4 = [pattern for pattern in IpRecognizer.PATTERNS if pattern.name == "IPv4"]
    ipv6 = [pattern for pattern in IpRecognizer.PATTERNS if pattern.name != "IPv4"]
    # Phone numbers in international form (+CC ...) only: language-independent, and one pass of
    # phonenumbers' matcher instead of one per national region.
    return (("email", re.compile("@"), _EmailMatcher()),
            ("iban", re.compile(r"[A-Z]{2}\d{2}"), _PatternMatcher(IbanRecognizer(), trim_to_groups=True)),
            ("card", re.compile(r"\d{4}[ -]?\d{4}"), _PatternMatcher(CreditCardRecognizer())),
            ("ip", re.compile(r"\d\.\d"), _PatternMatcher(IpRecognizer(patterns=ipv4), capped=True)),
            ("ip", re.compile(r":[0-9A-Fa-f]{0,4}:"), _PatternMatcher(IpRecognizer(patterns=ipv6))),
            ("phone", re.compile(r"\+\d"), _PhoneMatcher(PhoneRecognizer(supported_regions=("ZZ",)))))


def _detections(text: str) -> list[tuple[int, int, str, bool]]:
    """Non-overlapping (start, end, entity, checked) spans, sorted (``checked``: see the module docstring)."""
    found: list[tuple[int, int, str, bool]] = []
    for entity, prefilter, matcher in _matchers():
        if prefilter.search(text):
            found.extend((start, end, entity, checked) for start, end, checked in matcher.spans(text))
    return _without_overlaps(found)


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, entity) spans, sorted; entity is one of PLACEHOLDERS' keys."""
    return [(start, end, entity) for start, end, entity, _ in _detections(text)]


def _without_overlaps(spans: list[tuple]) -> list[tuple]:
    """Resolve overlaps (two patterns matching the same span included) by entity priority, then length."""
    rank = {entity: i for i, entity in enumerate(_PRIORITY)}
    kept: list[tuple] = []
    cluster: list[tuple] = []
    cluster_end = -1
    for span in sorted(spans):
        if span[0] < cluster_end:
            cluster.append(span)
            cluster_end = max(cluster_end, span[1])
            continue
        kept.extend(cluster if len(cluster) == 1 else _resolve(cluster, rank))
        cluster, cluster_end = [span], span[1]
    kept.extend(cluster if len(cluster) == 1 else _resolve(cluster, rank))
    return kept


def _resolve(cluster: list[tuple], rank: dict[str, int]) -> list[tuple]:
    """Non-overlapping spans of one cluster of overlapping spans, sorted (clusters are small)."""
    chosen: list[tuple] = []
    for span in sorted(cluster, key=lambda s: (rank[s[2]], s[0] - s[1], s[0])):
        if all(span[1] <= other[0] or span[0] >= other[1] for other in chosen):
            chosen.append(span)
    return sorted(chosen)


def is_public_ip(value: str) -> bool:
    try:
        return ipaddress.ip_address(value.strip("[]")).is_global
    except ValueError:
        return True  # presidio accepted it as an address; when unsure, treat it as identifying


def anonymize_counting(text: str, entities: Collection[str] | None = None) -> tuple[str, dict[str, int], int]:
    """Text with PII replaced by placeholder tokens, the count of replacements per entity, and how
    many of them were unchecked (capped windows, see the module docstring).

    ``entities`` limits what is replaced (default: all of PLACEHOLDERS' keys).
    """
    counts: Counter[str] = Counter()
    parts: list[str] = []
    position = unchecked = 0
    for start, end, entity, checked in _detections(text):
        if entities is not None and entity not in entities:
            continue
        if entity == "ip" and checked and not is_public_ip(text[start:end]):
            continue
        parts.append(text[position:start])
        parts.append(PLACEHOLDERS[entity])
        counts[entity] += 1
        unchecked += not checked
        position = end
    if not counts:
        return text, {}, 0
    parts.append(text[position:])
    return "".join(parts), dict(counts), unchecked


def anonymize(text: str, entities: Collection[str] | None = None) -> tuple[str, dict[str, int]]:
    """``anonymize_counting`` without the unchecked count."""
    anonymized, counts, _ = anonymize_counting(text, entities)
    return anonymized, counts
