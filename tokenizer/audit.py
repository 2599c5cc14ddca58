"""What the report says about the tokenizer: its fertility report (written by the trainer)."""

from __future__ import annotations

import json

from clearweb.pipeline.core.stage import StageView


def fertility_report(view: StageView) -> dict | None:
    path = view.dirs.output / "fertility.json"
    return json.loads(path.read_text()) if path.is_file() else None


def tokens_report(view: StageView) -> dict:
    """Tokens written per language label, from the tokenize tasks' side files."""
    tokens: dict[str, int] = {}
    for counts in view.side_files(view.dirs.logs / "tokens"):
        for label, count in counts.items():
            tokens[label] = tokens.get(label, 0) + count
    return {"per_language": dict(sorted(tokens.items(), key=lambda kv: -kv[1]))}
