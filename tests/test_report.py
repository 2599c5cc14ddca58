"""The filter statistics report, `why` and `status`, on a demo run."""

import json
import re
import shlex
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The demo as a user starts it on a terminal (util-linux ``script`` gives it one), where
    everything it prints, progress bars included, is at most 60 lines."""
    out = tmp_path_factory.mktemp("demo")
    if shutil.which("script") is None:
        print("util-linux script is missing: the demo runs without a terminal")
        assert main(["demo", "--out", str(out)]) == 0
        return out / "run"
    command = shlex.join([sys.executable, "-m", "clearweb.pipeline.cli", "demo", "--out", str(out)])
    done = subprocess.run(["script", "-q", "-e", "-c", command, "/dev/null"], capture_output=True, timeout=900,
                          stdin=subprocess.DEVNULL)
    terminal = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, terminal[-3000:]
    assert "\x1b[" in terminal and "tasks" in terminal  # it saw a terminal: progress bars were drawn
    assert terminal.count("\n") <= 60, terminal
    return out / "run"


def per_task(run, stage, step_key, key):
    """A stat summed over the raw per-task stats files, the step found by its key in the lineage."""
    lineage = json.loads((run / stage / "lineage.json").read_text())
    phase = next(phase for phase in lineage["phases"] if step_key in [step["key"] for step in phase["steps"]])
    index = [step["key"] for step in phase["steps"]].index(step_key)
    total = 0
    for path in sorted((run / phase["logs"] / "stats").glob("*.json")):
        value = json.loads(path.read_text())[index]["stats"].get(key, 0)
        total += value["total"] if isinstance(value, dict) else value
    return total


def test_report_has_every_section_with_numbers(run, capsys):
    assert main(["report", str(run)]) == 0
    assert "Funnel" in capsys.readouterr().out
    report = json.loads((run / "report.json").read_text())
    stages = {s["name"]: s for s in report["stages"]}
    assert stages["fetch"]["docs_in"] == 370 and stages["robots"]["removed"]["robots"] > 0
    assert stages["tokenize"]["tokens_out"] > 0 and stages["tokenize"]["docs_out"] == stages["compliance"]["docs_out"]
    # the fetch stage crawled every origin before extraction: the robots stage's crawl finds them all present
    assert all(s["task_seconds"] > 0 for s in report["stages"] if s["name"] not in ("tokenize_merge", "robots_crawl"))
    assert [s["name"] for s in report["stages"]][:4] == ["fetch_origins", "fetch_robots_crawl", "fetch_robots_archive",
                                                         "fetch"]
    sections = report["sections"]
    robots = sections["robots"]
    assert robots["snapshot_date"] and sum(robots["removed_per_agent"].values()) > 0 and robots["top_domains"]
    assert {"ok", "unavailable", "unreachable"} <= set(robots["crawl_outcomes"])
    assert robots["snapshot_sha256"] == report["lineage"]["robots"]["artifacts"]["robots_snapshot"]
    # the demo removes by every robots.txt-borne signal, by the crawl-time robots.txt, and counts the rest
    assert robots["policy"] == "strictest" and robots["crawl_time_crawls"] == ["CC-MAIN-DEMO"]
    assert robots["crawl_time_captures"] >= 40 and robots["no_crawl_time_entry"] > 0
    for reason in ("robots", "content_usage", "content_signal"):
        assert robots["removed_per_signal"][reason] > 0, reason
    assert sections["language"]["labels"] == 20 and sections["language"]["threshold"] == 0.65
    top = sections["language"]["top"][0]["label"]
    assert sections["tokenize"]["per_language"][top] > 0
    compliance = sections["compliance"]
    consent = compliance["consent"]
    for reason in ("tdm_reservation", "content_usage", "noai", "tdmrep_unreadable"):
        assert consent["removed"][reason] > 0, reason
    distribution = consent["license_distribution"]
    assert "unknown" in distribution and len(distribution) > 2
    assert any(h["removed"] for h in compliance["toxicity"]["histograms"].values())
    assert compliance["pii"]["per_entity"]["email"] > 0 and compliance["pii"]["per_language"]
    assert sections["tokenizer"]["gini_tokens_per_byte"] > 0
    assert all(record["status"] == "complete" and record["fingerprint"] for record in report["lineage"].values())
    assert {"robots: robots", "compliance: toxicity", "compliance: noai"} <= set(report["examples"])
    page = (run / "report.html").read_text()
    for title in ("Funnel", "Removals by reason", "Lineage", "threshold applied", "robots.txt opt-outs", "Languages", "Toxicity score histograms",
                  "PII replaced", "Tokenizer fertility", "Time per phase", "Examples of removed documents"):
        assert title in page
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)  # opens offline
    # every record of the shards is accounted for before the funnel starts
    fetch = sections["fetch"]
    assert fetch["records"] == fetch["documents_read"] + sum(fetch["skipped"].values())
    assert fetch["skipped"]["skipped_http_4xx"] > 0 and fetch["skipped"]["skipped_not_html"] > 0
    assert fetch["documents"] == stages["fetch"]["docs_out"] == 370
    assert "<td>  skipped: skipped_not_html</td>" in page
    # the compliance summary's total is the robots and compliance removals, as a share of the documents fetched
    removed = sum(stages["robots"]["removed"].values()) + sum(stages["compliance"]["removed"].values())
    assert f"the robots and compliance stages removed <b>{removed:,} ({removed / 370:.1%})</b>" in page
    # removals per reason carry their characters and languages, read from the removed/ files
    removals = report["removals"]
    for stage in ("robots", "language", "dedup", "quality", "compliance"):
        account = removals[stage]
        assert sum(e["documents"] for e in account.values()) == sum(stages[stage]["removed"].values()), stage
        # robots decided before extraction: the pages it removed have no text
        assert all((e["characters"] > 0) != (stage == "robots") and sum(e["languages"].values()) == e["documents"]
                   for e in account.values())
    assert set(removals["robots"]["robots"]["languages"]) == {"before language id"}
    assert "compliance: removed documents by reason and language" in page
    # a toxicity histogram is drawn only for a language with scored documents
    drawn = re.findall(r"<p><b>(\w+)</b> threshold [\d.]+ \(in \[", page)
    assert drawn and set(drawn) == {label for label, h in compliance["toxicity"]["histograms"].items()
                                    if sum(h["counts"])}


def test_report_numbers_are_sums_of_per_task_stats(run):
    main(["report", str(run)])
    stages = {s["name"]: s for s in json.loads((run / "report.json").read_text())["stages"]}
    assert stages["fetch"]["docs_in"] == per_task(run, "fetch", "shard_reader", "documents")
    assert stages["robots"]["removed"]["robots"] == per_task(run, "robots", "robots_filter", "dropped_robots")
    assert stages["compliance"]["removed"]["toxicity"] == per_task(run, "compliance", "toxicity", "dropped_toxicity")


def test_resumed_run_reports_every_task(run, capsys):
    # Forget task 2 of the fetch phase and run again: only that task runs, and datatrove's own
    # stats.json then covers one task; the report still counts all four.
    logs = run / "fetch" / "logs"
    (logs / "completions" / "00002").unlink()
    (logs / "stats" / "00002.json").unlink()
    assert main(["demo", "--out", str(run.parent)]) == 0
    capsys.readouterr()
    invocation = json.loads((logs / "stats.json").read_text())
    reader = next(step for step in invocation if "Shard reader" in step["name"])
    documents = reader["stats"]["documents"]
    assert (documents["total"] if isinstance(documents, dict) else documents) < 370
    main(["report", str(run)])
    stages = {s["name"]: s for s in json.loads((run / "report.json").read_text())["stages"]}
    assert stages["fetch"]["docs_in"] == 370 and stages["fetch"]["task_stats_files"] == 4


def test_why_for_kept_robots_removed_and_pii_rewritten(run, capsys):
    robots_removed = pq.read_table(next((run / "robots" / "removed").glob("*.parquet"))).to_pylist()[0]
    assert main(["why", str(run), robots_removed["url"]]) == 0
    out = capsys.readouterr().out
    assert "removed by stage robots" in out and "rule: " in out and "fetched " in out
    rewritten = next(row for path in sorted((run / "compliance" / "output").rglob("*.parquet"))
                     for row in pq.read_table(path).to_pylist() if (row["pii_counts"] or {}).get("email"))
    assert main(["why", str(run), rewritten["id"]]) == 0
    out = capsys.readouterr().out
    assert "kept: in " in out and "PII replaced: email x" in out
    assert main(["why", str(run), "http://not.in.this.run/"]) == 2


def test_status_after_a_failed_task(tmp_path, capsys):
    from clearweb.pipeline.demo.server import LoopbackServer, Response
    from tests.helpers import html_page, write_warc

    root = tmp_path / "www"
    for name in ("a", "b"):
        write_warc(root / f"{name}.warc.gz", [{"url": f"https://{name}.example/", "body": html_page(name)}])
    with LoopbackServer(root, max_requests=50, max_lifetime_s=60) as server:
        server.add("*", "/b.warc.gz", Response(status=500))
        (tmp_path / "c.yaml").write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{server.url}/a.warc.gz"}}, {{path: "{server.url}/b.warc.gz"}}]
    download: {{retries: 0}}
""")
        assert main(["run", str(tmp_path / "c.yaml")]) == 1
    capsys.readouterr()
    assert main(["status", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"fetch\s+│\s+running\s+│\s+2\s+│\s+1\s+│\s+1\s+│\s+0", out)
    assert "fetch task 1 failed" in out and "b.warc.gz: download failed" in out


def removed_rows(folder, reason):
    return [row for path in sorted(folder.rglob("*.parquet")) for row in pq.read_table(path).to_pylist()
            if row["removed_by"] == reason]


def test_why_prints_every_consent_signal(run, capsys):
    by_line = removed_rows(run / "robots" / "removed", "content_usage")[0]
    assert main(["why", str(run), by_line["url"]]) == 0
    out = capsys.readouterr().out
    assert "removed by stage robots: content_usage" in out
    assert "signal: OPT-OUT content-usage 'train-ai=n' from robots.txt line 3 (" in out
    by_header = removed_rows(run / "compliance" / "removed", "content_usage")[0]
    assert main(["why", str(run), by_header["id"]]) == 0
    out = capsys.readouterr().out
    assert "evidence: http header: Content-Usage: train-ai=n, search=y" in out
    assert "signal: OPT-OUT content-usage 'train-ai=n, search=y' from http header" in out
    crawl_time = next(row for row in removed_rows(run / "robots" / "removed", "robots")
                      if row["robots_rule"].startswith("crawl-time robots.txt (CC-MAIN-DEMO"))
    assert main(["why", str(run), crawl_time["url"]]) == 0
    assert "rule: crawl-time robots.txt (CC-MAIN-DEMO, fetched 20" in capsys.readouterr().out
    kept = next(row for path in sorted((run / "compliance" / "output").rglob("*.parquet"))
                for row in pq.read_table(path).to_pylist() if row.get("consent"))
    assert main(["why", str(run), kept["id"]]) == 0
    assert "  signal: " in capsys.readouterr().out


def test_report_page_renders_in_a_browser_without_console_errors(run, tmp_path):
    """Headless Chromium (Debian's chromium package, which .ci/run installs) opens report.html from
    disk, takes a screenshot and logs no console message."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the page was not opened in a browser")
    main(["report", str(run)])
    shot = tmp_path / "report.png"
    done = subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                           "--v=0", "--window-size=1200,4000", f"--screenshot={shot}",
                           (run / "report.html").resolve().as_uri()],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    assert not [line for line in done.stderr.splitlines() if ":CONSOLE" in line]  # INFO:CONSOLE:1] "..."


def test_eu_training_content_summary_from_the_demo(run, tmp_path, capsys):
    """Totals equal report.json's, the domain list equals the top 10% of domains by kept bytes
    computed here from the Parquet, unknown answers are marked for the provider, and the Markdown
    keeps the template's section order."""
    import math
    from collections import Counter

    import pyarrow.parquet as pq

    from clearweb.pipeline.summary import TO_COMPLETE

    assert main(["report", str(run)]) == 0
    report = json.loads((run / "report.json").read_text())
    assert main(["summary", str(run), "--format", "json", "--out", str(tmp_path / "summary.json")]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    size = summary["1 General information"]["1.3 Modalities, overall training data size and other characteristics"]
    stages = {s["name"]: s for s in report["stages"]}
    assert sum(size["Tokens per language"].values()) == stages["tokenize"]["tokens_out"]
    assert size["Tokens per language"] == report["sections"]["tokenize"]["per_language"]
    assert sum(size["Documents per language"].values()) == stages["compliance"]["docs_out"]
    assert size["Training data size"] == "Less than 1 billion tokens"
    kept = Counter()
    for path in (run / "compliance" / "output").rglob("*.parquet"):
        for row in pq.read_table(path, columns=["domain", "text"]).to_pylist():
            kept[row["domain"]] += len(row["text"].encode("utf-8"))
    expected = sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))[:math.ceil(len(kept) * 0.10)]
    listed = summary["2 List of data sources"]["2.3 Data crawled and scraped from online sources"][
        "Summary of the most relevant domain names crawled"]
    assert [(d["domain"], d["bytes"]) for d in listed["domains"]] == expected and listed["of_domains"] == len(kept)
    identification = summary["1 General information"]["1.2 Model identification"]
    assert identification["Date of placement of the model on the Union market"] == TO_COMPLETE
    assert summary["1 General information"]["1.1 Provider identification"]["Provider name and contact details"] == TO_COMPLETE
    measures = summary["3 Data processing aspects"][
        "3.1 Respect of reservation of rights from text and data mining exception or limitation"]["Measures"]
    assert measures["robots.txt"][0]["snapshot_date"] == report["sections"]["robots"]["snapshot_date"]
    assert measures["Documents removed per signal"]["robots"] == stages["robots"]["removed"]["robots"]
    capsys.readouterr()
    assert main(["summary", str(run), "--provider", "Example AI, ai@example.org"]) == 0
    markdown = capsys.readouterr().out
    headings = [line.split()[1] for line in markdown.splitlines() if line.startswith("### ")]
    assert headings == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"]
    assert "Example AI, ai@example.org" in markdown and TO_COMPLETE in markdown


def test_verify_passes_on_the_demo_and_names_a_changed_shard(run, capsys):
    assert main(["manifest", str(run)]) == 0
    assert main(["verify", str(run)]) == 0
    assert "verified:" in capsys.readouterr().out
    shard = sorted((run / "tokenize" / "output").glob("*.ds"))[0]
    original = shard.read_bytes()
    changed = bytearray(original)
    changed[7] ^= 0xFF
    shard.write_bytes(bytes(changed))
    try:
        assert main(["verify", str(run)]) == 1
        assert f"{shard}: sha256 differs from the manifest's" in capsys.readouterr().out
    finally:
        shard.write_bytes(original)
    assert main(["verify", str(run)]) == 0
