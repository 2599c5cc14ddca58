"""The trainer's GPU acceptance checks, in one script for one H100/H200 (under 8 minutes there).

Each check appends one JSON line to ``--out`` as soon as it ends (a check that fails writes its
error in one line and the next one runs), so a run cut short still leaves what it measured:

1. ``versions``: torch, transformers, the device, the dense bf16 peak used for MFU;
2. ``kernels``: the attention kernels that actually ran (SDPA's flash path; FlexAttention's
   compiled kernel for document-masked rows), read from the profiler;
3. ``bf16_parity``: our model and transformers' with the same weights, bf16 autocast: logit
   difference and agreement of the top token;
4. ``loss_memory``: peak memory of output layer + loss at 16,384 tokens (131,072 ids), our chunked
   cross-entropy against full fp32 logits;
5. ``optimizer_step``: AdEMAMix step time against fused AdamW on a 1B model's parameters;
6. ``eager_layer_calls``: decoder-layer calls that ran eagerly with FSDP2 + compile + activation
   checkpointing + document masking (one-process group), and dynamo's graph breaks: 0 expected;
7. ``stop_resume_export``: train, stop, resume on the GPU; the resumed losses against an
   uninterrupted run; the HF export loaded by transformers;
8. ``bench_train``: `clearweb bench train` at 1B / seq 4096 / bf16, both compiled: tokens/s, MFU,
   ratio to transformers (targets: MFU >= 45%, ratio >= 1.3).

    python benchmarks/gpu_acceptance.py --out gpu_acceptance.jsonl
    python benchmarks/gpu_acceptance.py --cpu-smoke --out smoke.jsonl   # tiny shapes, no compile: the test suite's run

It imports only ``clearweb.model`` (torch, transformers, pydantic, PyYAML, safetensors).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import traceback
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import yaml

from clearweb.model.ademamix import AdEMAMix, parameter_groups
from clearweb.model.bench import bench_train
from clearweb.model.modeling import ApertusForCausalLM, attend, chunked_cross_entropy, document_mask
from clearweb.model.train_config import TrainConfig
from clearweb.model.trainer import Distributed, build_model, compute_loss, peak_flops, train

CONFIGS = Path(__file__).resolve().parent.parent / "configs" / "train"


class Sizes:
    """What each check runs at: Apertus-scale on a GPU, tiny in the smoke run."""

    def __init__(self, smoke: bool):
        self.smoke = smoke
        self.device = torch.device("cpu" if smoke else "cuda")
        self.config = yaml.safe_load((CONFIGS / ("tiny.yaml" if smoke else "1b.yaml")).read_text())
        self.seq = 64 if smoke else 4096
        self.batch = 2 if smoke else 4
        self.loss_tokens = 512 if smoke else 16384
        self.parity_layers = 2 if smoke else 4
        self.compile = not smoke
        self.bf16 = not smoke

    def train_config(self, **training) -> TrainConfig:
        raw = dict(self.config)
        raw["training"] = dict(raw["training"]) | training
        return TrainConfig.model_validate(raw)


def autocast(sizes: Sizes):
    return torch.autocast(sizes.device.type, dtype=torch.bfloat16) if sizes.bf16 else nullcontext()


def peak_memory_gib(sizes: Sizes) -> float | None:
    return torch.cuda.max_memory_allocated() / 2**30 if sizes.device.type == "cuda" else None


def reset_memory(sizes: Sizes) -> None:
    if sizes.device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def check_versions(sizes: Sizes) -> dict:
    import transformers

    device = torch.cuda.get_device_name() if sizes.device.type == "cuda" else "cpu"
    return {"torch": torch.__version__, "transformers": transformers.__version__, "device": device,
            "peak_bf16_flops": peak_flops(None), "cuda": torch.version.cuda}


def check_kernels(sizes: Sizes) -> dict:
    """Kernel names from the profiler for plain causal attention and for document-masked rows."""
    from torch.profiler import ProfilerActivity, profile

    heads, kv_heads, dim = 16, 8, 128
    length = 256 if sizes.smoke else 4096
    dtype = torch.bfloat16 if sizes.bf16 else torch.float32
    q = torch.randn(1, heads, length, dim, device=sizes.device, dtype=dtype)
    k, v = (torch.randn(1, kv_heads, length, dim, device=sizes.device, dtype=dtype) for _ in range(2))
    documents = (torch.arange(length, device=sizes.device) // (length // 4)).unsqueeze(0)
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if sizes.device.type == "cuda" else [])
    names = {}
    for label, run in (("causal", lambda: torch.nn.functional.scaled_dot_product_attention(
                            q, k, v, is_causal=True, enable_gqa=True)),
                       ("documents", lambda: attend(q, k, v, document_mask(documents), enable_gqa=True))):
        run()  # compile / warm up outside the profile
        with profile(activities=activities) as trace:
            run()
            if sizes.device.type == "cuda":
                torch.cuda.synchronize()
        kernels = sorted({event.key for event in trace.key_averages()
                          if any(word in event.key.lower() for word in ("flash", "flex", "attention", "triton"))})
        names[label] = kernels[:12]
    return {"kernels": names, "flash_used": any("flash" in k.lower() for k in names["causal"])}


def check_bf16_parity(sizes: Sizes) -> dict:
    from transformers import ApertusConfig as HFConfig
    from transformers import ApertusForCausalLM as HFApertus

    shape = dict(sizes.config["model"], num_hidden_layers=sizes.parity_layers)
    config = TrainConfig.model_validate({"model": shape, "training": sizes.config["training"]}).model.to_config()
    torch.manual_seed(0)
    ours = ApertusForCausalLM(config).to(sizes.device).eval()
    hf_config = HFConfig(**{k: v for k, v in config.to_hf_dict().items()
                            if k not in ("architectures", "model_type", "rope_scaling", "dtype")})
    theirs = HFApertus(hf_config).to(sizes.device).eval()
    theirs.load_state_dict(ours.state_dict())
    ids = torch.randint(4, config.vocab_size, (1, min(sizes.seq, 1024)), device=sizes.device)
    with torch.no_grad(), autocast(sizes):
        a, b = ours(ids).float(), theirs(input_ids=ids).logits.float()
    return {"layers": sizes.parity_layers, "max_abs_logit_diff": float((a - b).abs().max()),
            "logit_scale": float(b.abs().max()), "top1_agreement": float((a.argmax(-1) == b.argmax(-1)).float().mean())}


def check_loss_memory(sizes: Sizes) -> dict:
    vocab = sizes.config["model"]["vocab_size"]
    hidden_size = sizes.config["model"]["hidden_size"]
    tokens = sizes.loss_tokens
    dtype = torch.bfloat16 if sizes.bf16 else torch.float32
    weight = (torch.randn(vocab, hidden_size, device=sizes.device) * 0.01).requires_grad_()
    labels = torch.randint(0, vocab, (1, tokens), device=sizes.device)
    mask = torch.ones(1, tokens, device=sizes.device)
    result = {"tokens": tokens, "vocab": vocab}
    for name in ("chunked", "full_fp32_logits"):
        reset_memory(sizes)
        hidden = torch.randn(1, tokens, hidden_size, device=sizes.device, dtype=dtype, requires_grad=True)
        base = torch.cuda.memory_allocated() if sizes.device.type == "cuda" else 0
        with autocast(sizes):
            if name == "chunked":
                loss = chunked_cross_entropy(hidden, weight, labels, mask, 2048)
            else:
                logits = torch.nn.functional.linear(hidden, weight).float()
                loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), labels.reshape(-1))
        loss.backward()
        peak = peak_memory_gib(sizes)
        result[f"{name}_peak_gib_above_inputs"] = None if peak is None else peak - base / 2**30
        weight.grad = None
    return result


def check_optimizer_step(sizes: Sizes) -> dict:
    """Step time of AdEMAMix and of fused AdamW on the same parameters (a 1B model's)."""
    config = sizes.train_config().model.to_config()
    with torch.device(sizes.device):
        model = ApertusForCausalLM(config)
    for parameter in model.parameters():
        parameter.grad = torch.randn_like(parameter) * 1e-3
    times = {}
    for name, optimizer in (("ademamix", AdEMAMix(parameter_groups(model, 0.1), lr=1e-4, warmup_steps=100)),
                            ("adamw_fused" if sizes.device.type == "cuda" else "adamw",
                             torch.optim.AdamW(model.parameters(), lr=1e-4, fused=sizes.device.type == "cuda"))):
        samples = []
        for _ in range(6):
            if sizes.device.type == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            optimizer.step()
            if sizes.device.type == "cuda":
                torch.cuda.synchronize()
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples[1:])
        del optimizer
    names = list(times)
    return {"parameters": sum(p.numel() for p in model.parameters()), "step_seconds": times,
            "ratio": times[names[0]] / times[names[1]]}


def check_eager_layer_calls(sizes: Sizes) -> dict:
    """FSDP2 on a one-process group, activation checkpointing and per-layer compile."""
    import socket

    import torch.distributed as dist

    with socket.socket() as probe:  # a free port on the loopback for the one-process group
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dist.init_process_group("nccl" if sizes.device.type == "cuda" else "gloo", rank=0, world_size=1,
                            init_method=f"tcp://127.0.0.1:{port}")
    try:
        settings = sizes.train_config(compile=sizes.compile, activation_checkpointing=True).training
        config = sizes.train_config().model.to_config()
        model = build_model(config, settings, Distributed(), bf16=sizes.bf16, shard=True)
        optimizer = AdEMAMix(parameter_groups(model, 0.1), lr=1e-4, warmup_steps=10)
        calls, breaks = [], sum(torch._dynamo.utils.counters["graph_break"].values())
        for _ in range(3):
            batch = torch.randint(4, config.vocab_size, (1, min(sizes.seq, 2048) + 1), device=sizes.device)
            batch[:, ::997] = config.eos_token_id  # several documents per row: the document mask is used
            before = sum(layer.eager_calls for layer in model.model.layers)
            loss, _ = compute_loss(model, batch, config, settings, lambda: autocast(sizes))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            calls.append(sum(layer.eager_calls for layer in model.model.layers) - before)
        breaks = sum(torch._dynamo.utils.counters["graph_break"].values()) - breaks
    finally:
        dist.destroy_process_group()
    return {"compiled": sizes.compile, "layers": config.num_hidden_layers, "eager_calls_per_step": calls,
            "graph_breaks": breaks}


def write_shards(folder: Path, vocab: int, tokens: int) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    ids = rng.integers(4, vocab, tokens, dtype=np.uint32)
    ids[:: 997] = 2  # documents of about 1,000 tokens
    ids.tofile(folder / "000_train.ds")


def check_stop_resume_export(sizes: Sizes) -> dict:
    tiny = yaml.safe_load((CONFIGS / "tiny.yaml").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        shards = Path(tmp) / "shards"
        write_shards(shards, tiny["model"]["vocab_size"], 200_000)

        def config(out: str) -> TrainConfig:
            return TrainConfig.model_validate({"model": tiny["model"], "training": dict(
                tiny["training"], data=str(shards), out_dir=str(Path(tmp) / out), steps=8, checkpoint_every=100,
                log_every=100)})

        whole = train(config("whole"), log=lambda *_: None).losses
        train(config("parts"), stop_after=3, log=lambda *_: None)
        resumed = train(config("parts"), log=lambda *_: None)
        result = {"losses": whole, "resumed_losses": resumed.losses,
                  "max_loss_difference": max(abs(a - b) for a, b in zip(whole, resumed.losses, strict=True))}
        from transformers import AutoModelForCausalLM

        AutoModelForCausalLM.from_pretrained(str(resumed.export_dir))
        result["export_loaded_by_transformers"] = True
    return result


def check_bench_train(sizes: Sizes) -> dict:
    config = sizes.train_config()
    results = bench_train(config, sizes.batch, sizes.seq, warmup=3 if not sizes.smoke else 1,
                          steps=10 if not sizes.smoke else 2, compile_model=sizes.compile, timeout_s=900)
    by_variant = {r["variant"]: r for r in results}
    ours, theirs = by_variant.get("clearweb", {}), by_variant.get("transformers", {})
    ratio = (ours["tokens_per_s_per_device"] / theirs["tokens_per_s_per_device"]
             if "tokens_per_s_per_device" in ours and "tokens_per_s_per_device" in theirs else None)
    return {"compiled": sizes.compile, "batch": sizes.batch, "seq": sizes.seq, "results": results, "ratio": ratio}


CHECKS = [("versions", check_versions), ("kernels", check_kernels), ("bf16_parity", check_bf16_parity),
          ("loss_memory", check_loss_memory), ("optimizer_step", check_optimizer_step),
          ("eager_layer_calls", check_eager_layer_calls), ("stop_resume_export", check_stop_resume_export),
          ("bench_train", check_bench_train)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON lines, one per check, appended as they end")
    parser.add_argument("--cpu-smoke", action="store_true", help="tiny shapes on the CPU, no compile")
    parser.add_argument("--only", help="comma-separated check names")
    args = parser.parse_args(argv)
    if not args.cpu_smoke and not torch.cuda.is_available():
        print("no CUDA device: run with --cpu-smoke for the tiny CPU run", file=sys.stderr)
        return 2
    sizes = Sizes(args.cpu_smoke)
    wanted = set(args.only.split(",")) if args.only else None
    failed = 0
    for name, check in CHECKS:
        if wanted and name not in wanted:
            continue
        started = time.perf_counter()
        try:
            line = {"check": name} | check(sizes)
        except Exception as exc:  # one check's failure is its line; the others still run
            failed += 1
            line = {"check": name, "error": " ".join(f"{type(exc).__name__}: {exc}".split())[:500],
                    "where": traceback.format_exc().strip().splitlines()[-3][:300]}
        line["seconds"] = round(time.perf_counter() - started, 1)
        with open(args.out, "a") as out:
            out.write(json.dumps(line) + "\n")
        print(json.dumps(line)[:400], flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
