"""What the report says about the tokenizer: its fertility report (written by the trainer), and
whether its vocabulary came out smaller than asked."""

from __future__ import annotations

import json
from pathlib import Path

from clearweb.pipeline.core.stage import StageView, stage_dirs


def fertility_report(view: StageView) -> dict | None:
    path = view.dirs.output / "fertility.json"
    return json.loads(path.read_text()) if path.is_file() else None


def vocabulary_shortfall(run_dir: Path) -> str | None:
    """One warning line when BPE training stopped below the asked vocab_size (the text held no
    more frequent pairs); None otherwise. Task logs hold it too, but the terminal shows only errors
    from tasks."""
    path = stage_dirs(run_dir, "tokenizer").output / "fertility.json"
    if not path.is_file():
        return None
    report = json.loads(path.read_text())
    asked, trained = report.get("vocab_size_requested", report["vocab_size"]), report["vocab_size"]
    if trained >= asked:
        return None
    return (f"warning: tokenizer: {trained:,} entries trained, {asked:,} asked (vocab_size): the text held no more "
            f"frequent pairs; {path} records both")


def tokens_report(view: StageView) -> dict:
    """Tokens written per language label, from the tokenize tasks' side files."""
    tokens: dict[str, int] = {}
    for counts in view.side_files(view.dirs.logs / "tokens"):
        for label, count in counts.items():
            tokens[label] = tokens.get(label, 0) + count
    return {"per_language": dict(sorted(tokens.items(), key=lambda kv: -kv[1]))}
