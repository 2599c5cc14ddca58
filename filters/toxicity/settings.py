"""The toxicity filter's settings; they build its step (and scorer) in the compliance stage."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, model_validator

from clearweb.filters.toxicity.step import ToxicityFilter
from clearweb.filters.toxicity.wordlist import SEED_LISTS, WordlistScorer
from clearweb.pipeline.core.settings import ExistingFolder, checks_files
from clearweb.pipeline.core.stage import BuildsStep, StageContext
from clearweb.pipeline.core.writer import DocumentWriter


class ToxicitySettings(BuildsStep):
    """Per-language toxicity (clearweb.filters.toxicity)."""

    backend: Literal["wordlist", "apertus"] = "wordlist"
    wordlist_dir: ExistingFolder | None = Field(None, description="term files per language; default: the demo seed lists")
    encoder: ExistingFolder | None = Field(None, description="apertus: local XLM-RoBERTa folder")
    heads_dir: ExistingFolder | None = Field(None, description="apertus: folder of <xxx_Scrp>.pt heads")
    thresholds: dict[str, float] = Field(default_factory=dict, description="per label; apertus: published ones")
    default_threshold: float | None = Field(None, description="labels without their own; wordlist default 10")
    no_classifier_sample_rate: float = Field(1.0, ge=0, le=1)
    batch_size: int = Field(32, ge=1)
    device: str = "auto"

    execution_keys: ClassVar[frozenset[str]] = frozenset({"batch_size", "device"})
    content_keys: ClassVar[tuple[str, ...]] = ("wordlist_dir", "encoder", "heads_dir")

    @model_validator(mode="after")
    def _backend_needs(self, info: ValidationInfo) -> ToxicitySettings:
        if self.backend == "apertus" and checks_files(info):
            for key in ("encoder", "heads_dir"):
                if not getattr(self, key):
                    raise ValueError(f"the apertus backend needs {key}")
        return self

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """The word lists are hashed even when they are the shipped seed lists."""
        paths = super().content_paths(prefix)
        if self.backend == "wordlist" and not self.wordlist_dir:
            paths[f"{prefix}wordlist_dir"] = str(SEED_LISTS)
        return paths

    def step(self, ctx: StageContext, removed_dir: Path) -> ToxicityFilter:
        if self.backend == "apertus":
            from clearweb.filters.toxicity.apertus import PUBLISHED_THRESHOLDS, ApertusToxicityScorer

            scorer = ApertusToxicityScorer(self.encoder, self.heads_dir, self.batch_size, self.device)
            thresholds = PUBLISHED_THRESHOLDS | self.thresholds
            default, batch = self.default_threshold, self.batch_size
        else:
            scorer = WordlistScorer(self.wordlist_dir) if self.wordlist_dir else WordlistScorer()
            thresholds = self.thresholds
            default = self.default_threshold if self.default_threshold is not None else 10.0
            batch = 1
        return ToxicityFilter(scorer, thresholds, default_threshold=default,
                              no_classifier_sample_rate=self.no_classifier_sample_rate,
                              histograms_dir=str(ctx.dirs.logs / "toxicity"),
                              exclusion_writer=DocumentWriter(str(removed_dir)), batch_size=batch)
