"""What the report and ``clearweb why`` say about the robots stage, from its recorded stats and snapshot."""

from __future__ import annotations

from collections import Counter

from clearweb.filters.robots.crawl_time import CrawlTimeSnapshot
from clearweb.filters.robots.filter import BLOCKED_PREFIX, DOMAIN_PREFIX, RobotsFilter
from clearweb.filters.robots.reachability import unreachable_among
from clearweb.filters.robots.snapshot import read_snapshot
from clearweb.filters.robots.stage import SNAPSHOT, cache_dir
from clearweb.pipeline.core.contract import EXTRACTED, ROBOTS_ARCHIVE, consent_lines
from clearweb.pipeline.core.origins import read_origins
from clearweb.pipeline.core.provenance import origin_of
from clearweb.pipeline.core.stage import StageView
from clearweb.pipeline.core.stats import removed_per_reason

TOP_DOMAINS = 25


def _with_prefix(stats: dict[str, float], prefix: str) -> dict[str, int]:
    return {key.removeprefix(prefix): int(value) for key, value in stats.items() if key.startswith(prefix)}


def _origin_outcomes(entries: dict, origins: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per crawl outcome and per HTTP status class, the run's origins as the snapshot holds them:
    whichever crawl fetched them (this stage's, the fetch stage's before extraction, another run's
    sharing the snapshot)."""
    found = [entries[origin] for origin in origins if origin in entries]
    statuses = Counter(f"{entry.status // 100}xx" for entry in found if entry.status is not None)
    return dict(sorted(Counter(entry.outcome for entry in found).items())), dict(sorted(statuses.items()))


def robots_report(view: StageView) -> dict:
    removed = view.stats(RobotsFilter.stats_key)
    snapshot = view.artifacts[SNAPSHOT]
    entries = read_snapshot(snapshot, ["origin", "fetched_at", "outcome", "status", "error"]) \
        if snapshot.is_dir() else {}
    dates = sorted(entry.fetched_at for entry in entries.values())
    domains = _with_prefix(removed, f"{DOMAIN_PREFIX}:")
    run_dir = view.dirs.root.parent
    origins_dir = cache_dir(run_dir) / "origins"
    origins = read_origins(origins_dir) if origins_dir.is_dir() else []
    found = unreachable_among(entries, origins)  # what the filter's gate counted
    outcomes, statuses = _origin_outcomes(entries, origins)
    shown = snapshot.relative_to(run_dir).as_posix() if snapshot.is_relative_to(run_dir) else str(snapshot)
    archive = CrawlTimeSnapshot.read(view.artifacts.get(ROBOTS_ARCHIVE)) if view.settings.policy != "latest" else None
    return {"policy": view.settings.policy, "crawl_time_captures": len(archive) if archive else 0,
            "crawl_time_crawls": archive.crawls() if archive else [],
            "removed_per_signal": removed_per_reason(removed),
            "no_crawl_time_entry": int(removed.get("no_crawl_time_entry", 0)),
            "snapshot": shown, "snapshot_sha256": view.lineage.get("artifacts", {}).get(SNAPSHOT),
            "snapshot_date": dates[0] if dates else None,
            "agents": view.settings.agents, "mode": view.settings.mode,
            "on_unreachable": view.settings.on_unreachable,
            "crawl_outcomes": outcomes,
            "unreachable_share": round(len(found[0]) / found[1], 4) if found else None,
            "max_unreachable_fraction": view.settings.max_unreachable_fraction, "http_status": statuses,
            "removed_per_agent": _with_prefix(removed, BLOCKED_PREFIX),
            "top_domains": sorted(domains.items(), key=lambda kv: -kv[1])[:TOP_DOMAINS]}


def robots_explain(row: dict, view: StageView) -> list[str]:
    lines = [f"blocked for: {', '.join(row.get('robots_blocked_by') or []) or '(policy)'}",
             f"rule: {row.get('robots_rule')}", *(f"signal: {line}" for line in consent_lines(row.get("consent")))]
    snapshot = view.artifacts[SNAPSHOT]
    entry = read_snapshot(snapshot).get(origin_of(row.get("url"))) if snapshot.is_dir() else None
    if entry is not None:
        lines.append(f"today's robots.txt {entry.url} fetched {entry.fetched_at} (HTTP {entry.status}, "
                     f"sha256 {entry.sha256})")
    if row.get(EXTRACTED) is False:
        lines.append("not extracted: the robots decision was taken in the fetch stage, before extraction")
    return lines
