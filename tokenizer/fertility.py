"""Tokenizer fertility per language, and how evenly the tokenizer treats languages.

For each language: characters per token, UTF-8 bytes per token and tokens per word (words are
space-delimited, so the number means little for scripts written without spaces). Across languages:
the Gini coefficient of tokens per byte (0 means every language pays the same per byte of text;
the Apertus tokenizer scores 0.205 on 60 FLORES languages; lower is fairer).
"""

from __future__ import annotations

from pathlib import Path

from clearweb.tokenizer.sampling import stream_texts


def gini(values: list[float]) -> float:
    """Gini coefficient of non-negative values (mean absolute difference / twice the mean)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if total == 0:
        return 0.0
    weighted = sum((2 * (i + 1) - n - 1) * value for i, value in enumerate(ordered))
    return weighted / (n * total)


def language_samples(folder: Path, bytes_per_language: int = 1_000_000) -> dict[str, list[str]]:
    """Up to ``bytes_per_language`` of text from each ``<label>/`` partition of ``folder``."""
    partitions = sorted(p.name for p in folder.iterdir() if p.is_dir())
    return {label: list(stream_texts(folder, {label: bytes_per_language})) for label in partitions}


def encode_samples(tokenizer, texts_by_language: dict[str, list[str]]) -> dict[str, list[list[int]]]:
    """Each language's texts as token ids, without ``<s>``/``</s>``."""
    return {label: [e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
            for label, texts in sorted(texts_by_language.items()) if texts}


def fertility(tokenizer, texts_by_language: dict[str, list[str]],
              ids_by_language: dict[str, list[list[int]]] | None = None) -> dict:
    """``ids_by_language``: the texts already encoded (``encode_samples``), else encoded here."""
    ids_by_language = ids_by_language or encode_samples(tokenizer, texts_by_language)
    per_language = {}
    for label, texts in sorted(texts_by_language.items()):
        if not texts:
            continue
        tokens = sum(len(ids) for ids in ids_by_language[label])
        chars = sum(len(t) for t in texts)
        data = sum(len(t.encode("utf-8")) for t in texts)
        words = sum(len(t.split()) for t in texts)
        per_language[label] = {"documents": len(texts), "tokens": tokens, "chars_per_token": chars / max(1, tokens),
                               "bytes_per_token": data / max(1, tokens), "tokens_per_word": tokens / max(1, words),
                               "tokens_per_byte": tokens / max(1, data)}
    return {"languages": per_language,
            "gini_tokens_per_byte": gini([v["tokens_per_byte"] for v in per_language.values()])}


def goldfish_share(ids_by_language: dict[str, list[list[int]]], bos: int, eos: int, k: int = 50,
                   h: int = 50) -> float | None:
    """The share of labels the trainer's goldfish mask drops on this text, packed as the tokenize
    stage writes it (``<s>`` text ``</s>``, one stream). Its hash drops fewer than 1/k (1.61% at
    k=50 on random ids), and real text differs again. None without torch."""
    try:
        import torch

        from clearweb.model.goldfish import goldfish_mask
    except ImportError:
        return None
    stream = [i for _, documents in sorted(ids_by_language.items()) for ids in documents for i in (bos, *ids, eos)]
    if len(stream) < h + 1:
        return None
    labels = torch.tensor(stream[1:], dtype=torch.int64).unsqueeze(0)
    return float(goldfish_mask(labels, k, h)[0, h - 1:].float().mean())


def fertility_report(tokenizer, texts_by_language: dict[str, list[str]]) -> dict:
    """Fertility of ``tokenizer`` on per-language samples (``language_samples``), its size (the
    largest id + 1 too: what a model's embedding must cover) and goldfish's drop share."""
    from clearweb.tokenizer.specials import BOS, EOS

    ids = encode_samples(tokenizer, texts_by_language)  # once, for the fertility and for goldfish
    largest = max([*tokenizer.get_vocab(with_added_tokens=True).values(), -1])
    goldfish = goldfish_share(ids, tokenizer.token_to_id(BOS), tokenizer.token_to_id(EOS))
    return fertility(tokenizer, texts_by_language, ids) | {"vocab_size": tokenizer.get_vocab_size(),
                                                           "largest_id": largest, "goldfish_dropped": goldfish}


def _summary(report: dict) -> str:
    goldfish = report.get("goldfish_dropped")
    return (f"Gini coefficient of tokens per byte across {len(report['languages'])} languages: "
            f"{report['gini_tokens_per_byte']:.3f} (lower is fairer)"
            + (f"; goldfish (k=50, h=50) drops {goldfish:.2%} of labels (1/k = 2.00%)" if goldfish is not None else ""))


def format_report(report: dict) -> str:
    lines = [f"{'language':<12} {'docs':>6} {'chars/tok':>9} {'bytes/tok':>9} {'tok/word':>8}"]
    for label, row in report["languages"].items():
        lines.append(f"{label:<12} {row['documents']:>6} {row['chars_per_token']:>9.2f} {row['bytes_per_token']:>9.2f} "
                     f"{row['tokens_per_word']:>8.2f}")
    lines.append(_summary(report))
    return "\n".join(lines)


def format_comparison(report: dict, reference: dict) -> str:
    """Two fertility reports on the same samples, per language side by side (this | reference)."""
    name = reference.get("name", "reference")
    lines = [f"{'':<12} {'':>6} {'tokens/word':^17} {'bytes/token':^17}",
             f"{'language':<12} {'docs':>6} {'this':>8} {name[:8]:>8} {'this':>8} {name[:8]:>8}"]
    for label, row in report["languages"].items():
        other = reference["languages"].get(label)
        if other is None:
            continue
        lines.append(f"{label:<12} {row['documents']:>6} {row['tokens_per_word']:>8.2f} {other['tokens_per_word']:>8.2f} "
                     f"{row['bytes_per_token']:>8.2f} {other['bytes_per_token']:>8.2f}")
    for title, each in (("this", report), (name, reference)):
        lines.append(f"{title} ({each['vocab_size']:,} entries): {_summary(each)}")
    return "\n".join(lines)
