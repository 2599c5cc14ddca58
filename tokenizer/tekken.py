"""The Apertus vocabulary (Mistral-Nemo's "tekken" v3) as a Hugging Face ``tokenizer.json``, offline.

tekken is a tiktoken-style byte-level BPE: 1,000 control ids (0 ``<unk>``, 1 ``<s>``, 2 ``</s>``,
... ``<SPECIAL_999>``) followed by BPE ranks shifted by 1,000, up to 131,072 ids. The registry
package ``mistral-common`` ships the vocabulary file; this module reads it and writes the same
tokenizer in the format the ``tokenize`` stage, ``tokenizer eval`` and ``transformers`` read:

- the BPE ranks become a vocabulary over GPT-2's byte-to-character alphabet (what the
  ``ByteLevel`` pre-tokenizer and decoder use) and merges ordered by the rank of the merged token,
  with ``ignore_merges`` so a pre-token that is itself in the vocabulary is taken whole, as
  tiktoken does;
- the pre-tokenizer splits with tekken's own regex;
- the control tokens sit at their tekken ids in the BPE vocabulary but are not "added tokens":
  tekken never reads a control token out of text, and Hugging Face would match an added token
  anywhere in a document (a page quoting ``<s>`` would get a BOS in its middle). No pre-token can
  spell one (each mixes letters with punctuation on both sides, which the regex always splits), so
  only the post-processor and explicit ids produce them (the price: ``decode`` does not skip them
  as "special"; ids below 1,000 are the control ids). Our PII placeholders (``<email-pii>``)
  are ordinary text here: a few tokens each, decoded back to the same characters;
- a post-processor wraps every document as ``<s>`` ... ``</s>`` (ids 1 and 2), as Apertus trains.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path

from clearweb.pipeline.core.errors import InputError

DEFAULT_VERSION = "240718"
NUM_SPECIAL = 1000
TEKKEN_VOCAB_SIZE = 131072


def tekken_file(version: str = DEFAULT_VERSION) -> Path:
    """The vocabulary file of the installed ``mistral-common`` (one line naming the fix otherwise)."""
    try:
        from importlib.resources import files

        data = files("mistral_common") / "data"
    except ModuleNotFoundError:
        raise InputError("the tekken vocabulary comes from mistral-common: pip install 'clearweb[tekken]'") from None
    path = Path(str(data / f"tekken_{version}.json"))
    if not path.is_file():
        known = sorted(p.name[len("tekken_"):-len(".json")] for p in Path(str(data)).glob("tekken_*.json"))
        raise InputError(f"{path}: no tekken vocabulary {version!r} in this mistral-common (it has {known})")
    return path


@cache
def byte_alphabet() -> list[str]:
    """GPT-2's reversible map of the 256 byte values to printable characters (index = byte)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def _as_chars(token: bytes) -> str:
    alphabet = byte_alphabet()
    return "".join(alphabet[b] for b in token)


def bpe_merges(ranks: dict[str, int]) -> list[tuple[str, str]]:
    """Merges that rebuild a rank-ordered vocabulary: every split of a token into two vocabulary
    entries, ordered by the merged token's rank, then by the two parts' ranks."""
    merges = []
    for token, rank in ranks.items():
        for cut in range(1, len(token)):
            left, right = token[:cut], token[cut:]
            if left in ranks and right in ranks:
                merges.append((rank, ranks[left], ranks[right], left, right))
    merges.sort()
    return [(left, right) for *_, left, right in merges]


@cache
def special_tokens(version: str = DEFAULT_VERSION) -> list[str]:
    """The 1,000 control tokens in id order, as ``mistral-common``'s own Tekkenizer names them."""
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    tekkenizer = Tekkenizer.from_file(str(tekken_file(version)))
    return [tekkenizer.id_to_piece(i) for i in range(tekkenizer.num_special_tokens)]


@cache
def build_tekken(version: str = DEFAULT_VERSION):
    """The tekken vocabulary as a ``tokenizers.Tokenizer`` (131,072 ids, BOS/EOS added on encode);
    built once per process (seconds: the source and the report's reference may both be tekken)."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    from clearweb.tokenizer.bpe import with_bos_eos

    data = json.loads(tekken_file(version).read_text())
    config = data["config"]
    num_special = config.get("default_num_special_tokens", NUM_SPECIAL)
    inner = config["default_vocab_size"] - num_special
    ranks = {_as_chars(base64.b64decode(entry["token_bytes"])): entry["rank"]
             for entry in data["vocab"][:inner]}
    specials = special_tokens(version)
    if len(ranks) != inner or len(specials) != num_special:
        raise InputError(f"{tekken_file(version)}: expected {inner} BPE ranks and {num_special} control tokens")
    vocab = {token: rank + num_special for token, rank in ranks.items()}
    clashes = [token for token in specials if token in vocab]
    if clashes:
        raise InputError(f"{tekken_file(version)}: control tokens {clashes[:3]} are also BPE entries")
    vocab |= {token: index for index, token in enumerate(specials)}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=bpe_merges(ranks), ignore_merges=True))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(config["pattern"]), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    return with_bos_eos(tokenizer)


def import_tekken(out: Path, version: str = DEFAULT_VERSION) -> Path:
    """Write tekken as ``out`` (a tokenizer.json); returns the path written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_tekken(version).save(str(out))
    return out


def tokenizer_named(name: str):
    """``tekken`` (mistral-common's vocabulary) or the path of a tokenizer.json."""
    from clearweb.tokenizer.bpe import load_tokenizer

    return build_tekken() if name == "tekken" else load_tokenizer(name)
