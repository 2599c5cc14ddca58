"""decode(encode(x)) == x for every record of the UDHR sample (414 labels, dozens of scripts)."""

from clearweb.pipeline.demo.corpus import LANGUAGES
from clearweb.tokenizer.bpe import train_bpe
from tests.conformance.conftest import load_cases


def test_round_trip_on_every_udhr_record():
    records = load_cases("lid_sample.json")
    texts = [s for bank in LANGUAGES.values() for topic in bank.topics for s in topic.sentences]
    tokenizer = train_bpe(iter(texts), vocab_size=2000)
    failures = [r["label"] for r in records
                if tokenizer.decode(tokenizer.encode(r["text"], add_special_tokens=False).ids,
                                    skip_special_tokens=False) != r["text"]]
    assert len(records) == 2070 and failures == []


def test_imported_tekken_gives_tekkens_ids_on_every_udhr_record(tmp_path):
    """``tokenizer import-tekken``'s tokenizer.json, read by the tokenize stage's loader, against
    mistral-common's own Tekkenizer: the same ids, ``<s>`` first and ``</s>`` last, on all 2,070
    records (dozens of scripts)."""
    import pytest

    tekken = pytest.importorskip("mistral_common.tokens.tokenizers.tekken", reason="the tekken extra is not installed")
    from clearweb.pipeline.cli import main
    from clearweb.tokenizer.bpe import load_tokenizer
    from clearweb.tokenizer.tekken import tekken_file

    records = load_cases("lid_sample.json")
    assert main(["tokenizer", "import-tekken", "--out", str(tmp_path / "tekken" / "tokenizer.json")]) == 0
    ours = load_tokenizer(tmp_path / "tekken" / "tokenizer.json")
    reference = tekken.Tekkenizer.from_file(str(tekken_file()))
    texts = [r["text"] for r in records]
    expected = [reference.encode(text, bos=True, eos=True) for text in texts]
    got = [encoding.ids for encoding in ours.encode_batch(texts)]
    mismatched = [r["label"] for r, a, b in zip(records, got, expected, strict=True) if a != b]
    assert len(records) == 2070 and mismatched == []
    assert all(ids[0] == 1 and ids[-1] == 2 and 1 not in ids[1:-1] and 2 not in ids[1:-1] for ids in got)
