"""A real Ray cluster: the demo's fetch, robots, language and compliance stages run with
``--executor ray`` on a local Ray head give the documents a local run gives, and end complete.

The fixture starts a head on 127.0.0.1 (``ray start --head --block``, in its own session, with a
temp dir under /tmp: Ray's unix sockets need a short path) and, at teardown, ends every process of
that session by pid and checks none is left. Skipped without the ``ray`` package
(``pip install 'clearweb[ray]'``); CI installs it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.demo.crawl import write_crawl
from clearweb.pipeline.demo.run import DEMO_ADDRESS_VARIABLE, DEMO_URL_VARIABLE, demo_config_path
from clearweb.pipeline.demo.server import LoopbackServer

pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                                   reason="ray is not installed (pip install 'clearweb[ray]')")]

STAGES = ("fetch", "robots", "language", "compliance")
#: On Linux, Ray replaces a node address of 127.0.0.1 by the machine's routable one and listens on
#: every interface; this (meant for laptops) keeps the head, its workers and the drivers on loopback.
#: Token authentication off: a local Ray instance started earlier on the machine (``clearweb demo
#: --executor ray``) leaves a token in ~/.ray that the head and the drivers would not agree on.
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _session_pids(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``: the head, its daemons and every worker, which
    Ray puts in process groups of their own but leaves in the session."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            pids.append(int(entry))
    return pids


@pytest.fixture(scope="module")
def ray_head():
    """The address (127.0.0.1:port) of a Ray head started for this module, and its temp dir."""
    temp = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    address = f"127.0.0.1:{_free_port()}"
    log = open(temp / "start.log", "wb")
    head = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", "--block", "--node-ip-address=127.0.0.1",
         f"--port={address.rsplit(':', 1)[1]}", "--num-cpus=2", "--include-dashboard=false",
         "--object-store-memory=100000000", "--disable-usage-stats", f"--temp-dir={temp}"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **LOOPBACK, "TMPDIR": str(temp)})  # TMPDIR: the tasks' logs before datatrove copies them
    try:
        deadline = time.monotonic() + 90
        while not (temp / "ray_current_cluster").is_file():  # written once the head's node is up
            if head.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"ray start did not come up:\n{(temp / 'start.log').read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        assert (temp / "ray_current_cluster").read_text().strip() == address
        yield address, temp
    finally:
        # The head first (on SIGTERM, ray start --block stops the processes it started), then every
        # process still in its session, by pid; none may be left.
        head.terminate()
        try:
            head.wait(timeout=20)
        except subprocess.TimeoutExpired:
            head.kill()
            head.wait(timeout=10)
        deadline = time.monotonic() + 10
        while (left := _session_pids(head.pid)) and time.monotonic() < deadline:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)
        assert not left, f"Ray processes left after teardown: {left}"


def documents(run: Path) -> dict[str, list[tuple[str, str]]]:
    """(id, text) of every row, per Parquet file of each stage's output/ and removed/ folders."""
    import pyarrow.parquet as pq

    found = {}
    for stage in STAGES:
        for folder in ("output", "removed"):
            for path in sorted((run / stage / folder).rglob("*.parquet")):
                table = pq.read_table(path, columns=["id", "text"])
                found[str(path.relative_to(run))] = list(zip(table["id"].to_pylist(), table["text"].to_pylist(), strict=True))
    return found


def test_ray_run_matches_local_run(ray_head, tmp_path, monkeypatch, capsys):
    address, ray_temp = ray_head
    crawl = write_crawl(tmp_path / "site")
    # The demo without dedup, quality and the tokenizer stages: compliance reads language's output.
    sets = ["executor.tasks=2", "executor.workers=2", "stages.dedup=null", "stages.quality=null",
            "stages.tokenizer=null", "stages.tokenize=null"]
    config = str(demo_config_path())
    with LoopbackServer(crawl.root, crawl.routes(), max_lifetime_s=600) as server:
        monkeypatch.setenv(DEMO_URL_VARIABLE, server.url)
        monkeypatch.setenv(DEMO_ADDRESS_VARIABLE, f"127.0.0.1:{server.port}")
        monkeypatch.delenv("RAY_ADDRESS", raising=False)  # the config's address is what attaches
        local = tmp_path / "local"
        assert main(["run", config, *[arg for key in sets for arg in ("--set", key)],
                     "--set", f"run_dir={local}"]) == 0
        capsys.readouterr()
        ray = tmp_path / "ray"
        command = [sys.executable, "-m", "clearweb.pipeline.cli", "run", config, "--executor", "ray",
                   *[arg for key in sets for arg in ("--set", key)], "--set", f"run_dir={ray}",
                   "--set", f"executor.ray.address={address}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=400, env={**os.environ, **LOOPBACK})
        again = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, **LOOPBACK})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    # It ran on this cluster: its driver logged into the head's session.
    assert list((ray_temp / "session_latest" / "logs").glob("python-core-driver-*"))

    ray_documents, local_documents = documents(ray), documents(local)
    assert len(local_documents) > 20 and sum(map(len, local_documents.values())) > 500
    assert ray_documents.keys() == local_documents.keys()
    for name, rows in local_documents.items():
        assert ray_documents[name] == rows, name

    # It ended as a local run ends: every phase done, every stage's lineage complete, quietly.
    assert "submitted" not in done.stdout and "compliance: done, 2 tasks" in done.stdout, \
        f"a Ray run returns when its phases have ended, as a local one does:\n{done.stdout}"
    assert done.stdout.rstrip().endswith(f"next: clearweb report {ray}")
    for stage in STAGES:
        lineage = json.loads((ray / stage / "lineage.json").read_text())
        assert lineage["status"] == "complete" and lineage["fingerprint"], f"{stage}: lineage left unfinished"
    assert "Logging directory points to a local filesystem" not in done.stderr
    assert len(done.stderr.splitlines()) <= 10, done.stderr
    # Run again: every stage is current and complete, so nothing runs.
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-3000:]
    assert "compliance: already complete" in again.stdout and ": done," not in again.stdout, again.stdout


FAILING_CHAIN = """
import sys
from clearweb.pipeline.core.errors import RunFailed
from clearweb.pipeline.ray_executor import ClearwebRayExecutor

def fail_second_task(data, rank, world_size):
    if rank == 1:
        raise ValueError("task 1 fails")
    return data or []

address, folder = sys.argv[1:]
first = ClearwebRayExecutor([fail_second_task], tasks=2, logging_dir=f"{folder}/first", name="first",
                            address=address)
second = ClearwebRayExecutor([fail_second_task], tasks=2, logging_dir=f"{folder}/second", name="second",
                             address=address, depends=first)
try:
    second.run()
except RunFailed as exc:
    print(exc)
    sys.exit(3)
"""


def test_failed_phase_fails_the_run_instead_of_waiting(ray_head, tmp_path):
    """datatrove's Ray executor returns from a phase with a failed task, and the phase chained after
    it then waits for it forever (a loop of two-minute sleeps): ours raises, naming the task's log."""
    address, _ = ray_head
    done = subprocess.run([sys.executable, "-c", FAILING_CHAIN, address, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **LOOPBACK})
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-3000:]
    log = tmp_path / "first" / "logs" / "task_00001.log"
    assert done.stdout.strip() == f"stage first: 1 of 2 tasks did not complete on Ray; see {log}"
    assert "task 1 fails" in log.read_text()
    assert (tmp_path / "first" / "completions" / "00000").is_file()
    assert not (tmp_path / "second" / "executor.json").exists()  # never started
