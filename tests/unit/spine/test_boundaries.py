"""The layering rules of ../shared/STYLE.md, stated as code: every module's imports (ast), checked against them.

Layers, from the bottom: the shared pieces (`config`, `db`, `bus`, `mail`, `links`), the stages, then `web`.
An import inside a function counts like one at the top of the file.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STAGES = ("ingest", "detect", "mobilize", "translate", "distribute", "registry")
SHARED = ("bus", "db", "config", "mail", "links")
#: Every top-level package of this project: an import of another top-level name is stdlib or third-party.
OURS = frozenset((*STAGES, *SHARED, "web", "rrm"))
#: What web/ must never import from a stage: its storage and its I/O belong to the stage's handlers and queries;
#: its agents and timers belong to its worker process.
WEB_FORBIDDEN = ("tables", "adapters", "agents", "schedule")


def modules_of(package: str) -> list[Path]:
    """Every Python file of a top-level package, migrations included."""
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    """`mobilize/handlers.py` -> `mobilize.handlers`; `mobilize/__init__.py` -> `mobilize`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, *, ours_only: bool = True) -> set[str]:
    """The absolute names of the project's modules that `path` imports (relative imports resolved); with
    `ours_only=False` third-party and stdlib modules too."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from mobilize import tables` imports the module `mobilize.tables`
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {n for n in found if n.split(".")[0] in OURS or not ours_only}


def violations(package: str, allowed: Callable[[str], bool]) -> list[str]:
    """`file: imported module` for every import of `package`'s modules that `allowed(module)` refuses."""
    found = []
    for path in modules_of(package):
        for target in sorted(imports_of(path)):
            if not allowed(target):
                found.append(f"{path.relative_to(ROOT)}: {target}")
    return found


def top(name: str) -> str:
    """The top-level package of a module name."""
    return name.split(".")[0]


@pytest.mark.parametrize("package", SHARED)
def test_shared_layers_import_no_stage_and_not_web(package):
    """bus/, db/, config/, mail/ and links/ import no stage and not web/ (they sit below them)."""
    assert violations(package, lambda t: top(t) in SHARED) == []


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_the_shared_layers_and_itself(stage):
    """A stage imports bus, db, config, mail, links and its own modules: no other stage, never web/."""
    assert violations(stage, lambda t: top(t) in (*SHARED, stage)) == []


def test_web_uses_stages_through_handlers_and_queries():
    """web/ never imports a stage's tables or adapters: it calls the stage's handlers and queries."""

    def allowed(target: str) -> bool:
        parts = target.split(".")
        return not (parts[0] in STAGES and any(p in WEB_FORBIDDEN for p in parts[1:]))

    assert violations("web", allowed) == []


def test_web_builds_a_stage_adapter_only_in_that_stages_routes_setup():
    """web/ may import `<stage>.bootstrap` only in `web/routes/<stage>.py`, and use it only inside `setup()`.

    `setup(app, settings)` is the routes module's composition root: it runs once at start and builds the stage's
    long-lived clients from settings (distribute's mail senders and webhook verifier) the one way the stage's worker
    builds them. Nowhere else in web/ may a stage's adapters be built.
    """
    found = []
    for path in modules_of("web"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name.endswith(".bootstrap") and top(a.name) in STAGES
                                                    for a in node.names):
                found.append(f"{path.relative_to(ROOT)}: `import <stage>.bootstrap` (import the names setup uses)")
            if not (isinstance(node, ast.ImportFrom) and node.module and top(node.module) in STAGES
                    and node.module.endswith(".bootstrap")):
                continue
            stage = top(node.module)
            if path != ROOT / "web" / "routes" / f"{stage}.py":
                found.append(f"{path.relative_to(ROOT)}: {node.module} outside web/routes/{stage}.py")
                continue
            names = {a.asname or a.name for a in node.names}
            setups = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "setup"]
            inside = {id(n) for f in setups for n in ast.walk(f)}
            for use in ast.walk(tree):
                if isinstance(use, ast.Name) and use.id in names and id(use) not in inside:
                    found.append(f"{path.relative_to(ROOT)}:{use.lineno}: {use.id} used outside setup()")
    assert found == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_wires_its_worker_the_same_way(stage):
    """The worker kit's parts each have one home: agents in agents.py, timers in schedule.py, the worker in
    bootstrap.py (through `bus.worker.Worker`, never a faust app or worker of its own)."""
    homes = {"bus.app": "agents.py", "apscheduler": "schedule.py", "bus.worker": "bootstrap.py"}
    found = []
    for path in modules_of(stage):
        for target in imports_of(path, ours_only=False):
            for module, home in homes.items():
                if (target == module or target.startswith(module + ".")) and path.name != home:
                    found.append(f"{path.relative_to(ROOT)}: {target} (belongs in {stage}/{home})")
            if top(target) == "faust":
                found.append(f"{path.relative_to(ROOT)}: {target} (the kit in bus/ is the only faust user)")
    bootstrap = ROOT / stage / "bootstrap.py"
    if bootstrap.exists():
        assert "bus.worker.Worker" in imports_of(bootstrap), f"{stage}/bootstrap.py does not use bus.worker.Worker"
    assert found == []


def test_the_rules_see_relative_and_late_imports():
    """The parser resolves `from ..x import y` and finds imports inside functions (so the rules cannot be dodged)."""
    found = imports_of(ROOT / "web" / "routes" / "mobilize.py")
    assert "web.nav" in found and "web.auth" in found
    assert any(top(t) == "mobilize" for t in found)
