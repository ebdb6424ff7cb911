"""The package's import graph, read from the source: no cycles, handlers apart from the renderer.

Every import counts, function-level ones included; imports under ``if TYPE_CHECKING:`` never run
and do not. A package's ``__init__`` importing its own submodules (to re-export them) does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bai_media

PACKAGE = Path(bai_media.__file__).parent


def module_name(path: Path) -> str:
    parts = ["bai_media", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return skipped


def imports_of(name: str) -> set[str]:
    """The bai_media modules ``name`` imports anywhere in its source."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    own = {m for m in found if m in MODULES and m != name}
    if path.name == "__init__.py":  # re-exporting its own submodules is what a package does
        own = {m for m in own if not m.startswith(name + ".")}
    return own


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read_from_every_module() -> None:
    assert "bai_media.renderer" in GRAPH["bai_media.result"]
    assert "bai_media.context" in GRAPH["bai_media.handlers.text"]
    # Function-level imports count: cli imports the renderer inside a command.
    assert "bai_media.renderer" in GRAPH["bai_media.cli"]


def test_no_module_imports_a_module_that_imports_it_back() -> None:
    assert cycles() == []


def test_handlers_depend_on_the_contract_not_on_the_renderer() -> None:
    forbidden = {"bai_media.renderer", "bai_media.result", "bai_media.state", "bai_media.formats", "bai_media.cli",
                 "bai_media.contrib", "bai_media.assets"}
    for name, imported in GRAPH.items():
        if name.startswith("bai_media.handlers."):
            assert not {m for m in imported if any(m == f or m.startswith(f + ".") for f in forbidden)}, name


def test_formats_name_media_types_without_importing_handlers() -> None:
    for name, imported in GRAPH.items():
        if name.startswith("bai_media.formats"):
            assert not {m for m in imported if m.startswith("bai_media.handlers")}, name
    assert "bai_media.mediatypes" in GRAPH["bai_media.formats.backendai"]


def test_a_cycle_would_be_found() -> None:
    GRAPH["bai_media.context"].add("bai_media.renderer")
    try:
        assert any("bai_media.context" in c and "bai_media.renderer" in c for c in cycles())
    finally:
        GRAPH["bai_media.context"].discard("bai_media.renderer")


#: Libraries a short render of text outputs does not need: each is imported with the first item
#: (or template) that does, so command lines and ``import bai_media`` stay quick.
LAZY = ("jinja2", "markdown", "defusedxml", "msgpack", "PIL", "nh3", "bleach", "bai_media.assets")
RENDER_TEXT = """
import json, sys
from bai_media import formats, handle_all
from bai_media.renderer import default_renderer
handle_all([("stdout", "hi\\n"), ("stderr", "\\x1b[31mred\\x1b[0m\\n"), ("text/plain", "x < y")], "r")
nb = {"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "print(1)", "execution_count": 1,
      "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\\n"]}]}]}
default_renderer().render_page(formats.render(nb))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {n.split(".")[0] for n in LAZY})))
"""


def _imported_after(code: str) -> set[str]:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", f"LAZY = {LAZY!r}\n" + code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_rendering_text_outputs_imports_no_library_it_does_not_use() -> None:
    imported = _imported_after(RENDER_TEXT)
    assert not {name for name in imported if name in LAZY or name.startswith("bai_media.assets")}, imported


def test_a_markdown_item_imports_markdown_and_its_template_engine() -> None:
    imported = _imported_after(RENDER_TEXT.replace('("text/plain", "x < y")', '("text/markdown", "*x*")'))
    assert {"jinja2", "markdown", "nh3"} <= imported
