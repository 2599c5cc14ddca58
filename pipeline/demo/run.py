"""``clearweb demo``: generate the demo crawl, serve it on 127.0.0.1 and run configs/demo.yaml.

The fetch stage downloads the shards over HTTP from the loopback server, so the demo exercises the
same download, resume and parsing code as a real Common Crawl run, with no network.
"""

from __future__ import annotations

import json
from pathlib import Path

from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.environ import environment
from clearweb.pipeline.core.stage import stage_dirs
from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.demo.server import LoopbackServer
from clearweb.pipeline.report_cli import print_funnel
from clearweb.pipeline.runner import print_phase, run_stages

DEMO_URL_VARIABLE = "CLEARWEB_DEMO_URL"
DEMO_ADDRESS_VARIABLE = "CLEARWEB_DEMO_ADDRESS"  # ip:port, for the robots crawler's resolve mapping


def demo_config_path() -> Path:
    """configs/demo.yaml, from the source tree (editable install) or the installed package data."""
    import clearweb.configs

    for folder in clearweb.configs.__path__:
        candidate = Path(folder) / "demo.yaml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("configs/demo.yaml is not installed with clearweb")


def shard_summary(folder: Path) -> str:
    """'N documents, T tokens' of the .ds shards in ``folder``."""
    import numpy as np

    documents = sum(len(np.fromfile(index, dtype=np.uint64)) for index in folder.glob("*.ds.index"))
    tokens = sum(path.stat().st_size // 4 for path in folder.glob("*.ds"))
    return f"{documents} documents, {tokens} tokens (uint32)"


def run_demo(out: str | Path, overrides: list[str] | None = None, rerun_stale: bool = False) -> Path:
    """Run the demo into ``out``/run and return the run directory."""
    out = Path(out).resolve()
    crawl = write_crawl(out / "site")
    print(f"demo crawl: {len(crawl.pages)} pages on {len(crawl.hosts)} hosts in "
          f"{len({h.language for h in crawl.hosts})} languages, {len(crawl.shard_paths)} WARC shards")
    config_path = demo_config_path()
    with LoopbackServer(crawl.root, crawl.routes(), max_lifetime_s=1800) as server, environment(
            {DEMO_URL_VARIABLE: server.url, DEMO_ADDRESS_VARIABLE: f"127.0.0.1:{server.port}"}):
        config = load_config(config_path, [f"run_dir={out / 'run'}", *(overrides or [])])
        results = run_stages(config, str(config_path), wait=True, rerun_stale=rerun_stale, on_phase=print_phase)
    run_dir = Path(config.run_dir)
    print_funnel(run_dir)
    print_artifacts(run_dir, [result.name for result in results])
    if config.stages.tokenize is not None:
        train_tiny_model(run_dir)
    print(f"next: clearweb report {run_dir}", flush=True)
    return run_dir


def train_tiny_model(run_dir: Path) -> None:
    """The demo's last step: a short CPU training run of the tiny Apertus on the demo's shards."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        print("train: skipped, torch is not installed (pip install 'clearweb[train]')")
        return
    from clearweb.model.trainer import train
    from clearweb.pipeline.train_cli import load_train_config

    tokenizer = json.loads((stage_dirs(run_dir, "tokenizer").output / "fertility.json").read_text())
    config = load_train_config(str(demo_config_path().parent / "train" / "tiny.yaml"), [
        f"training.data={stage_dirs(run_dir, 'tokenize').output}", f"training.out_dir={run_dir / 'train'}",
        f"model.vocab_size={tokenizer['largest_id'] + 1}"])
    result = train(config, log=lambda line: print(f"train: {line}"))
    losses = result.losses
    print(f"train: tiny Apertus, {len(losses)} steps on CPU, loss {losses[0]:.3f} -> {losses[-1]:.3f}; "
          f"checkpoints and HF export in {run_dir / 'train'}")


def print_artifacts(run_dir: Path, phases: list[str]) -> None:
    """Where the tokenizer and the training shards are, with their figures."""
    if "tokenizer" in phases:
        output = stage_dirs(run_dir, "tokenizer").output
        report = json.loads((output / "fertility.json").read_text())
        print(f"tokenizer: {report['vocab_size']} tokens, Gini of tokens per byte over "
              f"{len(report['languages'])} languages {report['gini_tokens_per_byte']:.3f}, in {output}")
    if "tokenize" in phases:
        output = stage_dirs(run_dir, "tokenize").output
        megatron = output / "megatron"
        print(f"tokenize: {shard_summary(output)} in {output}"
              + (f"; Megatron-LM .bin/.idx in {megatron}" if megatron.is_dir() else ""))
