"""Run a config's stages with a datatrove executor.

We never schedule, shard or mark completion ourselves: each stage is one datatrove executor
(Local, Slurm or Ray) whose logging_dir is ``RUN/<stage>/logs``. datatrove's completion markers
make a stage whose tasks all completed a no-op on re-run, and a killed run resume with the tasks
that had not finished. What we add: stages chained in order, a refusal to resume a stage with a
different task count (the split of shards between tasks would change and data would be read twice
or not at all), and failures reported as one line naming the failing task's log.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from datatrove.executor.base import PipelineExecutor

from clearweb.pipeline.config import STAGE_ORDER, RunConfig
from clearweb.pipeline.errors import ConfigError, RunFailed
from clearweb.pipeline.run_stats import completed_ranks, task_log
from clearweb.pipeline.stages import STAGE_PHASES, Phase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageResult:
    name: str
    status: str  # "ran", "complete" (skipped: already done) or "submitted" (slurm/ray)
    tasks: int
    seconds: float


def failed_log(phase: Phase) -> Path:
    """Log of the first incomplete task (the one to read first)."""
    done = completed_ranks(phase)
    first = next((rank for rank in range(phase.tasks) if rank not in done), 0)
    return task_log(phase, first)


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
        from datatrove.executor import LocalPipelineExecutor

        return LocalPipelineExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=logs, skip_completed=True)
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
    from datatrove.executor import RayPipelineExecutor

    ray = config.executor.ray
    return RayPipelineExecutor(pipeline, tasks=tasks, workers=workers, depends=depends, logging_dir=logs,
                               cpus_per_task=ray.cpus_per_task, mem_per_cpu_gb=ray.mem_per_cpu_gb)


def check_executor_available(config: RunConfig) -> None:
    """Fail before any work with one line when the chosen executor cannot run here."""
    import importlib.util
    import shutil

    kind = config.executor.type
    if kind == "slurm" and shutil.which("sbatch") is None:
        raise ConfigError("executor.type", None, "slurm: sbatch is not on PATH on this machine")
    if kind == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError("executor.type", None, "ray: the ray package is missing (pip install 'clearweb[ray]')")


def select_stages(config: RunConfig, wanted: list[str] | None) -> list[str]:
    enabled = config.enabled_stages()
    if not wanted:
        return enabled
    unknown = [name for name in wanted if name not in enabled]
    if unknown:
        raise ConfigError("--stages", None, f"unknown stage {unknown[0]!r}; this config has {', '.join(enabled)}")
    return [name for name in enabled if name in wanted]


def save_run_config(config: RunConfig) -> Path:
    """Keep the resolved config beside the data: the report and `why` read it later."""
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    stop = threading.Event()
    with Progress("[bold]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as progress:
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


def run_phases(config: RunConfig, phases: list[tuple[str, Phase]], wait: bool = False) -> list[StageResult]:
    """Run (local) or submit (slurm, ray) phases in order; ``phases`` pairs each with its stage.
    With ``wait``, a Slurm submission blocks until every phase completed (or fails with the status)."""
    check_executor_available(config)
    save_run_config(config)
    results: list[StageResult] = []
    previous: PipelineExecutor | None = None
    for stage, phase in phases:
        if phase_complete(phase):
            results.append(StageResult(phase.name, "complete", phase.tasks, 0.0))
            continue
        _check_task_count(phase.logs, phase.name, phase.tasks)
        executor = make_executor(config, phase, phase.build(), previous)
        if config.executor.type != "local":
            previous = executor
            results.append(StageResult(phase.name, "submitted", phase.tasks, 0.0))
            continue
        started = time.monotonic()
        try:
            with task_progress(phase):
                executor.run()
        except Exception as exc:  # a task raised; its log has the traceback
            log.debug("phase %s of stage %s raised %r", phase.name, stage, exc)
        missing = phase.tasks - len(completed_ranks(phase))
        if missing:
            raise RunFailed(f"stage {phase.name}: {missing} of {phase.tasks} tasks failed; "
                            f"see {failed_log(phase)}")
        results.append(StageResult(phase.name, "ran", phase.tasks, time.monotonic() - started))
    if previous is not None:
        previous.run()  # submits the whole chain of dependencies
        if wait and config.executor.type == "slurm":
            from clearweb.pipeline.slurm import wait_for_phases

            submitted = [phase for _, phase in phases if not phase_complete(phase)]
            names = [f"{config.executor.slurm.job_name_prefix}_{phase.name}" for phase in submitted]
            wait_for_phases(submitted, names, phase_complete)
            results = [StageResult(r.name, "ran" if r.status == "submitted" else r.status, r.tasks, r.seconds)
                       for r in results]
    return results


def check_prerequisites(config: RunConfig, source: str, names: list[str]) -> None:
    """A subset of stages reads what earlier stages wrote: those must have completed."""
    first = STAGE_ORDER.index(names[0])
    for earlier in config.enabled_stages():
        if STAGE_ORDER.index(earlier) < first and earlier not in names:
            if not all(phase_complete(phase) for phase in STAGE_PHASES[earlier](config, source)):
                raise ConfigError("--stages", None, f"stage {names[0]} needs stage {earlier} to have completed; "
                                                    f"run it first (clearweb run {source} --stages {earlier})")


def run_stages(config: RunConfig, source: str, stages: list[str] | None = None, wait: bool = False) -> list[StageResult]:
    """Run the selected stages (all enabled ones by default), phase by phase."""
    names = select_stages(config, stages)
    if stages:
        check_prerequisites(config, source, names)
    return run_phases(config, [(name, phase) for name in names for phase in STAGE_PHASES[name](config, source)],
                      wait)
