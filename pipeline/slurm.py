"""Slurm: datatrove's array-job executor with two fixes, waiting for a run, and the training launcher.

``ClearwebSlurmExecutor`` is datatrove's SlurmPipelineExecutor except that
- it launches no stats-merge job: datatrove's depends on ``afterok`` of the array, so one failed task
  leaves it pending forever (datatrove issue #238); ``clearweb report`` merges the per-task stats
  files itself;
- every job gets ``--kill-on-invalid-dep=yes``: when a stage has failed tasks, the stages queued
  after it are cancelled instead of waiting forever;
- without ``venv_path`` or ``env_command``, jobs put the submitting interpreter's bin folder first on
  PATH, so they run the clearweb (and datatrove) that submitted them. ``clearweb status`` shows what failed, and
  running the same command again resubmits only the failed and missing tasks (completion markers);
- every value in its job script is shell-quoted (see ``get_launch_file_contents``).

``env_command`` is the one value written as it is: it is a shell command by design.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

from datatrove.executor import SlurmPipelineExecutor

from clearweb.pipeline.config import CONTROL_CHARACTERS, SBATCH_OPTION
from clearweb.pipeline.core.errors import ClearwebError, RunFailed


def sbatch_header(directives: dict[str, object]) -> str:
    """``#SBATCH --key=value`` lines, every value shell-quoted (sbatch reads directives with shell
    quoting), an empty value as a bare flag.

    A line break cannot be quoted inside a directive: what follows it would be a shell line of the
    job. Config validation refuses one in the configured values; the run directory (in the log paths)
    and any other value are checked here, before anything is submitted.
    """
    lines = []
    for key, value in directives.items():
        text = str(value)
        if not SBATCH_OPTION.fullmatch(key):
            raise ClearwebError(f"cannot write an #SBATCH line for {key!r}: not an sbatch option name")
        if CONTROL_CHARACTERS.search(text):
            raise ClearwebError(f"cannot write #SBATCH --{key}: its value {text!r} has a newline or other "
                                "control character")
        lines.append(f"#SBATCH --{key}={shlex.quote(text)}" if text else f"#SBATCH --{key}")
    return "\n".join(lines)


class ClearwebSlurmExecutor(SlurmPipelineExecutor):
    def __init__(self, *args, sbatch_args: dict | None = None, env_command: str | None = None,
                 venv_path: str | None = None, **kwargs):
        if env_command is None and venv_path is None:
            # Without a configured environment, jobs run the clearweb that submitted them.
            env_command = f"export PATH={shlex.quote(str(Path(sys.executable).parent))}:$PATH"
        super().__init__(*args, sbatch_args={"kill-on-invalid-dep": "yes", **(sbatch_args or {})},
                         env_command=env_command, venv_path=venv_path, **kwargs)

    def launch_merge_stats(self) -> None:
        """No merge job (see the module docstring)."""

    def get_launch_file_contents(self, sbatch_args: dict, run_script: str) -> str:
        """datatrove's job script, with every value quoted.

        datatrove writes the job name, the venv path and the log and executor paths into the script
        raw: a space in the run directory splits the pickled executor's path in its srun line (every
        task fails after the job was accepted), and a quote or ``$(...)`` in any of them runs as shell.
        """
        pickled = self.logging_dir.resolve_paths("executor.pik")
        environment = self.env_command or (f"source {shlex.quote(self.venv_path)}" if self.venv_path else "")
        lines = ["#!/bin/bash", sbatch_header(sbatch_args),
                 f"echo {shlex.quote(f'Starting data processing job {self.job_name}')}", environment,
                 "set -xe", "export PYTHONUNBUFFERED=TRUE", run_script.replace(pickled, shlex.quote(pickled))]
        return "\n".join(lines) + "\n"


def _squeue(selector: list[str]) -> list[str]:
    result = subprocess.run(["squeue", "-h", "-o", "%i", *selector], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        if "Invalid job id" in result.stderr:  # the job left slurmctld's memory: it is not queued
            return []
        raise ClearwebError(f"squeue failed: {result.stderr.strip()}")
    return result.stdout.split()


def queued_jobs(names: list[str]) -> list[str]:
    """Ids of jobs with these names still in the queue (pending or running)."""
    return _squeue(["-n", ",".join(names)])


def job_queued(job: str) -> bool:
    """Whether this one job is still pending or running (not another job of the same name)."""
    return bool(_squeue(["-j", job]))


def wait_for_phases(phases, job_names: list[str], complete, poll_s: float = 2.0, timeout_s: float = 86_400) -> None:
    """Block until every phase is complete; fail as soon as the queue is empty but work is missing."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(complete(phase) for phase in phases):
            return
        if not queued_jobs(job_names):
            time.sleep(poll_s)  # completion markers may land just after the job leaves the queue
            if all(complete(phase) for phase in phases):
                return
            missing = [phase.name for phase in phases if not complete(phase)]
            raise RunFailed(f"Slurm jobs ended with tasks missing in {', '.join(missing)}; "
                            "see clearweb status, then run again to resubmit them")
        time.sleep(poll_s)
    raise RunFailed(f"gave up waiting for Slurm after {timeout_s:.0f}s")


def training_script(config_path: str, settings, python: str, overrides: list[str], out_dir: Path) -> str:
    """An sbatch script starting ``srun torchrun`` on every node with a c10d rendezvous."""
    directives = {"job-name": "clearweb_train", "output": f"{out_dir}/slurm-%j.out", "nodes": settings.nodes,
                  "ntasks-per-node": 1,
                  "cpus-per-task": settings.cpus_per_task, "partition": settings.partition, "time": settings.time,
                  "kill-on-invalid-dep": "yes", "signal": "B:USR1@120", **settings.sbatch_args}
    if settings.gpus_per_node and settings.use_gpus:
        directives["gpus-per-node"] = settings.gpus_per_node
    header = sbatch_header(directives)
    sets = " ".join(f"--set {shlex.quote(item)}" for item in overrides)
    return f"""#!/bin/bash
{header}
set -euo pipefail
{settings.env_command or ''}
# The rendezvous runs on the first node, addressed by its name; the port differs per job.
head_node=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
export RDZV_ENDPOINT="$head_node:$((29500 + SLURM_JOB_ID % 1000))"
# Two minutes before the time limit Slurm sends USR1 to this script, which leaves a STOP file the
# trainer sees after its current step: it checkpoints and exits, and the next job resumes.
stop_file={shlex.quote(str(out_dir / "STOP"))}
trap 'touch "$stop_file"' USR1
srun {shlex.quote(python)} -m torch.distributed.run --nnodes="$SLURM_NNODES" --nproc_per_node={settings.gpus_per_node} \\
    --rdzv_id="$SLURM_JOB_ID" --rdzv_backend=c10d --rdzv_endpoint="$RDZV_ENDPOINT" \\
    -m clearweb.pipeline.cli train {shlex.quote(str(Path(config_path).resolve()))} {sets} &
srun_pid=$!
while kill -0 "$srun_pid" 2>/dev/null; do  # a trapped signal ends `wait` early: wait until srun has ended
    wait "$srun_pid" || true
done
wait "$srun_pid" && status=0 || status=$?
exit "$status"
"""


def submit(script: str, path: Path) -> str:
    path.write_text(script)
    result = subprocess.run(["sbatch", "--parsable", str(path)], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise ClearwebError(f"sbatch {path} failed: {result.stderr.strip()}")
    return result.stdout.strip().split(";")[0]
