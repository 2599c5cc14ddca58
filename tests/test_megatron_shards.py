"""The tokenize stage's Megatron-LM output, read back by megatron-core; shard metadata that names
the tokenizer by content; vocabulary sizes said honestly."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.hashing import hash_path
from clearweb.pipeline.demo.corpus import LANGUAGES
from tests.test_tokenizer import write_partitions

TEXTS = {label: [" ".join(topic.sentences) for topic in bank.topics] * 3 for label, bank in list(LANGUAGES.items())[:6]}


def run_tokenize(tmp_path, name: str, tokenizer: str, tokenize: str) -> tuple:
    docs = tmp_path / "docs"
    if not docs.exists():
        write_partitions(docs, TEXTS)
    config = tmp_path / f"{name}.yaml"
    config.write_text(f"""run_dir: {tmp_path / name}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{docs}/*/*.parquet", format: parquet}}]
  tokenizer: {tokenizer}
  tokenize: {tokenize}
""")
    assert main(["run", str(config)]) == 0
    return tmp_path / name, config


def ds_documents(folder, pattern="*.ds"):
    """Token sequences of the .ds shards in ``folder``, in file and document order."""
    documents = []
    for shard in sorted(folder.glob(pattern)):
        tokens = np.fromfile(shard, dtype=np.uint32)
        ends = np.fromfile(f"{shard}.index", dtype=np.uint64).astype(np.int64)
        documents += [tokens[start:end] for start, end in zip(np.concatenate([[0], ends[:-1]]), ends, strict=True)]
    return documents


def megatron_documents(prefix):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexed = pytest.importorskip("megatron.core.datasets.indexed_dataset",
                                      reason="megatron-core (the dev extra) cannot be installed here")
    dataset = indexed.IndexedDataset(str(prefix))
    assert list(dataset.document_indices) == list(range(len(dataset) + 1))
    return dataset, [dataset[i] for i in range(len(dataset))]


def test_megatron_shards_read_by_megatron_core_equal_the_ds_shards(tmp_path):
    pytest.importorskip("mistral_common", reason="the tekken extra (mistral-common) is not installed")
    run, _ = run_tokenize(tmp_path, "both", "{source: tekken}", "{format: both, seed: 3}")
    out = run / "tokenize" / "output"
    dataset, merged = megatron_documents(out / "megatron" / "train")
    expected = ds_documents(out)
    assert len(merged) == len(expected) == sum(len(v) for v in TEXTS.values())
    assert all(np.array_equal(a, b) for a, b in zip(merged, expected, strict=True))
    assert dataset.index.dtype == np.int32  # 131,072 ids do not fit uint16
    assert all(doc[0] == 1 and doc[-1] == 2 for doc in merged)
    for rank in (0, 1):  # one pair per tokenize task, equal to that task's .ds files
        _, task = megatron_documents(out / "megatron" / "tasks" / f"{rank:05d}")
        local = ds_documents(run / "tokenize" / "tokenized", f"{rank:05d}_*.ds")
        assert task and all(np.array_equal(a, b) for a, b in zip(task, local, strict=True))
    assert (out / "tokenizer.json").read_bytes() == (run / "tokenizer" / "output" / "tokenizer.json").read_bytes()
    lineage = json.loads((run / "tokenizer" / "lineage.json").read_text())
    assert lineage["settings"]["source"] == "tekken" and "tekken_version" in lineage["files"]


def test_megatron_only_writes_uint16_pairs_and_no_ds(tmp_path):
    run, _ = run_tokenize(tmp_path, "megatron", "{vocab_size: 1500}", "{format: megatron}")
    out = run / "tokenize" / "output"
    assert not list(out.glob("*.ds")) and not (run / "tokenize" / "merged").exists()
    dataset, merged = megatron_documents(out / "megatron" / "train")
    assert dataset.index.dtype == np.uint16 and len(merged) == sum(len(v) for v in TEXTS.values())
    assert sorted(map(len, merged)) == sorted(map(len, ds_documents(run / "tokenize" / "tokenized")))


def test_identical_runs_in_other_folders_write_identical_shards(tmp_path):
    """datatrove's .ds.metadata names the tokenizer by path; ours by content hash."""
    first, _ = run_tokenize(tmp_path, "a", "{vocab_size: 1500}", "{seed: 5}")
    second, _ = run_tokenize(tmp_path, "b", "{vocab_size: 1500}", "{seed: 5}")
    names = sorted(p.name for p in (first / "tokenize" / "output").iterdir())
    assert "train.ds.metadata" in names
    for name in names:
        assert (first / "tokenize" / "output" / name).read_bytes() == (second / "tokenize" / "output" / name).read_bytes()
    metadata = (first / "tokenize" / "output" / "train.ds.metadata").read_text().splitlines()[0]
    assert metadata == f"sha256:{hash_path(first / 'tokenizer' / 'output' / 'tokenizer.json')}|4"


def test_a_vocabulary_smaller_than_asked_is_said_and_recorded(tmp_path, capfd):
    run, config = run_tokenize(tmp_path, "small", "{vocab_size: 131072}", "{}")
    report = json.loads((run / "tokenizer" / "output" / "fertility.json").read_text())
    trained = report["vocab_size"]
    assert trained < 131072 and report["vocab_size_requested"] == 131072
    assert report["largest_id"] == trained - 1
    out = capfd.readouterr().out
    warning = [line for line in out.splitlines() if "entries trained" in line]
    assert len(warning) == 1 and f"{trained:,} entries trained, 131,072 asked (vocab_size)" in warning[0]
    log = (run / "tokenizer" / "logs" / "logs" / "task_00000.log").read_text()
    assert f"{trained:,} entries trained, 131,072 asked" in log
    tiny = "configs/train/tiny.yaml"
    assert main(["train", tiny, "--set", f"training.data={run / 'tokenize' / 'output'}",
                 "--set", f"training.out_dir={tmp_path / 'train'}", "--set", f"model.vocab_size={trained - 1}"]) == 2
    line = capfd.readouterr().err.strip().splitlines()
    assert len(line) == 1 and tiny in line[0] and str(run / "tokenize" / "output" / "tokenizer.json") in line[0]


def test_a_shard_whose_index_disagrees_with_its_tokens_is_refused(tmp_path):
    """Conversion never writes a Megatron pair from a .ds file its .index does not describe
    (a truncated shard would shift every later document)."""
    from clearweb.tokenizer.megatron import token_dtype, write_indexed_dataset

    shard = tmp_path / "00000_00000_doc_shuffled.ds"
    np.array([1, 5, 2, 1, 6, 7, 2], dtype=np.uint32)[:-1].tofile(shard)  # one token short
    np.array([3, 7], dtype=np.uint64).tofile(f"{shard}.index")
    Path(f"{shard}.ids").write_text('"a"\n"b"\n')
    with pytest.raises(ValueError, match=f"{shard}: 6 tokens but its .ds.index ends at 7"):
        write_indexed_dataset(tmp_path / "out" / "train", [shard], token_dtype(100))
    assert not list((tmp_path / "out").iterdir())  # no pair, and no partial file left behind
