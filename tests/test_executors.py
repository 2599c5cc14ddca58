"""Config -> datatrove executor mapping (the real Slurm run is tested with the Slurm set-up)."""

import importlib.util
import shutil
import socket
import time

import pytest
from datatrove.executor import LocalPipelineExecutor, SlurmPipelineExecutor

from clearweb.pipeline.config import RaySettings, load_config
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


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ray_mapping(config):
    import pickle

    from clearweb.pipeline.ray_executor import ClearwebRayExecutor

    ray = config.model_copy(update={"executor": config.executor.model_copy(update={
        "type": "ray", "ray": RaySettings(address="10.0.0.5:6379", cpus_per_task=2, mem_per_cpu_gb=3)})})
    phase = stage_graph(ray, "c.yaml")[0].phases()[0]
    first = make_executor(ray, phase, [], depends=None)
    executor = make_executor(ray, phase, [], depends=first)
    assert isinstance(executor, ClearwebRayExecutor)
    assert (executor.tasks, executor.workers, executor.address, executor.name) == (600, 100, "10.0.0.5:6379", "fetch")
    assert (executor.cpus_per_task, executor.mem_per_cpu_gb) == (2, 3)
    assert executor.logging_dir.path == str(stage_dirs(config.run_dir, "fetch").logs)
    assert executor.skip_completed
    # What ray.put sends to every task: not the phases it depends on.
    assert pickle.loads(pickle.dumps(executor)).depends is None and executor.depends is first


def test_ray_address_is_an_execution_key():
    assert RaySettings().address is None
    assert RaySettings(address="auto").content() == {}


def test_unreachable_ray_head_is_one_line(monkeypatch):
    from clearweb.pipeline.ray_executor import check_address

    port = closed_port()
    with pytest.raises(ConfigError, match=rf"executor.ray.address: no Ray head answers at 127.0.0.1:{port}: "):
        check_address(f"127.0.0.1:{port}")
    monkeypatch.setenv("RAY_ADDRESS", "head-node")
    with pytest.raises(ConfigError, match="RAY_ADDRESS: 'head-node' is not host:port of a Ray head"):
        check_address(None)
    check_address("auto")  # left to Ray


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_ray_run_refuses_an_address_without_a_head(config, tmp_path, capsys):
    from clearweb.pipeline.cli import main

    port = closed_port()
    started = time.monotonic()
    assert main(["run", str(tmp_path / "c.yaml"), "--executor", "ray",
                 "--set", f"executor.ray.address=127.0.0.1:{port}"]) == 2
    assert f"executor.ray.address: no Ray head answers at 127.0.0.1:{port}" in capsys.readouterr().err
    assert time.monotonic() - started < 30
