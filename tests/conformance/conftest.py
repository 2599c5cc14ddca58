import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"


def load_cases(name: str):
    """Cases from ../shared/conformance, or a skip with the reason when the folder is absent."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"conformance data not found at {path} (it sits beside a developer checkout)")
    return json.loads(path.read_text())
