"""Special tokens at fixed ids, so every tokenizer we train (and the model) agree on them.

0 ``<unk>``, 1 ``<s>`` (BOS), 2 ``</s>`` (EOS), 3 ``<pad>`` as in Apertus, then every placeholder
the PII filter emits, then reserved slots up to ``RESERVED``: adding a special token later takes a
reserved slot instead of shifting ids.
"""

from __future__ import annotations

from clearweb.filters.pii import PLACEHOLDERS

RESERVED = 256
BOS, EOS, PAD = "<s>", "</s>", "<pad>"
BOS_ID, EOS_ID, PAD_ID = 1, 2, 3
_NAMED = ["<unk>", BOS, EOS, PAD, *PLACEHOLDERS.values()]
SPECIAL_TOKENS: list[str] = _NAMED + [f"<reserved_{i}>" for i in range(len(_NAMED), RESERVED)]
