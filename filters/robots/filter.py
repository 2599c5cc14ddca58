"""The robots opt-out filter: remove documents today's robots.txt disallows for AI agents.

For each document, the origin's entry in the snapshot decides:
- a robots.txt was fetched (``ok``): in ``mode: url`` the document is removed if any configured
  agent is disallowed from its URL; in ``mode: domain`` every document of an origin whose
  robots.txt disallows anything for a configured agent is removed (the coarse mode of the
  published blocked-domain lists);
- no robots.txt (``unavailable``: 4xx, bad redirects): nothing is restricted, the document stays;
- ``unreachable`` or ``refused``: ``on_unreachable`` decides (keep by default, as Apertus did);
- no entry at all (a document without URL, or an origin the snapshot lacks): removed as
  ``robots_unchecked`` (counted either way), since what cannot be checked is not kept, unless
  ``on_unchecked: keep``.

Removed documents carry ``robots_blocked_by`` (the agents) and ``robots_rule`` (agent, line number
and text of the deciding rule) into ``removed/``, so a removal can be defended line by line.
"""

from __future__ import annotations

from collections import Counter

from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.robots.crawler import RobotsFetch
from clearweb.filters.robots.origins import origin_of
from clearweb.filters.robots.rules import CompiledRules, RobotsTxt, Rule, normalize_url, path_of
from clearweb.filters.robots.snapshot import ROBOTS_COLUMNS, read_snapshot
from clearweb.pipeline.core.bounded_stats import report_top
from clearweb.pipeline.core.filter_step import FilterStep

# The AI-training crawlers the Apertus report lists, plus "*" (a site's rules for every crawler).
DEFAULT_AGENTS = ("AI2Bot", "Applebot-Extended", "Bytespider", "CCBot", "ClaudeBot", "cohere-training-data-crawler",
                  "Diffbot", "Meta-ExternalAgent", "Google-Extended", "GPTBot", "PanguBot", "FacebookBot", "*")
TOP_DOMAINS_PER_TASK = 200
#: stats: documents removed per agent (``blocked_<agent>``) and per domain (``domain:<domain>``)
BLOCKED_PREFIX = "blocked_"
DOMAIN_PREFIX = "domain"
#: removed_by of documents that could not be checked (no URL, or an origin missing from the snapshot)
UNCHECKED = "robots_unchecked"


class RobotsFilter(FilterStep):
    name = "🤖 robots.txt opt-out"
    stats_key = "robots_filter"

    def __init__(self, snapshot_dir: str, agents: tuple[str, ...] | list[str] = DEFAULT_AGENTS,
                 mode: str = "url", on_unreachable: str = "keep", on_unchecked: str = "drop",
                 exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        self.snapshot_dir = snapshot_dir
        self.agents = list(agents)
        self.mode = mode
        self.on_unreachable = on_unreachable
        self.on_unchecked = on_unchecked
        self._snapshot: dict[str, RobotsFetch] | None = None
        self._plans: dict[str, list[tuple[CompiledRules, list[str]]]] = {}
        self._domain_verdicts: dict[str, tuple[list[str], str] | None] = {}
        self._dropped_domains: Counter[str] = Counter()
        self._blocked_agents: Counter[str] = Counter()

    def _plan(self, origin: str, body: str) -> list[tuple[CompiledRules, list[str]]]:
        """Per origin, parsed once: the distinct rule sets of our agents that can disallow anything,
        each with the agents it applies to (most agents usually share the ``*`` group)."""
        plan = self._plans.get(origin)
        if plan is None:
            robots = RobotsTxt.parse(body)
            by_rules: dict[int, tuple[CompiledRules, list[str]]] = {}
            for agent in self.agents:
                rules = robots.rules_for(agent)
                if rules.has_disallow:
                    by_rules.setdefault(id(rules), (rules, []))[1].append(agent)
            plan = self._plans[origin] = list(by_rules.values())
        return plan

    def _url_verdict(self, plan: list[tuple[CompiledRules, list[str]]], url: str) -> tuple[list[str], str] | None:
        if not plan:
            return None
        path = path_of(url)
        if path == "/robots.txt":
            return None
        deciding: dict[str, Rule] = {}
        for rules, agents in plan:
            rule = rules.decide(path)
            if rule is not None and not rule.allow:
                deciding.update(dict.fromkeys(agents, rule))
        if not deciding:
            return None
        blocked = [agent for agent in self.agents if agent in deciding]
        first = deciding[blocked[0]]
        return blocked, f"{blocked[0]}: line {first.line}: {first.text}"

    def _domain_verdict(self, origin: str, plan: list[tuple[CompiledRules, list[str]]]) -> tuple[list[str], str] | None:
        if origin not in self._domain_verdicts:
            blocked = sorted((agent for _, agents in plan for agent in agents), key=self.agents.index)
            verdict = None
            if blocked:
                rules = next(rules for rules, agents in plan if blocked[0] in agents)
                first = next(rule for rule in sorted(rules.rules, key=lambda r: r.line) if not rule.allow)
                verdict = (blocked, f"{blocked[0]}: line {first.line}: {first.text}")
            self._domain_verdicts[origin] = verdict
        return self._domain_verdicts[origin]

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        if self._snapshot is None:
            self._snapshot = read_snapshot(self.snapshot_dir, ROBOTS_COLUMNS)
        url = doc.metadata.get("url")
        origin = origin_of(url)
        entry = self._snapshot.get(origin) if origin else None
        if entry is None:
            # Nothing to check against (no URL, or an origin the snapshot lacks because the fetch
            # output changed after the crawl): fail closed unless the config says otherwise.
            self.stat_update(UNCHECKED)
            if self.on_unchecked == "keep":
                return True
            doc.metadata["robots_blocked_by"] = []
            doc.metadata["robots_rule"] = (f"no robots.txt snapshot entry for {origin}" if origin
                                           else "no URL to check")
            return False, UNCHECKED
        if entry.outcome in ("unreachable", "refused"):
            self.stat_update(f"origin_{entry.outcome}")
            if self.on_unreachable == "keep":
                return True
            doc.metadata["robots_blocked_by"] = []
            doc.metadata["robots_rule"] = f"{entry.outcome}: {entry.error}"
            return False, f"robots_{entry.outcome}"
        if entry.outcome != "ok" or not entry.body:
            self.stat_update("no_robots_txt")
            return True
        plan = self._plan(origin, entry.body)
        if self.mode == "domain":
            verdict = self._domain_verdict(origin, plan)
        else:
            verdict = self._url_verdict(plan, normalize_url(url))
        if verdict is None:
            return True
        blocked, evidence = verdict
        self._blocked_agents.update(blocked)
        self._dropped_domains[doc.metadata.get("domain") or origin] += 1
        doc.metadata["robots_blocked_by"] = blocked
        doc.metadata["robots_rule"] = evidence
        return False, "robots"

    def run(self, data, rank: int = 0, world_size: int = 1):
        yield from super().run(data, rank, world_size)
        # Counted locally (a stat update per agent per document is the step's main cost), flushed once.
        for agent in self.agents:
            if self._blocked_agents[agent]:
                self.stat_update(f"{BLOCKED_PREFIX}{agent}", value=self._blocked_agents[agent])
        # Per-domain drops for the report, bounded so stats stay small at millions of domains.
        report_top(self, DOMAIN_PREFIX, self._dropped_domains, TOP_DOMAINS_PER_TASK)
