"""Package discovery for the clearweb wheel; all other metadata lives in pyproject.toml.

The source folders sit at the repository root but install as ``clearweb.<folder>`` through
``package_dir``, which setuptools' automatic discovery does not follow. A hand-written ``packages``
list silently dropped every new subpackage (and its data files) from the wheel, so this walks the
folders instead: each folder with an ``__init__.py`` becomes a package, and every data file the code
may read at run time is shipped with the nearest package above it.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
SOURCE_DIRS = ("pipeline", "filters", "tokenizer", "model", "configs")
DATA_SUFFIXES = (".json", ".csv", ".txt", ".yaml", ".tsv", ".gz", ".ftz", ".bin")
SKIP_DIRS = {"__pycache__", "tests", "benchmarks", ".venv"}


def discover() -> tuple[list[str], dict[str, str], dict[str, list[str]]]:
    """Return ``packages``, ``package_dir`` and ``package_data`` for every source folder."""
    packages: list[str] = []
    package_data: dict[str, list[str]] = {}
    owner: dict[Path, tuple[str, Path]] = {}  # folder -> (package it belongs to, that package's folder)
    for top in SOURCE_DIRS:
        for folder, dirs, files in os.walk(ROOT / top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            rel = Path(folder).relative_to(ROOT)
            # The top folders are packages even without __init__.py (configs/ is a namespace package).
            if rel == Path(top) or "__init__.py" in files:
                owner[rel] = ("clearweb." + ".".join(rel.parts), rel)
                packages.append(owner[rel][0])
            else:
                owner[rel] = owner[rel.parent]
            package, package_root = owner[rel]
            package_data.setdefault(package, []).extend(
                glob.escape((rel / name).relative_to(package_root).as_posix())
                for name in sorted(files)
                if name.endswith(DATA_SUFFIXES)
            )
    package_dir = {f"clearweb.{top}": top for top in SOURCE_DIRS}
    return packages, package_dir, {name: files for name, files in package_data.items() if files}


if __name__ == "__main__":
    found_packages, found_dirs, found_data = discover()
    # package_data names every data file; include_package_data would only warn about non-package folders.
    setup(
        packages=found_packages,
        package_dir=found_dirs,
        package_data=found_data,
        include_package_data=False,
    )
