"""``clearweb bench train``: training throughput of our model and recipe against transformers'.

Both run the same config, micro-batch and sequence length, on the same random token batches, in
the same invocation, each in a fresh process (so peak memory is its own), and both compiled or
neither (compiling only one side would credit the compiler to it; ours is compiled per layer as
the trainer compiles it, transformers' as a whole model):
- ours: the trainer's own step (``compute_loss``: document masking, goldfish/EOD loss mask,
  chunked cross-entropy, as the config sets them) with AdEMAMix, gradient clipping, bf16 autocast
  on GPU;
- transformers: ApertusForCausalLM (SDPA attention) with a plain AdamW loop (fused on GPU), bf16
  autocast on GPU.
A variant that runs out of memory reports it in one line; one that dies or hangs is named with its
exit code instead of blocking the benchmark.
Reported per device: tokens/s (median over the timed steps, after warm-up), MFU (6N + 12·L·d·T
FLOPs per token over the device's dense bf16 peak; none on CPU), peak memory (GPU allocator peak,
or the process's max RSS on CPU).
"""

from __future__ import annotations

import json
import multiprocessing
import queue as queue_errors
import resource
import statistics
import time
from contextlib import nullcontext

import torch

from clearweb.model.train_config import TrainConfig


def _batches(vocab: int, batch: int, seq_len: int, count: int, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    return [torch.randint(4, vocab, (batch, seq_len + 1), generator=generator) for _ in range(count)]


def _measure(variant: str, train_config: dict, batch: int, seq_len: int, warmup: int, steps: int, compile_model: bool,
             queue) -> None:
    try:
        queue.put(_run_variant(variant, train_config, batch, seq_len, warmup, steps, compile_model))
    except torch.OutOfMemoryError as exc:
        queue.put({"variant": variant, "error": f"out of memory: {str(exc).splitlines()[0]}"})


def _run_variant(variant: str, train_config: dict, batch: int, seq_len: int, warmup: int, steps: int,
                 compile_model: bool) -> dict:
    from clearweb.model.ademamix import AdEMAMix, parameter_groups
    from clearweb.model.trainer import Distributed, build_model, compute_loss, flops_per_token, peak_flops

    validated = TrainConfig.model_validate(train_config)
    config, settings = validated.model.to_config(), validated.training
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(0)
    if variant == "clearweb":  # built as the trainer builds it: meta device, per-layer compile, checkpointing
        settings = settings.model_copy(update={"compile": compile_model})
        model = build_model(config, settings, Distributed(), bf16=device.type == "cuda")
        optimizer = AdEMAMix(parameter_groups(model, 0.1), lr=1e-4, warmup_steps=warmup + steps)
    else:
        from transformers import ApertusConfig as HFConfig
        from transformers import ApertusForCausalLM as HFApertus

        hf_config = HFConfig(**{k: v for k, v in config.to_hf_dict().items()
                                if k not in ("architectures", "model_type", "rope_scaling", "dtype")})
        hf_config.dtype = torch.float32
        model = HFApertus(hf_config).to(device)
        model.config._attn_implementation = "sdpa"
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.1, fused=device.type == "cuda")
        if compile_model:
            model = torch.compile(model)
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if device.type == "cuda" else nullcontext
    timings = []
    for index, tokens in enumerate(_batches(config.vocab_size, batch, seq_len, warmup + steps)):
        tokens = tokens.to(device)
        inputs = tokens[:, :-1]
        if device.type == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        if variant == "clearweb":
            loss, _ = compute_loss(model, tokens, config, settings, autocast)
        else:
            with autocast():
                loss = model(input_ids=inputs, labels=tokens[:, :-1]).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1 if variant == "clearweb" else 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if index >= warmup:
            timings.append(time.perf_counter() - started)
    rate = batch * seq_len / statistics.median(timings)
    peak = peak_flops(None)
    memory = (torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda"
              else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
    return {"variant": variant, "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
            "tokens_per_s_per_device": rate, "mfu": rate * flops_per_token(config, seq_len) / peak if peak else None,
            "peak_memory_gib": memory, "memory_kind": "cuda max allocated" if device.type == "cuda" else "max RSS"}


def bench_train(train_config: TrainConfig, batch: int, seq_len: int, warmup: int = 3, steps: int = 10,
                compile_model: bool = False, timeout_s: float = 1800) -> list[dict]:
    """One result per variant: its measurement, or ``{"variant", "error"}`` naming what stopped it."""
    context = multiprocessing.get_context("spawn")
    results = []
    for variant in ("clearweb", "transformers"):
        queue = context.Queue()
        process = context.Process(target=_measure, args=(variant, train_config.model_dump(), batch, seq_len, warmup,
                                                         steps, compile_model, queue))
        process.start()
        results.append(_result_of(variant, process, queue, timeout_s))
    return results


def _result_of(variant: str, process, queue, timeout_s: float) -> dict:
    """The variant's result, waiting while its process lives, at most ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            result = queue.get(timeout=1)
        except queue_errors.Empty:
            if process.is_alive():
                continue
            try:  # it may have put its result just before exiting
                result = queue.get(timeout=1)
            except queue_errors.Empty:
                return {"variant": variant, "error": f"its process exited with code {process.exitcode} "
                                                     "before reporting (its traceback is above)"}
        process.join()
        return result
    process.kill()
    process.join()
    return {"variant": variant, "error": f"no result within {timeout_s:.0f} s; its process was killed"}


def format_results(results: list[dict], config: TrainConfig, batch: int, seq_len: int) -> str:
    device = next((r["device"] for r in results if "device" in r), "n/a")
    lines = [f"model: {config.model.to_config().num_parameters() / 1e6:.1f}M parameters, micro-batch {batch}, "
             f"sequence {seq_len}, device {device}"]
    for r in results:
        if "error" in r:
            lines.append(f"{r['variant']:<13} failed: {r['error']}")
            continue
        mfu = f"{r['mfu']:.1%}" if r["mfu"] is not None else "n/a (no peak FLOPs for this device)"
        lines.append(f"{r['variant']:<13} {r['tokens_per_s_per_device']:>12,.0f} tokens/s/device  MFU {mfu}  "
                     f"peak memory {r['peak_memory_gib']:.2f} GiB ({r['memory_kind']})")
    if not any("error" in r for r in results):
        ratio = results[0]["tokens_per_s_per_device"] / results[1]["tokens_per_s_per_device"]
        lines.append(f"clearweb / transformers tokens/s: {ratio:.2f}x")
    return "\n".join(lines) + "\n" + json.dumps(results)
