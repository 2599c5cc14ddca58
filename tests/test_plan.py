"""`clearweb plan`: the arithmetic on a calibrated sample, the default table, Slurm array splits,
the table against --json, and the Common Crawl config planned offline."""

import contextlib
import io
import json
import math
import socket
from pathlib import Path

import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.stage import Phase
from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.plan import DEFAULT_RATES, DOCUMENTS_PER_WARC, build_plan, default_rates, slurm_layout
from clearweb.pipeline.report_data import phase_rows
from clearweb.pipeline.stages import stage_graph

REPO = Path(__file__).resolve().parent.parent
CONFIG = """run_dir: {run}
executor: {{tasks: 6, workers: -1, slurm: {{mem_per_cpu_gb: 3, cpus_per_task: 2}}}}
stages:
  fetch:
    inputs:
      - path: {shards}
  language: {{}}
"""


def plan(*args: str) -> str:
    """``clearweb plan ARGS``'s standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["plan", *args]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("plan")
    crawl = write_crawl(root / "site")
    path = root / "plan.yaml"
    path.write_text(CONFIG.format(run=root / "run", shards=crawl.root / "crawl-data/*/segments/*/warc/*.warc.gz"))
    return path


@pytest.fixture(scope="module")
def calibrated(config, tmp_path_factory) -> tuple[dict, Path]:
    """A plan of 100 shards on 3 cores calibrated on the config's first 2 shards (of 4), and the
    calibration's run directory."""
    folder = tmp_path_factory.mktemp("calibration")
    out = plan(str(config), "--shards", "100", "--cores", "3", "--core-hour-price", "0.5", "--calibrate", "2",
               "--calibration-dir", str(folder), "--json")
    return json.loads(out), folder


def rows_by_phase(plan_data: dict) -> dict[str, dict]:
    return {row["phase"]: row for row in plan_data["phases"]}


def test_calibrated_arithmetic(calibrated):
    data, folder = calibrated
    measured = {row["name"]: row for row in phase_rows(folder)}
    fetch, language = measured["fetch"], measured["language"]
    assert fetch["tasks"] == 2 and fetch["docs_in"] > 0  # the first 2 shards, one task each
    assert data["rates"] == f"calibration: 2 shards run in {folder}"

    per_shard = fetch["docs_in"] / 2
    assert data["documents_per_shard"]["value"] == pytest.approx(per_shard)
    planned_in = 100 * per_shard
    kept = fetch["docs_out"] / fetch["docs_in"]
    expected = {
        # phase: (documents planned in, its rate: the stage's input documents over the phase's step time)
        "fetch": (planned_in, fetch["docs_in"] / fetch["task_seconds"]),
        "language": (planned_in * kept, fetch["docs_out"] / language["task_seconds"]),
    }
    rows = rows_by_phase(data)
    assert list(rows) == ["fetch", "language"]
    for name, (docs_in, rate) in expected.items():
        row = rows[name]
        assert row["rate_source"] == "calibration"
        assert row["docs_in"] == round(docs_in)
        assert row["docs_per_core_second"] == pytest.approx(rate)
        assert row["core_hours"] == pytest.approx(docs_in / rate / 3600)
        assert row["tasks"] == 6 and row["workers"] == 6
        # 6 tasks on 3 cores: two waves of 3, each task a sixth of the work
        assert row["wall_hours"] == pytest.approx(row["core_hours"] / min(3, 6))
        assert row["cost"] == pytest.approx(row["core_hours"] * 0.5)
        assert row["memory_source"] == "calibration: peak resident memory of a task"
        assert 0.01 < row["memory_gb_per_task"] < 8
    assert rows["fetch"]["docs_out"] == round(planned_in * kept)
    removal = 1 - language["docs_out"] / fetch["docs_out"]
    assert rows["language"]["removal_share"] == pytest.approx(removal)
    assert rows["language"]["docs_out"] == round(planned_in * kept * (1 - removal))
    total = data["total"]
    assert total["core_hours"] == pytest.approx(sum(row["core_hours"] for row in rows.values()))
    assert total["wall_hours"] == pytest.approx(sum(row["wall_hours"] for row in rows.values()))
    assert total["cost"] == pytest.approx(total["core_hours"] * 0.5)
    assert total["docs_in"] == round(planned_in) and total["docs_out"] == rows["language"]["docs_out"]


def cell_matches(text: str, value: float | None) -> bool:
    """A table cell shows this JSON number (to the precision the table prints)."""
    if value is None:
        return text == "-"
    shown = float(text.replace(",", ""))
    if abs(value) >= 1000:
        return abs(shown - value) <= 0.5
    return abs(shown - value) <= 0.05 if abs(value) >= 1 else math.isclose(shown, value, rel_tol=0.005)


def test_table_shows_the_json_numbers(calibrated, config):
    _, folder = calibrated
    args = [str(config), "--shards", "100", "--cores", "3", "--core-hour-price", "0.5", "--calibrate", "2",
            "--calibration-dir", str(folder)]
    again = json.loads(plan(*args, "--json"))  # the calibration's stages are complete: reused, not run
    assert again["phases"][0]["docs_per_core_second"] == calibrated[0]["phases"][0]["docs_per_core_second"]
    table = plan(*args)
    phases = table.split("wall time:")[0]  # the phase table (the Slurm table follows)
    lines = [line.strip("│ ").split("│") for line in phases.splitlines() if line.startswith("│")]
    cells = {line[0].strip(): [cell.strip() for cell in line[1:]] for line in lines}
    keys = ("docs_in", "docs_out", "docs_per_core_second", "core_hours", "tasks", "memory_gb_per_task", "wall_hours",
            "cost")
    for row in [*again["phases"], again["total"] | {"phase": "total", "docs_per_core_second": None,
                                                    "memory_gb_per_task": None}]:
        shown = cells[row["phase"]]
        for key, text in zip(keys, shown[:len(keys)], strict=True):
            assert cell_matches(text, row[key]), (row["phase"], key, text, row[key])
    assert "cost: " in table and "documents per shard: " in table


def test_defaults_without_calibration(config):
    data = json.loads(plan(str(config), "--shards", "10", "--json"))
    assert data["rates"] == "defaults (BENCHMARKS.md)"
    assert data["documents_per_shard"] == {"value": DOCUMENTS_PER_WARC.value, "source": DOCUMENTS_PER_WARC.source}
    rows = rows_by_phase(data)
    for name in ("fetch", "language"):
        row = rows[name]
        assert row["docs_per_core_second"] == DEFAULT_RATES[name].value
        assert row["rate_source"].startswith("BENCHMARKS.md, ")
        assert row["docs_in"] == 10 * DOCUMENTS_PER_WARC.value  # no removal is assumed
        assert row["core_hours"] == pytest.approx(row["docs_in"] / row["docs_per_core_second"] / 3600)
        # 6 tasks and no core limit: all at once
        assert row["wall_hours"] == pytest.approx(row["core_hours"] / 6)
        assert row["memory_gb_per_task"] == 3 * 2  # mem_per_cpu_gb x cpus_per_task
        assert row["memory_source"] == "config: slurm mem_per_cpu_gb 3 x cpus_per_task 2"
    assert data["total"]["cost"] is None


def test_slurm_arrays_split_as_datatrove_submits_them(config):
    loaded = load_config(config, ["executor.type=slurm", "executor.tasks=2500", "executor.workers=400",
                                  "executor.slurm.max_array_size=1000"])
    phase = Phase("fetch", Path("unused"), 2500, 400, lambda: [])
    jobs = slurm_layout(loaded, phase)
    assert [(job.array, job.run_offset, job.first_rank, job.last_rank, job.after_previous) for job in jobs] == [
        ("0-999%400", 0, 0, 999, False), ("0-999%400", 1, 1000, 1999, True), ("0-999%400", 2, 2000, 2499, True)]

    graph = stage_graph(loaded, str(config))
    data = build_plan(loaded, graph, 100, default_rates(graph), cores=10_000)
    row = rows_by_phase(data)["fetch"]
    assert [(job["first_rank"], job["last_rank"], job["tasks"]) for job in row["slurm_jobs"]] == [
        (0, 999, 1000), (1000, 1999, 1000), (2000, 2499, 500)]
    # the jobs run one after another, each 400 tasks at a time (workers): 3 + 3 + 2 waves of one task each
    assert row["wall_hours"] == pytest.approx(8 * row["core_hours"] / 2500)
    assert any("split into array jobs of at most 1,000 tasks" in note for note in data["notes"])
    # 600 cores hold 300 tasks of cpus_per_task 2 at once: 4 + 4 + 2 waves
    narrow = rows_by_phase(build_plan(loaded, graph, 100, default_rates(graph), cores=600))["fetch"]
    assert narrow["wall_hours"] == pytest.approx(10 * row["core_hours"] / 2500)


def test_commoncrawl_plans_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("clearweb plan --shards must not use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.chdir(REPO)
    table = plan("configs/commoncrawl.yaml", "--shards", "90000", "--cores", "10000")
    fetch = next(line for line in table.splitlines() if line.startswith("│ fetch "))
    cells = [cell.strip() for cell in fetch.strip("│ ").split("│")]
    assert cells[1] == f"{90_000 * 35_000:,}"
    assert 175 <= float(cells[3]) <= 206.2  # BENCHMARKS.md's fetch + extract docs/s/core
    data = json.loads(plan("configs/commoncrawl.yaml", "--shards", "90000", "--cores", "10000", "--json"))
    # robots before extraction (WARC inputs): the header pass and the crawl come first
    assert [row["phase"] for row in data["phases"][:3]] == ["fetch_origins", "fetch_robots_crawl", "fetch"]
    assert data["total"]["docs_in"] == 90_000 * 35_000
