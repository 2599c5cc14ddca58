"""The tokenizer stage as a datatrove step: one task trains (or adopts) the tokenizer.

It reads the previous stage's language-partitioned output itself (language-balanced sampling
needs to see every partition), writes ``tokenizer.json`` and the fertility report beside it, and
passes no documents on. BPE training stops early when the text has no pair left that occurs
``min_frequency`` times: the vocabulary is then smaller than asked, which the step says in one
warning and records in the report (the model's embedding must still cover every id).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from loguru import logger

from clearweb.tokenizer.bpe import load_tokenizer, train_bpe
from clearweb.tokenizer.fertility import fertility_report, language_samples
from clearweb.tokenizer.sampling import language_sizes, stream_texts, temperature_budgets
from clearweb.tokenizer.tekken import build_tekken, tokenizer_named


class TokenizerTrainer(PipelineStep):
    type = "🔢 - TOKENIZER"
    name = "🧮 BPE trainer"
    stats_key = "tokenizer_trainer"

    def __init__(self, input_folder: str, output_folder: str, vocab_size: int = 131072, tau: float = 3.0,
                 byte_budget: int = 2_000_000_000, min_frequency: int = 2, existing: str | None = None,
                 tekken_version: str | None = None, reference: str | None = None):
        """``existing``: adopt this tokenizer.json; ``tekken_version``: adopt mistral-common's tekken;
        ``reference``: ``tekken`` or a tokenizer.json whose fertility the report shows beside ours."""
        super().__init__()
        self.input_folder = input_folder
        self.output_folder = output_folder
        self.vocab_size = vocab_size
        self.tau = tau
        self.byte_budget = byte_budget
        self.min_frequency = min_frequency
        self.existing = existing
        self.tekken_version = tekken_version
        self.reference = reference

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        out = Path(self.output_folder)
        out.mkdir(parents=True, exist_ok=True)
        source = Path(self.input_folder)
        sizes = language_sizes(source)
        budgets = temperature_budgets(sizes, self.tau, self.byte_budget)
        with self.track_time():
            if self.existing:
                tokenizer = load_tokenizer(self.existing)
                shutil.copyfile(self.existing, out / "source_tokenizer.json")
            elif self.tekken_version:
                tokenizer = build_tekken(self.tekken_version)
            else:
                tokenizer = train_bpe(stream_texts(source, budgets), self.vocab_size, self.min_frequency)
            tokenizer.save(str(out / "tokenizer.json"))
        trained = tokenizer.get_vocab_size()
        if trained < self.vocab_size:
            logger.warning(f"tokenizer: {trained:,} entries trained, {self.vocab_size:,} asked (vocab_size): "
                           f"{sum(budgets.values()):,} bytes of text hold no more pairs seen "
                           f"{self.min_frequency} times")
        (out / "sampling.json").write_text(json.dumps({"tau": self.tau, "byte_budget": self.byte_budget,
                                                       "sizes": sizes, "budgets": budgets}, indent=1))
        samples = language_samples(source)
        report = fertility_report(tokenizer, samples) | {"vocab_size_requested": self.vocab_size}
        if self.reference:
            report["reference"] = fertility_report(tokenizer_named(self.reference), samples) | {"name": self.reference}
        (out / "fertility.json").write_text(json.dumps(report, indent=1))
        self.stat_update("vocab_size", value=tokenizer.get_vocab_size())
        self.stat_update("languages", value=len(budgets))
        yield from ()
