"""Weights in the Hugging Face layout: ``config.json`` plus ``model.safetensors``, or shards
``model-00001-of-0000N.safetensors`` with ``model.safetensors.index.json`` (how released Apertus
checkpoints are stored, and what ``transformers.AutoModelForCausalLM.from_pretrained`` reads).

Our parameter names are transformers', so a state dict goes to disk as it is; ``dtype`` casts
floating-point tensors on the way (bf16 halves a release).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from clearweb.model.config import ApertusConfig

SINGLE_FILE = "model.safetensors"
INDEX_FILE = "model.safetensors.index.json"
DTYPE_NAMES = {torch.float32: "float32", torch.bfloat16: "bfloat16", torch.float16: "float16"}


def save_hf(state: dict[str, torch.Tensor], config: ApertusConfig, folder: str | Path,
            dtype: torch.dtype = torch.float32, max_shard_bytes: int = 5 * 2**30) -> Path:
    """Write ``state`` (CPU tensors) and the config; shards when the weights exceed ``max_shard_bytes``."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {name: (t.to(dtype) if t.is_floating_point() else t).contiguous() for name, t in state.items()}
    shards: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for name, tensor in tensors.items():
        nbytes = tensor.numel() * tensor.element_size()
        if shards[-1] and size + nbytes > max_shard_bytes:
            shards.append({})
            size = 0
        shards[-1][name] = tensor
        size += nbytes
    for stale in [folder / SINGLE_FILE, folder / INDEX_FILE, *folder.glob("model-*-of-*.safetensors")]:
        stale.unlink(missing_ok=True)  # loaders prefer an index: an old one would name old shards
    if len(shards) == 1:
        save_file(shards[0], str(folder / SINGLE_FILE), metadata={"format": "pt"})
    else:
        weight_map = {}
        for index, shard in enumerate(shards, start=1):
            name = f"model-{index:05d}-of-{len(shards):05d}.safetensors"
            save_file(shard, str(folder / name), metadata={"format": "pt"})
            weight_map |= dict.fromkeys(shard, name)
        total = sum(t.numel() * t.element_size() for t in tensors.values())
        (folder / INDEX_FILE).write_text(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map},
                                                    indent=1))
    config.save_json(folder / "config.json", dtype=DTYPE_NAMES.get(dtype, "float32"))
    return folder


def load_hf(folder: str | Path) -> tuple[ApertusConfig, dict[str, torch.Tensor]]:
    """The config and the full state dict of a folder ``save_hf`` (or a release) wrote."""
    from safetensors.torch import load_file

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder}: no config.json (not a Hugging Face model folder)")
    if (folder / INDEX_FILE).is_file():
        files = sorted(set(json.loads((folder / INDEX_FILE).read_text())["weight_map"].values()))
    elif (folder / SINGLE_FILE).is_file():
        files = [SINGLE_FILE]
    else:
        raise FileNotFoundError(f"{folder}: neither {SINGLE_FILE} nor {INDEX_FILE}")
    state: dict[str, torch.Tensor] = {}
    for name in files:
        state |= load_file(str(folder / name))
    return ApertusConfig.from_json(folder / "config.json"), state
