"""report.html: one self-contained page (inline SVG charts, no scripts, no network) that opens from disk.

Users decide thresholds and defend their data from it, so every chart has its table beside it and
every removal reason has examples with the removed/ file they came from.
"""

from __future__ import annotations

import html
import json
from functools import partial

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem} h2{margin-top:2.2rem;border-bottom:1px solid #d9e2ec;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem} td,th{padding:.25rem .6rem;border-bottom:1px solid #eef2f6;text-align:left}
th{background:#f5f7fa} td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start} .muted{color:#7b8794;font-size:.85rem}
code{background:#f5f7fa;padding:0 .2rem} .example{font-size:.85rem;margin:.3rem 0 .8rem 0}
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(rows: list[tuple[str, float]], width: int = 520, marker: float | None = None,
              marker_label: str = "", color: str = "#3e7cb1") -> str:
    """Horizontal bars as inline SVG; an optional vertical marker (e.g. a threshold) on the value axis."""
    if not rows:
        return '<p class="muted">nothing to show</p>'
    label_width, bar_height, gap = 170, 16, 4
    peak = max([value for _, value in rows] + ([marker] if marker is not None else [])) or 1.0
    scale = (width - label_width - 70) / peak
    height = len(rows) * (bar_height + gap) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(rows):
        y = i * (bar_height + gap) + 4
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" font-size="11" text-anchor="end">{esc(label)[:28]}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{max(value * scale, 0.5):.1f}" height="{bar_height}" '
                     f'fill="{color}"><title>{esc(label)}: {value:,.4g}</title></rect>')
        parts.append(f'<text x="{label_width + value * scale + 4:.1f}" y="{y + 12}" font-size="11">{value:,.4g}</text>')
    if marker is not None:
        x = label_width + marker * scale
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x + 3:.1f}" y="{height - 2}" font-size="10" fill="#c0392b">{esc(marker_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def table(headers: list[str], rows: list[list], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            text = f"{value:,}" if isinstance(value, int) else (f"{value:,.3g}" if isinstance(value, float) else esc(value))
            cells.append(f'<td class="n">{text}</td>' if index >= numeric_from else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else ""


def _funnel(report: dict) -> str:
    rows = [s for s in report["stages"] if s["funnel"]]
    chart = bar_chart([(f"{s['name']} out", s["docs_out"] or s["docs_in"]) for s in rows])
    data = [[s["name"], s["docs_in"], s["docs_out"], _share(s["docs_out"], s["docs_in"]), s["chars_out"] if s["chars_out"] is not None else "-",
             s["tokens_out"] or "", sum(s["removed"].values())] for s in rows]
    return (f'<div class="grid">{chart}{table(["stage", "docs in", "docs out", "kept", "chars out", "tokens out", "removed"], data)}'
            "</div>")


def _removals(report: dict) -> str:
    rows = [(f"{s['name']}: {reason}", n, _share(n, s["docs_in"])) for s in report["stages"]
            for reason, n in s["removed"].items()]
    parts = [f'<div class="grid">{bar_chart([(label, n) for label, n, _ in rows], color="#c0392b")}'
             f'{table(["stage: reason", "documents", "of the stage input"], [list(r) for r in rows])}</div>']
    for stage, account in report.get("removals", {}).items():
        labels = sorted({label for entry in account.values() for label in entry["languages"]},
                        key=lambda label: -sum(entry["languages"].get(label, 0) for entry in account.values()))
        shown = labels[:LANGUAGE_COLUMNS]
        data = [[reason, entry["documents"], entry["characters"], *[entry["languages"].get(label, 0) for label in shown],
                 *([sum(n for label, n in entry["languages"].items() if label not in shown)] if len(labels) > len(shown)
                   else [])]
                for reason, entry in account.items()]
        headers = ["reason", "documents", "characters", *shown, *(["other languages"] if len(labels) > len(shown) else [])]
        parts.append(f"<h3>{esc(stage)}: removed documents by reason and language</h3>" + table(headers, data))
    return "".join(parts)


#: languages shown as columns in the per-stage removals tables (the rest are summed)
LANGUAGE_COLUMNS = 6


#: stages whose removals are consent, rights or safety decisions (the summary at the top of the page)
COMPLIANCE_STAGES = ("robots", "compliance")


def _compliance_summary(report: dict) -> str:
    """How much the consent, rights and safety checks removed, as shares of the documents fetched."""
    stages = {s["name"]: s for s in report["stages"] if s["funnel"]}
    fetched = stages["fetch"]["docs_out"] if "fetch" in stages else 0
    rows = [[f"{name}: {reason}", n, _share(n, fetched)] for name in COMPLIANCE_STAGES if name in stages
            for reason, n in sorted(stages[name]["removed"].items(), key=lambda kv: -kv[1])]
    if not rows or not fetched:
        return ""
    removed = sum(row[1] for row in rows)
    return (f'<div style="border:1px solid #d9e2ec;padding:.4rem 1rem;margin:1rem 0"><h2 style="margin-top:.4rem">'
            f"Compliance summary</h2><p>Of {fetched:,} documents fetched, the robots and compliance stages removed "
            f"<b>{removed:,} ({_share(removed, fetched)})</b>:</p>"
            + table(["stage: signal", "documents", "of the documents fetched"], rows) + "</div>")


def _robots(robots: dict) -> str:
    parts = [f'<p>Snapshot <code>{esc(robots["snapshot"])}</code> (sha256 <code>{esc(robots["snapshot_sha256"])}</code>) '
             f'fetched {esc(robots["snapshot_date"])}; policy <code>{esc(robots["policy"])}</code>'
             + (f' with {robots["crawl_time_captures"]:,} archived robots.txt captures from '
                f'{esc(", ".join(robots["crawl_time_crawls"]))}' if robots["policy"] != "latest" else "")
             + f'; mode <code>{esc(robots["mode"])}</code>, unreachable robots.txt: '
             f'<code>{esc(robots["on_unreachable"])}</code>; origins whose robots.txt was unreachable or refused: '
             f'{_share(robots["unreachable_share"], 1) if robots["unreachable_share"] is not None else "n/a"} (the '
             f'filter refuses to run above {robots["max_unreachable_fraction"]:.0%}).</p>',
             f'<p class="muted">Agents: {esc(", ".join(robots["agents"]))}</p>',
             "<h3>Removals per signal</h3>",
             table(["removed_by", "documents"], [[k, v] for k, v in sorted(robots["removed_per_signal"].items())]),
             "<h3>Removals per agent</h3>", bar_chart(sorted(robots["removed_per_agent"].items(), key=lambda kv: -kv[1])),
             "<h3>Crawl outcomes</h3>",
             f'<div class="grid">{bar_chart(sorted(robots["crawl_outcomes"].items()))}'
             f'{table(["HTTP status class", "origins"], [[k, v] for k, v in sorted(robots["http_status"].items())])}</div>',
             "<h3>Top domains by removals</h3>", table(["domain", "documents"], [list(r) for r in robots["top_domains"]])]
    return "".join(parts)


def _languages(languages: dict, tokens: dict[str, int]) -> str:
    top = languages["top"]
    thresholds = languages["thresholds"]
    rows = [[r["label"], r["docs"], r["bytes"], tokens.get(r["label"], ""), r["removed"],
             thresholds.get(r["label"], languages["threshold"])] for r in top]
    tail = languages["tail"]
    sources = (["FineWeb-2's minimums"] if languages.get("thresholds_preset") == "fineweb2" else []) + (
        [f'<code>{esc(languages["thresholds_file"])}</code>'] if languages["thresholds_file"] else [])
    per_label = f' Per-label thresholds from {" and ".join(sources)}: {len(thresholds)} labels.' if sources else ""
    reused = (f' {languages["labels_reused"]:,} documents kept the labels they came with.'
              if languages.get("labels_reused") else "")
    return (f'<p>{languages["labels"]} labels; global threshold {languages["threshold"]}.{per_label}{reused} The long tail '
            f'beyond the top {len(top)}: {tail["labels"]} labels, {tail["docs"]:,} documents, {tail["bytes"]:,} bytes.</p>'
            f'<div class="grid">{bar_chart([(r["label"], r["docs"]) for r in top])}'
            f'{table(["label", "docs", "bytes", "tokens", "removed", "threshold applied"], rows)}</div>')


def _consent(section: dict) -> str:
    removed = [[reason, count] for reason, count in sorted(section["removed"].items())]
    return (f'<h3>Consent signals and licenses</h3><p>Honoured opt-outs: {esc(", ".join(section["honoured"]))}; '
            f'documents without page signals (no HTML): {section["without_page_signals"]:,}; with an unreadable '
            f'tdmrep.json: {section["unreadable_tdmrep"]:,}, whose tdmrep.json was never fetched: '
            f'{section["unchecked_tdmrep"]:,}.</p><div class="grid">'
            f'{bar_chart(sorted(section["license_distribution"].items(), key=lambda kv: -kv[1]))}'
            f'{table(["signal, opt-out or policy", "documents removed"], removed)}</div>')


def _toxicity(section: dict) -> str:
    parts = ["<h3>Toxicity score histograms</h3>",
             '<p class="muted">Per language with scored documents; bars are score ranges [from, to), the '
             "threshold is marked with the range it falls in. Languages without documents are left out.</p>",
             '<div class="grid">']
    for label, hist in sorted(section["histograms"].items()):
        if not sum(hist["counts"]):
            continue
        edges = hist["edges"]
        rows = [(f"[{edges[i]:g}, {edges[i + 1]:g})" if i + 1 < len(edges) else f">= {edges[i]:g}", count)
                for i, count in enumerate(hist["counts"])]
        threshold = hist["threshold"]
        inside = next((row for row, edge in zip(rows, edges[1:], strict=False)
                       if threshold is not None and edge > threshold), rows[-1])[0] if threshold is not None else ""
        parts.append(f'<div><p><b>{esc(label)}</b> threshold {threshold} (in {esc(inside)}), removed '
                     f'{hist["removed"]}</p>{bar_chart(rows, width=380)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _pii(section: dict) -> str:
    entities = sorted({e for counts in section["per_language"].values() for e in counts})
    return (f'<h3>PII replaced</h3><p>{section["documents"]:,} documents had PII replaced.</p>'
            f'{bar_chart(sorted(section["per_entity"].items(), key=lambda kv: -kv[1]))}'
            + table(["language", *entities], [[label, *[counts.get(e, 0) for e in entities]]
                                               for label, counts in section["per_language"].items()]))


def _generic(title: str, section: dict) -> str:
    """A section without its own renderer (a newly registered filter): its numbers as a table."""
    rows = [[key, json.dumps(value) if isinstance(value, (dict, list)) else value] for key, value in section.items()]
    return f"<h3>{esc(title)}</h3>" + table(["key", "value"], rows, numeric_from=2)


COMPLIANCE_RENDERERS = {"consent": _consent, "toxicity": _toxicity, "pii": _pii}


def _compliance(compliance: dict) -> str:
    return "".join(COMPLIANCE_RENDERERS[name](section) if name in COMPLIANCE_RENDERERS else _generic(name, section)
                   for name, section in compliance.items() if section is not None)


def _fetch(fetch: dict) -> str:
    records = fetch["records"]
    rows = [["records read", records, _share(records, records)]]
    rows += [[f"  skipped: {reason}", n, _share(n, records)] for reason, n in fetch["skipped"].items()]
    rows.append(["documents read", fetch["documents_read"], _share(fetch["documents_read"], records)])
    rows += [[f"  not extracted: {reason}", n, _share(n, records)] for reason, n in fetch["not_extracted"].items()]
    rows += [[f"  extraction skipped: the {stage} stage removes them", n, _share(n, records)]
             for stage, n in fetch.get("extraction_skipped", {}).items()]
    rows.append(["documents out", fetch["documents"], _share(fetch["documents"], records)])
    decoded = "".join(f" {n:,} text records decoded as {name} (not UTF-8)." for name, n in fetch["decoded"].items())
    return (f'<p>{fetch["shards"]:,} shards. Every record and where it went; percentages are of the records read.'
            f'{esc(decoded)}</p>' + table(["records", "count", "share"], rows))


def _dedup(dedup: dict) -> str:
    recipe = dedup["recipe"]
    rows = [[r["label"], r["docs"], r["clusters"], r["removed"], ", ".join(f"{size}: {n}" for size, n in r["sizes"].items())]
            for r in dedup["languages"]]
    return (f'<p>MinHash per language: {recipe["n_grams"]}-gram shingles, {recipe["num_buckets"]} buckets x '
            f'{recipe["hashes_per_bucket"]} hashes, {recipe["precision"]}-bit. {dedup["clusters"]:,} clusters of '
            f'near-duplicates; {dedup["removed"]:,} documents removed, one kept per cluster (its id is on each removed '
            "document: <code>clearweb why</code>).</p>"
            f'<div class="grid"><div><p class="muted">clusters by size (documents)</p>'
            f'{bar_chart(list(dedup["cluster_sizes"].items()), width=380)}</div>'
            f'{table(["language", "docs", "clusters", "removed", "clusters by size"], rows, numeric_from=1)}</div>')


#: the FineWeb-2 values shown per language, in the filters' order
_QUALITY_COLUMNS = ("dup_line_frac", "top_n_grams", "line_punct_thr", "new_line_ratio", "max_non_alpha_words_ratio",
                    "stopwords")


def _quality(quality: dict) -> str:
    per_reason = [[f"{name}: {reason}", n] for name, entry in quality["removed_per_filter"].items()
                  for reason, n in sorted(entry["reasons"].items())]
    rows = []
    for r in quality["languages"]:
        values = r["values"]
        shown = [values[key][0][1] if key == "top_n_grams" else values[key] for key in _QUALITY_COLUMNS]
        rows.append([r["label"], r["docs"], r["removed"], ", ".join(f"{k} {v}" for k, v in r["per_filter"].items()),
                     *shown, r["tokenizer"] if r["filtered"] else "unfiltered"])
    headers = ["language", "docs", "removed", "per filter", "dup_line_frac", "top 2-gram", "line_punct_thr",
               "new_line_ratio", "non-alpha words", "stopwords (count)", "word tokenizer"]
    notes = [f"<li><b>{esc(label)}</b>: {esc(text)}</li>" for label, text in quality["fallback"].items()]
    notes += [f"<li><b>{esc(label)}</b>: {esc(text)}</li>" for label, text in quality["unfiltered"].items()]
    tail = quality["tail"]
    finishing = ", ".join(k for k, on in quality["finishing"].items() if on) or "none"
    return (f'<p>Filters in order: {esc(", ".join(quality["filters"]))}, with FineWeb-2\'s values per language '
            f"(the thresholds applied are in the table). Finishing steps: {esc(finishing)}.</p>"
            f'<div class="grid">{bar_chart([(r[0], r[1]) for r in per_reason], color="#c0392b")}'
            f'{table(["filter: measure", "documents removed"], per_reason)}</div>'
            + table(headers, rows, numeric_from=1)
            + (f'<p class="muted">Beyond these {len(rows)}: {tail["labels"]} labels, {tail["docs"]:,} documents, '
               f'{tail["removed"]:,} removed.</p>' if tail["labels"] else "")
            + (f"<p>Labels not held to their own FineWeb-2 values:</p><ul>{''.join(notes)}</ul>" if notes else ""))


def _fertility(fertility: dict) -> str:
    reference = fertility.get("reference")
    if reference:
        name = reference["name"]
        rows = [[label, r["documents"], r["tokens_per_word"], reference["languages"][label]["tokens_per_word"],
                 r["bytes_per_token"], reference["languages"][label]["bytes_per_token"]]
                for label, r in fertility["languages"].items() if label in reference["languages"]]
        headers = ["language", "docs", "tokens/word", f"tokens/word ({name})", "bytes/token", f"bytes/token ({name})"]
    else:
        rows = [[label, r["documents"], r["chars_per_token"], r["bytes_per_token"], r["tokens_per_word"]]
                for label, r in fertility["languages"].items()]
        headers = ["language", "docs", "chars/token", "bytes/token", "tokens/word"]
    asked = fertility.get("vocab_size_requested", fertility["vocab_size"])
    size = f'{fertility["vocab_size"]:,}' + (f" (<b>{asked:,} asked</b>: the text held no more merges)"
                                            if asked > fertility["vocab_size"] else "")
    goldfish = fertility.get("goldfish_dropped")
    return (f'<p>Vocabulary {size}; Gini coefficient of tokens per byte across '
            f'{len(rows)} languages: <b>{fertility["gini_tokens_per_byte"]:.3f}</b> (lower is fairer; Apertus: 0.205 '
            f'on 60 FLORES languages)'
            + (f'; {reference["name"]}: <b>{reference["gini_tokens_per_byte"]:.3f}</b>' if reference else "")
            + (f'. Goldfish (k=50, h=50) drops {goldfish:.2%} of labels on this text (1/k = 2%)' if goldfish is not None
               else "")
            + f'.</p><div class="grid">'
            f'{bar_chart([(label, r["bytes_per_token"]) for label, r in fertility["languages"].items()])}'
            f'{table(headers, rows)}</div>')


def _lineage(report: dict) -> str:
    rows = []
    for name, record in report["lineage"].items():
        if record:
            rows.append([name, record["status"], (record["fingerprint"] or "")[:16], record["completed_at"] or "",
                         record["inputs"] if record["inputs"] is not None else "",
                         ", ".join(f"{k} {str(v)[:12]}" for k, v in (record["artifacts"] or {}).items())])
        else:
            rows.append([name, "not started", "", "", "", ""])
    return table(["stage", "status", "fingerprint", "completed", "input shards", "artifacts used (sha256)"], rows,
                 numeric_from=9)


def _erasures(report: dict) -> str:
    rows = [[e["erasure"], e["date"], e["reason"], e["matched_by"], e["documents"],
             ", ".join(f"{stage} {n}" for stage, n in e["removed_from_outputs"].items())]
            for e in report.get("erasures") or []]
    if not rows:
        return '<p class="muted">no erasures</p>'
    return ('<p class="muted">Documents removed from the outputs after the stages ran (clearweb erase); the funnel '
            'counts what the stages did.</p>'
            + table(["erasure", "date", "reason", "matched by", "documents", "removed from outputs"], rows))


def _time(report: dict) -> str:
    rows = [[s["name"], s["tasks"], s["task_seconds"], s["docs_per_task_second"] or ""] for s in report["stages"]]
    return table(["phase", "tasks", "task-seconds", "docs per task-second"], rows)


def _examples(examples: dict) -> str:
    parts = []
    for reason, rows in examples.items():
        parts.append(f"<h3>{esc(reason)}</h3>")
        for row in rows:
            parts.append(f'<div class="example"><b>{esc(row["url"])}</b><br>{esc(row["text"])}…<br>'
                         f'<span class="muted">removed_by: {esc(row.get("removed_by"))}; {esc(row["file"])}</span></div>')
    return "".join(parts) or '<p class="muted">no removals</p>'


#: a stage's report section -> its title and renderer (``language`` is added in render_html, with the
#: tokenize stage's figures); a stage without one is shown as a table
SECTIONS = {"fetch": ("Fetch: records to documents", _fetch), "robots": ("robots.txt opt-outs", _robots),
            "dedup": ("Near-duplicates (dedup)", _dedup),
            "quality": ("Quality filters", _quality),
            "compliance": ("Compliance: licenses, TDM, toxicity, PII", _compliance),
            "tokenizer": ("Tokenizer fertility", _fertility)}


def render_html(report: dict) -> str:
    config = report["config"]
    known = report["sections"]
    sections = [("Funnel", _funnel(report)), ("Removals by reason", _removals(report)),
                ("Erasures", _erasures(report)), ("Lineage", _lineage(report))]
    # the languages table shows the tokenize stage's tokens per label beside the language stage's figures
    renderers = SECTIONS | {"language": ("Languages", partial(
        _languages, tokens=(known.get("tokenize") or {}).get("per_language", {})))}
    for name, section in known.items():  # in pipeline order
        if name in renderers:
            title, render = renderers[name]
            sections.append((title, render(section)))
        elif name != "tokenize":  # its figures are in the funnel and the languages table
            sections.append((name, _generic(name, section)))
    sections.append(("Time per phase", _time(report)))
    sections.append(("Examples of removed documents", _examples(report["examples"])))
    body = "".join(f"<h2>{esc(title)}</h2>{content}" for title, content in sections)
    recorded = next((r["versions"] for r in report["lineage"].values() if r and r.get("versions")), {})
    versions = ", ".join(f"{k} {v}" for k, v in recorded.items())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>clearweb report: {esc(report['run_dir'])}</title>"
            f"<style>{_CSS}</style></head><body><h1>clearweb filter statistics</h1>"
            f"<p><code>{esc(report['run_dir'])}</code>, generated {esc(report['generated_at'])}</p>"
            f"<p class='muted'>{esc(versions)}</p>"
            f"<details><summary>Run configuration</summary><pre>{esc(json.dumps(config, indent=1))}</pre></details>"
            f"{_compliance_summary(report)}{body}</body></html>")
