"""The byte-level BPE tokenizer: built, trained from a stream, saved as tokenizer.json.

Like Apertus's (adapted from Mistral-Nemo's tekken): a GPT-4-style pre-tokenizer regex, except that
digits are split one by one and combining marks stay inside words (so Indic and Arabic words are
not cut at every vowel sign), byte-level encoding (any text round-trips, no unknown token), special
tokens at fixed ids (``specials.py``) that are matched before pre-tokenization and so never split,
and a post-processor adding ``<s>`` and ``</s>`` around every document.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from clearweb.tokenizer.specials import BOS, BOS_ID, EOS, EOS_ID, SPECIAL_TOKENS

PRETOKENIZER_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)"
    r"|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+"
    r"|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+"
    r"|\s+(?!\S)"
    r"|\s+"
)


def build_tokenizer():
    """An untrained tokenizer with our normalisation-free byte-level pipeline."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PRETOKENIZER_PATTERN), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    return tokenizer


def with_bos_eos(tokenizer, bos: str = BOS, eos: str = EOS):
    """Make ``encode`` wrap every document as ``<s> text </s>`` (both, see datatrove issue #345)."""
    from tokenizers.processors import TemplateProcessing

    bos_id, eos_id = tokenizer.token_to_id(bos), tokenizer.token_to_id(eos)
    if bos_id is None or eos_id is None:
        raise ValueError(f"tokenizer has no {bos!r} or {eos!r} token")
    tokenizer.post_processor = TemplateProcessing(single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {bos} $B {eos}",
                                                  special_tokens=[(bos, bos_id), (eos, eos_id)])
    return tokenizer


def train_bpe(texts: Iterator[str], vocab_size: int = 131072, min_frequency: int = 2):
    """Train on a stream of texts; the result has ``vocab_size`` entries if the text allows it."""
    from tokenizers import pre_tokenizers, trainers

    tokenizer = build_tokenizer()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, show_progress=False,
                                  special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(texts, trainer=trainer)
    for token in SPECIAL_TOKENS[:3]:
        assert tokenizer.token_to_id(token) == SPECIAL_TOKENS.index(token)
    assert (tokenizer.token_to_id(BOS), tokenizer.token_to_id(EOS)) == (BOS_ID, EOS_ID)
    return with_bos_eos(tokenizer)


def load_tokenizer(path: str | Path):
    """A tokenizer.json (ours or a released one, e.g. Apertus's), with BOS and EOS ensured."""
    from tokenizers import Tokenizer

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: tokenizer.json not found")
    tokenizer = Tokenizer.from_file(str(path))
    probe = tokenizer.encode("probe").ids
    bos, eos = tokenizer.token_to_id(BOS), tokenizer.token_to_id(EOS)
    if not probe or probe[0] != bos or probe[-1] != eos:
        tokenizer = with_bos_eos(tokenizer)
    return tokenizer
