"""Run lineage: stale stages are refused or recomputed, resumes never lose or duplicate documents,
a copied run explains itself, and a filter registered from outside runs, reports and explains."""

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from tokenizers import Tokenizer

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.stage import BuildsStep, Filter
from clearweb.pipeline.core.writer import DocumentWriter
from clearweb.pipeline.demo.server import LoopbackServer, Response
from clearweb.pipeline.registry import register_filter, unregister
from tests.helpers import html_page, write_warc

REPO = Path(__file__).resolve().parent.parent
FULL = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{inputs}/*.warc.gz"}}]
  robots:
    crawl: {{resolve: {{"*": "{address}"}}, connect_timeout_s: 1, read_timeout_s: 1, total_timeout_s: 3, retries: 0}}
  language: {{threshold: 0.3}}
  compliance: {{toxicity: null}}
  tokenizer: {{vocab_size: 512}}
  tokenize: {{}}
"""


def pages(host: str, start: int = 0, n: int = 4) -> list[dict]:
    return [{"url": f"http://{host}.example/{i}", "body": html_page(f"The {host}word{i} notice.")}
            for i in range(start, start + n)]


def write_inputs(folder: Path) -> Path:
    write_warc(folder / "s1.warc.gz", pages("alpha", 0, 2) + pages("bravo", 0, 2))
    write_warc(folder / "s2.warc.gz", pages("alpha", 2, 2) + pages("bravo", 2, 2))
    return folder


def kept_and_removed(stage: Path) -> list[str]:
    """Every document id in a stage's output and removed/ folders (duplicates kept)."""
    return sorted(i for folder in ("output", "removed") for path in sorted((stage / folder).rglob("*.parquet"))
                  for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())


def input_ids(run: Path) -> list[str]:
    return sorted(i for path in sorted((run / "fetch" / "output").glob("*.parquet"))
                  for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())


def shard_text(run: Path) -> str:
    tokenizer = Tokenizer.from_file(str(run / "tokenizer" / "output" / "tokenizer.json"))
    return "".join(tokenizer.decode(np.fromfile(path, dtype=np.uint32).tolist())
                   for path in sorted((run / "tokenize" / "output").glob("*.ds")))


def mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


@pytest.fixture
def robots_server():
    with LoopbackServer(max_requests=2000, max_lifetime_s=300) as server:
        server.add("*", "/robots.txt", Response(status=404))
        yield server


@pytest.fixture
def full_run(tmp_path, robots_server):
    inputs = write_inputs(tmp_path / "inputs")
    config = tmp_path / "run.yaml"
    config.write_text(FULL.format(run=tmp_path / "run", inputs=inputs, address=f"127.0.0.1:{robots_server.port}"))
    assert main(["run", str(config)]) == 0
    return tmp_path / "run", config


def test_changed_setting_is_refused_then_recomputed_from_that_stage_on(full_run, capsys):
    run, config = full_run
    capsys.readouterr()
    assert main(["run", str(config), "--set", "stages.language.threshold=0.5"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"error: language: settings changed (threshold 0.3 -> 0.5) (stale after it: compliance, "
                   f"tokenizer, tokenize); rerun with --rerun-stale or delete {run / 'language'}")
    assert "threshold: 0.3" in (run / "config.yaml").read_text()  # a refused run changes nothing
    before = {name: mtimes(run / name) for name in ("fetch", "robots", "language", "tokenize")}
    assert main(["run", str(config), "--set", "stages.language.threshold=0.5", "--rerun-stale"]) == 0
    out = capsys.readouterr().out
    assert "fetch: already complete" in out and "robots: already complete" in out
    for stage in ("language", "compliance", "tokenizer", "tokenize"):
        assert f"{stage}: done" in out
    assert mtimes(run / "fetch") == before["fetch"] and mtimes(run / "robots") == before["robots"]
    assert all(path.stat().st_mtime_ns > before["language"][path] for path in before["language"] if path.exists())
    lineage = json.loads((run / "language" / "lineage.json").read_text())
    assert lineage["settings"]["threshold"] == 0.5 and lineage["status"] == "complete"
    assert main(["run", str(config), "--set", "stages.language.threshold=0.5"]) == 0  # now current


def test_robots_refresh_reaches_the_training_shards(full_run, robots_server, capsys):
    run, config = full_run
    assert "alphaword1" in shard_text(run)
    robots_server.add("alpha.example", "/robots.txt", Response(body=b"User-agent: *\nDisallow: /\n"))
    assert main(["robots", "fetch", str(run), "--refresh"]) == 0
    capsys.readouterr()
    assert main(["run", str(config)]) == 2
    assert "error: robots: robots_snapshot changed (sha256 " in capsys.readouterr().err
    before = {name: mtimes(run / name) for name in ("fetch", "compliance", "tokenize")}
    assert main(["run", str(config), "--rerun-stale"]) == 0
    assert mtimes(run / "fetch") == before["fetch"]
    for stage in ("compliance", "tokenize"):
        assert not set(mtimes(run / stage).items()) & set(before[stage].items())  # every file rewritten
    text = shard_text(run)
    assert "bravoword1" in text and "alphaword" not in text
    capsys.readouterr()
    assert main(["why", str(run), "http://alpha.example/1"]) == 0
    out = capsys.readouterr().out
    assert "removed by stage robots: robots" in out and "rule: AI2Bot: line 2: Disallow: /" in out


def test_copied_run_without_inputs_explains_itself_the_same(full_run, tmp_path, capsys):
    run, _ = full_run

    def answers(run_dir: Path) -> tuple[str, dict, str]:
        capsys.readouterr()
        assert main(["status", str(run_dir)]) == 0
        status = "\n".join(line for line in capsys.readouterr().out.splitlines() if line.startswith("│"))
        assert main(["report", str(run_dir)]) == 0
        report = json.loads((run_dir / "report.json").read_text())
        for key in ("run_dir", "generated_at"):
            report.pop(key)
        capsys.readouterr()
        assert main(["why", str(run_dir), "http://bravo.example/3"]) == 0
        return status, report, capsys.readouterr().out

    original = answers(run)
    copy = tmp_path / "elsewhere" / "copied-run"
    shutil.copytree(run, copy)
    shutil.rmtree(tmp_path / "inputs")
    shutil.rmtree(run)
    assert answers(copy) == original
    assert "kept: in tokenize" not in original[2] and "kept: in compliance/output/" in original[2]
    assert original[1]["stages"][0]["docs_in"] == 8 and original[1]["lineage"]["fetch"]["inputs"] == 2


def test_graph_errors_stop_before_any_task(tmp_path, capsys):
    inputs = write_inputs(tmp_path / "inputs")
    no_tokenizer = tmp_path / "a.yaml"
    no_tokenizer.write_text(f"run_dir: {tmp_path / 'a'}\nstages:\n  fetch: {{inputs: [{{path: '{inputs}/*.gz'}}]}}\n"
                            "  tokenize: {}\n")
    assert main(["run", str(no_tokenizer)]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {no_tokenizer}: stages.tokenize: needs the stage that makes "
                                               "tokenizer (add a tokenizer stage)")
    thresholds = tmp_path / "thresholds.yaml"
    thresholds.write_text("deu_Latn: 0.7\nzzz_Latn: 0.5\n")
    unknown_label = tmp_path / "b.yaml"
    unknown_label.write_text(f"run_dir: {tmp_path / 'b'}\nstages:\n  fetch: {{inputs: [{{path: '{inputs}/*.gz'}}]}}\n"
                             f"  language: {{thresholds_file: {thresholds}}}\n")
    assert main(["run", str(unknown_label)]) == 2
    assert "stages.language: thresholds_file: " in (err := capsys.readouterr().err)
    assert "label zzz_Latn is not a label of the language-id model" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


FETCH_LANGUAGE = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{inputs}/*.warc.gz"}}]
  language: {{threshold: 0.3}}
"""


@pytest.fixture
def language_run(tmp_path):
    inputs = write_inputs(tmp_path / "inputs")
    config = tmp_path / "run.yaml"
    config.write_text(FETCH_LANGUAGE.format(run=tmp_path / "run", inputs=inputs))
    assert main(["run", str(config)]) == 0
    return tmp_path / "run", config, inputs


def forget_task(phase_logs: Path, rank: int) -> None:
    """What a kill -9 leaves: the task's output may be there, its completion marker is not."""
    (phase_logs / "completions" / f"{rank:05d}").unlink()


def test_new_shard_between_kill_and_resume_is_refused(language_run, capsys):
    run, config, inputs = language_run
    forget_task(run / "fetch" / "logs", 1)
    write_warc(inputs / "s3.warc.gz", pages("alpha", 10, 3))
    capsys.readouterr()
    assert main(["run", str(config)]) == 2
    assert capsys.readouterr().err.strip().startswith(
        f"error: fetch: inputs changed (1 new shard: {inputs / 's3.warc.gz'}) (stale after it: language)")
    assert main(["run", str(config), "--rerun-stale"]) == 0
    ids = input_ids(run)
    assert len(ids) == len(set(ids)) == 11
    assert kept_and_removed(run / "language") == ids


def test_resume_with_another_buffer_size_leaves_no_earlier_files(language_run):
    run, config, _ = language_run
    forget_task(run / "language" / "logs", 0)
    output = run / "language" / "output"
    earlier = next(output.glob("*/00000_0000.parquet"))
    shutil.copy(earlier, earlier.with_name("00000_0003.parquet"))  # an earlier attempt's other part
    (output / "zzz_Latn").mkdir()
    shutil.copy(earlier, output / "zzz_Latn" / "00000_0000.parquet")  # and a partition this one won't write
    assert main(["run", str(config), "--set", "stages.language.max_buffer_mb=1"]) == 0  # not stale: layout only
    assert kept_and_removed(run / "language") == input_ids(run)
    assert not (output / "zzz_Latn").exists() or not list((output / "zzz_Latn").iterdir())


def test_threshold_changed_during_a_killed_stage(language_run, capsys):
    run, config, _ = language_run
    forget_task(run / "language" / "logs", 1)
    capsys.readouterr()
    assert main(["run", str(config), "--set", "stages.language.threshold=0.9"]) == 2
    assert "language: settings changed (threshold 0.3 -> 0.9)" in capsys.readouterr().err
    assert main(["run", str(config), "--set", "stages.language.threshold=0.9", "--rerun-stale"]) == 0
    assert kept_and_removed(run / "language") == input_ids(run)


class MarkerFilter(FilterStep):
    """A toy filter for the registry test: removes documents whose text contains a word."""

    name = "toy marker filter"
    stats_key = "toy_marker"

    def __init__(self, word: str, exclusion_writer=None):
        super().__init__(exclusion_writer)
        self.word = word

    def filter(self, doc):
        if self.word in doc.text:
            doc.metadata["compliance_evidence"] = f"contains {self.word}"
            return False, "toy_marker"
        return True


class MarkerSettings(BuildsStep):
    word: str

    def step(self, ctx, removed_dir):
        return MarkerFilter(self.word, exclusion_writer=DocumentWriter(str(removed_dir)))


def test_a_filter_registered_from_outside_runs_reports_and_explains(tmp_path, capsys):
    register_filter("compliance", Filter(
        "toy", MarkerSettings, enabled_by_default=False,
        report=lambda view: {"removed": int(view.stats("toy_marker").get("dropped_toy_marker", 0))},
        explain=lambda row, view: [f"toy evidence: {row['compliance_evidence']}"]))
    try:
        inputs = write_inputs(tmp_path / "inputs")
        config = tmp_path / "toy.yaml"
        config.write_text(f"run_dir: {tmp_path / 'run'}\nexecutor: {{tasks: 1, workers: 1}}\nstages:\n"
                          f"  fetch: {{inputs: [{{path: '{inputs}/*.gz'}}]}}\n"
                          "  compliance: {consent: null, toxicity: null, pii: null, toy: {word: bravoword}}\n")
        assert main(["run", str(config)]) == 0
        assert main(["report", str(tmp_path / "run")]) == 0
        report = json.loads((tmp_path / "run" / "report.json").read_text())
        compliance = next(s for s in report["stages"] if s["name"] == "compliance")
        assert compliance["removed"] == {"toy_marker": 4} and compliance["docs_out"] == 4
        assert report["sections"]["compliance"]["toy"] == {"removed": 4}
        assert (tmp_path / "run" / "compliance" / "removed" / "toy").is_dir()
        capsys.readouterr()
        assert main(["why", str(tmp_path / "run"), "http://bravo.example/2"]) == 0
        out = capsys.readouterr().out
        assert "removed by stage compliance: toy_marker" in out and "toy evidence: contains bravoword" in out
    finally:
        unregister("compliance", "toy")


def test_vocabulary_mismatches_stop_before_any_work(full_run, tmp_path, capsys):
    run, _ = full_run
    trained = run / "tokenizer" / "output" / "tokenizer.json"
    adopt = tmp_path / "adopt.yaml"
    adopt.write_text(f"run_dir: {tmp_path / 'adopt'}\nstages:\n  fetch: {{inputs: [{{path: '{tmp_path}/inputs/*.gz'}}]}}\n"
                     f"  tokenizer: {{path: {trained}, vocab_size: 1024}}\n")
    capsys.readouterr()
    assert main(["run", str(adopt)]) == 2
    assert f"stages.tokenizer: path: {trained} has 512 entries but vocab_size is 1024" in capsys.readouterr().err
    assert not (tmp_path / "adopt").exists()
    tiny = REPO / "configs" / "train" / "tiny.yaml"
    assert main(["train", str(tiny), "--set", f"training.data={run / 'tokenize' / 'output'}",
                 "--set", f"training.out_dir={tmp_path / 'train'}", "--set", "model.vocab_size=256"]) == 2
    beside = (run / "tokenize" / "output" / "tokenizer.json").resolve()
    assert (f"{tiny}: model.vocab_size: 256 does not cover the ids of {beside} (largest 511); "
            f"set model.vocab_size: 512 or more") in capsys.readouterr().err
    assert not (tmp_path / "train").exists()
