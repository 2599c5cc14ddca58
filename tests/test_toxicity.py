"""Toxicity: the word-list backend, the apertus backend (tiny random encoder), the step, train-head."""

import json
import random

import pytest
from datatrove.data import Document

from clearweb.filters.toxicity.step import ToxicityFilter
from clearweb.filters.toxicity.wordlist import WordlistScorer
from tests.toxicity_helpers import WORDS, build_tiny_encoder, save_random_head


def test_wordlist_seed_lists_and_boundaries():
    scorer = WordlistScorer()
    assert scorer.score("You are an idiot and a moron.", "eng_Latn") == pytest.approx(1000 * 2 / 7)
    assert scorer.score("An idiotic plan, said the idiots.", "eng_Latn") == 0.0  # whole words only
    assert scorer.score("IDIOT!", "eng_Latn") == 1000.0
    assert scorer.score("你就是个白痴。", "cmn_Hans") > 0  # no spaces: substring matching
    assert scorer.score("Das Wetter ist schön.", "deu_Latn") == 0.0
    assert scorer.score("anything", "xyz_Latn") is None and not scorer.has_classifier("xyz_Latn")


def test_wordlist_folder_in_ldnoobw_layout(tmp_path):
    (tmp_path / "de").write_text("mistkerl\n# a comment\n\nblödmann\n")
    scorer = WordlistScorer(tmp_path)
    assert scorer.score("Du Mistkerl!", "deu_Latn") == 500.0
    assert scorer.score("Hello", "eng_Latn") is None
    with pytest.raises(FileNotFoundError, match="word-list folder not found"):
        WordlistScorer(tmp_path / "nope")


def labelled(text, label, doc_id="d"):
    language, script = label.split("_")
    return Document(text=text, id=doc_id, metadata={"language": language, "language_script": script})


def test_filter_thresholds_no_classifier_and_histograms(tmp_path):
    step = ToxicityFilter(WordlistScorer(), thresholds={"deu_Latn": 500.0}, default_threshold=10.0,
                          histograms_dir=str(tmp_path / "hist"))
    docs = [labelled("You are a worthless idiot.", "eng_Latn", "en"),
            labelled("Du bist ein Idiot und ein netter Mensch mit vielen Worten heute.", "deu_Latn", "de"),
            labelled("Texte sans liste.", "xyz_Latn", "none")]
    kept = [d.id for d in step.run(iter(docs))]
    assert kept == ["de", "none"]  # German scored 90.9 < its own threshold 500
    assert docs[0].metadata["toxicity_score"] == pytest.approx(400.0)
    assert "toxicity_score" not in docs[2].metadata
    stats = {key: value.total for key, value in step.stats.stats.items()}
    assert stats["no_classifier"] == 1 and stats["dropped_toxicity"] == 1 and stats["removed:eng_Latn"] == 1
    histograms = json.loads((tmp_path / "hist" / "00000.json").read_text())
    assert histograms["deu_Latn"]["threshold"] == 500.0 and sum(histograms["eng_Latn"]["counts"]) == 1


def test_no_classifier_sample_rate_is_deterministic():
    step = ToxicityFilter(WordlistScorer(), {}, 10.0, no_classifier_sample_rate=0.3)
    docs = [labelled("text", "xyz_Latn", str(i)) for i in range(2000)]
    kept = [step.filter(d) is True for d in docs]
    assert 0.25 < sum(kept) / len(kept) < 0.35
    assert kept == [ToxicityFilter(WordlistScorer(), {}, 10.0, 0.3).filter(d) is True for d in docs]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlmr")
    build_tiny_encoder(folder)
    save_random_head(folder / "heads" / "eng_Latn.pt")
    save_random_head(folder / "heads" / "deu_Latn.pt", published_format=True, seed=1)
    return folder


def test_apertus_chunking_and_max_pooling(encoder):
    from clearweb.filters.toxicity.apertus import ApertusToxicityScorer

    scorer = ApertusToxicityScorer(str(encoder), str(encoder / "heads"), batch_size=4, chunk_tokens=16)
    rng = random.Random(0)
    text = " ".join(rng.choices(WORDS, k=40))  # 40 tokens -> chunks of 14 + <s> </s>
    chunks = scorer.chunks(text)
    assert [len(c) for c in chunks] == [16, 16, 14]
    assert all(c[0] == 0 and c[-1] == 2 for c in chunks)
    # The document's score is the highest of its chunks' scores.
    pieces = [" ".join(text.split()[i:i + 14]) for i in range(0, 40, 14)]
    assert scorer.score(text, "eng_Latn") == pytest.approx(max(scorer.score(p, "eng_Latn") for p in pieces), abs=1e-6)
    assert scorer.score(text, "fra_Latn") is None  # no head


def test_apertus_batching_changes_nothing(encoder):
    from clearweb.filters.toxicity.apertus import ApertusToxicityScorer

    rng = random.Random(1)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(3, 60))) for _ in range(9)]
    labels = ["eng_Latn", "deu_Latn", None] * 3
    one = ApertusToxicityScorer(str(encoder), str(encoder / "heads"), batch_size=1, chunk_tokens=24)
    many = ApertusToxicityScorer(str(encoder), str(encoder / "heads"), batch_size=8, chunk_tokens=24)
    a, b = one.score_batch(texts, labels), many.score_batch(texts, labels)
    assert [x is None for x in a] == [label is None for label in labels]
    assert [round(x, 5) for x in a if x is not None] == [round(x, 5) for x in b if x is not None]
    assert all(0.0 <= x <= 1.0 for x in a if x is not None)


def test_apertus_thresholds_in_the_step(encoder):
    from clearweb.filters.toxicity.apertus import ApertusToxicityScorer

    scorer = ApertusToxicityScorer(str(encoder), str(encoder / "heads"), batch_size=4)
    docs = [labelled("you are an idiot", "eng_Latn", "a"), labelled("the garden today", "deu_Latn", "b")]
    scores = scorer.score_batch([d.text for d in docs], ["eng_Latn", "deu_Latn"])
    step = ToxicityFilter(scorer, {"eng_Latn": scores[0] - 1e-6, "deu_Latn": scores[1] + 1e-6}, batch_size=2)
    assert [d.id for d in step.run(iter(docs))] == ["b"]
    assert docs[0].metadata["compliance_evidence"] == f"toxicity {scores[0]:.4g} >= {scores[0] - 1e-6} (eng_Latn's threshold)"
    fallback = ToxicityFilter(scorer, {}, default_threshold=scores[0] - 1e-6, batch_size=1)
    again = labelled("you are an idiot", "eng_Latn", "c")
    assert list(fallback.run(iter([again]))) == []
    assert again.metadata["compliance_evidence"].endswith("(default_threshold; eng_Latn has none)")


def test_train_head_cli(encoder, tmp_path, capsys):
    from clearweb.pipeline.cli import main

    rng = random.Random(2)
    rows = ["text,label,language"]
    for _ in range(40):
        rows.append(f"{' '.join(rng.choices(['idiot', 'stupid', 'you'], k=6))},1,eng_Latn")
        rows.append(f"{' '.join(rng.choices(['garden', 'tomato', 'river'], k=6))},0,eng_Latn")
    rows.append("ignored other language,1,deu_Latn")
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "heads" / "eng_Latn.pt"
    assert main(["toxicity", "train-head", "--encoder", str(encoder), "--data", str(tmp_path / "data.csv"),
                 "--language", "eng_Latn", "--out", str(out), "--epochs", "30", "--lr", "0.01"]) == 0
    assert "held-out accuracy 1.000" in capsys.readouterr().out
    from clearweb.filters.toxicity.apertus import ApertusToxicityScorer

    scorer = ApertusToxicityScorer(str(encoder), str(out.parent))
    assert scorer.score("idiot stupid you idiot", "eng_Latn") > scorer.score("garden tomato river", "eng_Latn")
    (tmp_path / "bad.csv").write_text("text,label,language\nhello,maybe,eng_Latn\n")
    assert main(["toxicity", "train-head", "--encoder", str(encoder), "--data", str(tmp_path / "bad.csv"),
                 "--language", "eng_Latn", "--out", str(out)]) == 2
    assert "bad.csv:2: label 'maybe'" in capsys.readouterr().err
