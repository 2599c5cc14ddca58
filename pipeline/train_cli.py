"""``clearweb train CONFIG``: train the bundled Apertus model on the tokenize stage's shards.

Runs in this process, or under torchrun for several processes/GPUs (the trainer reads torchrun's
environment). ``--stop-after N`` ends after N steps with a checkpoint (the next run resumes).
"""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from clearweb.pipeline.config import apply_override, read_yaml, validation_error
from clearweb.pipeline.core.console import help_text


def load_train_config(path: str, overrides: list[str]):
    from clearweb.model.train_config import TrainConfig

    raw = read_yaml(path)
    for assignment in overrides:
        apply_override(raw, assignment)
    try:
        return TrainConfig.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(path, exc) from None


def check_vocabulary(config, source: str) -> None:
    """Before anything starts (a Slurm job included): the model's embedding must cover every id of
    the tokenizer that wrote training.data."""
    from clearweb.model.data import check_vocabulary as check
    from clearweb.pipeline.core.errors import ConfigError

    try:
        check(config.training.data, config.model.vocab_size)
    except ValueError as exc:
        raise ConfigError(source, "model.vocab_size", str(exc).removeprefix("model.vocab_size ")) from None


def cmd_train(args: argparse.Namespace) -> int:
    from clearweb.model.trainer import train
    from clearweb.pipeline.core.errors import InputError

    config = load_train_config(args.config, list(args.set))
    check_vocabulary(config, args.config)
    if args.slurm:
        return submit_training(args, config)
    try:
        result = train(config, stop_after=args.stop_after, allow_reshard=args.allow_reshard)
    except (FileNotFoundError, ValueError) as exc:
        raise InputError(f"{args.config}: {exc}") from None
    if result.export_dir:
        print(f"exported {result.export_dir} (config.json + model.safetensors)")
    if result.stopped_early:
        print(f"stopped early ({result.stopped_early}); the same command resumes from the checkpoint")
    return 0


def cmd_bench_train(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from clearweb.model.bench import bench_train, format_results

    config = load_train_config(args.config, list(args.set))
    batch = args.batch or config.training.micro_batch_size
    seq_len = args.seq or config.training.seq_len
    compile_models = config.training.compile if args.compile is None else args.compile
    results = bench_train(config, batch, seq_len, args.warmup, args.steps, compile_models, args.timeout)
    print(format_results(results, config, batch, seq_len))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return 1 if any("error" in result for result in results) else 0


def submit_training(args: argparse.Namespace, config) -> int:
    """Write OUT/train.slurm (srun torchrun with a c10d rendezvous) and submit it."""
    import sys
    import time
    from pathlib import Path

    from clearweb.pipeline.core.errors import RunFailed
    from clearweb.pipeline.slurm import job_queued, submit, training_script

    out = Path(config.training.out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    script = training_script(args.config, config.slurm, sys.executable, list(args.set), out)
    job = submit(script, out / "train.slurm")
    print(f"submitted Slurm job {job} ({config.slurm.nodes} node(s) x {config.slurm.gpus_per_node} processes): "
          f"{out / 'train.slurm'}")
    if not args.wait:
        return 0
    while job_queued(job):
        time.sleep(2)
    metrics = out / "metrics.jsonl"
    steps = len(metrics.read_text().splitlines()) if metrics.is_file() else 0
    if steps < config.training.steps:
        raise RunFailed(f"training job {job} ended after {steps} of {config.training.steps} steps; "
                        f"see {out / f'slurm-{job}.out'}")
    print(f"training job {job} finished {steps} steps")
    return 0


def add_train_command(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="throughput benchmarks")
    benches = bench.add_subparsers(dest="bench_command", metavar="COMMAND", required=True)
    bench_train = benches.add_parser("train", help="tokens/s, MFU and memory: ours against transformers'")
    bench_train.add_argument("config", help="e.g. configs/train/1b.yaml")
    bench_train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    bench_train.add_argument("--batch", type=int, help="micro-batch (default: the config's)")
    bench_train.add_argument("--seq", type=int, help="sequence length (default: the config's)")
    bench_train.add_argument("--steps", type=int, default=10, help="timed steps")
    bench_train.add_argument("--warmup", type=int, default=3)
    bench_train.add_argument("--compile", action=argparse.BooleanOptionalAction, default=None,
                             help="torch.compile both models (default: the config's training.compile)")
    bench_train.add_argument("--timeout", type=float, default=1800, help="seconds each variant may take")
    bench_train.add_argument("--out", help="write the results as JSON here")
    bench_train.set_defaults(handler=cmd_bench_train)

    train = sub.add_parser("train", help="train the Apertus model on tokenized shards",
                           description=help_text(__doc__))
    train.add_argument("config", help="e.g. configs/train/tiny.yaml")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="override a key, e.g. --set training.steps=100")
    train.add_argument("--stop-after", type=int, help="stop after this many steps (a checkpoint is written)")
    train.add_argument("--allow-reshard", action="store_true",
                       help="resume a checkpoint written by another number of processes (the data order changes)")
    train.add_argument("--slurm", action="store_true",
                       help="submit as an sbatch job: srun torchrun on slurm.nodes x slurm.gpus_per_node")
    train.add_argument("--wait", action="store_true", help="with --slurm: block until the job has finished")
    train.set_defaults(handler=cmd_train)
