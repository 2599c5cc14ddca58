from pathlib import Path

import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.config import load_config
from clearweb.pipeline.core.errors import ConfigError

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    return path


BASE = """run_dir: {run}
stages:
  fetch:
    inputs:
      - path: {input}
"""


@pytest.fixture
def shard(tmp_path):
    path = tmp_path / "a.warc.gz"
    path.write_bytes(b"")
    return path


def test_valid_config_loads(tmp_path, shard):
    config = load_config(write(tmp_path, BASE.format(run=tmp_path / "run", input=shard)))
    assert config.enabled_stages() == ["fetch"]
    assert config.executor.type == "local"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BASE + "    bogus: 1\n", "stages.fetch.bogus: unknown key"),
        (BASE + "executor:\n  tasks: many\n", "executor.tasks: input should be a valid integer"),
        (BASE.replace("{input}", "/no/such/file.warc.gz"), "stages.fetch.inputs[0].path: file not found"),
        (BASE + "executor:\n  type: kubernetes\n", "executor.type: input should be 'local', 'slurm' or 'ray'"),
        ("stages: {fetch: {inputs: []}}\nrun_dir: r\n", "stages.fetch.inputs: list should have at least 1 item"),
        ("run_dir: r\nstages:\n  fetch:\n    inputs:\n      - {path: {input}, crawl: CC-MAIN-2024-51}\n",
         "stages.fetch.inputs[0]: give exactly one of path, paths_file or crawl"),
        ("stages: {}\n", "run_dir: missing required key"),
        (BASE + "  fetch2: {}\n", "stages.fetch2: unknown key"),
    ],
)
def test_config_errors_name_file_and_key(tmp_path, shard, text, expected):
    path = write(tmp_path, text.replace("{run}", str(tmp_path / "run")).replace("{input}", str(shard)))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: {expected}")
    assert "\n" not in str(info.value)


def test_missing_config_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: file not found"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match=r"x\.yaml: invalid YAML at line 2"):
        load_config(write(tmp_path, "a: 1\n  b: 2\n"))


def test_overrides_and_environment(tmp_path, shard, monkeypatch):
    text = BASE.format(run="${RUNS:-default-run}", input=shard)
    path = write(tmp_path, text)
    assert load_config(path).run_dir == "default-run"
    monkeypatch.setenv("RUNS", "from-env")
    config = load_config(path, ["executor.tasks=7", "stages.fetch.inputs[0].max_files=2",
                                "executor.slurm.partition=gpu"])
    assert (config.run_dir, config.executor.tasks) == ("from-env", 7)
    assert config.stages.fetch.inputs[0].max_files == 2
    assert config.executor.slurm.partition == "gpu"
    with pytest.raises(ConfigError, match=r"--set: stages\.fetch\.inputs\[3\]: no such list item"):
        load_config(path, ["stages.fetch.inputs[3].path=x"])
    with pytest.raises(ConfigError, match="executor.tasks: input should be a valid integer"):
        load_config(path, ["executor.tasks=lots"])


def test_unset_environment_variable_is_named(tmp_path, shard, monkeypatch):
    monkeypatch.delenv("CLEARWEB_DEMO_URL", raising=False)
    with pytest.raises(ConfigError, match="base_url: environment variable CLEARWEB_DEMO_URL is not set"):
        load_config(REPO / "configs" / "demo.yaml")


def test_shipped_configs_validate(monkeypatch):
    monkeypatch.setenv("CLEARWEB_DEMO_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("CLEARWEB_DEMO_ADDRESS", "127.0.0.1:1")
    for name in ("demo.yaml", "commoncrawl.yaml", "fineweb2.yaml"):
        config = load_config(REPO / "configs" / name)
        assert config.stages.fetch is not None


def test_cli_exit_code_2_with_one_line(tmp_path, shard, capsys):
    path = write(tmp_path, BASE.format(run=tmp_path / "run", input=shard) + "    bogus: 1\n")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {path}: stages.fetch.bogus: unknown key\n"


def test_cli_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "demo"):
        assert command in out
