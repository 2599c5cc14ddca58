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
