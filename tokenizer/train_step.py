"""The tokenizer stage as a datatrove step: one task trains (or adopts) the tokenizer.

It reads the previous stage's language-partitioned output itself (language-balanced sampling
needs to see every partition), writes ``tokenizer.json`` and the fertility report beside it, and
passes no documents on.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.tokenizer.bpe import load_tokenizer, train_bpe
from clearweb.tokenizer.fertility import fertility_report
from clearweb.tokenizer.sampling import language_sizes, stream_texts, temperature_budgets


class TokenizerTrainer(PipelineStep):
    type = "🔢 - TOKENIZER"
    name = "🧮 BPE trainer"
    stats_key = "tokenizer_trainer"

    def __init__(self, input_folder: str, output_folder: str, vocab_size: int = 131072, tau: float = 3.0,
                 byte_budget: int = 2_000_000_000, min_frequency: int = 2, existing: str | None = None):
        super().__init__()
        self.input_folder = input_folder
        self.output_folder = output_folder
        self.vocab_size = vocab_size
        self.tau = tau
        self.byte_budget = byte_budget
        self.min_frequency = min_frequency
        self.existing = existing

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
            else:
                tokenizer = train_bpe(stream_texts(source, budgets), self.vocab_size, self.min_frequency)
            tokenizer.save(str(out / "tokenizer.json"))
        (out / "sampling.json").write_text(json.dumps({"tau": self.tau, "byte_budget": self.byte_budget,
                                                       "sizes": sizes, "budgets": budgets}, indent=1))
        report = fertility_report(tokenizer, source)
        (out / "fertility.json").write_text(json.dumps(report, indent=1))
        self.stat_update("vocab_size", value=tokenizer.get_vocab_size())
        self.stat_update("languages", value=len(budgets))
        yield from ()
