"""Ray: datatrove's RayPipelineExecutor, attached to a cluster by address, failing instead of hanging.

``ClearwebRayExecutor`` is datatrove's executor except that
- it attaches to the cluster before any work: ``executor.ray.address`` (else ``RAY_ADDRESS``, else a
  Ray instance of this run's own), the way ``ray.init(address=...)`` takes it, after checking that a
  head answers there. datatrove expects Ray to be initialised already and otherwise gets whatever
  ``ray.put`` starts implicitly;
- a phase whose tasks did not all complete raises ``RunFailed`` naming the first failed task's log.
  datatrove logs a warning and returns, and the phase chained after it then waits for its
  dependency in a loop of two-minute sleeps that never ends;
- the pickled executor (``ray.put``, sent to every task) leaves out the chain of phases it depends
  on: a task needs its own pipeline only;
- quiet (the ``clearweb`` default, see ``core/console.py``), Ray's own connection lines and
  datatrove's per-phase warning that the logging folder is local are left out; the README says the
  run directory must be on a filesystem every node mounts at the same path. ``CLEARWEB_VERBOSE`` and
  ``TQDM_DISABLE`` travel to the tasks with the job's runtime environment, as they do to local
  worker processes.

Tasks run in Ray actors started on the cluster's nodes, with the cluster's Python: clearweb must be
installed there, at the version that submits.
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path

from datatrove.executor import RayPipelineExecutor
from loguru import logger

from clearweb.pipeline.core.console import VERBOSE_ENV, quiet
from clearweb.pipeline.core.errors import ConfigError, RunFailed
from clearweb.pipeline.run_stats import logged_error

#: Driver environment variables the tasks see too (they decide what a task prints, not what it writes).
FORWARDED_ENV = (VERBOSE_ENV, "TQDM_DISABLE")


def check_address(address: str | None) -> None:
    """Fail at once, in one line, when no Ray head answers at ``address`` (None: ``RAY_ADDRESS``).

    ``ray.init`` retries an address where nothing listens for minutes, printing a warning every
    few seconds. ``auto`` and ``ray://`` addresses are left to Ray."""
    key = "executor.ray.address" if address else "RAY_ADDRESS"
    address = address or os.environ.get("RAY_ADDRESS")
    if not address or address in ("auto", "local") or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(key, None, f"{address!r} is not host:port of a Ray head (nor auto)")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise ConfigError(key, None, f"no Ray head answers at {address}: {exc.strerror or exc}") from None


def connect(address: str | None) -> None:
    """Attach this process to the Ray cluster at ``address`` (None: ``RAY_ADDRESS``, else a new
    local instance), unless it is attached already."""
    check_address(address)
    import ray

    if ray.is_initialized():
        return
    env_vars = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
    ray.init(address=address, runtime_env={"env_vars": env_vars} if env_vars else None,
             logging_level=logging.WARNING if quiet() else logging.INFO)


class ClearwebRayExecutor(RayPipelineExecutor):
    def __init__(self, *args, name: str, address: str | None = None, **kwargs):
        if quiet():
            logger.disable("datatrove.executor.ray")  # "Logging directory points to a local filesystem"
        try:
            super().__init__(*args, **kwargs)
        finally:
            logger.enable("datatrove.executor.ray")
        self.name = name
        self.address = address

    def __getstate__(self) -> dict:
        return {**self.__dict__, "depends": None}

    def run(self) -> None:
        """Run the phases this one depends on, then this one; raise ``RunFailed`` when a phase's
        tasks did not all complete."""
        connect(self.address)
        if self.depends is not None and not self.depends._launched:
            self.depends.run()  # raises when the dependency failed: never wait for it
        super().run()
        if self.get_incomplete_ranks(skip_completed=True):
            raise self.failure()

    def failure(self) -> RunFailed:
        """One line: how many tasks did not complete, and the log of the first that recorded an error."""
        missing = self.get_incomplete_ranks(skip_completed=True)
        logs = Path(self.logging_dir.path) / "logs"
        failed = [rank for rank in missing if logged_error(logs / f"task_{rank:05d}.log")]
        summary = f"stage {self.name}: {len(missing)} of {self.world_size} task{'s' * (self.world_size != 1)} " \
                  "did not complete on Ray"
        if failed:
            return RunFailed(f"{summary}; see {logs / f'task_{failed[0]:05d}.log'}")
        return RunFailed(f"{summary} and logged no error (killed by Ray: out of memory, a lost node?); "
                         "see the cluster's Ray logs")
