"""``clearweb status RUN``: per phase, tasks completed / failed / pending, and failed tasks' log tails.

A task is completed when datatrove wrote its completion marker, failed when its log exists and
records an error but it has no marker (a crash or a kill leaves such a log), pending otherwise.
Each phase also shows its stage's lineage status (running, complete, not started).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from clearweb.pipeline.audit import load_run
from clearweb.pipeline.run_stats import completed_ranks, logged_error, task_log

LOG_TAIL_LINES = 8


def task_states(phase) -> tuple[set[int], set[int], set[int]]:
    done = completed_ranks(phase)
    failed = set()
    for rank in set(range(phase.tasks)) - done:
        log = task_log(phase, rank)
        if logged_error(log):
            failed.add(rank)
    return done, failed, set(range(phase.tasks)) - done - failed


def cmd_status(args: argparse.Namespace) -> int:
    run = Path(args.run)
    record = load_run(run)
    console = Console()
    table = Table(title=f"clearweb status: {run}")
    for column in ("phase", "lineage", "tasks", "completed", "failed", "pending"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    failures = []
    for audited in record.phases:
        phase = audited.phase
        done, failed, pending = task_states(phase)
        lineage = (record.lineage.get(audited.stage) or {}).get("status", "not started")
        table.add_row(phase.name, lineage, str(phase.tasks), str(len(done)), str(len(failed)), str(len(pending)))
        failures.extend((phase, rank) for rank in sorted(failed))
    console.print(table)
    for phase, rank in failures:
        log = task_log(phase, rank)
        tail = log.read_text(errors="replace").rstrip().splitlines()[-LOG_TAIL_LINES:]
        print(f"{phase.name} task {rank} failed: {log}")  # plain print: log lines must not be re-wrapped
        print("\n".join(f"    {line}" for line in tail))
    return 0
