"""The package's layers import only downwards; nothing in the package imports bench/.

contract/ is the base (the checks and in-kernel grading need nothing else); reports/ and
course/ build on it; engine/ runs the contract in a sandbox and files its results;
authoring/ and the CLI sit on top. Hidden checks see only the contract and course_lib.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "autograder"

# layer -> the autograder layers its modules may import (besides their own).
ALLOWED = {
    "contract": set(),
    "reports": {"contract"},
    "course": {"contract"},
    "engine": {"contract", "reports", "course"},
    "authoring": {"contract", "reports", "course", "engine"},
    "checks": {"contract"},
    "cli": {"contract", "reports", "course", "engine", "authoring"},
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if layer_of(p) != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_follow_the_layers(path):
    layer = layer_of(path)
    allowed = ALLOWED[layer] | {layer}
    wrong = set()
    for module in imported_modules(path):
        parts = module.split(".")
        if parts[0] == "bench":
            wrong.add(module)
        elif parts[0] == "autograder" and len(parts) > 1 and parts[1] not in allowed:
            if parts[1] != "__version__":
                wrong.add(module)
    assert not wrong, f"{layer}/ may import only {sorted(allowed)}; it imports {sorted(wrong)}"


def test_the_layers_cover_the_package():
    assert {layer_of(p) for p in MODULES} == set(ALLOWED)
