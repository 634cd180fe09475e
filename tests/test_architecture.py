"""docs/architecture.md stays true: its package map's "may import" column is checked with import-linter, and no
modules of dvscrape import each other in a circle (grimp, import-linter's graph library)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
ALWAYS_ALLOWED = {"errors"}


def _package_map() -> dict[str, set[str] | None]:
    """package → the packages its row may import (None: everything)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Package map", 1)[1]
    rows: dict[str, set[str] | None] = {}
    for line in table.splitlines():
        match = re.match(r"\| `(\w+)/` \| .* \| (.+) \|$", line)
        if not match:
            continue
        package, allowed = match.groups()
        allowed = re.sub(r"\([^)]*\)", "", allowed)  # remarks in brackets name types, not packages
        rows[package] = None if allowed.startswith("everything") else set(re.findall(r"`(\w+)`", allowed))
    return rows


def _packages() -> set[str]:
    return {p.name for p in (ROOT / "dvscrape").iterdir() if (p / "__init__.py").exists()}


def test_the_package_map_names_every_package_and_only_packages() -> None:
    rows = _package_map()
    assert set(rows) == _packages()
    named = set().union(*(allowed for allowed in rows.values() if allowed))
    assert named <= _packages() | ALWAYS_ALLOWED


def test_every_import_is_one_the_package_map_allows(tmp_path: Path) -> None:
    rows = _package_map()
    packages = _packages()
    contracts = []
    for package, allowed in sorted(rows.items()):
        if allowed is None:
            continue
        forbidden = sorted(packages - allowed - {package})
        contracts.append(
            "\n".join(
                [
                    f"[importlinter:contract:{package}]",
                    f"name = {package}/ imports only what docs/architecture.md allows",
                    "type = forbidden",
                    f"source_modules = dvscrape.{package}",
                    "forbidden_modules =",
                    *(f"    dvscrape.{name}" for name in forbidden),
                    "allow_indirect_imports = true",
                ]
            )
        )
    config = tmp_path / "importlinter.ini"
    config.write_text("[importlinter]\nroot_package = dvscrape\n\n" + "\n\n".join(contracts) + "\n", encoding="utf-8")
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), str(config), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm over grimp's import graph)."""
    graph = grimp.build_graph("dvscrape")
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in modules:
        if module not in index:
            visit(module)
    return groups


def _is_package_init_cycle(group: list[str]) -> bool:
    """A package and its own modules (the package re-exports them): not a cycle between modules."""
    return len(group) == 2 and group[1].startswith(group[0] + ".")


def test_no_modules_import_each_other_in_a_circle() -> None:
    cycles = [group for group in _cycles() if not _is_package_init_cycle(group)]
    assert not cycles, "\n".join(" ↔ ".join(group) for group in cycles)


def test_no_replica_modules_import_each_other_in_a_circle() -> None:
    cycles = [group for group in _cycles() if group[0].startswith("dvscrape.replica.")]
    assert not cycles, "\n".join(" ↔ ".join(group) for group in cycles)
