"""Run a config's stages with a datatrove executor, each under its lineage.

We never schedule, shard or mark completion of tasks ourselves: each phase is one datatrove
executor (Local, Slurm or Ray) whose completion markers make a finished task a no-op on re-run and
let a killed run resume with the tasks that had not finished. What we add: the stage graph and
every stage's lineage checked before any work (a stage whose settings, inputs or upstream changed
is refused, or recomputed with ``--rerun-stale``), a refusal to resume a phase with a different
task count (the split of shards between tasks would change and data would be read twice or not
at all), and failures reported as one line: how many tasks failed, were interrupted or never
started, and the log to read. A run directory we cannot write to is one line too, naming the path.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from datatrove.executor.base import PipelineExecutor

from clearweb.pipeline.config import RunConfig
from clearweb.pipeline.core.errors import ConfigError, RunFailed, StaleStage, one_line
from clearweb.pipeline.core.stage import Phase
from clearweb.pipeline.core.stats import step_record
from clearweb.pipeline.lineage import (
    StageCheck,
    check_stage,
    finish_record,
    read_lineage,
    start_record,
    write_lineage,
)
from clearweb.pipeline.run_stats import completed_ranks, logged_error, task_log
from clearweb.pipeline.stages import PlannedStage, stage_graph

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageResult:
    name: str
    status: str  # "ran", "complete" (skipped: already done) or "submitted" (slurm)
    tasks: int
    seconds: float


def print_phase(result: StageResult) -> None:
    """One line per phase as it ends (``run_stages``'s ``on_phase`` for the command line)."""
    if result.status == "complete":
        print(f"{result.name}: already complete ({result.tasks} tasks), skipped", flush=True)
    elif result.status == "submitted":
        print(f"{result.name}: submitted ({result.tasks} tasks)", flush=True)
    else:
        print(f"{result.name}: done, {result.tasks} tasks in {result.seconds:.1f}s", flush=True)


def _log_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def log_stamps(phase: Phase) -> dict[int, tuple[int, int, int] | None]:
    """Per incomplete task, its log file's identity now: a task that starts rewrites its log."""
    done = completed_ranks(phase)
    return {rank: _log_stamp(task_log(phase, rank)) for rank in range(phase.tasks) if rank not in done}


def phase_failure(phase: Phase, stamps: dict[int, tuple[int, int, int] | None], error: str | None) -> RunFailed:
    """One line on a phase whose tasks did not all complete.

    datatrove's local executor launches no task after the first one fails and ends those running,
    so "8 of 8 tasks failed" would send users hunting through logs of tasks that never ran. A task
    failed when it started this time (its log changed since ``stamps``) and its log records an
    error; it was interrupted when it started without recording one; the rest never started."""
    done = completed_ranks(phase)
    failed, interrupted, not_started = [], [], []
    for rank in range(phase.tasks):
        if rank in done:
            continue
        log = task_log(phase, rank)
        stamp = _log_stamp(log)
        if stamp is None or stamp == stamps.get(rank):
            not_started.append(rank)
        elif logged_error(log):
            failed.append(rank)
        else:
            interrupted.append(rank)
    counted = [(len(ranks), state) for ranks, state in
               ((failed, "failed"), (interrupted, "interrupted"), (not_started, "not started")) if ranks]
    first, state = counted[0]
    summary = ", ".join([f"{first} task{'s' * (first != 1)} {state}"] + [f"{n} {s}" for n, s in counted[1:]])
    started = failed or interrupted
    if started:
        return RunFailed(f"stage {phase.name}: {summary}; see {task_log(phase, started[0])}")
    return RunFailed(f"stage {phase.name}: {summary}" + (f": {error}" if error else ""))


@contextmanager
def writing_run_dir(source: str, folder: Path | str) -> Iterator[None]:
    """A run directory we cannot write to (read-only, a file where a folder should be, a full disk)
    is the user's to fix: one line naming the path and what failed (exit code 2), no traceback."""
    try:
        yield
    except OSError as exc:  # a full disk names no file: then name the folder being written
        raise ConfigError(source, "run_dir", f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None


def _check_task_count(logs: Path, name: str, tasks: int) -> None:
    previous = logs / "executor.json"
    if not previous.is_file():
        return
    try:
        old = json.loads(previous.read_text()).get("world_size")
    except (OSError, json.JSONDecodeError):
        return
    if old is not None and old != tasks:
        raise ConfigError(
            "executor.tasks", None,
            f"stage {name} in {logs.parent} was started with {old} tasks, not {tasks}; "
            f"resume with --tasks {old} or delete {logs.parent} to start it again",
        )


def make_executor(config: RunConfig, phase: Phase, pipeline: list,
                  depends: PipelineExecutor | None) -> PipelineExecutor:
    tasks, workers, logs = phase.tasks, phase.workers, str(phase.logs)
    kind = config.executor.type
    if kind == "local":
        from clearweb.pipeline.core.console import ConsoleLocalExecutor

        return ConsoleLocalExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=logs, skip_completed=True)
    if kind == "slurm":
        from clearweb.pipeline.slurm import ClearwebSlurmExecutor

        slurm = config.executor.slurm
        return ClearwebSlurmExecutor(
            pipeline, tasks=tasks, workers=workers, time=slurm.time, partition=slurm.partition,
            cpus_per_task=slurm.cpus_per_task, mem_per_cpu_gb=slurm.mem_per_cpu_gb, qos=slurm.qos or "",
            job_name=f"{slurm.job_name_prefix}_{phase.name}", env_command=slurm.env_command,
            venv_path=slurm.venv_path, sbatch_args=dict(slurm.sbatch_args) or None,
            max_array_size=slurm.max_array_size, depends=depends, logging_dir=logs, skip_completed=True,
        )
    from clearweb.pipeline.ray_executor import ClearwebRayExecutor

    ray = config.executor.ray
    return ClearwebRayExecutor(pipeline, tasks=tasks, workers=workers, depends=depends, logging_dir=logs,
                               skip_completed=True, cpus_per_task=ray.cpus_per_task,
                               mem_per_cpu_gb=ray.mem_per_cpu_gb, name=phase.name, address=ray.address)


def check_executor_available(config: RunConfig) -> None:
    """Fail before any work with one line when the chosen executor cannot run here."""
    import importlib.util
    import shutil

    kind = config.executor.type
    if kind == "slurm" and shutil.which("sbatch") is None:
        raise ConfigError("executor.type", None, "slurm: sbatch is not on PATH on this machine")
    if kind == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError("executor.type", None, "ray: the ray package is missing (pip install 'clearweb[ray]')")
    if kind == "ray":
        from clearweb.pipeline.ray_executor import check_address

        check_address(config.executor.ray.address)


def select_stages(config: RunConfig, wanted: list[str] | None) -> list[str]:
    enabled = config.enabled_stages()
    if not wanted:
        return enabled
    unknown = [name for name in wanted if name not in enabled]
    if unknown:
        raise ConfigError("--stages", None, f"unknown stage {unknown[0]!r}; this config has {', '.join(enabled)}")
    return [name for name in enabled if name in wanted]


def save_run_config(config: RunConfig) -> Path:
    """Keep the resolved config beside the data (what the last accepted invocation asked for; what
    each stage actually ran with is in its lineage)."""
    path = Path(config.run_dir) / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True))
    return path


@contextmanager
def task_progress(phase: Phase):
    """A progress bar of completed tasks while a local phase runs; nothing when stderr is no terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    stop = threading.Event()
    with Progress("[bold]{task.description}", BarColumn(), MofNCompleteColumn(), "tasks", TimeElapsedColumn(),
                  "ETA", TimeRemainingColumn(), transient=True) as progress:
        bar = progress.add_task(phase.name, total=phase.tasks)

        def poll() -> None:
            while not stop.wait(0.5):
                progress.update(bar, completed=len(completed_ranks(phase)))

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join()


def phase_complete(phase: Phase) -> bool:
    return len(completed_ranks(phase)) == phase.tasks


class PhaseRunner:
    """Runs (local, ray) or submits (slurm) phases in order, chaining submissions.

    datatrove's Ray executor blocks until the phase's tasks have ended, so a Ray phase runs as a
    local one does: built after the phases before it completed, its failure reported at once."""

    def __init__(self, config: RunConfig):
        self.config = config
        self.previous: PipelineExecutor | None = None
        self.submitted: list[Phase] = []

    def run(self, phase: Phase) -> tuple[StageResult, list[dict] | None]:
        """Run one phase; returns its result and, when it was built, its steps' stats records."""
        if phase.invalidate is not None:
            phase.invalidate()
        if phase_complete(phase):
            return StageResult(phase.name, "complete", phase.tasks, 0.0), None
        _check_task_count(phase.logs, phase.name, phase.tasks)
        pipeline = phase.build()
        steps = [step_record(step) for step in pipeline]
        executor = make_executor(self.config, phase, pipeline, self.previous)
        if self.config.executor.type == "slurm":
            self.previous = executor
            self.submitted.append(phase)
            return StageResult(phase.name, "submitted", phase.tasks, 0.0), steps
        started = time.monotonic()
        stamps = log_stamps(phase)
        error = None
        try:
            with task_progress(phase):
                executor.run()
        except Exception as exc:  # a task raised; its log has the traceback
            log.debug("phase %s raised %r", phase.name, exc)
            error = one_line(exc)
        if not phase_complete(phase):
            # The failed task's frames (kept alive in a reference cycle by the exception datatrove
            # logged) hold its pipeline's suspended generators; collecting them now runs their
            # cleanup, which ends the extraction sandbox's child process, instead of at exit.
            gc.collect()
            raise phase_failure(phase, stamps, error)
        return StageResult(phase.name, "ran", phase.tasks, time.monotonic() - started), steps

    def submit(self, wait: bool) -> bool:
        """Submit the chain of Slurm phases; True when they have all completed (``wait``)."""
        if self.previous is None:
            return True
        self.previous.run()  # submits the whole chain of dependencies
        if wait and self.config.executor.type == "slurm":
            from clearweb.pipeline.slurm import wait_for_phases

            names = [f"{self.config.executor.slurm.job_name_prefix}_{phase.name}" for phase in self.submitted]
            wait_for_phases(self.submitted, names, phase_complete)
            return True
        return False


def run_phases(config: RunConfig, phases: list[Phase], wait: bool = False) -> list[StageResult]:
    """Run phases outside any stage's lineage (``clearweb robots fetch`` crawls the snapshot)."""
    check_executor_available(config)
    runner = PhaseRunner(config)
    results = [runner.run(phase)[0] for phase in phases]
    runner.submit(wait)
    return results


def _relative(path: Path, run_dir: Path) -> str:
    return path.relative_to(run_dir).as_posix() if path.is_relative_to(run_dir) else str(path)


def _phase_records(planned: PlannedStage, record: dict, built: dict[str, list[dict]]) -> list[dict]:
    """Per phase: name, logs (relative to the run directory when inside it), tasks, step records."""
    before = {phase["name"]: phase.get("steps") for phase in record.get("phases", [])}
    return [{"name": phase.name, "logs": _relative(phase.logs, planned.ctx.run_dir), "tasks": phase.tasks,
             "steps": built.get(phase.name) or before.get(phase.name)} for phase in planned.phases()]


def plan_run(config: RunConfig, source: str, names: list[str]) -> tuple[list[PlannedStage], dict[str, StageCheck]]:
    """Build and check the stage graph and every stage's lineage, before any work."""
    graph = []
    lineages: dict[str, dict | None] = {}
    for planned in stage_graph(config, source):
        lineages[planned.name] = lineage = read_lineage(planned.ctx.dirs.root)
        planned = planned.with_recorded(lineage)
        resolve = getattr(planned.settings, "resolve_inputs", None)
        if resolve is not None and planned.name in names:
            planned = planned.with_inputs(resolve(planned.ctx.run_dir, source))
        elif resolve is not None:  # not run now: compare as recorded
            planned = planned.with_inputs((lineage or {}).get("inputs"))
        graph.append(planned)
    checks: dict[str, StageCheck] = {}
    for planned in graph:
        complete = all(phase_complete(phase) for phase in planned.phases())
        checks[planned.name] = check_stage(planned, lineages[planned.name], complete, checks)
    return graph, checks


def _refuse_unready(graph: list[PlannedStage], checks: dict[str, StageCheck], names: list[str], source: str,
                    rerun_stale: bool) -> None:
    first = next(index for index, planned in enumerate(graph) if planned.name in names)
    for planned in graph[:first]:
        check = checks[planned.name]
        if check.state == "stale":
            raise StaleStage(f"stage {names[0]} needs stage {planned.name}, which is stale: {check.reason}; "
                             f"run it first (clearweb run {source} --stages {planned.name} --rerun-stale)")
        if check.state != "complete":
            raise ConfigError("--stages", None, f"stage {names[0]} needs stage {planned.name} to have completed; "
                                                f"run it first (clearweb run {source} --stages {planned.name})")
    if rerun_stale:
        return
    stale = [planned for planned in graph if planned.name in names and checks[planned.name].state == "stale"]
    if stale:
        after = [planned.name for planned in stale[1:]]
        more = f" (stale after it: {', '.join(after)})" if after else ""
        raise StaleStage(f"{stale[0].name}: {checks[stale[0].name].reason}{more}; rerun with --rerun-stale or "
                         f"delete {stale[0].ctx.dirs.root}")


def _write_lineage(planned: PlannedStage, record: dict, source: str) -> None:
    with writing_run_dir(source, planned.ctx.dirs.root):
        write_lineage(planned.ctx.dirs.root, record)


def _finish(planned: PlannedStage, record: dict, source: str) -> None:
    upstream = {name: (read_lineage(planned.ctx.run_dir / name) or {}).get("fingerprint")
                for name in planned.upstream}
    _write_lineage(planned, finish_record(record, planned, upstream), source)


def run_stages(config: RunConfig, source: str, stages: list[str] | None = None, wait: bool = False,
               rerun_stale: bool = False,
               on_phase: Callable[[StageResult], None] = lambda result: None) -> list[StageResult]:
    """Run the selected stages (all enabled ones by default) phase by phase, each under its lineage;
    ``on_phase`` hears of each phase as it ends (the command line prints a line).

    Everything that can refuse the run (the stage graph, stale stages, missing prerequisites, the
    executor) is checked before any task runs or any file is written."""
    names = select_stages(config, stages)
    graph, checks = plan_run(config, source, names)
    _refuse_unready(graph, checks, names, source, rerun_stale)
    check_executor_available(config)
    with writing_run_dir(source, config.run_dir):
        save_run_config(config)
    runner = PhaseRunner(config)
    results: list[StageResult] = []
    pending: list[tuple[PlannedStage, dict]] = []
    for planned in (p for p in graph if p.name in names):
        check = checks[planned.name]
        if check.state == "complete":
            for phase in planned.phases():
                results.append(StageResult(phase.name, "complete", phase.tasks, 0.0))
                on_phase(results[-1])
            continue
        if check.state == "stale":
            for folder in planned.owned_dirs():
                shutil.rmtree(folder, ignore_errors=True)
            log.info("%s: recomputing (%s)", planned.name, check.reason)
            planned = planned.with_recorded(None)  # recomputed from nothing: nothing recorded to keep
        record = check.record if check.state == "partial" else start_record(planned)
        _write_lineage(planned, record, source)
        built: dict[str, list[dict]] = {}
        for phase in planned.phases():
            result, steps = runner.run(phase)
            results.append(result)
            on_phase(result)
            if steps is not None:
                built[phase.name] = steps
                record = dict(record, phases=_phase_records(planned, record, built))
                _write_lineage(planned, record, source)
        if config.executor.type != "slurm":
            _finish(planned, record, source)
        else:
            pending.append((planned, record))
    if runner.submit(wait):
        for planned, record in pending:
            _finish(planned, record, source)
        results = [StageResult(r.name, "ran" if r.status == "submitted" else r.status, r.tasks, r.seconds)
                   for r in results]
    return results
