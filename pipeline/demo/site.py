"""The demo web: hosts, pages and robots.txt files, generated deterministically from our corpus.

Each language has two hosts (a news site and a blog) under a plausible country suffix, so the
registered-domain logic has real public suffixes to work on (``co.uk``, ``com.br``...). Pages are
realistic enough for trafilatura to have work to do: navigation, a cookie banner, an article body
and a footer. A seeded random generator decides which pages carry the compliance cases the later
filters must catch: TDM reservations and ``noai`` (as meta tags and as HTTP headers), Creative
Commons license links, IETF aipref ``Content-Usage`` headers, emails/phones/IBANs/IPs, and a few
abusive pages. Robots.txt behaviour varies by host: open, AI crawlers banned, banned by path, 404,
5xx, slow, redirecting, and preference lines (aipref ``Content-Usage`` rules by path, Cloudflare's
``Content-Signal``). ``crawl_time_robots`` says what each host's robots.txt was when the demo crawl
took its pages, for the crawl's archived robots.txt files.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from clearweb.pipeline.demo.corpus import LANGUAGES, LanguageBank

SEED = 20261122
PAGES_PER_HOST = 8

# label -> country suffix of its hosts
_SUFFIXES = {
    "eng_Latn": "co.uk", "deu_Latn": "de", "fra_Latn": "fr", "spa_Latn": "es", "ita_Latn": "it",
    "por_Latn": "com.br", "nld_Latn": "nl", "pol_Latn": "pl", "tur_Latn": "com.tr", "ces_Latn": "cz",
    "rus_Cyrl": "ru", "ukr_Cyrl": "com.ua", "bul_Cyrl": "bg", "ell_Grek": "gr", "arb_Arab": "com.eg",
    "heb_Hebr": "co.il", "hin_Deva": "co.in", "jpn_Jpan": "co.jp", "cmn_Hans": "com.cn", "kor_Hang": "co.kr",
    "tha_Thai": "co.th",
}

_AI_AGENTS = ("GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "Bytespider")

_LICENSES = (
    ("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/", "CC BY-SA 4.0"),
    ("https://creativecommons.org/licenses/by-nc-sa/3.0/", "CC BY-NC-SA 3.0"),
    ("https://creativecommons.org/licenses/by-nd/4.0/", "CC BY-ND 4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
)

# Public, non-reserved IPv4 addresses for the PII cases (no documentation or private ranges).
_PUBLIC_IPS = ("81.2.69.160", "152.14.33.7", "95.216.3.41", "185.199.108.153", "31.13.72.36")


@dataclass(frozen=True)
class RobotsSpec:
    """How a host answers /robots.txt: ``status`` with ``body``, optionally slowly or by redirect."""

    kind: str
    status: int = 200
    body: str = ""
    delay_s: float = 0.0
    redirect_to: str | None = None


@dataclass
class Page:
    url: str
    host: str
    language: str
    title: str
    html: str
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)  # compliance cases on this page, for tests


@dataclass
class Host:
    name: str
    language: str
    robots: RobotsSpec
    license: tuple[str, str] | None
    tdm_reserved: bool
    tdmrep_json: str | None = None  # body of /.well-known/tdmrep.json, None: 404


# BBAN lengths of countries whose BBAN may be all digits (NL and GB get their bank code letters).
_IBAN_BBAN_LENGTHS = {"DE": 18, "FR": 23, "ES": 20, "NL": 14, "PL": 24, "GB": 18, "CZ": 20, "PT": 21, "TR": 22}


def iban_country(host: str) -> str:
    """IBAN country for a host's suffix (``co.uk`` -> GB); DE where we do not generate that country."""
    country = host.rsplit(".", 1)[-1].upper()
    country = "GB" if country == "UK" else country
    return country if country in _IBAN_BBAN_LENGTHS else "DE"


def iban(country: str, rng: random.Random) -> str:
    """A valid IBAN (ISO 13616 mod-97 check digits) for one of ``_IBAN_BBAN_LENGTHS``' countries."""
    bban = "".join(str(rng.randrange(10)) for _ in range(_IBAN_BBAN_LENGTHS[country]))
    if country == "NL":
        bban = "ABNA" + bban[4:]
    elif country == "GB":
        bban = "NWBK" + bban[4:]
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def _robots_for(index: int) -> RobotsSpec:
    """Robots behaviour by host index: most hosts answer 200, a few exercise the failure paths."""
    variants = [
        RobotsSpec("open", body="User-agent: *\nDisallow: /search\n"),
        RobotsSpec("ai_banned", body="".join(f"User-agent: {agent}\n" for agent in _AI_AGENTS)
                   + "Disallow: /\n\nUser-agent: *\nAllow: /\n"),
        RobotsSpec("ai_path_banned", body="User-agent: GPTBot\nUser-agent: ClaudeBot\nDisallow: /articles/\n\n"
                   "User-agent: *\nDisallow: /private/\n"),
        RobotsSpec("open", body="User-agent: *\nAllow: /\n\nSitemap: /sitemap.xml\n"),
        RobotsSpec("ccbot_banned", body="User-agent: CCBot\nDisallow: /\n"),
        RobotsSpec("not_found", status=404, body="<html><body>Not found</body></html>"),
    ]
    special = {7: RobotsSpec("server_error", status=503, body="Service unavailable"),
               13: RobotsSpec("slow", body="User-agent: *\nDisallow: /private/\n", delay_s=2.0),
               19: RobotsSpec("redirect", status=301, redirect_to="/robots-moved.txt",
                              body="User-agent: Google-Extended\nDisallow: /\n"),
               23: RobotsSpec("content_usage", body="User-agent: *\nAllow: /\nContent-Usage: / train-ai=n\n"
                              "Content-Usage: /blog/ train-ai=y\n"),
               26: RobotsSpec("content_signal", body="User-agent: *\nContent-Signal: search=yes, ai-train=no\n"
                              "Allow: /\n"),
               29: RobotsSpec("content_signal_allows", body="User-agent: *\nContent-Signal: search=yes, ai-train=yes\n"
                              "Disallow: /search\n")}
    return special.get(index, variants[index % len(variants)])


@dataclass(frozen=True)
class Capture:
    """One robots.txt fetch of the demo crawl, for its archive: when, what answered, and a redirect."""

    date: str
    status: int = 200
    body: str = ""
    location: str | None = None


def crawl_time_robots(index: int, robots: RobotsSpec) -> list[tuple[str, Capture]]:
    """(path, capture) of a host's robots.txt fetches while the demo crawl ran (2015-2024): mostly
    what it serves today, with the differences that make the two policies disagree. A few open
    hosts kept CCBot out of /private/ then; the host that is down today disallowed /articles/; one
    host added a /blog/ rule in 2020 (pages fetched later are judged by it); one host's robots.txt
    was never archived."""
    first = "2014-12-31T00:00:00Z"
    if index == 37:
        return []
    if index == 0:
        return [("/robots.txt", Capture(first, body=robots.body)),
                ("/robots.txt", Capture("2020-01-01T00:00:00Z", body=robots.body + "Disallow: /blog/\n"))]
    if robots.kind == "server_error":
        return [("/robots.txt", Capture(first, body="User-agent: *\nDisallow: /articles/\n"))]
    if robots.redirect_to:
        return [("/robots.txt", Capture(first, status=301, location=robots.redirect_to)),
                (robots.redirect_to, Capture(first, body=robots.body))]
    if robots.kind == "open" and index % 4 == 0:
        return [("/robots.txt", Capture(first, body="User-agent: CCBot\nDisallow: /private/\n"))]
    return [("/robots.txt", Capture(first, status=robots.status, body=robots.body))]


def _tdmrep_for(index: int, host: str) -> str | None:
    """A few hosts publish TDMRep rules for part of the site; one publishes a broken file."""
    if index % 9 == 7:
        return ('[{"location": "/blog/*", "tdm-reservation": 1, '
                f'"tdm-policy": "https://{host}/tdm-policy.json"}}, {{"location": "/", "tdm-reservation": 0}}]')
    if index == 11:
        return '{"location": "/", "tdm-reservation": 1'  # malformed: must be reported, not crash
    return None


def build_hosts(labels: list[str]) -> list[Host]:
    rng = random.Random(SEED)
    hosts = []
    for label in labels:
        suffix = _SUFFIXES[label]
        code = LANGUAGES[label].html_lang.split("-")[0]
        for kind in ("news", "blog"):
            index = len(hosts)
            name = f"www.{kind}-{code}-demo.{suffix}" if kind == "news" else f"{kind}.{code}-demo.{suffix}"
            license_ = _LICENSES[index % len(_LICENSES)] if rng.random() < 0.4 else None
            hosts.append(Host(name, label, _robots_for(index), license_, tdm_reserved=index % 9 == 4,
                              tdmrep_json=_tdmrep_for(index, name)))
    return hosts


def page_html(bank: LanguageBank, host: Host, title: str, paragraphs: list[str], meta: list[str]) -> str:
    nav = "".join(f'<li><a href="/{i}">{html.escape(item)}</a></li>' for i, item in enumerate(bank.nav))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    license_html = ""
    if host.license:
        url, name = host.license
        license_html = f' <a rel="license" href="{url}">{name}</a>'
    return f"""<!DOCTYPE html>
<html lang="{bank.html_lang}" dir="{bank.direction}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {host.name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{''.join(meta)}
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<div class="cookie-banner" id="cookie-consent"><p>{html.escape(bank.cookie_banner)}</p><button>OK</button></div>
<header><a class="logo" href="/">{host.name}</a><nav><ul>{nav}</ul></nav></header>
<main>
<article>
<h1>{html.escape(title)}</h1>
{body}
</article>
<aside class="related"><h2>{html.escape(bank.nav[1])}</h2><ul>{nav}</ul></aside>
</main>
<footer><p>{html.escape(bank.footer)}{license_html}</p></footer>
</body>
</html>
"""


def build_pages(hosts: list[Host]) -> list[Page]:
    """PAGES_PER_HOST pages per host with their compliance cases, in a fixed order."""
    rng = random.Random(SEED + 1)
    pages = []
    for host in hosts:
        bank = LANGUAGES[host.language]
        country = iban_country(host.name)
        for number in range(PAGES_PER_HOST):
            topic = bank.topics[number % len(bank.topics)]
            sentences = rng.sample(topic.sentences, k=min(len(topic.sentences), rng.randint(4, 6)))
            paragraphs = [" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2)]
            cases: list[str] = []
            meta: list[str] = []
            headers: list[tuple[str, str]] = [("Content-Type", "text/html; charset=utf-8")]
            roll = rng.random()
            if roll < 0.2:
                paragraphs.append(bank.contact_sentence.format(
                    email=f"redaktion{number}@{host.name.removeprefix('www.')}",
                    phone=f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}"))
                cases.append("email")
            elif roll < 0.3:
                paragraphs.append(bank.payment_sentence.format(iban=iban(country, rng)))
                cases.append("iban")
            elif roll < 0.4:
                paragraphs.append(bank.server_sentence.format(ip=rng.choice(_PUBLIC_IPS)))
                cases.append("ip")
            if rng.random() < 0.05:
                paragraphs = list(bank.toxic_sentences) + paragraphs[:1]
                cases.append("toxic")
            if host.tdm_reserved:
                meta.append('<meta name="tdm-reservation" content="1">\n'
                            f'<meta name="tdm-policy" content="https://{host.name}/tdm-policy.json">\n')
                cases.append("tdm_reservation")
            elif rng.random() < 0.06:
                meta.append('<meta name="robots" content="index, follow, noai, noimageai">\n')
                cases.append("noai_meta")
            elif rng.random() < 0.04:
                headers.append(("X-Robots-Tag", "noai"))
                cases.append("noai_header")
            elif rng.random() < 0.04:
                headers.append(("tdm-reservation", "1"))
                cases.append("tdm_header")
            if len(pages) % 23 == 5:  # a deterministic spread, leaving the random draws above as they were
                headers.append(("Content-Usage", "train-ai=n, search=y"))
                cases.append("content_usage_header")
            elif len(pages) % 23 == 17:
                headers.append(("Content-Usage", "search=n"))  # states something, but not about training
                cases.append("content_usage_other")
            if host.license:
                cases.append("license")
            section = ("articles", "blog", "private")[number % 3] if number % 5 else "articles"
            url = f"http://{host.name}/{section}/{host.language[:3]}-{number:03d}.html"  # served by the plain-HTTP loopback server
            title = f"{topic.title} ({number + 1})"
            pages.append(Page(url, host.name, host.language, title,
                              page_html(bank, host, title, paragraphs, meta), headers, cases))
    return pages
