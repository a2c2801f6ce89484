"""Facts import-linter's contracts do not state: the report model is plain data over the domain,
and the layout reaches nothing above it."""

from __future__ import annotations

import ast
from pathlib import Path

import mockinspect.reporting as reporting

PACKAGE = Path(reporting.__file__).parent
# mockinspect modules each reporting module may import (besides itself and the standard library)
ALLOWED = {
    "model.py": {"mockinspect.domain"},
    "pdf.py": {"mockinspect.domain", "mockinspect.reporting", "mockinspect.errors"},
    "training_pdf.py": {"mockinspect.reporting", "mockinspect.i18n"},
    "fonts.py": {"mockinspect.domain", "mockinspect.resources"},
    "images.py": set(),
    "__init__.py": set(),
}


def _all_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    return {m for m in _all_imports(path) if m.startswith("mockinspect")}


def test_reporting_imports_only_the_domain_and_its_own_helpers():
    seen = {p.name for p in PACKAGE.glob("*.py")}
    assert seen <= set(ALLOWED), f"a new reporting module: say what it may import: {seen - set(ALLOWED)}"
    for name in seen:
        for module in _imports(PACKAGE / name):
            assert any(module == a or module.startswith(a + ".") for a in ALLOWED[name]), f"{name} imports {module}"


def test_the_model_is_frozen_dataclasses_without_reportlab():
    import dataclasses

    from mockinspect.reporting import model

    assert not any(m.startswith("reportlab") for m in _all_imports(PACKAGE / "model.py"))
    classes = [v for v in vars(model).values() if isinstance(v, type) and v.__module__ == model.__name__]
    assert classes and all(dataclasses.is_dataclass(c) and c.__dataclass_params__.frozen for c in classes)
