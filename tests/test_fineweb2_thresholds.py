"""``thresholds: fineweb2``: FineWeb-2's minimum language score per label, shipped as package data,
applied by the language stage under a user's thresholds file. Scores come from a tiny fastText model
trained in the test; documents are mixed from two languages' words until their score crosses the
label's FineWeb-2 minimum, so one lands just under it and one just over."""

import random

import pytest
from datatrove.data import Document

from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.fineweb2 import fineweb2_configs, fineweb2_thresholds
from clearweb.filters.langid.identifier import LanguageIdentifier
from clearweb.filters.langid.stage import LanguageSettings
from tests.langid_helpers import synthetic_vocabularies, write_tiny_model

#: three labels with different FineWeb-2 minimums, and labels whose words are mixed in
LABELS = {"gsw_Latn": 0.3, "bos_Latn": 0.516, "deu_Latn": 0.821}
MIXERS = ["eng_Latn", "xaa_Latn", "xab_Latn", "xac_Latn"]
SHARED = __import__("pathlib").Path(__file__).resolve().parents[1].parent / "shared" / "fineweb2"


def test_the_shipped_settings_are_fineweb2s():
    thresholds = fineweb2_thresholds()
    assert len(thresholds) == 1929 and {label: thresholds[label] for label in LABELS} == LABELS
    assert fineweb2_configs()["deu_Latn"]["stopwords"]  # the quality settings ship too, for the quality stage
    if (SHARED / "language_configs.json").is_file():
        import json

        assert fineweb2_configs() == json.loads((SHARED / "language_configs.json").read_text())


@pytest.fixture(scope="module")
def identifier(tmp_path_factory):
    labels = [*LABELS, *MIXERS]
    vocabularies = synthetic_vocabularies(labels, seed=3)
    model = write_tiny_model(tmp_path_factory.mktemp("lid"), labels, vocabularies)
    return LanguageIdentifier(model), vocabularies, model


def straddling(identifier, vocabularies, label, minimum):
    """Two texts labelled ``label``: the one scoring closest under ``minimum`` and closest at or over it.
    Words of every other label are mixed in, so the model's belief spreads and scores go low."""
    rng = random.Random(label)
    others = [word for other, words in vocabularies.items() if other != label for word in words]
    under, over = None, None
    for _ in range(40):
        for mixed in range(0, 25):
            words = rng.choices(vocabularies[label], k=24 - mixed) + rng.choices(others, k=mixed)
            rng.shuffle(words)
            text = " ".join(words)
            got, score = identifier.predict(text)
            if got != label:
                continue
            if score < minimum and (under is None or score > under[1]):
                under = (text, score)
            if score >= minimum and (over is None or score < over[1]):
                over = (text, score)
    assert under and over, f"no mix of {label} crossed {minimum}"
    return under, over


def test_documents_are_held_to_their_labels_fineweb2_minimum(identifier, tmp_path):
    identifier, vocabularies, model = identifier
    settings = LanguageSettings(model=str(model), thresholds="fineweb2", threshold=0.0)
    labeler = LanguageLabeler(identifier, threshold=settings.threshold, thresholds=settings.label_thresholds())
    for label, minimum in LABELS.items():
        (under, under_score), (over, over_score) = straddling(identifier, vocabularies, label, minimum)
        assert under_score < minimum <= over_score
        assert labeler.filter(Document(text=under, id="u", metadata={})) == (False, "language_score"), label
        assert labeler.filter(Document(text=over, id="o", metadata={})) is True, label
    # a user's file overrides FineWeb-2's minimum for the labels it names, and only those
    (tmp_path / "t.yaml").write_text("gsw_Latn: 0.99\n")
    mine = LanguageSettings(model=str(model), thresholds="fineweb2", thresholds_file=str(tmp_path / "t.yaml"))
    assert mine.label_thresholds()["gsw_Latn"] == 0.99 and mine.label_thresholds()["deu_Latn"] == 0.821
    assert mine.applied()["thresholds"]["bos_Latn"] == 0.516
    assert "thresholds" in mine.content_paths()  # the settings file is part of the stage's lineage
    assert LanguageSettings(model=str(model)).label_thresholds() == {}
