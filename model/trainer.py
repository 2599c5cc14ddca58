"""The training loop: the Apertus recipe on our shards, from one CPU to many GPUs.

- Distributed when started by torchrun (WORLD_SIZE > 1): NCCL on GPUs, gloo on CPUs, parameters
  sharded with FSDP2 (``fully_shard`` per decoder layer and at the root).
- Per step: ``grad_accum`` micro-batches, bf16 autocast on GPU, cross-entropy over the labels the
  loss mask keeps (goldfish + end-of-document), gradient clipping, AdEMAMix, WSD learning rate.
- Checkpoints with torch.distributed.checkpoint (sharded, restartable with another world size) plus
  the step, the data loader position and the losses so far; a run started again resumes from the
  latest one and reproduces the uninterrupted run's losses exactly (on CPU).
- Metrics per step to ``metrics.jsonl``: loss, lr, tokens/s, MFU, peak memory, the share of
  labels goldfish dropped, and the decoder-layer calls that ran eagerly (0 when ``compile`` works:
  a compiled layer never runs its Python forward; a warning line says otherwise).
- At the end, an HF-format folder (config.json + model.safetensors) that transformers loads.

MFU counts 6N + 12·L·d·T FLOPs per token (N = parameters except the embedding table, whose lookup
is no matmul; L layers, d hidden size, T sequence length for attention scores and values), over the
device's dense bf16 peak.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from clearweb.model.ademamix import AdEMAMix, parameter_groups
from clearweb.model.config import ApertusConfig
from clearweb.model.data import ShardBatches, check_vocabulary
from clearweb.model.goldfish import loss_mask
from clearweb.model.hf_format import load_hf, save_hf
from clearweb.model.modeling import ApertusForCausalLM, documents_from_eos
from clearweb.model.schedule import wsd_lr
from clearweb.model.train_config import TrainConfig

#: dense bf16 peak per device (no sparsity), by a part of the name torch reports; the first match
#: wins, so the variants come before their family name
PEAK_BF16_FLOPS = (("H100 NVL", 835e12), ("H100 PCIe", 756e12), ("H200 NVL", 835e12), ("GH200", 989e12),
                   ("H100", 989e12), ("H200", 989e12), ("B200", 2250e12), ("A100", 312e12), ("MI300X", 1307e12))


@dataclass
class TrainResult:
    losses: list[float]
    export_dir: Path | None
    stopped_early: str | None = None  # why the run checkpointed and stopped before its last step


STOP_FILE = "STOP"


class StopRequests:
    """A time-limited job asks to stop: SIGUSR1 (``sbatch --signal=USR1@120``, relayed as a file by
    the batch script because torchrun's agent would die of it) or SIGTERM to this process, or a
    ``STOP`` file in the output folder. Checked after every step, agreed by all ranks in the step's
    one all-reduce; the run then checkpoints and returns."""

    def __init__(self, out: Path):
        self.file = out / STOP_FILE
        self.signal: str | None = None
        self.previous = {}
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGUSR1, signal.SIGTERM):
                self.previous[number] = signal.signal(number, self._on_signal)

    def _on_signal(self, number, frame) -> None:
        self.signal = signal.Signals(number).name

    def requested(self) -> str | None:
        if self.signal:
            return self.signal
        return f"{self.file} exists" if self.file.exists() else None

    def close(self) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        self.file.unlink(missing_ok=True)  # consumed: the next job runs on


def flops_per_token(config: ApertusConfig, seq_len: int) -> float:
    """6N + 12·L·d·T, N without the embedding table (stated in the module docstring)."""
    n = config.num_parameters(embeddings=False) + config.vocab_size * config.hidden_size  # lm_head counts
    return 6 * n + 12 * config.num_hidden_layers * config.hidden_size * seq_len


def peak_flops(configured: float | None, device_name: str | None = None) -> float | None:
    """``training.peak_flops`` when set, else the device's dense bf16 peak; None (no MFU) on CPU or
    on a GPU the table does not know, which one warning line says."""
    if configured:
        return configured
    if device_name is None:
        if not torch.cuda.is_available():
            return None
        device_name = torch.cuda.get_device_name()
    peak = next((value for key, value in PEAK_BF16_FLOPS if key in device_name), None)
    if peak is None:
        warnings.warn(f"no bf16 peak known for {device_name!r}: MFU is not computed; set training.peak_flops",
                      stacklevel=2)
    return peak


class Distributed:
    """Rank, world size and device of this process (torchrun's environment, or one process)."""

    def __init__(self) -> None:
        self.world_size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_world_size = int(os.environ.get("LOCAL_WORLD_SIZE", str(self.world_size)))
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = torch.device(f"cuda:{local_rank}") if torch.cuda.is_available() else torch.device("cpu")
        if self.device.type == "cuda":
            torch.cuda.set_device(self.device)
        if self.world_size > 1 and not dist.is_initialized():
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def means(self, *values: torch.Tensor) -> list[float]:
        """Means over ranks of scalar tensors, as numbers (the step's one host-device sync)."""
        stacked = torch.stack(values)
        if self.world_size > 1:
            dist.all_reduce(stacked)
            stacked /= self.world_size
        return stacked.tolist()


def build_model(config: ApertusConfig, settings, env: Distributed, bf16: bool = False,
                shard: bool | None = None) -> torch.nn.Module:
    """The torchtitan order: shapes on the meta device (no memory: a 70B model is never whole on
    one process), activation checkpointing inside each layer, each layer compiled (whole-model
    compile under FSDP2 runs every layer eagerly), each layer then the root sharded, and only then
    memory allocated on the device and initialised, shard by shard.

    Sharded with ``bf16``, parameters are gathered and computed in bf16 and gradients reduced in
    fp32 (the fp32 master copy stays sharded). ``shard_within_node`` shards inside a node and
    replicates across nodes (HSDP): all-gathers stay on the node's fast links. ``shard`` forces
    sharding on (a one-process group: the GPU acceptance check) or off; default: several processes."""
    with torch.device("meta"):
        model = ApertusForCausalLM(config)
    for layer in model.model.layers:
        layer.checkpointing = settings.activation_checkpointing
        if settings.compile:
            layer.compile()  # in place: parameter names stay transformers'
    if env.world_size > 1 if shard is None else shard:
        from torch.distributed.device_mesh import init_device_mesh
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        precision = (MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32) if bf16
                     else MixedPrecisionPolicy())
        mesh = None
        if settings.shard_within_node:
            per_node = env.local_world_size
            mesh = init_device_mesh(env.device.type, (env.world_size // per_node, per_node),
                                    mesh_dim_names=("replicate", "shard"))
        for layer in model.model.layers:
            fully_shard(layer, mesh=mesh, mp_policy=precision)
        fully_shard(model, mesh=mesh, mp_policy=precision)
    model.to_empty(device=env.device)
    model.init_weights()
    return model


def compute_loss(model, batch: torch.Tensor, config: ApertusConfig, settings,
                 autocast) -> tuple[torch.Tensor, torch.Tensor]:
    """The masked mean loss, and the share of labels goldfish dropped (of those the end-of-document
    rule keeps): on real text the Megatron hash drops less than 1/k, so the share is measured."""
    inputs, labels = batch[:, :-1], batch[:, 1:]
    documents = documents_from_eos(inputs, config.eos_token_id) if settings.document_masking else None
    goldfish = settings.goldfish
    mask = loss_mask(inputs, labels, config.eos_token_id, *((goldfish.k, goldfish.h) if goldfish else (None,)))
    with autocast():
        loss = model(inputs, document_ids=documents, labels=labels, loss_mask=mask,
                     loss_chunk_tokens=settings.loss_chunk_tokens)
    counted = (inputs != config.eos_token_id).sum().clamp(min=1)
    return loss, 1.0 - mask.sum() / counted


@contextmanager
def _single_process_is_intended():
    """torch.distributed.checkpoint warns when it saves without a process group; one process is
    a normal way to train here, so that one warning is silenced (no others)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.distributed is disabled, unavailable or uninitialized")
        yield


class Checkpoints:
    """Sharded model/optimizer state (torch.distributed.checkpoint) + a small JSON of the rest."""

    def __init__(self, folder: Path):
        self.folder = folder

    def latest(self) -> Path | None:
        done = sorted(p for p in self.folder.glob("step_*") if (p / "trainer_state.json").is_file())
        return done[-1] if done else None

    def save(self, step: int, model, optimizer, data: ShardBatches, losses: list[float], env: Distributed) -> None:
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import get_state_dict

        target = self.folder / f"step_{step:08d}"
        model_state, optimizer_state = get_state_dict(model, optimizer)
        with _single_process_is_intended():
            dcp.save({"model": model_state, "optimizer": optimizer_state}, checkpoint_id=str(target))
        if env.main:  # written last: a checkpoint without it is incomplete and ignored
            state = {"step": step, "data": data.state_dict(), "losses": losses}
            (target / "trainer_state.json").write_text(json.dumps(state))
        if env.world_size > 1:
            dist.barrier()

    def load(self, path: Path, model, optimizer, data: ShardBatches,
             allow_reshard: bool = False) -> tuple[int, list[float]]:
        import torch.distributed.checkpoint as dcp
        from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

        model_state, optimizer_state = get_state_dict(model, optimizer)
        state = {"model": model_state, "optimizer": optimizer_state}
        with _single_process_is_intended():
            dcp.load(state, checkpoint_id=str(path))
        set_state_dict(model, optimizer, model_state_dict=state["model"], optim_state_dict=state["optimizer"])
        trainer_state = json.loads((path / "trainer_state.json").read_text())
        data.load_state_dict(trainer_state["data"], allow_reshard)
        return trainer_state["step"], trainer_state["losses"]


def export_hf(model, config: ApertusConfig, folder: Path, env: Distributed) -> Path:
    """config.json + safetensors that ``transformers.AutoModelForCausalLM`` loads (gathered on rank 0)."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    state = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if env.main:
        save_hf(state, config, folder)
    return folder


def init_from(model, config: ApertusConfig, folder: str, env: Distributed) -> None:
    """Start from released (or earlier) weights in the Hugging Face layout instead of random ones:
    the shapes must match the config's (one line names the first key that differs); rank 0 reads
    the files and the shards are sent to every rank."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, set_model_state_dict

    saved = ApertusConfig.from_json(Path(folder) / "config.json")  # every rank checks (and raises) alike
    for key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "rope_theta", "rope_scaling", "rms_norm_eps"):
        if getattr(saved, key) != getattr(config, key):
            raise ValueError(f"training.init_from: {folder} has {key} {getattr(saved, key)}, the model config "
                             f"{getattr(config, key)}")
    state = load_hf(folder)[1] if env.main else {}
    set_model_state_dict(model, state, options=StateDictOptions(full_state_dict=True,
                                                                broadcast_from_rank0=env.world_size > 1))


def truncate_metrics(path: Path, step: int) -> None:
    """Keep the lines of steps up to ``step``: a run resumed from there writes the later ones again
    (a crash after the checkpoint leaves steps the resumed run repeats)."""
    if not path.is_file():
        return
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    kept = [line for line in lines if json.loads(line)["step"] <= step]
    if len(kept) != len(lines):
        path.write_text("".join(line + "\n" for line in kept))


def train(train_config: TrainConfig, stop_after: int | None = None, log=print,
          allow_reshard: bool = False) -> TrainResult:
    """Train, resuming from the latest checkpoint in out_dir; ``stop_after`` ends this invocation
    after that many steps (a time-limited job), leaving a checkpoint to resume from;
    ``allow_reshard`` resumes a checkpoint written by another number of processes."""
    settings = train_config.training
    config = train_config.model.to_config()
    env = Distributed()
    torch.manual_seed(settings.seed)
    check_vocabulary(settings.data, config.vocab_size)
    out = Path(settings.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    use_bf16 = settings.precision == "bf16" or (settings.precision == "auto" and env.device.type == "cuda")
    model = build_model(config, settings, env, bf16=use_bf16)
    sharded = env.world_size > 1
    ademamix = settings.ademamix
    optimizer = AdEMAMix(parameter_groups(model, settings.weight_decay), lr=settings.lr,
                         betas=(ademamix.beta1, ademamix.beta2, ademamix.beta3), alpha=ademamix.alpha,
                         eps=ademamix.eps, warmup_steps=ademamix.warmup_steps or settings.steps)
    data = ShardBatches(settings.data, settings.seq_len, settings.micro_batch_size, settings.seed, env.rank,
                        env.world_size)
    checkpoints = Checkpoints(out / "checkpoints")
    start, losses = 0, []
    if (latest := checkpoints.latest()) is not None:
        start, losses = checkpoints.load(latest, model, optimizer, data, allow_reshard)
        if env.main:
            log(f"resumed from {latest} at step {start}")
    elif settings.init_from:
        init_from(model, config, settings.init_from, env)
        if env.main:
            log(f"initialised from {settings.init_from}")
    autocast = (lambda: torch.autocast(env.device.type, dtype=torch.bfloat16)) if use_bf16 else nullcontext
    tokens_per_device = settings.micro_batch_size * settings.grad_accum * settings.seq_len
    flops, peak = flops_per_token(config, settings.seq_len), peak_flops(settings.peak_flops)
    if env.main:
        truncate_metrics(out / "metrics.jsonl", start)
    metrics = open(out / "metrics.jsonl", "a") if env.main else None
    batches = iter(data)
    layers = list(model.model.layers)
    eager_before = 0
    end = settings.steps if stop_after is None else min(settings.steps, start + stop_after)
    model.train()
    stops = StopRequests(out)
    stopped = None
    for step in range(start, end):
        started = time.perf_counter()
        lr = wsd_lr(step, settings.lr, settings.warmup, settings.steps, settings.cooldown, settings.min_lr)
        for group in optimizer.param_groups:
            group["lr"] = lr
        step_loss = torch.zeros((), device=env.device)
        dropped = torch.zeros((), device=env.device)
        for micro in range(settings.grad_accum):
            last = micro == settings.grad_accum - 1
            if sharded and settings.shard_within_node:  # HSDP: the cross-node all-reduce once per step
                model.set_requires_all_reduce(last)
            elif sharded and settings.defer_gradient_sync:  # unsharded gradients kept until the last one
                model.set_requires_gradient_sync(last)
            loss, goldfish_share = compute_loss(model, next(batches).to(env.device), config, settings, autocast)
            (loss / settings.grad_accum).backward()
            step_loss += loss.detach() / settings.grad_accum
            dropped += goldfish_share / settings.grad_accum
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
        if hasattr(grad_norm, "full_tensor"):  # a DTensor under FSDP2: the same total on every rank
            grad_norm = grad_norm.full_tensor()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        reason = stops.requested()
        step_loss, dropped, grad_norm, stop = env.means(step_loss, dropped, grad_norm.float(),
                                                        torch.tensor(float(bool(reason)), device=env.device))
        losses.append(step_loss)
        elapsed = time.perf_counter() - started
        rate = tokens_per_device / elapsed
        mfu = rate * flops / peak if peak else None
        memory = torch.cuda.max_memory_allocated() / 2**30 if env.device.type == "cuda" else None
        eager_total = sum(layer.eager_calls for layer in layers)
        eager, eager_before = eager_total - eager_before, eager_total
        if settings.compile and eager and env.main:
            log(f"warning: compile is on but {eager} decoder-layer calls ran eagerly in step {step + 1}")
        if metrics is not None:
            metrics.write(json.dumps({"step": step + 1, "loss": step_loss, "lr": lr, "tokens_per_s_per_device": rate,
                                      "mfu": mfu, "peak_memory_gib": memory, "goldfish_dropped": dropped, "grad_norm": grad_norm,
                                      "eager_layer_calls": eager}) + "\n")
            metrics.flush()
            if (step + 1) % settings.log_every == 0 or step + 1 == end:
                log(f"step {step + 1}/{settings.steps} loss {step_loss:.4f} lr {lr:.2e} goldfish {dropped:.2%} "
                    f"{rate:,.0f} tokens/s/device" + (f" MFU {mfu:.1%}" if mfu else "")
                    + (f" mem {memory:.1f} GiB" if memory else ""))
        if (step + 1) % settings.checkpoint_every == 0 or step + 1 == end or stop:
            checkpoints.save(step + 1, model, optimizer, data, losses, env)
        if stop and step + 1 < end:
            stopped = reason or "another rank was asked to stop"
            if env.main:
                log(f"stopping after step {step + 1} ({stopped}): checkpoint written, run again to resume")
            break
    stops.close()
    if metrics is not None:
        metrics.close()
    exported = None
    if settings.export_hf and end == settings.steps and not stopped:
        exported = export_hf(model, config, out / "hf", env)
    if env.world_size > 1:
        dist.barrier()
    return TrainResult(losses, exported if env.main else None, stopped)
