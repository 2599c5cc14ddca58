"""The tokenizer and tokenize stages' settings and phases.

``tokenizer`` trains a byte-level BPE on the document output, adopts a tokenizer.json, or takes
Apertus's tekken vocabulary from ``mistral-common``; its ``tokenizer.json`` is the ``tokenizer``
artifact. ``tokenize`` writes uint32 ``.ds`` shards with it:
one tokenizing phase over the documents, then one merging phase. Its lineage records the
tokenizer's content hash, so retraining the tokenizer makes the shards stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from clearweb.pipeline.core.settings import ExistingFile
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.tokenizer.megatron import MegatronShards
from clearweb.tokenizer.tekken import DEFAULT_VERSION, TEKKEN_VOCAB_SIZE, tekken_file
from clearweb.tokenizer.tokenize_step import (
    LanguageMixture,
    MergerWithDocumentMaps,
    ShardTokenizer,
    TokenizerBesideShards,
)
from clearweb.tokenizer.train_step import TokenizerTrainer

TOKENIZER = "tokenizer"


def tokenizer_json(run_dir: Path) -> Path:
    return Path(run_dir) / "tokenizer" / "output" / "tokenizer.json"


class TokenizerSettings(BuildsPhases):
    """Train a byte-level BPE from the partitioned output, or adopt an existing vocabulary."""

    source: Literal["train", "tekken"] = Field("train", description="train a BPE on the run's text, or use "
                                               "Apertus's tekken vocabulary (from mistral-common, offline)")
    tekken_version: str = Field(DEFAULT_VERSION, description="with source: tekken, mistral-common's tekken_<v>.json")
    path: ExistingFile | None = Field(None, description="use this tokenizer.json (e.g. Apertus's) instead of training")
    reference: str | None = Field(None, description="tekken or a tokenizer.json: its fertility shown beside "
                                  "this tokenizer's in the report")
    vocab_size: int = Field(131072, ge=512)
    tau: float = Field(3.0, gt=0, description="temperature over languages; 1 keeps proportions")
    byte_budget: int = Field(2_000_000_000, ge=1, description="bytes of text to train on")
    min_frequency: int = Field(2, ge=1)

    content_keys: ClassVar[tuple[str, ...]] = ("path",)

    @model_validator(mode="after")
    def _one_source(self) -> TokenizerSettings:
        if self.path and self.source == "tekken":
            raise ValueError("path and source: tekken both name the vocabulary; keep one")
        return self

    def artifacts(self, run_dir: Path) -> dict[str, Path]:
        return {TOKENIZER: tokenizer_json(run_dir)}

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """The tekken vocabulary file counts as an input: another mistral-common may ship another."""
        paths = super().content_paths(prefix)
        if self.source == "tekken":
            paths[f"{prefix}tekken_version"] = str(tekken_file(self.tekken_version))
        return paths

    def check(self, ctx: StageContext) -> None:
        """An adopted vocabulary must have the size the config states (the model's embedding is
        sized from it)."""
        if self.path or self.source == "tekken":
            from tokenizers import Tokenizer

            source = self.path or tekken_file(self.tekken_version)
            size = Tokenizer.from_file(self.path).get_vocab_size() if self.path else TEKKEN_VOCAB_SIZE
            if size != self.vocab_size:
                raise ValueError(f"{'path' if self.path else 'source'}: {source} has {size} entries but vocab_size "
                                 f"is {self.vocab_size}; set vocab_size: {size}")

    def phases(self, ctx: StageContext) -> list[Phase]:
        def build():
            return [TokenizerTrainer(str(ctx.input_dir), str(ctx.dirs.output), vocab_size=self.vocab_size,
                                     tau=self.tau, byte_budget=self.byte_budget, min_frequency=self.min_frequency,
                                     existing=self.path,
                                     tekken_version=self.tekken_version if self.source == "tekken" else None,
                                     reference=self.reference)]

        return [ctx.phase(build, tasks=1, workers=1)]  # training is one process


class TokenizeSettings(BuildsPhases):
    """Tokenize documents into training shards (BOS + text + EOS per document): datatrove's uint32
    .ds, Megatron-LM's .bin/.idx (``output/megatron/``), or both."""

    format: Literal["ds", "megatron", "both"] = Field("ds", description="ds: datatrove .ds (what `clearweb "
                                                      "train` reads); megatron: .bin/.idx; both")
    mixture: dict[str, float] = Field(default_factory=dict, description="per-label weights; 2.0 doubles, 0.5 halves")
    rehydration: dict[int, float] = Field(default_factory=dict, description="dedup's minhash_cluster_size -> "
                                          "weight: smallest size of a range -> copies (off when empty)")
    shuffle: bool = True
    seed: int = 0
    max_tokens_per_file: int = Field(10_000_000_000, ge=1000)

    @field_validator("mixture")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for label, weight in value.items():
            if weight < 0:
                raise ValueError(f"{label}: weight must be >= 0")
        return value

    @field_validator("rehydration")
    @classmethod
    def _rehydration(cls, value: dict[int, float]) -> dict[int, float]:
        for size, weight in value.items():
            if size < 1 or weight < 0:
                raise ValueError(f"{size}: cluster sizes start at 1 and weights must be >= 0")
        return value

    def phases(self, ctx: StageContext) -> list[Phase]:
        tokenized = ctx.dirs.root / "tokenized"

        def tokenize():
            steps = [ctx.reader()]
            if self.mixture or self.rehydration:
                steps.append(LanguageMixture(self.mixture, self.rehydration))
            steps.append(ShardTokenizer(str(tokenized), str(ctx.artifacts[TOKENIZER]),
                                        counts_dir=str(ctx.dirs.logs / "tokens"), shuffle_documents=self.shuffle,
                                        seed=self.seed))
            return steps

        # .ds shards are merged into the output, or only on the way to Megatron's format
        merged = ctx.dirs.output if self.format != "megatron" else ctx.dirs.root / "merged"

        def merge():
            steps = [MergerWithDocumentMaps(str(tokenized), str(merged), save_filename="train",
                                             max_tokens_per_file=self.max_tokens_per_file, shuffle=self.shuffle,
                                             seed=self.seed, progress=False)]
            if self.format != "ds":
                steps.append(MegatronShards(str(tokenized), str(merged), str(ctx.dirs.output / "megatron"),
                                            str(ctx.artifacts[TOKENIZER]),
                                            discard_merged=self.format == "megatron"))
            steps.append(TokenizerBesideShards(str(ctx.artifacts[TOKENIZER]), str(ctx.dirs.output)))
            return steps

        return [ctx.phase(tokenize),
                ctx.phase(merge, name="tokenize_merge", logs=ctx.dirs.root / "merge_logs", tasks=1, workers=1)]
