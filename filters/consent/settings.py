"""The license/TDM filter's settings; they build its step in the compliance stage."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from clearweb.filters.license.filter import LicenseTdmFilter
from clearweb.pipeline.core.stage import BuildsStep, StageContext
from clearweb.pipeline.core.writer import DocumentWriter

ROBOTS_SNAPSHOT = "robots_snapshot"  # the robots stage's artifact, which holds each origin's tdmrep.json


class LicenseSettings(BuildsStep):
    """License and TDM opt-outs (clearweb.filters.license)."""

    drop_tdm_reserved: bool = True
    drop_noai: bool = True
    allowed_licenses: list[str] | None = Field(None, description="null keeps every license (and records it)")
    preset: Literal["commercial"] | None = Field(None, description="commercial: also drop NC and ND licenses")
    fetch_tdmrep: bool = Field(True, description="fetch /.well-known/tdmrep.json in the robots crawl")

    def step(self, ctx: StageContext, removed_dir: Path) -> LicenseTdmFilter:
        snapshot = ctx.artifacts.get(ROBOTS_SNAPSHOT)
        return LicenseTdmFilter(drop_tdm_reserved=self.drop_tdm_reserved, drop_noai=self.drop_noai,
                                allowed_licenses=self.allowed_licenses, preset=self.preset,
                                snapshot_dir=str(snapshot) if snapshot else None,
                                exclusion_writer=DocumentWriter(str(removed_dir)))

    def wants(self) -> set[str]:
        return {"tdmrep"} if self.fetch_tdmrep else set()
