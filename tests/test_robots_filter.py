"""The robots filter step, origins and the `clearweb robots fetch` command."""

import pyarrow.parquet as pq
import pytest
from datatrove.data import Document

from clearweb.filters.robots.crawl_step import task_of
from clearweb.filters.robots.crawler import RobotsFetch
from clearweb.filters.robots.filter import DEFAULT_AGENTS, RobotsFilter
from clearweb.filters.robots.snapshot import read_snapshot, write_part
from clearweb.pipeline.core.provenance import origin_of


@pytest.mark.parametrize(("url", "origin"), [
    ("HTTPS://WWW.Example.de:443/a?b#c", "https://www.example.de"),
    ("http://example.de:8080/x", "http://example.de:8080"),
    ("http://münchen.de/", "http://xn--mnchen-3ya.de"),
    ("http://[2001:db8::1]:81/", "http://[2001:db8::1]:81"),
    ("http://example.de./", "http://example.de"),
    ("ftp://example.de/", None), ("mailto:a@b.c", None), ("http://[bad/", None), (None, None),
])
def test_origin_of(url, origin):
    assert origin_of(url) == origin


def test_origins_spread_stably_over_tasks():
    origins = [f"http://host{i}.example" for i in range(1000)]
    spread = [task_of(origin, 8) for origin in origins]
    assert spread == [task_of(origin, 8) for origin in origins]
    assert min(spread.count(rank) for rank in range(8)) > 80


def fetch_row(origin, outcome="ok", body=None, status=200, error=None):
    return RobotsFetch(origin, origin + "/robots.txt", origin + "/robots.txt", "2026-11-22T00:00:00Z",
                       status, body, "x" if body else None, error, outcome)


@pytest.fixture
def snapshot(tmp_path):
    rows = [
        fetch_row("http://open.example", body="User-agent: *\nDisallow: /private/\n"),
        fetch_row("http://ai.example", body="User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /\n\n"
                                            "User-agent: ClaudeBot\nDisallow: /articles/\nAllow: /articles/free\n"),
        fetch_row("http://none.example", outcome="unavailable", status=404),
        fetch_row("http://down.example", outcome="unreachable", status=503, error="HTTP 503"),
        fetch_row("http://evil.example", outcome="refused", status=None, error="resolves to 10.0.0.1"),
        fetch_row("http://utf.example", body="User-agent: GPTBot\nDisallow: /café\n"),
    ]
    write_part(tmp_path / "00000.parquet", rows[:3])
    write_part(tmp_path / "00001.parquet", rows[3:])
    assert len(read_snapshot(tmp_path)) == 6
    return tmp_path


def decide(snapshot, url, **kwargs):
    step = RobotsFilter(str(snapshot), **kwargs)
    doc = Document(text="t", id="1", metadata={"url": url, "domain": url.split("/")[2]})
    return step.filter(doc), doc.metadata, step


@pytest.mark.parametrize(("url", "kept", "agents"), [
    ("http://open.example/news/1", True, None),
    ("http://open.example/private/1", False, list(DEFAULT_AGENTS)),  # "*" disallows it: every agent
    ("http://ai.example/", False, ["CCBot", "GPTBot"]),
    ("http://ai.example/articles/x", False, ["CCBot", "ClaudeBot", "GPTBot"]),
    ("http://ai.example/robots.txt", True, None),
    ("http://none.example/anything", True, None),
    ("http://down.example/anything", True, None),
    ("http://evil.example/anything", True, None),
    ("http://utf.example/café/menu", False, ["GPTBot"]),  # raw UTF-8 URL is percent-encoded before matching
])
def test_url_mode(snapshot, url, kept, agents):
    result, metadata, _ = decide(snapshot, url)
    assert (result is True) == kept
    if not kept:
        assert result == (False, "robots")
        assert sorted(metadata["robots_blocked_by"]) == sorted(agents)


def test_allow_overrides_for_one_agent_only(snapshot):
    result, metadata, _ = decide(snapshot, "http://ai.example/articles/free-story")
    assert result == (False, "robots") and sorted(metadata["robots_blocked_by"]) == ["CCBot", "GPTBot"]
    assert metadata["robots_rule"] == "CCBot: line 3: Disallow: /"


def test_evidence_names_agent_line_and_rule(snapshot):
    _, metadata, _ = decide(snapshot, "http://ai.example/articles/x", agents=["ClaudeBot"])
    assert metadata["robots_blocked_by"] == ["ClaudeBot"]
    assert metadata["robots_rule"] == "ClaudeBot: line 6: Disallow: /articles/"


def test_a_page_not_extracted_is_never_kept(snapshot):
    """The fetch stage skipped extracting a page because this filter removed it then; a refreshed
    snapshot that now allows it cannot give it text: removed all the same, saying why."""
    step = RobotsFilter(str(snapshot))
    for url, removed_by in (("http://open.example/news/1", "robots_not_extracted"),
                            ("http://open.example/private/1", "robots")):
        doc = Document(text=None, id="1", metadata={"url": url, "domain": "open.example", "extracted": False})
        assert step.filter(doc) == (False, removed_by)
        assert "re-run fetch" in doc.metadata["robots_rule"] or removed_by == "robots"


def test_domain_mode_drops_whole_origin(snapshot):
    result, metadata, _ = decide(snapshot, "http://open.example/news/1", mode="domain")
    assert result == (False, "robots") and metadata["robots_rule"] == "AI2Bot: line 2: Disallow: /private/"
    result, _, _ = decide(snapshot, "http://ai.example/anything", mode="domain", agents=["Bytespider"])
    assert result is True  # Bytespider has no group and there is no "*" group


def test_documents_that_cannot_be_checked_fail_closed(snapshot):
    result, metadata, step = decide(snapshot, "http://missing.example/a")
    assert result == (False, "robots_unchecked")
    assert metadata["robots_rule"] == "no entry for http://missing.example in the robots.txt snapshot"
    not_http = Document(text="t", id="3", metadata={"url": "ftp://files.example/a"})
    assert step.filter(not_http) == (False, "robots_unchecked")
    assert not_http.metadata["robots_rule"] == "no http(s) origin in the URL ftp://files.example/a"
    result, _, step = decide(snapshot, "http://missing.example/a", on_unchecked="keep")
    assert result is True and step.stats["robots_unchecked"].total == 1  # kept on request, still counted


@pytest.mark.parametrize("url", [None, ""])
def test_a_document_without_url_cannot_pass(snapshot, url):
    step = RobotsFilter(str(snapshot))
    doc = Document(text="t", id="2", metadata={"url": url})
    assert step.filter(doc) == (False, "no_provenance") and doc.metadata["robots_rule"].startswith("no URL")
    step = RobotsFilter(str(snapshot), on_missing_url="keep")
    assert step.filter(Document(text="t", id="2", metadata={"url": url})) is True
    assert step.stats["no_provenance"].total == 1  # kept on request, still counted


def test_unreachable_policy_drop(snapshot):
    for url, reason in (("http://down.example/a", "robots_unreachable"), ("http://evil.example/a", "robots_refused")):
        result, metadata, _ = decide(snapshot, url, on_unreachable="drop")
        assert result == (False, reason) and metadata["robots_blocked_by"] == []


def test_the_filter_refuses_when_the_runs_crawl_mostly_failed(snapshot, tmp_path):
    """The reachability gate in the filter itself: a Slurm chain builds the filter's phase before the
    crawl has run, so only the filter, loading the snapshot, can count the run's failed fetches."""
    from clearweb.pipeline.core.errors import RunFailed

    origins = tmp_path / "origins"
    origins.mkdir()
    (origins / "00000.txt").write_text("http://down.example\nhttp://evil.example\n")
    (origins / "00001.txt").write_text("http://open.example\n")
    doc = Document(text="t", id="1", metadata={"url": "http://open.example/news/1"})
    with pytest.raises(RunFailed, match=r"^robots: 2 of 3 origins' robots.txt unreachable or refused \(67% > "
                                        r"max_unreachable_fraction 0.5\); top errors: HTTP 503 \(1\); resolves to"):
        RobotsFilter(str(snapshot), gate_origins=str(origins), max_unreachable_fraction=0.5).filter(doc)
    step = RobotsFilter(str(snapshot), gate_origins=str(origins), max_unreachable_fraction=0.7)
    assert step.filter(doc) is True
    (origins / "00002.txt").write_text("http://uncrawled.example\n")  # the crawl has not covered it: nothing to count
    assert RobotsFilter(str(snapshot), gate_origins=str(origins), max_unreachable_fraction=0.5).filter(doc) is True


def test_stats_per_agent_and_domain(snapshot, tmp_path):
    from clearweb.pipeline.core.writer import DocumentWriter

    step = RobotsFilter(str(snapshot), exclusion_writer=DocumentWriter(str(tmp_path / "removed")))
    docs = [Document(text="t", id=str(i), metadata={"url": url, "domain": url.split("/")[2]})
            for i, url in enumerate(["http://ai.example/a", "http://ai.example/b", "http://open.example/ok"])]
    kept = list(step.run(iter(docs)))
    assert [d.id for d in kept] == ["2"]
    stats = {key: value.total for key, value in step.stats.stats.items()}
    assert stats["blocked_GPTBot"] == 2 and stats["blocked_CCBot"] == 2 and stats["domain:ai.example"] == 2
    import pyarrow.parquet as pq

    removed = pq.read_table(tmp_path / "removed" / "00000.parquet").to_pylist()
    assert {row["removed_by"] for row in removed} == {"robots"} and "filter_reason" not in removed[0]


def test_robots_fetch_command_and_refresh(tmp_path, capsys):
    from clearweb.pipeline.cli import main

    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    run = tmp_path / "demo" / "run"
    capsys.readouterr()
    # The demo server is gone now: a refresh archives the snapshot, and the new crawl cannot reach it.
    assert main(["robots", "fetch", str(run)]) == 0
    assert "40 origins (34 ok, 4 unavailable, 2 unreachable)" in capsys.readouterr().out  # reused, not re-crawled
    assert main(["robots", "fetch", str(run), "--refresh"]) == 0
    out = capsys.readouterr().out
    assert "previous snapshot moved to" in out and "40 origins (40 unreachable)" in out
    assert list((run / "robots_cache" / "previous").iterdir())
    # The filter's lineage recorded the old snapshot: robots and every stage after it are now stale.
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 2
    assert "error: robots: robots_snapshot changed (sha256 " in capsys.readouterr().err


AIPREF_ROBOTS = """User-Agent: *
Allow: /
Disallow: /never/
Content-Usage: / train-ai=n
Content-Usage: /ai-ok/ train-ai=y
Content-Usage: /mixed/ train-ai=y
Content-Usage: /mixed/ train-ai=n
Content-Usage: /junk/ Train-AI=n
Content-Usage: /labels/ future=n, search=y
Content-Usage: missing-path train-ai=n

User-Agent: GPTBot
Content-Signal: /news/ search=yes, ai-train=no
Content-Signal: ai-input=no
"""


@pytest.fixture
def aipref_snapshot(tmp_path):
    write_part(tmp_path / "00000.parquet", [fetch_row("http://pref.example", body=AIPREF_ROBOTS),
                                            fetch_row("http://cloud.example",
                                                      body="User-agent: *\nContent-signal: search=yes, ai-train=no\n")])
    return tmp_path


@pytest.mark.parametrize(("url", "agents", "removed_by", "evidence"), [
    # the aipref draft's own example: / says n, /ai-ok/ says y, /never/ may not be crawled at all
    ("http://pref.example/test", ["CCBot"], "content_usage", "CCBot: line 4: Content-Usage: / train-ai=n"),
    ("http://pref.example/ai-ok/test", ["CCBot"], None, None),
    ("http://pref.example/never/test", ["CCBot"], "robots", "CCBot: line 3: Disallow: /never/"),
    # two rules with the same (longest) path combine: n wins
    ("http://pref.example/mixed/x", ["CCBot"], "content_usage", "CCBot: line 7: Content-Usage: /mixed/ train-ai=n"),
    # a value that does not parse states nothing; unknown labels are ignored: kept
    ("http://pref.example/junk/x", ["CCBot"], None, None),
    ("http://pref.example/labels/x", ["CCBot"], None, None),
    # GPTBot has its own group: only its Content-Signal lines apply; ai-train=no under /news/
    ("http://pref.example/news/1", ["GPTBot"], "content_signal", "GPTBot: line 13: Content-Signal: /news/ search=yes, ai-train=no"),
    ("http://pref.example/blog/1", ["GPTBot"], None, None),
    ("http://cloud.example/any/page", list(DEFAULT_AGENTS), "content_signal",
     "AI2Bot: line 2: Content-signal: search=yes, ai-train=no"),
])
def test_robots_txt_preference_lines(aipref_snapshot, url, agents, removed_by, evidence):
    result, metadata, _ = decide(aipref_snapshot, url, agents=agents)
    assert result == ((False, removed_by) if removed_by else True)
    if evidence:
        assert metadata["robots_rule"] == evidence


def test_preference_statements_are_recorded_with_their_lines(aipref_snapshot):
    _, metadata, _ = decide(aipref_snapshot, "http://pref.example/ai-ok/x", agents=["CCBot", "GPTBot"])
    assert metadata["consent"] == [
        {"source": "robots.txt line 5 (CCBot)", "signal": "content-usage", "value": "train-ai=y", "opt_out": False},
        {"source": "robots.txt line 14 (GPTBot)", "signal": "content-signal", "value": "ai-input=no", "opt_out": False},
    ]
    _, metadata, _ = decide(aipref_snapshot, "http://pref.example/junk/x", agents=["CCBot"])
    assert metadata["consent"][0]["value"] == "Train-AI=n" and metadata["consent"][0]["opt_out"] is False


def test_preference_lines_can_be_recorded_only(aipref_snapshot):
    result, metadata, _ = decide(aipref_snapshot, "http://pref.example/test", agents=["CCBot"], honour=[])
    assert result is True and metadata["consent"][0]["opt_out"] is True
    result, _, _ = decide(aipref_snapshot, "http://pref.example/news/1", agents=["GPTBot"], honour=["content_usage"])
    assert result is True


def write_captures(folder, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from clearweb.pipeline.core.contract import ROBOTS_CAPTURE

    folder.mkdir(parents=True, exist_ok=True)
    defaults = {"crawl": "CC-MAIN-2020-05", "content_type": "text/plain", "sha256": "-", "location": None, "body": b""}
    pq.write_table(pa.Table.from_pylist([defaults | row for row in rows], schema=ROBOTS_CAPTURE),
                   folder / "00000.parquet")
    return str(folder)


@pytest.fixture
def crawl_time(tmp_path):
    """Captures of CC-MAIN-2020-05: open.example tightened its rules in February 2020; moved.example
    redirected (once to an archived file, once to one nobody archived); down.example answered 503."""
    return write_captures(tmp_path / "archive", [
        {"origin": "http://open.example", "url": "http://open.example/robots.txt", "fetched_at": "2020-01-10T00:00:00Z",
         "status": 200, "body": b"User-agent: *\nDisallow: /old/\n"},
        {"origin": "http://open.example", "url": "http://open.example/robots.txt", "fetched_at": "2020-02-10T00:00:00Z",
         "status": 200, "body": b"\xef\xbb\xbfUser-agent: CCBot\nDisallow: /news/\n"},
        {"origin": "http://ai.example", "url": "http://ai.example/robots.txt", "fetched_at": "2020-01-10T00:00:00Z",
         "status": 301, "location": "https://ai.example/robots.txt"},
        {"origin": "https://ai.example", "url": "https://ai.example/robots.txt", "fetched_at": "2020-01-10T00:00:01Z",
         "status": 200, "body": b"User-agent: *\nAllow: /\n"},
        {"origin": "http://none.example", "url": "http://none.example/robots.txt", "fetched_at": "2020-01-10T00:00:00Z",
         "status": 302, "location": "http://elsewhere.example/robots.txt"},
        {"origin": "http://down.example", "url": "http://down.example/robots.txt", "fetched_at": "2020-01-10T00:00:00Z",
         "status": 503},
    ])


def judge(snapshot, crawl_time, url, date="2020-02-20T00:00:00Z", crawl="CC-MAIN-2020-05", **kwargs):
    step = RobotsFilter(str(snapshot), crawl_time_dir=crawl_time, **kwargs)
    doc = Document(text="t", id="1", metadata={"url": url, "fetch_date": date,
                                               "source_file": f"crawl-data/{crawl}/segments/1/warc/x.warc.gz"})
    return step.filter(doc), doc.metadata, step


@pytest.mark.parametrize(("url", "date", "policy", "expected"), [
    # the capture in force on the page's date decides: before February /old/, after it CCBot's /news/
    ("http://open.example/news/1", "2020-02-20T00:00:00Z", "crawl_time", (False, "robots")),
    ("http://open.example/news/1", "2020-01-20T00:00:00Z", "crawl_time", True),
    ("http://open.example/old/1", "2020-01-20T00:00:00Z", "crawl_time", (False, "robots")),
    ("http://open.example/old/1", "2019-06-01T00:00:00Z", "crawl_time", (False, "robots")),  # before any: the first
    ("http://open.example/news/1", "2020-02-20T00:00:00Z", "latest", True),  # today's file allows it
    ("http://open.example/private/1", "2020-02-20T00:00:00Z", "crawl_time", True),  # only today's file bans it
    ("http://open.example/private/1", "2020-02-20T00:00:00Z", "strictest", (False, "robots")),
    ("http://open.example/news/1", "2020-02-20T00:00:00Z", "strictest", (False, "robots")),
    ("http://ai.example/articles/1", "2020-02-20T00:00:00Z", "crawl_time", True),  # redirect followed: allowed
    ("http://none.example/a", "2020-02-20T00:00:00Z", "crawl_time", True),  # target not archived: unreachable
    ("http://down.example/a", "2020-02-20T00:00:00Z", "crawl_time", True),  # 503 then: on_unreachable keep
    ("http://evil.example/a", "2020-02-20T00:00:00Z", "crawl_time", (False, "robots_unchecked")),  # never archived
])
def test_crawl_time_policy(snapshot, crawl_time, url, date, policy, expected):
    result, _, _ = judge(snapshot, crawl_time, url, date, policy=policy)
    assert result == expected


def test_crawl_time_evidence_and_fallbacks(snapshot, crawl_time):
    result, metadata, _ = judge(snapshot, crawl_time, "http://open.example/news/1", policy="strictest")
    assert metadata["robots_rule"] == ("crawl-time robots.txt (CC-MAIN-2020-05, fetched 2020-02-10T00:00:00Z): "
                                       "CCBot: line 2: Disallow: /news/")  # the BOM of that capture is dropped
    assert metadata["robots_blocked_by"] == ["CCBot"]
    result, metadata, _ = judge(snapshot, crawl_time, "http://none.example/a", policy="crawl_time",
                                on_unreachable="drop")
    assert result == (False, "robots_unreachable") and "not archived" in metadata["robots_rule"]
    # under strictest, a page whose crawl archived no robots.txt is judged by the snapshot alone
    result, metadata, step = judge(snapshot, crawl_time, "http://utf.example/a", crawl="CC-MAIN-2021-10",
                                   policy="strictest")
    assert result is True
    list(step.run([Document(text="t", id="2", metadata=metadata)]))
    assert step.stats["no_crawl_time_entry"].total == 2  # counted per document, flushed when the task ends
    result, _, _ = judge(snapshot, crawl_time, "http://utf.example/a", crawl="CC-MAIN-2021-10", policy="crawl_time")
    assert result == (False, "robots_unchecked")


SHARED_SNAPSHOT = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{inputs}/*.warc.gz"}}]
  robots:
    snapshot_dir: {snapshot}
    crawl: {{resolve: {{"*": "{address}"}}, connect_timeout_s: 1, read_timeout_s: 1, total_timeout_s: 3, retries: 0}}
"""


def test_a_shared_snapshot_grows_by_the_origins_it_lacks(tmp_path, capsys):
    """A second run with new sites crawls exactly those, into a new part; the first run's entries stay."""
    from clearweb.filters.robots.stage import cache_dir
    from clearweb.pipeline.cli import main
    from clearweb.pipeline.demo.server import LoopbackServer, Response
    from tests.helpers import html_page, write_warc

    def site_pages(host, n=3):
        return [{"url": f"http://{host}.example/p/{i}", "body": html_page(f"{host} story {i}")} for i in range(n)]

    write_warc(tmp_path / "first" / "a.warc.gz", site_pages("alpha") + site_pages("bravo"))
    write_warc(tmp_path / "second" / "a.warc.gz", site_pages("alpha") + site_pages("bravo") + site_pages("charlie"))
    snapshot = tmp_path / "snapshot"
    with LoopbackServer(max_requests=60, max_lifetime_s=120) as server:
        server.add("alpha.example", "/robots.txt", Response(body=b"User-agent: *\nAllow: /\n"))
        server.add("bravo.example", "/robots.txt", Response(body=b"User-agent: GPTBot\nDisallow: /p/1\n"))
        server.add("charlie.example", "/robots.txt", Response(body=b"User-agent: *\nDisallow: /\n"))
        for name in ("first", "second"):
            config = tmp_path / f"{name}.yaml"
            config.write_text(SHARED_SNAPSHOT.format(run=tmp_path / name / "run", inputs=tmp_path / name,
                                                     snapshot=snapshot, address=f"127.0.0.1:{server.port}"))
            assert main(["run", str(config)]) == 0
        requested = [path for _, path, _ in server.requests if path == "/robots.txt"]
    parts = sorted(snapshot.glob("*.parquet"))
    entries = read_snapshot(snapshot)
    assert sorted(entries) == ["http://alpha.example", "http://bravo.example", "http://charlie.example"]
    assert len(requested) == 3 and len(parts) == 2  # charlie was fetched once, by the second run, into its own part
    by_part = [pq.read_table(part, columns=["origin"]).column("origin").to_pylist() for part in parts]
    assert sorted(by_part) == [["http://alpha.example", "http://bravo.example"], ["http://charlie.example"]]
    second = tmp_path / "second" / "run"
    removed = sorted(url for path in (second / "robots" / "removed").glob("*.parquet")
                     for url in pq.read_table(path, columns=["url"]).column("url").to_pylist())
    assert removed == ["http://bravo.example/p/1"] + [f"http://charlie.example/p/{i}" for i in range(3)]
    assert (cache_dir(second) / "crawl" / "logs" / "completions").is_dir()  # the run's own markers
    # the first run's lineage covers its own origins' entries: the snapshot grew, the run is still current
    capsys.readouterr()
    assert main(["run", str(tmp_path / "first.yaml")]) == 0
    assert "stale" not in capsys.readouterr().err


def test_preference_lines_without_path_or_group_and_with_tabs(tmp_path):
    write_part(tmp_path / "00000.parquet", [
        fetch_row("http://nopath.example", body="User-agent: *\nContent-Usage: train-ai=n\n"),
        fetch_row("http://global.example", body="Content-Signal: ai-train=no\n\nUser-agent: GPTBot\nAllow: /\n"),
        fetch_row("http://tab.example", body="User-agent: *\nContent-Usage: /news/\ttrain-ai=n, search=y\n")])
    for url, agents in (("http://nopath.example/a", ["CCBot"]), ("http://global.example/a", ["GPTBot", "CCBot"]),
                        ("http://tab.example/news/1", ["CCBot"])):
        result, metadata, _ = decide(tmp_path, url, agents=agents)
        assert result[1] in ("content_usage", "content_signal"), url
        assert metadata["consent"][0]["opt_out"] is True
    assert decide(tmp_path, "http://tab.example/blog/1", agents=["CCBot"])[0] is True


def test_archive_keeps_the_sites_other_origins_so_redirects_resolve(tmp_path):
    from clearweb.filters.robots.crawl_time import CrawlTimeSnapshot
    from clearweb.pipeline.core.writer import DocumentWriter
    from clearweb.pipeline.robots_archive import CaptureCollector

    list(DocumentWriter(str(tmp_path / "fetch")).run(iter([Document(text="t", id="1", metadata={
        "url": "http://zeitung-a.de/news/1"})])))

    def capture(url, status, body=b"", location=None):
        return Document(text="", id=url, metadata={
            "url": url, "fetch_date": "2020-01-01T00:00:00Z", "status": status, "content_type": "text/plain",
            "body": body, "location": location, "source_file": "crawl-data/CC-MAIN-2020-05/robotstxt/r.warc.gz"})

    collector = CaptureCollector({"crawl-data/CC-MAIN-2020-05/robotstxt/r.warc.gz": "CC-MAIN-2020-05"},
                                 str(tmp_path / "fetch"), str(tmp_path / "archive"))
    list(collector.run(iter([capture("http://zeitung-a.de/robots.txt", 301, location="https://WWW.zeitung-a.de:443/robots.txt"),
                             capture("https://www.zeitung-a.de/robots.txt", 200, b"User-agent: *\nDisallow: /news/\n"),
                             capture("http://other-b.de/robots.txt", 200, b"User-agent: *\nDisallow: /\n")])))
    assert collector.stats["other_sites"].total == 1
    archive = CrawlTimeSnapshot.read(tmp_path / "archive")
    assert len(archive) == 2
    entry = archive.entry("CC-MAIN-2020-05", "http://zeitung-a.de", "2020-02-01T00:00:00Z")
    assert entry.outcome == "ok" and "Disallow: /news/" in entry.body  # followed across origins, URL normalised


def test_fetched_origins_reads_prefixes_and_passes_parts_without_url(tmp_path):
    import pyarrow as pa

    from clearweb.pipeline.robots_archive import fetched_origins

    pq.write_table(pa.table({"id": ["1"], "text": ["t"]}), tmp_path / "00000.parquet")
    pq.write_table(pa.table({"url": ["HTTPS://WWW.Zeitung-A.de:443/a?b", "http://[::1]:8080/x", None, "mailto:a@b"]}),
                   tmp_path / "00001.parquet")
    assert fetched_origins(tmp_path) == {"https://www.zeitung-a.de", "http://[::1]:8080"}


def test_an_unparseable_content_usage_line_is_counted(aipref_snapshot):
    step = RobotsFilter(str(aipref_snapshot), agents=["CCBot"])
    list(step.run([Document(text="t", id="1", metadata={"url": "http://pref.example/junk/x"})]))
    assert step.stats["content_usage_unparseable"].total == 1
