"""The folders are the layers: imports point down (pages -> ui -> use-cases -> store and the
pure domain), lib/ never imports Streamlit, and no module imports itself back through others.

The graph is read from the source with `ast` (function-level imports included), so a lazy
import cannot hide an upward arrow."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = {
    "lib.domain",
    "lib.discount",
    "lib.fmt",
    "lib.auth",
    "lib.spreadsheet",
    "lib.patterns",
    "lib.clientaddr",
    "lib.documents",  # issue 14: CPF/CNPJ check digits
    "lib.ixc_files",  # issue 14: reading IXC listings (CSV/XLSX)
    "lib.ixc_api",  # issue 14: IXC's REST webservice (standard library HTTP)
}
# layer -> the layers it may import
ALLOWED: dict[str, set[str]] = {
    "pure": {"pure"},
    "store": {"store", "pure"},
    "usecases": {"usecases", "store", "pure"},
    "demo": {"demo", "usecases", "store", "pure"},
    "config": {"pure"},
    "entry": {"entry", "config", "demo", "usecases", "store", "pure"},
    "ui": {"ui", "entry", "config", "usecases", "store", "pure"},
    "pages": {"ui", "usecases", "store", "pure"},
}
LIB_LAYERS = {"pure", "store", "usecases", "demo", "config", "entry"}
FRAMEWORK = {"streamlit"}


def layer(module: str) -> str:
    if module in PURE or module == "lib":  # lib/__init__ holds only the layers' description
        return "pure"
    for prefix, name in (
        ("lib.store", "store"),
        ("lib.usecases", "usecases"),
        ("lib.demo", "demo"),
        ("lib.config", "config"),
        ("lib.logs", "config"),  # the operator's log: standard library only, like config
        ("lib.runtime", "entry"),  # the server process's store, backups and shutdown
        ("lib.bootstrap", "entry"),
        ("lib.admin", "entry"),
        ("lib.ixc_scheduler", "entry"),  # issue 14: the scheduled IXC sync
        ("ui", "ui"),
        ("pages", "pages"),
        ("app", "pages"),
    ):
        if module == prefix or module.startswith(prefix + "."):
            return name
    raise AssertionError(f"{module}: no layer; add it to tests/unit/test_layers.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    files = [ROOT / "app.py", *ROOT.glob("pages/*.py")]
    files += [p for d in ("lib", "ui") for p in (ROOT / d).rglob("*.py")]
    return {module_name(p): p for p in files}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every module this file imports: project modules resolved to the file they name, other
    packages by their top-level name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                for a in node.names
            ]
        for t in targets:
            found.add(t if t in known else t.split(".")[0])
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imports_of(path, known) for name, path in modules.items()}


def violations(g: dict[str, set[str]], known: set[str]) -> list[str]:
    out = []
    for mod, deps in sorted(g.items()):
        src = layer(mod)
        for dep in sorted(deps):
            if dep in known:
                if layer(dep) not in ALLOWED[src]:
                    out.append(f"{mod} ({src}) imports {dep} ({layer(dep)})")
            elif dep in FRAMEWORK and src in LIB_LAYERS:
                out.append(f"{mod} ({src}) imports {dep}")
    return out


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in g:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_imports_point_down_the_layers():
    g = graph()
    assert violations(g, set(g)) == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_store_imports_nothing_above_it():
    g = graph()
    above = {
        f"{m} -> {d}"
        for m, deps in g.items()
        if m.startswith("lib.store")
        for d in deps
        if d.startswith(("lib.usecases", "lib.demo", "ui", "pages"))
    }
    assert above == set()


def test_the_checks_catch_an_upward_import_and_a_cycle():
    # The same functions on a made-up graph: a store module reaching up to the demo and a
    # use-case, a pure module importing Streamlit, and two use-cases importing each other.
    g = {
        "lib.store.tickets": {"lib.demo.isp", "lib.domain"},
        "lib.demo.isp": {"lib.store.tickets"},
        "lib.domain": {"streamlit"},
        "lib.usecases.a": {"lib.usecases.b"},
        "lib.usecases.b": {"lib.usecases.a", "lib.store.tickets"},
    }
    assert violations(g, set(g)) == [
        "lib.domain (pure) imports streamlit",
        "lib.store.tickets (store) imports lib.demo.isp (demo)",
    ]
    assert sorted(cycles(g)) == [
        ["lib.demo.isp", "lib.store.tickets"],
        ["lib.usecases.a", "lib.usecases.b"],
    ]
