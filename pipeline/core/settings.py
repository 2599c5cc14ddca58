"""Types every stage's settings model is built from.

Settings live next to the step they configure (``filters/langid/stage.py`` holds the language
stage's); the run config is assembled from them by the registry. Validation is strict (an unknown
key is an error) because a typo in a threshold name that falls back to a default is the kind of
mistake nobody finds until after the training run.

File checks (``ExistingFile``, input paths) run when a config is about to run. The audit commands
(``status``, ``report``, ``why``) validate recorded settings with ``AUDIT`` as the validation
context: a run must stay explainable after its raw inputs are purged or the run is moved.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo

#: Validation context of the audit commands: describe what ran, check no file.
AUDIT = {"audit": True}


def checks_files(info: ValidationInfo) -> bool:
    """False while validating recorded settings for the audit (files may be long gone)."""
    return not (info.context or {}).get("audit")


def is_remote(path: str) -> bool:
    """True for URLs and fsspec paths (http://, s3://, hf://, memory://...), False for local paths."""
    return "://" in path and not path.startswith("file://")


def _existing_file(value: str, info: ValidationInfo) -> str:
    if value and checks_files(info) and not os.path.isfile(value):
        raise ValueError("file not found")
    return value


def _existing_folder(value: str, info: ValidationInfo) -> str:
    if value and checks_files(info) and not os.path.isdir(value):
        raise ValueError("folder not found")
    return value


def _workers_not_zero(value: int) -> int:
    if value == 0:
        raise ValueError("must be -1 (all tasks at once) or at least 1")
    return value


#: A local file that must exist when the config is read, not hours into a run.
ExistingFile = Annotated[str, AfterValidator(_existing_file)]
#: A local folder that must exist when the config is read.
ExistingFolder = Annotated[str, AfterValidator(_existing_folder)]
#: Tasks run at once: -1 for all of them, else at least 1.
Workers = Annotated[int, Field(ge=-1), AfterValidator(_workers_not_zero)]


class StrictModel(BaseModel):
    """Base of every settings model: an unknown key is an error, and so is a NaN or infinite number.

    YAML reads ``.nan`` and ``.inf`` as floats. A NaN threshold compares false with every score (a
    filter that removes nothing, silently) and a NaN mixture weight fails every task hours into the
    run; no setting needs either. ``allow_inf_nan`` reaches every float of the model, those inside
    dicts and lists (thresholds, mixture weights) included.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    #: Keys that change how the work is done but not what it produces (task counts, timeouts,
    #: buffer sizes); they are left out of the lineage fingerprint.
    execution_keys: ClassVar[frozenset[str]] = frozenset()
    #: Keys naming a file or folder whose *content* decides the output (a thresholds file, a
    #: model): the lineage fingerprint hashes that content, not just the path.
    content_keys: ClassVar[tuple[str, ...]] = ()

    def content(self) -> dict[str, Any]:
        """The settings that decide the output, as JSON-ready data (execution keys left out)."""
        data = {}
        for name in type(self).model_fields:
            if name in self.execution_keys:
                continue
            value = getattr(self, name)
            data[name] = value.content() if isinstance(value, StrictModel) else _plain(value)
        return data

    def content_paths(self, prefix: str = "") -> dict[str, str]:
        """``{key path: file or folder}`` of every set ``content_keys`` field, nested models included."""
        paths: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, StrictModel):
                paths |= value.content_paths(f"{prefix}{name}.")
            elif name in self.content_keys and value:
                paths[f"{prefix}{name}"] = str(value)
        return paths


def _plain(value: Any) -> Any:
    if isinstance(value, StrictModel):
        return value.content()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


class StageSettings(StrictModel):
    """Fields every stage has: how many tasks, and how many run at once."""

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers"})

    tasks: int | None = Field(None, ge=1, description="overrides executor.tasks for this stage")
    workers: Workers | None = None
