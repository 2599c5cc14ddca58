"""The training run config (configs/train/*.yaml): the model's shape and the recipe's settings.

Validated with pydantic, strictly, as the pipeline configs are; the model package has its own schema
so it stays independent of the pipeline.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clearweb.model.config import ApertusConfig


class Strict(BaseModel):
    # NaN or infinity in a learning rate or weight would train on silently, as in the run config.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ModelShape(Strict):
    vocab_size: int = Field(131072, ge=8)
    hidden_size: int = Field(4096, ge=8)
    intermediate_size: int = Field(21504, ge=8)
    num_hidden_layers: int = Field(32, ge=1)
    num_attention_heads: int = Field(32, ge=1)
    num_key_value_heads: int = Field(8, ge=1)
    max_position_embeddings: int = Field(65536, ge=16)
    # Apertus pretraining: theta 500,000 without scaling; its long-context stage moved to 12,000,000
    # with llama3 scaling (what the released checkpoints' config.json says).
    rope_theta: float = Field(500_000.0, gt=0)
    rope_scaling: dict[str, Any] | None = Field(None, description="e.g. {rope_type: llama3, factor: 8.0, "
                                                "low_freq_factor: 1.0, high_freq_factor: 4.0, "
                                                "original_max_position_embeddings: 8192}")
    initializer_range: float = Field(0.008944, gt=0, description="Apertus's init std; residual projections "
                                     "are scaled by 1/sqrt(2 * layers)")

    def to_config(self) -> ApertusConfig:
        return ApertusConfig(**self.model_dump())


class AdEMAMixSettings(Strict):
    beta1: float = 0.9
    beta2: float = 0.999
    beta3: float = 0.9999
    alpha: float = 8.0
    eps: float = 1e-8
    warmup_steps: int | None = Field(100_000, ge=1, description="alpha and beta3 warm-up (Apertus: 100,000 steps); "
                                     "null: all steps")


class GoldfishSettings(Strict):
    k: int = Field(50, ge=2)
    h: int = Field(50, ge=1)


class Training(Strict):
    data: str = Field(description="folder of .ds shards from the tokenize stage")
    out_dir: str
    seq_len: int = Field(4096, ge=8)
    micro_batch_size: int = Field(1, ge=1)
    grad_accum: int = Field(1, ge=1)
    steps: int = Field(1000, ge=1)
    lr: float = Field(3e-4, gt=0)
    min_lr: float = Field(0.0, ge=0)
    warmup: int = Field(100, ge=0)
    cooldown: int = Field(200, ge=0, description="1-sqrt cooldown steps at the end (WSD)")
    weight_decay: float = 0.1
    grad_clip: float = Field(0.1, gt=0)
    ademamix: AdEMAMixSettings = Field(default_factory=AdEMAMixSettings)
    goldfish: GoldfishSettings | None = Field(default_factory=GoldfishSettings, description="null disables")
    seed: int = 0
    init_from: str | None = Field(None, description="a Hugging Face model folder (e.g. a released Apertus) to "
                                  "continue pretraining from; ignored when out_dir holds a checkpoint")
    precision: Literal["auto", "bf16", "fp32"] = Field("auto", description="auto: bf16 autocast on GPU, fp32 on CPU")
    compile: bool = False
    activation_checkpointing: Literal["full", "selective"] | None = Field(
        None, description="full (or true): recompute each layer in backward; selective: keep matmul and "
        "attention outputs, recompute the rest; null (or false): off")
    shard_within_node: bool = Field(False, description="HSDP: shard parameters within a node, replicate across "
                                    "nodes; gradients cross nodes once per step")
    defer_gradient_sync: bool = Field(False, description="FSDP: reduce-scatter gradients after the last micro-batch "
                                      "only; each rank then holds unsharded gradients (the model's size) meanwhile")
    loss_chunk_tokens: int = Field(2048, ge=1, description="positions per cross-entropy chunk: fp32 logits "
                                   "exist for one chunk at a time")
    document_masking: bool = Field(True, description="attention within documents and positions restarting "
                                   "per document, documents found by EOS in the packed batch (as Apertus)")
    checkpoint_every: int = Field(500, ge=1)
    log_every: int = Field(10, ge=1)
    export_hf: bool = True
    peak_flops: float | None = Field(None, description="per device, for MFU; default: known GPUs")

    @field_validator("activation_checkpointing", mode="before")
    @classmethod
    def _checkpointing_flag(cls, value: Any) -> Any:
        """``true``/``false`` as earlier configs wrote it: full checkpointing, or none."""
        if isinstance(value, bool):
            return "full" if value else None
        return value


class SlurmTraining(Strict):
    nodes: int = Field(1, ge=1)
    gpus_per_node: int = Field(4, ge=1, description="processes per node (one per GPU)")
    use_gpus: bool = Field(True, description="request GPUs; false starts CPU processes (gloo)")
    partition: str = "normal"
    time: str = "12:00:00"
    cpus_per_task: int = Field(16, ge=1)
    sbatch_args: dict[str, str] = Field(default_factory=dict)
    env_command: str | None = None


class TrainConfig(Strict):
    model: ModelShape
    training: Training
    slurm: SlurmTraining = Field(default_factory=SlurmTraining)
