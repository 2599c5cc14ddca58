"""What a run of a config will cost before it starts: documents, core-hours, tasks, memory, wall time.

Each phase's time is planned from its stage's input documents and a rate (documents per second of
one core, counting the stage's input documents), each document stage keeps ``1 - removal share`` of
what it reads, and the fetch stage reads ``shards x documents per shard``. The figures come from a
calibration (``calibrate``: the config's first K shards run locally, measured from the run's own
stats) or, without one, from ``DEFAULT_RATES``: BENCHMARKS.md's measurements on a 2-core VM plus
a few stated assumptions. Either way the plan says where each figure came from.

Wall time follows how the phase's tasks would be started: on Slurm, the array jobs datatrove would
submit (``slurm_layout`` runs its own submission code with ``sbatch`` replaced by a recorder, so a
split above ``max_array_size`` is the one the run would make); locally or on Ray, one pool of
``workers``. Tasks are assumed to take equal time.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shlex
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from clearweb.pipeline.config import RunConfig
from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.core.stage import Phase
from clearweb.pipeline.filter_chain import FilterChainSettings
from clearweb.pipeline.stages import PlannedStage

GB = 1024**3


@dataclass(frozen=True)
class Figure:
    """A number the plan uses, and where it comes from (a BENCHMARKS.md section, an assumption or
    the calibration)."""

    value: float
    source: str


# Defaults. BENCHMARKS.md's rates are single-core figures from a 2-core AMD EPYC VM (the
# section each comes from is named); where it has none, a stated assumption.
_ISSUE_12 = "BENCHMARKS.md, Re-measured after the stage registry (issue 12)"
_ISSUE_13 = "BENCHMARKS.md, Re-measured after the input and PII hardening (issue 13)"
_ISSUE_14 = "BENCHMARKS.md, Consent signals, crawl-time robots.txt and real WARC/ARC files (issue 14)"
_ISSUE_16 = "BENCHMARKS.md, Dedup and quality stages: the FineWeb-2 recipe (issue 16)"
_ISSUE_22 = "BENCHMARKS.md, Robots before extraction (issue 22)"
_ISSUE_21 = ("BENCHMARKS.md, Erasure, PII on number-dense text, language stage after the fastText change "
             "(issues 21 and 23)")

#: Assumption, not a measurement: a Common Crawl WARC file holds about 30-40k HTML responses.
DOCUMENTS_PER_WARC = Figure(35_000, "assumption: a Common Crawl WARC file holds about 30-40k HTML responses")
#: Assumption: extracted main text per document, of the order FineWeb-style web text averages.
BYTES_PER_DOCUMENT = Figure(3_000, "assumption: about 3 KB of extracted text per document")
#: Assumption: a monthly Common Crawl lists roughly 3 billion pages of some 40-60 million hosts.
PAGES_PER_ORIGIN = 50
#: A phase that only reads and writes documents, or one BENCHMARKS.md has not measured: the no-op filter.
READ_WRITE = Figure(135_338, f"{_ISSUE_12}: no-op filter (stand-in: this phase is not measured)")
#: The FineWeb-2 recipe's 164 docs/s/core covers MinHash signatures and the quality filters together,
#: both dominated by the same word tokenizer: half of that time is given to each.
_RECIPE_HALF = 2 * 164

_ROBOTS_CRAWL = Figure(370 * PAGES_PER_ORIGIN, f"{_ISSUE_14}: robots crawl 370 origins/s, assuming "
                                              f"{PAGES_PER_ORIGIN} pages per origin")

DEFAULT_RATES: dict[str, Figure] = {
    "fetch": Figure(181.6, f"{_ISSUE_13}: fetch + extract from local "
                            "files, bench_fetch.py (175.7-206.2 across re-measures; downloading is not included)"),
    "robots_crawl": _ROBOTS_CRAWL,
    "robots": Figure(47_572, f"{_ISSUE_14}: robots filter, 13 agents (4dd38e0)"),
    # robots before extraction: the fetch stage's pass over the record headers, and the crawl it runs
    "fetch_origins": Figure(4_440 / 1.29, f"{_ISSUE_22}: fetch_origins, 4,440 records of 65 KB pages in 1.29 s "
                                          "(downloading is not included)"),
    "fetch_robots_crawl": _ROBOTS_CRAWL,
    "language": Figure(4_287, f"{_ISSUE_21}: language stage, slowest round"),
    "dedup_signatures": Figure(_RECIPE_HALF, f"{_ISSUE_16}: half of dedup + quality's 164 docs/s/core"),
    "dedup_clusters": Figure(1_000_000 / 5.9, f"{_ISSUE_16}: CleanCluster, 1M documents in 5.9 s"),
    "dedup_survivors": Figure(1_000_000 / 1.8, f"{_ISSUE_16}: SurvivorLookup, 1M documents in 1.8 s"),
    "quality": Figure(_RECIPE_HALF, f"{_ISSUE_16}: half of dedup + quality's 164 docs/s/core"),
    "tokenizer": Figure(120e6 / 132 / BYTES_PER_DOCUMENT.value,
                        "BENCHMARKS.md, Tokenizer (issue 6): BPE training on 120 MB in 132 s, at "
                        f"{BYTES_PER_DOCUMENT.value:,.0f} bytes per document (adopting a vocabulary costs less)"),
    "tokenize": Figure(2.75e6 / BYTES_PER_DOCUMENT.value,
                       "BENCHMARKS.md, Tokenize stage with Apertus's tekken vocabulary (issue 18): 2.75 MB/s/core, "
                       f"at {BYTES_PER_DOCUMENT.value:,.0f} bytes per document"),
}
#: The compliance stage's filters, each alone (keyed ``filter`` or ``filter/backend``); it runs the
#: enabled ones in one pass.
FILTER_RATES: dict[str, Figure] = {
    "pii": Figure(18_808, f"{_ISSUE_21}: PII, 5 entities"),
    "toxicity/wordlist": Figure(20_357, f"{_ISSUE_12}: wordlist toxicity"),
}


@dataclass(frozen=True)
class Rates:
    """Everything the arithmetic needs besides the config: per phase docs/s/core (of the stage's
    input documents), per stage removal share, per phase peak memory when measured."""

    phases: dict[str, Figure]
    removal: dict[str, Figure]
    documents_per_shard: Figure
    bytes_per_document: Figure
    memory: dict[str, Figure] = dataclasses.field(default_factory=dict)
    calibration: str | None = None  # what was calibrated, in words; None for the defaults


def _filter_key(name: str, settings: object) -> str:
    backend = getattr(settings, "backend", None)
    return f"{name}/{backend}" if backend else name


def default_rate(planned: PlannedStage, phase: str) -> Figure:
    """The default rate of one phase; the compliance stage's from its enabled filters' times added."""
    if isinstance(planned.settings, FilterChainSettings) and phase == planned.name:
        figures = [FILTER_RATES.get(_filter_key(f.name, settings), READ_WRITE)
                   for f, settings in planned.settings.enabled_filters()] or [READ_WRITE]
        rate = 1 / sum(1 / figure.value for figure in figures)
        return Figure(rate, "; ".join(dict.fromkeys(figure.source for figure in figures)) + " (filters added)")
    return DEFAULT_RATES.get(phase, READ_WRITE)


def default_rates(graph: list[PlannedStage]) -> Rates:
    """BENCHMARKS.md's figures for every phase of ``graph``; no removal is assumed (each stage keeps
    every document it reads: an upper bound on the work after it, fetch's extraction included).
    When the fetch stage crawls robots.txt before extraction, the robots stage's crawl finds every
    origin present."""
    phases = {phase.name: default_rate(planned, phase.name) for planned in graph for phase in planned.phases()}
    if "fetch_robots_crawl" in phases and "robots_crawl" in phases:
        phases["robots_crawl"] = Figure(READ_WRITE.value, f"{READ_WRITE.source.split(':')[0]}: no-op filter (the fetch "
                                        "stage crawled every origin: nothing left to fetch)")
    return Rates(phases=phases,
                 removal={planned.name: Figure(0.0, "not known without --calibrate: none assumed")
                          for planned in graph if planned.stage.documents},
                 documents_per_shard=DOCUMENTS_PER_WARC, bytes_per_document=BYTES_PER_DOCUMENT)


# ---------------------------------------------------------------------------------------------
# Calibration


class PeakMemory:
    """The largest resident set of this process or any process below it, sampled in a thread.

    Local tasks run in pool workers, or in this process when a phase has one worker (then the
    figure includes what earlier phases left in it: an upper bound); datatrove's stats hold no
    memory figure, so the process tree is read from /proc (Linux). ``take`` returns the peak since
    the previous call: the runner reports each phase as it ends."""

    def __init__(self, interval_s: float = 0.2):
        self.available = Path(f"/proc/{os.getpid()}/task").is_dir()
        self._peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(interval_s,), daemon=True)

    def __enter__(self) -> PeakMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self, interval_s: float) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(interval_s):
            largest = max((_resident_pages(pid) for pid in _process_tree(os.getpid())), default=0) * page
            with self._lock:
                self._peak = max(self._peak, largest)

    def take(self) -> int | None:
        """Bytes: the peak since the last call (None where /proc cannot be read)."""
        if not self.available:
            return None
        with self._lock:
            peak, self._peak = self._peak, 0
        return peak or None


def _process_tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo += [int(child) for child in handle.read().split()]
        except OSError:  # the process ended meanwhile
            continue
    return pids


def _resident_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def first_shards_config(config: RunConfig, source: str, shards: int, run_dir: Path) -> tuple[RunConfig, int]:
    """The config cut to its first ``shards`` input shards (in the fetch stage's order), run
    locally in ``run_dir`` with one task per shard; returns it and the shard count it has.

    Inputs are resolved one at a time and the last one kept is cut with ``max_files``, so the
    calibration's fetch stage lists exactly the files the run's first tasks would read. Per-stage
    task counts are dropped: the rates do not depend on them."""
    from clearweb.pipeline.sources import resolve_shards

    fetch = config.settings("fetch") if "fetch" in config.enabled_stages() else None
    if fetch is None:
        raise ConfigError(source, "stages.fetch", "--calibrate runs the config's first shards: it needs a fetch stage")
    fetcher = fetch.download.fetcher(run_dir)
    inputs, found = [], 0
    for spec in fetch.inputs:
        count = len(resolve_shards([spec], fetcher, source))
        take = min(count, shards - found)
        inputs.append(spec if take == count else spec.model_copy(update={"max_files": take}))
        found += take
        if found == shards:
            break
    stages = {name: config.settings(name).model_copy(update={"tasks": None, "workers": None})
              for name in config.enabled_stages()}
    stages["fetch"] = stages["fetch"].model_copy(update={"inputs": inputs})
    workers = min(found, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    executor = config.executor.model_copy(update={"type": "local", "tasks": found, "workers": workers})
    return config.model_copy(update={"run_dir": str(run_dir), "executor": executor,
                                     "stages": config.stages.model_copy(update=stages)}), found


def calibrate(config: RunConfig, source: str, shards: int, folder: Path | None = None,
              progress: Callable[[str], None] = lambda line: None) -> Rates:
    """Run the config's first ``shards`` shards locally (in ``folder``, else a temporary folder)
    and measure every rate from that run's own records: the documents each stage read and kept,
    and each phase's step times (the report's funnel rows). ``folder`` may hold an earlier
    calibration: finished stages are not run again (changed ones are recomputed)."""
    from clearweb.pipeline.report_data import phase_rows
    from clearweb.pipeline.runner import run_stages

    with tempfile.TemporaryDirectory(prefix="clearweb-calibration-") as scratch:
        run_dir = Path(folder or scratch).resolve()
        calibration, found = first_shards_config(config, source, shards, run_dir)
        memory: dict[str, Figure] = {}
        with PeakMemory() as peak:
            def on_phase(result) -> None:
                measured = peak.take()
                if measured and result.status == "ran":
                    memory[result.name] = Figure(measured / GB, "calibration: peak resident memory of a task")
                progress(f"calibration: {result.name} {result.status} ({result.tasks} tasks, {result.seconds:.1f}s)")

            run_stages(calibration, source, rerun_stale=True, on_phase=on_phase)
        rows = phase_rows(run_dir)
    where = folder or "a temporary folder"
    return rates_from_rows(rows, found, memory, f"{found} shard{'s' * (found != 1)} run in {where}")


def rates_from_rows(rows: list[dict], shards: int, memory: dict[str, Figure], calibration: str) -> Rates:
    """Rates from a run's funnel rows (``report_data.phase_rows``), in pipeline order.

    A stage's input documents are what the previous document stage kept (for fetch: what it read);
    each of its phases' rate is those documents over the phase's summed step time. A stage that
    got no document, or a phase without time, gives no rate: its default is used."""
    from clearweb.pipeline.registry import stage as registered

    source = "calibration"
    fetch = next(row for row in rows if row["name"] == "fetch")
    phases, removal = {}, {}
    flow = fetch["docs_in"]
    stage_rows: dict[str, list[dict]] = {}
    for row in rows:
        stage_rows.setdefault(row["stage"], []).append(row)
    for stage, members in stage_rows.items():
        main = next((row for row in members if row["name"] == stage), members[-1])
        docs_in = flow if stage != "fetch" else main["docs_in"]
        for row in members:
            if docs_in and row["task_seconds"]:
                phases[row["name"]] = Figure(docs_in / row["task_seconds"], source)
        if registered(stage).documents and docs_in:
            removal[stage] = Figure(1 - main["docs_out"] / docs_in, source)
            flow = main["docs_out"]
    # text per document from the first stage whose documents all have text (fetch's output also holds
    # the pages it did not extract, robots before extraction)
    texts = [row for row in rows if row.get("chars_out") and row["docs_out"] and row["stage"] != "fetch"] + [fetch]
    text = texts[0].get("chars_out")
    per_document = (Figure(text / texts[0]["docs_out"], f"{source}: characters per document of {texts[0]['stage']}")
                    if text and texts[0]["docs_out"] else BYTES_PER_DOCUMENT)
    return Rates(phases, removal, Figure(fetch["docs_in"] / shards, f"{source}: documents read per shard"),
                 per_document, memory, calibration)


# ---------------------------------------------------------------------------------------------
# Slurm


@dataclass(frozen=True)
class ArrayJob:
    """One ``sbatch`` of a phase: its ``--array`` value, the RUN_OFFSET datatrove gives it, whether
    it waits for the phase's previous job (``afterany``), and the task ranks it runs (its array
    elements past the last rank exit at once)."""

    array: str
    run_offset: int
    after_previous: bool
    first_rank: int
    last_rank: int

    @property
    def tasks(self) -> int:
        return self.last_rank - self.first_rank + 1


def slurm_layout(config: RunConfig, phase: Phase) -> list[ArrayJob]:
    """The array jobs a Slurm run submits for ``phase``, from datatrove's own submission code.

    The executor the runner would build (``runner.make_executor``) launches its job in a temporary
    logging folder with ``sbatch`` replaced by a recorder; the ranks follow datatrove's rule in the
    job (``SLURM_ARRAY_TASK_ID + max_array_size * RUN_OFFSET``, one task per array element)."""
    import datatrove.executor.slurm as datatrove_slurm

    from clearweb.pipeline.runner import make_executor

    slurm = config.model_copy(update={"executor": config.executor.model_copy(update={"type": "slurm"})})
    calls: list[tuple[str, dict[str, str]]] = []

    def record(script: str, _retriever, *args: str) -> str:
        calls.append((script, dict(arg.removeprefix("--").split("=", 1) for arg in args)))
        return f"job{len(calls)}"

    with tempfile.TemporaryDirectory(prefix="clearweb-plan-") as folder:
        executor = make_executor(slurm, dataclasses.replace(phase, logs=Path(folder) / "logs"), [], None)
        with mock.patch.object(datatrove_slurm, "launch_slurm_job", record):
            executor.launch_job()
    jobs = []
    for number, (script, options) in enumerate(calls):
        array = shlex.split(re.search(r"^#SBATCH --array=(.+)$", script, re.MULTILINE).group(1))[0]
        offset = int(options["export"].rsplit("RUN_OFFSET=", 1)[1])
        size = int(re.match(r"0-(\d+)", array).group(1)) + 1
        first = offset * executor.max_array_size
        jobs.append(ArrayJob(array, offset, options.get("dependency") == f"afterany:job{number}", first,
                             min(first + size, phase.tasks) - 1))
    return jobs


# ---------------------------------------------------------------------------------------------
# The plan


def _capped(planned: PlannedStage, documents: float, rates: Rates) -> float:
    """A stage that reads at most ``byte_budget`` bytes of text (the tokenizer's training sample)
    reads at most that many documents' worth."""
    budget = getattr(planned.settings, "byte_budget", None)
    return min(documents, budget / rates.bytes_per_document.value) if budget else documents


def _memory(config: RunConfig, phase: str, rates: Rates) -> Figure:
    if phase in rates.memory:
        return rates.memory[phase]
    slurm = config.executor.slurm
    return Figure(slurm.mem_per_cpu_gb * slurm.cpus_per_task,
                  f"config: slurm mem_per_cpu_gb {slurm.mem_per_cpu_gb} x cpus_per_task {slurm.cpus_per_task}")


def wall_hours(core_hours: float, tasks: int, workers: int, slots: int | None, jobs: list[ArrayJob]) -> float:
    """Each task takes ``core_hours / tasks``; a job's tasks run ``min(workers, slots, its tasks)``
    at a time (``slots``: tasks the cores hold at once, None for no limit), in waves; a phase's jobs
    run one after another (datatrove chains the jobs of a split array with ``afterany``; a local or
    Ray phase is one job)."""
    per_task = core_hours / tasks
    waves = 0
    for job_tasks in [job.tasks for job in jobs] or [tasks]:
        width = min(workers, slots or workers, job_tasks)
        waves += math.ceil(job_tasks / width)
    return waves * per_task


def build_plan(config: RunConfig, graph: list[PlannedStage], shards: int, rates: Rates,
               cores: int | None = None, price: float | None = None) -> dict:
    """The plan as plain data (what ``--json`` prints and the table shows): one row per phase,
    the totals and the figures' sources."""
    notes = []
    phases = []
    slurm = config.executor.type == "slurm"
    # a Slurm task holds cpus_per_task cores however many it keeps busy
    task_cores = config.executor.slurm.cpus_per_task if slurm else 1
    slots = max(1, cores // task_cores) if cores else None
    flow = shards * rates.documents_per_shard.value
    docs_in_total = flow
    for planned in graph:
        docs_in = flow
        read = _capped(planned, docs_in, rates)
        share = rates.removal[planned.name].value if planned.name in rates.removal else 0.0
        docs_out = docs_in * (1 - share) if planned.stage.documents else None
        stage_phases = planned.phases()
        main = next((phase.name for phase in stage_phases if phase.name == planned.name), stage_phases[-1].name)
        for phase in stage_phases:
            rate = rates.phases.get(phase.name) or default_rate(planned, phase.name)
            if "stand-in" in rate.source:
                notes.append(f"{phase.name}: (part of) its work has no measured rate; the no-op filter's stands "
                             "in, so its cost is a lower bound")
            elif rates.calibration and rate.source != "calibration":
                notes.append(f"{phase.name}: not measured by the calibration, default rate used")
            jobs = slurm_layout(config, phase)
            core_hours = read / rate.value / 3600
            memory = _memory(config, phase.name, rates)
            phases.append({
                "stage": planned.name, "phase": phase.name, "docs_in": round(read),
                "docs_out": round(docs_out) if docs_out is not None and phase.name == main else None,
                "removal_share": share if phase.name == main and planned.stage.documents else None,
                "docs_per_core_second": rate.value, "rate_source": rate.source,
                "core_hours": core_hours, "cost": core_hours * price if price is not None else None,
                "tasks": phase.tasks, "workers": phase.workers,
                "memory_gb_per_task": memory.value, "memory_source": memory.source,
                "wall_hours": wall_hours(core_hours, phase.tasks, phase.workers, slots, jobs if slurm else []),
                "slurm_jobs": [dataclasses.asdict(job) | {"tasks": job.tasks} for job in jobs],
            })
        if docs_out is not None:
            flow = docs_out
    if task_cores > 1:
        notes.append(f"each Slurm task holds cpus_per_task={task_cores} cores: the allocation is {task_cores}x "
                     "the core-hours, and the cores hold that many times fewer tasks at once")
    split = [row["phase"] for row in phases if len(row["slurm_jobs"]) > 1]
    if split:
        limit = config.executor.slurm.max_array_size
        notes.append(f"on Slurm, {', '.join(split)} {'is' if len(split) == 1 else 'are'} split into array jobs of at "
                     f"most {limit:,} tasks that run one after another (executor.slurm.max_array_size): at most "
                     f"{limit:,} of a phase's tasks run at once")
    core_hours = sum(row["core_hours"] for row in phases)
    busiest = max((row["tasks"] for row in phases), default=0)
    if cores and busiest < cores:
        notes.append(f"no phase has more than {busiest:,} tasks: at most {busiest:,} of the {cores:,} cores are "
                     "busy at once (raise executor.tasks or --set stages.<name>.tasks)")
    return {
        "shards": shards, "cores": cores, "executor": config.executor.type,
        "rates": f"calibration: {rates.calibration}" if rates.calibration else "defaults (BENCHMARKS.md)",
        "documents_per_shard": dataclasses.asdict(rates.documents_per_shard),
        "bytes_per_document": dataclasses.asdict(rates.bytes_per_document),
        "removal": {stage: dataclasses.asdict(figure) for stage, figure in rates.removal.items()},
        "phases": phases,
        "total": {"docs_in": round(docs_in_total), "docs_out": round(flow), "core_hours": core_hours,
                  "tasks": sum(row["tasks"] for row in phases),
                  "wall_hours": sum(row["wall_hours"] for row in phases),
                  "core_hour_price": price, "cost": core_hours * price if price is not None else None},
        "notes": list(dict.fromkeys(notes)),
    }
