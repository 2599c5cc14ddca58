"""The layers: pipeline/core imports nothing else of clearweb; filters/, tokenizer/ and model/ import
pipeline/ only through pipeline/core; pipeline/'s orchestration knows filters only through the
registry (command-line front-ends of one component may import that component)."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FRONT_ENDS = {"pipeline/registry.py", "pipeline/cli.py", "pipeline/robots_cli.py", "pipeline/models_cli.py",
              "pipeline/tokenizer_cli.py", "pipeline/train_cli.py", "pipeline/demo/run.py"}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("clearweb.")}


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def test_core_is_a_leaf():
    for path in modules("pipeline/core"):
        outside = {name for name in imports(path) if not name.startswith("clearweb.pipeline.core")}
        assert not outside, f"{path.relative_to(REPO)} imports {sorted(outside)}"


def test_components_import_pipeline_only_through_core():
    for folder in ("filters", "tokenizer", "model"):
        for path in modules(folder):
            wrong = {name for name in imports(path) if name.startswith("clearweb.pipeline")
                     and not name.startswith("clearweb.pipeline.core")}
            assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


def test_orchestration_knows_components_only_through_the_registry():
    for path in modules("pipeline"):
        relative = path.relative_to(REPO).as_posix()
        if relative in FRONT_ENDS or relative.startswith("pipeline/core/"):
            continue
        wrong = {name for name in imports(path) if name.startswith(("clearweb.filters", "clearweb.tokenizer"))}
        assert not wrong, f"{relative} imports {sorted(wrong)}"
