import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    # Tests never reach a hub; fail fast if anything tries.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    sys.path.insert(0, str(REPO))
