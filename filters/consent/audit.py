"""What the report and ``clearweb why`` say about the license/TDM filter."""

from __future__ import annotations

from clearweb.filters.license.filter import LICENSE_PREFIX, LicenseTdmFilter
from clearweb.pipeline.core.stage import StageView
from clearweb.pipeline.core.stats import DROPPED_PREFIX


def license_report(view: StageView) -> dict:
    stats = view.stats(LicenseTdmFilter.stats_key)
    return {"license_distribution": {k.removeprefix(LICENSE_PREFIX): int(v) for k, v in stats.items()
                                     if k.startswith(LICENSE_PREFIX)},
            "removed": {k.removeprefix(DROPPED_PREFIX): int(v) for k, v in stats.items()
                        if k.startswith(DROPPED_PREFIX) and k != DROPPED_PREFIX.rstrip("_")}}


def license_explain(row: dict, view: StageView) -> list[str]:
    return [f"evidence: {row.get('compliance_evidence')}", f"license: {row.get('license')}"]
