"""How stages plug into the command line and into `rrm up`.

A stage is a top-level package. It may have:
- `cli.py` with `commands: list[click.Command]`, added to `rrm`;
- `bootstrap.py` with `main(settings) -> None`, the blocking body of its worker process (`rrm worker <stage>`),
  which `rrm up` starts and supervises;
- `demo.py` with `seed(settings) -> None`, run by `rrm up` in the demo environment after migrations.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from config.settings import PROJECT_ROOT

#: Worker roles in start order. `relay` is the outbox relay; `web` the web server (started by `rrm up` itself).
STAGES = ("ingest", "detect", "mobilize", "translate", "distribute", "registry")
EXTRA_CLI = ("web", "db", "bus")


def _module(package: str, name: str) -> ModuleType | None:
    """`package.name` if the file exists (an import error inside it is raised, never hidden)."""
    if not (PROJECT_ROOT / package / f"{name}.py").exists():
        return None
    return importlib.import_module(f"{package}.{name}")


def worker_stages() -> list[str]:
    """Stages that have a worker process."""
    return [s for s in STAGES if (PROJECT_ROOT / s / "bootstrap.py").exists()]


def worker_main(stage: str) -> ModuleType:
    """The `bootstrap` module of a stage."""
    module = _module(stage, "bootstrap")
    if module is None:
        raise LookupError(f"stage {stage!r} has no worker")
    return module


def cli_modules() -> list[ModuleType]:
    """Every `cli.py` of the stages and of web/."""
    found = []
    for package in (*STAGES, *EXTRA_CLI):
        module = _module(package, "cli")
        if module is not None:
            found.append(module)
    return found


def demo_modules() -> list[ModuleType]:
    """Every `demo.py` of the stages (and web/, which creates the demo accounts)."""
    found = []
    for package in (*STAGES, "web"):
        module = _module(package, "demo")
        if module is not None:
            found.append(module)
    return found
