"""The consent filter: licenses, TDMRep (file, header, meta, precedence), aipref Content-Usage and
noai, every statement recorded with its source; tdmrep.json over a loopback server."""

import pytest
from datatrove.data import Document

from clearweb.filters.consent.aipref import parse_usage, usage_opt_out
from clearweb.filters.consent.detect import license_of
from clearweb.filters.consent.filter import ConsentFilter
from clearweb.filters.consent.tdmrep import TdmRepError, TdmRepRules, parse_tdmrep
from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings, RobotsFetch
from clearweb.filters.robots.snapshot import SnapshotEntry, write_part
from clearweb.pipeline.demo.server import LoopbackServer, Response
from clearweb.pipeline.signals import empty_signals


@pytest.mark.parametrize(("urls", "license_id"), [
    (["https://creativecommons.org/licenses/by/4.0/"], "cc-by-4.0"),
    (["http://creativecommons.org/licenses/by-nc-sa/3.0/de/deed.de"], "cc-by-nc-sa-3.0"),
    (["https://creativecommons.org/licenses/BY-ND/2.0"], "cc-by-nd-2.0"),
    (["https://creativecommons.org/publicdomain/zero/1.0/"], "cc0-1.0"),
    (["https://creativecommons.org/publicdomain/mark/1.0/"], "pdm-1.0"),
    (["https://example.org/license", "https://creativecommons.org/licenses/by-sa/4.0/"], "cc-by-sa-4.0"),
    (["https://example.org/license"], "unknown"), ([], "unknown"), (None, "unknown"),
])
def test_license_of(urls, license_id):
    assert license_of(urls) == license_id


def test_tdmrep_rules_first_match_in_array_order_wins():
    rules = TdmRepRules(parse_tdmrep('[{"location": "/news/*.pdf$", "tdm-reservation": 1},'
                                     ' {"location": "/news/", "tdm-reservation": 0},'
                                     ' {"location": "/news/special/", "tdm-reservation": 1},'
                                     ' {"location": "/", "tdm-reservation": 1, "tdm-policy": "https://p/x"}]'))
    assert rules.rule_for("https://a.example/news/report.pdf").index == 0
    assert rules.rule_for("https://a.example/news/report.pdf?x=1").index == 1  # $ anchors the end
    assert rules.rule_for("https://a.example/news/special/x").index == 1  # earlier, shorter: still first
    assert rules.rule_for("https://a.example/about").policy == "https://p/x"


def test_tdmrep_locations_compare_after_percent_decoding():
    rules = TdmRepRules(parse_tdmrep('[{"location": "/%7Euser/caf%c3%a9/", "tdm-reservation": 1},'
                                     ' {"location": "/a%2Fb", "tdm-reservation": 1}]'))
    assert rules.rule_for("https://a.example/~user/café/x").index == 0
    assert rules.rule_for("https://a.example/%7euser/caf%C3%A9/y").index == 0
    assert rules.rule_for("https://a.example/a%2fb").index == 1  # a reserved character stays escaped
    assert rules.rule_for("https://a.example/a/b") is None
    assert rules.rule_for("https://a.example/~USER/café/x") is None  # case-sensitive


@pytest.mark.parametrize(("value", "reservation"), [(1, "1"), (0, "0"), ("1", "1"), (2, None), ("yes", None),
                                                     (True, None), (None, None)])
def test_tdmrep_reservation_values_other_than_0_and_1_are_unset(value, reservation):
    body = '[{"location": "/", "tdm-reservation": %s}]' % ("null" if value is None else
                                                            str(value).lower() if not isinstance(value, str)
                                                            else f'"{value}"')
    assert parse_tdmrep(body)[0].reservation == reservation


@pytest.mark.parametrize(("body", "message"), [
    ("{not json", "not JSON"), ('{"location": "/"}', "not a JSON array"), ('[{"tdm-reservation": 1}]', "no location"),
])
def test_malformed_tdmrep(body, message):
    with pytest.raises(TdmRepError, match=message):
        parse_tdmrep(body)


def snapshot_with_tdmrep(folder, tdmrep: dict[str, str | None]):
    """A snapshot whose origins answer tdmrep.json with these bodies (None: 404, no file)."""
    rows = [SnapshotEntry.combine(RobotsFetch(origin, origin + "/robots.txt", None, "2026-12-01T00:00:00Z", 404, None,
                                              None, None, "unavailable"),
                                  RobotsFetch(origin, origin + "/.well-known/tdmrep.json", None, "2026-12-01T00:00:00Z",
                                              200 if body else 404, body, "-" if body else None, None,
                                              "ok" if body else "unavailable"))
            for origin, body in tdmrep.items()]
    write_part(folder / "00000.parquet", rows)
    return str(folder)


def doc(url="http://site.example/a", **signals):
    return Document(text="t", id=url, metadata={"url": url, "signals": empty_signals() | signals})


FILE_RESERVED = '[{"location": "/", "tdm-reservation": 1, "tdm-policy": "https://site.example/file-policy"}]'
FILE_OPEN = '[{"location": "/", "tdm-reservation": 0}]'


@pytest.mark.parametrize(("file", "signals", "reserved", "deciding"), [
    (FILE_RESERVED, {}, True, "tdmrep.json rule 0 (location /)"),
    (FILE_RESERVED, {"tdm_reservation_header": "0"}, False, None),  # the header overrides the file
    (FILE_OPEN, {"tdm_reservation_meta": "1"}, True, "html meta"),  # the meta tag overrides the file
    (None, {"tdm_reservation_header": "1", "tdm_reservation_meta": "0"}, False, None),  # meta over header
    (None, {"tdm_reservation_header": "0", "tdm_reservation_meta": "1"}, True, "html meta"),
    (FILE_RESERVED, {"tdm_reservation_header": "2"}, True, "tdmrep.json rule 0 (location /)"),  # 2 is unset
    (FILE_RESERVED, {"tdm_policy_header": "https://site.example/header-policy"}, True,
     "tdmrep.json rule 0 (location /)"),  # a header with a policy only does not reset the reservation
    (None, {"tdm_reservation_header": "1"}, True, "http header"),
    (None, {"tdm_policy_meta": "https://p/x"}, False, None),  # a policy alone reserves nothing
])
def test_tdmrep_precedence_and_inheritance(tmp_path, file, signals, reserved, deciding):
    snapshot = snapshot_with_tdmrep(tmp_path, {"http://site.example": file})
    document = doc(**signals)
    result = ConsentFilter(snapshot_dir=snapshot).filter(document)
    assert result == ((False, "tdm_reservation") if reserved else True)
    opted_out = [s for s in document.metadata.get("consent") or [] if s["opt_out"]]
    assert [s["source"] for s in opted_out] == ([deciding] if reserved else [])
    if reserved:
        assert document.metadata["compliance_evidence"].startswith(f"{deciding}: tdm-reservation 1")


def test_header_policy_overrides_the_files_and_overridden_levels_are_recorded(tmp_path):
    snapshot = snapshot_with_tdmrep(tmp_path, {"http://site.example": FILE_RESERVED})
    document = doc(tdm_policy_header="https://site.example/header-policy", tdm_reservation_meta="0")
    assert ConsentFilter(snapshot_dir=snapshot).filter(document) is True
    sources = {s["source"]: s for s in document.metadata["consent"]}
    assert sources["tdmrep.json rule 0 (location /) (overridden)"]["opt_out"] is False
    assert sources["html meta"]["value"] == "tdm-reservation 0"
    reserved = doc(tdm_policy_header="https://site.example/header-policy")
    ConsentFilter(snapshot_dir=snapshot).filter(reserved)
    assert reserved.metadata["compliance_evidence"] == (
        "tdmrep.json rule 0 (location /): tdm-reservation 1; tdm-policy https://site.example/header-policy")


@pytest.mark.parametrize(("value", "removed", "note"), [
    ("train-ai=n", True, "plain opt-out"),
    ("train-ai=n, search=y", True, "search allowed, training not"),
    ("search=n", False, "another category"),
    ("train-genai=n", True, "the generative subset of earlier drafts"),
    ("future-label=n, train-ai=y", False, "unknown labels are ignored"),
    ("train-ai=y, train-ai=n", True, "a key given twice keeps its last value"),
    ("train-ai=n, train-ai=y", False, "... either way"),
    ('train-ai="n"', False, "a string is no token: unknown"),
    ("train-ai", False, "a bare key is boolean true: unknown"),
    ("train-ai=no", False, "only y and n are preferences"),
    ("train-ai;reason=x=n", False, "not a dictionary member value"),
    ("Train-AI=n", False, "upper-case keys do not parse: every category unknown"),
    ("train-ai=n,", False, "a trailing comma does not parse"),
    ("train-ai=n;since=2025", True, "parameters are ignored"),
])
def test_content_usage_header(value, removed, note):
    document = doc(content_usage=value)
    result = ConsentFilter().filter(document)
    assert result == ((False, "content_usage") if removed else True), note
    statement = document.metadata["consent"][0]
    assert statement["signal"] == "content-usage" and statement["value"] == value and statement["opt_out"] is removed
    if parse_usage(value) is None:
        assert "ignored" in statement["source"]


def test_usage_labels_are_configurable():
    assert usage_opt_out("train-genai=n", ["train-ai"]) is False
    assert ConsentFilter(usage_labels=["train-ai"]).filter(doc(content_usage="train-genai=n")) is True


@pytest.mark.parametrize(("signals", "reason", "source"), [
    ({"noai_meta": True}, "noai", "robots meta tag"),
    ({"noai_header": True}, "noai", "X-Robots-Tag header"),
    ({"tdm_reservation_header": "1", "noai_meta": True, "content_usage": "train-ai=n"}, "tdm_reservation", None),
])
def test_noai_and_the_order_of_removal_reasons(signals, reason, source):
    document = doc(**signals)
    assert ConsentFilter().filter(document) == (False, reason)
    if source:
        assert document.metadata["consent"] == [{"source": source, "signal": "noai", "value": "noai", "opt_out": True}]
    else:  # every opt-out is recorded, the first reason removes
        assert sum(s["opt_out"] for s in document.metadata["consent"]) == 3


def test_signals_can_be_recorded_only_and_licenses_restricted():
    quiet = doc(tdm_reservation_meta="1", noai_meta=True, content_usage="train-ai=n")
    assert ConsentFilter(honour=[]).filter(quiet) is True
    assert len(quiet.metadata["consent"]) == 3  # still recorded, as opt-outs
    assert ConsentFilter(honour=["noai"]).filter(doc(tdm_reservation_meta="1", noai_meta=True)) == (False, "noai")
    nc = doc(license_urls=["https://creativecommons.org/licenses/by-nc/4.0/"])
    assert ConsentFilter().filter(nc) is True and nc.metadata["license"] == "cc-by-nc-4.0"
    assert nc.metadata["consent"] == [{"source": "license link", "signal": "license", "value": "cc-by-nc-4.0",
                                       "opt_out": False}]
    assert ConsentFilter(preset="commercial").filter(nc) == (False, "license")
    by = doc(license_urls=["https://creativecommons.org/licenses/by/4.0/"])
    assert ConsentFilter(preset="commercial").filter(by) is True
    assert ConsentFilter(allowed_licenses=["cc0-1.0"]).filter(by) == (False, "license")


@pytest.mark.parametrize("url", [None, ""])
def test_a_document_without_url_cannot_pass(url):
    step = ConsentFilter()
    document = Document(text="t", id="x", metadata={"url": url, "signals": None})
    assert step.filter(document) == (False, "no_provenance")
    keep = ConsentFilter(on_missing_url="keep")
    assert keep.filter(Document(text="t", id="x", metadata={"url": url})) is True
    assert keep.stats["no_provenance"].total == 1  # kept on request, still counted


def test_an_unreadable_tdmrep_json_fails_closed(tmp_path):
    snapshot = snapshot_with_tdmrep(tmp_path, {"http://site.example": '{"location": "/", "tdm-reservation": 1'})
    document = doc()
    assert ConsentFilter(snapshot_dir=snapshot).filter(document) == (False, "tdmrep_unreadable")
    assert "not JSON" in document.metadata["compliance_evidence"]
    step = ConsentFilter(snapshot_dir=snapshot, on_unchecked_tdmrep="keep")
    assert step.filter(doc()) is True and step.stats["docs_with_tdmrep_unreadable"].total == 1


def test_documents_without_html_are_unknown_and_checked_against_the_file(tmp_path):
    snapshot = snapshot_with_tdmrep(tmp_path, {"http://a.example": '[{"location": "/x/", "tdm-reservation": 1}]'})
    step = ConsentFilter(snapshot_dir=snapshot)
    document = Document(text="t", id="p", metadata={"url": "http://a.example/", "signals": None})
    assert step.filter(document) is True and document.metadata["license"] == "unknown"
    assert step.stats["no_signals"].total == 1
    reserved = Document(text="t", id="q", metadata={"url": "http://a.example/x/1", "signals": None})
    assert step.filter(reserved) == (False, "tdm_reservation")


def test_robots_statements_are_kept_and_a_header_opt_out_still_removes():
    document = doc(content_usage="train-ai=n")
    document.metadata["consent"] = [{"source": "robots.txt line 3 (*)", "signal": "content-usage",
                                     "value": "train-ai=y", "opt_out": False}]
    assert ConsentFilter().filter(document) == (False, "content_usage")  # conflicting statements: n wins
    assert [s["value"] for s in document.metadata["consent"]] == ["train-ai=y", "train-ai=n"]


def test_tdmrep_json_served_by_loopback_server(tmp_path):
    host = "press.example"
    with LoopbackServer(max_requests=50, max_lifetime_s=60) as server:
        server.add(host, "/robots.txt", Response(body=b"User-agent: *\nAllow: /\n"))
        server.add(host, "/.well-known/tdmrep.json", Response(
            body=b'[{"location": "/archive/*", "tdm-reservation": 1, "tdm-policy": "https://press.example/p"}]'))
        (tmp_path / "origins").mkdir()
        (tmp_path / "origins" / "00000.txt").write_text(f"http://{host}\nhttp://other.example\n")
        settings = CrawlSettings(resolve={"*": f"127.0.0.1:{server.port}"}, retries=0, total_timeout_s=3)
        list(RobotsCrawlStep(str(tmp_path / "origins"), str(tmp_path / "snapshot"), settings, fetch_tdmrep=True)
             .run(None, 0, 1))
    step = ConsentFilter(snapshot_dir=str(tmp_path / "snapshot"))
    archived = doc(f"http://{host}/archive/2019/story.html")
    assert step.filter(archived) == (False, "tdm_reservation")
    assert archived.metadata["compliance_evidence"] == (
        "tdmrep.json rule 0 (location /archive/*): tdm-reservation 1; tdm-policy https://press.example/p")
    assert step.filter(doc(f"http://{host}/news/today.html")) is True
    assert step.filter(doc("http://other.example/archive/x")) is True  # 404 tdmrep.json: no rules


def test_an_origin_whose_tdmrep_json_was_never_fetched_fails_closed(tmp_path):
    crawled_without = SnapshotEntry.combine(RobotsFetch("http://site.example", "http://site.example/robots.txt", None,
                                                        "2026-12-01T00:00:00Z", 404, None, None, None, "unavailable"),
                                            None)
    write_part(tmp_path / "00000.parquet", [crawled_without])
    step = ConsentFilter(snapshot_dir=str(tmp_path))
    document = doc()
    assert step.filter(document) == (False, "tdmrep_unchecked")
    assert "never fetched" in document.metadata["compliance_evidence"]
    assert step.filter(doc("http://elsewhere.example/a")) == (False, "tdmrep_unchecked")  # no snapshot entry
    assert ConsentFilter(snapshot_dir=str(tmp_path), on_unchecked_tdmrep="keep").filter(doc()) is True
    assert ConsentFilter(snapshot_dir=str(tmp_path), honour=["noai"]).filter(doc()) is True  # tdmrep not honoured


def test_an_html_page_where_tdmrep_json_should_be_is_no_file(tmp_path):
    snapshot = snapshot_with_tdmrep(tmp_path, {"http://site.example": "<!DOCTYPE html><html>Not found</html>"})
    step = ConsentFilter(snapshot_dir=snapshot)
    assert step.filter(doc()) is True and step.stats["tdmrep_not_json"].total == 1


def test_signals_of_an_older_layout_fail_the_task():
    from clearweb.pipeline.core.errors import InputError

    old = Document(text="t", id="old", metadata={"url": "http://a.example/", "signals": {
        "tdm_reservation": True, "tdm_policy": None, "noai": False, "noimageai": False, "license_urls": []}})
    with pytest.raises(InputError, match="recompute the fetch stage"):
        ConsentFilter().filter(old)


@pytest.mark.parametrize("label", ["all", "bots", "tdm", "ai", "genai"])
def test_earlier_drafts_categories_that_contain_training(label):
    assert ConsentFilter().filter(doc(content_usage=f"{label}=n")) == (False, "content_usage")


def test_tdmrep_is_checked_only_with_a_robots_stage(tmp_path):
    from clearweb.pipeline.config import load_config
    from clearweb.pipeline.core.errors import ConfigError
    from clearweb.pipeline.stages import stage_graph

    (tmp_path / "d.jsonl").write_text('{"id": "1", "text": "t", "url": "http://a.example/"}\n')
    config = tmp_path / "c.yaml"
    config.write_text(f"run_dir: {tmp_path / 'run'}\nstages:\n  fetch: {{inputs: [{{path: {tmp_path / 'd.jsonl'}}}]}}\n"
                      "  compliance: {toxicity: null, pii: null}\n")
    with pytest.raises(ConfigError, match="stages.compliance: consent: .*add a robots stage"):
        stage_graph(load_config(config), str(config))
    config.write_text(config.read_text().replace("{toxicity: null", "{consent: {fetch_tdmrep: false}, toxicity: null"))
    assert [planned.name for planned in stage_graph(load_config(config), str(config))] == ["fetch", "compliance"]


def test_an_unparseable_content_usage_header_is_counted():
    step = ConsentFilter()
    assert step.filter(doc(content_usage="Train-AI=n")) is True  # aipref: it states nothing
    assert step.stats["content_usage_unparseable"].total == 1
