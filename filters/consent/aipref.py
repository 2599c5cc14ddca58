"""AI-usage preference vocabularies: IETF aipref (``Content-Usage``) and Cloudflare's Content Signals.

aipref (draft-ietf-aipref-vocab, -attach) serialises preferences as an RFC 9651 Structured Fields
Dictionary: ``train-ai=n, search=y``. Parsing is left to ``http-sf``; a value that does not parse
states nothing (every category unknown), a key given twice keeps its last value, parameters are
ignored, and only the Tokens ``y`` and ``n`` are preferences (anything else is unknown). Unknown
labels are ignored. Statements from several places combine per category: any ``n`` wins.

Content Signals (contentsignals.org) is a robots.txt line ``Content-Signal: search=yes, ai-train=no``:
a comma list of ``key=value`` with values ``yes``/``no``; absent keys grant and restrict nothing.

The labels that mean "do not train on this" are ``train-ai`` (aipref) and ``ai-train`` (Content
Signals). The vocabulary changed between drafts, and sites wrote what was current: ``tdm`` > ``ai``
> ``genai`` (-00, -01), ``all`` and ``bots`` above ``train-ai`` > ``train-genai`` (-02 to -04).
Each of those categories contains training a generative model, so an ``n`` to any of them is
honoured by default too (``usage_labels`` narrows it); ``search`` and other uses are not.
"""

from __future__ import annotations

import http_sf

#: aipref categories, of the current draft and earlier ones, whose ``n`` is an AI-training opt-out
TRAINING_LABELS = ("train-ai", "train-genai", "ai", "genai", "tdm", "all", "bots")
#: Content Signals keys whose ``no`` is an AI-training opt-out
TRAINING_SIGNALS = ("ai-train",)


def parse_usage(value: str) -> dict[str, str] | None:
    """aipref preferences of a ``Content-Usage`` value: label -> ``y``/``n`` (other values and
    unknown tokens left out); None when the value is not a Structured Fields Dictionary."""
    try:
        parsed = http_sf.parse(value.encode("utf-8"), tltype="dictionary")
    except (http_sf.StructuredFieldError, UnicodeError, ValueError):
        return None
    return {label: str(item) for label, (item, _params) in parsed.items()
            if isinstance(item, http_sf.Token) and str(item) in ("y", "n")}


def parse_content_signal(value: str) -> dict[str, str]:
    """Content Signals of a ``Content-Signal`` value: key -> ``yes``/``no`` (others left out)."""
    signals = {}
    for part in value.split(","):
        key, sep, answer = part.partition("=")
        answer = answer.strip().lower()
        if sep and answer in ("yes", "no"):
            signals[key.strip().lower()] = answer
    return signals


def usage_opt_out(value: str, labels: tuple[str, ...] | list[str] = TRAINING_LABELS) -> bool | None:
    """Whether a ``Content-Usage`` value says ``n`` to any of ``labels``: True (opt-out), False
    (it states something, but no ``n`` for them), None (it does not parse)."""
    preferences = parse_usage(value)
    if preferences is None:
        return None
    return any(preferences.get(label) == "n" for label in labels)


def signal_opt_out(value: str, keys: tuple[str, ...] | list[str] = TRAINING_SIGNALS) -> bool:
    """Whether a ``Content-Signal`` value says ``no`` to any of ``keys``."""
    signals = parse_content_signal(value)
    return any(signals.get(key) == "no" for key in keys)
