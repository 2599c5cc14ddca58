"""What the report says about PII replacement: per entity, and per language from the kept documents."""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow.parquet as pq

from clearweb.filters.pii.step import DOCUMENTS_WITH_PII, ENTITY_PREFIX, PIIAnonymizer
from clearweb.pipeline.core.contract import language_label
from clearweb.pipeline.core.stage import StageView


def pii_report(view: StageView) -> dict:
    stats = view.stats(PIIAnonymizer.stats_key)
    per_language: dict[str, Counter] = defaultdict(Counter)
    for path in sorted(view.dirs.output.rglob("*.parquet")):
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        if "pii_counts" not in names:
            continue
        columns = ["pii_counts"] + [c for c in ("language", "language_script") if c in names]
        for row in parquet.read(columns=columns).to_pylist():
            per_language[language_label(row) or "und"].update({k: v for k, v in (row["pii_counts"] or {}).items() if v})
    return {"per_entity": {k.removeprefix(ENTITY_PREFIX): int(v) for k, v in stats.items() if k.startswith(ENTITY_PREFIX)},
            "documents": int(stats.get(DOCUMENTS_WITH_PII, 0)),
            "per_language": {label: dict(c) for label, c in sorted(per_language.items()) if c}}
