"""The robots opt-out filter: remove documents a site's robots.txt withholds from AI training.

For each document, the origin's robots.txt decides, from the dated snapshot (``policy: latest``, the
default, as Apertus did), from the robots.txt Common Crawl archived when it crawled the page
(``crawl_time``), or from both (``strictest``: removed if either removes it):
- a robots.txt was fetched (``ok``): in ``mode: url`` the document is removed if any configured
  agent is disallowed from its URL; in ``mode: domain`` every document of an origin whose
  robots.txt disallows anything for a configured agent is removed (the coarse mode of the
  published blocked-domain lists). A URL the rules allow is then checked against the preference
  lines of the agents' groups: an IETF aipref ``Content-Usage`` rule saying ``train-ai=n`` removes
  it as ``content_usage``, a ``Content-Signal`` saying ``ai-train=no`` as ``content_signal``
  (each can be turned off with ``honour``); every such statement, opt-out or not, is recorded in the
  document's ``consent`` list with its line;
- no robots.txt (``unavailable``: 4xx, bad redirects): nothing is restricted, the document stays;
- ``unreachable``, ``refused``, or an archived redirect whose target was not archived:
  ``on_unreachable`` decides (keep by default, as Apertus did);
- no URL at all: removed as ``no_provenance`` unless ``on_missing_url: keep`` (counted either way):
  a page nobody can trace to its site cannot be checked against any opt-out;
- no entry (a URL without an http(s) origin, or an origin the snapshot lacks, which the crawl phase
  prevents unless the snapshot was changed since): removed as ``robots_unchecked`` (counted either
  way), since what cannot be checked is not kept, unless ``on_unchecked: keep``. Under
  ``strictest`` a page without an archived robots.txt is decided by the snapshot alone (counted as
  ``no_crawl_time_entry``).
- a page the fetch stage did not extract (``text`` null: this filter, lent to it, removed the page
  before extraction) is removed here too, with its evidence; should this filter now keep it (the
  snapshot was refreshed since), it is removed as ``robots_not_extracted`` all the same, since it
  has no text (re-running fetch extracts it).

Removed documents carry ``robots_blocked_by`` (the agents) and ``robots_rule`` (which robots.txt,
agent, line number and text of the deciding line) into ``removed/``, so a removal can be defended
line by line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import get_filter_result
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.consent.aipref import TRAINING_LABELS, TRAINING_SIGNALS, signal_opt_out, usage_opt_out
from clearweb.filters.robots.crawl_time import CrawlTimeSnapshot, crawl_of
from clearweb.filters.robots.crawler import RobotsFetch
from clearweb.filters.robots.reachability import refuse_unreachable, unreachable_among
from clearweb.filters.robots.rules import CompiledRules, RobotsTxt, Rule, UsageRule, request_path
from clearweb.filters.robots.snapshot import ROBOTS_COLUMNS, read_snapshot
from clearweb.pipeline.core.bounded_stats import report_top
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.origins import read_origins
from clearweb.pipeline.core.provenance import origin_of

# The AI-training crawlers the Apertus report lists, plus "*" (a site's rules for every crawler).
DEFAULT_AGENTS = ("AI2Bot", "Applebot-Extended", "Bytespider", "CCBot", "ClaudeBot", "cohere-training-data-crawler",
                  "Diffbot", "Meta-ExternalAgent", "Google-Extended", "GPTBot", "PanguBot", "FacebookBot", "*")
TOP_DOMAINS_PER_TASK = 200
#: stats: documents removed per agent (``blocked_<agent>``) and per domain (``domain:<domain>``)
BLOCKED_PREFIX = "blocked_"
DOMAIN_PREFIX = "domain"
#: removed_by of documents that could not be checked (no origin, or one missing from the snapshot)
UNCHECKED = "robots_unchecked"
#: removed_by of documents without a URL (also used by the compliance stage)
NO_PROVENANCE = "no_provenance"
#: removed_by of a page the fetch stage did not extract that the robots stage would now keep
NOT_EXTRACTED = "robots_not_extracted"
#: removed_by per robots.txt preference line key
USAGE_REMOVED_BY = {"content-usage": "content_usage", "content-signal": "content_signal"}

Plan = list[tuple[CompiledRules, list[str]]]


@dataclass
class Verdict:
    """One robots.txt's answer for one URL: why it is removed (None: kept), by which agents and
    line, and the preference statements that applied."""

    removed_by: str | None = None
    blocked: list[str] = field(default_factory=list)
    evidence: str = ""
    statements: list[dict] = field(default_factory=list)


_KEPT = Verdict()


class RobotsFilter(FilterStep):
    name = "🤖 robots.txt opt-out"
    stats_key = "robots_filter"

    def __init__(self, snapshot_dir: str, agents: tuple[str, ...] | list[str] = DEFAULT_AGENTS,
                 mode: str = "url", on_unreachable: str = "keep", on_unchecked: str = "drop",
                 on_missing_url: str = "drop", honour: tuple[str, ...] | list[str] = ("content_usage", "content_signal"),
                 usage_labels: tuple[str, ...] | list[str] = TRAINING_LABELS,
                 policy: str = "latest", crawl_time_dir: str | None = None,
                 exclusion_writer: DiskWriter | None = None, gate_origins: str | None = None,
                 max_unreachable_fraction: float = 1.0):
        super().__init__(exclusion_writer)
        self.snapshot_dir = snapshot_dir
        # the reachability gate, applied when the snapshot is loaded when the step was built before
        # the crawl had run (a Slurm chain): the folder of the run's origins, and the share that may fail
        self.gate_origins = gate_origins
        self.max_unreachable_fraction = max_unreachable_fraction
        self.agents = list(agents)
        self.mode = mode
        self.on_unreachable = on_unreachable
        self.on_unchecked = on_unchecked
        self.on_missing_url = on_missing_url
        self.honour = set(honour)
        self.usage_labels = tuple(usage_labels)
        self.policy = policy
        self.crawl_time_dir = crawl_time_dir
        self._snapshot: dict[str, RobotsFetch] | None = None
        self._crawl_time: CrawlTimeSnapshot | None = None
        self._plans: dict[str, Plan] = {}  # by robots.txt body: origins and captures share files
        self._domain_verdicts: dict[str, Verdict] = {}
        self._opt_outs: dict[tuple[str, str], bool | None] = {}
        self._dropped_domains: Counter[str] = Counter()
        self._blocked_agents: Counter[str] = Counter()
        self._outcomes: Counter[str] = Counter()  # per-document counts, flushed once: a stat update is not cheap

    def _plan(self, body: str) -> Plan:
        """Per robots.txt, parsed once: the distinct rule sets of our agents that can disallow
        anything or state a preference, each with the agents it applies to (most agents usually
        share the ``*`` group)."""
        plan = self._plans.get(body)
        if plan is None:
            robots = RobotsTxt.parse(body)
            by_rules: dict[int, tuple[CompiledRules, list[str]]] = {}
            for agent in self.agents:
                rules = robots.rules_for(agent)
                if rules.has_disallow or rules.usages:
                    by_rules.setdefault(id(rules), (rules, []))[1].append(agent)
            plan = self._plans[body] = list(by_rules.values())
        return plan

    def _rule_verdict(self, plan: Plan, path: str) -> Verdict | None:
        if len(plan) == 1:  # most files: one rule set for all our agents, whose agents are in our order
            rules, agents = plan[0]
            rule = rules.decide(path)
            if rule is None or rule.allow:
                return None
            return Verdict("robots", agents, f"{agents[0]}: line {rule.line}: {rule.text}")
        deciding: dict[str, Rule] = {}
        for rules, agents in plan:
            rule = rules.decide(path)
            if rule is not None and not rule.allow:
                deciding.update(dict.fromkeys(agents, rule))
        if not deciding:
            return None
        blocked = [agent for agent in self.agents if agent in deciding]
        first = deciding[blocked[0]]
        return Verdict("robots", blocked, f"{blocked[0]}: line {first.line}: {first.text}")

    def _domain_verdict(self, origin_key: str, plan: Plan) -> Verdict | None:
        if origin_key not in self._domain_verdicts:
            blocked = sorted((agent for rules, agents in plan if rules.has_disallow for agent in agents),
                             key=self.agents.index)
            verdict = _KEPT
            if blocked:
                rules = next(rules for rules, agents in plan if blocked[0] in agents)
                first = next(rule for rule in sorted(rules.rules, key=lambda r: r.line) if not rule.allow)
                verdict = Verdict("robots", blocked, f"{blocked[0]}: line {first.line}: {first.text}")
            self._domain_verdicts[origin_key] = verdict
        verdict = self._domain_verdicts[origin_key]
        return verdict if verdict.removed_by else None

    def _opt_out(self, rule: UsageRule) -> bool | None:
        key = (rule.key, rule.preferences)
        if key not in self._opt_outs:
            self._opt_outs[key] = (usage_opt_out(rule.preferences, self.usage_labels) if rule.key == "content-usage"
                                   else signal_opt_out(rule.preferences, TRAINING_SIGNALS))
        return self._opt_outs[key]

    def _usage_verdict(self, plan: Plan, path: str, source: str) -> Verdict | None:
        """The preference lines that apply to ``path`` for our agents, as consent statements; the
        first honoured opt-out (in line order) removes the document, blocked for the agents whose
        groups hold that line."""
        applied: dict[UsageRule, list[str]] = {}
        for rules, agents in plan:
            if rules.usages:
                for rule in rules.usage_rules(path):
                    applied.setdefault(rule, []).extend(agents)
        if not applied:
            return None
        verdict = Verdict()
        for rule, agents in sorted(applied.items(), key=lambda item: item[0].line):
            opt_out = self._opt_out(rule)
            if opt_out is None:  # a Content-Usage value that does not parse states nothing (aipref); counted
                self._outcomes["content_usage_unparseable"] += 1
            verdict.statements.append({"source": f"{source} line {rule.line} ({', '.join(agents)})",
                                       "signal": rule.key, "value": rule.preferences, "opt_out": bool(opt_out)})
            removed_by = USAGE_REMOVED_BY[rule.key]
            if opt_out and removed_by in self.honour and verdict.removed_by is None:
                blocked = [agent for agent in self.agents if agent in agents]
                verdict.removed_by, verdict.blocked = removed_by, blocked
                verdict.evidence = f"{blocked[0]}: line {rule.line}: {rule.text}"
        return verdict

    def _judge(self, entry: RobotsFetch, url: str, origin_key: str, source: str) -> Verdict | None:
        """What one robots.txt says about ``url`` (None: nothing, kept)."""
        if entry.outcome != "ok":
            if entry.outcome == "unavailable":
                self._outcomes["no_robots_txt"] += 1
                return None
            self._outcomes[f"origin_{entry.outcome}"] += 1
            if self.on_unreachable == "keep":
                return None
            return Verdict(f"robots_{entry.outcome}", [], f"{entry.outcome}: {entry.error}")
        if not entry.body:
            self._outcomes["no_robots_txt"] += 1
            return None
        plan = self._plan(entry.body)
        if not plan:
            return None
        path = request_path(url)
        if path is None:
            return None
        verdict = (self._domain_verdict(origin_key, plan) if self.mode == "domain"
                   else self._rule_verdict(plan, path))
        if verdict is not None:
            return verdict
        return self._usage_verdict(plan, path, source)

    def _unchecked(self, doc: Document, reason: str) -> bool | tuple[bool, str]:
        self.stat_update(UNCHECKED)
        if self.on_unchecked == "keep":
            return True
        doc.metadata["robots_blocked_by"] = []
        doc.metadata["robots_rule"] = reason
        return False, UNCHECKED

    def _entries(self, doc: Document, url: str, origin: str) -> list[tuple[str, RobotsFetch | None, str]]:
        """(which robots.txt, its entry or None, a key for per-origin caches) per policy."""
        entries = []
        if self.policy in ("latest", "strictest"):
            entries.append(("robots.txt", self._snapshot.get(origin), origin))
        if self.policy in ("crawl_time", "strictest"):
            crawl = crawl_of(doc.metadata.get("source_file"))
            entry = self._crawl_time.entry(crawl, origin, doc.metadata.get("fetch_date"))
            if entry is None and self.policy == "strictest":
                self._outcomes["no_crawl_time_entry"] += 1
            elif entry is None:
                entries.append(("crawl-time robots.txt", None, origin))
            else:
                entries.append((f"crawl-time robots.txt ({crawl}, fetched {entry.fetched_at})", entry,
                                f"{entry.fetched_at} {origin}"))
        return entries

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        decision = self._decide(doc)
        if doc.text is not None or not get_filter_result(decision)[0]:
            return decision
        # The fetch stage skipped its extraction because this filter removed it then: the snapshot or
        # the settings changed since. Kept, it would reach the next stage without text.
        doc.metadata["robots_blocked_by"] = []
        doc.metadata["robots_rule"] = ("not extracted: the fetch stage's robots decision removed it before extraction, "
                                       "this one keeps it (re-run fetch to extract it)")
        return False, NOT_EXTRACTED

    def _decide(self, doc: Document) -> bool | tuple[bool, str]:
        if self._snapshot is None:
            self._snapshot = read_snapshot(self.snapshot_dir, ROBOTS_COLUMNS)
            if self.gate_origins and Path(self.gate_origins).is_dir():
                refuse_unreachable(unreachable_among(self._snapshot, read_origins(self.gate_origins)),
                                   self.max_unreachable_fraction)
            if self.policy != "latest":
                self._crawl_time = CrawlTimeSnapshot.read(self.crawl_time_dir)
        url = doc.metadata.get("url")
        if not url:
            self.stat_update(NO_PROVENANCE)
            if self.on_missing_url == "keep":
                return True
            doc.metadata["robots_blocked_by"] = []
            doc.metadata["robots_rule"] = "no URL: the document cannot be traced to a site's robots.txt"
            return False, NO_PROVENANCE
        origin = origin_of(url)
        if origin is None:
            return self._unchecked(doc, f"no http(s) origin in the URL {url[:200]}")
        if self.policy == "latest":  # the common case, kept cheap: one robots.txt
            entry = self._snapshot.get(origin)
            if entry is None:
                return self._unchecked(doc, f"no entry for {origin} in the robots.txt snapshot")
            verdict = self._judge(entry, url, origin, "robots.txt")
            if verdict is None:
                return True
            return self._conclude(doc, origin, verdict.statements, verdict if verdict.removed_by else None)
        removal: Verdict | None = None
        statements: list[dict] = []
        for source, entry, origin_key in self._entries(doc, url, origin):
            if entry is None:
                where = "the robots.txt snapshot" if source == "robots.txt" else "the crawl-time robots.txt archive"
                return self._unchecked(doc, f"no entry for {origin} in {where}")
            verdict = self._judge(entry, url, origin_key, source)
            if verdict is not None:
                statements += verdict.statements
                if removal is None and verdict.removed_by:
                    removal = verdict if source == "robots.txt" else Verdict(
                        verdict.removed_by, verdict.blocked, f"{source}: {verdict.evidence}")
        return self._conclude(doc, origin, statements, removal)

    def _conclude(self, doc: Document, origin: str, statements: list[dict],
                  removal: Verdict | None) -> bool | tuple[bool, str]:
        """Record the statements; apply the removal, if any."""
        if statements:
            doc.metadata["consent"] = (doc.metadata.get("consent") or []) + statements
        if removal is None:
            return True
        self._blocked_agents.update(removal.blocked)
        self._dropped_domains[doc.metadata.get("domain") or origin] += 1
        doc.metadata["robots_blocked_by"] = removal.blocked
        doc.metadata["robots_rule"] = removal.evidence
        return False, removal.removed_by

    def run(self, data, rank: int = 0, world_size: int = 1):
        yield from super().run(data, rank, world_size)
        # Counted locally (a stat update per agent per document is the step's main cost), flushed once.
        for agent in self.agents:
            if self._blocked_agents[agent]:
                self.stat_update(f"{BLOCKED_PREFIX}{agent}", value=self._blocked_agents[agent])
        for outcome, count in sorted(self._outcomes.items()):
            self.stat_update(outcome, value=count)
        # Per-domain drops for the report, bounded so stats stay small at millions of domains.
        report_top(self, DOMAIN_PREFIX, self._dropped_domains, TOP_DOMAINS_PER_TASK)
