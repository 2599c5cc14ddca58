"""Stages and training on a real single-node Slurm (started by the fixture, stopped by pid)."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main
from tests.slurm_cluster import LocalSlurm, slurm_available

pytestmark = pytest.mark.skipif(not slurm_available(),
                                reason="needs Debian's slurm-wlm and munge and root (.ci/run installs them)")

SLURM = ["--executor", "slurm", "--set", "executor.slurm.partition=debug", "--set", "executor.slurm.time=00:30:00",
         "--set", "executor.slurm.mem_per_cpu_gb=1"]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    cluster = LocalSlurm(tmp_path_factory.mktemp("slurm")).start()
    yield cluster
    cluster.stop()


def documents(run: Path, stage: str) -> dict[str, str]:
    rows = {}
    for path in sorted((run / stage / "output").rglob("*.parquet")):
        rows.update(dict(zip(*pq.read_table(path, columns=["id", "text"]).to_pydict().values(), strict=True)))
    return rows


def stage_totals(run: Path) -> dict:
    assert main(["report", str(run)]) == 0
    stages = json.loads((run / "report.json").read_text())["stages"]
    return {s["name"]: (s["docs_in"], s["docs_out"], s["removed"], s["tokens_out"]) for s in stages}


@pytest.mark.timeout(600)  # two whole demos; on Slurm every phase of every stage is an array job
def test_demo_on_slurm_equals_the_local_run(slurm, tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "local")]) == 0
    assert main(["demo", "--out", str(tmp_path / "slurm"), "--tasks", "4", *SLURM]) == 0
    capsys.readouterr()
    local, cluster = tmp_path / "local" / "run", tmp_path / "slurm" / "run"
    assert (cluster / "fetch" / "logs" / "launch_script.slurm").is_file()  # it really went through sbatch
    for stage in ("fetch", "robots", "language", "dedup", "quality", "compliance"):
        assert documents(cluster, stage) == documents(local, stage), stage
    assert stage_totals(cluster) == stage_totals(local)


def test_failed_task_is_shown_and_only_it_is_resubmitted(slurm, tmp_path, capsys):
    from clearweb.pipeline.demo.server import LoopbackServer, Response
    from tests.helpers import html_page, write_warc

    root = tmp_path / "www"
    for name in "abcd":
        write_warc(root / f"{name}.warc.gz", [{"url": f"https://{name}.example/", "body": html_page(name)}])
    with LoopbackServer(root, max_requests=200, max_lifetime_s=300) as server:
        inputs = ", ".join(f'{{path: "{server.url}/{name}.warc.gz"}}' for name in "abcd")
        server.add("*", "/c.warc.gz", Response(status=500))
        config = tmp_path / "c.yaml"
        config.write_text(f"""run_dir: {tmp_path / 'run'}
executor:
  type: slurm
  tasks: 4
  slurm: {{partition: debug, time: "00:10:00", mem_per_cpu_gb: 1, max_array_size: 2}}
stages:
  fetch:
    inputs: [{inputs}]
    download: {{retries: 0}}
""")
        assert main(["run", str(config), "--wait"]) == 1  # more tasks (4) than the array limit (2): two arrays
        assert "see clearweb status" in capsys.readouterr().err
        assert main(["status", str(tmp_path / "run")]) == 0
        out = capsys.readouterr().out
        assert "fetch task 2 failed" in out and "c.warc.gz: download failed" in out
        done = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run" / "fetch" / "output").glob("*.parquet")}
        assert len(done) == 3
        server.routes.clear()
        assert main(["run", str(config), "--wait"]) == 0
    ranks = json.loads((tmp_path / "run" / "fetch" / "logs" / "ranks_to_run.json").read_text())
    assert ranks == [2]  # only the failed task went back to Slurm
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run" / "fetch" / "output").glob("*.parquet")}
    assert {k: v for k, v in after.items() if k in done} == done and len(after) == 4


def test_a_crawl_that_reached_no_origin_fails_the_robots_job(slurm, tmp_path, capsys):
    """On Slurm every phase is built at submission, before the origins and the crawl exist, so the
    reachability gate can only act in the filter's tasks: their job fails, the next stage never runs."""
    from tests.test_run_output import write_run

    config = write_run(tmp_path, 0.5)
    assert main(["run", str(config), *SLURM, "--wait"]) == 1
    capsys.readouterr()
    assert main(["status", str(tmp_path / "run-0.5")]) == 0
    out = capsys.readouterr().out
    assert "robots task 0 failed" in out and "3 of 3 origins' robots.txt unreachable or refused" in out
    assert not list((tmp_path / "run-0.5" / "robots" / "output").rglob("*.parquet"))
    assert not list((tmp_path / "run-0.5" / "language").rglob("*.parquet"))


def test_two_process_training_job_through_train_slurm(slurm, tmp_path, capsys):
    import yaml

    from tests.test_model import train_config

    shards = tmp_path / "shards"
    _write_shards(shards)
    config = train_config(shards, tmp_path / "train", steps=3, checkpoint_every=3).model_dump()
    config["slurm"] = {"nodes": 1, "gpus_per_node": 2, "use_gpus": False, "partition": "debug", "time": "00:10:00",
                       "cpus_per_task": 2}
    (tmp_path / "train.yaml").write_text(yaml.safe_dump(config))
    assert main(["train", str(tmp_path / "train.yaml"), "--slurm", "--wait"]) == 0
    assert "training job" in capsys.readouterr().out
    script = (tmp_path / "train" / "train.slurm").read_text()
    assert "torch.distributed.run" in script and "--nproc_per_node=2" in script and "rdzv_backend=c10d" in script
    assert len((tmp_path / "train" / "metrics.jsonl").read_text().splitlines()) == 3
    assert (tmp_path / "train" / "hf" / "model.safetensors").is_file()


def _write_shards(folder: Path) -> None:
    from datatrove.data import Document

    from clearweb.pipeline.demo.corpus import LANGUAGES
    from clearweb.tokenizer.bpe import train_bpe
    from clearweb.tokenizer.tokenize_step import ShardTokenizer

    texts = [" ".join(topic.sentences) for bank in LANGUAGES.values() for topic in bank.topics]
    folder.mkdir(parents=True)
    train_bpe(iter(texts * 3), vocab_size=512).save(str(folder / "tokenizer.json"))
    docs = [Document(text=t, id=str(i), metadata={}) for i, t in enumerate(texts * 4)]
    ShardTokenizer(str(folder), str(folder / "tokenizer.json"), seed=0).run(iter(docs), 0, 1)
