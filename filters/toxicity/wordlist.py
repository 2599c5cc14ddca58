"""The offline toxicity backend: per-language word lists.

Term files hold one term per line (``#`` comments allowed), the layout of the widely used LDNOOBW
lists. A folder of lists is searched for ``<xxx_Scrp>.txt``, ``<xxx_Scrp>`` or the LDNOOBW name
(ISO 639-1, e.g. ``de``). Terms match case-insensitively on Unicode word boundaries; in scripts
written without spaces between words (Han, Japanese, Thai, Lao, Khmer, Myanmar, Tibetan) they
match as substrings. The score is matches per 1,000 words, where a "word" in those scripts is two
characters. Languages without a list get no score (the step counts them as ``no_classifier``).
"""

from __future__ import annotations

from pathlib import Path

import regex

from clearweb.filters.langid.labels import LID176

NO_SPACE_SCRIPTS = {"Hans", "Hant", "Hani", "Jpan", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"}
HISTOGRAM_EDGES = [0.0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
_ISO639_1 = {language: code for code, (language, _) in LID176.items() if len(code) == 2}
SEED_LISTS = Path(__file__).resolve().parent / "seed_lists"


def read_terms(path: Path) -> list[str]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.casefold())
    return terms


def find_list(folder: Path, label: str) -> Path | None:
    language = label.split("_")[0]
    for name in (f"{label}.txt", label, _ISO639_1.get(language, ""), f"{_ISO639_1.get(language, '')}.txt"):
        if name and (folder / name).is_file():
            return folder / name
    return None


class WordlistScorer:
    """``score(text, label)`` -> matches per 1,000 words, or None without a list for the label."""

    histogram_edges = HISTOGRAM_EDGES

    def __init__(self, folder: str | Path = SEED_LISTS):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{self.folder}: word-list folder not found")
        self._patterns: dict[str, regex.Pattern | None] = {}

    def _pattern(self, label: str) -> regex.Pattern | None:
        if label not in self._patterns:
            path = find_list(self.folder, label)
            terms = read_terms(path) if path else []
            if not terms:
                self._patterns[label] = None
            else:
                body = "|".join(regex.escape(term) for term in sorted(set(terms), key=len, reverse=True))
                spaced = label.split("_")[-1] not in NO_SPACE_SCRIPTS
                source = rf"\b(?:{body})\b" if spaced else f"(?:{body})"
                self._patterns[label] = regex.compile(source, regex.IGNORECASE | regex.WORD | regex.V1)
        return self._patterns[label]

    def has_classifier(self, label: str) -> bool:
        return self._pattern(label) is not None

    def score(self, text: str, label: str) -> float | None:
        pattern = self._pattern(label)
        if pattern is None:
            return None
        matches = sum(1 for _ in pattern.finditer(text))
        if label.split("_")[-1] in NO_SPACE_SCRIPTS:
            words = max(1.0, (len(text) - text.count(" ")) / 2)
        else:
            words = max(1, len(text.split()))
        return 1000.0 * matches / words
