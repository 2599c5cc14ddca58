"""Errors the CLI turns into exit codes.

Users run stages over thousands of shards; when something is wrong they need one line that names the
file and the key or record, not a traceback. Each error class maps to one exit code.
"""

from __future__ import annotations


class ClearwebError(Exception):
    """Base class: the message is a complete one-line explanation for the user."""

    exit_code = 1


class ConfigError(ClearwebError):
    """A config file, key or value is wrong (exit code 2)."""

    exit_code = 2

    def __init__(self, source: str, key: str | None, message: str):
        self.source = source
        self.key = key
        self.message = message
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {message}")


class InputError(ClearwebError):
    """An input file or URL cannot be read (exit code 2 when raised before a run starts)."""

    exit_code = 2


class InputMissing(InputError):
    """The input does not exist (HTTP 404/410, missing local file): retrying will not help."""


class StaleStage(ClearwebError):
    """A stage's output no longer matches its settings, inputs or upstream stages (exit code 2)."""

    exit_code = 2


class RunFailed(ClearwebError):
    """A stage had failed tasks; the message names the log of the first one (exit code 1)."""

    exit_code = 1


def one_line(exc: BaseException | None) -> str:
    """An exception as one bounded line for logs and error messages (server bodies can be huge)."""
    text = f"{type(exc).__name__}: {exc}" if exc else "unknown error"
    return " ".join(text.split())[:300]
