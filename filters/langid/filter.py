"""The language step: label every document, drop those below their label's threshold.

Sets ``language`` (ISO 639-3), ``language_script`` (ISO 15924), ``language_score`` and, as
FineWeb-2 keeps them, ``top_langs``: a JSON object of the top labels scoring at least
``top_min_score``. Documents under the threshold for their label go to ``removed/`` with reason
``language_score``. Per-label counts (documents and UTF-8 bytes, kept and removed) are written for
the report to ``languages/<rank>.json`` beside the stage's logs; the datatrove stats get only the
top labels plus one bucket for the rest, so they stay readable with 2,000 labels.

With ``reuse_labels``, a document that already carries ``language``, ``language_script`` and
``language_score`` (FineWeb-2's Parquet does, from GlotLID) keeps them as they are, ``top_langs``
included, and is only held to its label's threshold, as Apertus did with FineWeb-2: no identifier
runs for it, and the model is not even loaded while every document comes labelled. The others are
identified. Reused labels are counted (``labels_reused``).
"""

from __future__ import annotations

import json
from collections import Counter

from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.langid.identifier import LanguageIdentifier
from clearweb.pipeline.core.bounded_stats import report_top
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.task_files import write_task_file

TOP_LABELS_IN_STATS = 50


class LanguageLabeler(FilterStep):
    name = "🌍 Language id"
    stats_key = "language_labeler"

    def __init__(self, identifier: LanguageIdentifier, threshold: float = 0.65,
                 thresholds: dict[str, float] | None = None, top_k: int = 5, top_min_score: float = 0.01,
                 counts_dir: str | None = None, reuse_labels: bool = False,
                 exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        self.identifier = identifier
        self.reuse_labels = reuse_labels
        self.threshold = threshold
        self.thresholds = dict(thresholds or {})
        self.top_k = top_k
        self.top_min_score = top_min_score
        self.counts_dir = counts_dir
        self._docs: Counter[tuple[str, bool]] = Counter()
        self._bytes: Counter[tuple[str, bool]] = Counter()

    def _reused(self, metadata: dict) -> tuple[str, float] | None:
        """(label, score) a document already carries, when labels are reused and it has all three."""
        if not self.reuse_labels:
            return None
        language, script, score = (metadata.get(key) for key in ("language", "language_script", "language_score"))
        if not language or not script or not isinstance(score, (int, float)):
            return None
        return f"{language}_{script}", float(score)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        reused = self._reused(doc.metadata)
        if reused is not None:
            label, score = reused
            self.stat_update("labels_reused")
        else:
            predictions = self.identifier.predict_k(doc.text, self.top_k)
            label, score = predictions[0]
            language, script = label.split("_", 1)
            doc.metadata["language"] = language
            doc.metadata["language_script"] = script
            doc.metadata["language_score"] = round(score, 4)
            doc.metadata["top_langs"] = json.dumps(
                {name: round(value, 4) for name, value in predictions if value >= self.top_min_score})
        kept = score >= self.thresholds.get(label, self.threshold)
        self._docs[(label, kept)] += 1
        self._bytes[(label, kept)] += len(doc.text.encode("utf-8"))
        if not kept:
            return False, "language_score"
        return True

    def run(self, data, rank: int = 0, world_size: int = 1):
        yield from super().run(data, rank, world_size)
        kept = Counter({label: n for (label, ok), n in self._docs.items() if ok})
        report_top(self, "lang", kept, TOP_LABELS_IN_STATS)
        self.stat_update("labels_kept", value=len(kept))
        if self.counts_dir:
            self._write_counts(rank)

    def _write_counts(self, rank: int) -> None:
        labels = sorted({label for label, _ in self._docs})
        counts = {label: {"docs_kept": self._docs[(label, True)], "bytes_kept": self._bytes[(label, True)],
                          "docs_removed": self._docs[(label, False)], "bytes_removed": self._bytes[(label, False)]}
                  for label in labels}
        write_task_file(self.counts_dir, rank, ".json", json.dumps(counts, indent=0, sort_keys=True))
