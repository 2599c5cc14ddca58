"""Training throughput of the bundled model against transformers', from a train config, importing
only ``clearweb.model`` (torch, transformers, pydantic, PyYAML): it runs on a GPU machine that has
none of the pipeline's dependencies. The measurement is `clearweb bench train`'s (model/bench.py):
tokens/s per device, MFU and peak memory of each model in its own process, both compiled or neither.

    python benchmarks/bench_train.py --config configs/train/1b.yaml [--compile|--no-compile] [--batch 4] [--seq 4096]

Prints the results and one JSON line per variant (``--out`` writes them to a file as well).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from clearweb.model.bench import bench_train, format_results
from clearweb.model.train_config import TrainConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--batch", type=int, help="micro-batch (default: the config's)")
    parser.add_argument("--seq", type=int, help="sequence length (default: the config's)")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--compile", action=argparse.BooleanOptionalAction, default=None,
                        help="torch.compile both models (default: the config's training.compile)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds each variant may take")
    parser.add_argument("--out", help="append the results as JSON lines here")
    args = parser.parse_args(argv)
    config = TrainConfig.model_validate(yaml.safe_load(Path(args.config).read_text()))
    batch = args.batch or config.training.micro_batch_size
    seq_len = args.seq or config.training.seq_len
    compile_models = config.training.compile if args.compile is None else args.compile
    results = bench_train(config, batch, seq_len, args.warmup, args.steps, compile_models, args.timeout)
    print(format_results(results, config, batch, seq_len), flush=True)
    if args.out:
        with open(args.out, "a") as out:
            for result in results:
                out.write(json.dumps({"config": args.config, "batch": batch, "seq_len": seq_len,
                                      "compile": compile_models, **result}) + "\n")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
