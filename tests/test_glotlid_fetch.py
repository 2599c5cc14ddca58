"""``clearweb models fetch glotlid`` and ``language: {model: glotlid}``, end to end.

A loopback server plays the Hugging Face Hub: it answers the resolve requests huggingface_hub
makes (HEAD for the metadata, GET for the bytes) for ``cis-lmu/glotlid``'s ``model.bin`` with a
tiny fastText model trained in the test, and 404 for anything else. huggingface_hub itself does
the download (it reads ``HF_ENDPOINT`` and ``HF_HOME`` when imported, so every command runs in a
subprocess with its own environment). Runs then use the cached file offline, the lineage and the
report record its sha256, and a run without it stops with one line naming the fetch command.
"""

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.demo.server import LoopbackServer, Response
from tests.langid_helpers import synthetic_labels, synthetic_text, synthetic_vocabularies, write_tiny_model

MAIN_COMMIT = "1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
PINNED_COMMIT = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d"
LABELS = synthetic_labels(4)  # GlotLID-style: aaa_Latn, aab_Latn, ...
CACHED = Path("hub", "models--cis-lmu--glotlid")


def hub_route(revision: str, commit: str, model: Path, sha256: str) -> tuple[str, Response]:
    """What the Hub answers for an LFS file at /resolve/: the commit the revision points to, the
    file's sha256 as its ETag, and its size."""
    headers = {"X-Repo-Commit": commit, "ETag": f'"{sha256}"', "X-Linked-Etag": f'"{sha256}"',
               "X-Linked-Size": str(model.stat().st_size)}
    return f"/cis-lmu/glotlid/resolve/{revision}/model.bin", Response(file=model, headers=headers)


def clearweb(*args: str, hf_home: Path, hub: LoopbackServer | None = None) -> subprocess.CompletedProcess:
    """The CLI in a fresh process: online against ``hub`` when given, else offline."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HF_", "HUGGINGFACE_")) and key != "TRANSFORMERS_OFFLINE"
           and "proxy" not in key.lower()}
    env |= {"HF_HOME": str(hf_home), "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1", "HF_HUB_OFFLINE": "0" if hub else "1",
            "HF_ENDPOINT": hub.url if hub else "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "clearweb.pipeline.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> tuple[Path, str, dict[str, list[str]]]:
    vocabularies = synthetic_vocabularies(LABELS, seed=5)
    path = write_tiny_model(tmp_path_factory.mktemp("lid"), LABELS, vocabularies)
    return path, hashlib.sha256(path.read_bytes()).hexdigest(), vocabularies


@pytest.fixture(scope="module")
def hub(model):
    path, sha256, _ = model
    routes = dict([hub_route("main", MAIN_COMMIT, path, sha256), hub_route(PINNED_COMMIT, PINNED_COMMIT, path, sha256)])
    with LoopbackServer(routes={("*", route): [response] for route, response in routes.items()},
                        max_requests=50, max_lifetime_s=120) as server:
        yield server


@pytest.fixture(scope="module")
def fetched(model, hub, tmp_path_factory) -> Path:
    """HF_HOME after ``clearweb models fetch glotlid`` against the loopback Hub."""
    hf_home = tmp_path_factory.mktemp("hf_home")
    result = clearweb("models", "fetch", "glotlid", hf_home=hf_home, hub=hub)
    assert result.returncode == 0, result.stderr
    return hf_home


def write_run(folder: Path, vocabularies: dict[str, list[str]], language: str) -> Path:
    rng = random.Random(7)
    with open(folder / "docs.jsonl", "w") as handle:
        for i, label in enumerate(LABELS * 3):
            handle.write(json.dumps({"id": f"{label}-{i}", "text": synthetic_text(vocabularies[label], rng, 30),
                                     "url": f"https://site{i}.example/{i}"}) + "\n")
    config = folder / "run.yaml"
    config.write_text(f"""run_dir: {folder / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{folder / 'docs.jsonl'}"}}]}}
  language: {language}
""")
    return config


def test_fetch_downloads_into_the_hub_cache(model, hub, fetched):
    _, sha256, _ = model
    snapshot = fetched / CACHED / "snapshots" / MAIN_COMMIT / "model.bin"
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == sha256
    assert (fetched / CACHED / "refs" / "main").read_text() == MAIN_COMMIT
    assert (fetched / CACHED / "blobs" / sha256).is_file()  # named by the ETag, as for every Hub file
    assert {path for _, path, _ in hub.requests} == {"/cis-lmu/glotlid/resolve/main/model.bin"}


def test_fetch_prints_the_path_and_sha256(model, hub, fetched):
    """Fetching again finds the file in the cache (one HEAD to see main has not moved)."""
    _, sha256, _ = model
    result = clearweb("models", "fetch", "glotlid", hf_home=fetched, hub=hub)
    assert result.returncode == 0, result.stderr
    assert f"snapshots/{MAIN_COMMIT}/model.bin sha256 {sha256}" in result.stdout


def test_a_run_labels_with_the_cached_model_offline(model, fetched, tmp_path):
    _, sha256, vocabularies = model
    config = write_run(tmp_path, vocabularies, "{model: glotlid, threshold: 0.3}")
    result = clearweb("run", str(config), hf_home=fetched)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "run" / "language" / "output"
    rows = [row for path in sorted(out.rglob("*.parquet")) for row in pq.read_table(path).to_pylist()]
    assert sorted(path.name for path in out.iterdir()) == LABELS  # labels only the fetched model knows
    assert len(rows) == 3 * len(LABELS)
    assert all(f"{row['language']}_{row['language_script']}" == row["id"].split("-")[0] for row in rows)

    lineage = json.loads((tmp_path / "run" / "language" / "lineage.json").read_text())
    assert lineage["files"]["model"] == sha256
    assert lineage["settings"]["model"] == "glotlid" and lineage["settings"]["model_revision"] == "main"
    # the same cached file on the next run: nothing is stale
    again = clearweb("run", str(config), hf_home=fetched)
    assert again.returncode == 0 and "language: already complete" in again.stdout, again.stderr
    # the report describes the run from its records: no Hugging Face cache needed
    report = clearweb("report", str(tmp_path / "run"), hf_home=tmp_path / "no_hf_home")
    assert report.returncode == 0, report.stderr
    assert json.loads((tmp_path / "run" / "report.json").read_text())["lineage"]["language"]["files"]["model"] == sha256


def test_a_missing_model_is_one_line_naming_the_fetch_command(model, tmp_path):
    config = write_run(tmp_path, model[2], "{model: glotlid}")
    result = clearweb("run", str(config), hf_home=tmp_path / "empty_hf_home")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "stages.language: model: language-id model glotlid is not in the Hugging Face cache" in result.stderr
    assert "run `clearweb models fetch glotlid`" in result.stderr
    assert not (tmp_path / "run" / "language").exists()


def test_a_failed_fetch_is_one_line(hub, tmp_path):
    result = clearweb("models", "fetch", "glotlid", "--revision", "no-such-tag", hf_home=tmp_path, hub=hub)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot fetch model.bin of cis-lmu/glotlid at revision no-such-tag" in result.stderr


def test_a_pinned_revision_is_fetched_and_used(model, hub, tmp_path):
    _, sha256, vocabularies = model
    hf_home = tmp_path / "hf_home"
    config = write_run(tmp_path, vocabularies, f"{{model: glotlid, model_revision: '{PINNED_COMMIT}', threshold: 0.3}}")
    missing = clearweb("run", str(config), hf_home=hf_home)
    assert missing.returncode == 2 and f"clearweb models fetch glotlid --revision {PINNED_COMMIT}" in missing.stderr
    fetch = clearweb("models", "fetch", "glotlid", "--revision", PINNED_COMMIT, hf_home=hf_home, hub=hub)
    assert fetch.returncode == 0, fetch.stderr
    assert (hf_home / CACHED / "snapshots" / PINNED_COMMIT / "model.bin").is_file()
    assert not (hf_home / CACHED / "refs" / "main").exists()
    result = clearweb("run", str(config), hf_home=hf_home)
    assert result.returncode == 0, result.stderr
    lineage = json.loads((tmp_path / "run" / "language" / "lineage.json").read_text())
    assert lineage["settings"]["model_revision"] == PINNED_COMMIT and lineage["files"]["model"] == sha256
