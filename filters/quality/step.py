"""The quality step: FineWeb-2's three quality filters, configured for each document's label.

datatrove's ``GopherRepetitionFilter``, ``FineWebQualityFilter`` and ``GopherQualityFilter`` run in
FineWeb-2's order with FineWeb-2's arguments; the per-language ones come from ``thresholds.resolve``
and the word tokenizer from ``tokenizers.choose``. One set of the three filters is built per label
the task meets (labels are not known in advance), the first time it meets it.

A removed document's ``removed_by`` names the filter, the measure, its value and the threshold it
crossed, and the label (with the source of the values when they are not FineWeb-2's own):
``quality: gopher_rep dup_line_frac 0.41 > 0.263 (deu_Latn)``. Stats count removals per filter and
reason (``dropped_gopher_rep:dup_line_frac``); per-label counts, the values applied and the tokenizer
go to ``quality/<rank>.json`` beside the stage's logs for the report.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.base_filter import BaseFilter, get_filter_result
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.quality import measure
from clearweb.filters.quality.thresholds import LabelValues, resolve, script_of
from clearweb.filters.word_tokenizers import choose
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.stats import DROPPED_PREFIX
from clearweb.pipeline.core.task_files import write_task_file

#: the filters in FineWeb-2's order: short name (in removed_by and stats) -> datatrove class
FILTERS: dict[str, type[BaseFilter]] = {"gopher_rep": GopherRepetitionFilter, "fineweb_qual": FineWebQualityFilter,
                                        "gopher_qual": GopherQualityFilter}
#: documents kept without filtering (no word tokenizer here for their script, or ``fallback: keep``)
UNFILTERED = "unfiltered"
#: the per-label key of documents without a language label
UNLABELLED = "unlabelled"

_MEASURES: dict[str, Callable[[Any, str, str], measure.Crossing]] = {
    "gopher_rep": measure.repetition, "fineweb_qual": measure.fineweb, "gopher_qual": measure.gopher}


def _per_language(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The arguments of filter ``name`` that FineWeb-2 sets per language."""
    if name == "gopher_rep":
        return {"dup_line_frac": values["dup_line_frac"], "top_n_grams": [tuple(p) for p in values["top_n_grams"]],
                "dup_n_grams": [tuple(p) for p in values["dup_n_grams"]]}
    if name == "fineweb_qual":
        return {"line_punct_thr": values["line_punct_thr"], "new_line_ratio": values["new_line_ratio"]}
    arguments = {key: values[key] for key in ("min_avg_word_length", "max_avg_word_length", "max_non_alpha_words_ratio")}
    # without a stopword list (the fallback) the stopword check is off
    return arguments | ({"stop_words": values["stopwords"]} if values["stopwords"] else {"min_stop_words": 0})


@dataclass
class LabelFilters:
    """What applies to one label in this task, and what happened to its documents."""

    values: LabelValues
    tokenizer: str
    filters: list[tuple[str, BaseFilter]]
    filtered: bool = True
    docs: int = 0
    removed: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def record(self) -> dict[str, Any]:
        return {"source": self.values.source, "config_label": self.values.config_label, "tokenizer": self.tokenizer,
                "filtered": self.filtered, "values": self.values.values, "docs": self.docs,
                "removed": {name: dict(reasons) for name, reasons in self.removed.items()}}


class QualityFilter(FilterStep):
    name = "🧹 Quality (FineWeb-2)"
    stats_key = "quality"

    def __init__(self, filters: dict[str, dict[str, Any]], overrides: dict[str, dict[str, Any]] | None = None,
                 fallback: bool = True, counts_dir: str | None = None, exclusion_writer: DiskWriter | None = None):
        """``filters``: the enabled filters' short names -> their arguments that apply to every
        label; ``fallback``: False keeps the documents of labels without FineWeb-2 values unfiltered."""
        super().__init__(exclusion_writer)
        self.filters = {name: dict(filters[name]) for name in FILTERS if name in filters}
        self.overrides = dict(overrides or {})
        self.fallback = fallback
        self.counts_dir = counts_dir
        self._labels: dict[str, LabelFilters] = {}

    def build(self, label: str | None) -> LabelFilters:
        values = resolve(label, self.overrides)
        if values.fallback and not self.fallback:
            return LabelFilters(values, "none (fallback: keep)", [], filtered=False)
        chosen = choose(values.config_label or label, script_of(label))
        if chosen.tokenizer is None:
            return LabelFilters(values, chosen.description, [], filtered=False)
        per_language, description = values.values, chosen.description
        if not chosen.own and per_language["stopwords"]:
            # a stopword list holds the words of the label's own tokenizer: counted in another split
            # (Korean particles stay attached to spaCy xx's words) every document would fail it
            per_language = per_language | {"stopwords": []}
            description += "; stopword check off: the list is for the label's own tokenizer"
        built = [(name, FILTERS[name](language=chosen.tokenizer, **(fixed | _per_language(name, per_language))))
                 for name, fixed in self.filters.items()]
        return LabelFilters(values, description, built)

    def for_label(self, label: str | None) -> LabelFilters:
        key = label or UNLABELLED
        if key not in self._labels:
            self._labels[key] = self.build(label)
        return self._labels[key]

    def filter(self, doc: Document) -> bool:
        """Kept, or removed with ``removed_by`` set here: the stat counts the reason, the text names the
        value, so datatrove's own reason handling (which would count every text apart) is not used."""
        label = language_label(doc.metadata)
        applied = self.for_label(label)
        applied.docs += 1
        if not applied.filtered:
            self.stat_update(UNFILTERED)
            return True
        for name, step in applied.filters:
            try:
                kept, reason = get_filter_result(step.filter(doc))
                crossing = None if kept else _MEASURES[name](step, reason, doc.text)
            except ZeroDivisionError:  # a text whose lines hold no word the tokenizer keeps
                kept, reason, crossing = False, "no_words", measure.Crossing("no_words")
            if kept:
                continue
            applied.removed[name][reason] += 1
            self.stat_update(f"{DROPPED_PREFIX}{name}:{reason}")
            source = "" if applied.values.source == "fineweb2" else f", {applied.values.source}"
            doc.metadata["filter_reason"] = f"quality: {name} {crossing} ({label or UNLABELLED}{source})"
            return False
        return True

    def run(self, data, rank: int = 0, world_size: int = 1):
        yield from super().run(data, rank, world_size)
        if self.counts_dir and self._labels:
            records = {label: applied.record() for label, applied in sorted(self._labels.items())}
            write_task_file(self.counts_dir, rank, ".json", json.dumps(records, indent=1))
