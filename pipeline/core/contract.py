"""The data contract between stages: the Parquet type of every metadata key in DESIGN.md.

Stage outputs are Parquet files with one column per metadata key (as FineWeb publishes them), so
they read directly with pyarrow and ``datasets``. Pinning the types here, instead of letting pyarrow
infer them from the first rows, keeps every task's files schema-compatible: a column that happens
to be all-null in one task's first batch would otherwise get the ``null`` type there and a string
type elsewhere, and the files could not be read as one dataset.
"""

from __future__ import annotations

import pyarrow as pa

#: what a page's HTTP headers and HTML state, per source (``pipeline/signals.py``)
SIGNALS = pa.struct(
    [
        ("tdm_reservation_header", pa.string()),
        ("tdm_policy_header", pa.string()),
        ("tdm_reservation_meta", pa.string()),
        ("tdm_policy_meta", pa.string()),
        ("content_usage", pa.string()),
        ("noai_header", pa.bool_()),
        ("noai_meta", pa.bool_()),
        ("noimageai", pa.bool_()),
        ("license_urls", pa.list_(pa.string())),
    ]
)

#: one consent statement: where it was read, which signal, its value as written, and whether it is
#: an AI-training opt-out
CONSENT_STATEMENT = pa.struct([("source", pa.string()), ("signal", pa.string()), ("value", pa.string()),
                               ("opt_out", pa.bool_())])

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
    # robots and compliance: every consent statement that applies to the document
    "consent": pa.list_(CONSENT_STATEMENT),
    "toxicity_score": pa.float64(),
    "pii_counts": PII_COUNTS,
    # every removed document
    "removed_by": pa.string(),
    # fetch: False on a page whose extraction was skipped (a later stage removes it; its text is null)
    "extracted": pa.bool_(),
}

#: metadata key of a page whose extraction was skipped: False; absent on every other document
EXTRACTED = "extracted"
#: folder inside the fetch stage's output of the pages whose extraction was skipped
NOT_EXTRACTED = "not_extracted"


#: artifact of the fetch stage: the robots.txt captures Common Crawl archived for the run's origins
ROBOTS_ARCHIVE = "robots_archive"
#: the robots stage's artifact: the dated robots.txt snapshot (with each origin's tdmrep.json)
ROBOTS_SNAPSHOT = "robots_snapshot"
#: one archived robots.txt fetch, as the fetch stage keeps it and the robots filter reads it: the
#: body as fetched (``decode_robots`` applies RFC 9309's decoding when it is read)
ROBOTS_CAPTURE = pa.schema([
    ("crawl", pa.string()), ("origin", pa.string()), ("url", pa.string()), ("fetched_at", pa.string()),
    ("status", pa.int32()), ("content_type", pa.string()), ("body", pa.binary()), ("sha256", pa.string()),
    ("location", pa.string()),
])


def language_label(metadata: dict) -> str | None:
    """The ``xxx_Scrp`` label the language stage gave a document, or None before that stage."""
    language, script = metadata.get("language"), metadata.get("language_script")
    return f"{language}_{script}" if language and script else None


def consent_lines(statements: list[dict] | None) -> list[str]:
    """``clearweb why``'s lines for a document's consent statements, opt-outs marked."""
    return [f"{'OPT-OUT ' if s.get('opt_out') else ''}{s.get('signal')} {s.get('value')!r} from {s.get('source')}"
            for s in statements or []]
