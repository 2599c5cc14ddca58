"""The PII step's settings; they build it in the compliance stage."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from clearweb.filters.pii.step import PIIAnonymizer
from clearweb.pipeline.core.stage import BuildsStep, StageContext


class PiiSettings(BuildsStep):
    """PII replacement (clearweb.filters.pii); public IPs only, as the placeholders say."""

    entities: list[Literal["email", "ip", "iban", "card", "phone"]] = Field(
        default_factory=lambda: ["email", "ip", "iban", "card", "phone"], description="entities to replace")

    def step(self, ctx: StageContext, removed_dir: Path) -> PIIAnonymizer:
        return PIIAnonymizer(entities=self.entities)  # rewrites, never removes
