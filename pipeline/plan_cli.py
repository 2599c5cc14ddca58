"""``clearweb plan CONFIG``: the capacity plan of a run, as a table or JSON (``pipeline/plan.py``)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from clearweb.pipeline.config import RunConfig
from clearweb.pipeline.core.errors import ConfigError, InputError

#: the phase table's columns: (heading, key in a phase row); cost only with --core-hour-price
COLUMNS = (("phase", "phase"), ("docs in", "docs_in"), ("docs out", "docs_out"),
           ("docs/s/core", "docs_per_core_second"), ("core-hours", "core_hours"), ("tasks", "tasks"),
           ("GB/task", "memory_gb_per_task"), ("wall h", "wall_hours"), ("cost", "cost"))
#: how many of a phase's Slurm jobs are listed before the rest are summed up
SHOWN_JOBS = 3


def figure(value: float | int | str | None) -> str:
    """A plan cell: counts with thousands separators, small figures with three significant digits
    (a calibration's core-hours are tiny), names as they are."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.3g}"


def _positive(kind: type):
    """An argparse type for counts: 0 shards, cores or calibration shards is a mistake, said at once."""
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0 (got {text})")
        return value
    return parse


def add_plan_command(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser(
        "plan", help="core-hours, tasks, memory, wall time and Slurm arrays a run of CONFIG needs",
        description="Plan a run of CONFIG: per phase, documents in and out, core-hours, tasks, memory per "
                    "task, wall time and the Slurm array jobs it would submit. Rates come from "
                    "BENCHMARKS.md's measurements, or from a calibration run with --calibrate.")
    plan.add_argument("config", help="YAML run config, e.g. configs/commoncrawl.yaml")
    plan.add_argument("--shards", type=_positive(int), metavar="N",
                      help="input shards to plan for (default: the config's inputs, listed as a run would: a "
                           "crawl's listing is read over the network)")
    plan.add_argument("--cores", type=_positive(int), metavar="C",
                      help="cores at the run's disposal (default: no limit beyond each phase's workers)")
    plan.add_argument("--core-hour-price", type=float, metavar="P", help="price of one core-hour: adds a cost")
    plan.add_argument("--calibrate", type=_positive(int), metavar="K",
                      help="run the config's first K shards locally and measure the rates from that run")
    plan.add_argument("--calibration-dir", metavar="DIR",
                      help="run the calibration here and keep it (default: a temporary folder); a later "
                           "--calibrate reuses its finished stages")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a config key, e.g. --set executor.tasks=90000 (repeatable)")
    plan.set_defaults(handler=cmd_plan)


def config_shards(config: RunConfig, source: str) -> int:
    """The config's input shards, listed as the fetch stage lists them (a crawl's listing is read
    over the network). A paths file is downloaded into a temporary folder unless the config names
    a download cache: planning leaves nothing in the run directory."""
    if "fetch" not in config.enabled_stages():
        raise ConfigError(source, "stages.fetch", "no fetch stage to count shards from: give --shards")
    with tempfile.TemporaryDirectory(prefix="clearweb-plan-") as scratch:
        try:
            return len(config.settings("fetch").resolve_inputs(Path(scratch), source))
        except InputError as exc:
            raise InputError(f"{exc} (give --shards N to plan without listing the inputs)") from None


def cmd_plan(args: argparse.Namespace) -> int:
    from clearweb.pipeline.config import load_config
    from clearweb.pipeline.lineage import read_lineage
    from clearweb.pipeline.plan import build_plan, calibrate, default_rates
    from clearweb.pipeline.stages import stage_graph

    config = load_config(args.config, args.set)
    # an existing run's stages plan as they would run there (a fetch recorded in two passes keeps them)
    graph = [planned.with_recorded(read_lineage(planned.ctx.dirs.root)) for planned in stage_graph(config, args.config)]
    shards = args.shards or config_shards(config, args.config)
    if args.calibrate:
        folder = Path(args.calibration_dir) if args.calibration_dir else None
        rates = calibrate(config, args.config, args.calibrate, folder,
                          progress=lambda line: print(line, file=sys.stderr, flush=True))
    else:
        rates = default_rates(graph)
    plan = build_plan(config, graph, shards, rates, args.cores, args.core_hour_price)
    if args.json:
        print(json.dumps(plan, indent=1))
    else:
        print_plan(plan, args.config)
    return 0


def phase_table(plan: dict) -> Table:
    columns = [column for column in COLUMNS if column[1] != "cost" or plan["total"]["cost"] is not None]
    cores = f"{plan['cores']:,} cores" if plan["cores"] else "no core limit"
    table = Table(title=f"{plan['shards']:,} shards on {cores}, executor {plan['executor']}")
    for heading, _ in columns:
        table.add_column(heading, justify="left" if heading == "phase" else "right")
    for row in plan["phases"]:
        table.add_row(*(figure(row[key]) for _, key in columns))
    total = plan["total"] | {"phase": "total", "docs_per_core_second": None, "memory_gb_per_task": None}
    table.add_section()
    table.add_row(*(figure(total[key]) for _, key in columns), style="bold")
    return table


def job_lines(jobs: list[dict]) -> str:
    def one(job: dict) -> str:
        return f"--array={job['array']} (ranks {job['first_rank']}-{job['last_rank']})"

    shown = [one(job) for job in jobs[:SHOWN_JOBS]]
    if len(jobs) > SHOWN_JOBS + 1:
        shown += [f"... {len(jobs) - SHOWN_JOBS - 1} more ...", one(jobs[-1])]
    return ", ".join(shown)


def slurm_table(plan: dict) -> Table:
    table = Table(title="Slurm array jobs (split jobs run one after another)")
    for heading in ("phase", "jobs", "sbatch"):
        table.add_column(heading, justify="right" if heading == "jobs" else "left")
    for row in plan["phases"]:
        table.add_row(row["phase"], str(len(row["slurm_jobs"])), job_lines(row["slurm_jobs"]))
    return table


def print_plan(plan: dict, source: str) -> None:
    # Never wrapped into the 80 columns rich assumes off a terminal: logs and pipes read it too.
    console = Console(width=None if sys.stdout.isatty() else 240)
    console.print(f"plan for {source}, rates: {plan['rates']}")
    console.print(phase_table(plan))
    total = plan["total"]
    if total["cost"] is not None:
        console.print(f"cost: {figure(total['core_hours'])} core-hours x {total['core_hour_price']:g} = "
                      f"{figure(total['cost'])}")
    console.print(f"wall time: {figure(total['wall_hours'])} h ({total['wall_hours'] / 24:,.1f} days), phases "
                  "one after another")
    console.print(slurm_table(plan))
    per_shard = plan["documents_per_shard"]
    console.print(f"documents per shard: {figure(per_shard['value'])} ({per_shard['source']})")
    sources: dict[str, list[str]] = {}
    for row in plan["phases"]:
        sources.setdefault(row["rate_source"], []).append(row["phase"])
    for text, phases in sources.items():
        console.print(f"rate of {', '.join(phases)}: {text}", highlight=False)
    removal = ", ".join(f"{stage} {entry['value']:.1%}" for stage, entry in plan["removal"].items())
    sources_of_removal = "; ".join(sorted({entry["source"] for entry in plan["removal"].values()}))
    console.print(f"removed per stage: {removal} ({sources_of_removal})", highlight=False)
    memory = {row["memory_source"] for row in plan["phases"]}
    console.print(f"memory per task: {'; '.join(sorted(memory))}", highlight=False)
    for note in plan["notes"]:
        console.print(f"note: {note}", highlight=False)
