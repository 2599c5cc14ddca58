"""A language-id evaluation set of real translated text, built from the installed Django package.

Django ships its translation catalogues in the wheel (``django/**/locale/<ll>/LC_MESSAGES/django.mo``):
UI strings and longer help and error texts of Django and its contrib apps, translated into about a
hundred languages by Django's volunteer translators. Nobody on this project wrote them, they are not
UDHR, and they mix short strings with paragraphs, as web pages do. The set is rebuilt from the
package on every use (nothing is copied into the repository); Django is pinned in the dev extra so
the numbers in BENCHMARKS.md can be reproduced.

How the set is drawn (the same rule for every language):
- a message counts when its English source has at least ``MIN_WORDS`` words and its translation
  differs from the source (an untranslated message is not text in that language);
- placeholders (``%(name)s``, ``{0}``), HTML tags and entities are removed, whitespace collapsed;
- per language, up to ``PER_LABEL`` distinct texts in a fixed pseudo-random order (SHA-1 of the
  text), up to half of them longer than ``LONG_CHARS`` characters; languages with fewer than
  ``MIN_PER_LABEL`` texts are left out;
- English is the catalogues' source strings; regional variants (``es_AR``, ``pt_BR``, ``en_GB``,
  ``ar_DZ``, ...) are left out, since they would repeat their language's label.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

MIN_WORDS = 3
PER_LABEL = 40
MIN_PER_LABEL = 20
LONG_CHARS = 150

#: Django locale -> the GlotLID label of the language its translators write.
LOCALE_LABELS = {
    "af": "afr_Latn", "am": "amh_Ethi", "ar": "arb_Arab", "ast": "ast_Latn", "az": "azj_Latn", "be": "bel_Cyrl",
    "bg": "bul_Cyrl", "bn": "ben_Beng", "br": "bre_Latn", "bs": "bos_Latn", "ca": "cat_Latn", "ckb": "ckb_Arab",
    "cs": "ces_Latn", "cy": "cym_Latn", "da": "dan_Latn", "de": "deu_Latn", "dsb": "dsb_Latn", "el": "ell_Grek",
    "eo": "epo_Latn", "es": "spa_Latn", "et": "ekk_Latn", "eu": "eus_Latn", "fa": "pes_Arab", "fi": "fin_Latn",
    "fr": "fra_Latn", "fy": "fry_Latn", "ga": "gle_Latn", "gd": "gla_Latn", "gl": "glg_Latn", "he": "heb_Hebr",
    "hi": "hin_Deva", "hr": "hrv_Latn", "hsb": "hsb_Latn", "hu": "hun_Latn", "hy": "hye_Armn", "ia": "ina_Latn",
    "id": "ind_Latn", "ig": "ibo_Latn", "io": "ido_Latn", "is": "isl_Latn", "it": "ita_Latn", "ja": "jpn_Jpan",
    "ka": "kat_Geor", "kab": "kab_Latn", "kk": "kaz_Cyrl", "km": "khm_Khmr", "kn": "kan_Knda", "ko": "kor_Hang",
    "ky": "kir_Cyrl", "lb": "ltz_Latn", "lt": "lit_Latn", "lv": "lvs_Latn", "mk": "mkd_Cyrl", "ml": "mal_Mlym",
    "mn": "khk_Cyrl", "mr": "mar_Deva", "ms": "zsm_Latn", "my": "mya_Mymr", "nb": "nob_Latn", "ne": "npi_Deva",
    "nl": "nld_Latn", "nn": "nno_Latn", "os": "oss_Cyrl", "pa": "pan_Guru", "pl": "pol_Latn", "pt": "por_Latn",
    "ro": "ron_Latn", "ru": "rus_Cyrl", "sk": "slk_Latn", "sl": "slv_Latn", "sq": "als_Latn", "sr": "srp_Cyrl",
    "sr_Latn": "srp_Latn", "sv": "swe_Latn", "sw": "swh_Latn", "ta": "tam_Taml", "te": "tel_Telu",
    "tg": "tgk_Cyrl", "th": "tha_Thai", "tk": "tuk_Latn", "tr": "tur_Latn", "tt": "tat_Cyrl", "udm": "udm_Cyrl",
    "ug": "uig_Arab", "uk": "ukr_Cyrl", "ur": "urd_Arab", "uz": "uzn_Latn", "vi": "vie_Latn",
    "zh_Hans": "cmn_Hans", "zh_Hant": "cmn_Hant",
}

_NOT_TEXT = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}"
                       r"|<[^>]+>|&[a-zA-Z]+;|&#\d+;")


@dataclass(frozen=True)
class Sample:
    label: str
    text: str

    @property
    def long(self) -> bool:
        return len(self.text) > LONG_CHARS


def clean(message: str) -> str:
    """The message's words: placeholders, tags and entities out, whitespace collapsed."""
    return " ".join(_NOT_TEXT.sub(" ", message).split())


def django_catalogues() -> list[Path]:
    import django

    return sorted(Path(django.__file__).parent.rglob("locale/*/LC_MESSAGES/django.mo"))


def django_eval_set() -> list[Sample]:
    """The evaluation set, in a stable order (label, then the texts' fixed order)."""
    texts: dict[str, set[str]] = {"eng_Latn": set()}
    for catalogue in django_catalogues():
        label = LOCALE_LABELS.get(catalogue.parent.parent.name)
        with open(catalogue, "rb") as handle:
            messages = gettext.GNUTranslations(handle)._catalog  # the parsed .mo entries
        for key, translation in messages.items():
            if not isinstance(key, str) or not key or not isinstance(translation, str):
                continue  # the header entry and plural forms
            source = clean(key.split("\x04")[-1])  # without its msgctxt
            if len(source.split()) < MIN_WORDS:
                continue
            texts["eng_Latn"].add(source)
            text = clean(translation)
            if label and text and text != source:
                texts.setdefault(label, set()).add(text)
    samples = []
    for label in sorted(texts):
        ordered = sorted(texts[label], key=lambda text: hashlib.sha1(text.encode()).hexdigest())
        long = [text for text in ordered if len(text) > LONG_CHARS][:PER_LABEL // 2]
        short = [text for text in ordered if len(text) <= LONG_CHARS][:PER_LABEL - len(long)]
        if len(long) + len(short) >= MIN_PER_LABEL:
            samples += [Sample(label, text) for text in long + short]
    return samples


def udhr_samples(shared: Path) -> list[Sample]:
    """The shared UDHR sample (``conformance/lid_sample.json``) as samples."""
    import json

    records = json.loads((shared / "conformance" / "lid_sample.json").read_text())
    return [Sample(record["label"], record["text"]) for record in records]
