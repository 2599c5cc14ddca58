"""``clearweb tokenizer train CONFIG``, ``tokenizer eval`` and ``tokenizer import-tekken``.

``train`` runs a config's tokenizer stage alone (the stages before it must have run).
``eval`` prints the fertility report of any tokenizer.json on a language-partitioned folder and
writes it as JSON (``--out``); ``--compare`` puts a reference tokenizer's figures beside it.
``import-tekken`` writes Apertus's tekken vocabulary (from ``mistral-common``) as a tokenizer.json.
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
    report = json.loads((out / "fertility.json").read_text())
    print(f"tokenizer: {out / 'tokenizer.json'} ({report['vocab_size']:,} entries, "
          f"{report.get('vocab_size_requested', report['vocab_size']):,} asked); "
          f"fertility report: {out / 'fertility.json'}")
    return 0


def _load(name: str):
    """A tokenizer.json path, or ``tekken`` for mistral-common's vocabulary."""
    from clearweb.tokenizer.tekken import tokenizer_named

    try:
        return tokenizer_named(name)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None


def cmd_eval(args: argparse.Namespace) -> int:
    from clearweb.tokenizer.fertility import (
        fertility_report,
        format_comparison,
        format_report,
        language_samples,
    )

    data = Path(args.data)
    if not data.is_dir():
        raise InputError(f"{data}: not a folder of <xxx_Scrp>/ partitions")
    samples = language_samples(data)
    report = fertility_report(_load(args.tokenizer), samples)
    if not report["languages"]:
        raise InputError(f"{data}: no <xxx_Scrp>/ partitions with Parquet files")
    if args.compare:
        report["reference"] = fertility_report(_load(args.compare), samples) | {"name": args.compare}
        print(format_comparison(report, report["reference"]))
    else:
        print(format_report(report))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


def cmd_import_tekken(args: argparse.Namespace) -> int:
    from clearweb.tokenizer.tekken import TEKKEN_VOCAB_SIZE, import_tekken, tekken_file

    out = import_tekken(Path(args.out), args.version)
    print(f"{out}: tekken {args.version} ({TEKKEN_VOCAB_SIZE:,} ids, <s> 1, </s> 2) from {tekken_file(args.version)}")
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
    evaluate.add_argument("--compare", metavar="REFERENCE",
                          help="a second tokenizer.json, or tekken, shown side by side")
    evaluate.add_argument("--out", help="write the report as JSON here")
    evaluate.set_defaults(handler=cmd_eval)
    tekken = commands.add_parser("import-tekken", help="write Apertus's tekken vocabulary as a tokenizer.json")
    tekken.add_argument("--version", default="240718", help="mistral-common's tekken_<VERSION>.json")
    tekken.add_argument("--out", required=True, help="e.g. tekken/tokenizer.json")
    tekken.set_defaults(handler=cmd_import_tekken)
