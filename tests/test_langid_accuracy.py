"""The default language identifier on real text: accuracy targets, mixed scripts, the ensemble's scores.

The evaluation set is Django's translation catalogues (tests/langid_eval.py); the UDHR sample is
measured in tests/conformance/test_langid_conformance.py; BENCHMARKS.md has every candidate's figures
(benchmarks/bench_langid_accuracy.py).
"""

from __future__ import annotations

import pytest

from clearweb.filters.langid.ensemble import Cld2Voter, EnsembleIdentifier, LangidVoter
from clearweb.filters.langid.identifier import LanguageIdentifier
from clearweb.filters.langid.labels import LABEL_PATTERN, map_code
from clearweb.filters.langid.stage import LanguageSettings
from tests.langid_eval import django_eval_set


@pytest.fixture(scope="module")
def default_identifier():
    identifier = LanguageSettings().identifier()
    assert isinstance(identifier, EnsembleIdentifier)
    return identifier


def test_default_identifier_on_translated_text(default_identifier):
    samples = django_eval_set()
    assert len({sample.label for sample in samples}) >= 80
    hits = [default_identifier.predict(sample.text)[0] == sample.label for sample in samples]
    long_hits = [hit for hit, sample in zip(hits, samples, strict=True) if sample.long]
    assert len(long_hits) >= 500
    assert sum(hits) / len(hits) >= 0.85
    assert sum(long_hits) / len(long_hits) >= 0.95


@pytest.mark.parametrize(("text", "label"), [
    ("请在 settings.py 中设置 DEFAULT_AUTO_FIELD 参数，然后重新启动服务器。", "cmn_Hans"),
    ("設定ファイルの DEBUG を True にすると、詳しいエラーが表示されます。", "jpn_Jpan"),
    ("The word 世界 means world in Chinese, and it is used in many everyday phrases.", "eng_Latn"),
    ("DEBUG = True بىلەن تېخىمۇ كۆپ ئۇچۇرلارغا ئېرىشكىلى بولىدۇ.", "uig_Arab"),
])
def test_mixed_scripts_follow_the_language(default_identifier, text, label):
    assert default_identifier.predict(text)[0] == label
    assert LanguageIdentifier().predict(text)[0] == label


def test_a_sure_primary_keeps_its_own_score():
    primary = LanguageIdentifier()
    text = "Die Katze schläft den ganzen Tag auf dem warmen Sofa im Wohnzimmer, und niemand stört sie dabei."
    label, score = primary.predict(text)
    assert score >= 0.9
    assert EnsembleIdentifier(primary).predict(text) == (label, score)


def test_voters_disagreeing_with_an_unsure_primary_give_the_mean_of_three():
    text = "Ovo polje je obavezno."  # Bosnian; lid.176 alone is unsure between its neighbours
    primary = LanguageIdentifier()
    scripts = ("Latn",)
    first = dict(primary.candidates(text, 5, scripts))
    best = max(first, key=first.get)
    assert first[best] < 0.9
    cld2, langid = Cld2Voter().vote(text, scripts), LangidVoter().vote(text, scripts)
    assert cld2 and cld2[0] != best  # so langid.py is asked too
    label, score = EnsembleIdentifier(primary).predict(text)
    expected = (first.get(label, 0.0) + sum(p for vote_label, p in filter(None, (cld2, langid)) if vote_label == label)) / 3
    assert score == pytest.approx(expected)


def test_cld2_agreeing_with_an_unsure_primary_settles_it():
    text = "Ons het gister die hele dag in die tuin gewerk."  # Afrikaans
    primary = LanguageIdentifier()
    first = dict(primary.candidates(text, 5, ("Latn",)))
    assert first["afr_Latn"] == max(first.values()) < 0.9

    class Refuses(LangidVoter):
        def vote(self, text, scripts):
            raise AssertionError("langid.py asked although CLD2 agreed")

    cld2 = Cld2Voter()
    label, score = EnsembleIdentifier(primary, voters=[cld2, Refuses()]).predict(text)
    assert label == "afr_Latn"
    assert score == pytest.approx((first["afr_Latn"] + cld2.vote(text, ("Latn",))[1]) / 2)


def test_a_voter_that_cannot_name_the_primarys_best_label_is_not_asked():
    text = "Ovo polje je obavezno."
    primary = LanguageIdentifier()
    alone = primary.predict(text)
    assert alone[1] < 0.9 and alone[0] != "eng_Latn"

    class EnglishOnly(LangidVoter):
        def codes(self):
            return ["en"]

        def vote(self, text, scripts):
            raise AssertionError("a voter without the primary's best label was asked")

    assert EnsembleIdentifier(primary, voters=[EnglishOnly()]).predict(text) == alone


def test_every_voter_code_maps_to_a_label():
    unknown_by_design = {"zxx", "xx-Bugi", "xx-Goth", "zzp"}  # no language, or a script only
    not_in_glotlid = {"hmn", "iu", "ik", "lif"}  # macrolanguage or script GlotLID labels differently
    for voter in (Cld2Voter(), LangidVoter()):
        for code in voter.codes():
            label = map_code(code, "Latn")
            if code in unknown_by_design | not_in_glotlid:
                assert label is None
            else:
                assert label and LABEL_PATTERN.match(label), (voter.name, code)
