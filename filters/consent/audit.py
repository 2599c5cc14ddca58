"""What the report and ``clearweb why`` say about the consent filter."""

from __future__ import annotations

from clearweb.filters.consent.filter import LICENSE_PREFIX, ConsentFilter
from clearweb.pipeline.core.contract import consent_lines
from clearweb.pipeline.core.stage import StageView
from clearweb.pipeline.core.stats import removed_per_reason


def consent_report(view: StageView) -> dict:
    stats = view.stats(ConsentFilter.stats_key)
    return {"license_distribution": {k.removeprefix(LICENSE_PREFIX): int(v) for k, v in stats.items()
                                     if k.startswith(LICENSE_PREFIX)},
            "removed": removed_per_reason(stats), "honoured": view.settings.consent.honour,
            "without_page_signals": int(stats.get("no_signals", 0)),
            "unreadable_tdmrep": int(stats.get("docs_with_tdmrep_unreadable", 0)),
            "unchecked_tdmrep": int(stats.get("docs_with_tdmrep_unchecked", 0)),
            "soft_404_tdmrep_origins": int(stats.get("tdmrep_not_json", 0))}


def consent_explain(row: dict, view: StageView) -> list[str]:
    return [f"evidence: {row.get('compliance_evidence')}", f"license: {row.get('license')}",
            *(f"signal: {line}" for line in consent_lines(row.get("consent")))]
