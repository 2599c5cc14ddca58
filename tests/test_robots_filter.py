"""The robots filter step, origins and the `clearweb robots fetch` command."""

import pytest
from datatrove.data import Document

from clearweb.filters.robots.crawl_step import task_of
from clearweb.filters.robots.crawler import RobotsFetch
from clearweb.filters.robots.filter import DEFAULT_AGENTS, RobotsFilter
from clearweb.filters.robots.origins import origin_of
from clearweb.filters.robots.snapshot import read_snapshot, write_part


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


def test_domain_mode_drops_whole_origin(snapshot):
    result, metadata, _ = decide(snapshot, "http://open.example/news/1", mode="domain")
    assert result == (False, "robots") and metadata["robots_rule"] == "AI2Bot: line 2: Disallow: /private/"
    result, _, _ = decide(snapshot, "http://ai.example/anything", mode="domain", agents=["Bytespider"])
    assert result is True  # Bytespider has no group and there is no "*" group


def test_documents_that_cannot_be_checked_fail_closed(snapshot):
    result, metadata, step = decide(snapshot, "http://missing.example/a")
    assert result == (False, "robots_unchecked")
    assert metadata["robots_rule"] == "no robots.txt snapshot entry for http://missing.example"
    no_url = Document(text="t", id="2", metadata={"url": None})
    assert step.filter(no_url) == (False, "robots_unchecked") and no_url.metadata["robots_rule"] == "no URL to check"
    result, _, step = decide(snapshot, "http://missing.example/a", on_unchecked="keep")
    assert result is True and step.stats["robots_unchecked"].total == 1  # kept on request, still counted


def test_unreachable_policy_drop(snapshot):
    for url, reason in (("http://down.example/a", "robots_unreachable"), ("http://evil.example/a", "robots_refused")):
        result, metadata, _ = decide(snapshot, url, on_unreachable="drop")
        assert result == (False, reason) and metadata["robots_blocked_by"] == []


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
    assert "40 origins (32 ok, 6 unavailable, 2 unreachable)" in capsys.readouterr().out  # reused, not re-crawled
    assert main(["robots", "fetch", str(run), "--refresh"]) == 0
    out = capsys.readouterr().out
    assert "previous snapshot moved to" in out and "40 origins (40 unreachable)" in out
    assert list((run / "robots_cache" / "previous").iterdir())
    # The filter's lineage recorded the old snapshot: robots and every stage after it are now stale.
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 2
    assert "error: robots: robots_snapshot changed (sha256 " in capsys.readouterr().err
