"""What the terminal shows while local phases run.

datatrove writes every task's log twice: to the task's file under the phase's ``logs/`` and, for
the first worker slot, to stderr (the pipeline, a stats block per task, a stats block per phase).
The demo printed over 1,100 lines that way, burying the lines a user acts on. Quiet (the default
of the ``clearweb`` command), task logs go to their files only and the terminal shows warnings and
errors; ``clearweb -v`` restores datatrove's output. The choice travels to worker processes in
``CLEARWEB_VERBOSE``. Used as a library, clearweb leaves loguru as it finds it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from datatrove.executor import LocalPipelineExecutor
from loguru import logger

from clearweb.pipeline.core.environ import environment

#: set by the command line: "1" with -v (datatrove's full output), "0" without (quiet); unset: untouched
VERBOSE_ENV = "CLEARWEB_VERBOSE"


def quiet() -> bool:
    return os.environ.get(VERBOSE_ENV) == "0"


@contextmanager
def console(verbose: bool) -> Iterator[None]:
    """The terminal for one command: quiet unless ``verbose``. Set before any worker process
    starts (they read the environment); afterwards the environment and a print-everything loguru
    sink are back, as datatrove sets it up, for code that calls the command line in-process."""
    # datatrove's dedup shows a tqdm bar per phase
    values = {VERBOSE_ENV: "1"} if verbose else {VERBOSE_ENV: "0", "TQDM_DISABLE": "1"}
    with environment(values):
        if verbose:
            yield
            return
        warnings_only()
        try:
            yield
        finally:
            logger.remove()
            logger.add(_to_stderr)


def _to_stderr(message: str) -> None:
    """A loguru sink writing to whatever ``sys.stderr`` is now (a stream bound once may be closed
    later: pytest's captures are, for one)."""
    sys.stderr.write(message)


def warnings_only() -> None:
    """loguru's terminal sink at WARNING (datatrove's default sink prints every level)."""
    logger.remove()
    logger.add(_to_stderr, level="WARNING", format="{level}: {message}")


class ConsoleLocalExecutor(LocalPipelineExecutor):
    """datatrove's local executor, whose tasks log to the terminal only at ERROR when quiet.

    datatrove prints a task's log on the terminal when its ``local_rank`` (the worker slot, used for
    nothing but logging) is 0; any other slot logs errors only there, everything in its file."""

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        if not quiet():
            return super()._run_for_rank(rank, local_rank, node_rank)
        try:
            return super()._run_for_rank(rank, local_rank=1, node_rank=node_rank)
        finally:
            warnings_only()  # closing the task's log re-adds datatrove's print-everything sink


def help_text(docstring: str) -> str:
    """A command's description for ``--help`` from its module docstring's first line, without the
    usage prefix and reStructuredText markup (``clearweb x``: does y -> Does y)."""
    line = docstring.strip().splitlines()[0]
    line = line.split("``: ", 1)[1] if line.startswith("``") and "``: " in line else line
    line = line.replace("``", "")
    return line[:1].upper() + line[1:]
