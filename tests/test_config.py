import time
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


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("stages.compliance.toxicity.default_threshold=.nan", "stages.compliance.toxicity.default_threshold"),
        ("stages.compliance.toxicity.thresholds.toxic=-.inf", "stages.compliance.toxicity.thresholds.toxic"),
        ("stages.tokenize.mixture.deu_Latn=.inf", "stages.tokenize.mixture.deu_Latn"),
        ("stages.tokenize.mixture.deu_Latn=.nan", "stages.tokenize.mixture.deu_Latn"),
        ("executor.ray.mem_per_cpu_gb=.inf", "executor.ray.mem_per_cpu_gb"),
    ],
)
def test_nan_and_infinity_are_refused(tmp_path, shard, override, key):
    # A NaN threshold compares false with every score (the filter removes nothing); a NaN weight
    # fails every tokenize task hours later. Both must stop the run at the config.
    path = write(tmp_path, BASE.format(run=tmp_path / "run", input=shard))
    with pytest.raises(ConfigError) as info:
        load_config(path, [override])
    assert str(info.value).startswith(f"{path}: {key}: input should be a finite number")


BILLION_LAUGHS = """run_dir: r
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_is_refused_at_once(tmp_path):
    path = write(tmp_path, BILLION_LAUGHS)
    start = time.monotonic()
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert time.monotonic() - start < 0.5
    assert str(info.value).startswith(f"{path}: invalid YAML at line 6: aliases expand to more than 10,000 nodes")
    assert "\n" not in str(info.value)
    recursive = write(tmp_path, "run_dir: r\nloop: &loop [*loop]\n")
    with pytest.raises(ConfigError, match=r"x\.yaml: invalid YAML at line 2: recursive alias"):
        load_config(recursive)


def test_a_few_aliases_still_load(tmp_path, shard):
    text = BASE.format(run=tmp_path / "run", input=shard) + "    download: &retry {retries: 2, backoff_s: 0.5}\n" \
        "  robots:\n    crawl: *retry\n"
    config = load_config(write(tmp_path, text))
    assert config.stages.robots.crawl.retries == config.stages.fetch.download.retries == 2


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ('executor.slurm.partition="debug\\nhostname"', "executor.slurm.partition"),
        ('executor.slurm.qos="low\\rx"', "executor.slurm.qos"),
        ('executor.slurm.job_name_prefix="cw\\n#SBATCH --x"', "executor.slurm.job_name_prefix"),
        ('executor.slurm.time="1:00\\0"', "executor.slurm.time"),
        ('executor.slurm.sbatch_args.account="a\\nrm -rf ~"', "executor.slurm.sbatch_args.account"),
    ],
)
def test_slurm_values_with_control_characters_are_refused(tmp_path, shard, override, key):
    # Each value becomes one "#SBATCH --key=value" line: a newline would start a shell line.
    path = write(tmp_path, BASE.format(run=tmp_path / "run", input=shard))
    with pytest.raises(ConfigError) as info:
        load_config(path, [override])
    assert str(info.value).startswith(f"{path}: {key}: must not contain a newline or other control character")
    assert "\n" not in str(info.value)


def test_slurm_option_names_and_job_name_commas_are_refused(tmp_path, shard):
    path = write(tmp_path, BASE.format(run=tmp_path / "run", input=shard))
    with pytest.raises(ConfigError, match=r"executor\.slurm\.sbatch_args: 'account x' is not an sbatch option name"):
        load_config(path, ["executor.slurm.sbatch_args.account x=a"])
    with pytest.raises(ConfigError, match=r"executor\.slurm\.job_name_prefix: must not contain a comma"):
        load_config(path, ["executor.slurm.job_name_prefix=a,b"])
