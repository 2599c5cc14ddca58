"""Config -> datatrove executor mapping (the real Slurm run is tested with the Slurm set-up)."""

import shutil

import pytest
from datatrove.executor import LocalPipelineExecutor, SlurmPipelineExecutor

from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.core.stage import stage_dirs
from clearweb.pipeline.runner import check_executor_available, make_executor
from clearweb.pipeline.stages import stage_graph, stage_tasks

CONFIG = """run_dir: {run}
executor:
  type: slurm
  tasks: 1200
  workers: 100
  slurm:
    partition: cpu
    time: "02:00:00"
    cpus_per_task: 2
    mem_per_cpu_gb: 3
    qos: low
    sbatch_args: {{account: a-data}}
    env_command: source /opt/venv/bin/activate
    max_array_size: 1000
stages:
  fetch:
    tasks: 600
    inputs:
      - path: {shard}
"""


@pytest.fixture
def config(tmp_path):
    shard = tmp_path / "a.warc.gz"
    shard.write_bytes(b"")
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(run=tmp_path / "run", shard=shard))
    return load_config(path)


def test_slurm_mapping(config):
    executor = make_executor(config, stage_graph(config, "c.yaml")[0].phases()[0], [], depends=None)
    assert isinstance(executor, SlurmPipelineExecutor)
    assert (executor.tasks, executor.workers) == (600, 100)  # the stage's own task count wins
    assert (executor.partition, executor.time, executor.qos) == ("cpu", "02:00:00", "low")
    assert (executor.cpus_per_task, executor.mem_per_cpu_gb, executor.max_array_size) == (2, 3, 1000)
    assert executor.job_name == "clearweb_fetch"
    assert executor.env_command == "source /opt/venv/bin/activate"
    assert executor._sbatch_args == {"kill-on-invalid-dep": "yes", "account": "a-data"}
    assert executor.logging_dir.path == str(stage_dirs(config.run_dir, "fetch").logs)
    assert executor.skip_completed


def test_local_mapping_and_worker_cap(config):
    local = config.model_copy(update={"executor": config.executor.model_copy(update={"type": "local"})})
    executor = make_executor(local, stage_graph(local, "c.yaml")[0].phases()[0], [], depends=None)
    assert isinstance(executor, LocalPipelineExecutor)
    assert stage_tasks(local, local.stages.fetch) == (600, 100)


def test_missing_sbatch_is_reported(config, monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert shutil.which("sbatch") is None
    with pytest.raises(ConfigError, match="slurm: sbatch is not on PATH"):
        check_executor_available(config)
