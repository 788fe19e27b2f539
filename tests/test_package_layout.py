"""The package's layout: dependencies between gvr_helpers' modules point one way (no cycle, counting the
imports inside functions too), no module imports another's private name, and nothing outside tests is
named like a test. Fast: parses the source, imports nothing."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gvr_helpers"


def module_name(path: Path) -> str:
    """Dotted name inside the package: ``models``, ``exercises`` (its __init__), ``exercises.gan``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))
           if module_name(p)}


def resolve(module: str, level: int, target: str | None) -> str:
    """The module a relative import in ``module`` names (``from ..models import x`` in exercises.gan: models)."""
    is_package = (PACKAGE / module.replace(".", "/") / "__init__.py").exists()
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[:len(parts) - (level - 1)] if level > 1 else parts
    return ".".join(base + (target.split(".") if target else []))


def imports(tree, module: str):
    """(imported module, private name or None) for every relative import and attribute use in a module."""
    bound = {}  # local name -> module, for `from . import x` / `from .. import x`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = resolve(module, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                if sub in MODULES:
                    bound[alias.asname or alias.name] = sub
                    yield sub, None
                else:
                    yield base, alias.name if alias.name.startswith("_") else None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                and bound[node.value.id] != module and node.attr.startswith("_") and not node.attr.startswith("__")):
            yield bound[node.value.id], node.attr


def graph() -> dict:
    return {m: {t for t, _ in imports(tree, m) if t in MODULES and t != m} for m, tree in MODULES.items()}


def cycle_through(edges: dict, start: str):
    """A path start -> ... -> start, or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_module_dependencies_have_no_cycle():
    edges = graph()
    cycles = [" -> ".join(c) for m in sorted(edges) if (c := cycle_through(edges, m))]
    assert not cycles, f"gvr_helpers' modules import each other in a cycle: {cycles}"


def test_the_cycle_check_finds_a_cycle():
    assert cycle_through({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a") == ["a", "b", "c", "a"]
    assert cycle_through({"a": {"b"}, "b": {"c"}}, "a") is None


def test_no_module_uses_another_modules_private_names():
    found = sorted({(m, t, name) for m, tree in MODULES.items() for t, name in imports(tree, m) if name})
    assert not found, f"private names used across modules (module, owner, name): {found}"


def test_measures_and_plots_depend_on_nothing_that_trains():
    edges = graph()
    training = {"train", "callbacks", "unpaired", "evaluation", "translators", "transfer", "fusion", "vr"}
    for low in ("metrics", "plotting", "results", "sphere", "data", "config"):
        parts = [m for m in edges if m == low or m.startswith(low + ".")]   # a sub-package: each of its modules
        assert parts, low
        assert not any(edges[m] & training for m in parts), low


def test_no_function_or_class_outside_tests_is_named_like_a_test():
    named = [f"{m}.{n.name}" for m, tree in MODULES.items() for n in tree.body
             if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name.lower().startswith("test")]
    assert not named, f"pytest would collect these if imported into a test module: {named}"


MAX_LINES = 500   # a module a newcomer can read in one sitting; split by topic beyond this


def test_no_module_is_longer_than_a_newcomer_can_hold_in_their_head():
    long = {m: n for p in sorted(PACKAGE.rglob("*.py"))
            if (m := module_name(p)) and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by topic): {long}"


def test_readme_and_package_docstring_list_every_module():
    import re

    top = {m.split(".")[0] for m in MODULES}
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("one module a job"):readme.index("seed API works")]
    listed = set(re.findall(r"`([a-z_0-9]+)`", section))
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")))
    problems = {"missing from the README": sorted(top - listed),
                "listed in the README but not modules": sorted(listed - top),
                "missing from the package docstring": sorted(m for m in top if not re.search(rf"\b{m}\b", doc))}
    assert not any(problems.values()), problems
