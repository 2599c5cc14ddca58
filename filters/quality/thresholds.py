"""Which per-language values the quality filters apply to a label, and where they come from.

FineWeb-2 tuned nine values per ``xxx_Scrp`` label (``filters/langid/fineweb2.py`` ships them for
1,929 labels): the Gopher repetition thresholds, FineWeb's line-punctuation and new-line ratios, the
Gopher word-length bounds, the alphabetic-word ratio and a stopword list. A document's label is
looked up in this order:

1. the label itself in FineWeb-2's settings (``fineweb2``);
2. for ``xxx_Hans``/``xxx_Hant`` (what lid.176 answers for Chinese), FineWeb-2's ``xxx_Hani``: GlotLID,
   which FineWeb-2 used, labels Han text without telling the two systems apart;
3. ``eng_Latn``: FineWeb-2 has no English (FineWeb covers it), so FineWeb's English values apply,
   which are datatrove's defaults with its English stopwords (``fineweb-english``);
4. a label in a script FineWeb-2 has: the values of that script's largest FineWeb-2 language (by
   documents in FineWeb-2's language distribution: ``deu_Latn`` for Latin, ``rus_Cyrl`` for Cyrillic,
   ``arb_Arab`` for Arabic; ``REFERENCE``), whose thresholds were fitted on the most data, without its
   stopwords (``fallback:Latn=deu_Latn``). A median over a script's labels was considered and rejected:
   most of FineWeb-2's 1,697 Latin labels are small, Bible-heavy languages, and their median turns
   the top-2-gram check off (0.925) while removing ordinary web text for short lines;
5. any other label, or a document without one: datatrove's defaults without stopwords, the
   language-neutral part of what FineWeb applied to English (``fallback:default``).

The fallbacks have no stopword list (stopwords are a language's own), so their stopword check is off.
``overrides`` in the settings replace single values for a label after the lookup (``+override``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS

from clearweb.filters.langid.fineweb2 import fineweb2_configs

#: the per-language keys of FineWeb-2's configs the quality filters read (``language_score`` is the
#: language stage's)
KEYS = ("dup_line_frac", "top_n_grams", "dup_n_grams", "line_punct_thr", "new_line_ratio", "min_avg_word_length",
        "max_avg_word_length", "max_non_alpha_words_ratio", "stopwords")

#: FineWeb's English values: the defaults of datatrove's three filters
FINEWEB_ENGLISH: dict[str, Any] = {
    "dup_line_frac": 0.3, "top_n_grams": [[2, 0.2], [3, 0.18], [4, 0.16]],
    "dup_n_grams": [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]],
    "line_punct_thr": 0.12, "new_line_ratio": 0.3, "min_avg_word_length": 3, "max_avg_word_length": 10,
    "max_non_alpha_words_ratio": 0.8, "stopwords": list(STOP_WORDS),
}
#: per script, FineWeb-2's label with the most documents (FineWeb-2's fineweb2-language-distribution.csv
#: at the commit in NOTICE); its values are the script's fallback
REFERENCE: dict[str, str] = {
    "Arab": "arb_Arab", "Armn": "hye_Armn", "Beng": "ben_Beng", "Cans": "ike_Cans", "Cher": "chr_Cher",
    "Copt": "cop_Copt", "Cyrl": "rus_Cyrl", "Deva": "hin_Deva", "Ethi": "amh_Ethi", "Geor": "kat_Geor",
    "Goth": "got_Goth", "Grek": "ell_Grek", "Gujr": "guj_Gujr", "Guru": "pan_Guru", "Hang": "kor_Hang",
    "Hani": "cmn_Hani", "Hebr": "heb_Hebr", "Jpan": "jpn_Jpan", "Kali": "kyu_Kali", "Khmr": "khm_Khmr",
    "Knda": "kan_Knda", "Laoo": "lao_Laoo", "Latn": "deu_Latn", "Limb": "lif_Limb", "Lisu": "lis_Lisu",
    "Mlym": "mal_Mlym", "Mong": "sjo_Mong", "Mtei": "mni_Mtei", "Mymr": "mya_Mymr", "Nkoo": "nqo_Nkoo",
    "Olck": "sat_Olck", "Orya": "ory_Orya", "Sinh": "sin_Sinh", "Syrc": "syc_Syrc", "Taml": "tam_Taml",
    "Telu": "tel_Telu", "Tfng": "tzm_Tfng", "Thaa": "div_Thaa", "Thai": "tha_Thai", "Tibt": "bod_Tibt",
    "Wara": "hoc_Wara",
}
#: the values of labels in no FineWeb-2 script: datatrove's defaults, no stopwords
DEFAULT = FINEWEB_ENGLISH | {"stopwords": []}


@dataclass(frozen=True)
class LabelValues:
    """The values applied to one label, and their source (``fineweb2``, ``fineweb2:cmn_Hani``,
    ``fineweb-english``, ``fallback:Latn=deu_Latn``, ``fallback:default``; ``+override`` when
    overrides apply)."""

    label: str | None
    source: str
    values: dict[str, Any]
    #: the FineWeb-2 label whose values (and word tokenizer) apply, when one does
    config_label: str | None = None

    @property
    def fallback(self) -> bool:
        """True for every label whose values are not FineWeb-2's (English's included)."""
        return not self.source.startswith("fineweb2")


def script_of(label: str | None) -> str | None:
    return label.rsplit("_", 1)[1] if label and "_" in label else None


def script_fallbacks() -> dict[str, dict[str, Any]]:
    """Every fallback as the lineage records it: source -> values."""
    configs = fineweb2_configs()
    return {f"fallback:{script}={label}": {key: configs[label][key] for key in KEYS} | {"stopwords": []}
            for script, label in REFERENCE.items()} | {"fallback:default": DEFAULT}


def lookup(label: str | None) -> LabelValues:
    """The values for ``label`` by the rules above, before overrides."""
    configs = fineweb2_configs()
    if label in configs:
        return LabelValues(label, "fineweb2", {key: configs[label][key] for key in KEYS}, label)
    script = script_of(label)
    if script in ("Hans", "Hant"):
        han = f"{label.rsplit('_', 1)[0]}_Hani"
        if han in configs:
            return LabelValues(label, f"fineweb2:{han}", {key: configs[han][key] for key in KEYS}, han)
    if label == "eng_Latn":
        return LabelValues(label, "fineweb-english", dict(FINEWEB_ENGLISH))
    if script in REFERENCE:
        reference = REFERENCE[script]
        return LabelValues(label, f"fallback:{script}={reference}",
                           {key: configs[reference][key] for key in KEYS} | {"stopwords": []})
    return LabelValues(label, "fallback:default", dict(DEFAULT))


def resolve(label: str | None, overrides: dict[str, dict[str, Any]]) -> LabelValues:
    """The values for ``label`` with the settings' overrides for it applied."""
    found = lookup(label)
    mine = overrides.get(label or "", {})
    if not mine:
        return found
    return LabelValues(label, f"{found.source}+override", found.values | mine, found.config_label)
