"""``language: {reuse_labels: true}`` on FineWeb-2-shaped Parquet: the labels documents come with are
kept byte for byte and only held to thresholds and partitioned; no model is loaded while every
document is labelled; unlabelled documents are identified; the report counts the reused labels."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document

from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.identifier import LanguageIdentifier
from clearweb.pipeline.cli import main

ROWS = [  # as FineWeb-2 publishes them: GlotLID's labels, scores and top_langs
    {"id": "de-1", "text": "Die Stadtbibliothek öffnet im Frühjahr einen neuen Lesesaal für Kinder.",
     "url": "https://zeitung.example.de/a", "language": "deu", "language_script": "Latn",
     "language_score": 0.9712345678, "top_langs": '{"deu_Latn_score": 0.9712345678}'},
    {"id": "gsw-1", "text": "D Stadtbibliothek macht im Früelig en neue Läsesaal für d Chind uf.",
     "url": "https://zytig.example.ch/b", "language": "gsw", "language_script": "Latn",
     "language_score": 0.31, "top_langs": '{"gsw_Latn_score": 0.31, "deu_Latn_score": 0.28}'},
    {"id": "de-low", "text": "Die Bibliothek, the library, la bibliothèque.",
     "url": "https://zeitung.example.de/c", "language": "deu", "language_script": "Latn",
     "language_score": 0.5, "top_langs": '{"deu_Latn_score": 0.5}'},
]


def test_reused_labels_load_no_model():
    labeler = LanguageLabeler(LanguageIdentifier("/no/such/model.bin"), threshold=0.4, reuse_labels=True)
    docs = [Document(text=row["text"], id=row["id"], metadata={k: v for k, v in row.items() if k not in ("id", "text")})
            for row in ROWS]
    assert [labeler.filter(doc) for doc in docs] == [True, (False, "language_score"), True]
    assert labeler.identifier._model is None  # never loaded: loading this path would have raised
    assert docs[0].metadata["top_langs"] == ROWS[0]["top_langs"] and docs[0].metadata["language_score"] == 0.9712345678
    assert labeler.stats["labels_reused"].total == 3


def test_reuse_labels_on_fineweb2_parquet(tmp_path, capsys):
    unlabelled = {"id": "en-1", "text": "The town library opens a new reading room for children next spring, "
                  "with longer opening hours and readings by local authors every Saturday.",
                  "url": "https://paper.example.co.uk/d", "language": None, "language_script": None,
                  "language_score": None, "top_langs": None}
    pq.write_table(pa.Table.from_pylist(ROWS + [unlabelled]), tmp_path / "fw2.parquet")
    config = tmp_path / "c.yaml"
    config.write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{tmp_path / 'fw2.parquet'}"}}]}}
  language: {{reuse_labels: true, thresholds: fineweb2, threshold: 0.5}}
""")
    assert main(["run", str(config)]) == 0
    out = tmp_path / "run" / "language" / "output"
    kept = {row["id"]: row for path in sorted(out.rglob("*.parquet")) for row in pq.read_table(path).to_pylist()}
    assert sorted(kept) == ["de-1", "en-1", "gsw-1"]  # de-low: 0.5 under deu_Latn's FineWeb-2 minimum 0.821
    for row in ROWS[:2]:
        assert {key: kept[row["id"]][key] for key in row} == row  # byte for byte
    assert kept["en-1"]["language"] == "eng" and json.loads(kept["en-1"]["top_langs"])  # identified
    assert sorted(path.name for path in out.iterdir()) == ["deu_Latn", "eng_Latn", "gsw_Latn"]
    assert main(["report", str(tmp_path / "run")]) == 0
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["sections"]["language"]["labels_reused"] == 3
    assert "3 documents kept the labels they came with" in (tmp_path / "run" / "report.html").read_text()
    capsys.readouterr()
