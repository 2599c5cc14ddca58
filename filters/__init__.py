"""clearweb.filters: datatrove steps that decide about or rewrite documents.

Robots.txt opt-outs (and the robots.txt crawler), license/TDM reservations, toxicity, PII and
language identification live here. A filter knows nothing of the CLI or the config schema.

Every step is importable from here (``from clearweb.filters import LanguageLabeler``) and composes
with datatrove's own readers, writers and executors; each is imported when first named, so
importing this package stays cheap.
"""

from clearweb.pipeline.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "ConsentFilter": "clearweb.filters.consent.filter",
    "DedupFilter": "clearweb.filters.dedup.filter",
    "EnsembleIdentifier": "clearweb.filters.langid.ensemble",
    "LanguageIdentifier": "clearweb.filters.langid.identifier",
    "LanguageLabeler": "clearweb.filters.langid.filter",
    "PIIAnonymizer": "clearweb.filters.pii.step",
    "QualityFilter": "clearweb.filters.quality.step",
    "RobotsCrawlStep": "clearweb.filters.robots.crawl_step",
    "RobotsFilter": "clearweb.filters.robots.filter",
    "ToxicityFilter": "clearweb.filters.toxicity.step",
})
