"""PII written without spaces around it: in Chinese, Japanese, Korean, Thai, Arabic and Devanagari text,
in URLs, in long runs without whitespace, and across the edges of the windows the detector analyses."""

import pytest

from clearweb.filters.pii import PLACEHOLDERS, anonymize, find_pii
from clearweb.filters.pii.detect import WINDOW_CHARS

# Our own words in each script, written without spaces; the PII goes between the two halves.
SCRIPTS = {
    "zho": ("请把报名材料发送到", "谢谢合作"),
    "jpn": ("ご質問やご意見は", "までお願いします"),
    "kor": ("문의사항은", "으로보내주세요"),
    "tha": ("กรุณาติดต่อเราที่", "ได้ตลอดเวลา"),
    "arb": ("للتواصلمعناراسلوناعلى", "فيأيوقت"),
    "hin": ("कृपयासंपर्ककरें", "परधन्यवाद"),
}
VALUES = {
    "email": ("bangongshi.2024@xuexiao-demo.cn", "email"),
    "ipv4": ("81.2.69.160", "ip"),
    "ipv6": ("2a00:1450:4001:81c::200e", "ip"),
    "iban": ("DE89370400440532013000", "iban"),
    "iban_spaced": ("GB82 WEST 1234 5698 7654 32", "iban"),
}
SCRIPT_CASES = [(script, value) for script in SCRIPTS for value in VALUES]


def spans_of(text: str) -> list[tuple[str, int, str]]:
    return [(text[start:end], start, entity) for start, end, entity in find_pii(text)]


def test_email_against_japanese_from_the_issue():
    text = "ご質問はredaktion212@blog.ja-demo.co.jpまで"
    assert spans_of(text) == [("redaktion212@blog.ja-demo.co.jp", 4, "email")]
    assert anonymize(text) == ("ご質問は<email-pii>まで", {"email": 1})


@pytest.mark.parametrize(("script", "value"), SCRIPT_CASES, ids=[f"{s}-{v}" for s, v in SCRIPT_CASES])
def test_pii_against_script_without_spaces(script, value):
    before, after = SCRIPTS[script]
    pii, entity = VALUES[value]
    text = f"{before}{pii}{after}"
    assert spans_of(text) == [(pii, len(before), entity)]
    assert anonymize(text) == (f"{before}{PLACEHOLDERS[entity]}{after}", {entity: 1})


@pytest.mark.parametrize(("script", "value"), SCRIPT_CASES, ids=[f"{s}-{v}" for s, v in SCRIPT_CASES])
def test_pii_inside_long_run_without_whitespace(script, value):
    """A paragraph of Chinese, Japanese or Thai has no whitespace for hundreds of characters."""
    before, after = SCRIPTS[script]
    pii, entity = VALUES[value]
    paragraph = (before + after) * 30
    text = f"{paragraph}{before}{pii}{after}{paragraph}"
    assert " " not in paragraph and len(paragraph) > 256
    assert spans_of(text) == [(pii, len(paragraph) + len(before), entity)]


URL_CASES = [
    ("https://x.example/?contact=a.b@c-d.org&ip=8.8.8.8", [("a.b@c-d.org", "email"), ("8.8.8.8", "ip")]),
    ("https://x.example/u/jane.doe@mail-demo.org/profile", [("jane.doe@mail-demo.org", "email")]),
    ("mailto:anna.berg@post-demo.se?subject=Hallo&body=Hej", [("anna.berg@post-demo.se", "email")]),
    ("http://[2a00:1450:4001:81c::200e]:8080/status", [("2a00:1450:4001:81c::200e", "ip")]),
    ("https://x.example/#to=anna.berg@post-demo.se", [("anna.berg@post-demo.se", "email")]),
    ("https://track.example/r?u=" + "a1b2" * 80 + "&to=anna.berg@post-demo.se&src=81.2.69.160&h=" + "f0" * 40,
     [("anna.berg@post-demo.se", "email"), ("81.2.69.160", "ip")]),
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES, ids=["query", "path", "mailto", "ipv6_host", "fragment",
                                                                "long_url"])
def test_pii_inside_urls(url, expected):
    assert [(pii, entity) for pii, _, entity in spans_of(url)] == expected


EDGE_VALUES = {**VALUES, "phone": ("+41 44 668 18 00", "phone")}
FILLERS = {"spaced": "Lorem ipsum dolor sit amet, consectetur. ", "unspaced": "请把报名材料发送到谢谢合作。"}
EDGE_CASES = [(filler, value) for filler in FILLERS for value in EDGE_VALUES]


@pytest.mark.parametrize(("filler", "value"), EDGE_CASES, ids=[f"{f}-{v}" for f, v in EDGE_CASES])
def test_pii_across_window_edges_found_once(filler, value):
    """Every way of straddling the first three window edges: found once, with its exact span."""
    pii, entity = EDGE_VALUES[value]
    background = FILLERS[filler] * (4 * WINDOW_CHARS // len(FILLERS[filler]))
    for edge in (WINDOW_CHARS, 2 * WINDOW_CHARS, 3 * WINDOW_CHARS):
        for start in range(edge - len(pii) - 1, edge + 2):
            # a separator on each side, as in real text: a space in spaced text, none in unspaced text
            sep = " " if filler == "spaced" else ""
            text = background[:start - len(sep)] + sep + pii + sep + background[start + len(pii) + len(sep):]
            assert text[start:start + len(pii)] == pii
            assert spans_of(text) == [(pii, start, entity)], (edge, start)


FAMILY_CASES = [
    ("Schreiben Sie an müller@bücher.de.", "müller@bücher.de"),
    ("Пишите: иван@пример.рф", "иван@пример.рф"),
    ("あいうえお@example.com", "あいうえお@example.com"),
    ("お問い合わせはinfo@例え.jpまで", "info@例え.jp"),
    ("詳しくはinfo@example.com.次へ", "info@example.com"),
    ("担当者田中taro@example.jpです", "taro@example.jp"),
]


@pytest.mark.parametrize(("text", "email"), FAMILY_CASES, ids=["latin", "cyrillic", "kana_local", "idn_label",
                                                              "period_then_kanji", "mixed_local"])
def test_email_parts_keep_to_one_script_family(text, email):
    """Latin letters (ASCII or accented) and letters of other scripts do not mix within a local part or a
    domain label; a domain may go from labels in other scripts to Latin ones."""
    assert [pii for pii, _, entity in spans_of(text) if entity == "email"] == [email]
