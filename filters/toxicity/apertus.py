"""The ``apertus`` toxicity backend: the method published with Apertus.

A frozen XLM-RoBERTa encoder (any local path; xlm-roberta-base in Apertus) embeds text; mean
pooling over the attention mask gives one vector per chunk; one small MLP head per language
(hidden -> hidden -> ReLU -> dropout -> 2) gives P(toxic). A document is split into
non-overlapping chunks of at most 512 tokens (special tokens included) and scores the maximum
P(toxic) over its chunks, so one toxic passage in a long page is not averaged away. Chunks of many
documents are batched together; a GPU is used when present.

Heads load from ``<heads_dir>/<xxx_Scrp>.pt``: either our head's state dict (``0.weight`` ...)
or a checkpoint of the published classifier (``classifier.0.weight`` ..., encoder weights ignored).
The published thresholds (top 5% removed) are the defaults for the languages they cover.
"""

from __future__ import annotations

from pathlib import Path

# Apertus's published thresholds, by our label.
PUBLISHED_THRESHOLDS = {"deu_Latn": 0.9977, "fra_Latn": 0.9994, "pol_Latn": 0.9867, "por_Latn": 0.9476,
                        "spa_Latn": 0.9953, "ita_Latn": 0.9985, "cmn_Hans": 0.5954, "cmn_Hant": 0.5954,
                        "nld_Latn": 0.9883, "eng_Latn": 0.99944}
HISTOGRAM_EDGES = [i / 20 for i in range(20)] + [0.99, 0.999]
CHUNK_TOKENS = 512


def make_head(hidden_size: int, dropout: float = 0.2):
    """The per-language classifier on top of the frozen encoder."""
    from torch import nn

    return nn.Sequential(nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden_size, 2))


def load_head(path: Path, hidden_size: int):
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    if "classifier.0.weight" in state:  # the published full-model checkpoint
        state = {key.removeprefix("classifier."): value for key, value in state.items()
                 if key.startswith("classifier.")}
    head = make_head(hidden_size)
    head.load_state_dict(state)
    return head.eval()


def mean_pool(hidden, mask):
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


class ApertusToxicityScorer:
    """``score_batch(texts, labels)`` -> max-chunk P(toxic) per text (None where no head)."""

    histogram_edges = HISTOGRAM_EDGES

    def __init__(self, encoder_path: str, heads_dir: str, batch_size: int = 32, device: str = "auto",
                 chunk_tokens: int = CHUNK_TOKENS):
        self.encoder_path = encoder_path
        self.heads_dir = Path(heads_dir)
        self.batch_size = batch_size
        self.device_name = device
        self.chunk_tokens = chunk_tokens
        self._encoder = None
        self._tokenizer = None
        self._heads: dict[str, object | None] = {}

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.update(_encoder=None, _tokenizer=None, _heads={})  # each process loads its own
        return state

    def _load(self) -> None:
        if self._encoder is not None:
            return
        import torch
        from transformers import AutoModel, AutoTokenizer

        if not Path(self.encoder_path).is_dir():
            raise FileNotFoundError(f"{self.encoder_path}: XLM-RoBERTa encoder folder not found")
        if self.device_name == "auto":
            self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        else:
            self.device = torch.device(self.device_name)
        self._tokenizer = AutoTokenizer.from_pretrained(self.encoder_path)
        self._encoder = AutoModel.from_pretrained(self.encoder_path).to(self.device).eval()
        for parameter in self._encoder.parameters():
            parameter.requires_grad_(False)

    def head(self, label: str):
        if label not in self._heads:
            self._load()
            path = self.heads_dir / f"{label}.pt"
            self._heads[label] = (load_head(path, self._encoder.config.hidden_size).to(self.device)
                                  if path.is_file() else None)
        return self._heads[label]

    def chunks_batch(self, texts: list[str]) -> list[list[list[int]]]:
        """Per text, token ids of non-overlapping chunks of at most ``chunk_tokens`` tokens (specials
        included); the texts are tokenized in one call, which the fast tokenizer parallelises."""
        self._load()
        tokenizer = self._tokenizer
        # <s> chunk </s>, as XLM-RoBERTa encodes one sequence.
        first = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
        last = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        room = self.chunk_tokens - 2
        out = []
        for ids in tokenizer(texts, add_special_tokens=False)["input_ids"] if texts else []:
            pieces = [ids[i:i + room] for i in range(0, len(ids), room)] or [[]]
            out.append([[first, *piece, last] for piece in pieces])
        return out

    def chunks(self, text: str) -> list[list[int]]:
        return self.chunks_batch([text])[0]

    def embed(self, chunks: list[list[int]]):
        """Mean-pooled encoder outputs of chunks, ``batch_size`` chunks per forward pass."""
        import torch

        pad = self._tokenizer.pad_token_id
        vectors = []
        for start in range(0, len(chunks), self.batch_size):
            batch = chunks[start:start + self.batch_size]
            width = max(len(chunk) for chunk in batch)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, chunk in enumerate(batch):
                ids[row, :len(chunk)] = torch.tensor(chunk)
                mask[row, :len(chunk)] = 1
            ids, mask = ids.to(self.device), mask.to(self.device)
            with torch.inference_mode():
                output = self._encoder(input_ids=ids, attention_mask=mask)
                vectors.append(mean_pool(output.last_hidden_state, mask))
        return torch.cat(vectors) if vectors else torch.empty(0)

    def score_batch(self, texts: list[str], labels: list[str | None]) -> list[float | None]:
        import torch

        scored = [i for i, label in enumerate(labels) if label is not None and self.head(label) is not None]
        owners, chunks = [], []
        for index, text_chunks in zip(scored, self.chunks_batch([texts[i] for i in scored]), strict=True):
            owners.extend([index] * len(text_chunks))
            chunks.extend(text_chunks)
        scores: list[float | None] = [None] * len(texts)
        if not chunks:
            return scores
        vectors = self.embed(chunks)
        rows_of: dict[int, list[int]] = {}
        for row, owner in enumerate(owners):
            rows_of.setdefault(owner, []).append(row)
        with torch.inference_mode():
            for index, rows in rows_of.items():
                probabilities = torch.softmax(self.head(labels[index])(vectors[rows]), dim=-1)[:, 1]
                scores[index] = float(probabilities.max())  # the most toxic chunk decides
        return scores

    def score(self, text: str, label: str | None) -> float | None:
        return self.score_batch([text], [label])[0]
