"""The library API: the steps are importable from the package roots, and the README's example of a
plain datatrove pipeline made of clearweb steps runs as written."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import clearweb.filters
import clearweb.pipeline
import clearweb.tokenizer

README = Path(__file__).resolve().parent.parent / "README.md"

GERMAN = ("Die Stadtbibliothek eröffnet im Frühjahr einen neuen Lesesaal für Kinder. Er ist montags bis samstags "
          "geöffnet, und jeden Samstagmorgen lesen Autorinnen und Autoren aus der Region aus ihren Büchern vor. Die "
          "Stadt hat dafür einen alten Lagerraum umgebaut, der nun hell und ruhig ist. Wer Fragen zu den "
          "Öffnungszeiten hat, schreibt an info@bibliothek.de oder ruft während der Woche an. Die Bibliothek bittet "
          "außerdem um Spenden von Kinderbüchern, die noch gut erhalten sind.")
ENGLISH = ("The council will meet on Tuesday evening to discuss the new cycling lanes in the old town. The plan would "
           "close two streets to cars on weekends and add bicycle parking near the market square. Shop owners are "
           "divided: some expect more visitors, others worry about deliveries. Residents can send comments to "
           "council@example.org before the meeting starts, and the full plan is available at the town hall for "
           "anyone who wants to read it.")
SPAM = " ".join(["buy cheap shoes now"] * 30)


def test_every_exported_name_imports():
    for package in (clearweb.filters, clearweb.pipeline, clearweb.tokenizer):
        assert package.__all__
        for name in package.__all__:
            assert getattr(package, name).__name__ == name


def test_readme_example_runs(tmp_path):
    code = re.search(r"<!-- library-example -->\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    (tmp_path / "my-data").mkdir()
    (tmp_path / "my-data" / "docs.jsonl").write_text("".join(
        json.dumps({"id": name, "text": text}) + "\n" for name, text in (("de", GERMAN), ("en", ENGLISH), ("spam", SPAM))))
    (tmp_path / "example.py").write_text(code)
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for path in sorted((tmp_path / "my-output").glob("*.jsonl.gz"))
            for line in gzip.open(path, "rt")]
    assert {row["id"]: row["metadata"]["language"] for row in rows} == {"de": "deu", "en": "eng"}
    texts = {row["id"]: row["text"] for row in rows}
    assert "info@bibliothek.de" not in texts["de"] and "council@example.org" not in texts["en"]
    assert "<email-pii>" in texts["en"]
