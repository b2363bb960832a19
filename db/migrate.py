"""Alembic migrations, run from code (`rrm migrate`, `rrm up`, test fixtures).

Each stage keeps its own migrations in `<stage>/migrations/` as an Alembic branch labelled with the stage's name and
depending on the spine's base revision, so stages evolve their tables independently; `upgrade heads` applies all.
Create a stage's next revision with `rrm db revision <stage> -m "what changes"`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config

from config.settings import PROJECT_ROOT

STAGES = ("ingest", "detect", "mobilize", "translate", "distribute", "registry", "web", "mail")
SPINE_VERSIONS = PROJECT_ROOT / "db" / "migrations" / "versions"


def version_locations() -> list[Path]:
    """The spine's versions folder, then each stage's `migrations/` folder that exists."""
    found = [SPINE_VERSIONS]
    for stage in STAGES:
        folder = PROJECT_ROOT / stage / "migrations"
        if folder.is_dir():
            found.append(folder)
    return found


def load_all_tables() -> None:
    """Import every module that declares tables, so `Base.metadata` knows them all."""
    importlib.import_module("db.tables")
    importlib.import_module("links.tables")  # shared below the stages; its migration is in the web branch
    for stage in STAGES:
        if (PROJECT_ROOT / stage / "tables.py").exists():
            importlib.import_module(f"{stage}.tables")


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "db" / "migrations"))
    cfg.set_main_option("version_locations", " ".join(str(p) for p in version_locations()))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest revision of every branch."""
    command.upgrade(alembic_config(url), "heads")


def revision(url: str, stage: str, message: str, autogenerate: bool = True) -> None:
    """Write the next migration of one stage's branch (a new branch if the stage has none yet)."""
    cfg = alembic_config(url)
    folder = PROJECT_ROOT / stage / "migrations"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        cfg.set_main_option("version_locations", cfg.get_main_option("version_locations") + f" {folder}")
        command.revision(cfg, message=message, autogenerate=autogenerate, head="base", branch_label=stage,
                         version_path=str(folder), depends_on="spine_0001")
    else:
        command.revision(cfg, message=message, autogenerate=autogenerate, head=f"{stage}@head")
