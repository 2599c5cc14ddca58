"""The tekken (Apertus) vocabulary imported from mistral-common: control tokens, PII placeholders,
transformers, and the fertility comparison. Equality with mistral-common's ids on the UDHR sample
is in tests/conformance/test_tokenizer_conformance.py."""

import pytest

from clearweb.filters.pii import PLACEHOLDERS
from clearweb.pipeline.cli import main

tekken_module = pytest.importorskip("mistral_common.tokens.tokenizers.tekken",
                                    reason="the tekken extra (mistral-common) is not installed")


@pytest.fixture(scope="module")
def tekken_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("tekken") / "tokenizer.json"
    assert main(["tokenizer", "import-tekken", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def reference():
    from clearweb.tokenizer.tekken import tekken_file

    return tekken_module.Tekkenizer.from_file(str(tekken_file()))


def test_control_tokens_in_text_stay_text(tekken_json, reference):
    """A page quoting ``<s>`` or ``[INST]`` must not get a BOS or an instruction marker in its
    middle: tekken encodes them as text, and so do we."""
    from clearweb.tokenizer.bpe import load_tokenizer
    from clearweb.tokenizer.tekken import special_tokens

    tokenizer = load_tokenizer(tekken_json)
    controls = special_tokens()
    assert len(controls) == 1000 and controls[:3] == ["<unk>", "<s>", "</s>"]
    text = "Strike <s>this</s> out. " + " ".join(controls[:20] + ["<SPECIAL_999>"])
    ids = tokenizer.encode(text).ids
    assert ids == reference.encode(text, bos=True, eos=True)
    assert all(i >= 1000 for i in ids[1:-1])
    assert tokenizer.get_vocab_size() == 131072 and tokenizer.token_to_id("</s>") == 2


def test_pii_placeholders_are_text_in_tekken_and_survive_a_round_trip(tekken_json, reference):
    """tekken has no placeholder tokens: each placeholder is a few ordinary tokens (documented in
    the README) and decodes back to itself."""
    from clearweb.tokenizer.bpe import load_tokenizer

    tokenizer = load_tokenizer(tekken_json)
    for placeholder in PLACEHOLDERS.values():
        text = f"Write to {placeholder} today."
        ids = tokenizer.encode(text).ids
        assert ids == reference.encode(text, bos=True, eos=True)
        assert len(tokenizer.encode(placeholder, add_special_tokens=False).ids) > 1
        assert tokenizer.decode(ids[1:-1]) == text and tokenizer.decode(ids) == f"<s>{text}</s>"


def test_transformers_reads_the_imported_file(tekken_json, reference):
    transformers = pytest.importorskip("transformers")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=str(tekken_json))
    text = "Grüezi mitenand! Apertus lernt 1,811 Sprachen."
    assert fast(text)["input_ids"] == reference.encode(text, bos=True, eos=True)
    assert fast.decode(fast(text)["input_ids"][1:-1]) == text


def test_unknown_tekken_version_is_one_line(tmp_path, capsys):
    assert main(["tokenizer", "import-tekken", "--version", "000000", "--out", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no tekken vocabulary '000000'" in err[0] and "240718" in err[0]


def test_eval_compares_with_tekken_side_by_side(tmp_path, capsys):
    from clearweb.pipeline.demo.corpus import LANGUAGES
    from clearweb.tokenizer.bpe import train_bpe
    from tests.test_tokenizer import write_partitions

    texts = {label: [" ".join(topic.sentences) for topic in bank.topics] for label, bank in list(LANGUAGES.items())[:3]}
    write_partitions(tmp_path / "docs", texts)
    train_bpe(iter([t for batch in texts.values() for t in batch] * 2), vocab_size=600).save(str(tmp_path / "ours.json"))
    assert main(["tokenizer", "eval", "--tokenizer", str(tmp_path / "ours.json"), "--data", str(tmp_path / "docs"),
                 "--compare", "tekken", "--out", str(tmp_path / "report.json")]) == 0
    out = capsys.readouterr().out
    assert "tekken" in out.splitlines()[1] and "tekken (131,072 entries)" in out
    import json

    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["languages"]) == set(report["reference"]["languages"]) == set(texts)
    for label in texts:  # 131,072 entries spend fewer tokens per word than 600 do
        assert report["reference"]["languages"][label]["tokens_per_word"] < report["languages"][label]["tokens_per_word"]
    assert 0 < report["goldfish_dropped"] < 0.05 and report["reference"]["vocab_size"] == 131072
    from clearweb.pipeline.report_html import _fertility

    html = _fertility(report)
    assert "tokens/word (tekken)" in html and f'tekken: <b>{report["reference"]["gini_tokens_per_byte"]:.3f}</b>' in html
