"""Language-id candidates on real translated text: top-1 accuracy and docs/s/core.

Candidates: lid.176 alone (fastText, our label mapping and script rule), CLD2 alone (pycld2),
langid.py alone (py3langid), the default ensemble (lid.176, CLD2 and langid.py voting when lid.176
is unsure), the same with the voters always asked, and heliport (GPL-3.0; measured only when the
optional ``heliport`` extra is installed, never a dependency of the default install).

Sets: Django's translation catalogues (tests/langid_eval.py: 88 languages, short strings and texts
over 150 characters) and the shared UDHR sample (../shared/conformance/lid_sample.json, 414 labels),
in full and restricted to the labels each candidate can produce. Prints markdown for BENCHMARKS.md,
with the default's 15 worst languages on the Django set.

    python benchmarks/bench_langid_accuracy.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from clearweb.filters.langid.ensemble import Cld2Voter, EnsembleIdentifier, LangidVoter, Voter, voter_labels  # noqa: E402
from clearweb.filters.langid.identifier import LanguageIdentifier, text_scripts  # noqa: E402
from tests.langid_eval import Sample, django_eval_set, udhr_samples  # noqa: E402

# heliport answers ISO 639-3 macrolanguage codes where GlotLID names the individual language.
_HELIPORT_INDIVIDUAL = {"ara": "arb", "fas": "pes", "est": "ekk", "lav": "lvs", "swa": "swh", "msa": "zsm",
                        "zho": "cmn", "aze": "azj", "uzb": "uzn", "mon": "khk", "sqi": "als", "nep": "npi",
                        "ori": "ory", "pus": "pbt", "nor": "nob", "grn": "gug", "mlg": "plt", "yid": "ydd",
                        "kur": "kmr"}


class Candidate:
    def __init__(self, name: str, predict: Callable[[str], str], labels: set[str] | None):
        self.name, self.predict, self.labels = name, predict, labels


def voter_alone(name: str, voter: Voter) -> Candidate:
    voter.load()
    def predict(text: str) -> str:
        scripts = text_scripts(text)
        vote = voter.vote(text, scripts) if scripts else None
        return vote[0] if vote else f"und_{scripts[0] if scripts else 'Zyyy'}"

    return Candidate(name, predict, voter_labels(voter))


def heliport_candidate() -> Candidate | None:
    try:
        import heliport
    except ImportError:
        return None
    identifier = heliport.Identifier()

    def predict(text: str) -> str:
        scripts = text_scripts(text)
        code = identifier.identify(text)
        # heliport's labels carry no script: the text's own is taken, so no script check applies.
        return f"{_HELIPORT_INDIVIDUAL.get(code, code)}_{scripts[0] if scripts else 'Zyyy'}"

    return Candidate("heliport 1.x (GPL-3.0, optional extra)", predict, None)


def candidates() -> list[Candidate]:
    lid = LanguageIdentifier()
    default = EnsembleIdentifier(LanguageIdentifier())
    always = EnsembleIdentifier(LanguageIdentifier(), consult_below=1.01)
    for identifier in (lid, default, always):
        identifier.load()  # models loaded outside the timed part
    found = [
        Candidate("lid.176 alone (fastText)", lambda text: lid.predict(text)[0], set(lid.labels())),
        voter_alone("CLD2 alone (pycld2, Apache-2.0)", Cld2Voter()),
        voter_alone("langid.py alone (py3langid, BSD-3-Clause)", LangidVoter()),
        Candidate("**default**: lid.176 + CLD2 + langid.py when lid.176 < 0.9",
                  lambda text: default.predict(text)[0], set(default.labels())),
        Candidate("lid.176 + CLD2 + langid.py, voters always asked",
                  lambda text: always.predict(text)[0], set(always.labels())),
    ]
    heliport = heliport_candidate()
    return found + ([heliport] if heliport else [])


def accuracy(hits: list[bool]) -> str:
    return f"{sum(hits) / len(hits):.3f}" if hits else "n/a"


def measure(candidate: Candidate, django: list[Sample], udhr: list[Sample]) -> tuple[list[str], dict]:
    started = time.perf_counter()
    answers = [candidate.predict(sample.text) for sample in django]
    rate = len(django) / (time.perf_counter() - started)
    hits = [answer == sample.label for answer, sample in zip(answers, django, strict=True)]
    udhr_hits = [candidate.predict(sample.text) == sample.label for sample in udhr]
    producible = [hit for hit, sample in zip(udhr_hits, udhr, strict=True) if candidate.labels and sample.label in candidate.labels]
    row = {"all": accuracy(hits), "short": accuracy([h for h, s in zip(hits, django, strict=True) if not s.long]),
           "long": accuracy([h for h, s in zip(hits, django, strict=True) if s.long]), "udhr": accuracy(udhr_hits),
           "udhr_producible": accuracy(producible) + (f" ({len(producible)})" if producible else ""),
           "rate": f"{rate:,.0f}"}
    return answers, row


def worst_languages(answers: list[str], django: list[Sample], n: int = 15) -> list[str]:
    per_label: dict[str, list[str]] = defaultdict(list)
    for answer, sample in zip(answers, django, strict=True):
        per_label[sample.label].append(answer)
    def score(label: str) -> float:
        return sum(answer == label for answer in per_label[label]) / len(per_label[label])
    lines = ["| language | texts | top-1 | most frequent wrong answer |", "|---|---:|---:|---|"]
    for label in sorted(per_label, key=lambda label: (score(label), label))[:n]:
        wrong = Counter(answer for answer in per_label[label] if answer != label).most_common(1)
        lines.append(f"| {label} | {len(per_label[label])} | {score(label):.2f} | "
                     + (f"{wrong[0][0]} ({wrong[0][1]})" if wrong else "") + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    args = parser.parse_args()
    django = django_eval_set()
    udhr = udhr_samples(args.shared)
    print(f"Django set: {len(django)} texts, {len({s.label for s in django})} languages, "
          f"{sum(s.long for s in django)} over 150 characters; UDHR: {len(udhr)} records, "
          f"{len({s.label for s in udhr})} labels\n")
    print("| candidate | top-1 | short | > 150 chars | UDHR, all labels | UDHR, labels it can produce (records) "
          "| docs/s/core (Django set) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    default_answers: list[str] = []
    for candidate in candidates():
        answers, row = measure(candidate, django, udhr)
        if candidate.name.startswith("**default**"):
            default_answers = answers
        print(f"| {candidate.name} | {row['all']} | {row['short']} | {row['long']} | {row['udhr']} "
              f"| {row['udhr_producible']} | {row['rate']} |")
    print("\nThe default's 15 worst languages on the Django set:\n")
    print("\n".join(worst_languages(default_answers, django)))


if __name__ == "__main__":
    main()
