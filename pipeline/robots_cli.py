"""``clearweb robots fetch RUN [--refresh]``: crawl (or re-crawl) a run's robots.txt snapshot.

The snapshot is reused by every later run of the robots stage, so results stay reproducible;
``--refresh`` moves the current snapshot to ``robots_cache/previous/<date>/`` and crawls anew.
Since the filter's decisions depend on the snapshot, a refresh also clears the robots stage's
output so the next ``clearweb run`` filters again.
"""

from __future__ import annotations

import argparse
import shutil
from collections import Counter
from pathlib import Path

from clearweb.filters.robots.snapshot import read_snapshot
from clearweb.pipeline.config import load_config
from clearweb.pipeline.errors import ConfigError
from clearweb.pipeline.runner import run_phases
from clearweb.pipeline.stages import robots_cache, robots_crawl_phases, snapshot_dir, stage_dirs


def archive_snapshot(run_dir: str, snapshot: Path, cache: Path) -> Path | None:
    """Move the current snapshot aside under previous/<oldest fetched_at>; None if there is none."""
    entries = read_snapshot(snapshot) if snapshot.is_dir() else {}
    if not entries:
        shutil.rmtree(snapshot, ignore_errors=True)
        return None
    date = min(entry.fetched_at for entry in entries.values()).replace(":", "")
    target = cache / "previous" / date
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    snapshot.rename(target)
    shutil.rmtree(stage_dirs(run_dir, "robots").root, ignore_errors=True)
    return target


def cmd_robots_fetch(args: argparse.Namespace) -> int:
    config_path = Path(args.run) / "config.yaml"
    config = load_config(config_path)
    if config.stages.robots is None:
        raise ConfigError(str(config_path), "stages.robots", "this run has no robots stage")
    snapshot = snapshot_dir(config)
    if args.refresh:
        archived = archive_snapshot(config.run_dir, snapshot, robots_cache(config))
        if archived:
            print(f"previous snapshot moved to {archived}; robots stage output cleared")
    run_phases(config, [("robots", phase) for phase in robots_crawl_phases(config)])
    outcomes = Counter(entry.outcome for entry in read_snapshot(snapshot).values())
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    print(f"robots.txt snapshot {snapshot}: {sum(outcomes.values())} origins ({summary})")
    return 0


def add_robots_commands(sub: argparse._SubParsersAction) -> None:
    robots = sub.add_parser("robots", help="robots.txt snapshot commands")
    robots_sub = robots.add_subparsers(dest="robots_command", metavar="COMMAND", required=True)
    fetch = robots_sub.add_parser("fetch", help="crawl robots.txt for a run's origins into its snapshot",
                                  description=__doc__.splitlines()[0])
    fetch.add_argument("run", help="run directory (its config.yaml is used)")
    fetch.add_argument("--refresh", action="store_true", help="archive the current snapshot and crawl again")
    fetch.set_defaults(handler=cmd_robots_fetch)
