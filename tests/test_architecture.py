"""The tree's shape: which package may import which, no import circles, no file too long to read.

Read from the source with ``ast`` (nothing is imported), so a forbidden import anywhere — inside a
function, under ``TYPE_CHECKING`` — fails here before it can work its way in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "etl", "dashboard", "onemap")
# what each package may import of the others (itself always)
ALLOWED = {
    "common": set(),
    "etl": {"common"},
    "dashboard": {"common"},
    "onemap": {"common", "etl", "dashboard"},
}
MAX_LINES = 400
# a long file says why it is one piece in a comment near its top
ONE_PIECE = "one piece:"
SOURCE_SUFFIXES = {".py", ".sql", ".js", ".css", ".html", ".mako"}


def modules() -> dict[str, Path]:
    """Every module of the four packages by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ours that a module imports, wherever the import stands."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        for target in targets:
            # the longest prefix that is one of our modules
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                candidate = ".".join(parts[:i])
                if candidate in known:
                    if candidate != name:
                        out.add(candidate)
                    break
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_each_package_imports_only_what_it_may(graph: dict[str, set[str]]) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if (top := target.split(".")[0]) != (own := module.split(".")[0]) and top not in ALLOWED[own]
    )
    assert not wrong, "dashboard and etl import nothing of each other; common imports neither:\n" + "\n".join(
        wrong
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycles_are_found_where_they_exist() -> None:
    """The check itself can fail: a made-up loop is reported, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_circle(graph: dict[str, set[str]]) -> None:
    # a package's __init__ that imports its own submodules is part of the package, not a circle
    # with them: drop edges from a package to its own children and from children to their parent
    def own(a: str, b: str) -> bool:
        return b.startswith(a + ".") or a.startswith(b + ".")

    pruned = {m: {t for t in ts if not own(m, t)} for m, ts in graph.items()}
    assert cycles(pruned) == []


def released_migrations() -> set[Path]:
    """Files of released migrations: history, pinned by hash, never edited again (not even for a
    comment), so they cannot say anything at their top."""
    listing = ROOT / "etl" / "migrations" / "released.txt"
    lines = [line.split() for line in listing.read_text(encoding="utf-8").splitlines()]
    return {
        ROOT / parts[-1].lstrip("*") for parts in lines if len(parts) == 2 and not parts[0].startswith("#")
    }


def long_files() -> list[str]:
    """Source files over MAX_LINES lines that do not say why they are one piece."""
    frozen = released_migrations()
    assert frozen, "etl/migrations/released.txt lists no released migration"
    found = []
    for top in (*PACKAGES, "tests", "benchmarks"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file() or path in frozen:
                continue
            text = path.read_text(encoding="utf-8")
            n = text.count("\n")
            if n > MAX_LINES and ONE_PIECE not in "\n".join(text.splitlines()[:8]):
                found.append(f"{path.relative_to(ROOT)}: {n} lines")
    return found


def test_no_file_too_long_to_read() -> None:
    assert long_files() == [], (
        f"split these, or say in a comment near the top ('{ONE_PIECE} …') why each is one piece"
    )


def test_settings_are_all_listed_in_env_example() -> None:
    """Every setting a deployment can set is in .env.example, under its environment name."""
    from common.secret import SecretSettings
    from dashboard.settings import DashboardSettings
    from etl.settings import DatabaseSettings, EtlSettings

    listed = (ROOT / ".env.example").read_text(encoding="utf-8")
    missing = []
    for cls in (DatabaseSettings, EtlSettings, DashboardSettings, SecretSettings):
        prefix = cls.model_config.get("env_prefix", "")
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            names = list(alias.choices) if alias is not None and hasattr(alias, "choices") else []
            names = [str(n) for n in names] or [f"{prefix}{name}".upper()]
            if not any(f"{n}=" in listed for n in names):
                missing.append(f"{cls.__name__}.{name} ({names[0]})")
    assert not missing, "add to .env.example: " + ", ".join(missing)
