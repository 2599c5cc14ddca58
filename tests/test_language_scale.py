"""The whole language stage with 2,000 labels under `ulimit -n 1024`, through the real CLI."""

import json
import random
import resource
import subprocess
import sys

import pyarrow.parquet as pq

from tests.langid_helpers import synthetic_labels, synthetic_text, synthetic_vocabularies, write_tiny_model

N_LABELS = 2000


def test_two_thousand_labels_with_1024_open_files(tmp_path):
    labels = synthetic_labels(N_LABELS)
    vocabularies = synthetic_vocabularies(labels)
    model = write_tiny_model(tmp_path, labels, vocabularies)
    rng = random.Random(3)
    with open(tmp_path / "docs.jsonl", "w") as handle:
        for i, label in enumerate(labels * 2):
            record = {"id": f"doc-{i}", "text": synthetic_text(vocabularies[label], rng, 30),
                      "url": f"https://site{i % 50}.example/{i}"}
            handle.write(json.dumps(record) + "\n")
    (tmp_path / "run.yaml").write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch:
    inputs: [{{path: {tmp_path / 'docs.jsonl'}}}]
  language:
    model: {model}
    threshold: 0.3
""")

    def limit_open_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    result = subprocess.run([sys.executable, "-m", "clearweb.pipeline.cli", "run", str(tmp_path / "run.yaml")],
                            preexec_fn=limit_open_files, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]

    output = tmp_path / "run" / "language" / "output"
    partitions = [p for p in output.iterdir() if p.is_dir()]
    kept = sum(pq.ParquetFile(f).metadata.num_rows for f in output.rglob("*.parquet"))
    removed_dir = tmp_path / "run" / "language" / "removed"
    removed = sum(pq.ParquetFile(f).metadata.num_rows for f in removed_dir.rglob("*.parquet")) if removed_dir.exists() else 0
    assert kept + removed == 2 * N_LABELS  # nothing lost, nothing duplicated
    counts = json.loads((tmp_path / "run" / "language" / "logs" / "languages" / "00000.json").read_text())
    assert len(counts) >= 1800  # labels the documents were given
    kept_labels = {label for label, c in counts.items() if c["docs_kept"]}
    assert {p.name for p in partitions} == kept_labels and len(kept_labels) >= 1800
    stats = json.loads((tmp_path / "run" / "language" / "logs" / "stats.json").read_text())
    labeler = next(step for step in stats if step["name"].endswith("🌍 Language id"))
    lang_keys = [key for key in labeler["stats"] if key.startswith("lang:")]
    assert len(lang_keys) <= 51  # top 50 + one bucket: stats stay readable
