import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    # Tests never reach a hub; fail fast if anything tries.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    sys.path.insert(0, str(REPO))


@pytest.fixture
def task_log():
    """Messages logged through datatrove's logger (loguru), which is what a task's log file gets."""
    from datatrove.utils.logging import logger

    messages: list[str] = []
    handler = logger.add(messages.append, level="WARNING", format="{message}")
    yield messages
    logger.remove(handler)
