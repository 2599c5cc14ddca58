"""Values from the config reach the sbatch scripts quoted: no value runs as a command or splits in two.

The scripts are generated as they would be submitted (``sbatch`` is replaced), and their body is
run by bash with a fake ``srun`` that records its arguments.
"""

import shlex
import subprocess
from pathlib import Path

import datatrove.executor.slurm
import pytest
import yaml

from clearweb.model.train_config import SlurmTraining
from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.errors import ClearwebError
from clearweb.pipeline.core.stage import stage_dirs
from clearweb.pipeline.runner import make_executor
from clearweb.pipeline.slurm import training_script
from clearweb.pipeline.stages import stage_graph

HOSTILE = "it's a $(touch pwned) `touch pwned` \"x\" #y"


def directives(script: str) -> dict[str, str]:
    """The #SBATCH options as sbatch reads them (Slurm's directive parser honours shell quotes)."""
    options = {}
    for line in script.splitlines():
        if line.startswith("#SBATCH "):
            [option] = shlex.split(line.removeprefix("#SBATCH "))
            key, _, value = option.removeprefix("--").partition("=")
            options[key] = value
    return options


def submitted_script(tmp_path: Path, monkeypatch, run_dir: Path, **slurm) -> str:
    shard = tmp_path / "a.warc.gz"
    shard.write_bytes(b"")
    config_path = tmp_path / "c.yaml"
    config_path.write_text(yaml.safe_dump({"run_dir": str(run_dir), "executor": {"type": "slurm", "slurm": slurm},
                                           "stages": {"fetch": {"inputs": [{"path": str(shard)}]}}}))
    config = load_config(config_path)
    executor = make_executor(config, stage_graph(config, str(config_path))[0].phases()[0], [], depends=None)
    scripts = []
    monkeypatch.setattr(datatrove.executor.slurm, "launch_slurm_job",
                        lambda contents, retriever, *args: scripts.append(contents) or "1")
    executor.launch_job()
    return scripts[0]


def run_body(script: str, tmp_path: Path) -> list[str]:
    """Run the script's shell part with a fake srun; return the arguments srun got."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    record = tmp_path / "srun.args"
    (bin_dir / "srun").write_text(f'#!/bin/bash\nprintf "%s\\0" "$@" > {shlex.quote(str(record))}\n')
    (bin_dir / "srun").chmod(0o755)
    (tmp_path / "job.sh").write_text(script)
    result = subprocess.run(["bash", str(tmp_path / "job.sh")], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, timeout=30)
    assert result.returncode == 0, result.stderr
    return record.read_text().split("\0")[:-1]


def test_pipeline_script_quotes_every_value(tmp_path, monkeypatch):
    run_dir = tmp_path / f"runs {HOSTILE}"
    script = submitted_script(tmp_path, monkeypatch, run_dir, partition="debug", qos="low high",
                              job_name_prefix=f"web {HOSTILE}", sbatch_args={"comment": f"c; {HOSTILE}"},
                              venv_path=str(tmp_path / f"venv {HOSTILE}" / "activate"))
    logs = stage_dirs(str(run_dir), "fetch").logs
    options = directives(script)
    assert options["output"] == options["error"] == f"{logs}/slurm_logs/%A_%a.out"
    assert options["job-name"] == f"web {HOSTILE}_fetch"
    assert (options["partition"], options["qos"], options["comment"]) == ("debug", "low high", f"c; {HOSTILE}")
    (tmp_path / f"venv {HOSTILE}").mkdir()
    (tmp_path / f"venv {HOSTILE}" / "activate").write_text("export ACTIVATED=1\n")
    assert run_body(script, tmp_path) == ["-l", "-n", "1", "launch_pickled_pipeline", f"{logs}/executor.pik"]
    assert not list(tmp_path.rglob("pwned"))


def test_a_newline_in_the_run_dir_is_refused_before_submitting(tmp_path, monkeypatch):
    # A newline cannot be quoted inside an #SBATCH line: the rest would be a shell line of the job.
    with pytest.raises(ClearwebError, match=r"#SBATCH --output: .* newline or other control character"):
        submitted_script(tmp_path, monkeypatch, tmp_path / "runs\ntouch pwned")


def test_training_script_quotes_every_value(tmp_path):
    out_dir = tmp_path / f"out {HOSTILE}"
    settings = SlurmTraining(partition="gpu", time="1:00:00", gpus_per_node=2, sbatch_args={"comment": HOSTILE})
    script = training_script(str(tmp_path / "train.yaml"), settings, "/usr/bin/python3", [f"a={HOSTILE}"], out_dir)
    options = directives(script)
    assert options["output"] == f"{out_dir}/slurm-%j.out"
    assert (options["partition"], options["time"], options["comment"]) == ("gpu", "1:00:00", HOSTILE)
    with pytest.raises(ClearwebError, match=r"#SBATCH --partition: .* newline"):
        training_script("t.yaml", SlurmTraining(partition="gpu\ntouch pwned"), "python", [], out_dir)


def test_usr1_before_the_time_limit_leaves_a_stop_file_and_the_job_keeps_srun_s_status(tmp_path):
    """The training script asks Slurm for USR1 two minutes before the limit; its trap leaves a STOP
    file (the trainer checkpoints and exits after its step) and waits for srun, whose exit status
    becomes the job's."""
    import signal
    import time

    out_dir = tmp_path / f"out {HOSTILE}"
    out_dir.mkdir()
    script = training_script(str(tmp_path / "train.yaml"), SlurmTraining(gpus_per_node=2), "python3", [], out_dir)
    assert directives(script)["signal"] == "B:USR1@120"
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    started = tmp_path / "srun.started"
    (bin_dir / "scontrol").write_text("#!/bin/bash\necho node1\n")
    (bin_dir / "srun").write_text(f"#!/bin/bash\ntouch {shlex.quote(str(started))}\n"
                                  f"for i in $(seq 100); do [ -e {shlex.quote(str(out_dir / 'STOP'))} ] && exit 3; "
                                  "sleep 0.1; done\nexit 9\n")
    for tool in ("scontrol", "srun"):
        (bin_dir / tool).chmod(0o755)
    (tmp_path / "job.sh").write_text(script)
    job = subprocess.Popen(["bash", str(tmp_path / "job.sh")], cwd=tmp_path,
                           env={"PATH": f"{bin_dir}:/usr/bin:/bin", "SLURM_JOB_ID": "7", "SLURM_JOB_NODELIST": "n1",
                                "SLURM_NNODES": "1"})
    for _ in range(100):
        if started.exists():
            break
        time.sleep(0.05)
    job.send_signal(signal.SIGUSR1)
    assert job.wait(timeout=30) == 3  # srun saw the STOP file and exited 3; the job exits with it
    assert (out_dir / "STOP").exists() and not list(tmp_path.rglob("pwned"))
