"""The embedded demo: the crawl has what the issue asks for, and `clearweb demo` runs end to end."""

import gzip
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import requests

from clearweb.pipeline.cli import main
from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.demo.server import LoopbackServer

CONTRACT_KEYS = {"url", "domain", "host", "fetch_date", "warc_record_id", "signals"}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    return write_crawl(tmp_path_factory.mktemp("demo") / "site")


def test_crawl_size_and_variety(crawl):
    assert len(crawl.pages) >= 300
    assert len({page.host for page in crawl.pages}) >= 30
    assert len({page.language for page in crawl.pages}) >= 15
    assert len({page.language.split("_")[1] for page in crawl.pages}) >= 5
    assert len(crawl.shard_paths) >= 3
    assert gzip.decompress(crawl.paths_file.read_bytes()).decode().split() == crawl.shard_paths
    cases = Counter(case for page in crawl.pages for case in page.cases)
    for case in ("email", "iban", "ip", "toxic", "tdm_reservation", "noai_meta", "noai_header", "license",
                 "content_usage_header", "content_usage_other", "near_duplicate", "low_quality_repeated_lines",
                 "low_quality_link_list", "low_quality_keyword_stuffing"):
        assert cases[case] > 0, case
    kinds = Counter(host.robots.kind for host in crawl.hosts)
    for kind in ("open", "ai_banned", "ai_path_banned", "not_found", "server_error", "slow", "redirect",
                 "content_usage", "content_signal", "content_signal_allows"):
        assert kinds[kind] > 0, kind
    archived = gzip.decompress(crawl.robotstxt_paths_file.read_bytes()).decode().split()
    assert len(archived) == 1 and (crawl.root / archived[0]).is_file()


def test_pages_are_realistic_html(crawl):
    page = crawl.pages[0].html
    for marker in ("<nav>", 'class="cookie-banner"', "<article>", "<footer>", 'lang="'):
        assert marker in page


def test_crawl_is_deterministic(crawl, tmp_path):
    again = write_crawl(tmp_path / "again")
    assert [p.html for p in again.pages] == [p.html for p in crawl.pages]


def test_server_dispatches_robots_by_host(crawl):
    by_kind = {host.robots.kind: host for host in crawl.hosts}
    with LoopbackServer(crawl.root, crawl.routes(), max_requests=20, max_lifetime_s=30) as server:
        banned = requests.get(server.url + "/robots.txt", headers={"Host": by_kind["ai_banned"].name}, timeout=5)
        assert banned.status_code == 200 and "User-agent: GPTBot" in banned.text
        missing = requests.get(server.url + "/robots.txt", headers={"Host": by_kind["not_found"].name}, timeout=5)
        assert missing.status_code == 404
        error = requests.get(server.url + "/robots.txt", headers={"Host": by_kind["server_error"].name}, timeout=5)
        assert error.status_code == 503
        moved = requests.get(server.url + "/robots.txt", headers={"Host": by_kind["redirect"].name}, timeout=5,
                             allow_redirects=False)
        assert moved.status_code == 301 and moved.headers["Location"] == "/robots-moved.txt"
        shard = requests.get(f"{server.url}/{crawl.shard_paths[0]}", timeout=5)
        assert shard.status_code == 200 and shard.content[:2] == b"\x1f\x8b"


def funnel_from_output(out: str) -> dict[str, tuple[int, int, str]]:
    """stage -> (docs in, docs out, removed) from the table a run prints at its end."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("stage ") and "docs in" in line)
    rows = {}
    for line in lines[start + 1:]:
        match = re.match(r"(\w+) +([\d,]+) +([\d,]+) +\S+ +[\d,.]+  (.*)$", line)
        if not match:
            break
        rows[match[1]] = (int(match[2].replace(",", "")), int(match[3].replace(",", "")), match[4])
    return rows


def test_demo_end_to_end(tmp_path, capsys):
    import datasets

    # As a user runs it, its output on a pipe (worker processes' output included): short, and its
    # funnel is report.json's.
    command = [sys.executable, "-m", "clearweb.pipeline.cli", "demo", "--out", str(tmp_path / "demo")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert len((done.stdout + done.stderr).splitlines()) <= 60, done.stdout + done.stderr
    assert out.rstrip().endswith(f"next: clearweb report {tmp_path / 'demo' / 'run'}")
    funnel = funnel_from_output(out)
    assert funnel["fetch"][:2] == (370, 370)
    assert funnel["robots"][0] == 370 and 0 < funnel["robots"][1] < 370
    for stage in ("dedup", "quality"):  # the demo's near-duplicate and low-quality pages
        assert funnel[stage][1] < funnel[stage][0], stage
    assert main(["report", str(tmp_path / "demo" / "run")]) == 0
    report = json.loads((tmp_path / "demo" / "run" / "report.json").read_text())
    assert funnel == {s["name"]: (s["docs_in"], s["docs_out"],
                                  ", ".join(f"{k} {v:,}" for k, v in s["removed"].items()) or "-")
                      for s in report["stages"] if s["funnel"]}
    assert re.search(r"tokenize: \d+ documents, \d+ tokens \(uint32\) in .*; Megatron-LM \.bin/\.idx in ", out)
    megatron = tmp_path / "demo" / "run" / "tokenize" / "output" / "megatron"
    tokens = next(s["tokens_out"] for s in report["stages"] if s["name"] == "tokenize")
    assert (megatron / "train.bin").stat().st_size == 2 * tokens  # uint16: the demo tokenizer has 4,096 ids
    assert re.search(r"train: tiny Apertus, 30 steps on CPU, loss [\d.]+ -> [\d.]+", out)
    fetched = tmp_path / "demo" / "run" / "fetch" / "output"
    files = sorted(str(p) for p in fetched.glob("*.parquet"))
    dataset = datasets.load_dataset("parquet", data_files=files, split="train",
                                    cache_dir=str(tmp_path / "hf-cache"))
    # robots decided before extraction (the default for WARC): the pages it removes were not extracted
    skipped = pq.read_table(sorted(fetched.glob("not_extracted/*.parquet")))
    assert dataset.num_rows == funnel["robots"][1] and dataset.num_rows + skipped.num_rows == 370
    assert skipped.column("text").null_count == skipped.num_rows and not any(skipped.column("extracted").to_pylist())
    assert CONTRACT_KEYS <= set(dataset.column_names)
    assert len(set(dataset["id"]) | set(skipped.column("id").to_pylist())) == 370
    signals = [s for s in dataset["signals"] if s]
    assert any(s["tdm_reservation_meta"] == "1" for s in signals) and any(s["noai_meta"] for s in signals)
    assert any(s["noai_header"] for s in signals) and any(s["content_usage"] for s in signals)
    assert any(s["license_urls"] for s in signals)
    assert all(row for row in dataset["domain"])

    # Run again: the completed stage is skipped and the data is unchanged.
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert "already complete" in capsys.readouterr().out


def test_two_runs_give_byte_identical_outputs(tmp_path, capsys):
    for name in ("first", "second"):
        assert main(["demo", "--out", str(tmp_path / name)]) == 0
    capsys.readouterr()

    def digest(run: Path) -> dict[str, str]:
        files = [p for stage in ("fetch", "robots", "language", "dedup", "quality", "compliance", "tokenize")
                 for p in sorted((run / stage / "output").rglob("*")) if p.suffix in (".parquet", ".ds", ".index", ".metadata", ".bin", ".idx")]
        return {str(p.relative_to(run)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    first, second = digest(tmp_path / "first" / "run"), digest(tmp_path / "second" / "run")
    assert first == second and len(first) > 20
