"""The word tokenizer the quality filters and the dedup shingles split a label's documents with.

FineWeb-2 passes ``language=<label>`` to datatrove's filters, which then split words with the
tokenizer datatrove assigns to the label (``load_word_tokenizer``; its tokenizer_assignment.csv
covers all 1,929 labels). Most of them are spaCy's rule-based tokenizers, which work offline with
spaCy alone; about 190 labels need a package that is not a clearweb dependency (stanza with a
downloaded model, indic-nlp-library, pythainlp, jieba, SudachiPy, kiwipiepy, khmer-nltk, laonlp,
botok, pyidaungsu, pyvi). When a label's tokenizer cannot be loaded here:

- in a script that separates words with spaces, spaCy's multilingual tokenizer (``xx``, what
  datatrove itself assigns to 53 labels) splits the words, close enough for thresholds that count
  words, lines and characters;
- in a script written without spaces between words (Han, Japanese, Thai, Lao, Khmer, Myanmar,
  Tibetan), any other split would make every "word" a phrase and fail the word-length bounds, so the
  label's documents are kept unfiltered and the report names the package to install. Dedup
  shingles them by characters instead (``CharacterTokenizer``): n-grams of characters are the usual
  MinHash shingles for such text, and a near-duplicate is a near-duplicate whatever the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from datatrove.utils.word_tokenizers import SpaCyTokenizer, WordTokenizer, load_word_tokenizer

#: scripts written without spaces between words
UNSEGMENTED = frozenset({"Hani", "Hans", "Hant", "Jpan", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"})
PROBE = "Probe text, two lines.\nSecond line."


@dataclass(frozen=True)
class ChosenTokenizer:
    """``tokenizer`` is None when the label's documents stay unfiltered; ``description`` says which
    tokenizer splits them, or why none does; ``own`` is true when it is the label's own."""

    tokenizer: WordTokenizer | None
    description: str
    own: bool = False


def _describe(tokenizer: WordTokenizer) -> str:
    return f"{type(tokenizer).__name__} {tokenizer.language or ''}".strip()


def choose(label: str | None, script: str | None) -> ChosenTokenizer:
    """datatrove's tokenizer for ``label`` if it loads and splits a probe text here, else the
    fallback above. ``label`` is the FineWeb-2 label whose values apply (or the document's own)."""
    problem = "no label"
    if label:
        try:
            tokenizer = load_word_tokenizer(label)
            tokenizer.word_tokenize(PROBE)
            return ChosenTokenizer(tokenizer, _describe(tokenizer), own=True)
        except Exception as exc:  # noqa: BLE001 - a missing package or model shows up as any error
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if script in UNSEGMENTED:
        return ChosenTokenizer(None, f"none, documents kept unfiltered: {problem}")
    return ChosenTokenizer(_multilingual(), f"SpaCyTokenizer xx (fallback: {problem})")


@lru_cache(maxsize=1)
def _multilingual() -> WordTokenizer:
    """One spaCy ``xx`` tokenizer per process (building a spaCy pipeline takes a moment)."""
    return SpaCyTokenizer("xx")


class CharacterTokenizer(WordTokenizer):
    """Every non-space character a word: dedup's split of text written without spaces when the
    language's segmenter is not installed."""

    def word_tokenize(self, text: str) -> list[str]:
        return [character for character in text if not character.isspace()]

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(index, index + 1) for index, character in enumerate(text) if not character.isspace()]


def dedup_tokenizer(label: str | None) -> WordTokenizer:
    """The tokenizer ``choose`` gives the label, or characters where it gives none."""
    script = label.split("_", 1)[1] if label and "_" in label else None
    return choose(label, script).tokenizer or CharacterTokenizer()
