"""The quality stage's settings and phase: FineWeb-2's quality filters per language, then the
finishing steps FineWeb-2 applied that are chosen, written partitioned by label when the language
stage ran.

Each filter's key holds the arguments FineWeb-2 gave it for every language (null disables the
filter); the per-language values are FineWeb-2's for the document's label, or the fallback of
``thresholds.py``, with ``overrides`` per label on top.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.formatters import FTFYFormatter, SymbolLinesFormatter
from pydantic import Field, field_validator

from clearweb.filters.langid.fineweb2 import CONFIGS_FILE, fineweb2_configs
from clearweb.filters.langid.labels import LABEL_PATTERN
from clearweb.filters.quality.step import QualityFilter
from clearweb.filters.quality.thresholds import FINEWEB_ENGLISH, script_fallbacks
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.settings import StrictModel
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter


class GopherRepetitionSettings(StrictModel):
    """datatrove's GopherRepetitionFilter; per language: dup_line_frac, top_n_grams, dup_n_grams.
    FineWeb-2 turns the paragraph checks off (trafilatura leaves few paragraphs) and the duplicate
    line-character check (FineWeb quality's char_duplicates_ratio covers it): 0 is off."""

    dup_para_frac: float = Field(0, ge=0, le=1)
    dup_para_char_frac: float = Field(0, ge=0, le=1)
    dup_line_char_frac: float = Field(0, ge=0, le=1)


class FineWebQualitySettings(StrictModel):
    """datatrove's FineWebQualityFilter; per language: line_punct_thr, new_line_ratio."""

    char_duplicates_ratio: float = Field(0.1, ge=0, le=1, description="FineWeb-2: 0.1 (FineWeb English: 0.01)")
    short_line_thr: float = Field(999, ge=0, description="share of short lines; FineWeb-2: 999 (off)")
    short_line_length: int = Field(30, ge=0)


class GopherQualitySettings(StrictModel):
    """datatrove's GopherQualityFilter; per language: min/max_avg_word_length,
    max_non_alpha_words_ratio, stopwords (the stopword check is off for fallback labels)."""

    min_doc_words: int = Field(50, ge=0)
    max_doc_words: int = Field(100_000, ge=0)
    max_symbol_word_ratio: float = Field(0.1, ge=0)
    max_bullet_lines_ratio: float = Field(0.9, ge=0, le=1)
    max_ellipsis_lines_ratio: float = Field(0.3, ge=0, le=1)
    min_stop_words: int = Field(2, ge=0)


class LabelOverrides(StrictModel):
    """Values for one label that replace FineWeb-2's (or the fallback's)."""

    dup_line_frac: float | None = Field(None, ge=0, le=1)
    top_n_grams: list[tuple[int, float]] | None = None
    dup_n_grams: list[tuple[int, float]] | None = None
    line_punct_thr: float | None = Field(None, ge=-1, le=1)
    new_line_ratio: float | None = Field(None, ge=0)
    min_avg_word_length: float | None = Field(None, ge=0)
    max_avg_word_length: float | None = Field(None, ge=0)
    max_non_alpha_words_ratio: float | None = Field(None, ge=0, le=1)
    stopwords: list[str] | None = None

    def values(self) -> dict[str, Any]:
        return {key: [list(p) for p in value] if key.endswith("_grams") else value
                for key, value in self.model_dump(exclude_none=True).items()}


class QualitySettings(BuildsPhases):
    gopher_repetition: GopherRepetitionSettings | None = Field(default_factory=GopherRepetitionSettings)
    fineweb_quality: FineWebQualitySettings | None = Field(default_factory=FineWebQualitySettings)
    gopher_quality: GopherQualitySettings | None = Field(default_factory=GopherQualitySettings)
    fallback: Literal["script", "keep"] = Field(
        "script", description="labels without FineWeb-2 values: script: the values of FineWeb-2's largest "
                              "language in the label's script, stopword check off (eng_Latn: FineWeb's English "
                              "values; other scripts: datatrove's defaults); keep: their documents pass unfiltered")
    overrides: dict[str, LabelOverrides] = Field(default_factory=dict, description="label: values replacing "
                                                 "FineWeb-2's or the fallback's")
    ftfy: bool = Field(False, description="FineWeb-2's finishing step: fix broken encodings (mojibake)")
    symbol_line_cleanup: bool = Field(False, description="FineWeb-2's finishing step: lines of only '|' "
                                      "(table borders trafilatura leaves) become line breaks")
    max_buffer_mb: int = Field(256, ge=1, description="memory for per-language buffers in each task")

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "max_buffer_mb"})

    @field_validator("overrides")
    @classmethod
    def _labels(cls, overrides: dict[str, LabelOverrides]) -> dict[str, LabelOverrides]:
        for label in overrides:
            if not LABEL_PATTERN.match(label):
                raise ValueError(f"{label}: not an xxx_Scrp label")
        return overrides

    def filter_arguments(self) -> dict[str, dict[str, Any]]:
        """The enabled filters' short names -> their arguments for every label."""
        chosen = {"gopher_rep": self.gopher_repetition, "fineweb_qual": self.fineweb_quality,
                  "gopher_qual": self.gopher_quality}
        return {name: settings.model_dump() for name, settings in chosen.items() if settings is not None}

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """FineWeb-2's settings file decides the thresholds: its content is part of the lineage."""
        return super().content_paths(prefix) | {f"{prefix}thresholds": str(CONFIGS_FILE)}

    def applied(self) -> dict[str, Any]:
        """Where each label's values come from (labels are known only as documents arrive): FineWeb-2's
        file for its labels (hashed into the lineage), and every fallback's values."""
        fallbacks = script_fallbacks() | {"fineweb-english": FINEWEB_ENGLISH} if self.fallback == "script" else {}
        return {"fineweb2_labels": len(fineweb2_configs()), "fallback": self.fallback, "fallback_values": fallbacks}

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build() -> list[PipelineStep]:
            steps: list[PipelineStep] = [ctx.reader(), QualityFilter(
                self.filter_arguments(), {label: o.values() for label, o in self.overrides.items()},
                fallback=self.fallback == "script", counts_dir=str(ctx.dirs.logs / "quality"),
                exclusion_writer=DocumentWriter(str(ctx.dirs.removed)))]
            if self.ftfy:
                steps.append(FTFYFormatter())
            if self.symbol_line_cleanup:
                steps.append(SymbolLinesFormatter(symbols_to_remove=["|"], replace_char="\n"))
            budget = self.max_buffer_mb << 20
            steps.append(PartitionedWriter(str(ctx.dirs.output), target_file_bytes=budget, max_buffer_bytes=budget)
                         if ctx.partitioned else DocumentWriter(str(ctx.dirs.output)))
            return steps

        return [ctx.phase(build)]
