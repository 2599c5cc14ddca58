"""The consent filter's settings; they build its step in the compliance stage."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from clearweb.filters.consent.aipref import TRAINING_LABELS
from clearweb.filters.consent.filter import SIGNALS, ConsentFilter
from clearweb.pipeline.core.contract import ROBOTS_SNAPSHOT  # holds each origin's tdmrep.json
from clearweb.pipeline.core.stage import BuildsStep, StageContext
from clearweb.pipeline.core.writer import DocumentWriter

Signal = Literal["tdmrep", "content_usage", "noai"]


class ConsentSettings(BuildsStep):
    """Consent signals and licenses (clearweb.filters.consent)."""

    reads_artifacts: ClassVar[tuple[str, ...]] = (ROBOTS_SNAPSHOT,)  # each origin's tdmrep.json

    honour: list[Signal] = Field(default_factory=lambda: list(SIGNALS),
                                 description="signals whose opt-out removes a document; the others are only recorded")
    usage_labels: list[str] = Field(default_factory=lambda: list(TRAINING_LABELS), min_length=1,
                                    description="aipref categories whose n is an AI-training opt-out")
    allowed_licenses: list[str] | None = Field(None, description="null keeps every license (and records it)")
    preset: Literal["commercial"] | None = Field(None, description="commercial: also drop NC and ND licenses")
    fetch_tdmrep: bool = Field(True, description="fetch /.well-known/tdmrep.json in the robots crawl")
    on_missing_url: Literal["drop", "keep"] = Field("drop", description="a document without URL: drop or keep")
    on_unchecked_tdmrep: Literal["drop", "keep"] = Field(
        "drop", description="the origin's tdmrep.json does not parse or was never fetched: drop (fail closed) "
        "or read it as absent")

    def step(self, ctx: StageContext, removed_dir: Path) -> ConsentFilter:
        snapshot = ctx.artifacts.get(ROBOTS_SNAPSHOT)
        return ConsentFilter(honour=self.honour, usage_labels=self.usage_labels,
                             allowed_licenses=self.allowed_licenses, preset=self.preset,
                             snapshot_dir=str(snapshot) if snapshot else None, on_missing_url=self.on_missing_url,
                             on_unchecked_tdmrep=self.on_unchecked_tdmrep,
                             exclusion_writer=DocumentWriter(str(removed_dir)))

    def check(self, ctx: StageContext) -> None:
        if self.fetch_tdmrep and "tdmrep" in self.honour and ROBOTS_SNAPSHOT not in ctx.artifacts:
            raise ValueError("consent reads each origin's /.well-known/tdmrep.json from the robots stage's crawl: "
                             "add a robots stage, or set consent.fetch_tdmrep: false to use page signals only")

    def wants(self) -> set[str]:
        return {"tdmrep"} if self.fetch_tdmrep else set()
