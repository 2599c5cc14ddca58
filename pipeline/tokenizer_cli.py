"""``clearweb tokenizer train CONFIG`` and ``clearweb tokenizer eval``.

``train`` runs a config's tokenizer stage alone (the stages before it must have run).
``eval`` prints the fertility report of any tokenizer.json on a language-partitioned folder and
writes it as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.core.stage import stage_dirs
from clearweb.pipeline.runner import run_stages


def cmd_train(args: argparse.Namespace) -> int:
    config = load_config(args.config, list(args.set))
    run_stages(config, args.config, ["tokenizer"])
    out = stage_dirs(config.run_dir, "tokenizer").output
    print(f"tokenizer: {out / 'tokenizer.json'}; fertility report: {out / 'fertility.json'}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from clearweb.tokenizer.bpe import load_tokenizer
    from clearweb.tokenizer.fertility import fertility_report, format_report

    data = Path(args.data)
    if not data.is_dir():
        raise InputError(f"{data}: not a folder of <xxx_Scrp>/ partitions")
    try:
        tokenizer = load_tokenizer(args.tokenizer)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    report = fertility_report(tokenizer, data)
    if not report["languages"]:
        raise InputError(f"{data}: no <xxx_Scrp>/ partitions with Parquet files")
    print(format_report(report))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


def add_tokenizer_commands(sub: argparse._SubParsersAction) -> None:
    tokenizer = sub.add_parser("tokenizer", help="train or evaluate the BPE tokenizer")
    commands = tokenizer.add_subparsers(dest="tokenizer_command", metavar="COMMAND", required=True)
    train = commands.add_parser("train", help="run a config's tokenizer stage")
    train.add_argument("config")
    train.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    train.set_defaults(handler=cmd_train)
    evaluate = commands.add_parser("eval", help="fertility per language and Gini coefficient")
    evaluate.add_argument("--tokenizer", required=True, help="a tokenizer.json")
    evaluate.add_argument("--data", required=True, help="language-partitioned folder, e.g. RUN/compliance/output")
    evaluate.add_argument("--out", help="write the report as JSON here")
    evaluate.set_defaults(handler=cmd_eval)
