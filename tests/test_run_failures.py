"""How a run fails: run directories we cannot write, tasks that failed or never started, and the
extraction sandbox's child processes when a task fails or its process is killed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from datatrove.data import Document

from clearweb.pipeline.cli import main
from clearweb.pipeline.config import run_config_model
from clearweb.pipeline.core.errors import RunFailed
from clearweb.pipeline.core.stage import Phase
from clearweb.pipeline.demo.server import LoopbackServer
from clearweb.pipeline.extract import HtmlExtractor
from clearweb.pipeline.fetch import HTML_FLAG
from clearweb.pipeline.runner import PhaseRunner
from tests.conftest import REPO
from tests.helpers import html_page, write_warc

CONFIG = """run_dir: {run}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch:
    inputs:
      - paths_file: {paths}
        base_url: {base}
    download: {{retries: 0}}
"""


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    write_warc(root / "a.warc.gz", [{"url": "https://a.example.com/1", "body": html_page("a")}])
    (tmp_path / "paths.txt").write_text("a.warc.gz\n")
    with LoopbackServer(root, max_requests=50, max_lifetime_s=60) as server:
        yield server


def write_config(tmp_path: Path, site: LoopbackServer, run: Path) -> Path:
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG.format(run=run, paths=tmp_path / "paths.txt", base=site.url))
    return config


def only_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# A path inside a regular file cannot be created, by root either (chmod would not stop root).

def test_run_dir_inside_a_file_is_one_line_and_exit_2(tmp_path, site, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the run directory should be")
    config = write_config(tmp_path, site, blocker / "run")
    assert main(["run", str(config)]) == 2
    line = only_line(capsys.readouterr().err)
    assert line.startswith("error: ") and f"{blocker / 'run'}" in line and "cannot write" in line


def test_stage_folder_that_is_a_file_is_one_line_and_exit_2(tmp_path, site, capsys):
    run = tmp_path / "run"
    (run / "fetch").parent.mkdir()
    (run / "fetch").write_text("a file where the stage folder should be")
    assert main(["run", str(write_config(tmp_path, site, run))]) == 2
    line = only_line(capsys.readouterr().err)
    assert f"{run / 'fetch'}" in line and "cannot write" in line


def test_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, site, capsys):
    run = tmp_path / "run"
    assert main(["run", str(write_config(tmp_path, site, run))]) == 0
    capsys.readouterr()
    (run / "report.json").mkdir()  # a directory where the report goes
    assert main(["report", str(run)]) == 2
    line = only_line(capsys.readouterr().err)
    assert f"{run / 'report.json'}" in line and "cannot write" in line


def local_config(tmp_path: Path):
    return run_config_model().model_validate({"run_dir": str(tmp_path / "run"), "stages": {}})


def fail_on_rank_0(data, rank: int = 0, world_size: int = 1):
    if rank == 0:
        raise RuntimeError("task 0 broke")
    yield from data or []


def test_failed_and_not_started_tasks_are_told_apart(tmp_path):
    logs = tmp_path / "run" / "phase"
    (logs / "logs").mkdir(parents=True)
    # A log left by an earlier failed run is not evidence that the task ran this time.
    (logs / "logs" / "task_00002.log").write_text("2024-01-01 00:00:00.000 | ERROR    | old failure\n")
    phase = Phase("fetch", logs, tasks=4, workers=1, build=lambda: [fail_on_rank_0])
    with pytest.raises(RunFailed) as info:
        PhaseRunner(local_config(tmp_path)).run(phase)
    assert str(info.value) == f"stage fetch: 1 task failed, 3 not started; see {logs / 'logs' / 'task_00000.log'}"


def live_children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` and that have not exited (zombies count as gone)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def html_document(n: int) -> Document:
    return Document(text=html_page(f"page {n}"), id=str(n), metadata={HTML_FLAG: True, "url": f"https://x/{n}"})


def fail_downstream(data, rank: int = 0, world_size: int = 1):
    for _ in data:
        raise RuntimeError("the writer broke")
    yield from ()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_failed_task_leaves_no_extraction_process(tmp_path):
    before = live_children(os.getpid())
    phase = Phase("fetch", tmp_path / "run" / "phase", tasks=1, workers=1,
                  build=lambda: [[html_document(1), html_document(2)], HtmlExtractor(), fail_downstream])
    with pytest.raises(RunFailed):
        PhaseRunner(local_config(tmp_path)).run(phase)
    assert live_children(os.getpid()) - before == set()


KILLED_PARENT = """
import sys, time
sys.path.insert(0, {repo!r})
from datatrove.data import Document
from clearweb.pipeline.extract import HtmlExtractor
from clearweb.pipeline.fetch import HTML_FLAG
from tests.helpers import html_page

docs = [Document(text=html_page("page"), id=str(n), metadata={{HTML_FLAG: True, "url": "u"}}) for n in range(2)]
extracted = HtmlExtractor(timeout_s=10).run(iter(docs))
next(extracted)  # the sandbox's child process is up and has extracted one page
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_extraction_process_dies_with_a_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT.format(repo=str(REPO))],
                              stdout=subprocess.PIPE, text=True)
    children: set[int] = set()
    try:
        assert parent.stdout.readline().strip() == "ready"
        children = live_children(parent.pid)
        assert children, "the extractor should run a child process"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in children), "orphaned extraction process"
    finally:
        for pid in children:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
        parent.stdout.close()
