"""`rrm distribute ...`: import editors from CSV on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from config.settings import get_settings


@click.group("distribute")
def distribute() -> None:
    """Outlets, editors and distributions."""


@distribute.command("import-editors")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_editors_command(csv_file: Path) -> None:
    """Import (or update, by address) editors from a CSV file; refused rows are listed with their reason."""
    from db.engine import make_engine, session_factory, transaction

    from .audience import import_editors
    from .model import CsvRefused

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            result = import_editors(session, csv_file.read_bytes())
    except CsvRefused as exc:
        click.echo(f"{csv_file}: {exc}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    click.echo(f"{result.created} editors added, {result.updated} updated, {len(result.bad)} rows refused")
    for bad in result.bad:
        click.echo(f"  line {bad.line}: {bad.reason}")


commands = [distribute]
