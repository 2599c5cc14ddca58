"""W3C TDMRep (TDM Reservation Protocol): an origin's /.well-known/tdmrep.json, and the precedence
of its three levels.

The file is a JSON array of rules ``{"location": "/images/*", "tdm-reservation": 1, "tdm-policy":
"https://..."}``. A rule's location is a path pattern (``*`` any run, a final ``$`` anchors, as in
robots.txt), matched case-sensitively after both sides are normalised: escapes of unreserved ASCII
characters decoded, other escapes upper-cased, non-ASCII characters encoded. The first rule in
array order whose location matches a URL's path applies (the spec's "most specific match is the
first in sequence"). ``tdm-reservation`` values other than 0 and 1 leave it unset. A file that is
not such an array raises ``TdmRepError``: the consent filter decides what an unreadable file means.

Precedence (the spec's processing priority): tdmrep.json < HTTP header < HTML meta tag. A level
overrides only what it states: a header without ``tdm-policy`` keeps the file's policy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from clearweb.filters.robots.rules import compile_pattern, escape_pattern, path_of, pattern_matches

_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


@dataclass(frozen=True)
class TdmRule:
    location: str
    reservation: str | None  # "1", "0", or None (absent or a value the protocol does not define)
    policy: str | None
    index: int  # position in the file, for evidence


class TdmRepError(ValueError):
    pass


def reservation_value(value: object) -> str | None:
    """``"1"``/``"0"`` for TDMRep's two values (as a number or a string), else None (unset)."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return text if text in ("0", "1") else None


def normalise_path(path: str) -> str:
    """Percent-decode unreserved ASCII characters, upper-case the other escapes, encode non-ASCII."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if chr(int(m.group(1), 16)) in _UNRESERVED
                          else m.group(0).upper(), path) if "%" in path else path
    return escape_pattern(decoded)


def parse_tdmrep(body: str) -> list[TdmRule]:
    """Rules of a tdmrep.json body; TdmRepError names what is wrong with a malformed one."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise TdmRepError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, list):
        raise TdmRepError("not a JSON array of rules")
    rules = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("location"), str):
            raise TdmRepError(f"rule {index} has no location")
        policy = item.get("tdm-policy")
        rules.append(TdmRule(item["location"], reservation_value(item.get("tdm-reservation")),
                             policy if isinstance(policy, str) and policy.strip() else None, index))
    return rules


class TdmRepRules:
    """Compiled rules of one origin: ``rule_for(url)`` gives the rule that applies, if any."""

    def __init__(self, rules: list[TdmRule]):
        self._rules = [(rule, compile_pattern(normalise_path(rule.location if rule.location.startswith(("/", "*"))
                                                             else "/" + rule.location))) for rule in rules]

    def rule_for(self, url: str) -> TdmRule | None:
        path = normalise_path(path_of(url))
        for rule, matcher in self._rules:
            if pattern_matches(matcher, path):
                return rule
        return None


@dataclass(frozen=True)
class TdmLevel:
    """What one level states: where (for evidence), and its reservation and policy (None: silent)."""

    source: str
    reservation: str | None
    policy: str | None


def resolve(levels: list[TdmLevel]) -> tuple[str | None, str | None, TdmLevel | None]:
    """(reservation, policy, the level that set the reservation) over levels in increasing
    precedence; a level overrides only the properties it states."""
    reservation, policy, deciding = None, None, None
    for level in levels:
        if level.reservation is not None:
            reservation, deciding = level.reservation, level
        if level.policy is not None:
            policy = level.policy
    return reservation, policy, deciding
