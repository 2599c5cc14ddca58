"""Fail-closed provenance: a document without URL cannot reach the output of a default run, whether
the robots stage or only the compliance stage checks it; ``on_missing_url: keep`` keeps it, counted."""

import json

import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.demo.server import LoopbackServer, Response

TEXT = ("The town library opens a new reading room for children next spring, with longer opening hours "
        "and a programme of readings by local authors every Saturday morning.")

WITH_ROBOTS = """run_dir: {run}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{inputs}"}}]}}
  robots:
    on_missing_url: {keep}
    crawl: {{resolve: {{"*": "{address}"}}, connect_timeout_s: 1, read_timeout_s: 1, total_timeout_s: 3, retries: 0}}
  language: {{threshold: 0.3}}
  compliance: {{consent: {{on_missing_url: {keep}}}, toxicity: null, pii: null}}
"""

WITHOUT_ROBOTS = """run_dir: {run}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{inputs}"}}]}}
  language: {{threshold: 0.3}}
  compliance: {{consent: {{on_missing_url: {keep}, fetch_tdmrep: false}}, toxicity: null, pii: null}}
"""


def output_ids(stage_dir):
    return sorted(i for path in sorted((stage_dir / "output").rglob("*.parquet"))
                  for i in pq.read_table(path, columns=["id"]).column("id").to_pylist())


def removed(stage_dir):
    return {row["id"]: row["removed_by"] for path in sorted((stage_dir / "removed").rglob("*.parquet"))
            for row in pq.read_table(path, columns=["id", "removed_by"]).to_pylist()}


@pytest.mark.parametrize(("template", "checked_by"), [(WITH_ROBOTS, "robots"), (WITHOUT_ROBOTS, "compliance")])
def test_a_document_without_url_never_reaches_the_output(tmp_path, template, checked_by):
    inputs = tmp_path / "docs.jsonl"
    inputs.write_text("".join(json.dumps(row) + "\n" for row in [
        {"id": "traced", "text": TEXT, "url": "http://library.example/news/1"},
        {"id": "untraced", "text": TEXT},
        {"id": "empty-url", "text": TEXT, "url": ""},
    ]))
    with LoopbackServer(max_requests=20, max_lifetime_s=120) as server:
        server.add("library.example", "/robots.txt", Response(body=b"User-agent: *\nAllow: /\n"))
        for keep in ("drop", "keep"):
            config = tmp_path / f"{keep}.yaml"
            config.write_text(template.format(run=tmp_path / keep, inputs=inputs, keep=keep,
                                              address=f"127.0.0.1:{server.port}"))
            assert main(["run", str(config)]) == 0
    assert output_ids(tmp_path / "drop" / "compliance") == ["traced"]
    assert removed(tmp_path / "drop" / checked_by) == {"untraced": "no_provenance", "empty-url": "no_provenance"}
    assert output_ids(tmp_path / "keep" / "compliance") == ["empty-url", "traced", "untraced"]
