"""The one place stages and filters are registered, in pipeline order.

Orchestration (config, runner, lineage, report, ``why``, ``status``) knows stages and filters only
through this list. Adding a filter to the compliance stage is one ``register_filter`` line here (or
from a plugin or test); adding a stage is one ``register_stage`` line.
"""

from __future__ import annotations

import dataclasses

from clearweb.filters.consent.audit import consent_explain, consent_report
from clearweb.filters.consent.settings import ConsentSettings
from clearweb.filters.dedup.audit import dedup_explain, dedup_report
from clearweb.filters.dedup.settings import DedupSettings
from clearweb.filters.langid.audit import language_explain, language_report
from clearweb.filters.langid.stage import LanguageSettings
from clearweb.filters.pii.audit import pii_report
from clearweb.filters.pii.settings import PiiSettings
from clearweb.filters.quality.audit import quality_explain, quality_report
from clearweb.filters.quality.settings import QualitySettings
from clearweb.filters.robots.audit import robots_explain, robots_report
from clearweb.filters.robots.stage import SNAPSHOT, RobotsSettings, owned_dirs
from clearweb.filters.toxicity.audit import toxicity_explain, toxicity_report
from clearweb.filters.toxicity.settings import ToxicitySettings
from clearweb.pipeline.core.contract import ROBOTS_ARCHIVE
from clearweb.pipeline.core.stage import Filter, Stage
from clearweb.pipeline.fetch_audit import fetch_report
from clearweb.pipeline.fetch_stage import FetchSettings
from clearweb.pipeline.filter_chain import FilterChainSettings, filter_chain_settings
from clearweb.tokenizer.audit import fertility_report, tokens_report, vocabulary_shortfall
from clearweb.tokenizer.shard_erasure import DS, MEGATRON
from clearweb.tokenizer.stage import TOKENIZER, TokenizerSettings, TokenizeSettings

COMPLIANCE_DOC = ("Consent (TDMRep, aipref, noai) and license, toxicity and PII, in that order (toxicity is scored on the text before PII "
                  "placeholders replace parts of it); null disables a filter.")

STAGES: list[Stage] = []


def register_stage(stage: Stage, before: str | None = None) -> Stage:
    """Add a stage at the end of the pipeline, or before the stage named ``before``."""
    if any(existing.name == stage.name for existing in STAGES):
        raise ValueError(f"stage {stage.name} is already registered")
    index = [s.name for s in STAGES].index(before) if before else len(STAGES)
    STAGES.insert(index, stage)
    return stage


def stage(name: str) -> Stage:
    return next(s for s in STAGES if s.name == name)


def register_filter(stage_name: str, new: Filter, before: str | None = None) -> None:
    """Add a filter to a filter stage's chain (at the end, or before the filter named ``before``)."""
    current = stage(stage_name)
    filters = list(current.settings.filters)
    if any(f.name == new.name for f in filters):
        raise ValueError(f"filter {new.name} is already registered in stage {stage_name}")
    filters.insert([f.name for f in filters].index(before) if before else len(filters), new)
    settings = filter_chain_settings(stage_name, tuple(filters), current.settings.__doc__ or "")
    STAGES[STAGES.index(current)] = dataclasses.replace(current, settings=settings)


def unregister(stage_name: str, filter_name: str | None = None) -> None:
    """Remove a stage, or one filter of a filter stage (plugins and tests that registered one)."""
    current = stage(stage_name)
    if filter_name is None:
        STAGES.remove(current)
        return
    filters = tuple(f for f in current.settings.filters if f.name != filter_name)
    settings = filter_chain_settings(stage_name, filters, current.settings.__doc__ or "")
    STAGES[STAGES.index(current)] = dataclasses.replace(current, settings=settings)


def filters_of(stage_settings) -> tuple[Filter, ...]:
    """The filters of a filter stage's settings (none for other stages)."""
    return stage_settings.filters if isinstance(stage_settings, FilterChainSettings) else ()


register_stage(Stage("fetch", FetchSettings, reads=False, report=fetch_report))
register_stage(Stage("robots", RobotsSettings, uses=(SNAPSHOT, ROBOTS_ARCHIVE), owns=owned_dirs, report=robots_report,
                     explain=robots_explain))
register_stage(Stage("language", LanguageSettings, partitions=True, report=language_report, explain=language_explain))
register_stage(Stage("dedup", DedupSettings, report=dedup_report, explain=dedup_explain,
                     no_steps_before="its filter matches documents to the signature phase's by position"))
register_stage(Stage("quality", QualitySettings, report=quality_report, explain=quality_explain))
register_stage(Stage("compliance", filter_chain_settings("compliance", (), COMPLIANCE_DOC), uses=(SNAPSHOT,)))
register_filter("compliance", Filter("consent", ConsentSettings, report=consent_report, explain=consent_explain))
register_filter("compliance", Filter("toxicity", ToxicitySettings, report=toxicity_report, explain=toxicity_explain))
register_filter("compliance", Filter("pii", PiiSettings, report=pii_report))
register_stage(Stage("tokenizer", TokenizerSettings, documents=False, report=fertility_report,
                     warning=vocabulary_shortfall))
register_stage(Stage("tokenize", TokenizeSettings, documents=False, uses=(TOKENIZER,), required=(TOKENIZER,),
                     report=tokens_report, shards=(DS, MEGATRON)))
