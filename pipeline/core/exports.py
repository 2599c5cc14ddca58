"""Package-level names imported on first use (PEP 562), so ``from clearweb.filters import
LanguageLabeler`` works without ``import clearweb.filters`` loading every step's dependencies."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[list[str], Callable[[str], object]]:
    """(``__all__``, the module's ``__getattr__``) for ``exports``: public name -> defining module."""

    def __getattr__(name: str) -> object:
        if name in exports:
            return getattr(import_module(exports[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return sorted(exports), __getattr__
