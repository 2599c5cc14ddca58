"""The wheel ships every subpackage and data file of the source folders, and nothing from tests.

The wheel is built offline from a copy of the repository in tmp_path (the build writes build/ and
*.egg-info next to its sources, which must not land in the working tree). The expected contents are
found by walking the copied tree, so the test follows new folders without edits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("pipeline", "filters", "tokenizer", "model", "configs")
DATA_SUFFIXES = (".json", ".csv", ".txt", ".yaml", ".tsv", ".gz", ".ftz", ".bin")
SKIP_DIRS = {"__pycache__", "tests", "benchmarks", ".venv"}


def copy_sources(dest: Path) -> None:
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, dest / name)


def plant_extras(src: Path) -> None:
    """A new nested subpackage with data (must ship) and test/benchmark folders (must not)."""
    probe = src / "filters" / "_wheel_probe"
    (probe / "inner" / "assets").mkdir(parents=True)
    (probe / "__init__.py").write_text("")
    (probe / "inner" / "__init__.py").write_text("")
    (probe / "inner" / "assets" / "table.tsv").write_text("a\tb\n")
    (probe / "labels.json").write_text("{}")
    for skipped in ("tests", "benchmarks", "__pycache__"):
        (probe / skipped).mkdir()
        (probe / skipped / "__init__.py").write_text("")
        (probe / skipped / "test_probe.py").write_text("")
        (probe / skipped / "data.json").write_text("{}")


def walk(src: Path) -> tuple[set[str], set[str]]:
    """Expected wheel entries: modules of every package folder, and every data file."""
    modules: set[str] = set()
    data: set[str] = set()
    for top in SOURCE_DIRS:
        for folder, dirs, files in os.walk(src / top):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
            rel = Path(folder).relative_to(src)
            for name in files:
                entry = (Path("clearweb") / rel / name).as_posix()
                if name.endswith(".py") and "__init__.py" in files:
                    modules.add(entry)
                elif name.endswith(DATA_SUFFIXES):
                    data.add(entry)
    return modules, data


def test_wheel_ships_all_packages_and_data(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "dist"
    src.mkdir()
    copy_sources(src)
    plant_extras(src)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--no-cache-dir", "-w", str(out), str(src)],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (wheel,) = out.glob("clearweb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    modules, data = walk(src)
    assert "clearweb/filters/_wheel_probe/inner/__init__.py" in modules
    assert {"clearweb/filters/_wheel_probe/inner/assets/table.tsv", "clearweb/configs/train/tiny.yaml",
            "clearweb/filters/toxicity/seed_lists/eng_Latn.txt"} <= data
    # (a) every package folder with all its modules, (b) every data file.
    assert sorted(modules - names) == []
    assert sorted(data - names) == []
    # (c) nothing from tests, benchmarks or caches, and nothing outside clearweb/ and its dist-info.
    for name in names:
        parts = name.split("/")
        assert not SKIP_DIRS & set(parts), name
        assert not name.endswith(".pyc") and parts[-1] != "conftest.py", name
        assert parts[0] == "clearweb" or parts[0].endswith(".dist-info"), name
