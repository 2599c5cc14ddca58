"""Run configuration: YAML files validated with pydantic.

A config names the run directory, the executor and the stages to run with their settings. Validation
is strict (an unknown key is an error, not silently ignored) because a typo in a threshold name that
falls back to a default is the kind of mistake nobody finds until after the training run. Every
error becomes one line naming the file and the key path, e.g.
``configs/x.yaml: stages.fetch.inputs[0].path: file not found``.

Relative paths in a config are relative to the working directory, as for every other CLI tool.
Strings may use ``${VAR}`` or ``${VAR:-default}`` to read environment variables; ``--set a.b=c``
overrides any key (the value is parsed as YAML, so ``--set executor.tasks=4`` gives an int).
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from clearweb.filters.robots.filter import DEFAULT_AGENTS
from clearweb.pipeline.errors import ConfigError

_GLOB_CHARS = re.compile(r"[*?\[]")
_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_OVERRIDE_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def is_remote(path: str) -> bool:
    """True for URLs and fsspec paths (http://, s3://, hf://, memory://...), False for local paths."""
    return "://" in path and not path.startswith("file://")


def _existing_file(value: str) -> str:
    if value and not os.path.isfile(value):
        raise ValueError("file not found")
    return value


def _workers_not_zero(value: int) -> int:
    if value == 0:
        raise ValueError("must be -1 (all tasks at once) or at least 1")
    return value


#: A local file that must exist when the config is read, not hours into a run.
ExistingFile = Annotated[str, AfterValidator(_existing_file)]
#: Tasks run at once: -1 for all of them, else at least 1.
Workers = Annotated[int, Field(ge=-1), AfterValidator(_workers_not_zero)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class SlurmSettings(StrictModel):
    """Passed to datatrove's SlurmPipelineExecutor; every stage becomes one array job."""

    partition: str = "normal"
    time: str = "04:00:00"
    cpus_per_task: int = Field(1, ge=1)
    mem_per_cpu_gb: int = Field(2, ge=1)
    qos: str | None = Field(None, description="omitted when unset")
    sbatch_args: dict[str, str] = Field(default_factory=dict)
    env_command: str | None = None
    venv_path: str | None = None
    max_array_size: int = Field(1001, ge=1)
    job_name_prefix: str = "clearweb"


class RaySettings(StrictModel):
    """Passed to datatrove's RayPipelineExecutor."""

    cpus_per_task: int = Field(1, ge=1)
    mem_per_cpu_gb: float = Field(2, gt=0)


class ExecutorConfig(StrictModel):
    type: Literal["local", "slurm", "ray"] = "local"
    tasks: int = Field(1, ge=1)
    workers: Workers = Field(-1, description="tasks run at once; -1 means all of them")
    slurm: SlurmSettings = Field(default_factory=SlurmSettings)
    ray: RaySettings = Field(default_factory=RaySettings)


class InputSpec(StrictModel):
    """One source of shards: a file, glob or URL, a paths file, or a Common Crawl crawl id."""

    path: str | None = None
    paths_file: str | None = None
    crawl: str | None = Field(None, pattern=r"^CC-MAIN-[A-Za-z0-9-]+$")
    base_url: str | None = None
    format: Literal["warc", "jsonl", "parquet"] | None = None
    html: bool | None = Field(None, description="text is HTML to extract; default: true for warc only")
    text_key: str = "text"
    id_key: str = "id"
    max_files: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_location(self) -> InputSpec:
        given = [name for name in ("path", "paths_file", "crawl") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of path, paths_file or crawl")
        if self.crawl and not self.base_url:
            self.base_url = "https://data.commoncrawl.org/"
        if self.crawl and self.format not in (None, "warc"):
            raise ValueError("a crawl id lists WARC files; format must be warc")
        return self

    @field_validator("path", "paths_file")
    @classmethod
    def _local_file_exists(cls, value: str | None) -> str | None:
        if value and not is_remote(value) and not _GLOB_CHARS.search(value):
            local = value.removeprefix("file://")
            if not os.path.exists(local):
                raise ValueError("file not found")
        if value and not is_remote(value) and _GLOB_CHARS.search(value):
            if not glob.glob(value.removeprefix("file://"), recursive=True):
                raise ValueError("no file matches this pattern")
        return value


class DownloadSettings(StrictModel):
    """How http(s) shards are fetched into the local cache before reading."""

    cache_dir: str | None = Field(None, description="default: RUN/downloads")
    retries: int = Field(5, ge=0)
    backoff_s: float = Field(1.0, ge=0)
    connect_timeout_s: float = Field(10, gt=0)
    read_timeout_s: float = Field(60, gt=0)
    max_redirects: int = Field(5, ge=0)
    keep: bool = Field(True, description="keep downloaded shards after reading them")


class ExtractSettings(StrictModel):
    """trafilatura main-text extraction, precision-oriented as FineWeb uses it."""

    favour_precision: bool = True
    deduplicate: bool = True
    timeout_s: float = Field(5.0, gt=0)
    max_html_bytes: int = Field(5_000_000, ge=1024)


class StageSettings(StrictModel):
    tasks: int | None = Field(None, ge=1, description="overrides executor.tasks for this stage")
    workers: Workers | None = None


class FetchStage(StageSettings):
    inputs: list[InputSpec] = Field(min_length=1)
    download: DownloadSettings = Field(default_factory=DownloadSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    on_bad_input: Literal["skip", "fail"] = Field(
        "skip", description="a corrupt or missing shard: count it and go on, or fail the task"
    )
    limit: int = Field(-1, ge=-1, description="documents per task, for quick samples; -1 for all")


class RobotsCrawlSettings(StrictModel):
    """The robots.txt crawler (clearweb.filters.robots.crawler)."""

    tasks: int | None = Field(None, ge=1, description="crawl tasks; default: the stage's tasks")
    concurrency: int = Field(64, ge=1, description="fetches in flight per task")
    connect_timeout_s: float = Field(5, gt=0)
    read_timeout_s: float = Field(10, gt=0)
    total_timeout_s: float = Field(30, gt=0, description="cap per origin, retries included")
    retries: int = Field(2, ge=0)
    backoff_s: float = Field(1, ge=0)
    user_agent: str = "clearweb-robots/0.1"
    resolve: dict[str, str] = Field(default_factory=dict, description="host -> ip[:port], like curl --resolve")
    allow_networks: list[str] = Field(default_factory=list, description="non-public networks we may connect to")

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad entry
        return value


class RobotsStage(StageSettings):
    agents: list[str] = Field(default_factory=lambda: list(DEFAULT_AGENTS), min_length=1)
    mode: Literal["url", "domain"] = "url"
    on_unreachable: Literal["keep", "drop"] = Field(
        "keep", description="robots.txt unreachable (5xx, network) or refused: keep as Apertus did, or drop"
    )
    snapshot_dir: str | None = Field(None, description="default: RUN/robots_cache/snapshot; share one across runs")
    crawl: RobotsCrawlSettings = Field(default_factory=RobotsCrawlSettings)


class LanguageStage(StageSettings):
    model: ExistingFile | None = Field(None, description="fastText LID model (GlotLID model_v3.bin); default: lid.176")
    threshold: float = Field(0.65, ge=0, le=1, description="minimum language_score for labels without their own")
    thresholds_file: ExistingFile | None = Field(None, description="YAML or CSV of label: threshold")
    top_k: int = Field(5, ge=1, description="labels kept in top_langs")
    top_min_score: float = Field(0.01, ge=0, le=1)
    unsure_below: float = Field(0.0, ge=0, le=1, description="below this the label is und_<script>")
    max_buffer_mb: int = Field(256, ge=1, description="memory for per-language buffers in each task")


class PiiSettings(StrictModel):
    """PII replacement (clearweb.filters.pii); public IPs only, as the placeholders say."""

    entities: list[Literal["email", "ip", "iban", "card", "phone"]] = Field(
        default_factory=lambda: ["email", "ip", "iban", "card", "phone"], description="entities to replace")


class LicenseSettings(StrictModel):
    """License and TDM opt-outs (clearweb.filters.license)."""

    drop_tdm_reserved: bool = True
    drop_noai: bool = True
    allowed_licenses: list[str] | None = Field(None, description="null keeps every license (and records it)")
    preset: Literal["commercial"] | None = Field(None, description="commercial: also drop NC and ND licenses")
    fetch_tdmrep: bool = Field(True, description="fetch /.well-known/tdmrep.json in the robots crawl")


class ToxicitySettings(StrictModel):
    """Per-language toxicity (clearweb.filters.toxicity)."""

    backend: Literal["wordlist", "apertus"] = "wordlist"
    wordlist_dir: str | None = Field(None, description="term files per language; default: the demo seed lists")
    encoder: str | None = Field(None, description="apertus: local XLM-RoBERTa folder")
    heads_dir: str | None = Field(None, description="apertus: folder of <xxx_Scrp>.pt heads")
    thresholds: dict[str, float] = Field(default_factory=dict, description="per label; apertus: published ones")
    default_threshold: float | None = Field(None, description="labels without their own; wordlist default 10")
    no_classifier_sample_rate: float = Field(1.0, ge=0, le=1)
    batch_size: int = Field(32, ge=1)
    device: str = "auto"

    @model_validator(mode="after")
    def _backend_needs(self) -> ToxicitySettings:
        if self.backend == "apertus":
            for key in ("encoder", "heads_dir"):
                value = getattr(self, key)
                if not value:
                    raise ValueError(f"the apertus backend needs {key}")
                if not os.path.isdir(value):
                    raise ValueError(f"{key} {value}: folder not found")
        if self.wordlist_dir and not os.path.isdir(self.wordlist_dir):
            raise ValueError(f"wordlist_dir {self.wordlist_dir}: folder not found")
        return self


class ComplianceStage(StageSettings):
    """License/TDM, toxicity and PII, in that order (toxicity is scored on the text before PII
    placeholders replace parts of it)."""

    license: LicenseSettings | None = Field(default_factory=LicenseSettings, description="null disables")
    toxicity: ToxicitySettings | None = Field(default_factory=ToxicitySettings, description="null disables")
    pii: PiiSettings | None = Field(default_factory=PiiSettings, description="null disables PII replacement")


class TokenizerStage(StageSettings):
    """Train a byte-level BPE (or adopt an existing tokenizer.json) from the partitioned output."""

    path: ExistingFile | None = Field(None, description="use this tokenizer.json (e.g. Apertus's) instead of training")
    vocab_size: int = Field(131072, ge=512)
    tau: float = Field(3.0, gt=0, description="temperature over languages; 1 keeps proportions")
    byte_budget: int = Field(2_000_000_000, ge=1, description="bytes of text to train on")
    min_frequency: int = Field(2, ge=1)


class TokenizeStage(StageSettings):
    """Tokenize documents into uint32 .ds training shards (BOS + text + EOS per document)."""

    mixture: dict[str, float] = Field(default_factory=dict, description="per-label weights; 2.0 doubles, 0.5 halves")
    shuffle: bool = True
    seed: int = 0
    max_tokens_per_file: int = Field(10_000_000_000, ge=1000)

    @field_validator("mixture")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for label, weight in value.items():
            if weight < 0:
                raise ValueError(f"{label}: weight must be >= 0")
        return value


class StagesConfig(StrictModel):
    fetch: FetchStage | None = None
    robots: RobotsStage | None = None
    language: LanguageStage | None = None
    compliance: ComplianceStage | None = None
    tokenizer: TokenizerStage | None = None
    tokenize: TokenizeStage | None = None


class RunConfig(StrictModel):
    run_dir: str
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)
    stages: StagesConfig

    def enabled_stages(self) -> list[str]:
        """Stage names present in the config, in pipeline order."""
        return [name for name in STAGE_ORDER if getattr(self.stages, name) is not None]


STAGE_ORDER: tuple[str, ...] = tuple(StagesConfig.model_fields)


def format_key_path(loc: tuple[Any, ...]) -> str:
    """('stages', 'fetch', 'inputs', 0, 'path') -> 'stages.fetch.inputs[0].path'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "model-")):
            out += f".{part}" if out else str(part)
    return out


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required key"
    message = error["msg"].removeprefix("Value error, ")
    if kind.endswith(("_type", "_parsing")) or kind in ("literal_error", "string_pattern_mismatch"):
        message += f" (got {error['input']!r})"
    return message[0].lower() + message[1:]


def validation_error(source: str, exc: ValidationError) -> ConfigError:
    errors = exc.errors()
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ConfigError(source, format_key_path(first["loc"]) or None, _describe(first) + more)


def _expand_env(value: Any, source: str, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, source, f"{key}.{k}" if key else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, source, f"{key}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise ConfigError(source, key, f"environment variable {name} is not set")

    return _ENV_VAR.sub(substitute, value)


def apply_override(raw: dict[str, Any], assignment: str) -> None:
    """Apply one ``a.b[0].c=value`` override in place; the value is parsed as YAML."""
    key, sep, text = assignment.partition("=")
    if not sep or not key:
        raise ConfigError("--set", assignment, "expected KEY=VALUE")
    parts = [name if name else int(index) for name, index in _OVERRIDE_PART.findall(key)]
    if not parts:
        raise ConfigError("--set", key, "empty key")
    try:
        value = yaml.safe_load(text) if text else ""
    except yaml.YAMLError:
        value = text
    node: Any = raw
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = format_key_path(tuple(parts[: i + 1]))
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise ConfigError("--set", where, "no such list item")
            if last:
                node[part] = value
            else:
                node = node[part]
        else:
            if not isinstance(node, dict):
                raise ConfigError("--set", where, "parent is not a mapping")
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if child is None:
                    child = node[part] = {}
                node = child


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping; any problem becomes a ConfigError naming the file."""
    source = str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigError(source, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(source, None, f"not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(source, None, f"invalid YAML{where}: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, None, "top level must be a mapping")
    return raw


def load_config(path: str | Path, overrides: list[str] | None = None) -> RunConfig:
    """Read, override, expand and validate a run config."""
    source = str(path)
    raw = read_yaml(path)
    for assignment in overrides or []:
        apply_override(raw, assignment)
    raw = _expand_env(raw, source, "")
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(source, exc) from None
