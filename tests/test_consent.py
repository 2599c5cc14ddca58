"""License detection and TDM/noai opt-outs: every signal path, tdmrep.json over a loopback server."""

import pytest
from datatrove.data import Document

from clearweb.filters.license.detect import license_of
from clearweb.filters.license.filter import LicenseTdmFilter
from clearweb.filters.license.tdmrep import TdmRepError, TdmRepRules, parse_tdmrep
from clearweb.filters.robots.crawl_step import RobotsCrawlStep
from clearweb.filters.robots.crawler import CrawlSettings
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


def test_tdmrep_rules_first_match_wins():
    rules = TdmRepRules(parse_tdmrep('[{"location": "/news/*.pdf$", "tdm-reservation": 1},'
                                     ' {"location": "/news/", "tdm-reservation": 0},'
                                     ' {"location": "/", "tdm-reservation": 1, "tdm-policy": "https://p/x"}]'))
    assert rules.rule_for("https://a.example/news/report.pdf").index == 0
    assert rules.rule_for("https://a.example/news/report.pdf?x=1").index == 1  # $ anchors the end
    assert rules.rule_for("https://a.example/about").policy == "https://p/x"


@pytest.mark.parametrize(("body", "message"), [
    ("{not json", "not JSON"), ('{"location": "/"}', "not a JSON array"), ('[{"tdm-reservation": 1}]', "no location"),
    ('[{"location": "/", "tdm-reservation": 2}]', "must be 0 or 1"),
])
def test_malformed_tdmrep(body, message):
    with pytest.raises(TdmRepError, match=message):
        parse_tdmrep(body)


def doc(url="http://site.example/a", **signals):
    return Document(text="t", id=url, metadata={"url": url, "signals": empty_signals() | signals})


@pytest.mark.parametrize(("signals", "reason"), [
    ({"tdm_reservation": True}, "tdm_reservation"),  # meta tag or header: both land in signals
    ({"tdm_reservation": True, "tdm_policy": "https://p/policy.json"}, "tdm_reservation"),
    ({"noai": True}, "noai"),
])
def test_page_signals(signals, reason):
    document = doc(**signals)
    assert LicenseTdmFilter().filter(document) == (False, reason)
    assert document.metadata["compliance_evidence"]


def test_policies_can_be_switched_off_and_licenses_restricted():
    assert LicenseTdmFilter(drop_tdm_reserved=False, drop_noai=False).filter(doc(tdm_reservation=True, noai=True))
    nc = doc(license_urls=["https://creativecommons.org/licenses/by-nc/4.0/"])
    assert LicenseTdmFilter().filter(nc) is True and nc.metadata["license"] == "cc-by-nc-4.0"
    assert LicenseTdmFilter(preset="commercial").filter(nc) == (False, "license")
    by = doc(license_urls=["https://creativecommons.org/licenses/by/4.0/"])
    assert LicenseTdmFilter(preset="commercial").filter(by) is True
    assert LicenseTdmFilter(allowed_licenses=["cc0-1.0"]).filter(by) == (False, "license")


def test_documents_without_html_are_unknown_and_kept():
    document = Document(text="t", id="p", metadata={"url": "http://a.example/", "signals": None})
    step = LicenseTdmFilter()
    assert step.filter(document) is True and document.metadata["license"] == "unknown"
    assert step.stats.stats["no_signals"].total == 1


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
    step = LicenseTdmFilter(snapshot_dir=str(tmp_path / "snapshot"))
    archived = doc(f"http://{host}/archive/2019/story.html")
    assert step.filter(archived) == (False, "tdm_reservation")
    assert archived.metadata["compliance_evidence"] == (
        "tdmrep.json rule 0: location /archive/* tdm-reservation 1; tdm-policy https://press.example/p")
    assert step.filter(doc(f"http://{host}/news/today.html")) is True
    assert step.filter(doc("http://other.example/archive/x")) is True  # 404 tdmrep.json: no rules
