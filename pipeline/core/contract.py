"""The data contract between stages: the Parquet type of every metadata key in DESIGN.md.

Stage outputs are Parquet files with one column per metadata key (as FineWeb publishes them), so
they read directly with pyarrow and ``datasets``. Pinning the types here, instead of letting pyarrow
infer them from the first rows, keeps every task's files schema-compatible: a column that happens
to be all-null in one task's first batch would otherwise get the ``null`` type there and a string
type elsewhere, and the files could not be read as one dataset.
"""

from __future__ import annotations

import pyarrow as pa

SIGNALS = pa.struct(
    [
        ("tdm_reservation", pa.bool_()),
        ("tdm_policy", pa.string()),
        ("noai", pa.bool_()),
        ("noimageai", pa.bool_()),
        ("license_urls", pa.list_(pa.string())),
    ]
)

PII_COUNTS = pa.struct([(entity, pa.int64()) for entity in ("email", "ip", "iban", "card", "phone")])

COLUMN_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "id": pa.string(),
    # fetch
    "url": pa.string(),
    "domain": pa.string(),
    "host": pa.string(),
    "fetch_date": pa.string(),
    "warc_record_id": pa.string(),
    "source_file": pa.string(),
    "signals": SIGNALS,
    # robots (removed documents)
    "robots_blocked_by": pa.list_(pa.string()),
    "robots_rule": pa.string(),
    # language (also present in FineWeb-2 inputs)
    "language": pa.string(),
    "language_script": pa.string(),
    "language_score": pa.float64(),
    "top_langs": pa.string(),
    # compliance
    "license": pa.string(),
    "compliance_evidence": pa.string(),
    "toxicity_score": pa.float64(),
    "pii_counts": PII_COUNTS,
    # every removed document
    "removed_by": pa.string(),
}


def language_label(metadata: dict) -> str | None:
    """The ``xxx_Scrp`` label the language stage gave a document, or None before that stage."""
    language, script = metadata.get("language"), metadata.get("language_script")
    return f"{language}_{script}" if language and script else None
