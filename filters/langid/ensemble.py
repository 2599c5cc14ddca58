"""The default identifier: lid.176, with CLD2 and langid.py voting when lid.176 is unsure.

Measured on real translated text (benchmarks/bench_langid_accuracy.py, BENCHMARKS.md), each of
these three permissively licensed identifiers alone labels 0.76-0.84 of short and long texts
right, and they err on different texts: lid.176 on close languages it rarely predicts (Bosnian,
Asturian, Ossetian), CLD2 on short Cyrillic text and Sorani, langid.py elsewhere. Summing their
probabilities per label (soft voting, equal weights, no weight fitted to any test set) beats each
of them. Votes are only asked for when lid.176's best probability is below ``consult_below``: on
web pages lid.176 is sure of almost every document, so the stage keeps lid.176's speed.

The voters are asked in order of cost. CLD2 first: when it names lid.176's best label, two of the
three agree and langid.py (the slowest per character) is not asked; it could overturn that
majority only where lid.176 is split and CLD2 barely sure, and on the evaluation set it never
changed an answer. A voter that cannot name lid.176's best label at all (Upper Sorbian, Punjabi in
Arabic script, Swiss German are not in its model) is not asked: it would only ever name the large
neighbour and outvote the one model that knows the language. A document's ``language_score`` is the mean probability the models asked gave
its label (a voter that named another language gave it 0); a document lid.176 is sure of keeps
lid.176's own score. Both read as probabilities, so thresholds keep their meaning.

- CLD2 (``pycld2``, Apache-2.0): Google's compact n-gram identifier, 83 languages with full
  models; its percentage of the text in its best language is its probability.
- langid.py (``py3langid``, BSD-3-Clause): naive Bayes over byte n-grams, 97 languages, with
  normalised probabilities. It reads the first ``VOTER_CHARS`` characters: enough to vote.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from clearweb.filters.langid.identifier import LanguageIdentifier, decide, fitting_label, text_scripts
from clearweb.filters.langid.labels import LID176, OTHER_CODES, map_code

#: Characters of a text a voter reads.
VOTER_CHARS = 1000

#: lid.176 names Serbo-Croatian as one language (``sh``) where the voters name its standards: a voter
#: that knows one of them can refine that answer, so it counts as knowing the macrolanguage.
MACROLANGUAGE_MEMBERS = {"hbs": ("bos", "hrv", "srp")}


class Voter(Protocol):
    """A second identifier that names its best language for a text."""

    name: str

    def vote(self, text: str, scripts: tuple[str, ...]) -> tuple[str, float] | None:
        """(label, probability) of its best language fitting ``scripts``, or ``None``."""

    def codes(self) -> list[str]:
        """Every ISO 639 code it can answer."""

    def load(self) -> None:
        """Load its model now rather than on the first vote."""


class Cld2Voter:
    name = "cld2"

    def vote(self, text: str, scripts: tuple[str, ...]) -> tuple[str, float] | None:
        import pycld2

        try:
            _, _, details = pycld2.detect(text[:VOTER_CHARS], bestEffort=True)
        except pycld2.error:  # text CLD2 cannot read as UTF-8 (lone surrogates): no vote
            return None
        _, code, percent, _ = details[0]
        label = fitting_label(code, scripts) if percent else None
        return (label, percent / 100) if label else None

    def codes(self) -> list[str]:
        import pycld2

        # LANGUAGES also names languages CLD2 has no model for; DETECTED_LANGUAGES are those it detects.
        code_of = dict(pycld2.LANGUAGES)
        return [code_of[name] for name in pycld2.DETECTED_LANGUAGES if name in code_of]

    def load(self) -> None:
        import pycld2  # noqa: F401 - its tables are compiled in: importing is loading


class LangidVoter:
    name = "langid"

    def __init__(self):
        self._model = None

    def __getstate__(self) -> dict:
        return {"_model": None}  # rebuilt in each process from the package's model file

    @property
    def model(self):
        if self._model is None:
            from py3langid.langid import MODEL_FILE
            from py3langid.langid import LanguageIdentifier as Langid

            self._model = Langid.from_model_file(MODEL_FILE, norm_probs=True)
        return self._model

    def vote(self, text: str, scripts: tuple[str, ...]) -> tuple[str, float] | None:
        code, probability = self.model.classify(text[:VOTER_CHARS])
        label = fitting_label(code, scripts)
        return (label, float(probability)) if label else None

    def codes(self) -> list[str]:
        return list(self.model.nb_classes)

    def load(self) -> None:
        _ = self.model


def voter_labels(voter: Voter) -> set[str]:
    """The labels a voter's codes map to, in every script the language is written in."""
    labels = set()
    for code in voter.codes():
        language, scripts = LID176.get(code) or OTHER_CODES.get(code) or (None, ())
        labels.update(map_code(code, script) for script in scripts if language)
    for macrolanguage, members in MACROLANGUAGE_MEMBERS.items():
        labels.update(f"{macrolanguage}_{label.split('_')[1]}" for label in list(labels)
                      if label.split("_")[0] in members)
    return labels


class EnsembleIdentifier:
    """``EnsembleIdentifier(LanguageIdentifier()).predict("Dobar dan, kako ste?")``."""

    def __init__(self, primary: LanguageIdentifier, voters: list[Voter] | None = None,
                 consult_below: float = 0.9):
        self.primary = primary
        self.voters = [Cld2Voter(), LangidVoter()] if voters is None else voters
        self.consult_below = consult_below
        self.model_path = primary.model_path
        self.unsure_below = primary.unsure_below
        self._known: list[set[str]] | None = None

    def load(self) -> None:
        self.primary.load()
        for voter in self.voters:
            voter.load()
        self.known_labels()

    def labels(self) -> list[str]:
        """Every label the primary model or a voter can answer (besides ``und_*``)."""
        return sorted(set(self.primary.labels()).union(*self.known_labels()))

    def known_labels(self) -> list[set[str]]:
        """Each voter's labels, in the voters' order."""
        if self._known is None:
            self._known = [voter_labels(voter) for voter in self.voters]
        return self._known

    def predict(self, text: str) -> tuple[str, float]:
        return self.predict_k(text, 1)[0]

    def predict_k(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        scripts = text_scripts(text)
        results = self.primary.candidates(text, k, scripts)
        if scripts and (not results or results[0][1] < self.consult_below):
            results = self._vote(text, scripts, results)
        return decide(results, scripts, self.unsure_below, k)

    def _vote(self, text: str, scripts: tuple[str, ...],
              primary: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Labels ranked by the mean of the probabilities the models asked gave them; the voters
        that know the primary's best label are asked in turn until one names it."""
        total: dict[str, float] = defaultdict(float)
        for label, probability in primary:
            total[label] += probability
        asked = 1
        for voter, known in zip(self.voters, self.known_labels(), strict=True):
            if primary and primary[0][0] not in known:
                continue
            vote = voter.vote(text, scripts)
            asked += 1
            if vote:
                total[vote[0]] += vote[1]
                if primary and vote[0] == primary[0][0]:
                    break
        return sorted(((label, score / asked) for label, score in total.items()), key=lambda item: -item[1])
