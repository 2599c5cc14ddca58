"""Stages through the CLI and datatrove's local executor: resume, skip, failures."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datatrove.data import Document

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.writer import DocumentWriter
from clearweb.pipeline.demo.server import LoopbackServer, Response
from tests.helpers import html_page, write_warc

CONFIG = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs:
      - paths_file: {paths}
        base_url: {base}
    download: {{retries: 1, backoff_s: 0.01}}
"""


def pages(prefix: str, n: int):
    return [{"url": f"https://{prefix}.example.com/{i}", "body": html_page(f"{prefix} {i}")} for i in range(n)]


def output_ids(run: Path) -> list[str]:
    files = sorted((run / "fetch" / "output").glob("*.parquet"))
    return sorted(i for f in files for i in pq.read_table(f, columns=["id"]).column("id").to_pylist())


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    for name, n in (("a", 3), ("b", 2), ("c", 4)):
        write_warc(root / f"{name}.warc.gz", pages(name, n))
    (root / "paths.txt").write_text("a.warc.gz\nb.warc.gz\nc.warc.gz\n")
    with LoopbackServer(root, max_requests=500, max_lifetime_s=120) as server:
        yield server


def test_failed_task_then_resume_then_skip(tmp_path, site, capsys):
    run = tmp_path / "run"
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG.format(run=run, paths=site.url + "/paths.txt", base=site.url))
    # Task 0 reads a.warc.gz then c.warc.gz, which fails with 500s: its partial output must go.
    site.add("*", "/c.warc.gz", Response(status=500, times=10))
    assert main(["run", str(config)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    log = run / "fetch" / "logs" / "logs" / "task_00000.log"
    # With one worker datatrove stops at the first failed task, so task 1 never started either.
    assert err == f"error: stage fetch: 1 task failed, 1 not started; see {log}"
    assert log.is_file() and "c.warc.gz: download failed" in log.read_text()
    assert not (run / "fetch" / "output" / "00000.parquet").exists()

    # Resuming with another task count would change which task reads which shard.
    assert main(["run", str(config), "--tasks", "3"]) == 2
    assert "was started with 2 tasks, not 3" in capsys.readouterr().err

    site.routes.clear()  # the server recovers
    assert main(["run", str(config)]) == 0
    assert "fetch: done, 2 tasks" in capsys.readouterr().out
    assert len(output_ids(run)) == 9

    before = {p: p.stat().st_mtime_ns for p in (run / "fetch" / "output").iterdir()}
    assert main(["run", str(config), "--stages", "fetch"]) == 0
    assert "fetch: already complete (2 tasks), skipped" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in (run / "fetch" / "output").iterdir()} == before
    assert (run / "config.yaml").is_file()


def test_unknown_stage_is_a_config_error(tmp_path, site, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG.format(run=tmp_path / "run", paths=site.url + "/paths.txt", base=site.url))
    assert main(["run", str(config), "--stages", "tokenize"]) == 2
    assert "unknown stage 'tokenize'; this config has fetch" in capsys.readouterr().err


def test_writer_removes_its_files_when_the_task_fails(tmp_path):
    writer = DocumentWriter(str(tmp_path / "out"), batch_size=1)
    with pytest.raises(RuntimeError):
        with writer:
            for i in range(3):
                writer.write(Document(text=f"t{i}", id=str(i), metadata={"url": "u"}), rank=0)
            raise RuntimeError("task died")
    assert list((tmp_path / "out").glob("*.parquet")) == []


def test_writer_schema_is_contract_typed_and_late_keys_start_a_new_part(tmp_path):
    writer = DocumentWriter(str(tmp_path / "out"), batch_size=2)
    with writer:
        writer.write(Document(text="a", id="1", metadata={"url": None, "signals": None, "extra": None}), rank=0)
        writer.write(Document(text="b", id="2", metadata={"url": "u", "signals": None, "extra": None}), rank=0)
    schema = pq.read_schema(tmp_path / "out" / "00000.parquet")
    assert str(schema.field("url").type) == "string"
    assert str(schema.field("signals").type).startswith("struct<tdm_reservation_header: string")
    assert str(schema.field("extra").type) == "string"

    # A Parquet file's schema is fixed once written: a key first seen later continues in a new part.
    late = DocumentWriter(str(tmp_path / "late"), batch_size=1)
    with late:
        late.write(Document(text="a", id="1", metadata={"url": "u"}), rank=0)
        late.write(Document(text="b", id="2", metadata={"url": "u", "new": 1}), rank=0)
    first, second = (pq.read_table(tmp_path / "late" / name) for name in ("00000.parquet", "00000_1.parquet"))
    assert (first.column_names, first.column("id").to_pylist()) == (["text", "id", "url"], ["1"])
    assert second.to_pylist() == [{"text": "b", "id": "2", "url": "u", "new": 1}]
