"""W3C TDMRep rules from an origin's /.well-known/tdmrep.json.

The file is a JSON array of rules ``{"location": "/images/*", "tdm-reservation": 1,
"tdm-policy": "https://..."}``. A rule's location is a path pattern (``*`` any run, final ``$``
anchors, as in robots.txt); the first rule, in file order, whose location matches a URL's path
applies to it. A file that is not such an array is ignored (and reported), as a missing one is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from clearweb.filters.robots.rules import compile_pattern, path_of, pattern_matches


@dataclass(frozen=True)
class TdmRule:
    location: str
    reserved: bool
    policy: str | None
    index: int  # position in the file, for evidence


class TdmRepError(ValueError):
    pass


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
        reservation = item.get("tdm-reservation", 0)
        if str(reservation) not in ("0", "1"):
            raise TdmRepError(f"rule {index}: tdm-reservation must be 0 or 1")
        policy = item.get("tdm-policy")
        rules.append(TdmRule(item["location"], str(reservation) == "1", policy if isinstance(policy, str) else None,
                             index))
    return rules


class TdmRepRules:
    """Compiled rules of one origin: ``rule_for(url)`` gives the rule that applies, if any."""

    def __init__(self, rules: list[TdmRule]):
        self._rules = [(rule, compile_pattern(rule.location if rule.location.startswith(("/", "*"))
                                              else "/" + rule.location)) for rule in rules]

    def rule_for(self, url: str) -> TdmRule | None:
        path = path_of(url)
        for rule, matcher in self._rules:
            if pattern_matches(matcher, path):
                return rule
        return None
