"""The apps of opora form layers: an app imports only the apps below it, so each can be read,
changed and tested without the ones built on it. accounts (users and role rules) sits at the
bottom with the registry it scopes by; no two apps import each other, directly or in a ring,
except the rings listed below with their reason.

Every import counts: at module level and inside functions (a function-level import is still a
dependency, only hidden). Migrations are left out: they are generated and name models by label.
"""

import ast
from collections import defaultdict
from pathlib import Path

import opora

ROOT = Path(opora.__file__).parent

# Rings of apps that still import each other, each with why it is there; the test fails when a
# ring changes (a new one appears, or one listed here is gone), so this list stays true.
KNOWN_CYCLES: dict[frozenset[str], str] = {
    frozenset({"accounts", "registry"}): (
        "the base layer: a user is scoped by registry territories (permissions.py filters "
        "schools and municipalities) and registry pages check those role rules"
    ),
    frozenset({"assessments", "identification", "programs"}): (
        "programs and identification share the municipal order (programs.Order approves an "
        "identification list) and a program indicator counts the identified schools "
        "(identification.selectors.supported_schools); the results page of assessments shows "
        "identification's fair change against comparable schools"
    ),
}


def _node(dotted: str) -> str | None:
    """The app (or the module at opora's top level, e.g. opora.tabular) a dotted name is in."""
    parts = dotted.split(".")
    if parts[0] != "opora" or len(parts) < 2:
        return None
    if (ROOT / parts[1]).is_dir():
        return parts[1]
    return f"opora.{parts[1]}"


def _source_node(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0] if len(relative.parts) > 1 else f"opora.{relative.stem}"


def _imported_names(path: Path):
    package = ".".join(("opora", *path.relative_to(ROOT).parent.parts))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module
            if module == "opora":  # from opora import locking, tabular
                for alias in node.names:
                    yield node.lineno, f"opora.{alias.name}"


def app_imports() -> dict[str, dict[str, list[str]]]:
    """{importing app: {imported app: ["path:line", ...]}} over every module under opora/."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        source = _source_node(path)
        for line, name in _imported_names(path):
            target = _node(name)
            if target and target != source:
                graph[source][target].append(f"{path.relative_to(ROOT.parent)}:{line}")
    return graph


def import_cycles(graph) -> set[frozenset[str]]:
    """Groups of apps that reach each other through imports (strongly connected components)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(app: str) -> None:
        order[app] = low[app] = len(order)
        stack.append(app)
        for other in graph.get(app, {}):
            if other not in order:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], order[other])
        if low[app] == order[app]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == app:
                    break
            if len(group) > 1:
                found.add(frozenset(group))

    for app in list(graph):
        if app not in order:
            visit(app)
    return found


def test_accounts_builds_on_the_registry_only():
    graph = app_imports()
    imported = graph["accounts"]
    # A helper module of opora that imports no app (opora.paging for the users page) lies below
    # every layer.
    below = {"registry"} | {n for n in imported if n.startswith("opora.") and not graph.get(n)}

    assert set(imported) <= below, {
        app: where for app, where in imported.items() if app not in below
    }


def test_no_import_cycle_between_apps_but_the_known_ones():
    graph = app_imports()
    cycles = import_cycles(graph)

    def evidence(group):
        return {
            f"{a} -> {b}": where[:3]
            for a in sorted(group)
            for b, where in graph[a].items()
            if b in group
        }

    unexpected = {", ".join(sorted(group)): evidence(group) for group in cycles - set(KNOWN_CYCLES)}
    assert not unexpected, f"new import cycle between apps: {unexpected}"
    gone = [", ".join(sorted(group)) for group in set(KNOWN_CYCLES) - cycles]
    assert not gone, f"these cycles are gone: remove them from KNOWN_CYCLES: {gone}"


def test_the_cycle_finder_sees_rings_through_several_apps():
    """The test's own instrument: a ring through three apps is one cycle."""
    graph = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}

    assert import_cycles(graph) == {frozenset({"a", "b", "c"})}
