"""The language stage's settings and phase: label, threshold, write partitioned by label."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, PrivateAttr, ValidationInfo, model_validator

from clearweb.filters.langid import glotlid
from clearweb.filters.langid.ensemble import EnsembleIdentifier
from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.fineweb2 import CONFIGS_FILE, fineweb2_thresholds
from clearweb.filters.langid.identifier import LanguageIdentifier, default_model_path
from clearweb.filters.langid.thresholds import ThresholdsError, load_thresholds
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.settings import ExistingFile, checks_files
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter


def _model_name_or_file(value: str, info: ValidationInfo) -> str:
    """``glotlid`` names a model in the Hugging Face cache (looked up with its revision once the
    settings are complete); any other value is a local file."""
    if value != glotlid.NAME and checks_files(info) and not os.path.isfile(value):
        raise ValueError("file not found")
    return value


#: A fastText model file, or the name of a model fetched into the Hub cache.
ModelNameOrFile = Annotated[str, AfterValidator(_model_name_or_file)]


class LanguageSettings(BuildsPhases):
    model: ModelNameOrFile | None = Field(
        None, description="fastText LID model file, or glotlid: GlotLID v3 (1,800+ languages) from the Hugging "
                          "Face cache, fetched with `clearweb models fetch glotlid`; default: lid.176")
    model_revision: str = Field(glotlid.DEFAULT_REVISION, min_length=1,
                                description="glotlid: branch, tag or commit of cis-lmu/glotlid to use")
    ensemble: bool | None = Field(None, description="CLD2 and langid.py vote when the model is unsure; "
                                  "default: on for the default model, off for a model of one's own")
    consult_below: float = Field(0.9, ge=0, le=1, description="ensemble: the model's best probability under "
                                 "which the voters are asked")
    threshold: float = Field(0.65, ge=0, le=1, description="minimum language_score for labels without their own")
    thresholds: Literal["fineweb2"] | None = Field(
        None, description="fineweb2: FineWeb-2's minimum score per label (1,929 labels), under thresholds_file")
    thresholds_file: ExistingFile | None = Field(None, description="YAML or CSV of label: threshold (overrides)")
    reuse_labels: bool = Field(False, description="keep the labels documents already carry (FineWeb-2 Parquet); "
                               "identify only the others")
    top_k: int = Field(5, ge=1, description="labels kept in top_langs")
    top_min_score: float = Field(0.01, ge=0, le=1)
    unsure_below: float = Field(0.0, ge=0, le=1, description="below this the label is und_<script>")
    max_buffer_mb: int = Field(256, ge=1, description="memory for per-language buffers in each task")

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "max_buffer_mb"})
    content_keys: ClassVar[tuple[str, ...]] = ("model", "thresholds_file")

    #: The cached GlotLID file, found once when the settings are validated to run (see model_file).
    _glotlid_file: Path | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _model_resolvable(self, info: ValidationInfo) -> LanguageSettings:
        """A GlotLID model missing from the cache is a config error before the run starts, naming the
        command that fetches it; the audit commands never look (the cache may be long gone)."""
        if self.model != glotlid.NAME:
            if self.model_revision != glotlid.DEFAULT_REVISION:
                raise ValueError(f"model_revision: applies only to model: {glotlid.NAME}")
        elif checks_files(info):
            try:
                self._glotlid_file = glotlid.cached_path(self.model_revision)
            except glotlid.ModelNotCached as exc:
                raise ValueError(f"model: {exc}") from None
        return self

    @model_validator(mode="after")
    def _thresholds_readable(self, info: ValidationInfo) -> LanguageSettings:
        if self.thresholds_file and checks_files(info):
            try:
                load_thresholds(self.thresholds_file)
            except ThresholdsError as exc:
                raise ValueError(f"thresholds_file: {exc}") from None
        return self

    def file_thresholds(self) -> dict[str, float]:
        return load_thresholds(self.thresholds_file) if self.thresholds_file else {}

    def label_thresholds(self) -> dict[str, float]:
        """Per-label minimums: FineWeb-2's when chosen, the thresholds file's entries over them."""
        return (fineweb2_thresholds() if self.thresholds == "fineweb2" else {}) | self.file_thresholds()

    def model_file(self) -> Path:
        """The file the stage labels with: the one given, GlotLID's in the Hub cache (as found when
        the settings were validated, so the file hashed into the lineage is the file loaded), or
        the bundled lid.176."""
        if self.model == glotlid.NAME:
            return self._glotlid_file or glotlid.cached_path(self.model_revision)
        return Path(self.model) if self.model else default_model_path()

    def content(self) -> dict[str, Any]:
        """The revision is part of the settings only for GlotLID: a model file has no revision, and
        runs recorded before the key existed stay current."""
        data = super().content()
        if self.model != glotlid.NAME:
            del data["model_revision"]
        return data

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """The model file is hashed even when it is the bundled default (a package upgrade may swap
        it) or GlotLID in the Hub cache (a new revision may be fetched); so is FineWeb-2's settings
        file when its thresholds apply."""
        paths = super().content_paths(prefix) | {f"{prefix}model": str(self.model_file())}
        return paths | ({f"{prefix}thresholds": str(CONFIGS_FILE)} if self.thresholds == "fineweb2" else {})

    def applied(self) -> dict:
        return {"thresholds": self.label_thresholds()}

    def identifier(self) -> LanguageIdentifier | EnsembleIdentifier:
        """lid.176 with its voters by default (filters/langid/ensemble.py); a model of one's own alone."""
        model = LanguageIdentifier(self.model_file(), unsure_below=self.unsure_below)
        voting = self.ensemble if self.ensemble is not None else self.model is None
        return EnsembleIdentifier(model, consult_below=self.consult_below) if voting else model

    def check(self, ctx: StageContext) -> None:
        """Every label of the thresholds file must be one the model can answer: a typo would
        otherwise silently leave that language on the global threshold."""
        thresholds = self.file_thresholds()
        if not thresholds:
            return
        known = set(self.identifier().labels())
        unknown = sorted(label for label in thresholds if label not in known and not label.startswith("und_"))
        if unknown:
            raise ValueError(f"thresholds_file: {self.thresholds_file}: label {unknown[0]} is not a label of the "
                             f"language-id model" + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build():
            labeler = LanguageLabeler(
                self.identifier(), threshold=self.threshold, thresholds=self.label_thresholds(), top_k=self.top_k,
                top_min_score=self.top_min_score, counts_dir=str(ctx.dirs.logs / "languages"),
                reuse_labels=self.reuse_labels,
                exclusion_writer=DocumentWriter(str(ctx.dirs.removed)),
            )
            budget = self.max_buffer_mb << 20
            return [ctx.reader(), labeler,
                    PartitionedWriter(str(ctx.dirs.output), target_file_bytes=budget, max_buffer_bytes=budget)]

        return [ctx.phase(build)]
