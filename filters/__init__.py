"""clearweb.filters: datatrove steps that decide about or rewrite documents.

Robots.txt opt-outs (and the robots.txt crawler), license/TDM reservations, toxicity, PII and
language identification live here. A filter knows nothing of the CLI or the config schema.
"""
