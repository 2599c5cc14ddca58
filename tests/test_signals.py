"""Compliance signals from hand-written HTML pages and HTTP headers."""

import pytest
from trafilatura.utils import load_html

from clearweb.pipeline.extract import extract_page
from clearweb.pipeline.signals import empty_signals, header_signals, html_signals, merge_signals
from tests.helpers import html_page


def signals_of(head: str = "", body: str = "", url: str = "https://site.example.org/a/page.html"):
    return html_signals(load_html(html_page(body, head)), url)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta name="robots" content="noai, noimageai">', {"noai_meta": True, "noimageai": True}),
        ('<META NAME="Robots" CONTENT="index,follow,NoAI">', {"noai_meta": True, "noimageai": False}),
        ('<meta name="GPTBot" content="noai">', {"noai_meta": True}),
        ('<meta name="robots" content="noimageai">', {"noai_meta": False, "noimageai": True}),
        ('<meta name="robots" content="noindex, nofollow">', {"noai_meta": False, "noimageai": False}),
        ('<meta name="description" content="noai is a word here">', {"noai_meta": False}),
        ('<meta name="tdm-reservation" content="1">', {"tdm_reservation_meta": "1"}),
        ('<meta name="tdm-reservation" content="0">', {"tdm_reservation_meta": "0"}),
        ('<meta name="tdm-reservation" content=" yes ">', {"tdm_reservation_meta": "yes"}),  # as written: unset later
        ('<meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="https://p.example/policy.json">',
         {"tdm_reservation_meta": "1", "tdm_policy_meta": "https://p.example/policy.json"}),
        ('<meta http-equiv="X-Robots-Tag" content="noai">', {"noai_meta": True}),
    ],
)
def test_meta_tags(head, expected):
    signals = signals_of(head)
    for key, value in expected.items():
        assert signals[key] == value, key


def test_license_links_are_absolute_deduplicated_and_ordered():
    head = '<link rel="license" href="/legal/license.html">'
    body = ('Text. <a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA</a> '
            '<a href="https://creativecommons.org/licenses/by-sa/4.0/">again</a> '
            '<a href="//creativecommons.org/publicdomain/zero/1.0/">CC0</a> '
            '<a rel="nofollow license" href="https://example.org/terms">terms</a> '
            '<a href="https://example.org/about">about</a>')
    signals = signals_of(head, body)
    assert signals["license_urls"] == [
        "https://site.example.org/legal/license.html",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://example.org/terms",
    ]


def test_page_without_signals():
    assert signals_of() == empty_signals()


def test_http_headers():
    signals = header_signals([("Content-Type", "text/html"), ("X-Robots-Tag", "otherbot: noindex, noai"),
                              ("x-robots-tag", "noimageai"), ("TDM-Reservation", "1"),
                              ("TDM-Policy", "https://p.example/p.json"), ("Content-Usage", "train-ai=n"),
                              ("content-usage", "search=y")])
    assert signals == empty_signals() | {"tdm_reservation_header": "1", "tdm_policy_header": "https://p.example/p.json",
                                         "noai_header": True, "noimageai": True,
                                         "content_usage": "train-ai=n, search=y"}
    assert header_signals([("X-Robots-Tag", "unavailable_after: 25 Jun 2010 15:00:00 PST")]) == empty_signals()


def test_merge_keeps_each_source_and_license_order():
    a = header_signals([("tdm-reservation", "1"), ("X-Robots-Tag", "noai")]) | {"license_urls": ["https://x/1"]}
    b = empty_signals() | {"tdm_reservation_meta": "0", "tdm_policy_meta": "p", "license_urls": ["https://x/1", "https://x/2"]}
    merged = merge_signals(a, b)
    assert merged["tdm_reservation_header"] == "1" and merged["tdm_reservation_meta"] == "0"
    assert merged["noai_header"] and not merged["noai_meta"] and merged["tdm_policy_meta"] == "p"
    assert merged["license_urls"] == ["https://x/1", "https://x/2"]


def test_extract_page_reads_signals_before_boilerplate_removal():
    page = html_page("Main story text.", head='<meta name="robots" content="noai">')
    page = page.replace("<footer>Footer</footer>",
                        '<footer><a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY'
                        "</a></footer>")
    text, signals, duplicate = extract_page(page, "https://a.example/")
    assert not duplicate
    assert "Main story text." in text and "Home" not in text and "CC BY" not in text
    assert signals["noai_meta"] and signals["license_urls"] == ["https://creativecommons.org/licenses/by/4.0/"]


def test_extract_page_on_garbage():
    assert extract_page("", None) == (None, empty_signals(), False)
    text, signals, _ = extract_page("\x00\x01 not html at all", None)
    assert signals == empty_signals() and (text is None or "not html" in text)


def test_trafilatura_duplicate_drops_are_counted_apart():
    """trafilatura's dedup remembers paragraphs per process: off by default, and a page it drops
    is told apart from a page without main text."""
    story = " ".join(f"Sentence {i} of a story told only in this test, {__name__}." for i in range(4))
    page = html_page(f"<p>{story}</p><p>{story[::-1]}</p>")
    assert all(extract_page(page, f"https://a.example/{i}")[0] for i in range(6))
    results = [extract_page(page, f"https://a.example/{i}", deduplicate=True) for i in range(6)]
    assert results[0][0] and not results[0][2]
    dropped = [result for result in results if result[0] is None]
    assert dropped and all(duplicate for _, _, duplicate in dropped)
