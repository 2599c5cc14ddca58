"""The value behind a datatrove quality filter's verdict, for ``removed_by`` and ``clearweb why``.

datatrove's filters answer a reason only (``dup_line_frac``), not the value they measured. For a
removed document the measure that reason names is computed again here, with datatrove's own helper
functions and the filter's own thresholds, so ``removed_by`` can say
``gopher_rep dup_line_frac 0.41 > 0.263``. Only removed documents pay for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from datatrove.utils.text import PUNCTUATION_SET, split_into_words

_NGRAM = re.compile(r"^(?:top_(\d+)_gram|duplicated_(\d+)_n_grams)$")


@dataclass(frozen=True)
class Crossing:
    """``measure value op threshold``: the measured value and the threshold it crossed (None for
    verdicts without one: an empty document)."""

    measure: str
    value: float | None = None
    op: str = ">"
    threshold: float | None = None

    def __str__(self) -> str:
        if self.value is None or self.threshold is None:
            return self.measure
        value, threshold = _distinct(self.value, self.threshold)
        return f"{self.measure} {value} {self.op} {threshold}"


def _distinct(value: float, threshold: float) -> tuple[str, str]:
    """Both numbers with enough digits that a value just past the threshold does not print as it."""
    for digits in range(3, 10):
        shown = f"{value:.{digits}g}"
        if float(shown) != threshold:
            return shown, f"{threshold:g}"
    return repr(value), repr(threshold)


def repetition(f: GopherRepetitionFilter, reason: str, text: str) -> Crossing:
    if reason == "dup_line_frac":
        lines = re.split("\n+", text)
        return Crossing(reason, find_duplicates(lines)[0] / len(lines), ">", f.dup_line_frac)
    match = _NGRAM.match(reason)
    if not match:
        return Crossing(reason)
    words = split_into_words(text, f.language)
    if match.group(1):
        n = int(match.group(1))
        threshold = dict(f.top_n_grams)[n]
        return Crossing(f"top_{n}_gram_frac", find_top_duplicate(get_n_grams(words, n)) / len(text), ">", threshold)
    n = int(match.group(2))
    return Crossing(f"dup_{n}_gram_frac", find_all_duplicate(words, n) / len(text), ">", dict(f.dup_n_grams)[n])


def fineweb(f: FineWebQualityFilter, reason: str, text: str) -> Crossing:
    lines = [line for line in text.split("\n") if line.strip() != ""]
    if reason == "line_punct_ratio":
        ratio = sum(1 for line in lines if line.endswith(f.stop_chars)) / len(lines)
        return Crossing(reason, ratio, "<", f.line_punct_thr)
    if reason == "short_line_ratio":
        ratio = sum(1 for line in lines if len(line) <= f.short_line_length) / len(lines)
        return Crossing(reason, ratio, ">", f.short_line_threshold)
    if reason == "char_dup_ratio":
        return Crossing(reason, find_duplicates(lines)[1] / len(text.replace("\n", "")), ">", f.char_duplicates_ratio)
    if reason == "list_ratio":
        words = split_into_words(text, f.language)
        return Crossing("new_line_ratio", text.count("\n") / len(words), ">", f.new_line_ratio)
    return Crossing(reason)


def gopher(f: GopherQualityFilter, reason: str, text: str) -> Crossing:
    words = split_into_words(text, f.language)
    content = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    lines = text.splitlines()
    if reason in ("gopher_short_doc", "gopher_long_doc"):
        short = reason == "gopher_short_doc"
        return Crossing("words", len(content), "<" if short else ">", f.min_doc_words if short else f.max_doc_words)
    if reason in ("gopher_below_avg_threshold", "gopher_above_avg_threshold"):
        below = reason == "gopher_below_avg_threshold"
        return Crossing("avg_word_length", float(np.mean([len(w) for w in content])), "<" if below else ">",
                        f.min_avg_word_length if below else f.max_avg_word_length)
    if reason == "gopher_too_many_hashes":
        return Crossing("hash_word_ratio", text.count("#") / len(words), ">", f.max_symbol_word_ratio)
    if reason == "gopher_too_many_ellipsis":
        ratio = (text.count("...") + text.count("…")) / len(words)
        return Crossing("ellipsis_word_ratio", ratio, ">", f.max_symbol_word_ratio)
    if reason == "gopher_too_many_bullets":
        ratio = sum(s.lstrip().startswith(("•", "-")) for s in lines) / len(lines)
        return Crossing("bullet_lines_ratio", ratio, ">", f.max_bullet_lines_ratio)
    if reason == "gopher_too_many_end_ellipsis":
        ratio = sum(s.rstrip().endswith(("...", "…")) for s in lines) / len(lines)
        return Crossing("ellipsis_lines_ratio", ratio, ">", f.max_ellipsis_lines_ratio)
    if reason == "gopher_below_alpha_threshold":
        ratio = sum(any(c.isalpha() for c in w) for w in words) / len(words)
        return Crossing("alpha_words_ratio", ratio, "<", f.max_non_alpha_words_ratio)
    if reason == "gopher_enough_stop_words":
        return Crossing("stopwords", len(f.stop_words.intersection(words)), "<", f.min_stop_words)
    return Crossing(reason)
