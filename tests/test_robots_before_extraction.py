"""Robots before extraction: the fetch stage takes the robots decision from the records' headers and
the snapshot, and never extracts the pages robots removes; from the robots stage on, everything is
as in the two-pass order (extract every page, then remove)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.config import load_config
from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.demo.run import run_demo
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.fetch import RecordUrls, ShardReader
from clearweb.pipeline.lineage import read_lineage
from clearweb.pipeline.runner import plan_run
from clearweb.pipeline.sources import Shard

#: the demo through the language stage: what the comparison needs, and quick
STAGES = ["stages.dedup=null", "stages.quality=null", "stages.compliance=null", "stages.tokenizer=null",
          "stages.tokenize=null"]


def documents(run: Path, stage: str, folder: str) -> dict[str, dict]:
    """id -> row of every document in ``RUN/<stage>/<folder>``."""
    rows = {}
    for path in sorted((run / stage / folder).rglob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            assert row["id"] not in rows
            rows[row["id"]] = row
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("before-extraction")
    return {"one_pass": run_demo(out / "one", STAGES),
            "two_pass": run_demo(out / "two", STAGES + ["stages.robots.before_extraction=false"])}


def test_outputs_after_robots_equal_the_two_pass_order(runs, capsys):
    one, two = runs["one_pass"], runs["two_pass"]
    for stage in ("robots", "language"):
        kept_one, kept_two = documents(one, stage, "output"), documents(two, stage, "output")
        assert kept_one and {i: r["text"] for i, r in kept_one.items()} == {i: r["text"] for i, r in kept_two.items()}
        assert kept_one == kept_two, stage  # every column, not only ids and text
        assert "extracted" not in pq.read_schema(next((one / stage / "output").rglob("*.parquet"))).names
    removed_one, removed_two = documents(one, "robots", "removed"), documents(two, "robots", "removed")
    assert removed_one.keys() == removed_two.keys() and len(removed_one) > 100
    for key, row in removed_one.items():  # the same decision and evidence, without the text never extracted
        assert row["text"] is None and row["extracted"] is False and removed_two[key]["text"]
        for column in ("url", "removed_by", "robots_rule", "robots_blocked_by", "source_file", "fetch_date"):
            assert row[column] == removed_two[key][column], column

    # fetch: the pages robots removes are its output without text, apart from the extracted ones
    fetched = documents(one, "fetch", "output")
    skipped = {key for key, row in fetched.items() if row["text"] is None}
    assert skipped == removed_one.keys() and len(fetched) == len(documents(two, "fetch", "output")) == 370
    assert all(path.parent.name == "not_extracted" for path in (one / "fetch/output").rglob("*.parquet")
               if pq.read_table(path, columns=["text"]).column("text").null_count)
    lineage = read_lineage(one / "fetch")
    assert lineage["settings"]["before_extraction"]["robots"]["agents"]
    assert "before_extraction" not in read_lineage(two / "fetch")["settings"]
    assert [phase["name"] for phase in lineage["phases"]] == ["fetch_origins", "fetch_robots_crawl",
                                                                "fetch_robots_archive", "fetch"]
    assert read_lineage(one / "robots")["settings"] == read_lineage(two / "robots")["settings"]

    assert main(["report", str(one)]) == 0
    report = json.loads((one / "report.json").read_text())
    assert report["sections"]["fetch"]["extraction_skipped"] == {"robots": len(skipped)}
    funnel = {stage["name"]: (stage["docs_in"], stage["docs_out"]) for stage in report["stages"] if stage["funnel"]}
    assert funnel["fetch"] == (370, 370) and funnel["robots"] == (370, 370 - len(skipped))
    capsys.readouterr()
    assert main(["why", str(one), next(iter(skipped))]) == 0
    assert "not extracted: the robots decision was taken in the fetch stage" in capsys.readouterr().out


def test_fetch_follows_the_robots_settings_it_applied(runs):
    config = load_config(str(runs["one_pass"] / "config.yaml"), ["stages.robots.agents=[GPTBot]"])
    _, checks = plan_run(config, "config.yaml", ["robots"])  # fetch compared as recorded (the server is gone)
    assert checks["fetch"].state == "stale" and "before_extraction.robots.agents" in checks["fetch"].reason


def test_the_default_keeps_the_order_a_fetch_stage_was_recorded_with(runs):
    """A run whose fetch stage was recorded in two passes (made before robots before extraction was
    the default, or with it off) stays current under the default; asking for it makes fetch stale."""
    two = runs["two_pass"]
    graph, checks = plan_run(load_config(str(two / "config.yaml"), ["stages.robots.before_extraction=null"]),
                             "config.yaml", ["robots"])
    fetch = next(planned for planned in graph if planned.name == "fetch")
    assert checks["fetch"].state == "complete" and [phase.name for phase in fetch.phases()] == ["fetch",
                                                                                                "fetch_robots_archive"]
    _, checks = plan_run(load_config(str(two / "config.yaml"), ["stages.robots.before_extraction=true"]),
                         "config.yaml", ["robots"])
    assert checks["fetch"].state == "stale" and "before_extraction" in checks["fetch"].reason
    # a fetch stage recorded in one pass keeps it under the default, as the run made it
    graph, checks = plan_run(load_config(str(runs["one_pass"] / "config.yaml")), "config.yaml", ["robots"])
    assert checks["fetch"].state == "complete"
    assert next(planned for planned in graph if planned.name == "fetch").phases()[0].name == "fetch_origins"


def test_record_urls_reads_headers_only(tmp_path, monkeypatch):
    crawl = write_crawl(tmp_path / "site")
    shards = [Shard(str(crawl.root / relative), "warc", True) for relative in crawl.shard_paths]
    fetcher = HttpFetcher(tmp_path / "cache")
    pages = [doc.metadata["url"] for doc in ShardReader(shards, fetcher)(None, 0, 1)]

    def no_decoding(*args, **kwargs):
        raise AssertionError("a payload was decoded")

    monkeypatch.setattr("clearweb.pipeline.records.decode_html", no_decoding)
    reader = RecordUrls(shards, fetcher)
    urls = [doc.metadata["url"] for doc in reader(None, 0, 1)]
    assert urls == pages and len(urls) == 370
    assert reader.stats["documents"].total == 370


def test_pages_that_cannot_be_checked_are_not_extracted_and_not_kept(tmp_path):
    """Fail closed before extraction as after it: a page without URL, with no http(s) origin or
    whose origin the snapshot lacks is not extracted, and the robots stage removes it, counted."""
    from datatrove.data import Document

    from clearweb.filters.robots.filter import RobotsFilter
    from clearweb.filters.robots.snapshot import write_part
    from clearweb.pipeline.extract import SkipExtraction
    from clearweb.pipeline.fetch import HTML_FLAG
    from tests.test_robots_filter import fetch_row

    write_part(tmp_path / "snapshot" / "00000.parquet",
               [fetch_row("http://open.example", body="User-agent: *\nDisallow: /private/\n")])
    urls = {"none": None, "ftp": "ftp://open.example/a", "unknown": "http://elsewhere.example/a",
            "disallowed": "http://open.example/private/a", "allowed": "http://open.example/a"}
    pages = [Document(text="<html><p>page</p></html>", id=key, metadata={"url": url, HTML_FLAG: True})
             for key, url in urls.items()]
    skip = SkipExtraction(RobotsFilter(str(tmp_path / "snapshot")), "robots")
    fetched = list(skip.run(iter(pages)))
    assert [doc.id for doc in fetched if doc.text is None] == ["none", "ftp", "unknown", "disallowed"]
    assert fetched[-1].metadata[HTML_FLAG] and skip.stats["not_extracted_robots"].total == 4

    robots = RobotsFilter(str(tmp_path / "snapshot"))
    assert [robots.filter(doc) for doc in fetched[:4]] == [
        (False, "no_provenance"), (False, "robots_unchecked"), (False, "robots_unchecked"), (False, "robots")]


def test_the_stage_reader_counts_documents_without_text(tmp_path):
    import pyarrow as pa

    from clearweb.pipeline.core.stage import NO_TEXT, StageOutputReader

    folder = tmp_path / "output"
    folder.mkdir()
    pq.write_table(pa.table({"text": ["kept", None, None, ""], "id": ["a", "b", "c", "d"],
                             "extracted": [None, False, None, None]}), folder / "00000.parquet")
    reader = StageOutputReader(str(folder))
    read = list(reader.run())
    assert [(doc.id, doc.text) for doc in read] == [("a", "kept"), ("b", None)]
    assert reader.stats[NO_TEXT].total == 2


def test_a_fetch_stage_recomputed_from_scratch_takes_the_default(tmp_path):
    """--rerun-stale deletes the stale fetch stage: nothing recorded is left to keep."""
    run = run_demo(tmp_path / "demo", STAGES + ["stages.robots.before_extraction=false"])
    assert "before_extraction" not in read_lineage(run / "fetch")["settings"]
    run_demo(tmp_path / "demo", STAGES + ["stages.fetch.extract.favour_precision=false"], rerun_stale=True)
    lineage = read_lineage(run / "fetch")
    assert "before_extraction" in lineage["settings"] and lineage["phases"][0]["name"] == "fetch_origins"
