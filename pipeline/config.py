"""Run configuration: YAML files validated with pydantic.

A config names the run directory, the executor and the stages to run with their settings; each
stage's settings model lives next to its steps and the registry assembles them here. Validation
is strict (an unknown key is an error, not silently ignored). Every error becomes one line naming
the file and the key path, e.g. ``configs/x.yaml: stages.fetch.inputs[0].path: file not found``.

Relative paths in a config are relative to the working directory, as for every other CLI tool.
Strings may use ``${VAR}`` or ``${VAR:-default}`` to read environment variables; ``--set a.b=c``
overrides any key (the value is parsed as YAML, so ``--set executor.tasks=4`` gives an int).
Anchors and aliases may share settings, but a document whose aliases expand to more than
``core.bounded_yaml.MAX_ALIAS_NODES`` nodes is refused as it is read (a "billion laughs" file of a few hundred bytes
otherwise takes minutes and gigabytes to expand).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import AfterValidator, Field, ValidationError, create_model, field_validator

from clearweb.pipeline.core.bounded_yaml import BoundedLoader
from clearweb.pipeline.core.errors import ConfigError
from clearweb.pipeline.core.settings import StrictModel, Workers
from clearweb.pipeline.registry import STAGES

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_OVERRIDE_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
#: Characters no #SBATCH line can hold: a line break would end it, and Slurm accepts no control character.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: What an sbatch long option name looks like (``account``, ``kill-on-invalid-dep``).
SBATCH_OPTION = re.compile(r"[A-Za-z][A-Za-z0-9-]*")



def _one_line(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain a newline or other control character (it becomes one #SBATCH line)")
    return value


def _no_comma(value: str) -> str:
    if "," in value:
        raise ValueError("must not contain a comma (job names are passed to squeue -n as a comma-separated list)")
    return value


#: A value written into an ``#SBATCH --key=value`` line: quoting cannot carry a line break there.
SbatchValue = Annotated[str, AfterValidator(_one_line)]


class SlurmSettings(StrictModel):
    """Passed to datatrove's SlurmPipelineExecutor; every stage becomes one array job.

    Values written into the job script's ``#SBATCH`` lines are checked here, when the config is read:
    the script quotes them, but a line break cannot be quoted in a directive (it would start a shell
    line of the job), and Slurm accepts no control character in them anyway.
    """

    partition: SbatchValue = "normal"
    time: SbatchValue = "04:00:00"
    cpus_per_task: int = Field(1, ge=1)
    mem_per_cpu_gb: int = Field(2, ge=1)
    qos: SbatchValue | None = Field(None, description="omitted when unset")
    sbatch_args: dict[str, SbatchValue] = Field(default_factory=dict)
    env_command: str | None = None
    venv_path: str | None = None
    max_array_size: int = Field(1001, ge=1)
    job_name_prefix: Annotated[SbatchValue, AfterValidator(_no_comma)] = "clearweb"

    @field_validator("sbatch_args")
    @classmethod
    def _option_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not SBATCH_OPTION.fullmatch(key):
                raise ValueError(f"{key!r} is not an sbatch option name (e.g. account, exclusive)")
        return value


class RaySettings(StrictModel):
    """Passed to datatrove's RayPipelineExecutor (pipeline/ray_executor.py). How and where tasks run,
    never what they produce: all execution keys."""

    execution_keys: ClassVar[frozenset[str]] = frozenset({"address", "cpus_per_task", "mem_per_cpu_gb"})

    address: str | None = Field(None, min_length=1, description=(
        "the cluster to attach to, as ray.init(address=...) takes it: the head's host:port, or auto "
        "for the cluster started on this machine; unset: RAY_ADDRESS, else a Ray instance of this run's own"))
    cpus_per_task: int = Field(1, ge=1)
    mem_per_cpu_gb: float = Field(2, gt=0)


class ExecutorConfig(StrictModel):
    type: Literal["local", "slurm", "ray"] = "local"
    tasks: int = Field(1, ge=1)
    workers: Workers = Field(-1, description="tasks run at once; -1 means all of them")
    slurm: SlurmSettings = Field(default_factory=SlurmSettings)
    ray: RaySettings = Field(default_factory=RaySettings)


class RunConfig(StrictModel):
    """The run directory, the executor, and one optional section per registered stage."""

    run_dir: str
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)
    stages: Any

    def enabled_stages(self) -> list[str]:
        """Stage names present in the config, in pipeline order."""
        return [stage.name for stage in STAGES if getattr(self.stages, stage.name, None) is not None]

    def settings(self, name: str) -> Any:
        return getattr(self.stages, name)


def run_config_model() -> type[RunConfig]:
    """RunConfig with a ``stages`` model assembled from the registry as it is now (a filter or stage
    registered at run time, by a plugin or a test, is part of the schema)."""
    stages = create_model("StagesConfig", __base__=StrictModel,
                          **{stage.name: (stage.settings | None, None) for stage in STAGES})
    return create_model("RunConfig", __base__=RunConfig, stages=(stages, ...))


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
        value = yaml.load(text, Loader=BoundedLoader) if text else ""
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
            raw = yaml.load(handle, Loader=BoundedLoader)
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


def validate_config(raw: dict[str, Any], source: str, context: dict | None = None) -> RunConfig:
    """Validate a raw config; ``context=AUDIT`` describes a past run without checking any file.
    Stages the config defines itself are registered first (``pipeline/custom_stage.py``)."""
    from clearweb.pipeline.custom_stage import register_custom_stages

    register_custom_stages(raw.get("stages"), source)
    try:
        return run_config_model().model_validate(raw, context=context)
    except ValidationError as exc:
        raise validation_error(source, exc) from None


def load_config(path: str | Path, overrides: list[str] | None = None, context: dict | None = None) -> RunConfig:
    """Read, override, expand and validate a run config."""
    source = str(path)
    raw = read_yaml(path)
    for assignment in overrides or []:
        apply_override(raw, assignment)
    return validate_config(_expand_env(raw, source, ""), source, context)
