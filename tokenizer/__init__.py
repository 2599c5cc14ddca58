"""clearweb.tokenizer: byte-level BPE training (131,072 entries), tokenizing documents into training
shards, and the per-language fertility report."""
