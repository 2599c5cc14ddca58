"""A tiny, randomly initialised XLM-RoBERTa with a locally trained tokenizer, saved like a real one."""

from __future__ import annotations

from pathlib import Path

WORDS = ("the library opens at nine and closes late today tomorrow you are an idiot stupid garden tomato "
         "weather river city council votes lanes bikes coffee market").split()


def build_tiny_encoder(folder: Path, hidden: int = 32) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, XLMRobertaConfig, XLMRobertaModel

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab = {token: i for i, token in enumerate(specials + sorted(set(WORDS)))}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<s>", eos_token="</s>",
                                        cls_token="<s>", sep_token="</s>", pad_token="<pad>", unk_token="<unk>",
                                        mask_token="<mask>")
    tokenizer.save_pretrained(folder)
    config = XLMRobertaConfig(vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=2,
                              num_attention_heads=2, intermediate_size=2 * hidden, max_position_embeddings=520,
                              pad_token_id=1, bos_token_id=0, eos_token_id=2)
    torch.manual_seed(0)
    XLMRobertaModel(config).save_pretrained(folder)
    return folder


def save_random_head(path: Path, hidden: int = 32, published_format: bool = False, seed: int = 0) -> Path:
    import torch

    from clearweb.filters.toxicity.apertus import make_head

    torch.manual_seed(seed)
    state = make_head(hidden).state_dict()
    if published_format:
        state = {f"classifier.{key}": value for key, value in state.items()} | {"roberta.dummy": torch.zeros(1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return path
