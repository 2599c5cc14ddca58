"""The ``clearweb`` command line.

Exit codes: 0 on success, 2 on a bad config or input (one line naming the file and key), 1 on a
failed run (one line naming the failing task's log). Subcommands are added by the issues that
build them; each lives in its own module and registers here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from clearweb.pipeline.core.console import console
from clearweb.pipeline.core.errors import ClearwebError
from clearweb.pipeline.models_cli import add_models_commands
from clearweb.pipeline.plan_cli import add_plan_command
from clearweb.pipeline.report_cli import add_report_commands
from clearweb.pipeline.robots_cli import add_robots_commands
from clearweb.pipeline.tokenizer_cli import add_tokenizer_commands
from clearweb.pipeline.train_cli import add_train_command


def _add_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run a config's stages", description="Run the stages of CONFIG.")
    run.add_argument("config", help="YAML run config, e.g. configs/commoncrawl.yaml")
    run.add_argument("--stages", help="comma-separated subset of the config's stages, e.g. fetch")
    run.add_argument("--executor", choices=["local", "slurm", "ray"], help="overrides executor.type")
    run.add_argument("--tasks", type=int, help="overrides executor.tasks")
    run.add_argument("--workers", type=int, help="overrides executor.workers")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config key, e.g. --set stages.fetch.limit=100 (repeatable)")
    run.add_argument("--wait", action="store_true", help="slurm: block until every submitted stage has completed")
    run.add_argument("--rerun-stale", action="store_true",
                     help="recompute the stages whose settings, inputs or upstream changed (default: refuse)")
    run.set_defaults(handler=_cmd_run)


def _add_demo(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="run the pipeline on the embedded demo crawl, offline",
                          description="Generate the embedded multilingual demo crawl, serve it from a "
                                      "loopback HTTP server and run configs/demo.yaml against it.")
    demo.add_argument("--out", default="demo-out", help="folder for the crawl and the run (default: demo-out)")
    demo.add_argument("--tasks", type=int, help="tasks per stage (default from demo.yaml)")
    demo.add_argument("--workers", type=int, help="tasks run at once (default from demo.yaml)")
    demo.add_argument("--executor", choices=["local", "slurm", "ray"],
                      help="slurm: run every stage as array jobs and wait; ray: a Ray instance of its own (the demo "
                           "serves its crawl on this machine's loopback)")
    demo.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a demo.yaml key")
    demo.add_argument("--rerun-stale", action="store_true", help="recompute stages whose settings changed")
    demo.set_defaults(handler=_cmd_demo)


def _overrides(args: argparse.Namespace) -> list[str]:
    sets = list(args.set) if hasattr(args, "set") else []
    if getattr(args, "executor", None):
        sets.append(f"executor.type={args.executor}")
    if getattr(args, "tasks", None) is not None:
        sets.append(f"executor.tasks={args.tasks}")
    if getattr(args, "workers", None) is not None:
        sets.append(f"executor.workers={args.workers}")
    return sets


def _cmd_run(args: argparse.Namespace) -> int:
    from clearweb.pipeline.config import load_config
    from clearweb.pipeline.report_cli import print_funnel
    from clearweb.pipeline.runner import print_phase, run_stages

    config = load_config(args.config, _overrides(args))
    stages = [s.strip() for s in args.stages.split(",") if s.strip()] if args.stages else None
    results = run_stages(config, args.config, stages, wait=args.wait, rerun_stale=args.rerun_stale,
                         on_phase=print_phase)
    if all(result.status != "submitted" for result in results):
        print_funnel(Path(config.run_dir))
        print(f"next: clearweb report {config.run_dir}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from clearweb.pipeline.demo.run import run_demo

    overrides = _overrides(args)
    if args.executor == "ray":  # its crawl is served on this machine's loopback: never on RAY_ADDRESS's cluster
        overrides.append("executor.ray.address=local")
    run_demo(args.out, overrides, rerun_stale=args.rerun_stale)
    return 0


def _add_toxicity(sub: argparse._SubParsersAction) -> None:
    toxicity = sub.add_parser("toxicity", help="toxicity classifier commands")
    commands = toxicity.add_subparsers(dest="toxicity_command", metavar="COMMAND", required=True)
    train = commands.add_parser("train-head", help="fit a language's MLP head on the frozen XLM-R encoder",
                                description="Fit one language's toxicity head from a labelled CSV "
                                            "(text, label, language).")
    train.add_argument("--encoder", required=True, help="local XLM-RoBERTa folder")
    train.add_argument("--data", required=True, help="CSV with text, label (1/0 or toxic/non-toxic), language")
    train.add_argument("--language", required=True, help="xxx_Scrp label of the rows to use, e.g. deu_Latn")
    train.add_argument("--out", required=True, help="head file to write, e.g. heads/deu_Latn.pt")
    train.add_argument("--epochs", type=int, default=6)
    train.add_argument("--lr", type=float, default=1e-3)
    train.set_defaults(handler=_cmd_train_head)


def _cmd_train_head(args: argparse.Namespace) -> int:
    from pathlib import Path

    from clearweb.filters.toxicity.train_head import TrainingDataError, train_head
    from clearweb.pipeline.core.errors import InputError

    for flag, path in (("--encoder", args.encoder), ("--data", args.data)):
        if not Path(path).exists():
            raise InputError(f"{path}: not found ({flag})")
    try:
        metrics = train_head(args.encoder, Path(args.data), args.language, Path(args.out), args.epochs, args.lr)
    except TrainingDataError as exc:
        raise InputError(str(exc)) from None
    print(f"{args.out}: head for {args.language} trained on {metrics['train']:.0f} examples, "
          f"held-out accuracy {metrics['accuracy']:.3f} on {metrics['validation']:.0f}")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clearweb")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clearweb",
        description="Turn web crawls into compliant, multilingual, tokenized pretraining data.",
    )
    parser.add_argument("--version", action="version", version=f"clearweb {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show datatrove's task logs on the terminal too (they are always in the run's logs/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_run(sub)
    _add_demo(sub)
    add_plan_command(sub)
    add_robots_commands(sub)
    add_models_commands(sub)
    _add_toxicity(sub)
    add_tokenizer_commands(sub)
    add_train_command(sub)
    add_report_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with console(args.verbose):
            return args.handler(args)
    except ClearwebError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
