"""``clearweb card RUN``: a Hugging Face dataset card for publishing a run's documents.

The card is a ``README.md`` whose YAML header is what the Hub reads: languages (ISO 639-3 codes from
the GlotLID labels), one config per language label pointing at its Parquet files, the size
category, the license field and the task category. Its body holds the per-language table (documents,
UTF-8 bytes, tokens), the filtering funnel and a compliance section (the robots.txt snapshot and
agents honoured, the consent signals honoured and what they removed, PII and toxicity measures).
Numbers come from the run's report data and the Parquet footers; no document text is read.

The license is ``other``: web pages carry their own terms (the consent stage records each page's
Creative Commons license where it states one), so the publisher must state the terms of the set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from clearweb.pipeline.core.contract import NOT_EXTRACTED
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.lineage import read_lineage
from clearweb.pipeline.registry import STAGES
from clearweb.pipeline.report_cli import funnel_lines
from clearweb.pipeline.report_data import build_report

SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                   (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
                   (10_000_000_000, "1B<n<10B"), (100_000_000_000, "10B<n<100B"), (1_000_000_000_000, "100B<n<1T")]
NO_LANGUAGE = {"und", "zxx", "mis", "mul"}


def size_category(documents: int) -> str:
    return next((name for bound, name in SIZE_CATEGORIES if documents < bound), "n>1T")


def final_document_stage(run_dir: Path) -> str:
    """The last completed stage that writes documents: what the card publishes."""
    done = [stage.name for stage in STAGES
            if stage.documents and (record := read_lineage(run_dir / stage.name)) and record["status"] == "complete"]
    if not done:
        raise InputError(f"{run_dir}: no completed document stage to describe")
    return done[-1]


def label_partitions(output: Path) -> dict[str, dict[str, int]]:
    """Documents and UTF-8 bytes of text per ``<label>/`` partition, from the Parquet footers."""
    partitions: dict[str, dict[str, int]] = {}
    for path in sorted(output.glob("*/*.parquet")):
        if path.parent.name == NOT_EXTRACTED:  # the fetch stage's pages robots removes: no label, no text
            continue
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.to_arrow_schema().get_field_index("text")
        row = partitions.setdefault(path.parent.name, {"documents": 0, "bytes": 0})
        row["documents"] += metadata.num_rows
        row["bytes"] += sum(metadata.row_group(i).column(column).total_uncompressed_size
                            for i in range(metadata.num_row_groups)) if column >= 0 else 0
    return partitions


def card_header(run_dir: Path, stage: str, partitions: dict[str, dict[str, int]]) -> dict:
    languages = sorted({label.split("_")[0] for label in partitions} - NO_LANGUAGE)
    return {
        "pretty_name": f"clearweb run {run_dir.resolve().name}",
        "language": languages,
        "license": "other",
        "task_categories": ["text-generation"],
        "size_categories": [size_category(sum(row["documents"] for row in partitions.values()))],
        "configs": [{"config_name": label, "data_files": [{"split": "train", "path": f"{stage}/output/{label}/*.parquet"}]}
                    for label in sorted(partitions)],
    }


def _table(headers: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in row) + " |"
                    for row in rows]


def compliance_lines(sections: dict) -> list[str]:
    lines = []
    robots = sections.get("robots")
    if robots:
        removed = ", ".join(f"{reason} {count:,}" for reason, count in robots.get("removed_per_signal", {}).items())
        lines.append(f"- robots.txt, applied retroactively from the snapshot of {robots.get('snapshot_date')} "
                     f"(sha256 {str(robots.get('snapshot_sha256'))[:16]}...), policy `{robots.get('policy')}`, for the "
                     f"agents {', '.join(robots.get('agents') or [])}; removed: {removed or 'none'}.")
    compliance = sections.get("compliance") or {}
    consent = compliance.get("consent")
    if consent:
        removed = ", ".join(f"{reason} {count:,}" for reason, count in consent.get("removed", {}).items())
        lines.append(f"- Consent signals honoured: {', '.join(consent.get('honoured') or []) or 'none'}; "
                     f"removed: {removed or 'none'}.")
        licenses = ", ".join(f"{name} {count:,}" for name, count in consent.get("license_distribution", {}).items())
        lines.append(f"- Licenses stated by the pages: {licenses or 'none recorded'}.")
    if compliance.get("toxicity"):
        removed = sum(h.get("removed", 0) for h in compliance["toxicity"].get("histograms", {}).values())
        lines.append(f"- Toxicity: documents above their language's threshold removed ({removed:,}).")
    pii = compliance.get("pii")
    if pii is not None:
        found = ", ".join(f"{entity} {count:,}" for entity, count in (pii.get("per_entity") or {}).items())
        lines.append(f"- Personal data replaced by placeholder tokens (`<email-pii>`, ...) in {pii.get('documents', 0):,} "
                     f"documents: {found or 'none found'}.")
    return lines or ["- No compliance stage ran in this run."]


def dataset_card(run_dir: Path) -> str:
    run_dir = Path(run_dir)
    stage = final_document_stage(run_dir)
    partitions = label_partitions(run_dir / stage / "output")
    if not partitions:
        raise InputError(f"{run_dir / stage / 'output'}: no <label>/ partitions (the card describes a run with a "
                         f"language stage)")
    report = build_report(run_dir)
    tokens = (report["sections"].get("tokenize") or {}).get("per_language", {})
    header = yaml.safe_dump(card_header(run_dir, stage, partitions), sort_keys=False, allow_unicode=True)
    rows = [[label, row["documents"], row["bytes"], tokens.get(label, "-")]
            for label, row in sorted(partitions.items(), key=lambda kv: -kv[1]["documents"])]
    total = sum(row["documents"] for row in partitions.values())
    body = [
        f"# {run_dir.resolve().name}", "",
        f"Web documents filtered by clearweb from the crawl inputs named in `config.yaml`: "
        f"{total:,} documents in {len(partitions)} language label{'s' if len(partitions) != 1 else ''} "
        f"(GlotLID-style `xxx_Scrp`), the output of the "
        f"`{stage}` stage, one Parquet folder per label.", "",
        "## Languages", "", *_table(["label", "documents", "UTF-8 bytes", "tokens"], rows), "",
        "## Filtering", "", "```", *funnel_lines(report["stages"]), "```", "",
        "## Compliance", "", *compliance_lines(report["sections"]), "",
        "## License", "",
        "Each page keeps the terms its publisher gave it; the `license` column holds the Creative Commons license "
        "a page stated, where it stated one. The publisher of this dataset states the terms of the whole set.", "",
        "## Loading", "", "```python", "import datasets",
        f'ds = datasets.load_dataset("parquet", data_files="{stage}/output/{rows[0][0]}/*.parquet", split="train")',
        "```", "",
    ]
    return f"---\n{header}---\n\n" + "\n".join(body)


def cmd_card(args: argparse.Namespace) -> int:
    run_dir = Path(args.run)
    out = Path(args.out) if args.out else run_dir / "README.md"
    out.write_text(dataset_card(run_dir), encoding="utf-8")
    print(f"dataset card: {out}")
    return 0


def add_card_options(card: argparse.ArgumentParser) -> None:
    card.add_argument("--out", help="default: RUN/README.md")
