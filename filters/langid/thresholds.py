"""Per-label language-score thresholds.

FineWeb-2 found one global threshold wrong for a long tail of languages and used per-language
minimums between 0.3 and 0.9. A thresholds file maps ``xxx_Scrp`` labels to minimum scores, as
YAML (``deu_Latn: 0.8``) or CSV (``label,threshold`` rows, header optional); labels it does not
name use the global default.
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from clearweb.filters.langid.labels import LABEL_PATTERN
from clearweb.pipeline.core.bounded_yaml import BoundedLoader


class ThresholdsError(ValueError):
    pass


def load_thresholds(path: str | Path) -> dict[str, float]:
    """``{label: threshold}`` from a YAML or CSV file; errors name the file and the entry."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        rows = [row for row in csv.reader(text.splitlines()) if row and not row[0].startswith("#")]
        if rows and rows[0][0].strip().lower() == "label":
            rows = rows[1:]
        entries = [(row[0].strip(), row[1].strip() if len(row) > 1 else "") for row in rows]
    else:
        try:
            data = yaml.load(text, Loader=BoundedLoader) or {}
        except yaml.YAMLError as exc:
            raise ThresholdsError(f"{path}: invalid YAML: {' '.join(str(exc).split())[:200]}") from None
        if not isinstance(data, dict):
            raise ThresholdsError(f"{path}: expected a mapping of label: threshold")
        entries = list(data.items())
    thresholds: dict[str, float] = {}
    for label, value in entries:
        if not LABEL_PATTERN.match(str(label)):
            raise ThresholdsError(f"{path}: {label}: not an xxx_Scrp label")
        try:
            threshold = float(value)
        except (TypeError, ValueError):
            raise ThresholdsError(f"{path}: {label}: threshold {value!r} is not a number") from None
        if not 0.0 <= threshold <= 1.0:
            raise ThresholdsError(f"{path}: {label}: threshold {threshold} is outside [0, 1]")
        thresholds[str(label)] = threshold
    return thresholds
