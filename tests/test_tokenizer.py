"""Tokenizer: special ids, round trips, sampling, fertility, and the tokenizer + tokenize stages."""

import json
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearweb.filters.pii import PLACEHOLDERS
from clearweb.pipeline.demo.corpus import LANGUAGES
from clearweb.tokenizer.bpe import build_tokenizer, load_tokenizer, train_bpe
from clearweb.tokenizer.fertility import fertility, gini
from clearweb.tokenizer.sampling import stream_texts, temperature_budgets
from clearweb.tokenizer.specials import RESERVED, SPECIAL_TOKENS


@pytest.fixture(scope="module")
def tokenizer():
    texts = [s for bank in LANGUAGES.values() for topic in bank.topics for s in topic.sentences]
    return train_bpe(iter(texts * 2), vocab_size=3000)


def test_special_tokens_have_fixed_ids_and_stay_whole(tokenizer):
    assert [tokenizer.token_to_id(t) for t in ("<unk>", "<s>", "</s>", "<pad>")] == [0, 1, 2, 3]
    assert len(SPECIAL_TOKENS) == RESERVED and len(set(SPECIAL_TOKENS)) == RESERVED
    for placeholder in PLACEHOLDERS.values():
        ids = tokenizer.encode(f"Write to {placeholder}!", add_special_tokens=False).ids
        assert tokenizer.token_to_id(placeholder) in ids and tokenizer.token_to_id(placeholder) < RESERVED
    encoded = tokenizer.encode("Room 2048.")
    assert encoded.ids[0] == 1 and encoded.ids[-1] == 2
    assert [t for t in encoded.tokens if t.isdigit()] == ["2", "0", "4", "8"]  # digits one by one


@pytest.mark.parametrize("text", [
    "emoji 😀👩‍👩‍👧‍👦🇨🇭 done", "combining e\u0301 a\u0308\u0301 n\u0303", "RTL: שָׁלוֹם and مرحبا بكم 123",
    "NUL\x00inside", "tabs\tand\r\nnewlines\n\n", "   leading and trailing   ", "<s> literal </s> <pad>",
    "한국어와 日本語と中文", "mixed scripts: Ελληνικά, Русский, हिन्दी, ไทย", "", "\ufeffBOM-started",
])
def test_decode_encode_round_trip(tokenizer, text):
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    assert tokenizer.decode(ids, skip_special_tokens=False) == text


def test_temperature_budgets():
    sizes = {"big": 9_000, "mid": 900, "small": 100}
    proportional = temperature_budgets(sizes, tau=1.0, byte_budget=1_000)
    assert proportional["big"] == 900 and proportional["small"] == 10
    flat = temperature_budgets(sizes, tau=100.0, byte_budget=300)
    assert max(flat.values()) - min(flat.values()) <= 10  # nearly uniform
    capped = temperature_budgets(sizes, tau=100.0, byte_budget=3_000)
    assert capped["small"] == 100 and capped["mid"] == 900 and sum(capped.values()) == pytest.approx(3_000, abs=2)
    assert temperature_budgets(sizes, tau=3.0, byte_budget=10**9) == sizes  # more budget than text


def write_partitions(folder, texts_by_label):
    for label, texts in texts_by_label.items():
        (folder / label).mkdir(parents=True)
        language, script = label.split("_")
        pq.write_table(pa.table({"text": texts, "id": [f"{label}-{i}" for i in range(len(texts))],
                                 "language": [language] * len(texts), "language_script": [script] * len(texts)}),
                       folder / label / "00000_0000.parquet")


def test_stream_texts_respects_budgets(tmp_path):
    write_partitions(tmp_path, {"deu_Latn": ["x" * 100] * 50, "fra_Latn": ["y" * 100] * 50})
    texts = list(stream_texts(tmp_path, {"deu_Latn": 250, "fra_Latn": 1000}))
    assert sum(t.startswith("x") for t in texts) == 3 and sum(t.startswith("y") for t in texts) == 10


def test_gini_and_fertility(tokenizer):
    assert gini([1, 1, 1]) == 0.0 and gini([0, 0, 1]) == pytest.approx(2 / 3)
    report = fertility(tokenizer, {"eng_Latn": ["The library opens at nine today."], "und_Zyyy": ["123 456"]})
    english = report["languages"]["eng_Latn"]
    assert english["tokens_per_word"] == english["tokens"] / 6 and english["chars_per_token"] > 1
    assert 0 <= report["gini_tokens_per_byte"] <= 1


def test_existing_tokenizer_gets_bos_and_eos(tmp_path):
    from tokenizers import pre_tokenizers, trainers

    plain = build_tokenizer()
    plain.train_from_iterator(["some text for a released tokenizer"] * 5, trainer=trainers.BpeTrainer(
        vocab_size=300, special_tokens=SPECIAL_TOKENS[:4], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False))
    plain.save(str(tmp_path / "released.json"))
    loaded = load_tokenizer(tmp_path / "released.json")
    ids = loaded.encode("some text").ids
    assert ids[0] == 1 and ids[-1] == 2
    with pytest.raises(FileNotFoundError, match="tokenizer.json not found"):
        load_tokenizer(tmp_path / "missing.json")


def test_tokenizer_and_tokenize_stages(tmp_path, capsys):
    from datatrove.utils.dataset import DatatroveFolderDataset

    from clearweb.pipeline.cli import main

    texts = {label: [" ".join(topic.sentences) for topic in bank.topics] * 3
             for label, bank in list(LANGUAGES.items())[:6]}
    write_partitions(tmp_path / "docs", texts)
    (tmp_path / "docs.yaml").write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{tmp_path / 'docs'}/*/*.parquet", format: parquet}}]
  tokenizer: {{vocab_size: 2000, tau: 2.0}}
  tokenize: {{mixture: {{deu_Latn: 2.0, eng_Latn: 0.0}}, seed: 1}}
""")
    assert main(["tokenizer", "train", str(tmp_path / "docs.yaml")]) == 2
    assert "stage tokenizer needs stage fetch to have completed" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "docs.yaml")]) == 0
    run = tmp_path / "run"
    assert json.loads((run / "tokenizer" / "output" / "fertility.json").read_text())["vocab_size"] == 2000
    out = run / "tokenize" / "output"
    tokens = np.concatenate([np.fromfile(p, dtype=np.uint32) for p in sorted(out.glob("*.ds"))])
    ends = np.concatenate([np.fromfile(p, dtype=np.uint64) for p in sorted(out.glob("*.ds.index"))]).astype(np.int64)
    expected_docs = sum(len(v) for v in texts.values()) + len(texts["deu_Latn"]) - len(texts["eng_Latn"])
    assert len(ends) == expected_docs == int((tokens == 1).sum()) == int((tokens == 2).sum())
    starts = np.concatenate([[0], ends[:-1]]).astype(np.int64)
    assert all(tokens[s] == 1 and tokens[e - 1] == 2 for s, e in zip(starts, ends, strict=True))
    dataset = DatatroveFolderDataset(str(out), seq_len=32, token_size=4)
    assert len(dataset) == len(tokens) // 33 and int(dataset[0]["input_ids"][0]) == 1
    stats = json.loads((run / "tokenize" / "logs" / "stats.json").read_text())
    tokenizer_stats = next(s["stats"] for s in stats if "Tokenizer" in s["name"])
    assert "tokens:deu_Latn" in tokenizer_stats and "tokens:eng_Latn" not in tokenizer_stats


def test_rehydration_repeats_documents_by_cluster_size():
    from datatrove.data import Document

    from clearweb.tokenizer.tokenize_step import LanguageMixture

    sizes = {"alone": None, "pair": 2, "four": 4, "big": 150, "huge": 5000}
    docs = [Document(text="x", id=name, metadata={"language": "deu", "language_script": "Latn",
                                                   **({"minhash_cluster_size": size} if size else {})})
            for name, size in sizes.items()]
    mixture = LanguageMixture({"deu_Latn": 2.0}, rehydration={2: 2, 3: 3, 101: 8, 1001: 1})
    copies = Counter(doc.id.split("#")[0] for doc in mixture.run(iter(docs)))
    assert copies == {"alone": 2, "pair": 4, "four": 6, "big": 16, "huge": 2}
