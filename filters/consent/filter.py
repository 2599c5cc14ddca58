"""The license and TDM step: record each document's license, honour machine-readable opt-outs.

Decides from the signals the fetch stage recorded (meta tags, HTTP headers, license links) and,
where the robots crawl also fetched it, the origin's /.well-known/tdmrep.json:
- ``tdm_reservation``: TDMRep reservation in a meta tag, a header or a matching tdmrep.json rule
  (``drop_tdm_reserved``, default on; EU DSM directive Art. 4 and the AI Act expect it honoured);
- ``noai``: ``noai`` in robots meta or X-Robots-Tag (``drop_noai``, default on);
- ``license``: the license is not in ``allowed_licenses`` (default: all kept and recorded), or is
  NC/ND under the ``commercial`` preset.
Documents without signals (Parquet/JSONL inputs had no HTML) get ``license: unknown`` and no TDM
decision from page signals: nothing is guessed. Removed documents carry ``compliance_evidence``.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.writers.disk_base import DiskWriter

from clearweb.filters.license.detect import is_noncommercial_or_noderivatives, license_of
from clearweb.filters.license.tdmrep import TdmRepError, TdmRepRules, parse_tdmrep
from clearweb.filters.robots.origins import origin_of
from clearweb.pipeline.core.filter_step import FilterStep

#: stats: documents per detected license (``license:cc-by-4.0``)
LICENSE_PREFIX = "license:"


class LicenseTdmFilter(FilterStep):
    name = "⚖ License + TDM"
    stats_key = "license_tdm"

    def __init__(self, drop_tdm_reserved: bool = True, drop_noai: bool = True,
                 allowed_licenses: list[str] | None = None, preset: str | None = None,
                 snapshot_dir: str | None = None, exclusion_writer: DiskWriter | None = None):
        super().__init__(exclusion_writer)
        self.drop_tdm_reserved = drop_tdm_reserved
        self.drop_noai = drop_noai
        self.allowed_licenses = set(allowed_licenses) if allowed_licenses is not None else None
        self.preset = preset
        self.snapshot_dir = snapshot_dir
        self._tdmrep: dict[str, TdmRepRules] | None = None
        self._malformed: set[str] = set()

    def _tdmrep_rules(self) -> dict[str, TdmRepRules]:
        if self._tdmrep is None:
            self._tdmrep = {}
            if self.snapshot_dir and Path(self.snapshot_dir).is_dir():
                from clearweb.filters.robots.snapshot import TDMREP_COLUMNS, read_snapshot

                for origin, entry in read_snapshot(self.snapshot_dir, TDMREP_COLUMNS).items():
                    if entry.tdmrep_status is None or not 200 <= entry.tdmrep_status < 300 or not entry.tdmrep_body:
                        continue
                    try:
                        self._tdmrep[origin] = TdmRepRules(parse_tdmrep(entry.tdmrep_body))
                    except TdmRepError:
                        self._malformed.add(origin)
        return self._tdmrep

    def _tdm_evidence(self, doc: Document, signals: dict | None) -> str | None:
        if signals and signals.get("tdm_reservation"):
            policy = signals.get("tdm_policy")
            return "tdm-reservation: 1 (page meta or HTTP header)" + (f"; tdm-policy {policy}" if policy else "")
        url = doc.metadata.get("url")
        origin = origin_of(url) if url else None
        rules = self._tdmrep_rules().get(origin) if origin else None
        if origin in self._malformed:
            self.stat_update("docs_with_malformed_tdmrep")  # treated as no tdmrep.json
        rule = rules.rule_for(url) if rules else None
        if rule is not None and rule.reserved:
            return (f"tdmrep.json rule {rule.index}: location {rule.location} tdm-reservation 1"
                    + (f"; tdm-policy {rule.policy}" if rule.policy else ""))
        return None

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        signals = doc.metadata.get("signals")
        license_id = license_of(signals.get("license_urls") if signals else None)
        doc.metadata["license"] = license_id
        self.stat_update(f"{LICENSE_PREFIX}{license_id}")
        if signals is None:
            self.stat_update("no_signals")
        if self.drop_tdm_reserved:
            evidence = self._tdm_evidence(doc, signals)
            if evidence:
                doc.metadata["compliance_evidence"] = evidence
                return False, "tdm_reservation"
        if self.drop_noai and signals and (signals.get("noai")):
            doc.metadata["compliance_evidence"] = "noai (robots meta tag or X-Robots-Tag)"
            return False, "noai"
        if self.allowed_licenses is not None and license_id not in self.allowed_licenses:
            doc.metadata["compliance_evidence"] = f"license {license_id} not in allowed_licenses"
            return False, "license"
        if self.preset == "commercial" and is_noncommercial_or_noderivatives(license_id):
            doc.metadata["compliance_evidence"] = f"license {license_id} is NC or ND (commercial preset)"
            return False, "license"
        return True
