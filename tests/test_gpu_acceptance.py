"""benchmarks/gpu_acceptance.py runs as is: its CPU smoke run (tiny shapes, no compile) writes one
line per check and none fails. The GPU figures come from running it on a GPU (BENCHMARKS.md)."""

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")
_SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "gpu_acceptance.py"
_spec = importlib.util.spec_from_file_location("gpu_acceptance", _SCRIPT)
gpu_acceptance = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gpu_acceptance)


@pytest.mark.slow
def test_cpu_smoke_run_writes_every_check(tmp_path):
    out = tmp_path / "smoke.jsonl"
    assert gpu_acceptance.main(["--cpu-smoke", "--out", str(out)]) == 0
    lines = {line["check"]: line for line in map(json.loads, out.read_text().splitlines())}
    assert list(lines) == [name for name, _ in gpu_acceptance.CHECKS]
    assert not [name for name, line in lines.items() if "error" in line]
    assert lines["bf16_parity"]["top1_agreement"] == 1.0
    assert lines["eager_layer_calls"]["eager_calls_per_step"] == [2, 2, 2]  # 2 layers, not compiled in the smoke run
    assert lines["stop_resume_export"]["max_loss_difference"] == 0.0
    assert lines["bench_train"]["ratio"] > 0 and lines["kernels"]["kernels"]["causal"]


def test_without_a_gpu_the_full_run_says_how_to_smoke(tmp_path, capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert gpu_acceptance.main(["--out", str(tmp_path / "x.jsonl")]) == 2
    assert "--cpu-smoke" in capsys.readouterr().err
