"""The PII step: replace PII in every document and count what was replaced.

``pii_counts`` always holds every entity (zeros included), so its Parquet type is the same in
every file; stats count replacements per entity, documents with any PII, and replacements made
unchecked in text too dense to check (``pii_capped``, see ``detect.py``).
"""

from __future__ import annotations

from collections.abc import Collection

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.filters.pii.detect import PLACEHOLDERS, anonymize_counting

#: stats: documents with at least one replacement, and replacements per entity (``pii_email``)
DOCUMENTS_WITH_PII = "documents_with_pii"
ENTITY_PREFIX = "pii_"
#: stats: replacements made unchecked, in text too dense in candidates to check them all
CAPPED = "pii_capped"


class PIIAnonymizer(PipelineStep):
    type = "✂️ - FORMAT"
    name = "🕵 PII anonymizer"
    stats_key = "pii"

    def __init__(self, entities: Collection[str] | None = None):
        super().__init__()
        self.entities = list(entities) if entities is not None else list(PLACEHOLDERS)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for document in data:
            with self.track_time():
                document.text, counts, unchecked = anonymize_counting(document.text, self.entities)
                document.metadata["pii_counts"] = {entity: counts.get(entity, 0) for entity in PLACEHOLDERS}
                self.stat_update("documents")
                if counts:
                    self.stat_update(DOCUMENTS_WITH_PII)
                    for entity, count in counts.items():
                        self.stat_update(f"{ENTITY_PREFIX}{entity}", value=count)
                if unchecked:
                    self.stat_update(CAPPED, value=unchecked)
            yield document
