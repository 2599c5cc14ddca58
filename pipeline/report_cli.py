"""``clearweb report RUN``, ``clearweb status RUN`` and ``clearweb why RUN URL_OR_ID``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.registry import STAGES
from clearweb.pipeline.report_data import build_report
from clearweb.pipeline.report_html import render_html

FUNNEL_COLUMNS = ("stage", "docs in", "docs out", "tokens out", "task-seconds", "removed")


def funnel_rows(stages: list[dict]) -> list[tuple[str, ...]]:
    """Per phase that moves documents (report.json's ``stages``): documents in and out, tokens, task
    time and removals by reason, as text."""
    return [(stage["name"], f"{stage['docs_in']:,}", f"{stage['docs_out']:,}",
             f"{stage['tokens_out']:,}" if stage["tokens_out"] else "-", f"{stage['task_seconds']:,.1f}",
             ", ".join(f"{k} {v:,}" for k, v in stage["removed"].items()) or "-")
            for stage in stages if stage["funnel"]]


def funnel_table(stages: list[dict]) -> Table:
    funnel = Table(title="Funnel")
    for column in FUNNEL_COLUMNS:
        funnel.add_column(column, justify="left" if column in ("stage", "removed") else "right")
    for row in funnel_rows(stages):
        funnel.add_row(*row)
    return funnel


def funnel_lines(stages: list[dict]) -> list[str]:
    """The funnel as aligned plain lines (one per phase, never wrapped: logs and pipes read it too)."""
    rows = [FUNNEL_COLUMNS, *funnel_rows(stages)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(FUNNEL_COLUMNS) - 1)]
    return ["  ".join([row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:],
                                                                                           strict=True)), row[-1]])
            for row in rows]


def print_funnel(run_dir: Path) -> None:
    """The end of a local run: the funnel, with the numbers report.json will hold."""
    from clearweb.pipeline.report_data import phase_rows
    print("\n".join(funnel_lines(phase_rows(run_dir))), flush=True)
    for stage in STAGES:
        if stage.warning and (line := stage.warning(run_dir)):
            print(line, flush=True)


def write_report(run: Path) -> dict:
    """Write RUN/report.json and report.html; returns the report."""
    report = build_report(run)
    try:
        (run / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
        (run / "report.html").write_text(render_html(report), encoding="utf-8")
    except OSError as exc:  # a read-only run directory: one line naming the file, exit code 2
        raise InputError(f"cannot write {exc.filename or run}: {exc.strerror or exc}") from None
    return report


def cmd_report(args: argparse.Namespace) -> int:
    run = Path(args.run)
    report = write_report(run)
    console = Console()
    console.print(funnel_table(report["stages"]))
    sections = report["sections"]
    if sections.get("language"):
        languages = sections["language"]
        console.print(f"languages: {languages['labels']} labels; top: " + ", ".join(
            f"{r['label']} {r['docs']}" for r in languages["top"][:8]))
    if sections.get("tokenizer"):
        console.print(f"tokenizer: Gini of tokens per byte {sections['tokenizer']['gini_tokens_per_byte']:.3f}")
    console.print(f"report: {run / 'report.html'} and {run / 'report.json'}")
    return 0


def run_command(sub: argparse._SubParsersAction, name: str, help: str, handler) -> argparse.ArgumentParser:
    """A subcommand whose first argument is a run directory."""
    command = sub.add_parser(name, help=help)
    command.add_argument("run", help="run directory")
    command.set_defaults(handler=handler)
    return command


def add_report_commands(sub: argparse._SubParsersAction) -> None:
    """The commands that read a finished (or partly run) run directory."""
    from clearweb.pipeline.card import add_card_options, cmd_card
    from clearweb.pipeline.erase import add_erase_options, cmd_erase
    from clearweb.pipeline.manifest import cmd_manifest, cmd_verify
    from clearweb.pipeline.status import cmd_status
    from clearweb.pipeline.summary import add_summary_options, cmd_summary
    from clearweb.pipeline.why import cmd_why

    run_command(sub, "report", "write RUN/report.html and report.json, print a summary", cmd_report)
    run_command(sub, "status", "tasks completed, failed and pending per stage", cmd_status)
    run_command(sub, "why", "where a document went, and why", cmd_why).add_argument("document", help="its URL or id")
    run_command(sub, "manifest", "write RUN/manifest.json: every output file's sha256 and lineage", cmd_manifest)
    run_command(sub, "verify", "recompute RUN/manifest.json's hashes and name what differs", cmd_verify)
    add_erase_options(run_command(sub, "erase", "remove documents from every output of the run, shards included",
                                  cmd_erase))
    add_card_options(run_command(sub, "card", "write a Hugging Face dataset card (README.md) for the run's "
                                 "documents", cmd_card))
    add_summary_options(run_command(sub, "summary", "the EU AI Act public summary of training content for one or "
                                    "more runs", cmd_summary))
