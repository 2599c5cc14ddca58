"""Demo pages for the FineWeb-2 recipe stages: near-duplicates across hosts and low-quality pages.

Real crawls hold the same article on several sites (syndication, scrapers, mirrors) with small
edits, and pages that are text only in name: one line repeated, lists of links, keyword stuffing.
The dedup and quality stages exist for them, so the demo carries a few of each, built from our own
sentence banks like every other demo page. The case names (``near_duplicate``,
``low_quality_repeated_lines``, ...) let tests find them.
"""

from __future__ import annotations

from clearweb.pipeline.demo.corpus import LANGUAGES
from clearweb.pipeline.demo.site import Host, Page, page_html

# The same article on a language's news site and on its blog, two days apart.
_EDITIONS = (("news", "2026-03-12 09:30"), ("blog", "2026-03-14 17:05"))
LOW_QUALITY_KINDS = ("repeated_lines", "link_list", "keyword_stuffing")


def _page(host: Host, path: str, title: str, paragraphs: list[str], case: str) -> Page:
    bank = LANGUAGES[host.language]
    return Page(f"http://{host.name}/{path}", host.name, host.language, title,
                page_html(bank, host, title, paragraphs, []), [("Content-Type", "text/html; charset=utf-8")],
                [case])


def syndicated_pages(hosts: list[Host]) -> list[Page]:
    """Every language's first article, published in full on both of its hosts; only the date line
    differs in the text (the sites' footers differ in the HTML)."""
    pages = []
    for host in hosts:
        kind = "news" if host.name.startswith("www.news-") else "blog"
        date = dict(_EDITIONS)[kind]
        topic = LANGUAGES[host.language].topics[0]
        sentences = list(topic.sentences)
        paragraphs = [date] + [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
        pages.append(_page(host, f"articles/{host.language[:3]}-100.html", topic.title, paragraphs,
                           "near_duplicate"))
    return pages


def low_quality_pages(hosts: list[Host]) -> list[Page]:
    """One low-quality page on every fourth host, of each kind in turn."""
    pages = []
    for index, host in enumerate(hosts[1::4]):
        bank = LANGUAGES[host.language]
        kind = LOW_QUALITY_KINDS[index % len(LOW_QUALITY_KINDS)]
        topic = bank.topics[1]
        if kind == "repeated_lines":
            paragraphs = [topic.sentences[0], topic.sentences[1]] * 6
        elif kind == "link_list":
            paragraphs = [item for _ in range(3) for item in bank.nav + tuple(t.title for t in bank.topics)]
        else:
            paragraphs = [" ".join(topic.title.split()[:3] * 30)]
        pages.append(_page(host, f"articles/{host.language[:3]}-101.html", topic.title, paragraphs,
                           f"low_quality_{kind}"))
    return pages
