"""``clearweb robots fetch RUN [--refresh]``: crawl (or re-crawl) a run's robots.txt snapshot.

The snapshot is reused by every later run of the robots stage, so results stay reproducible;
``--refresh`` moves the current snapshot to ``robots_cache/previous/<date>/`` and crawls anew. The
robots stage's lineage records the snapshot's content hash, so after a refresh the next
``clearweb run`` finds robots and every stage after it stale: it refuses, or recomputes them with
``--rerun-stale``.
"""

from __future__ import annotations

import argparse
from collections import Counter

from clearweb.filters.robots.snapshot import archive_snapshot, read_snapshot
from clearweb.filters.robots.stage import SNAPSHOT, cache_dir
from clearweb.pipeline.audit import load_run
from clearweb.pipeline.core.console import help_text
from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.runner import run_phases


def cmd_robots_fetch(args: argparse.Namespace) -> int:
    run = load_run(args.run)
    robots = run.stage("robots")
    if robots is None:
        raise ConfigError(str(run.run_dir / "config.yaml"), "stages.robots", "this run has no robots stage")
    snapshot = robots.ctx.artifacts[SNAPSHOT]
    if args.refresh:
        archived = archive_snapshot(snapshot, cache_dir(run.run_dir) / "previous")
        if archived:
            print(f"previous snapshot moved to {archived}; robots and the stages after it are now stale "
                  "(clearweb run CONFIG --rerun-stale recomputes them)")
    run_phases(run.config, robots.settings.crawl_phases(robots.ctx))
    outcomes = Counter(entry.outcome for entry in read_snapshot(snapshot).values())
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    print(f"robots.txt snapshot {snapshot}: {sum(outcomes.values())} origins ({summary})")
    return 0


def add_robots_commands(sub: argparse._SubParsersAction) -> None:
    robots = sub.add_parser("robots", help="robots.txt snapshot commands")
    robots_sub = robots.add_subparsers(dest="robots_command", metavar="COMMAND", required=True)
    fetch = robots_sub.add_parser("fetch", help="crawl robots.txt for a run's origins into its snapshot",
                                  description=help_text(__doc__))
    fetch.add_argument("run", help="run directory (its config.yaml and lineage are used)")
    fetch.add_argument("--refresh", action="store_true", help="archive the current snapshot and crawl again")
    fetch.set_defaults(handler=cmd_robots_fetch)
