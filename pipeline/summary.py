"""``clearweb summary RUN [--run RUN2 ...]``: the EU AI Act public summary of training content.

Providers of general-purpose AI models placed on the EU market publish a summary of the content
they trained on (AI Act Article 53(1)(d)) on the AI Office's template (Commission Explanatory
Notice and Template, July 2025). This fills it in for the clearweb runs a model was trained on,
in the template's section order and numbering: every answer a run can give comes from its lineage
and report data (tokens and documents per language, the size range, the collection period from the
WARC dates of the kept documents, the crawl inputs, the robots.txt snapshots and agents honoured,
the opt-out signals with their counts, PII and toxicity measures with counts), and every answer it
cannot know is marked ``TO_COMPLETE`` for the provider, never guessed.

Where the content came from a public crawl (Common Crawl), the template places it under 2.1
(publicly available datasets), not 2.3 (crawling by the provider); the list of the most relevant
domain names (the top 10% of domains by bytes of kept text, for SMEs the top 5% or 1,000, whichever
is fewer) is then given in 2.1's comments, and in 2.3 when the provider says it crawled itself.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import Counter
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from clearweb.pipeline.card import final_document_stage, label_partitions
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.lineage import read_lineage
from clearweb.pipeline.report_data import build_report

TO_COMPLETE = "[to be completed by the provider]"
CRAWL_ID = re.compile(r"CC-MAIN-\d{4}-\d{2}")
TEXT_RANGES = [(1_000_000_000, "Less than 1 billion tokens"), (10_000_000_000_000, "1 billion to 10 trillion tokens")]


def text_size_range(tokens: int) -> str:
    return next((label for bound, label in TEXT_RANGES if tokens < bound), "More than 10 trillion tokens")


def top_domains(bytes_per_domain: dict[str, int], sme: bool = False) -> list[tuple[str, int]]:
    """The template's list: the top 10% of domains by size of content (SMEs: 5% or 1,000, fewer)."""
    ranked = sorted(bytes_per_domain.items(), key=lambda kv: (-kv[1], kv[0]))
    count = math.ceil(len(ranked) * (0.05 if sme else 0.10))
    return ranked[:min(count, 1000) if sme else count]


class RunFacts:
    """What one run contributes to the summary."""

    def __init__(self, run_dir: Path):
        self.run_dir = Path(run_dir)
        report = build_report(self.run_dir)
        self.report = report
        self.sections = report["sections"]
        self.stage = final_document_stage(self.run_dir)
        output = self.run_dir / self.stage / "output"
        # documents per language label; a run without a language stage has one unlabelled partition
        self.partitions = label_partitions(output) or {"und": {
            "documents": sum(pq.ParquetFile(path).metadata.num_rows for path in output.glob("*.parquet")), "bytes": 0}}
        self.tokens = dict((self.sections.get("tokenize") or {}).get("per_language", {}))
        self.domain_bytes: Counter[str] = Counter()
        dates: list[str] = []
        for path in sorted(output.rglob("*.parquet")):
            parquet = pq.ParquetFile(path)
            names = parquet.schema_arrow.names  # documents read from Parquet may lack some
            columns = [c for c in ("domain", "text", "fetch_date") if c in names]
            for batch in parquet.iter_batches(batch_size=8192, columns=columns):
                lengths = pc.binary_length(pc.cast(batch.column("text"), "binary")).to_pylist()
                domains = batch.column("domain").to_pylist() if "domain" in names else [None] * len(lengths)
                for domain, length in zip(domains, lengths, strict=True):
                    self.domain_bytes[domain or "(no domain)"] += length or 0
                if "fetch_date" in names:
                    dates += [d for d in batch.column("fetch_date").to_pylist() if d]
        self.first_date, self.last_date = (min(dates), max(dates)) if dates else (None, None)
        fetch = read_lineage(self.run_dir / "fetch") or {}
        self.inputs = fetch.get("inputs") or []
        self.crawl_ids = sorted({m.group(0) for shard in self.inputs
                                 for m in CRAWL_ID.finditer(json.dumps(shard))})


def month(date: str | None) -> str:
    return f"{date[5:7]}/{date[:4]}" if date and len(date) >= 7 else TO_COMPLETE


def build_summary(run_dirs: list[Path], provider: str | None = None, model: str | None = None,
                  sme: bool = False, crawled_by_provider: bool = False) -> dict:
    runs = [RunFacts(run_dir) for run_dir in run_dirs]
    tokens: Counter[str] = Counter()
    documents: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    toxic = 0
    for run in runs:
        tokens.update(run.tokens)
        documents.update({label: row["documents"] for label, row in run.partitions.items()})
        domains.update(run.domain_bytes)
        removed.update((run.sections.get("robots") or {}).get("removed_per_signal", {}))
        consent = (run.sections.get("compliance") or {}).get("consent") or {}
        removed.update(consent.get("removed", {}))
        pii.update(((run.sections.get("compliance") or {}).get("pii") or {}).get("per_entity", {}))
        toxicity = (run.sections.get("compliance") or {}).get("toxicity") or {}
        toxic += sum(h.get("removed", 0) for h in toxicity.get("histograms", {}).values())
    total_tokens, total_documents = sum(tokens.values()), sum(documents.values())
    dates = [d for run in runs for d in (run.first_date, run.last_date) if d]
    ranked = top_domains(dict(domains), sme)
    domain_list = {"rule": "top 5% of domains (at most 1,000) by bytes of kept text" if sme
                   else "top 10% of domains by bytes of kept text",
                   "domains": [{"domain": d, "bytes": b} for d, b in ranked], "of_domains": len(domains)}
    crawl_ids = sorted({crawl for run in runs for crawl in run.crawl_ids})
    snapshots = [{"run": str(run.run_dir), "snapshot_date": (run.sections.get("robots") or {}).get("snapshot_date"),
                  "snapshot_sha256": (run.sections.get("robots") or {}).get("snapshot_sha256"),
                  "agents": (run.sections.get("robots") or {}).get("agents"),
                  "policy": (run.sections.get("robots") or {}).get("policy")} for run in runs]
    honoured = sorted({signal for run in runs
                       for signal in ((run.sections.get("compliance") or {}).get("consent") or {}).get("honoured", [])})
    languages = ", ".join(f"{label} {count / max(1, total_tokens):.1%}" for label, count in tokens.most_common(10))
    public = bool(crawl_ids) and not crawled_by_provider
    sources = ", ".join(crawl_ids) or f"{sum(len(run.inputs) for run in runs)} input files (see each run's config.yaml)"
    return {
        "template": "Template for the Public Summary of Training Content for general-purpose AI models (AI Act "
                    "Article 53(1)(d)), European Commission, July 2025",
        "runs": [str(run.run_dir) for run in runs],
        "1 General information": {
            "1.1 Provider identification": {
                "Provider name and contact details": provider or TO_COMPLETE,
                "Authorised representative name and contact details": TO_COMPLETE},
            "1.2 Model identification": {
                "Versioned model name(s)": model or TO_COMPLETE,
                "Model dependencies": TO_COMPLETE,
                "Date of placement of the model on the Union market": TO_COMPLETE},
            "1.3 Modalities, overall training data size and other characteristics": {
                "Modality": "Text",
                "Training data size": text_size_range(total_tokens) if total_tokens else TO_COMPLETE,
                "Approximate size": f"{total_tokens:,} tokens, {total_documents:,} documents",
                "Tokens per language": dict(tokens.most_common()),
                "Documents per language": dict(documents.most_common()),
                "Types of content": "Text of public web pages (main text extracted from HTML), filtered for opt-outs, "
                                    "language, duplicates, quality, consent, toxicity and personal data",
                "Latest date of data acquisition/collection": month(max(dates) if dates else None),
                "Is the model continuously trained on new data after this date?": TO_COMPLETE,
                "Description of the linguistic characteristics of the overall training data":
                    f"{len(tokens) or len(documents)} language labels (ISO 639-3 + script, GlotLID); largest by "
                    f"tokens: {languages or 'no tokenize stage'}",
                "Other relevant characteristics": TO_COMPLETE},
        },
        "2 List of data sources": {
            "2.1 Publicly available datasets": {
                "Have you used publicly available datasets to train the model?": "Yes" if crawl_ids else TO_COMPLETE,
                "Modality": "Text" if crawl_ids else TO_COMPLETE,
                "List of large publicly available datasets": (f"Common Crawl {', '.join(crawl_ids)}, processed with "
                                                              "clearweb" if crawl_ids else TO_COMPLETE),
                "Collection period (WARC dates of the kept documents)": (f"{month(min(dates))} to {month(max(dates))}"
                                                                         if dates else TO_COMPLETE),
                "Most relevant domain names (given voluntarily)": domain_list if public else "see 2.3",
            },
            "2.2 Private non-publicly available datasets obtained from third parties": TO_COMPLETE,
            "2.3 Data crawled and scraped from online sources": {
                "Were crawlers used by the provider or on its behalf?": "Yes" if crawled_by_provider else TO_COMPLETE,
                "Crawler name(s)/identifier(s)": TO_COMPLETE,
                "Period of data collection": (f"{month(min(dates))} to {month(max(dates))}" if dates else TO_COMPLETE),
                "Type of content and online sources": f"web pages from {sources}",
                "Summary of the most relevant domain names crawled": domain_list if not public else "see 2.1",
            },
            "2.4 User data": TO_COMPLETE,
            "2.5 Synthetic data": TO_COMPLETE,
            "2.6 Other sources of data": TO_COMPLETE,
        },
        "3 Data processing aspects": {
            "3.1 Respect of reservation of rights from text and data mining exception or limitation": {
                "Signatory of the General-Purpose AI Code of Practice?": TO_COMPLETE,
                "Measures": {
                    "robots.txt": snapshots,
                    "Other opt-out signals honoured": honoured,
                    "Documents removed per signal": dict(removed.most_common()),
                    "Description": "robots.txt of every site, fetched at the snapshot date and applied "
                                   "retroactively to all its pages for the AI-training agents listed; page-level "
                                   "and site-level signals (" + (", ".join(honoured) or "none") + ") checked per "
                                   "document, each removal counted above"},
            },
            "3.2 Removal of illegal content": {
                "General description of measures taken": (
                    f"the per-language toxicity filter removed {toxic:,} documents; personal data replaced by "
                    f"placeholders ({', '.join(f'{k} {v:,}' for k, v in pii.most_common()) or 'none found'}); "
                    f"further measures: {TO_COMPLETE}")},
            "3.3 Other information": TO_COMPLETE,
        },
    }


def _markdown_value(value, depth: int = 0) -> list[str]:
    indent = "  " * depth
    if isinstance(value, dict) and "domains" in value:
        lines = [f"{indent}- {value['rule']} ({len(value['domains'])} of {value['of_domains']}):"]
        return lines + [f"{indent}  - {d['domain']} ({d['bytes']:,} bytes)" for d in value["domains"]]
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines += [f"{indent}- {key}:", *_markdown_value(item, depth + 1)]
            else:
                lines.append(f"{indent}- {key}: {item:,}" if isinstance(item, int) else f"{indent}- {key}: {item}")
        return lines
    if isinstance(value, list):
        return [line for item in value for line in _markdown_value(item, depth)] if value and isinstance(
            value[0], dict) else [f"{indent}- {', '.join(map(str, value)) or 'none'}"]
    return [f"{indent}{value}"]


def to_markdown(summary: dict) -> str:
    lines = ["# Public Summary of Training Content", "", f"_{summary['template']}_", "",
             "Runs: " + ", ".join(f"`{run}`" for run in summary["runs"]), ""]
    for section, subsections in summary.items():
        if section in ("template", "runs"):
            continue
        lines += [f"## {section}", ""]
        for subsection, fields in subsections.items():
            lines += [f"### {subsection}", ""]
            if isinstance(fields, dict):
                for question, answer in fields.items():
                    if isinstance(answer, (dict, list)):
                        lines += [f"**{question}:**", "", *_markdown_value(answer), ""]
                    else:
                        lines += [f"**{question}:** {answer}", ""]
            else:
                lines += [str(fields), ""]
    return "\n".join(lines)


def cmd_summary(args: argparse.Namespace) -> int:
    runs = [Path(args.run), *map(Path, args.runs)]
    for run in runs:
        if not run.is_dir():
            raise InputError(f"{run}: not a run directory")
    summary = build_summary(runs, args.provider, args.model, args.sme, args.crawled_by_provider)
    text = json.dumps(summary, indent=1, ensure_ascii=False) if args.format == "json" else to_markdown(summary)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"summary: {args.out} ({text.count(TO_COMPLETE)} fields for the provider to complete)")
    else:
        print(text)
    return 0


def add_summary_options(summary: argparse.ArgumentParser) -> None:
    summary.add_argument("--run", dest="runs", action="append", default=[], help="another run the model trained on")
    summary.add_argument("--format", choices=["md", "json"], default="md")
    summary.add_argument("--provider", help="provider name and contact details")
    summary.add_argument("--model", help="versioned model name(s)")
    summary.add_argument("--sme", action="store_true", help="domain list for an SME: top 5%% or 1,000, fewer")
    summary.add_argument("--crawled-by-provider", action="store_true",
                         help="the inputs were crawled by the provider (template section 2.3), not a public crawl")
    summary.add_argument("--out", help="write here instead of printing")
