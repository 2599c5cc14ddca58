"""clearweb.tokenizer: byte-level BPE training (131,072 entries), tokenizing documents into training
shards, and the per-language fertility report.

Its steps are importable from here, each imported when first named.
"""

from clearweb.pipeline.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "LanguageMixture": "clearweb.tokenizer.tokenize_step",
    "TokenizerTrainer": "clearweb.tokenizer.train_step",
})
