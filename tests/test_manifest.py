"""RUN/manifest.json lists every output file with its sha256 and the lineage it came from;
``clearweb verify`` recomputes it and names what changed."""

import json

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.hashing import hash_path
from tests.test_lineage import full_run, robots_server  # noqa: F401  (fixtures)


def test_manifest_verifies_and_names_a_changed_shard(full_run, capsys):  # noqa: F811
    run, _ = full_run
    assert main(["manifest", str(run)]) == 0
    manifest = json.loads((run / "manifest.json").read_text())
    assert set(manifest["stages"]) >= {"fetch", "robots", "language", "compliance", "tokenizer", "tokenize"}
    tokenize = manifest["stages"]["tokenize"]
    lineage = json.loads((run / "tokenize" / "lineage.json").read_text())
    assert tokenize["fingerprint"] == lineage["fingerprint"]
    # the tokenizer directly, the robots snapshot through robots -> language -> compliance
    assert tokenize["depends_on"]["tokenizer"] == hash_path(run / "tokenizer" / "output" / "tokenizer.json")
    assert tokenize["depends_on"]["robots_snapshot"] == manifest["stages"]["robots"]["depends_on"]["robots_snapshot"]
    assert manifest["config"]["sha256"] == hash_path(run / "config.yaml")
    shard = next(entry for entry in manifest["files"] if entry["path"].endswith(".ds"))
    assert shard["sha256"] == hash_path(run / shard["path"]) and shard["stage"] == "tokenize"
    capsys.readouterr()
    assert main(["verify", str(run)]) == 0
    assert f"verified: {len(manifest['files'])} files" in capsys.readouterr().out

    (run / "erasures.jsonl").write_text(json.dumps({"date": "2000-01-01T00:00:00Z"}) + "\n"
                                        + json.dumps({"date": "2999-01-01T00:00:00Z", "reason": "takedown"}) + "\n")
    assert main(["verify", str(run)]) == 0  # erasures are reported, not failures
    assert "1 erasure(s) recorded" in capsys.readouterr().out  # the one after the manifest

    path = run / shard["path"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert main(["verify", str(run)]) == 1
    captured = capsys.readouterr()
    assert f"{path}: sha256 differs from the manifest's" in captured.out
    assert "1 difference(s)" in captured.err


def test_verify_without_a_manifest_is_one_line(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no manifest" in err[0] and "clearweb manifest" in err[0]


def test_dataset_card_header_is_what_the_hub_reads(full_run, capsys):  # noqa: F811
    from huggingface_hub import DatasetCard

    run, _ = full_run
    assert main(["card", str(run)]) == 0
    card = DatasetCard.load(run / "README.md")
    data = card.data.to_dict()
    labels = sorted(p.name for p in (run / "compliance" / "output").iterdir() if p.is_dir())
    assert labels and data["language"] == sorted({label.split("_")[0] for label in labels} - {"und"})
    assert [c["config_name"] for c in data["configs"]] == labels
    for config in data["configs"]:
        assert list(run.glob(config["data_files"][0]["path"]))
    assert data["license"] == "other" and data["task_categories"] == ["text-generation"]
    assert data["size_categories"] == ["n<1K"]
    assert main(["report", str(run)]) == 0
    report = json.loads((run / "report.json").read_text())
    report_docs = next(s["docs_out"] for s in report["stages"] if s["name"] == "compliance")
    documents = sum(int(line.split("|")[2].replace(",", "")) for line in card.text.split("## Languages")[1]
                    .split("## Filtering")[0].splitlines() if line.startswith("| ") and "_" in line)
    assert documents == report_docs
    assert "## Compliance" in card.text and "robots.txt, applied retroactively" in card.text


def test_summary_of_a_run_without_language_stage_or_warc_dates(tmp_path, capsys):
    """Documents read from Parquet without fetch_date or domain, no language partitions: the totals
    still come out, and the dates are left to the provider."""
    from clearweb.pipeline.summary import TO_COMPLETE
    from tests.test_megatron_shards import TEXTS, run_tokenize

    run, _ = run_tokenize(tmp_path, "plain", "{vocab_size: 1500}", "{}")
    assert main(["summary", str(run), "--format", "json", "--out", str(tmp_path / "s.json")]) == 0
    size = json.loads((tmp_path / "s.json").read_text())["1 General information"][
        "1.3 Modalities, overall training data size and other characteristics"]
    assert size["Documents per language"] == {"und": sum(len(texts) for texts in TEXTS.values())}
    assert size["Latest date of data acquisition/collection"] == TO_COMPLETE
