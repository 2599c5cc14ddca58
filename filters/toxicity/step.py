"""The toxicity step: score each document with its language's classifier, drop those at or above
the language's threshold.

Documents of languages without a classifier pass through, counted as ``no_classifier``; with
``no_classifier_sample_rate`` below 1 only that fraction of them is kept (chosen by a hash of the
document id, so re-runs agree) - our reading of the sampling Apertus applied to such languages.
Per-language score histograms (with the threshold) go to ``toxicity/<rank>.json`` beside the
stage's logs for the report; ``toxicity_score`` is set on every scored document.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter, defaultdict

from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.hashing import stable_fraction
from clearweb.pipeline.core.task_files import write_task_file


class ToxicityFilter(FilterStep):
    name = "☣ Toxicity"
    stats_key = "toxicity"

    def __init__(self, scorer, thresholds: dict[str, float], default_threshold: float | None = None,
                 no_classifier_sample_rate: float = 1.0, histograms_dir: str | None = None,
                 exclusion_writer: DiskWriter | None = None, batch_size: int = 1):
        super().__init__(exclusion_writer, batch_size=batch_size)
        self.scorer = scorer
        self.thresholds = dict(thresholds)
        self.default_threshold = default_threshold
        self.no_classifier_sample_rate = no_classifier_sample_rate
        self.histograms_dir = histograms_dir
        self._histograms: dict[str, list[int]] = defaultdict(lambda: [0] * (len(scorer.histogram_edges)))
        self._removed: Counter[str] = Counter()

    @staticmethod
    def label_of(doc: Document) -> str | None:
        return language_label(doc.metadata)

    def threshold_for(self, label: str) -> float | None:
        return self.thresholds.get(label, self.default_threshold)

    def _keep_unscored(self, doc: Document) -> bool | tuple[bool, str]:
        self.stat_update("no_classifier")
        if self.no_classifier_sample_rate >= 1.0:
            return True
        return True if stable_fraction(doc.id) < self.no_classifier_sample_rate else (False, "toxicity_sampled_out")

    def decide(self, doc: Document, score: float | None) -> bool | tuple[bool, str]:
        label = self.label_of(doc)
        threshold = self.threshold_for(label) if label else None
        if score is None or threshold is None:
            return self._keep_unscored(doc)
        doc.metadata["toxicity_score"] = round(float(score), 6)
        edges = self.scorer.histogram_edges
        self._histograms[label][max(0, bisect.bisect_right(edges, score) - 1)] += 1
        if score >= threshold:
            self._removed[label] += 1
            source = f"{label}'s threshold" if label in self.thresholds else f"default_threshold; {label} has none"
            doc.metadata["compliance_evidence"] = f"toxicity {score:.4g} >= {threshold} ({source})"
            return False, "toxicity"
        return True

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        label = self.label_of(doc)
        score = self.scorer.score(doc.text, label) if label else None
        return self.decide(doc, score)

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        if not hasattr(self.scorer, "score_batch"):
            return [self.filter(doc) for doc in batch]
        labels = [self.label_of(doc) for doc in batch]
        scores = self.scorer.score_batch([doc.text for doc in batch], labels)
        return [self.decide(doc, score) for doc, score in zip(batch, scores, strict=True)]

    def run(self, data, rank: int = 0, world_size: int = 1):
        yield from super().run(data, rank, world_size)
        for label, count in self._removed.items():
            self.stat_update(f"removed:{label}", value=count)
        if self.histograms_dir and self._histograms:
            histograms = {label: {"edges": list(self.scorer.histogram_edges), "counts": counts,
                                  "threshold": self.threshold_for(label), "removed": self._removed[label]}
                          for label, counts in sorted(self._histograms.items())}
            write_task_file(self.histograms_dir, rank, ".json", json.dumps(histograms, indent=1))
