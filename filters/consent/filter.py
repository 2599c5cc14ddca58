"""The consent step: every machine-readable AI-training signal of a document, one verdict.

It reads the signals the fetch stage recorded (HTTP headers, HTML meta tags, license links) and,
where the robots crawl also fetched it, the origin's /.well-known/tdmrep.json, and records each
statement in the document's ``consent`` list (source, signal, value, opt-out or not), after the
robots.txt statements the robots stage put there. Any honoured opt-out removes the document, in
this order of removal reasons:
- ``tdm_reservation``: TDMRep, its three levels resolved by precedence (tdmrep.json < HTTP header <
  HTML meta; a level that states nothing keeps the lower one's value); only the value that wins
  counts, the others are recorded as overridden;
- ``content_usage``: an IETF aipref ``Content-Usage`` header saying ``n`` to a training category
  (``usage_labels``); one that does not parse states nothing, and is recorded as such;
- ``noai``: ``noai`` in ``X-Robots-Tag`` or a robots meta tag.
``honour`` names the signals that remove documents (all by default); the others are recorded only.
Then the license: every document gets ``license`` (``unknown`` without a Creative Commons link,
never a guess), and one not in ``allowed_licenses`` (or NC/ND under the ``commercial`` preset) is
removed as ``license``.

What cannot be checked is not kept: a document without URL is removed as ``no_provenance``
(``on_missing_url: keep`` keeps it); when tdmrep.json files are read (a robots snapshot is given),
one whose origin serves a tdmrep.json that does not parse is removed as ``tdmrep_unreadable``, and
one whose origin's file was never fetched (no snapshot entry, a URL without http(s) origin, an
entry crawled without tdmrep.json) as ``tdmrep_unchecked`` (``on_unchecked_tdmrep: keep`` reads
both as absent); all are counted either way. A 2xx answer that is HTML (a soft 404) is no
tdmrep.json: absent, counted as ``tdmrep_not_json``. Documents without page signals (Parquet/JSONL
inputs) are checked against what exists: the tdmrep.json file and the robots.txt statements.
Signals in the layout of clearweb before per-source keys fail the task with a line saying to
recompute the fetch stage: read as they are, they would state nothing.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.consent.aipref import TRAINING_LABELS, usage_opt_out
from clearweb.filters.consent.detect import UNKNOWN, is_noncommercial_or_noderivatives, license_of
from clearweb.filters.consent.tdmrep import (
    TdmLevel,
    TdmRepError,
    TdmRepRules,
    parse_tdmrep,
    reservation_value,
    resolve,
)
from clearweb.filters.robots.filter import NO_PROVENANCE
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.core.filter_step import FilterStep
from clearweb.pipeline.core.provenance import origin_of

#: stats: documents per detected license (``license:cc-by-4.0``)
LICENSE_PREFIX = "license:"
#: signals ``honour`` may name, with the removal reason each gives, in decision order
SIGNALS = {"tdmrep": "tdm_reservation", "content_usage": "content_usage", "noai": "noai"}
UNREADABLE_TDMREP = "tdmrep_unreadable"
UNCHECKED_TDMREP = "tdmrep_unchecked"
_NO_FILE = TdmRepRules([])  # the origin was asked and has no tdmrep.json: no rules


def _statement(source: str, signal: str, value: str, opt_out: bool) -> dict:
    return {"source": source, "signal": signal, "value": value, "opt_out": opt_out}


class ConsentFilter(FilterStep):
    name = "⚖ Consent + license"
    stats_key = "consent"

    def __init__(self, honour: tuple[str, ...] | list[str] = tuple(SIGNALS),
                 usage_labels: tuple[str, ...] | list[str] = TRAINING_LABELS,
                 allowed_licenses: list[str] | None = None, preset: str | None = None,
                 snapshot_dir: str | None = None, on_missing_url: str = "drop", on_unchecked_tdmrep: str = "drop",
                 exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        self.honour = set(honour)
        self.usage_labels = tuple(usage_labels)
        self.allowed_licenses = set(allowed_licenses) if allowed_licenses is not None else None
        self.preset = preset
        self.snapshot_dir = snapshot_dir
        self.on_missing_url = on_missing_url
        self.on_unchecked_tdmrep = on_unchecked_tdmrep
        #: origin -> its rules (``_NO_FILE`` when it has none), what is wrong with its file, or None
        #: when its file was never fetched; origins the snapshot lacks are absent
        self._tdmrep: dict[str, TdmRepRules | str | None] | None = None

    def _tdmrep_files(self) -> dict[str, TdmRepRules | str | None]:
        if self._tdmrep is None:
            self._tdmrep = {}
            if self.snapshot_dir and Path(self.snapshot_dir).is_dir():
                from clearweb.filters.robots.snapshot import TDMREP_COLUMNS, read_snapshot

                for origin, entry in read_snapshot(self.snapshot_dir, TDMREP_COLUMNS).items():
                    self._tdmrep[origin] = self._file_of(entry)
        return self._tdmrep

    def _file_of(self, entry) -> TdmRepRules | str | None:
        if entry.tdmrep_status is None:
            return None if entry.tdmrep_error is None else _NO_FILE  # never fetched, or unreachable
        if not 200 <= entry.tdmrep_status < 300 or not (entry.tdmrep_body or "").strip():
            return _NO_FILE
        if entry.tdmrep_body.lstrip().startswith("<"):
            self.stat_update("tdmrep_not_json")  # a soft 404: an HTML page where the file would be
            return _NO_FILE
        try:
            return TdmRepRules(parse_tdmrep(entry.tdmrep_body))
        except TdmRepError as exc:
            return str(exc)

    def _tdmrep_problem(self, url: str, origin: str | None) -> tuple[str, str] | None:
        """(removed_by, evidence) when the origin's tdmrep.json could not be checked."""
        if not self.snapshot_dir or "tdmrep" not in self.honour:
            return None
        files = self._tdmrep_files()
        if origin is None or origin not in files:
            where = f"no robots snapshot entry for {origin}" if origin else f"no http(s) origin in {url[:200]}"
            return UNCHECKED_TDMREP, f"the origin's tdmrep.json was not checked: {where}"
        found = files[origin]
        if found is None:
            return UNCHECKED_TDMREP, f"the tdmrep.json of {origin} was never fetched (crawl it: clearweb robots fetch RUN)"
        if isinstance(found, str):
            return UNREADABLE_TDMREP, f"the origin's tdmrep.json cannot be read: {found}"
        return None

    def _tdm_statements(self, url: str, origin: str | None, signals: dict | None,
                        statements: list[dict]) -> str | None:
        """Adds the TDMRep statements; returns the evidence when the resolved reservation is 1."""
        levels, written = [], {}
        rules = self._tdmrep_files().get(origin)
        rule = rules.rule_for(url) if isinstance(rules, TdmRepRules) else None
        if rule is not None:
            levels.append(TdmLevel(f"tdmrep.json rule {rule.index} (location {rule.location})", rule.reservation,
                                   rule.policy))
        for level, source in (("header", "http header"), ("meta", "html meta")):
            raw = signals.get(f"tdm_reservation_{level}") if signals else None
            policy = signals.get(f"tdm_policy_{level}") if signals else None
            if raw is not None or policy is not None:
                levels.append(TdmLevel(source, reservation_value(raw) if raw is not None else None, policy))
                written[source] = raw
        reservation, policy, deciding = resolve(levels)
        for level in levels:
            shown = written.get(level.source, level.reservation)
            if level.reservation is None and shown is not None:
                shown = f"{shown} (not 0 or 1: unset)"
            value = "; ".join(f"{name} {v}" for name, v in (("tdm-reservation", shown), ("tdm-policy", level.policy))
                              if v is not None)
            note = "" if level is deciding or level.reservation is None else " (overridden)"
            if value:  # a file rule that matches but states nothing
                statements.append(_statement(level.source + note, "tdmrep", value,
                                             level is deciding and reservation == "1"))
        if reservation != "1":
            return None
        return f"{deciding.source}: tdm-reservation 1" + (f"; tdm-policy {policy}" if policy else "")

    def _usage_statement(self, signals: dict | None, statements: list[dict]) -> str | None:
        value = signals.get("content_usage") if signals else None
        if not value:
            return None
        opt_out = usage_opt_out(value, self.usage_labels)
        if opt_out is None:  # aipref: a value that does not parse states nothing; counted, recorded as ignored
            self.stat_update("content_usage_unparseable")
        source = "http header" if opt_out is not None else "http header (not a Structured Fields dictionary: ignored)"
        statements.append(_statement(source, "content-usage", value, bool(opt_out)))
        return f"http header: Content-Usage: {value}" if opt_out else None

    def _noai_statements(self, signals: dict | None, statements: list[dict]) -> str | None:
        sources = [source for key, source in (("noai_header", "X-Robots-Tag header"), ("noai_meta", "robots meta tag"))
                   if signals and signals.get(key)]
        statements += [_statement(source, "noai", "noai", True) for source in sources]
        return f"noai ({' and '.join(sources)})" if sources else None

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        url = doc.metadata.get("url")
        if not url:
            self.stat_update(NO_PROVENANCE)
            if self.on_missing_url == "keep":
                return True
            doc.metadata["compliance_evidence"] = "no URL: consent signals cannot be checked"
            return False, NO_PROVENANCE
        signals = doc.metadata.get("signals")
        if signals is None:
            self.stat_update("no_signals")
        elif "tdm_reservation" in signals:
            raise InputError(f"document {doc.id}: its signals have the layout of an older clearweb (no per-source "
                             "keys), which this filter would read as stating nothing; recompute the fetch stage "
                             "(clearweb run CONFIG --rerun-stale, or delete RUN/fetch)")
        license_id = license_of(signals.get("license_urls") if signals else None)
        doc.metadata["license"] = license_id
        self.stat_update(f"{LICENSE_PREFIX}{license_id}")

        statements: list[dict] = []
        origin = origin_of(url)
        evidence = {"tdmrep": self._tdm_statements(url, origin, signals, statements),
                    "content_usage": self._usage_statement(signals, statements),
                    "noai": self._noai_statements(signals, statements)}
        if license_id != UNKNOWN:
            statements.append(_statement("license link", "license", license_id, False))
        if statements:
            doc.metadata["consent"] = (doc.metadata.get("consent") or []) + statements
        for signal, removed_by in SIGNALS.items():
            if evidence[signal] and signal in self.honour:
                doc.metadata["compliance_evidence"] = evidence[signal]
                return False, removed_by
        problem = self._tdmrep_problem(url, origin)
        if problem is not None:
            removed_by, why = problem
            self.stat_update(f"docs_with_{removed_by}")
            if self.on_unchecked_tdmrep == "drop":
                doc.metadata["compliance_evidence"] = why
                return False, removed_by
        if self.allowed_licenses is not None and license_id not in self.allowed_licenses:
            doc.metadata["compliance_evidence"] = f"license {license_id} not in allowed_licenses"
            return False, "license"
        if self.preset == "commercial" and is_noncommercial_or_noderivatives(license_id):
            doc.metadata["compliance_evidence"] = f"license {license_id} is NC or ND (commercial preset)"
            return False, "license"
        return True
