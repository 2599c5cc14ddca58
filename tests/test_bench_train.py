"""``clearweb bench train`` on CPU with the tiny config: both models measured under the same
settings, and a variant whose process dies is reported with its exit code instead of hanging."""

from __future__ import annotations

from pathlib import Path

from clearweb.model.bench import bench_train, format_results
from clearweb.pipeline.train_cli import load_train_config

TINY = str(Path(__file__).resolve().parent.parent / "configs" / "train" / "tiny.yaml")


def test_both_variants_are_measured():
    config = load_train_config(TINY, [])
    results = bench_train(config, batch=2, seq_len=16, warmup=1, steps=2, timeout_s=300)
    assert [r["variant"] for r in results] == ["clearweb", "transformers"]
    for result in results:
        assert result["device"] == "cpu" and result["tokens_per_s_per_device"] > 0
        assert result["mfu"] is None and result["peak_memory_gib"] > 0
    assert "clearweb / transformers tokens/s:" in format_results(results, config, 2, 16)


def test_a_variant_that_dies_is_named_with_its_exit_code():
    config = load_train_config(TINY, [])
    results = bench_train(config, batch=2, seq_len=16, warmup=1, steps=0, timeout_s=300)  # no timed step
    assert [r["error"] for r in results] == ["its process exited with code 1 before reporting "
                                             "(its traceback is above)"] * 2
    report = format_results(results, config, 2, 16)
    assert "clearweb      failed: its process exited with code 1" in report and "tokens/s:" not in report
