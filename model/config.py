"""ApertusConfig: the model's shape, readable from and writable to a Hugging Face config.json.

A plain dataclass, as in nanoGPT/torchtitan, so a model file can be read top to bottom. It reads
both forms of the RoPE settings transformers has used (``rope_theta`` + ``rope_scaling`` before
v5, ``rope_parameters`` since) and writes the new one together with the old keys, so exported
checkpoints load in either.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

LLAMA3_ROPE = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 8192}


@dataclass
class ApertusConfig:
    vocab_size: int = 131072
    hidden_size: int = 4096
    intermediate_size: int = 21504
    num_hidden_layers: int = 32
    num_attention_heads: int = 32
    num_key_value_heads: int = 8
    max_position_embeddings: int = 65536
    rms_norm_eps: float = 1e-5
    rope_theta: float = 12_000_000.0
    rope_scaling: dict[str, Any] | None = field(default_factory=lambda: dict(LLAMA3_ROPE))
    initializer_range: float = 0.02
    bos_token_id: int = 1
    eos_token_id: int = 2
    pad_token_id: int = 3

    def __post_init__(self) -> None:
        if self.hidden_size % self.num_attention_heads:
            raise ValueError("hidden_size must be a multiple of num_attention_heads")
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def num_parameters(self, embeddings: bool = True) -> int:
        """Parameter count (untied embeddings and lm_head; norms and xIELU alphas included)."""
        h, i, layers = self.hidden_size, self.intermediate_size, self.num_hidden_layers
        kv = self.num_key_value_heads * self.head_dim
        per_layer = h * h * 2 + h * kv * 2 + h * i * 2 + 2 * h + 2 * self.head_dim + 2
        total = layers * per_layer + h
        if embeddings:
            total += 2 * self.vocab_size * h
        return total

    @classmethod
    def from_hf_dict(cls, data: dict[str, Any]) -> ApertusConfig:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known and key not in ("rope_scaling",)}
        rope = data.get("rope_parameters")
        if rope is None:  # the pre-v5 form
            rope = dict(data.get("rope_scaling") or {})
            if "rope_theta" in data:
                rope["rope_theta"] = data["rope_theta"]
        rope = dict(rope)
        if "type" in rope and "rope_type" not in rope:
            rope["rope_type"] = rope.pop("type")
        values["rope_theta"] = float(rope.pop("rope_theta", values.get("rope_theta", 12_000_000.0)))
        values["rope_scaling"] = rope if rope.get("rope_type", "default") != "default" else None
        return cls(**values)

    def to_hf_dict(self, dtype: str = "float32") -> dict[str, Any]:
        data = {key: value for key, value in asdict(self).items() if key not in ("rope_scaling",)}
        rope = {"rope_theta": self.rope_theta, **(self.rope_scaling or {"rope_type": "default"})}
        data.update(architectures=["ApertusForCausalLM"], model_type="apertus", hidden_act="xielu",
                    attention_bias=False, attention_dropout=0.0, tie_word_embeddings=False, dtype=dtype,
                    rope_parameters=rope, rope_scaling=self.rope_scaling)
        return data

    @classmethod
    def from_json(cls, path: str | Path) -> ApertusConfig:
        return cls.from_hf_dict(json.loads(Path(path).read_text()))

    def save_json(self, path: str | Path, dtype: str = "float32") -> None:
        Path(path).write_text(json.dumps(self.to_hf_dict(dtype), indent=2))
